"""`make bench`: reader search latency and throughput on the demo corpus and on 100,000 articles.

Starts its own PostgreSQL (a cluster kept under var/bench/pg that caches the generated corpora as
template databases) and a fresh OpenSearch node, unless DATABASE_URL / OPENSEARCH_URL are set;
serves the site as production does (gunicorn, newsroom.settings.production, DEBUG off, static
files through WhiteNoise) beside the durable task worker; then for each corpus rebuilds the public
index and measures the results page, suggestions and the JSON API — sequentially for latency, with
concurrent clients for throughput — beside the raw OpenSearch latency of the very same request
bodies. Prints a table and writes it to var/bench/results.md.

Environment knobs: BENCH_ARTICLES (100000), BENCH_CONCURRENCY (8), BENCH_LOAD_SECONDS (15),
BENCH_WORKERS (2 x cores + 1), BENCH_WORKER_CLASS (sync), BENCH_THREADS (gthread only),
BENCH_PUBLISHES (10), BENCH_PHASES (demo,big), BENCH_WARMUP_SECONDS (10).
"""

import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from . import wrk
from .appserver import AppServer, children, http_status
from .bench_load import load, percentile, sequential
from .console import fail, say, step
from .opensearch import REPO_DIR, VAR_DIR, Node, cluster_health, free_port
from .postgres import TemporaryPostgres

BENCH_DIR = VAR_DIR / "bench"
PYTHON = sys.executable
HOST = "127.0.0.1"
CORES = os.cpu_count() or 2

BIG_ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "15"))
# gunicorn's own advice for sync workers: (2 x cores) + 1. Each request mostly waits on OpenSearch,
# so a few more processes than cores keep both cores busy.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * CORES + 1)))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
# Cached pages are cheap: more connections keep every worker busy (wrk, not the Python client).
PAGE_CONNECTIONS = int(os.environ.get("BENCH_PAGE_CONNECTIONS", "16"))
PUBLISHES = int(os.environ.get("BENCH_PUBLISHES", "10"))
PHASES = os.environ.get("BENCH_PHASES", "demo,big").split(",")
WARMUP_SECONDS = float(os.environ.get("BENCH_WARMUP_SECONDS", "10"))

# Readers' queries, from the generator's vocabulary (news/demo/vocabulary.py) and the written
# collection's subjects, so both corpora answer them: single words, two words, quoted phrases,
# typos, then the kinds the query reader handles (a question, a long query no article fully
# matches, initials and full names, a year, "latest"), then filtered and newest-first ones.
# Author names are added from the corpus.
SEARCH_QUERIES = [
    "inflation", "wildfires", "vaccines", "budget", "floods", "cyclones", "semiconductors", "archaeology",
    "heatwave", "parliament", "strikes", "transfer",
    "interest rates", "solar microgrids", "flu vaccine", "housing bill", "offshore wind", "pension reform",
    "lithium export", "cup semi-final",
    '"record transfer"', '"the spring budget"', '"lunar lander"', '"joint gas purchasing"',
    "inflaton", "wildfries", "vacine", "parliment", "hurricane recovry", "semiconducters",
    "what did the central bank say about interest rates", "northwind bank chief executive resigns after one week",
    "IMF", "world health organization", "budget 2025", "latest interest rates decision", "e-scooter",
    "£2.4bn",
]
FILTERED_QUERIES = [
    {"q": "inflation", "section": "business"},
    {"q": "floods", "section": "world/europe"},
    {"q": "energy", "sort": "newest"},
    {"q": "elections", "section": "politics", "sort": "newest"},
    {"q": "vaccine", "section": "health"},
    {"q": "trade deal", "sort": "newest"},
]
# What a reader has typed so far when the overlay asks for suggestions: 2 to 8 characters.
SUGGEST_PREFIXES = [
    "in", "inf", "infla", "inflati", "wi", "wildf", "va", "vacc", "vaccine", "bu", "budg", "pa", "parlia",
    "ho", "housi", "so", "solar m", "no", "northwi", "cy", "cyclon", "el", "electi", "he", "heatwa",
    "ra", "rail co", "ci", "city ro",
]

# How each endpoint says "search unavailable" (OpenSearch slower than SEARCH_TIMEOUT, or down): the
# results page and suggestions still answer 200, so their bodies are checked.
FAILURE_MARKERS = {"search": b"Search is temporarily unavailable", "suggest": b'"unavailable": true', "api": None}

TARGETS = {
    "search_p95": 60.0,      # ms, results page, at 100k
    "search_rps": 150.0,     # req/s, results page, at 100k
    "suggest_p95": 20.0,     # ms
    "reindex_rate": 1000.0,  # articles/s
    "cached_share": 0.40,    # home / section / article from the page cache, as a share of the ceiling
    "rendered_rps": {"home": 150.0, "article": 300.0},  # req/s, rendered every time (page cache off)
    "worker_idle": 0.01,     # share of a core the idle task worker takes
    "app_vs_raw": 1.5,       # the results page's latency over OpenSearch's for the same queries
    "worker_rss_mib": 150.0,  # MiB, the largest gunicorn worker
}


# -- services ----------------------------------------------------------------------------------

class BenchPostgres(TemporaryPostgres):
    """A PostgreSQL cluster that outlives the run (var/bench/pg): the generated corpora stay in it
    as template databases, and each run copies them (CREATE DATABASE ... TEMPLATE, a file copy)."""

    def __init__(self):  # not super().__init__(): that makes a temporary directory
        from .postgres import bin_dir

        self.port = free_port()
        self.database = "postgres"
        self.bin = bin_dir()
        self.dir = BENCH_DIR / "pg"
        self.data = self.dir / "data"
        self.run_as = "postgres" if os.geteuid() == 0 else None
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            shutil.chown(self.dir, user=self.run_as)

    def url_for(self, database):
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def start(self):
        if (self.data / "postmaster.pid").exists():  # left running by an interrupted run
            subprocess.run(self._command(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                                         "stop"), capture_output=True)
        with step(f"Starting the benchmark PostgreSQL on {HOST}:{self.port} (data kept in {self.data})"):
            if not (self.data / "PG_VERSION").exists():
                shutil.rmtree(self.data, ignore_errors=True)
                self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                          "--encoding=UTF8", "--no-locale", "--no-sync")
            # Throwaway data: durability traded for speed, as for the test suite. The settings that
            # shape query speed (shared_buffers, work_mem) stay at PostgreSQL's defaults.
            options = (f"-p {self.port} -c listen_addresses={HOST} -k {self.dir} -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                      "-o", options, "-w", "-t", "60", "start")
        return self

    def _command(self, *command):
        return ("runuser", "-u", self.run_as, "--", *command) if self.run_as else command

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def sql(self, statement, database="postgres"):
        result = self._run(str(self.bin / "psql"), "-h", HOST, "-p", str(self.port), "-U", "postgres", "-d",
                           database, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement)
        return result.stdout.strip()

    def databases(self):
        return set(self.sql("SELECT datname FROM pg_database").split())

    def copy(self, template, name):
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def postmaster_pid(self):
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None


# -- /proc helpers: CPU time and memory per component ------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        # The command name may contain spaces: split after its closing parenthesis.
        return f.read().rsplit(")", 1)[1].split()


def cpu_seconds(pids):
    """CPU time of these processes and of their children that have exited (a PostgreSQL backend
    that ends moves its time into the postmaster's cutime/cstime)."""
    total = 0.0
    for pid in pids:
        try:
            fields = _stat(pid)
            total += sum(int(value) for value in fields[11:15]) / CLOCK_TICKS  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            pass
    return total


def _reaped_seconds(pid):
    """CPU time of the children this process has reaped (cutime + cstime), or None if it is gone."""
    try:
        return sum(int(value) for value in _stat(pid)[13:15]) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None


def tree_cpu_seconds(root):
    """CPU time of a process, its live children and every child it has reaped: a total that only
    grows while workers come and go (gunicorn replacing a worker after max_requests, a PostgreSQL
    backend ending). Counting the live children alone, a worker that ended during a measurement took
    its whole CPU time out of the total (negative deltas; the time reappeared as "other processes"),
    and one started meanwhile was counted since its start, which is right.

    The kernel moves a child's time into its parent's cutime/cstime when the parent reaps it, so the
    root's counters and its children are read until neither changed in between: a child reaped
    between the reads would otherwise be counted twice or not at all."""
    if root is None:
        return 0.0
    for _ in range(10):
        before, kids = _reaped_seconds(root), children(root)
        total = cpu_seconds([root, *kids])
        if before is None or (_reaped_seconds(root) == before and children(root) == kids):
            return total
    return total


def rss_mib(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
    except (OSError, AttributeError):
        return 0.0


class CpuMeter:
    """CPU seconds each component spends between start() and stop()."""

    def __init__(self, components):
        # {name: callable returning the component's CPU seconds so far}; "client" is this process and wrk
        self.components = components

    def snapshot(self):
        times = {name: seconds() for name, seconds in self.components.items()}
        own = os.times()
        # Children that have exited count too: wrk, which the page measurements run to completion.
        times["bench client"] = own.user + own.system + own.children_user + own.children_system
        return times, system_busy_seconds()

    def start(self):
        self.before = self.snapshot()

    def stop(self):
        (after, busy_after), (before, busy_before) = self.snapshot(), self.before
        spent = {name: after[name] - before.get(name, 0.0) for name in after}
        # Whatever else ran meanwhile (another test suite, a browser) took CPU from the benchmark.
        spent["other processes"] = max(0.0, (busy_after - busy_before) - sum(spent.values()))
        return spent


def system_busy_seconds():
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        ticks = [int(value) for value in f.readline().split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks) - idle) / CLOCK_TICKS


# -- helpers -----------------------------------------------------------------------------------

def manage(env, *args, quiet=False):
    """Run manage.py, streaming its output (progress) unless quiet; returns the output."""
    process = subprocess.Popen([PYTHON, "manage.py", *args], env=env, cwd=REPO_DIR, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if not quiet:
            print(f"    {line.rstrip()}", flush=True)
    if process.wait() != 0:
        print("".join(lines[-40:]))
        fail(f"manage.py {' '.join(args)} failed (exit {process.returncode})")
    return "".join(lines)


def django_helper(env, action, spec=None):
    result = subprocess.run([PYTHON, "-m", "devenv.bench_django", action], env=env, cwd=REPO_DIR,
                            input=json.dumps(spec or {}), capture_output=True, text=True)
    sys.stderr.write(result.stderr if result.returncode else "")
    if result.returncode != 0:
        return None
    if action == "publish":
        print(result.stderr, end="", flush=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def corpus_key(phase):
    """Changes whenever what the generator would write changes (or PostgreSQL's major version), so
    a cached corpus is never stale. Schema changes alone need no new corpus: each run migrates its
    copy."""
    from .postgres import bin_dir

    digest = hashlib.sha256(f"{bin_dir()}|corpus-v1".encode())
    sources = sorted((REPO_DIR / "news" / "demo").glob("*.py")) + [
        REPO_DIR / "news" / "management" / "commands" / "load_demo_content.py",
        REPO_DIR / "news" / "publishing.py",
        Path(__file__).parent / "bench_settings.py",
    ]
    for path in sources:
        digest.update(path.read_bytes())
    if phase != "demo":
        digest.update(f"|{BIG_ARTICLES}".encode())
    return digest.hexdigest()[:12]


def _progress(done, seconds):
    print(f"    {done} requests, {done / seconds:.0f}/s", flush=True)


def _filters_label(path):
    """ " (section=…, sort=…)" for a search path with filters, "" without."""
    params = urllib.parse.parse_qs(path.split("?", 1)[1])
    extra = [f"{key}={values[0]}" for key, values in params.items() if key != "q"]
    return f" ({', '.join(extra)})" if extra else ""


def ms(seconds):
    return None if seconds is None else seconds * 1000


def summary(latencies):
    return {"p50": ms(percentile(latencies, 50)), "p95": ms(percentile(latencies, 95)), "n": len(latencies)}


def search_paths(authors):
    queries = [{"q": q} for q in SEARCH_QUERIES] + [{"q": a} for a in authors[:2]] + FILTERED_QUERIES
    return [urllib.parse.urlencode(q) for q in queries]


# -- the benchmark -----------------------------------------------------------------------------

class Bench:
    def __init__(self):
        self.results = {}  # phase -> metrics
        self.notes = []
        self.postgres = self.node = self.site = None
        self.started = time.monotonic()

    def base_env(self):
        return dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="newsroom.settings.production",
            SECRET_KEY="bench-only-not-secret",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback, no proxy in front
            OPENSEARCH_INDEX_PREFIX="newsroom_bench_",
            STATIC_ROOT=str(BENCH_DIR / "static"),
            LOG_LEVEL="WARNING",
            OPENSEARCH_LOG_LEVEL="ERROR",
            PYTHONUNBUFFERED="1",
        )

    # services
    def start_services(self):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        if os.environ.get("OPENSEARCH_URL"):
            self.opensearch_url = os.environ["OPENSEARCH_URL"]
            if cluster_health(self.opensearch_url, timeout=3) is None:
                fail(f"OPENSEARCH_URL={self.opensearch_url} does not answer.")
            say(f"Using OpenSearch at {self.opensearch_url}")
        else:
            data_dir = BENCH_DIR / "opensearch"
            Node(data_dir).stop_stale()
            shutil.rmtree(data_dir, ignore_errors=True)  # a fresh node: no indexes, caches or segments left over
            self.node = Node(data_dir, http_port=free_port(), name="bench-node", cluster_name="newsroom-bench",
                             heap=os.environ.get("OPENSEARCH_HEAP", "512m"))
            with step(f"Starting a fresh OpenSearch node on {self.node.url} (heap {self.node.heap})"):
                self.node.start()
            self.opensearch_url = self.node.url
        if os.environ.get("DATABASE_URL"):
            say(f"Using the database at DATABASE_URL (demo content and articles up to {BIG_ARTICLES} are added "
                "to it)")
        else:
            self.postgres = BenchPostgres().start()

    def stop_services(self):
        if self.site:
            self.site.stop()
        if self.node is not None:
            with step("Stopping OpenSearch"):
                self.node.stop()
        if self.postgres is not None:
            with step("Stopping PostgreSQL"):
                self.postgres.stop()

    # corpora
    def prepare_database(self, phase):
        """DATABASE_URL for the phase's corpus: a fresh copy of the cached template (built first if
        missing), or the given database grown to size."""
        env = self.base_env() | {"OPENSEARCH_URL": self.opensearch_url}
        quiet = env | {"LOG_LEVEL": "ERROR"}
        if self.postgres is None:
            env["DATABASE_URL"] = os.environ["DATABASE_URL"]
            with step("Migrating"):
                manage(quiet, "migrate", "--noinput", "-v", "0")
            self.load_corpus(env, phase)
            return env
        # Images belong to the demo corpus, which the big one is built on.
        env["MEDIA_ROOT"] = str(BENCH_DIR / f"media-{corpus_key('demo')}")
        template = f"tpl_{phase}_{corpus_key(phase)}"
        if not Path(env["MEDIA_ROOT"]).is_dir():  # its images are gone: rebuild from scratch
            for stale in self.postgres.databases():
                if stale.startswith("tpl_"):
                    self.postgres.sql(f'DROP DATABASE "{stale}" WITH (FORCE)')
        if template not in self.postgres.databases():
            self.build_template(env, phase, template)
        name = f"bench_{phase}"
        with step(f"Copying the cached {phase} corpus into database {name}"):
            self.postgres.copy(template, name)
        env["DATABASE_URL"] = self.postgres.url_for(name)
        with step("Applying any newer migrations"):
            manage(env | {"LOG_LEVEL": "ERROR"}, "migrate", "--noinput", "-v", "0")
        return env

    def build_template(self, env, phase, template):
        building = f"{template}_building"
        for stale in self.postgres.databases():  # older corpora (generator changed): free the disk
            if stale.startswith(f"tpl_{phase}_") and not stale.startswith(template):
                self.postgres.sql(f'DROP DATABASE "{stale}" WITH (FORCE)')
        if phase == "demo":
            for old in BENCH_DIR.glob("media-*"):  # images of older corpora, and of a half-built one
                shutil.rmtree(old, ignore_errors=True)
            self.postgres.sql(f'DROP DATABASE IF EXISTS "{building}"')
            self.postgres.sql(f'CREATE DATABASE "{building}"')
        else:
            demo = f"tpl_demo_{corpus_key('demo')}"
            if demo not in self.postgres.databases():
                self.build_template(env, "demo", demo)
            self.postgres.copy(demo, building)
        build_env = env | {"DATABASE_URL": self.postgres.url_for(building),
                           "DJANGO_SETTINGS_MODULE": "devenv.bench_settings", "LOG_LEVEL": "ERROR"}
        if phase == "demo":
            with step("Migrating a new benchmark database"):
                manage(build_env, "migrate", "--noinput", "-v", "0")
        self.load_corpus(build_env, phase)
        self.postgres.sql(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        say(f"Cached as template database {template} (reused until the generator changes)")

    def load_corpus(self, env, phase):
        if phase == "demo":
            with step("Loading the demo newsroom (manage.py load_demo_content)"):
                output = manage(env, "load_demo_content", quiet=True)
                print("    " + output.strip().splitlines()[-1], flush=True)
            return
        have = self.live_articles(env)
        missing = BIG_ARTICLES - have
        if missing <= 0:
            return
        with step(f"Generating {missing} articles (manage.py load_demo_content --bulk; {have} live already)"):
            started = time.monotonic()
            manage(env, "load_demo_content", "--bulk", "--force", "--seed", "7", "--articles", str(missing))
            self.results.setdefault("generation", {}).update(
                articles=missing, seconds=time.monotonic() - started)

    def live_articles(self, env):
        info = django_helper(env, "info")
        if info is None:
            fail("Could not read the corpus (python -m devenv.bench_django info failed; see above).")
        return info["live_articles"]

    # measurements
    def run_phase(self, phase):
        label = "demo corpus" if phase == "demo" else f"{BIG_ARTICLES:,} articles"
        say(f"Phase: {label}")
        env = self.prepare_database(phase)
        r = self.results.setdefault(phase, {})
        info = django_helper(env, "info")
        r["articles"] = info["live_articles"]
        r["label"] = label

        with step("Rebuilding the public index (manage.py search_index rebuild)"):
            started = time.monotonic()
            output = manage(env, "search_index", "rebuild")
            wall = time.monotonic() - started
            match = re.search(r"Indexed (\d+) articles .*? in ([\d.]+)s", output)
            if match:
                count, seconds = int(match.group(1)), float(match.group(2))
                r["reindex"] = {"count": count, "seconds": seconds, "rate": count / seconds if seconds else None,
                                "wall": wall}

        self.site = self.start_site(env)
        try:
            self.measure(phase, env, r, info)
        finally:
            self.site.stop()
            self.site = None
        self.measure_pages(phase, env, r, info)

    def start_site(self, env, label=""):
        env = env | {"GUNICORN_WORKER_CLASS": WORKER_CLASS, "GUNICORN_THREADS": str(THREADS),
                     "GUNICORN_TIMEOUT": "60", "GUNICORN_ACCESS_LOG": str(BENCH_DIR / "access.log"),
                     "GUNICORN_ERROR_LOG": str(BENCH_DIR / "gunicorn.log")}
        site = AppServer(env, port=free_port(), workers=WORKERS, log_dir=BENCH_DIR)
        with step(f"Starting gunicorn ({WORKERS} {WORKER_CLASS} workers{label}) and the task worker"):
            return site.start()

    def measure_ceiling(self, r):
        """A bare Django view on the same gunicorn workers (devenv/ceiling.py): what every page row
        is also given as a share of, so that it means the same on any machine."""
        port = free_port()
        command = [PYTHON, "-m", "gunicorn", "--config", "/dev/null", "--workers", str(WORKERS),
                   "--bind", f"{HOST}:{port}", "devenv.ceiling:application"]
        server = subprocess.Popen(command, cwd=REPO_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        try:
            base_url = f"http://{HOST}:{port}"
            deadline = time.monotonic() + 30
            while http_status(base_url + "/", timeout=2) != 200:
                if time.monotonic() > deadline or server.poll() is not None:
                    self.note("the bare Django ceiling did not start: not measured")
                    return
                time.sleep(0.2)
            with step(f"Ceiling: a bare Django view on {WORKERS} gunicorn workers, wrk with {PAGE_CONNECTIONS} "
                      f"connections for {LOAD_SECONDS:.0f}s"):
                result = wrk.run(base_url, ["/"], connections=PAGE_CONNECTIONS, seconds=int(LOAD_SECONDS))
            r["ceiling"] = result
            print(f"    {result['rps']:,.0f} req/s, p50 {result['p50_ms']:.1f} ms", flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    def measure_pages(self, phase, env, r, info):
        """Home, section and article pages with wrk: from the page cache; rendered every time
        (gunicorn restarted with PAGE_CACHE_SECONDS=0), its fragments cached; and rendered with
        nothing cached (FRAGMENT_CACHE_SECONDS=0 too) — beside the bare-Django ceiling."""
        self.measure_ceiling(r)
        kinds = {"home": ["/"], "section": info["section_urls"], "article": info["article_urls"]}
        pages = r.setdefault("pages", {})
        modes = {"cached": ({}, ""), "uncached": ({"PAGE_CACHE_SECONDS": "0"}, ", page cache off"),
                 "cold": ({"PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0"},
                          ", page and fragment caches off")}
        for mode, (changes, label) in modes.items():
            cached = mode == "cached"
            self.site = self.start_site(env | changes, label)
            try:
                for paths in kinds.values():  # warm: fill the cache, compile templates, load renditions
                    for path in paths:
                        http_status(self.site.base_url + path, timeout=30)
                for kind, paths in kinds.items():
                    connections = PAGE_CONNECTIONS if cached else CONCURRENCY
                    meter = CpuMeter(self.components())
                    with step(f"Pages, {mode}: {kind} ({len(paths)} URLs), wrk with {connections} connections for "
                              f"{LOAD_SECONDS:.0f}s"):
                        meter.start()
                        result = wrk.run(self.site.base_url, paths, connections=connections, seconds=int(LOAD_SECONDS))
                        cpu = meter.stop()
                    self.check_quiet(phase, f"{kind} {mode}", cpu, result["seconds"])
                    pages[f"{kind}_{mode}"] = result | {
                        "cpu_ms_per_request": {k: v * 1000 / result["requests"] for k, v in cpu.items()}
                        if result["requests"] else {}}
                    print(f"    {result['rps']:,.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
                          f"p95 {result['p95_ms']:.1f} ms, {result['errors']} errors", flush=True)
                r[f"memory_pages_{mode}"] = self.memory()
            finally:
                self.site.stop()
                self.site = None

    def components(self):
        """What the CPU meter charges time to."""
        # gunicorn's master with its workers: a worker it replaces (max_requests) stays counted.
        components = {"django (gunicorn)": lambda: tree_cpu_seconds(self.site.server.pid),
                      "task worker": lambda: cpu_seconds([self.site.worker.pid] if self.site.worker else [])}
        if self.node is not None:
            components["opensearch"] = lambda: cpu_seconds([self.node.pid()])
        if self.postgres is not None:
            components["postgresql"] = lambda: tree_cpu_seconds(self.postgres.postmaster_pid())
        return components

    def endpoints(self):
        """The three reader endpoints, each None when this checkout does not have it yet."""
        found = {}
        for name, path in (("search", "/search/?q=budget"), ("suggest", "/search/suggest/?q=bud"),
                           ("api", "/api/search/?q=budget")):
            status = http_status(self.site.base_url + path, timeout=30)
            found[name] = status == 200
            if status != 200:
                self.note(f"{path} answered {status}: not measured")
        return found

    def check_quiet(self, phase, label, cpu, seconds):
        """The numbers only mean something on an otherwise idle machine: say when it was not."""
        share = cpu.get("other processes", 0.0) / (seconds * CORES)
        if share > 0.05:
            self.note(f"{self.results[phase]['label']}, {label}: other processes used {share * 100:.0f}% of the "
                      "machine's CPU meanwhile, so these numbers are pessimistic (run make bench on an idle machine)")

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)
            say(f"Note: {text}")

    def measure_idle_worker(self, r, seconds=10):
        """The task worker's cost doing nothing: its CPU over `seconds` with nothing queued."""
        worker = self.site.worker
        if worker is None:
            return
        with step(f"Task worker while idle: its CPU over {seconds} s with nothing queued"):
            time.sleep(2)  # past its start-up
            before, started = cpu_seconds([worker.pid]), time.monotonic()
            time.sleep(seconds)
            share = (cpu_seconds([worker.pid]) - before) / (time.monotonic() - started)
        r["worker_idle"] = share
        print(f"    {share * 100:.2f}% of a core", flush=True)

    def measure(self, phase, env, r, info):
        self.measure_idle_worker(r)
        available = self.endpoints()
        queries = search_paths(info["authors"])
        suggest = [urllib.parse.urlencode({"q": p}) for p in SUGGEST_PREFIXES]
        paths = {
            "search": [f"/search/?{q}" for q in queries],
            "suggest": [f"/search/suggest/?{q}" for q in suggest],
            "api": [f"/api/search/?{q}" for q in queries],
        }
        port = self.site.port
        mixed = [path for name in paths if available[name] for path in paths[name]]
        with step(f"Warming up for {WARMUP_SECONDS:.0f}s ({CONCURRENCY} clients, every query on every endpoint): a "
                  "fresh JVM compiles its hot paths and each gunicorn worker fills its caches"):
            load(HOST, port, mixed, concurrency=CONCURRENCY, duration=WARMUP_SECONDS)
        components = self.components()
        meter = CpuMeter(components)
        with step(f"Sequential latency: {len(queries)} searches, {len(suggest)} suggestion prefixes, "
                  "one warm-up round then 3 timed rounds each"):
            meter.start()
            started = time.perf_counter()
            for name in ("search", "suggest", "api"):
                if not available[name]:
                    continue
                result = sequential(HOST, port, paths[name], rounds=3, warmup=1,
                                    failure_marker=FAILURE_MARKERS[name])
                r[f"{name}_seq"] = summary(result["latencies"]) | {"errors": result["errors"]}
                r[f"{name}_by_query"] = {urllib.parse.parse_qs(path.split("?", 1)[1]).get("q", [""])[0]
                                         + _filters_label(path): ms(statistics.median(values))
                                         for path, values in result["by_path"].items()}
                bad = {p: s for p, s in result["statuses"].items() if s != 200}
                if bad:
                    self.note(f"{name}: non-200 answers {dict(list(bad.items())[:3])}")
            self.check_quiet(phase, "sequential latency", meter.stop(), time.perf_counter() - started)

        with step("Raw OpenSearch latency of the same requests (search.query's bodies, opensearch-py, 3 rounds)"):
            raw = django_helper(env, "raw", {"search": queries, "suggest": SUGGEST_PREFIXES, "rounds": 3})
            if raw is None:
                self.note("raw OpenSearch timing unavailable (search.query.search_body / suggest_body missing?)")
            else:
                for kind, items in (("search", queries), ("suggest", SUGGEST_PREFIXES)):
                    trips, requests = raw[kind]["round_trips"], raw[kind]["requests"]
                    r[f"raw_{kind}_by_query"] = {
                        (urllib.parse.parse_qs(item).get("q", [""])[0] + _filters_label("?" + item)
                         if kind == "search" else item):
                        (ms(statistics.median(trips[i::len(items)])), requests[i])
                        for i, item in enumerate(items)}
                    r[f"raw_{kind}"] = summary(raw[kind]["round_trips"]) | {
                        "took_p50": percentile(raw[kind]["took_ms"], 50),
                        "took_p95": percentile(raw[kind]["took_ms"], 95),
                        "requests": sum(raw[kind]["requests"]) / max(1, len(raw[kind]["requests"]))}

        for name in ("search", "suggest"):
            if not available[name]:
                continue
            meter = CpuMeter(components)
            with step(f"Load: {CONCURRENCY} concurrent clients on {paths[name][0].split('?')[0]} for "
                      f"{LOAD_SECONDS:.0f}s"):
                meter.start()
                result = load(HOST, port, paths[name], concurrency=CONCURRENCY, duration=LOAD_SECONDS,
                              failure_marker=FAILURE_MARKERS[name], progress=_progress)
                cpu = meter.stop()
            done = len(result["latencies"])
            self.check_quiet(phase, f"{name} load", cpu, result["elapsed"])
            r[f"{name}_load"] = summary(result["latencies"]) | {
                "rps": result["requests_per_second"], "errors": result["errors"],
                "cpu_ms_per_request": {k: v * 1000 / done for k, v in cpu.items()} if done else {},
                "cpu_busy": sum(cpu.values()) / (result["elapsed"] * CORES)}

        with step("Database queries per request (Django test client, one warm request each)"):
            counted = django_helper(env, "queries", {"paths": {n: paths[n][0] for n in paths if available[n]}})
            if counted:
                r["queries"] = counted

        if phase == PHASES[-1]:  # once, on the largest corpus
            if available["api"]:
                with step(f"Publish -> searchable: {PUBLISHES} articles published through Wagtail, "
                          "polling /api/search/"):
                    probes = django_helper(env, "publish", {"base_url": self.site.base_url, "count": PUBLISHES})
                if probes:
                    r["publish"] = probes["probes"]
            else:
                self.note("publish -> searchable not measured: /api/search/ is missing")

        r["memory"] = self.memory()

    def memory(self):
        out = {"gunicorn_workers_mib": [round(rss_mib(pid)) for pid in self.site.worker_pids()],
               "gunicorn_master_mib": round(rss_mib(self.site.server.pid)),
               "task_worker_mib": round(rss_mib(self.site.worker.pid))}
        try:
            with urllib.request.urlopen(f"{self.opensearch_url}/_nodes/stats/jvm", timeout=5) as response:
                nodes = json.load(response)["nodes"]
            jvm = next(iter(nodes.values()))["jvm"]["mem"]
            out["opensearch_heap_used_mib"] = round(jvm["heap_used_in_bytes"] / 2**20)
            out["opensearch_heap_max_mib"] = round(jvm["heap_max_in_bytes"] / 2**20)
        except (OSError, ValueError, KeyError, StopIteration):
            pass
        if self.node is not None:
            out["opensearch_rss_mib"] = round(self.node.rss_bytes() / 2**20)
        return out

    # report
    def table(self):
        from .bench_report import render

        return render(self.results, self.notes, TARGETS, dict(
            workers=WORKERS, worker_class=WORKER_CLASS, threads=THREADS, concurrency=CONCURRENCY,
            load_seconds=LOAD_SECONDS, cores=CORES, runtime=time.monotonic() - self.started))

    def main(self):
        try:
            self.start_services()
            with step("Collecting static files for WhiteNoise (var/bench/static)"):
                manage(self.base_env() | {"DATABASE_URL": "sqlite://:memory:"}, "collectstatic", "--noinput",
                       "-v", "0")
            for phase in PHASES:
                self.run_phase(phase)
        finally:
            self.stop_services()
        report = self.table()
        print("\n" + report, flush=True)
        (BENCH_DIR / "results.md").write_text(report)
        (BENCH_DIR / "results.json").write_text(json.dumps(self.results, indent=2, default=str))
        say(f"Written to {BENCH_DIR / 'results.md'} (raw numbers in results.json); "
            f"make bench took {time.monotonic() - self.started:.0f}s")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    try:
        Bench().main()
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

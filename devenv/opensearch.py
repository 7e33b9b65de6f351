"""Build, start, health-wait and stop local OpenSearch nodes made from Maven Central jars.

    python -m devenv.opensearch build
    python -m devenv.opensearch start [--port 9200] [--data var/opensearch/dev]   (foreground)
    python -m devenv.opensearch cluster [--port 9201]   (two nodes, foreground)
    python -m devenv.opensearch stop [--data var/opensearch/dev]
    python -m devenv.opensearch status [--port 9200]
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .console import fail, say, step

REPO_DIR = Path(__file__).resolve().parent.parent
NODE_DIR = REPO_DIR / "devenv" / "opensearch-node"
TARGET_DIR = NODE_DIR / "target"
STAMP_FILE = TARGET_DIR / "newsroom-build.sha256"
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", REPO_DIR / "var"))
MAIN_CLASS = "newsroom.opensearch.LocalNode"
JVM_FLAGS = [
    "-Dfile.encoding=UTF-8",
    "-Djava.awt.headless=true",
    "-XX:-OmitStackTraceInFastThrow",
    "-Dlog4j2.disable.jmx=true",
    "-XX:+UseG1GC",
]
INSTALL_HINT = (
    "Install them with:  sudo apt-get install -y openjdk-17-jdk-headless maven\n"
    "or point OPENSEARCH_URL at an existing OpenSearch 2.x node to skip the local one."
)


def java_executable():
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    return shutil.which("java")


def check_java():
    java = java_executable()
    if not java:
        fail("Java 17 or newer is needed to run the local OpenSearch node, and none was found.\n" + INSTALL_HINT)
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', out)
    if not match or int(match.group(1)) < 17:
        fail(f"OpenSearch 2.19 needs Java 17 or newer; {java} says:\n{out.strip()}\n" + INSTALL_HINT)
    return java


def _source_digest():
    digest = hashlib.sha256()
    for path in sorted([NODE_DIR / "pom.xml", *NODE_DIR.glob("src/**/*.java")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build():
    """Compile the launcher and gather its jars once; later calls are a hash check."""
    check_java()
    digest = _source_digest()
    if STAMP_FILE.exists() and STAMP_FILE.read_text() == digest and (TARGET_DIR / "lib").is_dir():
        return
    if not shutil.which("mvn"):
        fail("Maven is needed to fetch the OpenSearch jars from Maven Central; `mvn` was not found.\n" + INSTALL_HINT)
    with step("Building the local OpenSearch node from Maven Central jars (first time only, ~50 MB)"):
        result = subprocess.run(
            ["mvn", "-B", "-q", "-f", str(NODE_DIR / "pom.xml"), "package"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if result.returncode != 0:
            print(result.stdout[-4000:])
            fail("Building the OpenSearch node failed (see Maven's output above).")
    STAMP_FILE.write_text(digest)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cluster_health(url, timeout=1.0):
    """The node's cluster health as a dict, or None when nothing answers."""
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=timeout) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_our_node(pid):
    try:
        return MAIN_CLASS in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return False


def _is_python(pid):
    try:
        return "python" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return False


class Node:
    """One OpenSearch JVM. Data, log and pid file live in `data_dir`."""

    def __init__(
        self,
        data_dir,
        http_port=9200,
        transport_port=None,
        name="node-1",
        cluster_name="newsroom",
        heap="512m",
        seed_transport_ports=None,
        initial_managers=None,
        roles=None,
    ):
        self.data_dir = Path(data_dir)
        self.http_port = http_port
        self.transport_port = transport_port or free_port()
        self.name = name
        self.cluster_name = cluster_name
        self.heap = heap
        self.seed_transport_ports = seed_transport_ports
        self.initial_managers = initial_managers
        self.roles = roles
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def pid_file(self):
        return self.data_dir / "node.pid"

    @property
    def log_file(self):
        return self.data_dir / "node.log"

    def settings(self):
        settings = {
            "path.home": self.data_dir,
            "path.data": self.data_dir / "data",
            "path.logs": self.data_dir / "logs",
            "cluster.name": self.cluster_name,
            "node.name": self.name,
            "network.host": "127.0.0.1",
            "http.port": self.http_port,
            "transport.port": self.transport_port,
            # A nearly full disk must not stop shard allocation on a laptop or CI machine.
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            # Avoids vm.max_map_count limits that need root to raise.
            "node.store.allow_mmap": "false",
        }
        if self.seed_transport_ports:
            settings["discovery.seed_hosts"] = ",".join(f"127.0.0.1:{p}" for p in self.seed_transport_ports)
            settings["cluster.initial_cluster_manager_nodes"] = ",".join(self.initial_managers)
        else:
            settings["discovery.type"] = "single-node"
        if self.roles:
            settings["node.roles"] = ",".join(self.roles)
        return [f"{key}={value}" for key, value in settings.items()]

    def command(self):
        classpath = f"{TARGET_DIR / 'classes'}:{TARGET_DIR / 'lib'}/*"
        return [
            check_java(),
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            *JVM_FLAGS,
            "-cp",
            classpath,
            MAIN_CLASS,
            *self.settings(),
        ]

    def _pids(self):
        """(node pid, owner pid) from the pid file: the owner is the process that started the node
        (make run, make serve, make opensearch, a test run), which stops it when it ends."""
        try:
            numbers = [int(n) for n in self.pid_file.read_text().split()]
        except (OSError, ValueError):
            return None, None
        return (numbers + [None, None])[:2]

    def owned_by_a_live_run(self):
        """The node on this data directory is running and whoever started it still is: a node to use,
        never to stop (make serve beside a running make run)."""
        pid, owner = self._pids()
        return bool(pid and _pid_alive(pid) and _is_our_node(pid)
                    and owner and owner != os.getpid() and _pid_alive(owner) and _is_python(owner))

    def stop_stale(self):
        """Stop a node a previous run left behind on this data directory (crash, kill -9): one whose
        owner is gone. A node whose owner is alive is left alone."""
        if not self.pid_file.exists() or self.owned_by_a_live_run():
            return
        pid, _ = self._pids()
        if pid and _pid_alive(pid) and _is_our_node(pid):
            say(f"Stopping a leftover OpenSearch node (pid {pid}) from an earlier run")
            _terminate(pid, timeout=30)
        self.pid_file.unlink(missing_ok=True)

    def start(self, wait=True, timeout=120):
        build()
        self.stop_stale()
        if cluster_health(self.url, timeout=0.5) is not None:
            fail(f"Port {self.http_port} is already taken by another OpenSearch; stop it or choose another port.")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_file, "ab")
        # A session of its own: Ctrl-C in the terminal reaches our runner, which stops the node
        # cleanly (SIGTERM → shutdown hook → Node.close) instead of killing it mid-write.
        self.process = subprocess.Popen(
            self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.data_dir
        )
        log.close()
        self.pid_file.write_text(f"{self.process.pid} {os.getpid()}")
        if wait:
            self.wait_until_ready(timeout=timeout)
        return self

    def wait_until_ready(self, timeout=120, status="yellow"):
        deadline = time.monotonic() + timeout
        wanted = {"yellow": {"yellow", "green"}, "green": {"green"}}[status]
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                tail = self.log_file.read_text(errors="replace")[-3000:]
                fail(f"OpenSearch node {self.name} exited with code {self.process.returncode}. Log tail:\n{tail}")
            health = cluster_health(self.url, timeout=1)
            if health and health.get("status") in wanted:
                return health
            time.sleep(0.25)
        fail(f"OpenSearch node {self.name} was not {status} after {timeout}s; see {self.log_file}")

    def pid(self):
        if self.process is not None:
            return self.process.pid
        if self.pid_file.exists():
            return self._pids()[0]
        return None

    def stop(self, timeout=30):
        pid = self.pid()
        if pid and _pid_alive(pid) and _is_our_node(pid):
            _terminate(pid, timeout=timeout)
        if self.process is not None:
            self.process.wait()
        self.pid_file.unlink(missing_ok=True)

    def kill(self):
        """SIGKILL: a crash, for failover tests."""
        pid = self.pid()
        if pid and _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait()
        self.pid_file.unlink(missing_ok=True)

    def rss_bytes(self):
        pid = self.pid()
        status = Path(f"/proc/{pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024


def _terminate(pid, timeout):
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # not our child: poll for its exit instead
            finished = 0 if _pid_alive(pid) else pid
        if finished == pid:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def two_node_cluster(base_dir, http_port=None, cluster_name="newsroom-cluster", heap="512m"):
    """Two nodes on one machine: node-1 is the only cluster manager, node-2 holds data only, so
    SIGKILLing node-2 leaves a working (yellow) cluster with promoted replicas."""
    base_dir = Path(base_dir)
    http1 = http_port or free_port()
    http2 = free_port() if http_port is None else http_port + 1
    transport = [free_port(), free_port()]
    common = dict(cluster_name=cluster_name, heap=heap, seed_transport_ports=transport, initial_managers=["node-1"])
    return [
        Node(base_dir / "node-1", http_port=http1, transport_port=transport[0], name="node-1", **common),
        Node(base_dir / "node-2", http_port=http2, transport_port=transport[1], name="node-2",
             roles=["data", "ingest"], **common),
    ]


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _wait_forever(nodes):
    # `kill` and a closed terminal stop the nodes too, like Ctrl-C (SIGTERM would otherwise end this
    # process and leave the JVMs running).
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    try:
        while all(node.process.poll() is None for node in nodes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for node in nodes:
            node.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m devenv.opensearch", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["build", "start", "cluster", "stop", "status"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("OPENSEARCH_PORT", "9200")))
    parser.add_argument("--data", type=Path, default=VAR_DIR / "opensearch" / "dev")
    parser.add_argument("--heap", default=os.environ.get("OPENSEARCH_HEAP", "512m"))
    args = parser.parse_args(argv)
    if args.action == "build":
        build()
        say(f"OpenSearch node ready to start from {TARGET_DIR}")
    elif args.action == "start":
        node = Node(args.data, http_port=args.port, heap=args.heap, cluster_name="newsroom-dev")
        with step(f"Starting OpenSearch on {node.url}"):
            node.start()
        say(f"OpenSearch is up at {node.url} (data in {args.data}); Ctrl-C stops it")
        _wait_forever([node])
    elif args.action == "cluster":
        nodes = two_node_cluster(VAR_DIR / "opensearch" / "cluster", http_port=args.port, heap=args.heap)
        with step("Starting a two-node OpenSearch cluster"):
            for node in nodes:
                node.start(wait=False)
            nodes[0].wait_until_ready()
        say("Cluster up: " + ", ".join(n.url for n in nodes) + "; Ctrl-C stops it")
        _wait_forever(nodes)
    elif args.action == "stop":
        Node(args.data).stop()
        say("stopped")
    elif args.action == "status":
        health = cluster_health(f"http://127.0.0.1:{args.port}")
        print(json.dumps(health, indent=2) if health else f"nothing answers on port {args.port}")
        raise SystemExit(0 if health else 1)


if __name__ == "__main__":
    main()

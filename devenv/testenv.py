"""`make test`: start what the suite needs, run the checks and pytest, stop it all.

PostgreSQL is started unless DATABASE_URL is set, Redis unless REDIS_URL is set, and an OpenSearch
node unless OPENSEARCH_URL is set. Extra arguments go to pytest (make test ARGS="-k healthz").
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .console import say
from .opensearch import REPO_DIR, VAR_DIR, Node, free_port
from .postgres import TemporaryPostgres
from .redis import TemporaryRedis


def run(label, command, env):
    say(label)
    started = time.monotonic()
    code = subprocess.call(command, env=env)
    print(f"    {'ok' if code == 0 else f'FAILED (exit {code})'} in {time.monotonic() - started:.1f}s", flush=True)
    return code


def _stop(signum, frame):
    raise SystemExit(128 + signum)


def main(pytest_args):
    # A killed or hung-up run still stops its node and database (the finally below), rather than
    # leaving a JVM behind.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="newsroom.settings.test", PYTHONUNBUFFERED="1")
    python = sys.executable
    started_at = time.monotonic()
    postgres = redis = node = None
    codes = [1]
    (VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
    try:
        if not env.get("DATABASE_URL"):
            postgres = TemporaryPostgres().start()
            env["DATABASE_URL"] = postgres.url
        if not env.get("REDIS_URL"):
            say("Starting a throwaway Redis")
            redis = TemporaryRedis().start()
            env["REDIS_URL"] = redis.url
        if not env.get("OPENSEARCH_URL"):
            # A fresh directory per run: every run starts from empty indexes, and two runs (two
            # checkouts, or a developer and a helper) never share a node.
            (VAR_DIR / "opensearch").mkdir(parents=True, exist_ok=True)
            data_dir = Path(tempfile.mkdtemp(prefix="test-", dir=VAR_DIR / "opensearch"))
            node = Node(data_dir, http_port=free_port(), name="test-node", cluster_name="newsroom-test")
            say(f"Starting a test OpenSearch node on {node.url}")
            node.start()
            env["OPENSEARCH_URL"] = node.url
        codes = [
            run("ruff check", [python, "-m", "ruff", "check", "."], env),
            run("lint-imports (pyproject.toml: which app may import which)",
                [str(Path(python).with_name("lint-imports")), "--no-logo", "--no-cache"], env),
            run("djlint (templates)", [str(Path(python).with_name("djlint")), "--lint", "--quiet",
                                       str(REPO_DIR / "templates"), *map(str, sorted(REPO_DIR.glob("*/templates")))],
                env),
            run("manage.py check", [python, "manage.py", "check", "--fail-level", "WARNING"], env),
            run("makemigrations --check", [python, "manage.py", "makemigrations", "--check", "--dry-run"], env),
            run("pytest", [python, "-m", "pytest", *pytest_args], env),
        ]
    finally:
        if node is not None:
            say(f"Stopping the test OpenSearch node (RSS {node.rss_bytes() / 2**20:.0f} MiB)")
            node.stop()
            shutil.rmtree(node.data_dir, ignore_errors=True)
        if redis is not None:
            redis.stop()
        if postgres is not None:
            say("Stopping the test PostgreSQL")
            postgres.stop()
    failed = [code for code in codes if code != 0]
    say(f"make test finished in {time.monotonic() - started_at:.0f}s: {'FAILED' if failed else 'all green'}")
    return failed[0] if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The site served the production way: gunicorn (gunicorn.conf.py) with the task worker and the
scheduler beside it. `make serve`, `make bench` and the load test start it through this module."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from .console import fail
from .opensearch import REPO_DIR

PYTHON = sys.executable


def stop_group(process, timeout=20):
    """SIGTERM to the process's group (it was started with start_new_session), SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def http_status(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def children(pid):
    """The pids of a process's direct children (gunicorn's workers)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(child) for child in f.read().split()]
    except OSError:
        return []


class AppServer:
    """gunicorn on host:port plus, unless told otherwise, `manage.py db_worker` and the scheduler.

    `env` must carry DJANGO_SETTINGS_MODULE and the services' URLs; gunicorn reads the rest of its
    configuration (workers, max_requests, timeouts, access log) from gunicorn.conf.py, so every
    environment variable it documents works here too."""

    def __init__(self, env, host="127.0.0.1", port=8000, workers=None, log_dir=None, task_worker=True,
                 scheduler=False, extra_args=()):
        self.env = dict(env)
        # Production settings expect an OpenSearch cluster (a replica per shard); here it is one node.
        self.env.setdefault("OPENSEARCH_REPLICAS", "0")
        self.env["GUNICORN_BIND"] = f"{host}:{port}"
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.host, self.port, self.log_dir = host, port, log_dir
        self.task_worker, self.scheduler, self.extra_args = task_worker, scheduler, list(extra_args)
        self.processes = {}

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    def _output(self, name):
        if self.log_dir is None:
            return None  # inherit: the terminal of `make serve`
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return open(self.log_dir / f"{name}.log", "ab")

    def _spawn(self, name, command):
        output = self._output(name)
        self.processes[name] = subprocess.Popen(command, env=self.env, cwd=REPO_DIR, start_new_session=True,
                                                stdout=output, stderr=subprocess.STDOUT if output else None)
        if output is not None:
            output.close()

    def start(self, timeout=90):
        self._spawn("gunicorn", [PYTHON, "-m", "gunicorn", "--config", str(REPO_DIR / "gunicorn.conf.py"),
                                 *self.extra_args, "newsroom.wsgi:application"])
        if self.task_worker:
            self._spawn("db_worker", [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval",
                                      self.env.get("TASKS_POLL_INTERVAL", "0.2")])
        if self.scheduler:
            self._spawn("scheduler", [PYTHON, "manage.py", "run_scheduler"])
        deadline = time.monotonic() + timeout
        expected = int(self.env.get("WEB_CONCURRENCY", "1"))
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    self.stop()
                    where = f"; see {self.log_dir / (name + '.log')}" if self.log_dir else ""
                    fail(f"{name} exited with code {process.returncode}{where}")
            if http_status(f"{self.base_url}/healthz") in (200, 503) and len(self.worker_pids()) >= expected:
                return self
            time.sleep(0.2)
        self.stop()
        fail(f"gunicorn did not answer {self.base_url}/healthz within {timeout} s")

    @property
    def server(self):
        return self.processes.get("gunicorn")

    @property
    def worker(self):
        return self.processes.get("db_worker")

    def worker_pids(self):
        return children(self.server.pid) if self.server else []

    def wait(self):
        return self.server.wait()

    def stop(self):
        for process in self.processes.values():
            stop_group(process)

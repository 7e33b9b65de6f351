"""The local services behind `make run` / `make test`: settings per environment, clear messages
when Java or Maven is missing, and the two-node cluster that failover tests build on."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from devenv.opensearch import cluster_health, two_node_cluster
from tests.helpers import REPO


def settings_value(module, expression, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"OPENSEARCH_INDEX_PREFIX", "DATABASE_URL",
                                                               "AWS_STORAGE_BUCKET_NAME", "DJANGO_SETTINGS_MODULE"}}
    code = f"import json, {module} as s; print(json.dumps({expression}, default=str))"
    result = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, cwd=REPO,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_each_environment_has_its_own_index_prefix():
    expr = 's.WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"]'
    assert settings_value("newsroom.settings.dev", expr) == "newsroom_dev_"
    assert settings_value("newsroom.settings.production", expr, SECRET_KEY="x") == "newsroom_"
    # Even told otherwise, the tests keep to their own indexes.
    assert settings_value("newsroom.settings.test", expr, OPENSEARCH_INDEX_PREFIX="newsroom_") == "newsroom_test_"


def test_database_defaults_to_sqlite_under_var_and_follows_database_url():
    db = settings_value("newsroom.settings.dev", 's.DATABASES["default"]')
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(REPO / "var" / "newsroom.sqlite3")
    db = settings_value("newsroom.settings.dev", 's.DATABASES["default"]',
                        DATABASE_URL="postgres://u:p@db.internal:5433/news")
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"]) == (
        "django.db.backends.postgresql", "db.internal", 5433, "news")


def test_media_goes_to_s3_only_when_a_bucket_is_configured():
    expr = 's.STORAGES["default"]["BACKEND"]'
    assert settings_value("newsroom.settings.dev", expr) == "django.core.files.storage.FileSystemStorage"
    assert settings_value("newsroom.settings.dev", expr, AWS_STORAGE_BUCKET_NAME="media") == (
        "storages.backends.s3.S3Storage")


def test_production_refuses_to_start_without_a_secret_key():
    clean = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run([sys.executable, "-c", "import newsroom.settings.production"],
                            env=clean, cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_missing_java_names_what_to_install(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)  # nothing on it: no java, no mvn
    result = subprocess.run([sys.executable, "-m", "devenv.opensearch", "build"], env=env, cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Java 17 or newer is needed" in result.stderr
    assert "apt-get install -y openjdk-17-jdk-headless maven" in result.stderr
    assert "OPENSEARCH_URL" in result.stderr


def _request(url, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


@pytest.mark.opensearch
def test_two_node_cluster_survives_losing_its_data_node(tmp_path):
    nodes = two_node_cluster(tmp_path)
    try:
        for node in nodes:
            node.start(wait=False)
        manager, data_node = nodes
        manager.wait_until_ready()
        _request(f"{manager.url}/articles", "PUT",
                 {"settings": {"number_of_shards": 1, "number_of_replicas": 1}})
        _request(f"{manager.url}/articles/_doc/1?refresh=true", "PUT", {"title": "Still here"})
        health = _request(f"{manager.url}/_cluster/health?wait_for_status=green&timeout=60s")
        assert (health["status"], health["number_of_nodes"]) == ("green", 2)

        data_node.kill()  # SIGKILL, as a crash would

        health = _request(f"{manager.url}/_cluster/health?wait_for_nodes=1&wait_for_status=yellow&timeout=60s")
        assert health["number_of_nodes"] == 1 and health["status"] == "yellow"
        hits = _request(f"{manager.url}/articles/_search?q=title:still")["hits"]["hits"]
        assert [hit["_source"]["title"] for hit in hits] == ["Still here"]
        _request(f"{manager.url}/articles/_doc/2?refresh=true", "PUT", {"title": "Written after the crash"})
        assert cluster_health(data_node.url) is None
    finally:
        for node in nodes:
            node.stop()


OWNER = """
import sys, time
from pathlib import Path
from devenv.opensearch import Node, free_port
node = Node(Path(sys.argv[1]), http_port=free_port(), name="owned", cluster_name="newsroom-owned")
node.start()
print(node.url, flush=True)
time.sleep(600)
"""


def test_a_node_whose_owner_is_alive_is_reused_and_only_an_orphan_is_stopped(tmp_path):
    """make serve beside a running make run: the node make run started is used, not killed as a
    leftover. Once its owner is gone (kill -9), the next run stops it as stale."""
    import signal
    import time

    from devenv.opensearch import Node

    owner = subprocess.Popen([sys.executable, "-c", OWNER, str(tmp_path)], cwd=REPO,
                             stdout=subprocess.PIPE, text=True)
    try:
        url = owner.stdout.readline().strip()
        assert cluster_health(url, timeout=5) is not None, url
        second_run = Node(tmp_path, http_port=int(url.rsplit(":", 1)[1]))
        assert second_run.owned_by_a_live_run()
        second_run.stop_stale()
        assert cluster_health(url, timeout=5) is not None  # still serving the first run
        node_pid = second_run.pid()

        owner.send_signal(signal.SIGKILL)  # the owner crashes; its node (own session) lives on
        owner.wait(timeout=10)
        assert cluster_health(url, timeout=5) is not None
        assert not second_run.owned_by_a_live_run()
        second_run.stop_stale()
        deadline = time.monotonic() + 30
        while Path(f"/proc/{node_pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not Path(f"/proc/{node_pid}").exists() or "Z" in Path(f"/proc/{node_pid}/stat").read_text().split()[2]
    finally:
        if owner.poll() is None:
            owner.kill()
        Node(tmp_path).stop()


def test_bench_cpu_meter_keeps_a_worker_that_ends_during_the_measurement():
    """make bench charges CPU to gunicorn's master and its workers as one tree: a worker replaced
    during a measurement (max_requests) once took its whole CPU time out of the total, which went
    negative while "other processes" got it."""
    from devenv.appserver import children
    from devenv.bench import CpuMeter, cpu_seconds, tree_cpu_seconds

    # A master whose worker burns CPU, then ends and is reaped while the meter runs; then a new worker.
    code = ("import os, sys, time\n"
            "def worker(seconds):\n"
            "    end = time.process_time() + seconds\n"
            "    while time.process_time() < end: pass\n"
            "def spawn(seconds):\n"
            "    pid = os.fork()\n"
            "    if pid == 0:\n"
            "        worker(seconds); os._exit(0)\n"
            "    return pid\n"
            "first = spawn(0.6)\n"
            "sys.stdout.write('ready\\n'); sys.stdout.flush()\n"
            "sys.stdin.readline()\n"
            "os.waitpid(first, 0)\n"
            "os.waitpid(spawn(0.2), 0)\n"
            "sys.stdout.write('done\\n'); sys.stdout.flush()\n"
            "sys.stdin.readline()\n")
    master = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert master.stdout.readline() == "ready\n"
        while cpu_seconds(children(master.pid)) < 0.2:  # the first worker has been busy a while
            pass
        tree = CpuMeter({"tree": lambda: tree_cpu_seconds(master.pid)})
        workers_only = CpuMeter({"workers": lambda: cpu_seconds(children(master.pid))})
        tree.start(), workers_only.start()
        master.stdin.write("go\n"), master.stdin.flush()
        assert master.stdout.readline() == "done\n"
        spent, old_way = tree.stop()["tree"], workers_only.stop()["workers"]
        first_before = workers_only.before[0]["workers"]  # the first worker's CPU when the meter started
    finally:
        master.stdin.close()
        master.wait(timeout=10)
    assert old_way < 0  # the bug this guards against: the ended worker's earlier time subtracted
    # The rest of the first worker (0.6 s less what it had spent at start()) and all of the second (0.2 s).
    assert abs(spent - (0.8 - first_before)) < 0.1

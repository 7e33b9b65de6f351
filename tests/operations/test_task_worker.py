"""The task worker (`manage.py db_worker`, taskqueue/) on PostgreSQL: woken by NOTIFY the moment a
task is queued, near 0% CPU while idle, and on time for delayed tasks (retries) that no
notification announces. A real worker subprocess on the PostgreSQL test database; its poll interval
is set to 30 s where only a notification can explain a prompt start, and to make serve's 0.2 s for
the idle cost (the library's worker polls the table 5 times a second at that setting)."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.helpers import REPO, wait_for, worker_database_url
from tests.operations.worker_tasks import note

# Transactional, so the worker sees what the test commits; serialized_rollback as the suite's other
# transactional tests, so the flush afterwards leaves the database as the next of them expects.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def finished(result_id):
    return DBTaskResult.objects.filter(pk=result_id, status="SUCCESSFUL").first()


@pytest.fixture
def worker(request, tmp_path):
    interval = getattr(request, "param", 30)  # the poll interval it would use without notifications
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="newsroom.settings.test", DATABASE_URL=worker_database_url(),
               TASKS_BACKEND="database", PYTHONUNBUFFERED="1")
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        command = [sys.executable, "manage.py", "db_worker", "--interval", str(interval), "--no-reload",
                   "--no-startup-delay"]
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            with override_settings(TASKS=DATABASE_TASKS):
                first = note.enqueue("warm-up")
                wait_for(lambda: finished(first.id), 60, "the worker to start")
                yield process
        finally:
            process.terminate()
            process.wait(timeout=15)
    print(log_path.read_text()[-3000:])


def test_a_queued_task_wakes_the_worker_at_once(worker):
    waits = []
    for n in range(5):
        result = note.enqueue(f"task {n}")
        wait_for(lambda result=result: finished(result.id), 10, "the task to run", step=0.02)
        row = finished(result.id)
        waits.append((row.started_at - row.enqueued_at).total_seconds())
        time.sleep(0.3)  # the worker is waiting again
    assert max(waits) < 0.5, waits  # polling every 30 s could not do this


@pytest.mark.parametrize("worker", [0.2], indirect=True)  # as make run and make serve start it
def test_an_idle_worker_uses_almost_no_cpu(worker):
    time.sleep(0.5)
    before, started = cpu_seconds(worker.pid), time.monotonic()
    time.sleep(5)
    share = (cpu_seconds(worker.pid) - before) / (time.monotonic() - started)
    print(f"idle worker: {share:.2%} of a core")
    assert share < 0.01, f"{share:.1%} of a core while idle"


def test_a_delayed_task_runs_when_due_though_nothing_announces_it(worker):
    due = timezone.now() + timedelta(seconds=2)
    result = note.using(run_after=due).enqueue("retry")
    wait_for(lambda: finished(result.id), 10, "the delayed task to run", step=0.05)
    started = finished(result.id).started_at
    assert due <= started < due + timedelta(seconds=1), (due, started)

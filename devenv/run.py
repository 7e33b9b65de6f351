"""`make run`: the whole site with demo content and search, on 127.0.0.1.

Starts a local OpenSearch node unless OPENSEARCH_URL is set (or one already answers on the port),
migrates, creates an admin user, loads demo content, indexes it and serves the site. Ctrl-C stops
everything this command started.
"""

import os
import secrets
import signal
import subprocess
import sys
import time

from .appserver import stop_group
from .console import fail, say, step
from .opensearch import VAR_DIR, Node, cluster_health

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")
ADMIN_USER = os.environ.get("NEWSROOM_ADMIN_USER", "admin")


def manage(env, *args):
    code = subprocess.call([sys.executable, "manage.py", *args], env=env)
    if code != 0:
        fail(f"manage.py {' '.join(args)} failed (exit {code})")


def admin_password():
    """Made once per checkout and kept in var/, so every run prints the same credentials."""
    path = VAR_DIR / "admin-password.txt"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def start_opensearch(env):
    """Returns the node we started, or None when an existing one is used."""
    if os.environ.get("OPENSEARCH_URL"):
        url = os.environ["OPENSEARCH_URL"]
        if cluster_health(url, timeout=3) is None:
            fail(f"OPENSEARCH_URL={url} does not answer. Start it, or unset OPENSEARCH_URL to use a local node.")
        say(f"Using OpenSearch at {url}")
        return None
    port = int(os.environ.get("OPENSEARCH_PORT", "9200"))
    node = Node(VAR_DIR / "opensearch" / "dev", http_port=port, name="dev-node", cluster_name="newsroom-dev",
                heap=os.environ.get("OPENSEARCH_HEAP", "512m"))
    env["OPENSEARCH_URL"] = node.url
    node.stop_stale()
    if cluster_health(node.url, timeout=0.5) is not None:
        say(f"Using the OpenSearch node already running at {node.url}")
        return None
    with step(f"Starting OpenSearch on {node.url} (data in {node.data_dir})"):
        node.start()
    return node


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def install_signal_handlers():
    # Ctrl-C, `kill` and a closed terminal all stop everything this command started. (SIGINT is set
    # explicitly: a shell that starts us in the background makes us inherit it as ignored.)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)


def prepare_site(env):
    """Migrations, the admin user, demo content and both search indexes; returns the admin password."""
    # Setup steps print their own progress; per-page log lines would drown it. update_index
    # deletes indexes that may not exist yet, which opensearch-py reports as 404 warnings.
    quiet = dict(env, LOG_LEVEL="WARNING", OPENSEARCH_LOG_LEVEL="ERROR")
    # Setup runs tasks inline (no worker yet); the search indexes are rebuilt right after anyway.
    setup = dict(quiet, TASKS_BACKEND="immediate")
    with step("Applying database migrations"):
        manage(setup, "migrate", "--noinput", "-v", "0")
    # Links in pages, feeds and sitemaps are made from the Wagtail Site: the address served here.
    manage(quiet, "set_site_address", f"http://{HOST}:{PORT}")
    password = admin_password()
    manage(quiet, "ensure_admin", ADMIN_USER, f"--password={password}")  # may start with "-"
    with step("Loading demo content"):
        manage(setup, "load_demo_content")
    with step("Building the search indexes (admin: Wagtail's; readers: the public index)"):
        manage(setup, "update_index")
        manage(setup, "search_index", "rebuild")
    return password


def print_addresses(env, password, how):
    print(
        f"\n    Newsroom:  http://{HOST}:{PORT}/   ({how})\n"
        f"    Admin:     http://{HOST}:{PORT}/admin/   user {ADMIN_USER!r}, password {password!r}\n"
        f"    Health:    http://{HOST}:{PORT}/healthz (details, signed in: /healthz/status)\n"
        f"    Search:    {env['OPENSEARCH_URL']}\n"
        "    Scheduled publishing: checked every 30 s by the scheduler process\n"
        "    Search indexing: the task worker (manage.py db_worker) keeps both indexes in step\n\n"
        "    Ctrl-C stops everything this command started.\n",
        flush=True,
    )


def main():
    install_signal_handlers()
    started_at = time.monotonic()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev"),
               PYTHONUNBUFFERED="1")
    node = start_opensearch(env)
    processes = []
    try:
        password = prepare_site(env)
        say(f"Ready in {time.monotonic() - started_at:.0f}s")
        print_addresses(env, password, "runserver, DEBUG off (DEBUG=1 for Django's debug pages); "
                                       "`make serve` runs it the production way")
        (VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
        # Scheduled publishing and expiry happen in this worker, not in a cron the user must install.
        # Each child gets a process group of its own, so stopping it also stops runserver's autoreload
        # child, whatever signals the terminal or a parent shell sends or ignores.
        processes.append(subprocess.Popen([sys.executable, "manage.py", "run_scheduler"], env=env,
                                          start_new_session=True))
        # The task worker keeps the search indexes in step with publishing (search/tasks.py).
        processes.append(subprocess.Popen([sys.executable, "manage.py", "db_worker", "--interval",
                                           os.environ.get("TASKS_POLL_INTERVAL", "0.2")], env=env,
                                          start_new_session=True))
        server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}"], env=env,
                                  start_new_session=True)
        processes.insert(0, server)
        server.wait()
    except KeyboardInterrupt:
        print()
    finally:
        for process in processes:
            stop_group(process, timeout=10)
        if node is not None:
            with step("Stopping OpenSearch"):
                node.stop()


if __name__ == "__main__":
    main()

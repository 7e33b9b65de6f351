"""A throwaway PostgreSQL server for the test suite, from the distribution's packages.

It lives in a fresh temporary directory, listens on 127.0.0.1 only, trusts local connections and
trades durability for speed (fsync off) — fine for data that is thrown away after the run.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from .console import fail, step
from .opensearch import free_port

INSTALL_HINT = (
    "Install it with:  sudo apt-get install -y postgresql\n"
    "or set DATABASE_URL=postgres://user:password@host:5432/dbname to use an existing server."
)


def bin_dir():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if candidates:
        return Path(candidates[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    fail("PostgreSQL's server programs (initdb, pg_ctl) were not found; the tests run on PostgreSQL.\n" + INSTALL_HINT)


class TemporaryPostgres:
    def __init__(self, port=None, database="newsroom"):
        self.port = port or free_port()
        self.database = database
        self.bin = bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
        self.data = self.dir / "data"
        # PostgreSQL refuses to run as root; CI runs as root, so use the packaged postgres user.
        self.run_as = "postgres" if os.geteuid() == 0 else None
        if self.run_as:
            try:
                pwd.getpwnam(self.run_as)
            except KeyError:
                fail("Running as root, PostgreSQL needs the 'postgres' system user.\n" + INSTALL_HINT)
            shutil.chown(self.dir, user=self.run_as)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *command):
        if self.run_as:
            command = ("runuser", "-u", self.run_as, "--", *command)
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def start(self):
        with step(f"Starting a throwaway PostgreSQL on 127.0.0.1:{self.port}"):
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                      "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync")
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                      "-o", options, "-w", "-t", "60", "start")
            self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                      self.database)
        return self

    def stop(self):
        if self.data.exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

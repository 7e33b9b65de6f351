"""A throwaway Redis server for the test suite (the shared cache production runs on), from the
distribution's package: 127.0.0.1 only, a fresh directory, nothing written to disk."""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .console import fail
from .opensearch import free_port

INSTALL_HINT = ("Install it with:  sudo apt-get install -y redis-server\n"
                "or set REDIS_URL=redis://host:6379/0 to use an existing server.")


class TemporaryRedis:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="newsroom-redis-"))
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout=15):
        server = shutil.which("redis-server")
        if server is None:
            fail("redis-server was not found; the tests run the page cache on Redis.\n" + INSTALL_HINT)
        self.process = subprocess.Popen(
            [server, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.dir), "--save", "",
             "--appendonly", "no", "--protected-mode", "yes", "--maxmemory", "256mb",
             "--maxmemory-policy", "allkeys-lru", "--logfile", str(self.dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"redis-server exited with code {self.process.returncode}; see {self.dir / 'redis.log'}")
            if self.ping():
                return self
            time.sleep(0.05)
        self.stop()
        fail(f"redis-server did not answer on 127.0.0.1:{self.port} within {timeout}s")

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

"""nginx as the buffering proxy in front of gunicorn: the supported production front.

nginx reads a whole request (line, headers, body) before it passes it on, and takes the response at
once, so a slow client holds an nginx connection (cheap, event-driven) rather than a gunicorn sync
worker. tests/operations/test_slow_clients.py runs the site behind this configuration; docs/operations.md shows
the directives that matter for production.
"""

import os
import shutil
import subprocess
import time

from .appserver import http_status, stop_group
from .console import fail

CONFIG = """\
{user}worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # The slowloris defences: a request line and headers, or a body, that do not arrive in time
    # end the connection; the request reaches gunicorn only when complete.
    client_header_timeout 10s;
    client_body_timeout 10s;
    send_timeout 10s;
    keepalive_timeout 5s;
    client_max_body_size 20m;
    proxy_request_buffering on;
    proxy_buffering on;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://{upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


class BufferingProxy:
    """nginx on 127.0.0.1:port passing complete requests to `upstream` (host:port)."""

    def __init__(self, directory, port, upstream):
        self.directory, self.port, self.upstream = directory, port, upstream
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=15):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not shutil.which(nginx):
            fail("nginx is needed for the buffering-proxy test: sudo apt-get install -y nginx")
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "nginx.conf"
        # Started as root, nginx would run its worker as nobody, who cannot write the temp dirs here.
        user = "user root;\n" if os.geteuid() == 0 else ""
        config.write_text(CONFIG.format(user=user, dir=self.directory, port=self.port, upstream=self.upstream))
        self.process = subprocess.Popen([nginx, "-p", str(self.directory), "-c", str(config)],
                                        start_new_session=True, stdout=subprocess.DEVNULL,
                                        stderr=open(self.directory / "stderr.log", "ab"))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"nginx exited with code {self.process.returncode}; see {self.directory / 'stderr.log'}")
            if http_status(f"{self.base_url}/healthz") == 200:
                return self
            time.sleep(0.2)
        self.stop()
        fail(f"nginx did not answer {self.base_url}/healthz within {timeout} s")

    def stop(self):
        stop_group(self.process, timeout=10)

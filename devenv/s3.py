"""A throwaway S3-compatible server for the media tests: moto's standalone server, in a process of
its own on 127.0.0.1, reached over HTTP exactly as production reaches S3.

    python -m devenv.s3 [--port 9000] [--bucket newsroom-media]   (foreground; Ctrl-C stops it)

It keeps everything in memory, so stopping it throws the bucket away. It does not check request
signatures, but it does refuse an unsigned, anonymous GET of a private object (403), which is what
tells a signed URL from a bare one.
"""

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from .console import fail, say, step
from .opensearch import free_port

# moto accepts any key pair; fixed ones keep boto3 away from ~/.aws and instance metadata.
ACCESS_KEY = "newsroom-test"
SECRET_KEY = "newsroom-test-secret"
REGION = "us-east-1"
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid):
    """Run in the child between fork and exec: if the process that started the server dies without
    stopping it (SIGKILL, or SIGTERM to pytest, which skips fixture teardown), the kernel sends the
    server SIGTERM, so no server is left behind."""

    def set_death_signal():
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)

    return set_death_signal if sys.platform.startswith("linux") else None


class S3Server:
    """One moto server process with one bucket. Its log is kept in a temporary file."""

    def __init__(self, port=None, bucket="newsroom-media"):
        self.port = port or free_port()
        self.bucket = bucket
        self.process = None
        self.log_file = Path(tempfile.mkstemp(prefix="newsroom-s3-", suffix=".log")[1])

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def environ(self):
        """The environment that points Newsroom's media at this server."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def client(self):
        import boto3  # only once a server is wanted: `python -m devenv.s3 --help` needs no boto3

        return boto3.client("s3", endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

    def answers(self):
        # An anonymous GET / is moto's ListBuckets: 200 once the server is serving.
        try:
            with urllib.request.urlopen(self.url + "/", timeout=1) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def start(self, timeout=60):
        if self.answers():
            fail(f"Port {self.port} already answers; stop that server or choose another port.")
        log = open(self.log_file, "ab")
        # A session of its own, so Ctrl-C reaches only our process, which then stops the server
        # in order (pytest's fixture teardown, or the foreground loop below).
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_die_with_parent(os.getpid()),
        )
        log.close()
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None:
                tail = self.log_file.read_text(errors="replace")[-3000:]
                fail(f"The S3 server (moto) exited with code {self.process.returncode}. Log tail:\n{tail}")
            if time.monotonic() > deadline:
                self.stop()
                fail(f"The S3 server (moto) did not answer on {self.url} within {timeout}s; see {self.log_file}")
            time.sleep(0.1)
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def stop(self, timeout=10):
        """SIGTERM (moto exits at once), SIGKILL if it has not after `timeout` seconds."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.unlink(missing_ok=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m devenv.s3", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=None, help="default: a free port")
    parser.add_argument("--bucket", default="newsroom-media")
    args = parser.parse_args(argv)
    # `kill` and a closed terminal stop the server too, like Ctrl-C. (SIGINT is set explicitly: a
    # shell that starts us in the background, as `nohup … &` does, makes us inherit it as ignored.)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    server = S3Server(port=args.port, bucket=args.bucket)
    with step(f"Starting an S3-compatible server (moto) on {server.url}"):
        server.start()
    try:
        say(f"S3 is up (moto, pid {server.process.pid}), in memory only; Ctrl-C stops it. Point Newsroom at it with:")
        print(" ".join(f"{key}={value}" for key, value in server.environ().items()), flush=True)
        while server.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()

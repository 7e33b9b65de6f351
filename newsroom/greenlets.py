"""Serving from gunicorn's gevent workers (gunicorn.conf.py's default) without changing how Django runs.

gevent lets a worker hold thousands of connections, so a slow client (slowloris) costs one greenlet
instead of a whole worker. But rendering is CPU-bound: if every accepted request ran Django at once,
they would share the CPU and each one's search budget (0.8 s of wall time) would run out while it
waited its turn. So the worker does what a buffering proxy would: reading the request, its body and
writing the response happen concurrently, in greenlets, while Django itself serves one request at a
time per worker, exactly as a sync worker did. Stdlib only until `active()` says gevent is patched in.
"""

import os
import sys
import tempfile

# Requests running Django at once in one worker: 1 = a sync worker's behaviour (make bench).
APP_CONCURRENCY = int(os.environ.get("GUNICORN_APP_CONCURRENCY", "1"))
# A body not received within this long gets a 408 and its connection is closed.
BODY_SECONDS = float(os.environ.get("REQUEST_BODY_SECONDS", "30"))
BODY_IN_MEMORY = 1024 * 1024  # larger bodies (image uploads) spill to a temporary file
CHUNK = 64 * 1024


def active():
    """True in a gevent worker: it patched the standard library before Django loaded."""
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey and monkey.is_module_patched("socket"))


class BufferedOneAtATime:
    """WSGI wrapper: buffer the body, run the app under a per-worker slot, release it before sending."""

    def __init__(self, app, concurrency=APP_CONCURRENCY, body_seconds=BODY_SECONDS):
        import gevent
        from gevent.lock import BoundedSemaphore

        self.app, self.gevent = app, gevent
        self.slot = BoundedSemaphore(concurrency)
        self.body_seconds = body_seconds

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django answers a malformed length itself
        if length > 0:
            try:
                with self.gevent.Timeout(self.body_seconds):
                    environ["wsgi.input"] = self._buffer(environ["wsgi.input"], length)
            except self.gevent.Timeout:
                start_response("408 Request Timeout", [("Content-Type", "text/plain; charset=utf-8"),
                                                       ("Connection", "close")])
                return [b"The request body did not arrive in time.\n"]
        with self.slot:
            response = self.app(environ, start_response)
            if getattr(response, "streaming", True):
                return response  # files: sent as they are read, outside the slot
            try:
                # Rendered pages are complete already; closing the response here fires
                # request_finished, which hands the database connection back before a slow
                # reader is sent the bytes.
                return [b"".join(response)]
            finally:
                response.close()

    @staticmethod
    def _buffer(stream, length):
        body = tempfile.SpooledTemporaryFile(max_size=BODY_IN_MEMORY)
        remaining = length
        while remaining > 0:
            chunk = stream.read(min(CHUNK, remaining))
            if not chunk:
                break  # the client stopped early: Django sees a short body, as it would have
            body.write(chunk)
            remaining -= len(chunk)
        body.seek(0)
        return body

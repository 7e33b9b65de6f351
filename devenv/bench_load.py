"""The HTTP side of `make bench`: sequential latency and closed-loop concurrent load, stdlib only.

Lean on purpose: the client shares the machine's 2 cores with gunicorn, OpenSearch and PostgreSQL,
so every millisecond it burns is one the server does not get. One persistent http.client
connection per thread (it reconnects by itself when gunicorn's sync workers close the connection
after each response), no response parsing beyond reading the body.
"""

import http.client
import threading
import time


def percentile(values, pct):
    """Nearest-rank percentile of a list of numbers (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil without floats
    return ordered[int(rank) - 1]


class Client:
    """One connection to the server under test."""

    def __init__(self, host, port, timeout=30):
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def get(self, path):
        """(status, body bytes, seconds). Status 0 means the request failed at the socket level."""
        started = time.perf_counter()
        try:
            self.connection.request("GET", path, headers={"Accept-Encoding": "identity"})
            response = self.connection.getresponse()
            body = response.read()
            status = response.status
            if response.will_close:
                self.connection.close()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            return 0, b"", time.perf_counter() - started
        return status, body, time.perf_counter() - started

    def close(self):
        self.connection.close()


def _ok(status, body, failure_marker):
    """A 200 that is not the view's "search unavailable" answer (which is also a 200 page)."""
    return status == 200 and not (failure_marker and failure_marker in body)


def sequential(host, port, paths, rounds=1, warmup=1, failure_marker=None):
    """Request every path in turn, `warmup` untimed rounds then `rounds` timed ones.

    Returns {"latencies": [seconds], "errors": n, "statuses": {path: last status},
    "by_path": {path: [seconds]}}.
    """
    client = Client(host, port)
    statuses, latencies, errors, by_path = {}, [], 0, {}
    try:
        for _ in range(warmup):
            for path in paths:
                statuses[path] = client.get(path)[0]
        for _ in range(rounds):
            for path in paths:
                status, body, seconds = client.get(path)
                statuses[path] = status
                if _ok(status, body, failure_marker):
                    latencies.append(seconds)
                    by_path.setdefault(path, []).append(seconds)
                else:
                    errors += 1
    finally:
        client.close()
    return {"latencies": latencies, "errors": errors, "statuses": statuses, "by_path": by_path}


def load(host, port, paths, concurrency=8, duration=15.0, progress=None, failure_marker=None):
    """Closed loop: `concurrency` clients each send the next path as soon as the last answer is in,
    for `duration` seconds. Returns requests/s, latencies of successful answers and the error count."""
    deadline = time.perf_counter() + duration
    results = [([], [0]) for _ in range(concurrency)]

    def worker(n):
        latencies, errors = results[n]
        client = Client(host, port)
        i = n * 7  # each client starts elsewhere in the list, so they do not march in step
        try:
            while time.perf_counter() < deadline:
                status, body, seconds = client.get(paths[i % len(paths)])
                i += 1
                if _ok(status, body, failure_marker):
                    latencies.append(seconds)
                else:
                    errors[0] += 1
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    while (remaining := deadline - time.perf_counter()) > 0:
        time.sleep(min(5.0, remaining))
        if progress and time.perf_counter() < deadline:
            progress(sum(len(lat) + err[0] for lat, err in results), time.perf_counter() - started)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = [value for lat, _ in results for value in lat]
    errors = sum(err[0] for _, err in results)
    return {"requests_per_second": len(latencies) / elapsed, "latencies": latencies, "errors": errors,
            "elapsed": elapsed, "concurrency": concurrency}

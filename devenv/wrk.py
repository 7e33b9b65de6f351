"""Load from wrk (Debian's package), for the load test and `make bench`: N connections for S seconds
over a list of paths, each request picking one at random. A Lua script counts answers whose body
holds a failure marker (search's "temporarily unavailable" is a 200) and reports percentiles."""

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .console import fail

SCRIPT = """
local paths = {%(paths)s}
local marker = %(marker)s
failed = 0  -- a global: done() reads each thread's with thread:get()
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) math.randomseed(os.time() + math.floor(os.clock() * 1000000)) end
function request() return wrk.format("GET", paths[math.random(#paths)]) end
%(response)s
function done(summary, latency, requests)
  local total_failed = 0
  for _, thread in ipairs(threads) do total_failed = total_failed + thread:get("failed") end
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%.3f, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, ' ..
    '"timeout": %%d, "failed": %%d, "p50_ms": %%.2f, "p95_ms": %%.2f, "p99_ms": %%.2f, "max_ms": %%.2f}\\n',
    summary.requests, summary.duration / 1e6, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, total_failed, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""
# Only defined when there is a marker: handing every body to Lua costs wrk throughput.
RESPONSE = """
function response(status, headers, body)
  if body and string.find(body, marker, 1, true) then failed = failed + 1 end
end
"""
ERROR_KINDS = ("connect", "read", "write", "status", "timeout", "failed")


def require_wrk():
    if shutil.which("wrk") is None:
        fail("wrk is needed to generate load: sudo apt-get install -y wrk")


def run(base_url, paths, connections, seconds, threads=2, timeout=10, failure_marker=None, headers=()):
    """Returns wrk's numbers: requests, seconds, rps, p50/p95/p99/max in ms and error counts
    (status counts answers ≥ 400; failed counts bodies with the marker); errors is their sum."""
    require_wrk()
    with tempfile.TemporaryDirectory(prefix="newsroom-wrk-") as directory:
        script = Path(directory) / "paths.lua"
        script.write_text(SCRIPT % {"paths": ", ".join(json.dumps(path) for path in paths),
                                    "marker": json.dumps(failure_marker or ""),
                                    "response": RESPONSE if failure_marker else ""})
        command = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds}s",
                   "--timeout", f"{timeout}s", "-s", str(script)]
        for header in headers:
            command += ["-H", header]
        done = subprocess.run([*command, base_url], capture_output=True, text=True, timeout=seconds + 120)
    match = re.search(r"^RESULT (.*)$", done.stdout, re.M)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed (exit {done.returncode}): {done.stderr or done.stdout}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    result["errors"] = sum(result[kind] for kind in ERROR_KINDS)
    return result

"""`make bench`'s Markdown report: the metrics table with targets, where the CPU went, memory."""

import statistics
import time


def _num(value, unit="ms", digits=1):
    if value is None:
        return "–"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit == "articles/s":
        return f"{value:,.0f} articles/s"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "":
        return f"{value:g}"
    return f"{value:.{digits}f} {unit}"


def _pair(a, b, unit="ms"):
    if a is None and b is None:
        return "–"
    return f"{_num(a, unit)} / {_num(b, unit)}"


def _shorten(sql, head=140, tail=120):
    """Column lists make SQL unreadable in a report: the FROM clause's start and the query's end
    (ORDER BY, LIMIT) say what it is."""
    start = sql.find(" FROM ")
    text = ("SELECT … " + sql[start + 1:]) if start > 0 else sql
    return text if len(text) <= head + tail else f"{text[:head]} … {text[-tail:]}"


def render(results, notes, targets, run):
    phases = [p for p in ("demo", "big") if p in results]
    headers = [f"{results[p]['label']} ({results[p]['articles']:,} live)" for p in phases]

    def get(phase, *keys):
        value = results.get(phase, {})
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    rows = []

    def row(label, target, values, verdict=None):
        rows.append([label, target, *values, verdict or ""])

    def judged(values, limit, higher_is_better=False):
        """Every measured corpus must meet the target (the largest is the hard one)."""
        measured = [v for v in values if v is not None]
        if not measured:
            return "?"
        worst = min(measured) if higher_is_better else max(measured)
        return "✓" if (worst >= limit if higher_is_better else worst <= limit) else "✗"

    c = run["concurrency"]
    for name, label, target_key in (("search", "Results page `/search/`", "search_p95"),
                                    ("suggest", "Suggestions `/search/suggest/`", "suggest_p95"),
                                    ("api", "JSON API `/api/search/`", None)):
        p50 = [get(p, f"{name}_seq", "p50") for p in phases]
        p95 = [get(p, f"{name}_seq", "p95") for p in phases]
        row(f"{label} p50, sequential", "", [_num(v) for v in p50])
        if target_key:
            row(f"{label} p95, sequential", f"≤ {targets[target_key]:g} ms", [_num(v) for v in p95],
                judged(p95, targets[target_key]))
        else:
            row(f"{label} p95, sequential", "", [_num(v) for v in p95])
        if name == "api":
            continue
        rps = [get(p, f"{name}_load", "rps") for p in phases]
        if name == "search":
            row(f"{label} throughput, {c} clients", f"≥ {targets['search_rps']:g} req/s",
                [_num(v, "req/s") for v in rps], judged(rps, targets["search_rps"], higher_is_better=True))
        else:
            row(f"{label} throughput, {c} clients", "", [_num(v, "req/s") for v in rps])
        row(f"{label} p50 / p95 under load", "",
            [_pair(get(p, f"{name}_load", "p50"), get(p, f"{name}_load", "p95")) for p in phases])
        row(f"{label} errors under load", "0", [str(get(p, f"{name}_load", "errors") if
                                                    get(p, f"{name}_load") else "–") for p in phases],
            judged([get(p, f"{name}_load", "errors") for p in phases], 0))
    ceilings = [get(p, "ceiling", "rps") for p in phases]
    if any(ceilings):
        row("Ceiling: a bare Django view on the same gunicorn workers", "",
            [f"{_num(v, 'req/s')}" if v else "–" for v in ceilings])
    mode_labels = {"cached": "from the page cache", "uncached": "rendered (page cache off, fragments cached)",
                   "cold": "rendered with nothing cached (page and fragment caches off)"}
    for kind in ("home", "section", "article"):
        for mode in ("cached", "uncached", "cold"):
            rps = [get(p, "pages", f"{kind}_{mode}", "rps") for p in phases]
            if not any(v is not None for v in rps):
                continue
            shares = [v / c if v is not None and c else None for v, c in zip(rps, ceilings, strict=True)]
            target, verdict = "", None
            if mode == "cached":
                target = f"≥ {targets['cached_share'] * 100:.0f}% of the ceiling"
                verdict = judged(shares, targets["cached_share"], higher_is_better=True)
            elif mode == "uncached" and kind in targets["rendered_rps"]:
                target = f"≥ {targets['rendered_rps'][kind]:g} req/s"
                verdict = judged(rps, targets["rendered_rps"][kind], higher_is_better=True)
            cells = []
            for p, v, share in zip(phases, rps, shares, strict=True):
                result = get(p, "pages", f"{kind}_{mode}") or {}
                cells.append(f"{_num(v, 'req/s')}{f' = {share * 100:.1f}% of the ceiling' if share else ''} "
                             f"(p50 {_num(result.get('p50_ms'))}, p95 {_num(result.get('p95_ms'))}"
                             f"{', ' + str(result['errors']) + ' errors' if result.get('errors') else ''})"
                             if v is not None else "–")
            row(f"{kind.capitalize()} page, {mode_labels[mode]}", target, cells, verdict)
    idle = [get(p, "worker_idle") for p in phases]
    if any(v is not None for v in idle):
        row("Task worker CPU while idle (share of a core)", f"≤ {targets['worker_idle'] * 100:g}%",
            [f"{v * 100:.2f}%" if v is not None else "–" for v in idle], judged(idle, targets["worker_idle"]))
    rss = []
    for p in phases:
        workers = [w for key in ("memory", "memory_pages_cached", "memory_pages_uncached", "memory_pages_cold")
                   for w in (get(p, key, "gunicorn_workers_mib") or [])]
        rss.append(max(workers) if workers else None)
    row("gunicorn worker RSS, largest", f"≤ {targets['worker_rss_mib']:g} MiB", [_num(v, "MiB", 0) for v in rss],
        judged(rss, targets["worker_rss_mib"]))
    for kind, label in (("search", "a results page's requests"), ("suggest", "a suggestion request")):
        row(f"OpenSearch direct, {label}: round trip p50 / p95", "",
            [_pair(get(p, f"raw_{kind}", "p50"), get(p, f"raw_{kind}", "p95"))
             + (f" ({get(p, f'raw_{kind}', 'requests'):.2f} requests/query)"
                if kind == "search" and get(p, f"raw_{kind}", "requests") else "") for p in phases])
        row(f"OpenSearch direct, {label}: `took` p50 / p95", "",
            [_pair(get(p, f"raw_{kind}", "took_p50"), get(p, f"raw_{kind}", "took_p95")) for p in phases])
    ratios = []
    for p in phases:
        app, raw = get(p, "search_seq") or {}, get(p, "raw_search") or {}
        ratios.append((app["p50"] / raw["p50"], app["p95"] / raw["p95"])
                      if app.get("p50") and raw.get("p50") and raw.get("p95") else None)
    row("Results page vs OpenSearch direct (same queries), p50 / p95", f"≤ {targets['app_vs_raw']:g}×",
        [f"{a:.2f}× / {b:.2f}×" if a else "–" for a, b in (r or (None, None) for r in ratios)],
        judged([max(r) for r in ratios if r], targets["app_vs_raw"]))
    rates = [get(p, "reindex", "rate") for p in phases]
    row("Full reindex (`search_index rebuild`)", f"≥ {targets['reindex_rate']:,.0f} articles/s",
        [_num(v, "articles/s") + (f" ({get(p, 'reindex', 'count'):,} in {get(p, 'reindex', 'seconds'):.1f} s)"
                                  if v else "") for p, v in zip(phases, rates, strict=True)],
        # Judged on a large corpus only: for a few hundred articles, setup dominates the rate.
        judged(rates[-1:], targets["reindex_rate"], higher_is_better=True)
        if phases and (get(phases[-1], "reindex", "count") or 0) >= 10_000 else "")
    publish_cells = []
    for p in phases:
        probes = get(p, "publish") or []
        seen = [x["searchable"] for x in probes if x["searchable"] is not None]
        if not probes:
            publish_cells.append("–")
        else:
            missed = len(probes) - len(seen)
            publish_cells.append(f"{_num(statistics.median(seen) if seen else None, 's')} / "
                                 f"{_num(max(seen) if seen else None, 's')}"
                                 + (f" ({missed} of {len(probes)} never found)" if missed else f" (n={len(probes)})"))
    row("Publish → searchable, median / max", "", publish_cells)
    for name, label in (("search", "results page"), ("suggest", "suggestions"), ("api", "API")):
        row(f"Database queries per request, {label}: count, time (slowest)", "",
            [f"{get(p, 'queries', name, 'count')}, {_num(get(p, 'queries', name, 'db_ms'))} "
             f"({_num(get(p, 'queries', name, 'slowest_ms'))})" if get(p, "queries", name) else "–" for p in phases])

    lines = [
        f"## make bench — {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"{run['cores']} cores shared by everything (gunicorn, OpenSearch, PostgreSQL, task worker and the load "
        f"client). gunicorn: {run['workers']} {run['worker_class']} workers"
        + (f" × {run['threads']} threads" if run["worker_class"] == "gthread" else "")
        + f", newsroom.settings.production (DEBUG off). Load: {c} concurrent clients for "
          f"{run['load_seconds']:.0f} s per endpoint (closed loop). Sequential latency: 1 warm-up round, then 3 timed "
          "rounds over the query list. Verdicts: every corpus must meet the target; reindex is judged on the "
          "largest.",
        "",
        "| metric | target | " + " | ".join(headers) + " | |",
        "| --- | ---: | " + " | ".join("---:" for _ in phases) + " | :-: |",
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]

    generation = results.get("generation")
    lines.append("")
    if generation:
        lines.append(f"Corpus generation: {generation['articles']:,} articles in {generation['seconds']:.0f} s "
                     f"({generation['articles'] / generation['seconds']:.0f} articles/s); cached for later runs.")
    elif "big" in results:
        lines.append("Corpus: reused from the cache (var/bench/pg, a template database per corpus).")

    # Where the time goes: CPU per request per component, measured from /proc during the load runs.
    cpu_rows = []
    for p in phases:
        for name in ("search", "suggest"):
            load = get(p, f"{name}_load")
            if not load or not load.get("cpu_ms_per_request"):
                continue
            parts = load["cpu_ms_per_request"]
            cpu_rows.append((f"{results[p]['label']}, {name}", parts, load["cpu_busy"]))
        for key, page in (get(p, "pages") or {}).items():
            if page.get("cpu_ms_per_request"):
                parts = page["cpu_ms_per_request"]
                cpu_rows.append((f"{results[p]['label']}, {key.replace('_', ' ')}", parts, None))
    if cpu_rows:
        order = ["django (gunicorn)", "opensearch", "postgresql", "task worker", "bench client", "other processes"]
        seen = {n for _, parts, _ in cpu_rows for n in parts}
        names = [n for n in order if n in seen] + sorted(seen - set(order))
        lines += ["", "### Where the CPU goes under load (CPU ms per request)", "",
                  "Ceiling: the requests/s the machine's cores could serve at this CPU cost per request, "
                  "on an idle machine (neither the load client nor other processes counted).", "",
                  "| load run | " + " | ".join(names) + " | total | machine busy | ceiling |",
                  "| --- | " + " | ".join("---:" for _ in names) + " | ---: | ---: | ---: |"]
        for label, parts, busy in cpu_rows:
            server = sum(v for n, v in parts.items() if n not in ("bench client", "other processes"))
            ceiling = run["cores"] * 1000 / server if server else None
            lines.append(f"| {label} | " + " | ".join(f"{parts.get(n, 0):.2f}" for n in names)
                         + f" | {sum(parts.values()):.2f} | {'–' if busy is None else f'{busy * 100:.0f}%'} | "
                           f"{_num(ceiling, 'req/s')} |")

    memory_lines = []
    for p in phases:
        m = get(p, "memory")
        if not m:
            continue
        workers = m.get("gunicorn_workers_mib", [])
        text = (f"- {results[p]['label']}: gunicorn workers {', '.join(str(w) for w in workers)} MiB RSS "
                f"(master {m.get('gunicorn_master_mib')} MiB), task worker {m.get('task_worker_mib')} MiB")
        if "opensearch_heap_used_mib" in m:
            text += f"; OpenSearch heap {m['opensearch_heap_used_mib']} of {m['opensearch_heap_max_mib']} MiB"
        if "opensearch_rss_mib" in m:
            text += f", JVM RSS {m['opensearch_rss_mib']} MiB"
        memory_lines.append(text)
    if memory_lines:
        lines += ["", "### Memory at the end of each phase", "", *memory_lines]
    largest = phases[-1] if phases else None
    page, raw = get(largest, "search_by_query") or {}, get(largest, "raw_search_by_query") or {}
    if page:
        lines += ["", f"### Slowest results-page queries ({results[largest]['label']}, median of 3)", "",
                  "| query | results page | OpenSearch (requests) |", "| --- | ---: | ---: |"]
        for text, value in sorted(page.items(), key=lambda item: -item[1])[:8]:
            os_ms, requests = raw.get(text, (None, None))
            lines.append(f"| `{text}` | {_num(value)} | {_num(os_ms)}" + (f" ({requests})" if requests else "") + " |")
    slow = []
    for p in phases:
        for name in ("search", "suggest", "api"):
            q = get(p, "queries", name)
            if q and q.get("slowest_ms") and q["slowest_ms"] >= 20:
                slow.append(f"- {results[p]['label']}, {q['path']}: {q['slowest_ms']:.0f} ms for "
                            f"`{_shorten(q['slowest_sql'])}`")
    if slow:
        lines += ["", "### Slow database queries (≥ 20 ms, measured with one warm request)", "", *slow]
    if notes:
        lines += ["", "### Notes", "", *[f"- {n}" for n in notes]]
    lines += ["", f"Total runtime: {run['runtime']:.0f} s.", ""]
    return "\n".join(lines)

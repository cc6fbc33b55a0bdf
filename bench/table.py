"""The printed table of a benchmark run (plain Python: no Django needed to render a saved result)."""


def _fmt_time(r):
    if "seconds" in r:
        return f"{r['seconds']:.3f} s"
    if "p95_ms" in r:
        return f"{r['median_ms']:.1f} / {r['p95_ms']:.1f} ms"
    return "—"


def _fmt_peak(r):
    if r.get("peak_mb") is None:
        return "—"
    text = f"{r['peak_mb']:.1f}"
    if r.get("process_peak_rss_mb") is not None:
        text += f" / {r['process_peak_rss_mb']:.0f}"
    return text


def _fmt_floor(r):
    return _fmt_time(r.get("floor") or {})


def _fmt_queries(r):
    q = r.get("queries") or {}
    if "all_wards" in q:
        return f"{q['all_wards']} / {q['one_ward']}" + ("" if q.get("constant") else " (grows)")
    if "import" in q:
        return str(q["import"])
    return "—"


def _fmt_met(r):
    if r.get("status") != "measured":
        return "—"
    parts = ["yes" if r.get("met") else ("no" if r.get("met") is False else "—")]
    if "memory_met" in r:
        parts.append("mem " + ("yes" if r["memory_met"] else "no"))
    return ", ".join(parts)


HEADERS = [
    "operation",
    "time (median / p95)",
    "peak MB (Δ / process)",
    "floor",
    "ratio",
    "target",
    "met",
    "queries all/1 ward",
]


def rows(results) -> list[list[str]]:
    out = []
    for r in results:
        if r.get("status") != "measured":
            out.append([r["operation"], r["status"], "", "", "", r.get("target", "—"), "—", ""])
            continue
        out.append([
            r["operation"], _fmt_time(r), _fmt_peak(r),
            _fmt_floor(r), "—" if r.get("ratio") is None else f"{r['ratio']:.2f}×", r.get("target", "—"),
            _fmt_met(r), _fmt_queries(r),
        ])  # fmt: skip
    return out


def table(results) -> str:
    body = rows(results)
    widths = [max(len(str(x)) for x in col) for col in zip(HEADERS, *body, strict=True)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(HEADERS), sep, *(line(r) for r in body)])

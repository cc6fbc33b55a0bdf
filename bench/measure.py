"""Timing and memory of one benchmark operation.

Memory is the **peak resident set size (RSS) above the level before the operation**: Linux's high-water
mark (VmHWM) is reset through /proc/self/clear_refs before each run and read after it. Unlike tracemalloc it
counts everything the process holds (libpq result buffers, lxml, C strings), and it costs nothing while
the operation runs, so times and memory come from the same run. Where clear_refs is unavailable (not
Linux) the figure falls back to tracemalloc's peak of Python allocations, in a separate run.
"""

import gc
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext

_STATUS = "/proc/self/status"
_CLEAR_REFS = "/proc/self/clear_refs"


def _status_kb(key: str) -> int | None:
    try:
        with open(_STATUS) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _trim() -> None:
    """Hand freed heap memory back to the system, so the next operation's peak is its own and not hidden
    by memory an earlier operation left resident."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def reset_peak() -> bool:
    try:
        with open(_CLEAR_REFS, "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


MEMORY_METHOD = "RSS high-water mark delta (VmHWM after − VmRSS before; /proc/self/clear_refs)"


def memory_method() -> str:
    return MEMORY_METHOD if reset_peak() else "tracemalloc peak (Python allocations only)"


@dataclass
class Run:
    seconds: float
    peak_mb: float | None
    queries: int | None = None
    cpu_seconds: float | None = None  # this process only (the database server's work is not in it)
    peak_rss_mb: float | None = None  # the whole process's peak RSS during the run (an upper bound)


@dataclass
class Latency:
    samples_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    sql_ms: float | None = None  # time in the database during one request
    slowest_sql_ms: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        # nearest-rank p95
        rank = max(1, -(-95 * len(ordered) // 100))
        return ordered[rank - 1]


def run_once(fn, *, count_queries: bool = False) -> Run:
    """Call ``fn()`` once; its wall time, peak RSS above the start, and (optionally) its query count."""
    gc.collect()
    _trim()
    hwm_ok = reset_peak()
    before = _status_kb("VmRSS") or 0
    ctx = CaptureQueriesContext(connection) if count_queries else None
    if ctx is not None:
        ctx.__enter__()
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
    finally:
        if ctx is not None:
            ctx.__exit__(None, None, None)
    hwm = _status_kb("VmHWM") or 0
    peak_mb = (hwm - before) / 1024 if hwm_ok else None
    peak_rss_mb = hwm / 1024 if hwm_ok else None
    del result
    if peak_mb is None:
        gc.collect()
        tracemalloc.start()
        try:
            fn()
            peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    queries = len(ctx.captured_queries) if ctx is not None else None
    return Run(
        seconds=seconds, peak_mb=peak_mb, queries=queries, cpu_seconds=cpu_seconds, peak_rss_mb=peak_rss_mb
    )


def _best(runs: list[Run]) -> Run:
    fastest = min(runs, key=lambda r: r.seconds)
    peaks = [r.peak_mb for r in runs if r.peak_mb is not None]
    rss = [r.peak_rss_mb for r in runs if r.peak_rss_mb is not None]
    return Run(seconds=fastest.seconds, peak_mb=max(peaks) if peaks else None, queries=fastest.queries,
               cpu_seconds=min(r.cpu_seconds for r in runs), peak_rss_mb=max(rss) if rss else None)  # fmt: skip


def best_of(fn, repeat: int, *, count_queries: bool = False, between=None) -> Run:
    """The fastest of ``repeat`` runs (the least disturbed by other load on the machine), with the highest
    peak memory seen; ``between()`` runs untimed after each run (e.g. to undo a write)."""
    runs = []
    for _ in range(repeat):
        runs.append(run_once(fn, count_queries=count_queries))
        if between:
            between()
    return _best(runs)


def paired(fn, floor, repeat: int, *, between=None) -> tuple[Run, Run]:
    """``fn`` and its ``floor`` run alternately ``repeat`` times each (so both see the same machine load);
    the fastest of each, with the highest peak memory. Queries are counted for ``fn`` and the floor."""
    runs, floors = [], []
    for _ in range(repeat):
        runs.append(run_once(fn, count_queries=True))
        if between:
            between()
        floors.append(run_once(floor, count_queries=True))
        if between:
            between()
    return _best(runs), _best(floors)


def latency(client, url: str, n: int, *, warmup: int = 2, expect: int = 200) -> Latency:
    """``n`` GETs of ``url`` through the whole middleware stack; each must answer ``expect``."""
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != expect:
            raise RuntimeError(f"GET {url} → {response.status_code}, expected {expect}")
    out = Latency()
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != expect:
            raise RuntimeError(f"GET {url} → {response.status_code}, expected {expect}")
        out.samples_ms.append(elapsed)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    out.queries = len(ctx.captured_queries)
    return out


def query_count(client, url: str) -> int:
    return query_profile(client, url)[0]


def query_profile(client, url: str) -> tuple[int, float, float]:
    """(queries, milliseconds spent in them, the slowest one's milliseconds) of one GET of ``url``."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} → {response.status_code}")
    times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
    return len(times), round(sum(times), 1), round(max(times, default=0.0), 1)

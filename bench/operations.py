"""The benchmark operations, each measured against a floor taken in the same run on the same data.

Every operation returns a plain dict (it goes into the JSON as is). An operation whose code is not in the
tree yet reports ``status: "not measured: not built yet"`` instead of a figure.
"""

import time
import traceback

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench import measure, targets
from bench.adapters import NotBuilt
from bench.measure import memory_method  # noqa: F401  (re-exported for run.py)
from bench.table import HEADERS, rows, table  # noqa: F401  (re-exported)
from personnel import synthetic
from wards.models import Profile, Ward

NOT_BUILT = "not measured: not built yet"
STAFF_USERNAME = "syn-bench-noivu"
CHAIR_USERNAME = "syn-bench-chair"


def _users():
    """An Interior Office user (sees every ward) and the chair of the first synthetic ward."""
    User = get_user_model()
    first = Ward.objects.filter(slug__startswith=synthetic.SLUG_PREFIX).order_by("code").first()
    staff, _ = User.objects.get_or_create(username=STAFF_USERNAME)
    Profile.objects.update_or_create(user=staff, defaults={"role": "noi_vu", "ward": None})
    chair, _ = User.objects.get_or_create(username=CHAIR_USERNAME)
    Profile.objects.update_or_create(user=chair, defaults={"role": "chu_tich_phuong", "ward": first})
    return (
        User.objects.select_related("profile").get(pk=staff.pk),
        User.objects.select_related("profile").get(pk=chair.pk),
        first,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _result(name, label, **fields) -> dict:
    out = {"operation": name, "label": label, "status": "measured"}
    out.update(fields)
    return out


# --- latency of pages and endpoints -------------------------------------------------------------------------


def paired_latency(
    client, url: str, floor_url: str, n: int, warmup: int = 2
) -> tuple[measure.Latency, measure.Latency]:
    """``n`` GETs of ``url`` and of the trivial ``floor_url``, interleaved, so both see the same load."""
    for _ in range(warmup):  # templates compiled, connections open
        for u in (url, floor_url):
            r = client.get(u)
            if r.status_code != 200:
                raise RuntimeError(f"GET {u} → {r.status_code}")
    page, floor = measure.Latency(), measure.Latency()
    for _ in range(n):
        for u, bucket in ((url, page), (floor_url, floor)):
            t0 = time.perf_counter()
            r = client.get(u)
            bucket.samples_ms.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200:
                raise RuntimeError(f"GET {u} → {r.status_code}")
    page.queries, page.sql_ms, page.slowest_sql_ms = measure.query_profile(client, url)
    floor.queries = measure.query_count(client, floor_url)
    return page, floor


def _latency_op(name, label, url, ctx, target_key, *, requests=None, warmup=2):
    """Median and p95 of ``url`` against the trivial view, interleaved; its query count (all wards here,
    one ward later: see ``counts_at_one_ward``)."""
    with override_settings(ROOT_URLCONF="bench.urls"):
        client = _client(ctx["staff"])
        page, floor = paired_latency(
            client, url, "/__bench__/trivial/", requests or ctx["args"].requests, warmup=warmup
        )
        one_peak = measure.run_once(lambda: client.get(url)).peak_mb
    ratio = page.p95 / floor.p95
    target = targets.TARGETS[target_key]

    def probe():
        with override_settings(ROOT_URLCONF="bench.urls"):
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} → {response.status_code}")

    return _result(
        name,
        label,
        url=url,
        requests=len(page.samples_ms),
        median_ms=round(page.median, 2),
        p95_ms=round(page.p95, 2),
        peak_mb=_mb(one_peak),
        floor={
            "what": "trivial view through the same middleware, interleaved",
            "median_ms": round(floor.median, 2),
            "p95_ms": round(floor.p95, 2),
            "queries": floor.queries,
        },  # fmt: skip
        ratio=round(ratio, 2),
        ratio_of="p95 / trivial p95",
        target=target["text"] if target else "—",
        met=(ratio <= target["ratio"]) if target else None,
        queries={"all_wards": page.queries, "sql_ms": page.sql_ms, "slowest_sql_ms": page.slowest_sql_ms},
        _probe=probe,
    )


def op_list_page(ctx):
    return _latency_op("list_page", "Official list page /can-bo/", "/can-bo/", ctx, "list_page")


def op_api_list(ctx):
    try:
        from django.urls import reverse

        with override_settings(ROOT_URLCONF="bench.urls"):
            url = reverse("api:official-list")
    except Exception as exc:
        raise NotBuilt from exc
    return _latency_op("api_list", "API list /api/v1/officials/", url, ctx, "api_list")


def op_dashboard(ctx):
    from django.urls import resolve

    with override_settings(ROOT_URLCONF="bench.urls"):
        match = resolve("/")
    if getattr(getattr(match.func, "view_class", None), "__name__", "") == "RedirectView":
        raise NotBuilt("the home page still redirects to the ward list")
    return _latency_op(
        "dashboard",
        "D-day dashboard /",
        "/",
        ctx,
        "dashboard",
        requests=ctx["args"].dashboard_requests,
        warmup=1 if ctx["args"].dashboard_requests > 1 else 0,
    )


# --- set-based operations ---------------------------------------------------------------------------------


def _mb(value):
    return None if value is None else round(value, 1)


def _ratio_result(name, label, run, floor, floor_what, target_key, **extra):
    ratio = run.seconds / floor.seconds if floor.seconds else None
    target = targets.TARGETS[target_key]
    met = ratio is not None and ratio <= target["ratio"]
    mem_limit = target.get("peak_mb")
    if mem_limit is not None and run.peak_rss_mb is not None:
        # Judged on the whole process's peak RSS (Django, the data, the workbook): an upper bound.
        extra["memory_target"] = f"process peak RSS < {mem_limit} MB at 250,000 rows"
        extra["memory_met"] = run.peak_rss_mb < mem_limit
    return _result(
        name,
        label,
        seconds=round(run.seconds, 3),
        cpu_seconds=round(run.cpu_seconds, 3),
        peak_mb=_mb(run.peak_mb),
        process_peak_rss_mb=_mb(run.peak_rss_mb),
        floor={
            "what": floor_what,
            "seconds": round(floor.seconds, 3),
            "cpu_seconds": round(floor.cpu_seconds, 3),
            "peak_mb": _mb(floor.peak_mb),
            "process_peak_rss_mb": _mb(floor.peak_rss_mb),
            "queries": floor.queries,
        },  # fmt: skip
        ratio=round(ratio, 2) if ratio else None,
        ratio_of="time / floor time",
        target=target["text"],
        met=met,
        **extra,
    )


def op_check(ctx):
    from bench import adapters

    check = adapters.staffing_check()  # raises NotBuilt
    repeat = ctx["args"].repeat
    run, floor = measure.paired(check.run_all, check.floor, repeat, between=check.forget)
    return _ratio_result(
        "check", "Full staffing check (all wards)", run, floor, check.floor_what, "check",
        findings=check.findings_by_code(), queries={"all_wards": run.queries},
        _probe=check.run_all,
    )  # fmt: skip


def op_export(ctx):
    from bench import adapters

    export = adapters.roster_export(_client(ctx["staff"]))
    repeat = ctx["args"].repeat
    run, floor = measure.paired(export.run_all, export.floor, repeat)
    return _ratio_result(
        "export", "Full roster export (.xlsx)", run, floor, export.floor_what, "export",
        rows=export.rows, bytes=export.size, queries={"all_wards": run.queries}, _probe=export.run_all,
    )  # fmt: skip


def op_import(ctx):
    from bench import adapters

    imp = adapters.roster_import(ctx["args"].import_rows, ctx["staff"])
    try:
        repeat = max(1, min(ctx["args"].repeat, 2))
        run, floor = measure.paired(imp.run, imp.floor, repeat, between=imp.undo)
    finally:
        imp.undo()
    return _ratio_result(
        "import", f"Import {imp.rows:,} roster rows (validate and write)", run, floor, imp.floor_what, "import",
        rows=imp.rows, file="the roster template's columns, saved by a spreadsheet (with <dimension>)",
        parse_seconds=imp.extra_parse, written=imp.extra, queries={"import": run.queries},
    )  # fmt: skip


OPERATIONS = [
    # The export runs first, while the process is small, so its whole-process peak RSS is its own.
    ("export", "Full roster export (.xlsx)", op_export),
    ("check", "Full staffing check (all wards)", op_check),
    ("import", "Import roster rows (validate and write)", op_import),
    ("list_page", "Official list page /can-bo/", op_list_page),
    ("api_list", "API list /api/v1/officials/", op_api_list),
    ("dashboard", "D-day dashboard /", op_dashboard),
]


class _Rollback(Exception):
    pass


def counts_at_one_ward(probes: dict, keep_ward) -> dict:
    """Run each probe once with the data cut down to one ward (all other synthetic rows deleted inside a
    transaction that is then rolled back): the query count of the same request at the size of one ward."""
    out = {}
    try:
        with transaction.atomic():
            synthetic.reset_synthetic(keep_ward=keep_ward)
            for name, probe in probes.items():
                with CaptureQueriesContext(connection) as captured:
                    probe()
                out[name] = len(captured.captured_queries)
            raise _Rollback
    except _Rollback:
        pass
    return out


def run_all(args, *, only=frozenset(), log=print) -> list[dict]:
    staff, chair, first_ward = _users()
    ctx = {"args": args, "staff": staff, "chair": chair, "first_ward": first_ward}
    results = []
    for name, label, fn in OPERATIONS:
        if only and name not in only:
            continue
        log(f"… {name}")
        try:
            result = fn(ctx)
        except NotBuilt as exc:
            result = _result(name, label, status=NOT_BUILT, detail=str(exc) or None)
        except Exception as exc:  # a failing operation must not hide the others' figures
            result = _result(name, label, status=f"failed: {type(exc).__name__}: {exc}",
                             traceback=traceback.format_exc(limit=6))  # fmt: skip
        target = targets.TARGETS.get(name)
        result.setdefault("target", target["text"] if target else "—")
        results.append(result)
    probes = {r["operation"]: r.pop("_probe") for r in results if "_probe" in r}
    if probes:
        log("… query counts at the size of one ward")
        small = counts_at_one_ward(probes, first_ward)
        for r in results:
            if r["operation"] in small:
                q = r["queries"]
                q["one_ward"] = small[r["operation"]]
                q["constant"] = q["one_ward"] == q["all_wards"]
    return results

"""A tiny run of the benchmark (3 wards × 5 officials): every operation is in the table and the JSON with
its ratio. CI runs only this, never the full benchmark; it asserts shape, never speed."""

import io
import json

import pytest

from bench import operations
from bench.run import bench, parse_args

OPERATIONS = [name for name, _label, _fn in operations.OPERATIONS]


@pytest.fixture
def report(db, tmp_path, settings):
    settings.PORTAL_TODAY = __import__("datetime").date(2021, 5, 20)
    out = io.StringIO()
    args = parse_args(["--wards", "3", "--officials-per-ward", "5", "--requests", "3", "--repeat", "1",
                       "--import-rows", "10", "--out", str(tmp_path)])  # fmt: skip
    result = bench(args, stdout=out, command="test")
    return result, out.getvalue(), tmp_path


def test_every_operation_appears_in_the_table_and_the_json(report):
    result, printed, out_dir = report
    saved = json.loads((out_dir / "latest.json").read_text(encoding="utf-8"))
    assert [op["operation"] for op in saved["operations"]] == OPERATIONS
    for name in OPERATIONS:
        assert f"| {name} " in printed


def test_every_measured_operation_has_its_ratio_to_the_floor_and_its_query_counts(report):
    result, printed, out_dir = report
    saved = json.loads((out_dir / "latest.json").read_text(encoding="utf-8"))
    for op in saved["operations"]:
        assert op["status"] == "measured", op
        assert op["ratio"] > 0
        assert op["floor"]
        assert f"{op['ratio']:.2f}×" in printed
        if op["operation"] == "import":
            assert op["written"]["created"] == 10
        else:  # the same request at the size of one ward
            assert op["queries"]["all_wards"] == op["queries"]["one_ward"], op["operation"]


def test_the_report_names_the_machine_the_size_and_the_memory_method(report):
    result, _printed, _out = report
    assert result["size"] == {"wards": 3, "officials_per_ward": 5, "officials": 15}
    assert result["machine"]["cores"] >= 1
    assert result["memory_method"]


def test_every_page_answers_at_the_size_of_the_synthetic_country(db, settings):
    from bench import pages
    from personnel import synthetic

    settings.PORTAL_TODAY = __import__("datetime").date(2021, 5, 20)
    synthetic.generate_synthetic(wards=3, officials_per_ward=5, seed=1)
    out = io.StringIO()
    crawled = pages.crawl(stdout=out)
    assert len(crawled) == len(pages.urls("w", "d", "c")) > 20
    assert [(url, status) for url, status, *_ in crawled if status != 200] == []
    assert all(f"| `{url}` | 200 |" in out.getvalue() for url, *_ in crawled)

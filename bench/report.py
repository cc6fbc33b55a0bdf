"""Print a saved benchmark result as a Markdown table (for BENCHMARKS.md):
``python -m bench.report bench-results/latest.json``."""

import json
import sys


def markdown(report: dict) -> str:
    from bench.table import HEADERS, rows

    lines = [
        f"Run {report['date']} · {report['size']['officials']:,} officials in {report['size']['wards']:,} wards · "
        f"{report['database']['vendor']} {report['database']['version']} · load average before/after "
        f"{report['load_average']['before']} / {report['load_average']['after']}",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join("---" for _ in HEADERS) + "|",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows(report["operations"])]
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    for path in argv:
        with open(path, encoding="utf-8") as f:
            print(markdown(json.load(f)))
            print()


if __name__ == "__main__":
    main()

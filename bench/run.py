"""The national-scale benchmark: ``python -m bench.run --wards 1000 --officials-per-ward 25`` (``make bench``).

Creates the PostgreSQL database named by DATABASE_URL if it is missing, migrates it, writes the synthetic
country (personnel/synthetic.py) unless the same size is already there, then measures every operation of
bench/operations.py against its floor, prints a table and writes JSON to bench-results/.
"""

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ward_portal_bench"


def _env_defaults() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    # As of the demo's day, six weeks before the cutover, so that ages and findings read as in 2021.
    os.environ.setdefault("PORTAL_TODAY", "2021-05-20")


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database of ``url`` if it does not exist. True when it was created."""
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        return False
    params = {k.lower(): v for k, v in config.items() if k in ("USER", "PASSWORD", "HOST", "PORT") and v}
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cur.fetchone():
                return False
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            return True
    finally:
        conn.close()


def machine() -> dict:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration):
        mem_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def git_commit() -> str:
    """The commit measured (with "+changes" when the work tree differs from it)."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True, timeout=10).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, check=True, timeout=10).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return ""
    return head + ("+changes" if dirty else "")


def load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=1000)
    parser.add_argument("--officials-per-ward", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=30, help="GETs per page for latency (default 30).")
    parser.add_argument(
        "--dashboard-requests",
        type=int,
        default=5,
        help="GETs of the dashboard (slow at full size; default 5).",
    )
    parser.add_argument("--import-rows", type=int, default=10000, help="Rows of the import benchmark.")
    parser.add_argument(
        "--repeat", type=int, default=3, help="Runs of each timed operation; the fastest counts."
    )
    parser.add_argument("--out", default="bench-results", help="Folder for the JSON results.")
    parser.add_argument(
        "--regenerate", action="store_true", help="Rewrite the synthetic data even if present."
    )
    parser.add_argument("--only", default="", help="Comma-separated operations to run (default: all).")
    return parser.parse_args(argv)


def main(argv=None, *, stdout=None) -> dict:
    """Create the database if missing, set Django up, migrate, then run the benchmark."""
    args = parse_args(argv)
    _env_defaults()
    created = ensure_database(os.environ["DATABASE_URL"])

    import warnings

    import django

    # whitenoise warns once per client that staticfiles/ was never collected; the bench serves no assets.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    return bench(args, stdout=stdout or sys.stdout, command=command, database_created=created)


def bench(args, *, stdout, command="", database_created=False) -> dict:
    """Write the synthetic data unless the same size is there, measure every operation, print the table
    and write the JSON report. Django must be set up and migrated."""
    from django.db import connection

    from bench import operations
    from personnel import synthetic

    started = dt.datetime.now(dt.UTC)
    load_before = load()
    expected = {"wards": args.wards, "officials": args.wards * args.officials_per_ward}
    generation = None
    if args.regenerate or synthetic.synthetic_counts() != expected:
        if synthetic.synthetic_exists():
            synthetic.reset_synthetic()
        t0 = time.perf_counter()
        counts = synthetic.generate_synthetic(
            wards=args.wards, officials_per_ward=args.officials_per_ward, seed=args.seed
        )
        generation = {"seconds": round(time.perf_counter() - t0, 2), **counts.__dict__}
    print(
        f"Data: {expected['wards']} wards × {args.officials_per_ward} officials"
        + (f" (generated in {generation['seconds']} s)" if generation else " (reused)"),
        file=stdout,
    )
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    results = operations.run_all(args, only=only, log=lambda msg: print(msg, file=stdout, flush=True))
    report = {
        "date": started.isoformat(timespec="seconds"),
        "command": command,
        "commit": git_commit(),
        "database": {
            "vendor": connection.vendor,
            "version": _db_version(connection),
            "created": database_created,
        },
        "machine": machine(),
        "load_average": {"before": load_before, "after": load()},
        "size": {"wards": args.wards, "officials_per_ward": args.officials_per_ward, **expected},
        "generation": generation,
        "memory_method": operations.memory_method(),
        "operations": results,
    }
    print(operations.table(results), file=stdout)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    path = out / f"bench-{expected['officials']}-{stamp}.json"
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
    path.write_text(text, encoding="utf-8")
    (out / "latest.json").write_text(text, encoding="utf-8")
    print(f"Wrote {path}", file=stdout)
    report["path"] = str(path)
    return report


def _db_version(connection) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            return cur.fetchone()[0]
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    return ""


if __name__ == "__main__":
    main()

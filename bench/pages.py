"""Every page and list endpoint at the size of the benchmark's data: ``python -m bench.pages`` (after
``make bench`` has written the data; same DATABASE_URL). One GET each as the Interior Office user who sees
every ward, at the top level and for the first synthetic district; prints time, HTML size and queries as a
Markdown table. No target: it shows which pages grow with the country (BENCHMARKS.md, "Every page")."""

import sys
import time


def urls(ward, district, official_code) -> list[str]:
    d = f"?district={district}"
    return [
        "/", f"/{d}", "/phuong/", f"/phuong/{ward}/", "/can-bo/", "/can-bo/them/", f"/can-bo/{official_code}/",
        "/phat-hien/", f"/phat-hien/{d}", "/tuoi-nghi-huu/", "/ke-hoach/", f"/ke-hoach/{d}", "/ke-hoach/de-xuat/",
        "/ke-hoach/de-xuat/them/", "/ke-hoach/ghep-vi-tri/", f"/ke-hoach/ghep-vi-tri/{d}", "/ke-hoach/so-sanh/",
        f"/ke-hoach/so-sanh/{d}", "/ke-hoach/chuyen-doi/", f"/ke-hoach/chuyen-doi/{d}", f"/ke-hoach/phuong/{ward}/",
        "/bao-cao/", "/api/v1/wards/", "/api/v1/officials/", "/api/v1/findings/", f"/api/v1/findings/{d}",
        "/api/v1/proposals/",
    ]  # fmt: skip


def crawl(stdout=sys.stdout) -> list[tuple]:
    """GET every page of :func:`urls` once (Django set up, the synthetic data written); (url, status, ms,
    KB, queries) each, printed as a Markdown table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.operations import _client, _users
    from personnel.models import Official

    staff, _chair, ward = _users()
    client = _client(staff)
    official = Official.objects.filter(ward=ward).order_by("code").first()
    out = []
    print("| page | status | time | HTML | queries |\n|---|---|---|---|---|", file=stdout)
    for url in urls(ward.slug, ward.district.slug, official.code):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            ms = (time.perf_counter() - started) * 1000
        size = len(response.content) / 1024
        out.append((url, response.status_code, ms, size, len(queries)))
        print(
            f"| `{url}` | {response.status_code} | {ms:,.0f} ms | {size:,.0f} KB | {len(queries)} |",
            file=stdout,
        )
    return out


def main() -> None:
    from bench.run import _env_defaults

    _env_defaults()
    import django

    django.setup()
    crawl()


if __name__ == "__main__":
    main()

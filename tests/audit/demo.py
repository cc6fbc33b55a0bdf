"""The audit's world: the Đống Đa demo district with the demo plan, loaded once per test class, and a small
link crawler that follows every same-site link of the pages a user can reach."""

import datetime as dt
import io
import json
import re
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings
from django.urls import Resolver404, resolve

from personnel.demo import load_demo
from personnel.models import Official
from staffing.demo_plan import seed_demo_plan
from wards.models import Ward

PASSWORD = "audit-pass-2021"
DAY = dt.date(2021, 5, 20)
OFFICIAL_CODE = re.compile(r"\bDD\d{4}\b")


@override_settings(PORTAL_TODAY=DAY, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoDistrictTestCase(TestCase):
    """The demo district (21 wards, ~500 officials) with its draft plan, created once for the class."""

    seed_plan = True  # the demo's few draft proposals

    @classmethod
    def setUpTestData(cls):
        load_demo(password=PASSWORD)
        if cls.seed_plan:
            seed_demo_plan()
        cls.users = {u.username: u for u in get_user_model().objects.select_related("profile")}
        cls.wards = {w.slug: w for w in Ward.objects.order_by("code")}
        cls.index_roster()

    @classmethod
    def index_roster(cls):
        """Each ward's official codes and names (an official belongs to the ward of their record)."""
        cls.codes_by_ward = defaultdict(set)
        cls.names_by_ward = defaultdict(set)
        for code, name, slug in Official.objects.values_list("code", "full_name", "ward__slug"):
            cls.codes_by_ward[slug].add(code)
            cls.names_by_ward[slug].add(name)

    def client_for(self, username):
        """The test client signed in as ``username``; a server error is a 500 answer, not an exception, so
        that a sweep reports every failing URL at once."""
        self.client.force_login(self.users[username])
        self.client.raise_request_exception = False
        return self.client


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def json_links(data) -> list[str]:
    """The same-site URLs in an API answer (hyperlinks, "next"/"previous" pages)."""
    if isinstance(data, dict):
        return [u for v in data.values() for u in json_links(v)]
    if isinstance(data, list):
        return [u for v in data for u in json_links(v)]
    if isinstance(data, str) and data.startswith("http://testserver/"):
        return [data]
    return []


def normalise(href: str, base: str) -> str | None:
    """The same-site path+query of ``href`` seen on page ``base``, or None when it leaves the site."""
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc != "testserver":
        return None
    path = parts.path
    if not path:
        path = urlsplit(base).path
    elif not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return path + ("?" + query if query else "")


def shape(url: str) -> tuple[str, str]:
    """What kind of page ``url`` is: its URL name, and whether a query string varies it ("" when not,
    "export" for its Excel export)."""
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path
    return (name, "export" if "export=" in parts.query else "query" if parts.query else "")


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def crawl(client, *, limit: int, skip, xlsx_limit: int, per_query_kind: int, on_page=None, starts=("/",)):
    """Breadth-first over same-site links from "/", taking the least-visited kind of page next so that a
    bounded crawl still reaches every kind. Every distinct path is visited (up to ``limit`` pages), but
    only ``per_query_kind`` query strings of each view: filter links combine into thousands of variants
    of a few pages. Returns {url: status}, {url: linking page}, export URLs."""
    queues: dict[tuple, deque] = defaultdict(deque)
    visits: dict[tuple, int] = defaultdict(int)
    seen = set(starts)
    for start in starts:
        queues[shape(start)].append((start, "(start)"))
    statuses, referers, exports = {}, {}, []
    queued: dict[tuple, int] = defaultdict(int)
    while len(statuses) < limit:
        pending = [k for k, q in queues.items() if q]
        if not pending:
            break
        kind = min(pending, key=lambda k: (visits[k], k))
        url, referer = queues[kind].popleft()
        visits[kind] += 1
        response = client.get(url)
        body = body_of(response)
        statuses[url], referers[url] = response.status_code, referer
        if on_page:
            on_page(url, response, body)
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            found = [response["Location"]]
        elif "html" in response.get("Content-Type", ""):
            found = links_of(body.decode())
        elif "json" in response.get("Content-Type", "") and response.status_code == 200:
            found = json_links(json.loads(body))
        else:
            found = []
        for href in found:
            target = normalise(href, url)
            if target is None or target in seen or skip(target):
                continue
            seen.add(target)
            target_kind = shape(target)
            if target_kind[1]:
                queued[target_kind] += 1
                if queued[target_kind] > per_query_kind:
                    continue
            if "export=xlsx" in target:
                exports.append(target)
                if len(exports) > xlsx_limit:
                    continue
            queues[target_kind].append((target, url))
    return statuses, referers, exports


def xlsx_text(body: bytes) -> list[str]:
    """Every cell value of every sheet of a workbook, as text."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    out = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            out.extend(str(v) for v in row if v is not None)
    return out

"""Crawl the demo district as each role, following every same-site link from the home page: no page fails,
and a ward chair meets nothing of another ward — not in a page, an Excel export or the API."""

import json
import re
from html.parser import HTMLParser

from django.test import Client

from personnel.models import Official, PostHolding
from personnel.services import relation_create
from staffing.models import Proposal
from tests.audit.demo import DAY, OFFICIAL_CODE, DemoDistrictTestCase, body_of, crawl, xlsx_text
from wards.models import Position

STAFF_PAGES = 130
ADMIN_PAGES = 120  # the portal's pages, and the Django admin's
EXPORTED_LISTS = ["/phuong/", "/can-bo/", "/phat-hien/", "/ke-hoach/de-xuat/"]
# The API answers JSON: its lists are crawled from their first page (links: "next", hyperlinks).
STARTS = ("/", "/api/v1/", "/api/v1/schema/", *(f"/api/v1/{r}/" for r in (
    "wards", "positions", "officials", "holdings", "relations", "findings", "proposals", "reviews", "parameters"
)))  # fmt: skip
API_LISTS = ["wards", "officials", "holdings", "relations", "findings", "proposals", "reviews"]


def skip_always(url: str) -> bool:
    return url.startswith(("/dang-xuat/", "/static/"))


class _Text(HTMLParser):
    """Text nodes of a page, each stripped, with the tag that holds it."""

    def __init__(self):
        super().__init__()
        self.stack, self.nodes = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img", "input", "meta", "link", "hr", "col", "wbr"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        text = " ".join(data.split())
        if text:
            self.nodes.append((self.stack[-1] if self.stack else "", text))


def text_nodes(html: str) -> list[tuple[str, str]]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


class LeakDetector:
    """What of other wards a text shows a chair of ``own``: official codes, official names, ward codes,
    ward slugs in links, and ward names standing alone in a cell, option or link."""

    def __init__(self, case, own):
        self.own = own
        others = [slug for slug in case.wards if slug != own]
        self.own_codes = case.codes_by_ward[own]
        other_names = sorted((n for s in others for n in case.names_by_ward[s]), key=len, reverse=True)
        self.names = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, other_names)) + r")(?!\w)")
        self.ward_codes = re.compile(r"(?<!\d)(" + "|".join(case.wards[s].code for s in others) + r")(?!\d)")
        self.slugs = re.compile(
            r"(/phuong/|ward=|phuong=)(" + "|".join(map(re.escape, others)) + r")(?![\w-])"
        )
        # The ward a proposal of the chair's own ward sends someone to is named on that proposal (its
        # "phường bố trí" column): the chair reviews the move. Its people stay hidden.
        targets = set(
            Proposal.objects.filter(ward__slug=own, target_ward__isnull=False).values_list(
                "target_ward__slug", flat=True
            )
        )
        named = [s for s in others if s not in targets]
        self.ward_names = {case.wards[s].name.casefold(): s for s in named}
        self.ward_names.update({f"phường {case.wards[s].name}".casefold(): s for s in named})

    def in_text(self, text: str) -> list[str]:
        hits = [f"code {c}" for c in set(OFFICIAL_CODE.findall(text)) - self.own_codes]
        hits += [f"name {n}" for n in set(self.names.findall(text))]
        hits += [f"ward code {c}" for c in set(self.ward_codes.findall(text))]
        hits += [f"slug {p}{s}" for p, s in set(self.slugs.findall(text))]
        return hits

    def in_html(self, html: str) -> list[str]:
        hits = self.in_text(html)
        hits += [
            f"ward name <{tag}>{text}" for tag, text in text_nodes(html) if text.casefold() in self.ward_names
        ]
        return hits

    def in_response(self, response, body: bytes) -> list[str]:
        """What of other wards a crawled response shows, read as its content type says (sheet, page, text)."""
        ctype = response.get("Content-Type", "")
        if "spreadsheetml" in ctype:
            return self.in_cells(xlsx_text(body))
        if "html" in ctype:
            return self.in_html(body.decode())
        return self.in_text(body.decode(errors="replace"))

    def in_cells(self, cells: list[str]) -> list[str]:
        hits = self.in_text("\n".join(cells))
        hits += [f"ward name cell {c}" for c in cells if c.strip().casefold() in self.ward_names]
        return hits


class CrawlTests(DemoDistrictTestCase):
    """One crawl per role; the chair's crawl also reads every page, file and API list for other wards."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Across the two crawled wards: a family tie (the demo has none across wards) and the demo plan's
        # appointment of Kim Liên's Vice-Chair as Chair of Hàng Bột.
        hang_bot = Official.objects.filter(ward__slug="hang-bot").order_by("code")[3]
        kim_lien = Official.objects.filter(ward__slug="kim-lien").order_by("code")[5]
        relation_create(actor=cls.users["noivu"], official=hang_bot, relative=kim_lien, kind="sibling")

    def crawl_as(self, username, *, limit, per_query_kind, xlsx_limit, check=None, starts=("/",)):
        client = self.client_for(username)
        statuses, referers, exports = crawl(
            client, limit=limit, skip=skip_always, xlsx_limit=xlsx_limit, per_query_kind=per_query_kind,
            on_page=check, starts=starts,
        )  # fmt: skip
        failing = {u: (s, referers[u]) for u, s in statuses.items() if s >= 500}
        self.assertEqual(failing, {}, "pages answering 5xx (url: status, linked from)")
        broken = {u: (s, referers[u]) for u, s in statuses.items() if 400 <= s < 500}
        self.assertEqual(broken, {}, "links answering 4xx (url: status, linked from)")
        return statuses, exports

    def test_interior_office_follows_every_link_without_a_server_error(self):
        statuses, _ = self.crawl_as("noivu", limit=STAFF_PAGES, per_query_kind=6, xlsx_limit=4, starts=STARTS)
        self.assertEqual(len(statuses), STAFF_PAGES)

    def test_administrator_follows_every_link_without_a_server_error(self):
        # The Django admin (/quan-tri/) is linked from no page: the crawl starts there too.
        statuses, _ = self.crawl_as(
            "admin", limit=ADMIN_PAGES, per_query_kind=6, xlsx_limit=4, starts=(*STARTS, "/quan-tri/")
        )
        self.assertEqual(len(statuses), ADMIN_PAGES)
        self.assertTrue(any(u.startswith("/quan-tri/") for u in statuses))

    def test_the_leak_detector_sees_other_wards_on_the_interior_offices_pages(self):
        # The detector itself: what the Interior Office sees of the whole district, it flags for a chair.
        detector = LeakDetector(self, "hang-bot")
        client = self.client_for("noivu")
        listing = client.get("/can-bo/?ward=kim-lien").content.decode()
        self.assertTrue(any(h.startswith("code DD") for h in detector.in_html(listing)))
        self.assertTrue(any(h.startswith("name ") for h in detector.in_html(listing)))
        self.assertTrue(any(h.startswith("ward name") for h in detector.in_html(listing)))
        wards = body_of(client.get("/phuong/?export=xlsx"))
        self.assertTrue(any(h.startswith("ward name cell") for h in detector.in_cells(xlsx_text(wards))))
        api = client.get("/api/v1/officials/?ward=kim-lien").content.decode()
        self.assertTrue(any(h.startswith("code DD") for h in detector.in_text(api)))

    def test_ward_chair_meets_no_other_ward_by_any_link_export_or_api_list(self):
        # Hàng Bột receives a Chair from Kim Liên in the demo plan; Kim Liên sends one: both directions.
        for own in ("hang-bot", "kim-lien"):
            with self.subTest(ward=own):
                self.check_chair(own)

    def check_chair(self, own):
        detector = LeakDetector(self, own)
        leaks = {}

        def check(url, response, body):
            hits = detector.in_response(response, body)
            if hits:
                leaks[url] = sorted(hits)

        statuses, exports = self.crawl_as(
            f"chutich-{own}", limit=1000, per_query_kind=25, xlsx_limit=1000, check=check
        )
        # Every official of the ward has a page the chair reached; each list's export was read.
        reached = {u for u in statuses if u.startswith("/can-bo/DD")}
        self.assertEqual(reached, {f"/can-bo/{c}/" for c in self.codes_by_ward[own]})
        for path in EXPORTED_LISTS:
            url = f"{path}?export=xlsx"
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            check(url, response, body_of(response))
        self.assertEqual(
            {u.split("?")[0] for u in exports} >= set(EXPORTED_LISTS), True, "an export link of each list"
        )
        # The API's lists, every page, with the chair's session.
        for resource in API_LISTS:
            url = f"/api/v1/{resource}/?page_size=100"
            while url:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200, url)
                check(url, response, response.content)
                data = json.loads(response.content)
                url = data.get("next") if isinstance(data, dict) else None
        self.assertEqual(leaks, {}, "another ward shown to the chair")
        self.check_other_wards_answer_404(own)

    def test_every_wards_chair_meets_no_other_ward_on_the_pages_that_gather_wards(self):
        # The two crawls above go deep into two wards; this goes wide, over all 21, on the pages and
        # lists where rows of several wards meet (the demo's special cases sit in different wards).
        wrong = {}
        for own in self.wards:
            detector = LeakDetector(self, own)
            client = self.client_for(f"chutich-{own}")
            for url in ("/", "/phat-hien/", "/ke-hoach/de-xuat/", "/ke-hoach/so-sanh/", f"/ke-hoach/phuong/{own}/",
                        f"/phuong/{own}/", "/api/v1/findings/?page_size=200"):  # fmt: skip
                response = client.get(url)
                text = response.content.decode()
                hits = detector.in_text(text) if url.startswith("/api/") else detector.in_html(text)
                if response.status_code != 200 or hits:
                    wrong[f"{own} {url}"] = (response.status_code, hits[:5])
        self.assertEqual(wrong, {})

    def test_the_browsable_api_in_a_browser_shows_a_chair_nothing_of_other_wards(self):
        # A browser asks for HTML: DRF then renders its pages with filter and write forms, whose menus list
        # related rows. Links to POST-only actions answer 405 and the calculator without parameters 400.
        own = "kim-lien"
        detector, leaks = LeakDetector(self, own), {}
        client = Client(
            HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8", raise_request_exception=False
        )
        client.force_login(self.users[f"chutich-{own}"])

        def check(url, response, body):
            if "html" in response.get("Content-Type", "") and (hits := detector.in_html(body.decode())):
                leaks[url] = hits

        proposal = Proposal.objects.filter(ward__slug=own).order_by("pk").first()
        starts = [*(u for u in STARTS if u.startswith("/api/v1/") and "schema" not in u),
                  f"/api/v1/proposals/{proposal.pk}/", f"/api/v1/wards/{own}/", f"/api/v1/officials/{min(self.codes_by_ward[own])}/"]  # fmt: skip
        statuses, referers, _ = crawl(client, limit=150, skip=lambda u: not u.startswith("/api/"), xlsx_limit=0,
                                      per_query_kind=4, on_page=check, starts=starts)  # fmt: skip
        failing = {u: s for u, s in statuses.items() if s >= 500 or (s >= 400 and s not in (400, 405))}
        self.assertEqual(failing, {})
        self.assertEqual(leaks, {})

    def check_other_wards_answer_404(self, own):
        proposals = dict(Proposal.objects.values_list("ward__slug", "pk"))
        wrong = {}
        for slug in self.wards:
            if slug == own:
                continue
            code = min(self.codes_by_ward[slug])
            urls = [f"/phuong/{slug}/", f"/can-bo/{code}/", f"/ke-hoach/phuong/{slug}/",
                    f"/api/v1/wards/{slug}/", f"/api/v1/officials/{code}/"]  # fmt: skip
            if slug in proposals:
                urls += [f"/ke-hoach/de-xuat/{proposals[slug]}/", f"/api/v1/proposals/{proposals[slug]}/"]
            for url in urls:
                status = self.client.get(url).status_code
                if status != 404:
                    wrong[url] = status
        self.assertEqual(wrong, {}, "another ward's page not answering 404 to the chair")
        # District-wide pages and files are the Interior Office's: refused, not filtered.
        staff_only = ["/bao-cao/", "/bao-cao/danh-sach-can-bo.xlsx", "/bao-cao/ket-qua-ra-soat.xlsx",
                      "/bao-cao/du-kien-sap-xep.xlsx", "/bao-cao/bien-che.xlsx", "/ke-hoach/ghep-vi-tri/",
                      "/ke-hoach/chuyen-doi/", "/can-bo/them/", "/can-bo/nhap-excel/", "/can-bo/nhap-excel/mau/",
                      "/ke-hoach/de-xuat/them/", "/tai-khoan/ma-truy-cap/"]  # fmt: skip
        answers = {url: self.client.get(url).status_code for url in staff_only}
        self.assertEqual({u: s for u, s in answers.items() if s != 403}, {}, "district pages not refused")

    def test_a_chair_sees_the_official_of_another_ward_who_holds_a_post_in_their_ward(self):
        """An official of Kim Liên holding a concurrent post in Hàng Bột works in Hàng Bột too: Hàng Bột's
        chair finds them on the ward page and may open their page (the link does not answer 404)."""
        visitor = Official.objects.filter(ward__slug="kim-lien").order_by("code")[7]
        PostHolding.objects.create(
            official=visitor, ward=self.wards["hang-bot"], position=Position.objects.get(code="VH_XH"),
            start_date=DAY.replace(year=2020), is_primary=False,
        )  # fmt: skip
        client = self.client_for("chutich-hang-bot")
        page = client.get("/phuong/hang-bot/").content.decode()
        self.assertIn(visitor.code, page)
        self.assertEqual(client.get(f"/can-bo/{visitor.code}/").status_code, 200)
        self.assertIn(visitor.code, client.get("/can-bo/?q=" + visitor.code).content.decode())

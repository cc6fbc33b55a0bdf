"""Garbage in the query string of every filtered page, export and API list: a 2xx page showing a form
error, or a 4xx — never a 5xx, and never another ward's rows for a ward chair."""

import io
import re
from urllib.parse import urlencode

from django.core.management import CommandError, call_command

from tests.audit.demo import OFFICIAL_CODE, DemoDistrictTestCase, body_of, xlsx_text

LONG = "Nguyễn" * 2000
NUL = "ab\x00cd"
NUMBERS = ["abc", "-1", "-5", "0", "1e400", "NaN", "Infinity", "99999999999999999999", "12.5", "", " ", LONG]
TEXTS = [LONG, NUL, "%", "_", "' OR 1=1 --", "<script>alert(1)</script>", "\u202e", "đ" * 300]
PAGES = ["-1", "0", "abc", "99999", "1e3", LONG, NUL, "99999999999999999999"]
DATES = ["31/02/2021", "29/02/2021", "00/00/0000", "2021-02-31", "1/13/1980", "abc", "9999", "0000",
         "1/1/10000", "31/12/2099", "-1", LONG, NUL]  # fmt: skip
ERROR_MARK = re.compile(r'class="[^"]*\b(error|errorlist|has-error)\b')

# Per page: the parameters it filters by and the garbage each gets (a parameter it does not know is sent
# as well: it must simply be ignored).
OFFICIAL_PARAMS = {
    "q": TEXTS, "ward": ["no-such-ward", NUL, LONG], "position": ["NOPE", NUL, "1"],
    "kind": ["zzz", "0"], "sex": ["X", "male", NUL], "education": ["99", "abc", "-1", "1.5"],
    "education_below": ["99", "abc"], "political_theory": ["-1", "abc", "7"],
    "age_min": NUMBERS, "age_max": NUMBERS, "page": PAGES,
}  # fmt: skip
FINDING_PARAMS = {
    "code": ["BOGUS", NUL, LONG], "severity": ["fatal", ""], "level": ["galaxy"], "ward": ["no-such-ward"],
    "position": ["NOPE"], "official": ["x" * 100, NUL, "DD9999"], "page": PAGES, "as_of": DATES,
}  # fmt: skip
PROPOSAL_PARAMS = {
    "q": TEXTS, "ward": ["no-such-ward", NUL], "outcome": ["explode", NUL], "status": ["limbo"],
    "verdict": ["maybe", "none "], "page": PAGES,
}  # fmt: skip
LISTS = {"/can-bo/": OFFICIAL_PARAMS, "/phat-hien/": FINDING_PARAMS, "/ke-hoach/de-xuat/": PROPOSAL_PARAMS}
PLAIN_PAGES = ["/", "/phuong/", "/ke-hoach/", "/ke-hoach/so-sanh/", "/ke-hoach/ghep-vi-tri/",
               "/ke-hoach/chuyen-doi/", "/bao-cao/", "/bao-cao/bien-che.xlsx"]  # fmt: skip
PLAIN_PARAMS = [  # pages that take no parameters ignore these
    {"as_of": "31/02/2021", "page": "-1", "ward": "no-such-ward", "export": "pdf"},
    {"as_of": NUL, "page": LONG, "export": NUL, "ward": NUL},
]
API_LISTS = ["wards", "positions", "officials", "holdings", "relations", "findings", "proposals", "reviews",
             "parameters"]  # fmt: skip
API_PARAMS = {
    "page": PAGES, "page_size": NUMBERS, "ordering": ["bogus", "-password", "official__password", NUL, ","],
    "ward": ["no-such-ward", NUL], "official": ["DD9999", NUL, LONG], "position": ["NOPE", NUL],
    "code": ["BOGUS"], "severity": ["fatal"], "age_min": NUMBERS[:6], "sex": ["X"], "outcome": ["explode"],
    "q": TEXTS[:3], "is_open": ["maybe"], "kind": ["cousin"], "verdict": ["maybe"], "as_of": DATES[:3],
}  # fmt: skip
RETIREMENT = [{"sex": s, "born": b} for s in ("M", "F", "X", "", NUL) for b in DATES + ["1961", "1961-10-01"]]


class GarbageQueryTests(DemoDistrictTestCase):
    def sweep(self, username, cases, *, must_flag=True):
        """GET each (path, params); collect what answers 5xx, and (when ``must_flag``) what answers 2xx
        without a visible error although a parameter was bad."""
        client = self.client_for(username)
        failures = {}
        for path, params in cases:
            url = f"{path}?{urlencode(params)}"
            response = client.get(url)
            body = body_of(response)
            if response.status_code >= 500:
                failures[url[:160]] = response.status_code
            elif (
                must_flag
                and response.status_code == 200
                and "html" in response.get("Content-Type", "")
                and not ERROR_MARK.search(body.decode())
            ):
                failures[url[:160]] = "200 without a visible error"
        return failures

    def test_filtered_pages_answer_garbage_with_a_form_error_or_a_4xx(self):
        self.assertEqual(
            self.sweep("noivu", [(p, {}) for p in LISTS]),
            {p[:160] + "?": "200 without a visible error" for p in LISTS},
            "no error mark without an error",
        )
        cases = [(path, {name: value}) for path, params in LISTS.items() for name, values in params.items()
                 for value in values if name not in ("page", "as_of")]  # fmt: skip
        valid = {  # values a filter accepts although they look odd: they simply filter
            ("q",),
            ("age_min", "0"),
            ("age_max", "0"),
            ("age_min", "12.5"),
            ("age_max", "12.5"),
            ("age_min", ""),
            ("age_max", ""),
            ("age_min", " "),
            ("age_max", " "),
            ("severity", ""),
            ("official", "DD9999"),
        }
        flagged = [c for c in cases if (list(c[1])[0],) not in valid and tuple(c[1].items())[0] not in valid]
        self.assertEqual(self.sweep("noivu", flagged), {})
        self.assertEqual(self.sweep("noivu", cases, must_flag=False), {})

    def test_pagination_and_unknown_parameters_never_fail(self):
        cases = [(path, {name: value}) for path, params in LISTS.items() for name in ("page", "as_of")
                 for value in params.get(name, PAGES)]  # fmt: skip
        cases += [(path, params) for path in PLAIN_PAGES for params in PLAIN_PARAMS]
        cases += [(f"{path}", {"export": "xlsx", **{n: v[0]}}) for path, params in LISTS.items()
                  for n, v in params.items()]  # fmt: skip
        self.assertEqual(self.sweep("noivu", cases, must_flag=False), {})

    def test_retirement_page_and_endpoint_refuse_impossible_dates_with_an_error(self):
        good = [c for c in RETIREMENT if c["sex"] in ("M", "F") and c["born"] in ("1961", "1961-10-01")]
        bad = [c for c in RETIREMENT if c not in good]
        self.assertEqual(self.sweep("chutich-hang-bot", [("/tuoi-nghi-huu/", c) for c in bad]), {})
        client = self.client_for("chutich-hang-bot")
        wrong = {}
        for params in bad:
            status = client.get("/api/v1/retirement/", params).status_code
            if status != 400:
                wrong[repr(params)[:120]] = status
        for params in good:
            status = client.get("/api/v1/retirement/", params).status_code
            if status != 200:
                wrong[repr(params)[:120]] = status
        self.assertEqual(wrong, {})

    def test_api_lists_answer_garbage_with_a_4xx_or_ignore_it(self):
        cases = [(f"/api/v1/{name}/", {p: v}) for name in API_LISTS for p, values in API_PARAMS.items()
                 for v in values]  # fmt: skip
        self.assertEqual(self.sweep("noivu", cases, must_flag=False), {})

    def test_bad_ids_in_paths_answer_404_not_500(self):
        client = self.client_for("noivu")
        paths = ["/can-bo/%00/", "/can-bo/DD%00/sua/", "/can-bo/" + "x" * 3000 + "/", "/phuong/%00/",
                 "/ke-hoach/de-xuat/99999999999999999999/", "/ke-hoach/de-xuat/0/",
                 "/can-bo/chuc-danh/99999999999999999999/ket-thuc/", "/ke-hoach/phuong/khong-co/",
                 "/api/v1/officials/%00/", "/api/v1/officials/" + "x" * 3000 + "/", "/api/v1/wards/%00/",
                 "/api/v1/proposals/99999999999999999999/", "/api/v1/holdings/abc/",
                 "/api/v1/holdings/99999999999999999999/", "/api/v1/reviews/-1/", "/api/v1/parameters/%00/",
                 "/api/v1/positions/%00/", "/ke-hoach/de-xuat/them/?official=%00",
                 "/ke-hoach/de-xuat/them/?official=DD9999", "/can-bo/DD%00/nguoi-than/them/",
                 "/can-bo/DD%00/chuc-danh/them/"]  # fmt: skip
        wrong = {}
        for path in paths:
            status = client.get(path).status_code
            if status != 404:
                wrong[path[:100]] = status
        self.assertEqual(wrong, {})

    def test_a_chair_naming_another_ward_gets_an_error_and_none_of_its_rows(self):
        own = "hang-bot"
        others = {c for slug, codes in self.codes_by_ward.items() if slug != own for c in codes}
        client = self.client_for(f"chutich-{own}")
        leaks, unflagged = {}, []
        foreign = "DD0410"  # Kim Liên's Vice-Chair
        shown = re.compile(rf'>\s*{foreign}\s*<|/can-bo/{foreign}/|"{foreign}"')
        for path in ["/can-bo/", "/phat-hien/", "/ke-hoach/de-xuat/", "/api/v1/officials/",
                     "/api/v1/holdings/", "/api/v1/findings/", "/api/v1/proposals/", "/api/v1/relations/"]:  # fmt: skip
            for params in ({"ward": "kim-lien"}, {"ward": "kim-lien", "export": "xlsx"},
                           {"official": foreign}, {"q": foreign}):  # fmt: skip
                response = client.get(path, params)
                body = body_of(response)
                if response.status_code >= 500:
                    leaks[f"{path} {params}"] = response.status_code
                    continue
                text = (
                    "\n".join(f">{cell}<" for cell in xlsx_text(body))
                    if "spreadsheetml" in response.get("Content-Type", "")
                    else body.decode().replace(f'value="{foreign}"', "")  # the search box echoes it
                )
                if set(OFFICIAL_CODE.findall(text)) & (others - {foreign}) or shown.search(text):
                    leaks[f"{path} {params}"] = "another ward's official"
                if (
                    "ward" in params
                    and "export" not in params
                    and response.status_code == 200
                    and "html" in response.get("Content-Type", "")
                    and not ERROR_MARK.search(text)
                ):
                    unflagged.append(f"{path} {params}")
        self.assertEqual(leaks, {})
        self.assertEqual(unflagged, [])

    def test_check_staffing_refuses_a_bad_date_or_ward_with_a_message(self):
        for args in (["--as-of", "31/02/2021"], ["--as-of", "2021-02-31"], ["--as-of", "abc"],
                     ["--ward", "no-such-ward"], ["--format", "xml"]):  # fmt: skip
            with self.subTest(args=args), self.assertRaises((CommandError, SystemExit)):
                call_command("check_staffing", *args, stdout=io.StringIO(), stderr=io.StringIO())

"""Every form page and write endpoint fed empty bodies, missing CSRF tokens and wrong types: never a 5xx,
and a refused write leaves every table (and the change history) exactly as it was."""

import io
import json
import tempfile
import zipfile

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Sum
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

from personnel.import_views import upload_dir
from personnel.models import Education, FamilyRelation, Official, PostHolding
from staffing.models import CutoverRun, Parameter, PositionRule, Proposal, ProposalStatus, Review, SignOff
from tests.audit.demo import DemoDistrictTestCase, body_of
from wards.models import Position

LONG = "Nguyễn" * 2000
NUL = "ab\x00cd"
BAD_DATES = ["31/02/2021", "29/02/2021", "abc", "00/00/0000", "1/13/1980", "32/01/1990", "01/01/10000",
             "2021-02-31", "-1", LONG, NUL, "²"]  # fmt: skip
BAD_NUMBERS = ["abc", "-1", "1.5", "1e400", "NaN", "²", "٣", "99999999999999999999", NUL, LONG]
MODELS = [Official, PostHolding, FamilyRelation, Proposal, Review, SignOff, CutoverRun, Parameter, Token]


def snapshot(*watched):
    """How many rows each table a form can write holds (and its change history), the versions, and every
    column of the ``watched`` rows: a refused write leaves all of it as it was."""
    state = {}
    for model in MODELS:
        state[model.__name__] = model.objects.aggregate(n=Count("pk"), top=Max("pk"))
        history = getattr(model, "history", None)
        if history is not None:
            state[f"{model.__name__} history"] = history.count()
    state["versions"] = (
        Official.objects.aggregate(v=Sum("version")),
        Proposal.objects.aggregate(v=Sum("version")),
    )
    for row in watched:
        state[repr(row)] = list(type(row).objects.filter(pk=row.pk).values_list())
    state["users"] = list(get_user_model().objects.order_by("pk").values_list("pk", "password", "is_active"))
    state["uploads"] = sorted(p.name for p in upload_dir().glob("*.xlsx"))
    return state


def xlsx_named(content: bytes, name="danh-sach.xlsx", ctype="application/vnd.ms-excel"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=ctype)


def zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@override_settings(ROSTER_IMPORT_DIR=tempfile.mkdtemp(prefix="audit-imports-"))
class PostFuzzTests(DemoDistrictTestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        holding = (
            PostHolding.objects.filter(ward__slug="kim-lien", position__code="VP_TK", end_date__isnull=True)
            .select_related("official")
            .order_by("official__code")
            .first()
        )
        cls.holding, cls.official = holding, holding.official
        cls.proposal = Proposal.objects.filter(ward__slug="kim-lien").order_by("pk").first()
        cls.relation = FamilyRelation.objects.order_by("pk").first()
        cls.other = (
            Official.objects.filter(ward__slug="kim-lien").exclude(pk=cls.official.pk).order_by("code")[0]
        )
        cls.position = Position.objects.get(code="VP_TK")

    def snapshot(self):
        return snapshot(self.official, self.holding, self.proposal, self.relation, self.other)

    # --- the valid bodies each case breaks one field of -------------------------------------------------

    def official_body(self, **changes):
        body = {"code": "AUDIT-1", "full_name": "Kiểm Tra Viên", "sex": "M", "birth": "15/03/1985",
                "ward": "kim-lien", "education": str(Education.DAI_HOC), "major": "Luật",
                "political_theory": "0", "it_certificate": "on", "recruitment_date": "01/06/2010",
                "party_date": "", "notes": ""}  # fmt: skip
        body.update(changes)
        return body

    def holding_body(self, **changes):
        body = {"ward": str(self.official.ward_id), "position": str(Position.objects.get(code="TP_HT").pk),
                "start_date": "01/05/2021", "end_date": "", "decision_number": "12/QĐ"}  # fmt: skip
        body.update(changes)
        return body

    def proposal_body(self, **changes):
        body = {"official_code": self.other.code, "outcome": "retire", "target_ward": "",
                "target_position": "", "holding": "", "policy_basis": "", "decision_number": "",
                "decision_date": "", "note": ""}  # fmt: skip
        body.update(changes)
        return body

    def cases(self):
        """(who, url, body, may_write): each body but the valid ones is wrong in one field."""
        o, h, p = self.official, self.holding, self.proposal
        out = []

        def bad(who, url, make, field, values):
            out.extend((who, url, make(**{field: v}), False) for v in values)

        for url in ("/can-bo/them/", f"/can-bo/{o.code}/sua/"):
            make = self.official_body if url.endswith("them/") else (
                lambda **c: self.official_body(**{"code": o.code, "version": "1", **c}))  # fmt: skip
            bad("noivu", url, make, "code", ["", "A/B", "a b", NUL, "x" * 21, self.other.code])
            bad("noivu", url, make, "full_name", ["", LONG, NUL])
            bad("noivu", url, make, "sex", ["", "X", NUL])
            bad("noivu", url, make, "birth", BAD_DATES + ["", "2099", "01/01/2030"])
            bad("noivu", url, make, "ward", ["", "no-such-ward", NUL, "1"])
            bad("noivu", url, make, "education", BAD_NUMBERS[1::2] + ["99", ""])
            bad("noivu", url, make, "political_theory", BAD_NUMBERS[::2] + ["9"])
            bad("noivu", url, make, "recruitment_date", BAD_DATES[:6])
            bad("noivu", url, make, "party_date", BAD_DATES[4:9])
            bad("noivu", url, make, "notes", [NUL])
        url = f"/can-bo/{o.code}/chuc-danh/them/"
        for field, values in {"ward": ["", "abc", "99999999999999999999", NUL],
                              "position": ["", "abc", "-1", "99999999999999999999"],
                              "start_date": BAD_DATES + [""], "end_date": BAD_DATES + ["01/01/2020"],
                              "decision_number": ["x" * 61, NUL]}.items():  # fmt: skip
            bad("noivu", url, self.holding_body, field, values)
        url = f"/can-bo/chuc-danh/{h.pk}/ket-thuc/"
        bad("noivu", url, lambda **c: {"end_date": "31/05/2021", "decision_number": "", **c}, "end_date",
            BAD_DATES + ["", "01/01/1990"])  # fmt: skip
        bad("noivu", url, lambda **c: {"end_date": "31/05/2021", **c}, "decision_number", ["x" * 61, NUL])
        url = f"/can-bo/{o.code}/nguoi-than/them/"
        bad("noivu", url, lambda **c: {"relative": self.other.code, "kind": "spouse", **c}, "relative",
            ["", o.code, "DD9999", NUL, LONG, "DD 0001"])  # fmt: skip
        bad("noivu", url, lambda **c: {"relative": self.other.code, "kind": "spouse", **c}, "kind",
            ["", "cousin", NUL])  # fmt: skip
        for url in ("/ke-hoach/de-xuat/them/", f"/ke-hoach/de-xuat/{p.pk}/sua/"):
            make = self.proposal_body if url.endswith("them/") else (
                lambda **c: self.proposal_body(version=str(p.version), **c))  # fmt: skip
            if url.endswith("them/"):  # an edit keeps its official
                bad("noivu", url, make, "official_code", ["", "DD9999", NUL, LONG])
            bad("noivu", url, make, "outcome", ["", "explode", NUL])
            bad("noivu", url, make, "decision_date", BAD_DATES)
            bad("noivu", url, lambda m=make, **c: m(outcome="move", target_position="VP_TK", **c), "target_ward",
                ["", "no-such-ward", NUL])  # fmt: skip
            bad("noivu", url, lambda m=make, **c: m(outcome="move", target_ward="kim-lien", **c), "target_position",
                ["", "NOPE", NUL, "BI_THU_DANG_UY"])  # fmt: skip
            bad("noivu", url, lambda m=make, **c: m(outcome="lapse", **c), "holding",
                ["", "abc", "-1", "99999999999999999999", str(h.pk)])  # fmt: skip
        for action in ("phe-duyet", "huy-phe-duyet", "xoa"):
            out += [("noivu", f"/ke-hoach/de-xuat/{p.pk}/{action}/", {"version": v}, False)
                    for v in ("0", "99999999999999999999")]  # fmt: skip
        out += [("noivu", "/ke-hoach/de-xuat/phe-duyet/", {"querystring": q}, False)
                for q in ("ward=no-such-ward", "status=x", "outcome=%00", "verdict=maybe")]  # fmt: skip
        chair = f"chutich-{p.ward.slug}"
        review = f"/ke-hoach/de-xuat/{p.pk}/y-kien/"
        out += [(chair, review, body, False) for body in (
            {}, {"verdict": "maybe"}, {"verdict": "dispute"}, {"verdict": "dispute", "comment": "   "},
            {"verdict": NUL}, {"verdict": "agree", "comment": NUL})]  # fmt: skip
        out += [(chair, f"/ke-hoach/phuong/{p.ward.slug}/xac-nhan/", {}, False)]
        out += [("noivu", "/ke-hoach/ghep-vi-tri/lap-de-xuat/", body, False) for body in (
            {}, {"official": "DD9999", "ward": "kim-lien", "position": "VP_TK"},
            {"official": self.other.code, "ward": "no-such-ward", "position": "VP_TK"},
            {"official": self.other.code, "ward": "kim-lien", "position": "NOPE"},
            {"official": NUL, "ward": NUL, "position": NUL}, {"official": LONG, "ward": LONG, "position": LONG})]  # fmt: skip
        out += [("admin", "/ke-hoach/chuyen-doi/thuc-hien/", body, False)
                for body in ({}, {"confirm": "no"}, {"confirm": "yes"}, {"confirm": NUL})]  # fmt: skip
        out += [("admin", "/ke-hoach/chuyen-doi/hoan-tac/", body, False) for body in ({}, {"confirm": "yes"})]
        out += [("noivu", "/can-bo/nhap-excel/xac-nhan/", {"token": t}, False)
                for t in ("", "0" * 32, "../../etc/passwd", NUL, LONG)]  # fmt: skip
        out += [("noivu", "/tai-khoan/", {"action": a}, False) for a in ("", "explode", NUL)]
        out += [("admin", "/tai-khoan/ma-truy-cap/", {"user": u, "action": "create"}, False)
                for u in ("", "abc", "²", "-1", "99999999999999999999", NUL)]  # fmt: skip
        # Last, as they may write: a version that is not a number is no version (the action goes ahead).
        edit = f"/can-bo/{o.code}/sua/"
        out += [("noivu", edit, self.official_body(code=o.code, full_name="Đổi Tên", version=v), True)
                for v in ("²", "abc", "-1", "", "٣")]  # fmt: skip
        for action in ("phe-duyet", "huy-phe-duyet", "xoa"):
            out += [
                ("noivu", f"/ke-hoach/de-xuat/{p.pk}/{action}/", {"version": v}, True) for v in ("²", "abc")
            ]
        return out

    def test_wrong_form_bodies_are_refused_without_a_server_error_or_a_partial_write(self):
        failures = {}
        before = self.snapshot()  # refused writes leave it as it is; the cases that may write come last
        for who, url, body, may_write in self.cases():
            client = self.client_for(who)
            response = client.post(url, body)
            label = f"{who} {url} {repr(body)[:120]}"
            if response.status_code >= 500:
                failures[label] = response.status_code
            elif not may_write and self.snapshot() != before:
                after = self.snapshot()
                failures[label] = f"{response.status_code}, but something was written: " + ", ".join(
                    k for k in after if after[k] != before.get(k)
                )
                before = self.snapshot()
        self.assertEqual(failures, {})

    def test_empty_bodies_write_nothing_and_missing_csrf_is_refused_with_403(self):
        o, h, p = self.official, self.holding, self.proposal
        forms = [("noivu", u) for u in (
            "/can-bo/them/", f"/can-bo/{o.code}/sua/", f"/can-bo/{o.code}/chuc-danh/them/",
            f"/can-bo/chuc-danh/{h.pk}/ket-thuc/", f"/can-bo/{o.code}/nguoi-than/them/", "/can-bo/nhap-excel/",
            "/can-bo/nhap-excel/xac-nhan/", "/ke-hoach/de-xuat/them/", f"/ke-hoach/de-xuat/{p.pk}/sua/",
            "/ke-hoach/ghep-vi-tri/lap-de-xuat/", "/tai-khoan/")]  # fmt: skip
        forms += [("admin", u) for u in ("/ke-hoach/chuyen-doi/thuc-hien/", "/ke-hoach/chuyen-doi/hoan-tac/",
                                         "/tai-khoan/ma-truy-cap/")]  # fmt: skip
        chair = f"chutich-{p.ward.slug}"
        forms += [
            (chair, f"/ke-hoach/de-xuat/{p.pk}/y-kien/"),
            (chair, f"/ke-hoach/phuong/{p.ward.slug}/xac-nhan/"),
        ]
        actions = [("noivu", f"/ke-hoach/de-xuat/{p.pk}/{a}/") for a in ("phe-duyet", "huy-phe-duyet", "xoa")]
        actions += [
            ("noivu", f"/can-bo/quan-he/{self.relation.pk}/xoa/"),
            ("noivu", "/ke-hoach/de-xuat/phe-duyet/"),
        ]
        failures = {}
        for who, url in forms:
            before = self.snapshot()
            response = self.client_for(who).post(url, {})
            if response.status_code >= 500 or self.snapshot() != before:
                failures[f"empty {who} {url}"] = response.status_code
        for who, url in forms + actions:
            csrf = Client(enforce_csrf_checks=True)
            csrf.force_login(self.users[who])
            before = self.snapshot()
            response = csrf.post(url, {"confirm": "yes", "action": "create", "version": "1"})
            if response.status_code != 403 or self.snapshot() != before:
                failures[f"no csrf {who} {url}"] = response.status_code
        self.assertEqual(failures, {})

    def test_an_upload_that_is_not_a_workbook_is_refused_with_a_message(self):
        client = self.client_for("noivu")
        files = {
            "csv renamed": b"Ma can bo,Ho va ten\nDD0001,Nguyen Van A\n",
            "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
            "one byte": b"x",
            "zip without workbook": zip_without_workbook(),
            "truncated zip": zip_without_workbook()[:40],
            "utf-16 text": "Mã cán bộ".encode("utf-16"),
        }
        failures = {}
        for label, content in files.items():
            before = self.snapshot()
            response = client.post("/can-bo/nhap-excel/", {"file": xlsx_named(content)})
            text = response.content.decode()
            if response.status_code != 200 or 'class="error' not in text and "errorlist" not in text:
                failures[label] = f"{response.status_code}, no visible error"
            if self.snapshot() != before:
                failures[label] = "something was written or stored"
        before = self.snapshot()
        for body in ({"file": "not a file"}, {}):
            response = client.post("/can-bo/nhap-excel/", body)
            if response.status_code != 200:
                failures[repr(body)] = response.status_code
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(failures, {})

    def test_an_exported_roster_with_odd_digits_in_its_dates_previews_with_row_errors(self):
        # "²" is a digit to str.isdigit() but not to int(): such a year once failed the whole upload.
        from openpyxl import load_workbook

        client = self.client_for("noivu")
        book = load_workbook(
            io.BytesIO(body_of(client.get("/can-bo/", {"ward": "kim-lien", "export": "xlsx"})))
        )
        sheet = book.worksheets[0]
        header = next(r for r in sheet.iter_rows(max_row=20) if any(c.value == "Mã cán bộ" for c in r))
        columns = {c.value: c.column for c in header}
        header = header[0].row
        for row, value in ((header + 1, "²²²²"), (header + 2, "٣١/٠٢/١٩٨٠"), (header + 3, "0000")):
            sheet.cell(row, columns["Ngày sinh"]).value = value
        sheet.cell(header + 4, columns["Ngày tuyển dụng"]).value = "¹²/¹²/²⁰¹²"
        out = io.BytesIO()
        book.save(out)
        before = self.snapshot()
        response = client.post("/can-bo/nhap-excel/", {"file": xlsx_named(out.getvalue())})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ngày sinh")
        self.assertEqual(self.snapshot(), before | {"uploads": self.snapshot()["uploads"]})

    def test_api_writes_with_wrong_bodies_answer_4xx_and_write_nothing(self):
        o, h, p = self.official, self.holding, self.proposal
        tokens = {who: Token.objects.create(user=self.users[who]).key
                  for who in ("noivu", "admin", f"chutich-{p.ward.slug}")}  # fmt: skip
        malformed = ["{", "\x00", "[]", "123", "null", '"x"', '{"a": 1', "\ufeff{}"]
        by_call = {
            ("post", "/api/v1/officials/"): {"birth_date": "31/02/2021", "full_name": NUL, "ward": ["kim-lien"],
                                              "code": None, "sex": "X", "education": "²"},
            ("patch", f"/api/v1/officials/{o.code}/"): {"birth_date": "31/02/2021", "full_name": NUL,
                                                         "version": "²", "ward": ["x"], "code": "A/B",
                                                         "education": 99, "political_theory": "abc"},
            ("post", "/api/v1/holdings/"): {"start_date": "31/02/2021", "position": "NOPE", "ward": NUL,
                                             "official": 5},
            ("post", f"/api/v1/holdings/{h.pk}/end/"): {"end_date": "31/02/2021", "decision_number": NUL},
            ("post", "/api/v1/relations/"): {"kind": "cousin", "relative": NUL, "official": o.code},
            ("post", "/api/v1/proposals/"): {"outcome": "explode", "official": NUL, "decision_date": "x"},
            ("patch", f"/api/v1/proposals/{p.pk}/"): {"outcome": "explode", "version": "²",
                                                       "target_ward": ["x"], "note": NUL},
            ("post", f"/api/v1/proposals/{p.pk}/approve/"): {"version": "²"},
            ("post", f"/api/v1/proposals/{p.pk}/unapprove/"): {"version": -1},
        }  # fmt: skip
        failures = {}

        before = self.snapshot()

        def call(who, method, url, body, ctype="application/json"):
            client = Client(HTTP_AUTHORIZATION=f"Token {tokens[who]}")
            response = getattr(client, method)(url, body, content_type=ctype)
            label = f"{who} {method} {url} {ctype} {body[:50]!r}"
            if not 400 <= response.status_code < 500:
                failures[label] = response.status_code
            elif self.snapshot() != before:
                failures[label] = "written"

        for (method, url), fields in by_call.items():
            for body in malformed:
                call("noivu", method, url, body)
            call("noivu", method, url, "abc", "text/plain")
            for name, value in fields.items():
                call("noivu", method, url, json.dumps({name: value}))
        for body in ("{", '{"value": "abc"}', '{"value": null}', '{"value": "\\u0000"}'):
            call("admin", "patch", "/api/v1/parameters/1/", body)
        for body in (
            "{",
            '{"verdict": "maybe"}',
            '{"verdict": "dispute"}',
            '{"verdict": "dispute", "comment": " "}',
        ):
            call(f"chutich-{p.ward.slug}", "post", f"/api/v1/proposals/{p.pk}/review/", body)
        self.assertEqual(failures, {})

    def test_the_valid_bodies_the_cases_break_are_accepted(self):
        # The fuzz above means something only if each body, unbroken, would have been written.
        client = self.client_for("noivu")
        checks = [
            ("/can-bo/them/", self.official_body(), lambda: Official.objects.filter(code="AUDIT-1").exists()),
            (f"/can-bo/{self.official.code}/chuc-danh/them/", self.holding_body(),
             lambda: self.official.holdings.filter(position__code="TP_HT").exists()),
            (f"/can-bo/{self.official.code}/nguoi-than/them/", {"relative": self.other.code, "kind": "spouse"},
             lambda: FamilyRelation.objects.filter(relative=self.other).exists()),
            ("/ke-hoach/de-xuat/them/", self.proposal_body(), lambda: self.other.proposals.exists()),
            (f"/can-bo/{self.official.code}/sua/", self.official_body(code=self.official.code, version="1"),
             lambda: Official.objects.get(pk=self.official.pk).full_name == "Kiểm Tra Viên"),
            (f"/ke-hoach/de-xuat/{self.proposal.pk}/sua/", self.proposal_body(version=str(self.proposal.version)),
             lambda: Proposal.objects.get(pk=self.proposal.pk).outcome == "retire"),
            (f"/can-bo/chuc-danh/{self.holding.pk}/ket-thuc/", {"end_date": "31/05/2021"},
             lambda: PostHolding.objects.get(pk=self.holding.pk).end_date is not None),
        ]  # fmt: skip
        for url, body, written in checks:
            response = client.post(url, body)
            self.assertEqual(response.status_code, 302, (url, response.content.decode()[-3000:]))
            self.assertTrue(written(), url)
        self.assertEqual(Proposal.objects.filter(status=ProposalStatus.APPROVED).count(), 0)

    def test_saving_an_official_unchanged_keeps_its_version_and_history(self):
        # An empty PATCH (or a form saved as it was) is no change: a new version would make a colleague's
        # open form "stale", and the history would gain an empty entry.
        official = self.official
        token = Token.objects.create(user=self.users["noivu"]).key
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        history = official.history.count()
        for body in ("", "{}", json.dumps({"full_name": official.full_name, "ward": "kim-lien"})):
            self.assertEqual(client.patch(f"/api/v1/officials/{official.code}/", body,
                                          content_type="application/json").status_code, 200)  # fmt: skip
        form = self.client_for("noivu").get(f"/can-bo/{official.code}/sua/").context["form"]
        body = {name: form[name].value() for name in form.fields}
        body = {k: ("on" if v is True else "" if v is None or v is False else v.strftime("%d/%m/%Y")
                    if hasattr(v, "strftime") else v) for k, v in body.items()}  # fmt: skip
        body["version"] = str(official.version)
        response = self.client.post(f"/can-bo/{official.code}/sua/", body)
        self.assertEqual(response.status_code, 302, response.content.decode()[-2000:])
        official.refresh_from_db()
        self.assertEqual((official.version, official.history.count()), (1, history))

    def test_the_django_admin_refuses_a_parameter_value_that_would_break_the_check(self):
        # The admin once saved any JSON: a text for the retirement roadmap made the dashboard, the findings
        # and the retirement page answer 500 until someone repaired the row.
        roadmap = Parameter.objects.get(key="retirement_roadmap")
        url = f"/quan-tri/staffing/parameter/{roadmap.pk}/change/"
        client = self.client_for("admin")
        broken = {**roadmap.value, "M": {**roadmap.value["M"], "step_months": 0}}
        before = self.snapshot()
        for value in ('"abc"', "{", "[]", "null", json.dumps(broken), json.dumps({"M": roadmap.value["M"]})):
            response = client.post(url, {"value": value, "citation": roadmap.citation})
            self.assertEqual(response.status_code, 200, value)
            self.assertTrue(response.context["adminform"].form.errors, value)
        self.assertEqual(self.snapshot(), before)
        for path in ("/", "/phat-hien/", "/tuoi-nghi-huu/?sex=M&born=1961"):
            self.assertEqual(client.get(path).status_code, 200, path)
        # Parameters come with the reform: not added or deleted by hand; a valid change is saved, with history.
        self.assertEqual(client.get("/quan-tri/staffing/parameter/add/").status_code, 403)
        self.assertEqual(client.get(f"/quan-tri/staffing/parameter/{roadmap.pk}/delete/").status_code, 403)
        changed = {**roadmap.value, "M": {**roadmap.value["M"], "step_months": 4}}
        response = client.post(url, {"value": json.dumps(changed), "citation": roadmap.citation})
        self.assertEqual(response.status_code, 302)
        roadmap.refresh_from_db()
        self.assertEqual(roadmap.value["M"]["step_months"], 4)
        self.assertEqual(roadmap.history.latest().history_user, self.users["admin"])

    def test_the_django_admin_refuses_position_rule_standards_outside_the_catalogue(self):
        # A minimum education of 99 was saved as is, and every page running the check answered 500.
        rule = PositionRule.objects.get(position__code="CHU_TICH")
        url = f"/quan-tri/staffing/positionrule/{rule.pk}/change/"
        client = self.client_for("admin")
        fields = client.get(url).context["adminform"].form.initial
        valid = {k: ("on" if v is True else "" if v is None or v is False else v) for k, v in fields.items()}
        before = list(PositionRule.objects.order_by("pk").values_list())
        for change in ({"min_education": "99"}, {"min_political_theory": "-1"}, {"kind_after": "zzz"},
                       {"min_class_i": "5", "max_class_i": "1"}, {"min_education": "abc"}):  # fmt: skip
            response = client.post(url, {**valid, **change})
            self.assertEqual(response.status_code, 200, change)
            self.assertTrue(response.context["adminform"].form.errors, change)
        self.assertEqual(list(PositionRule.objects.order_by("pk").values_list()), before)
        for path in ("/", "/phat-hien/", "/ke-hoach/so-sanh/"):
            self.assertEqual(client.get(path).status_code, 200, path)
        # Every rule of the reform, as loaded, is valid in the form; a valid change is saved.
        for other in PositionRule.objects.order_by("pk"):
            form = client.get(f"/quan-tri/staffing/positionrule/{other.pk}/change/").context["adminform"].form
            data = {
                k: ("on" if v is True else "" if v is None or v is False else v)
                for k, v in form.initial.items()
            }
            bound = type(form)(data, instance=other)
            self.assertTrue(bound.is_valid(), (other.position.code, bound.errors))
        response = client.post(url, {**valid, "min_education": "6"})
        self.assertEqual(response.status_code, 302)
        rule.refresh_from_db()
        self.assertEqual(rule.min_education, 6)

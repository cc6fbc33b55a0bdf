"""Adapters between the benchmark and the code it measures (the staffing check, the roster export and
import), each with its floor. An adapter raises NotBuilt while the code it needs is not in the tree."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field


class NotBuilt(Exception):
    """The code this operation measures is not in the tree (yet)."""


# --- the staffing check -------------------------------------------------------------------------------------


@dataclass
class StaffingCheck:
    check: object  # staffing.services.check
    as_of: dt.date
    floor_what: str = (
        "the same rows (law, wards, open holdings, their officials, relations) loaded with values_list "
        "into lists: no model instances, no rules"
    )
    last: object = None
    counts: dict | None = None

    def run_all(self):
        self.last = self.check(wards=None)
        return self.last

    def forget(self):
        """Between runs (untimed): keep the findings' counts and free the result, so that the next run does not
        pay for freeing this one (the floor's rows are freed outside its timing too)."""
        if self.last is not None:
            self.counts = dict(sorted(Counter(f.code for f in self.last.findings).items()))
            self.last = None

    def findings_by_code(self) -> dict:
        if self.last is None and self.counts is not None:
            return self.counts
        result = self.last or self.run_all()
        return dict(sorted(Counter(f.code for f in result.findings).items()))

    def floor(self):
        from django.db.models import Q

        from personnel.models import FamilyRelation, Official, PostHolding
        from staffing.models import Parameter, PositionRule, Reform
        from wards.models import Ward

        reform = Reform.objects.get(code="ND32-2021")
        rows = [
            list(PositionRule.objects.filter(reform=reform).values_list(
                "position__code", "position__title", "position__kind", "position__display_order", "abolished",
                "in_structure", "min_class_i", "max_class_i", "min_class_ii", "max_class_ii", "min_class_iii",
                "max_class_iii", "counts_in_headcount", "kind_after", "min_education", "min_political_theory",
                "requires_it_certificate", "requires_law_training", "requires_civil_status_training",
                "citation", "is_default",
            )),
            list(Parameter.objects.filter(reform=reform).values_list("key", "value", "citation", "is_default")),
            list(Ward.objects.order_by().values_list("id", "slug", "name", "ward_class", "district_id")),
        ]  # fmt: skip
        holdings = PostHolding.objects.open_on(self.as_of)
        rows.append(
            list(
                holdings.order_by("pk").values_list(
                    "id", "official_id", "ward_id", "position__code", "start_date", "is_primary"
                )
            )
        )
        rows.append(
            list(
                Official.objects.filter(pk__in=holdings.values("official_id"))
                .order_by()
                .values_list(
                    "id", "code", "full_name", "sex", "birth_date", "ward_id", "education", "political_theory",
                    "it_certificate", "law_training", "civil_status_training", "recruitment_date", "sort_key",
                    "birth_precision",
                )
            )
        )  # fmt: skip
        rows.append(
            list(
                FamilyRelation.objects.filter(Q(official__isnull=False))
                .order_by("pk")
                .values_list("official_id", "relative_id", "kind")
            )
        )
        return rows


def staffing_check() -> StaffingCheck:
    try:
        from staffing.services import check, load_law
    except ImportError as exc:
        raise NotBuilt("staffing/services.py: check()") from exc
    return StaffingCheck(check=check, as_of=load_law().cutover)


# --- the roster export -------------------------------------------------------------------------------------


EDUCATION_LABELS = None


@dataclass
class RosterExport:
    client: object  # a logged-in django.test.Client (Interior Office: every ward)
    url: str = "/can-bo/?export=xlsx"
    floor_what: str = (
        "the same values loaded with values_list (2 streamed queries, same order) and dumped with a bare "
        "openpyxl write-only workbook (plain cells, no styles) to a temporary file"
    )
    rows: int = 0
    size: int = 0

    def run_all(self):
        response = self.client.get(self.url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {self.url} → {response.status_code}")
        # Reading the stream to its end closes the response (the test client's wrapper); closing it again
        # would fire request_finished a second time and close the database connection.
        self.size = sum(len(chunk) for chunk in response.streaming_content)

    def floor(self):
        import tempfile

        from openpyxl import Workbook

        from personnel.models import Education, Official, PoliticalTheory, PostHolding, Sex
        from wards.clock import today

        day = today()
        sex = {k: str(v) for k, v in Sex.choices}
        education = {k: str(v) for k, v in Education.choices}
        theory = {k: str(v) for k, v in PoliticalTheory.choices}
        officials = (
            Official.objects.order_by("sort_key", "code")
            .values_list(
                "id", "code", "full_name", "sex", "birth_date", "ward__name", "recruitment_date", "education",
                "major", "political_theory", "it_certificate", "law_training", "civil_status_training", "notes",
            )
            .iterator(chunk_size=2000)
        )  # fmt: skip
        holdings = (
            PostHolding.objects.open_on(day)
            .order_by("official__sort_key", "official__code", "-is_primary", "position__display_order")
            .values_list("official_id", "position__title", "is_primary", "start_date")
            .iterator(chunk_size=2000)
        )
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Danh sách")
        pending = next(holdings, None)
        n = 0
        for oid, code, name, sx, born, ward, recruited, edu, major, pol, it, law, civ, notes in officials:
            primary, concurrent = None, []
            while pending is not None and pending[0] == oid:
                if pending[2] and primary is None:
                    primary = pending
                else:
                    concurrent.append(pending[1])
                pending = next(holdings, None)
            n += 1
            ws.append([
                n, code, name, sex[sx], born, ward, primary[1] if primary else "", ", ".join(concurrent),
                primary[3] if primary else None, recruited, education[edu], major, theory[pol],
                "Có" if it else "Không", "Có" if law else "Không", "Có" if civ else "Không", notes,
            ])  # fmt: skip
        with tempfile.TemporaryFile(suffix=".xlsx") as handle:
            wb.save(handle)
        self.rows = n


def roster_export(client) -> RosterExport:
    try:
        from personnel import roster_io

        roster_io.official_list_response  # noqa: B018 — present once the export has landed
    except (ImportError, AttributeError) as exc:
        raise NotBuilt("personnel/roster_io.py: official_list_response") from exc
    return RosterExport(client=client)


# --- the roster import -------------------------------------------------------------------------------------

IMPORT_PREFIX = "SYNI"  # codes of the imported officials: synthetic (SYN…), apart from the generated ones


@dataclass
class RosterImport:
    data: bytes
    source: list  # (code, name, sex, birth, ward, position code, start, recruited) per row
    actor: object
    import_roster: object
    rows: int = 0
    parse_seconds: float | None = None
    floor_what: str = (
        "bulk_create (batches of 2,000, no history) of the same Official and PostHolding objects, built from "
        "the already-parsed values with the same search keys; no file reading, no validation"
    )
    extra: dict = field(default_factory=dict)
    extra_parse: dict = field(default_factory=dict)

    def run(self):
        preview, counts = self.import_roster(self.data, actor=self.actor)
        if not preview.ok:
            raise RuntimeError(f"import refused: {preview.errors[:3]}")
        self.extra = counts

    def floor(self):
        from personnel.models import Education, Official, PoliticalTheory, PostHolding
        from personnel.services import set_search_keys
        from wards.models import Position, Ward

        wards = {w.slug: w for w in Ward.objects.filter(slug__in={r[4] for r in self.source})}
        positions = {p.code: p for p in Position.objects.all()}
        officials, holdings = [], []
        for code, name, sex, born, ward, position, start, recruited in self.source:
            o = Official(code=code, full_name=name, sex=sex, birth_date=born, ward=wards[ward],
                         education=Education.DAI_HOC, major="Luật", political_theory=PoliticalTheory.TRUNG_CAP,
                         it_certificate=True, recruitment_date=recruited)  # fmt: skip
            set_search_keys(o)
            officials.append(o)
            holdings.append((o, wards[ward], positions[position], start))
        Official.objects.bulk_create(officials, batch_size=2000)
        PostHolding.objects.bulk_create(
            [PostHolding(official=o, ward=w, position=p, start_date=s) for o, w, p, s in holdings],
            batch_size=2000,
        )

    def undo(self):
        """Remove the imported officials, their holdings and the history the import wrote."""
        from django.db import connection, transaction

        from personnel.models import Official, PostHolding

        alias = connection.alias
        officials = Official.objects.filter(code__startswith=IMPORT_PREFIX)
        with transaction.atomic():
            PostHolding.history.filter(official_id__in=officials.values("pk"))._raw_delete(alias)
            PostHolding.objects.filter(official__in=officials.values("pk"))._raw_delete(alias)
            Official.history.filter(code__startswith=IMPORT_PREFIX)._raw_delete(alias)
            officials._raw_delete(alias)


def _import_file(n: int) -> tuple[bytes, list]:
    """An .xlsx in the roster template's columns with ``n`` new officials spread over the synthetic wards."""
    import datetime as dt
    import io
    import random

    from personnel import roster_io
    from personnel.synthetic import SLUG_PREFIX
    from wards import workbook
    from wards.models import Ward

    rng = random.Random(n)
    slugs = list(
        Ward.objects.filter(slug__startswith=SLUG_PREFIX).order_by("code").values_list("slug", flat=True)
    )
    posts = ["VP_TK", "DC_XD_DT_MT", "TC_KT", "TP_HT", "VH_XH"]
    source, rows = [], []
    for i in range(n):
        sex = "M" if i % 2 else "F"
        name = f"{rng.choice(['Nguyễn', 'Trần', 'Lê', 'Phạm'])} {'Văn' if sex == 'M' else 'Thị'} Nhập {i}"
        born = dt.date(rng.randint(1970, 1995), rng.randint(1, 12), rng.randint(1, 28))
        start = dt.date(2018, rng.randint(1, 12), 1)
        code = f"{IMPORT_PREFIX}{i + 1:07d}"
        ward, post = slugs[i % len(slugs)], posts[i % len(posts)]
        source.append((code, name, sex, born, ward, post, start, start))
        rows.append([code, name, "Nam" if sex == "M" else "Nữ", born, ward, post, "", start, start, "Đại học",
                     "Luật", "Trung cấp", "Có", "Không", "Không", ""])  # fmt: skip
    wb = workbook.new_workbook()
    workbook.write_sheet(wb, sheet_title="Danh sách", title=roster_io.ROSTER_TITLE,
                         columns=roster_io.ROSTER_COLUMNS, rows=rows)  # fmt: skip
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), source


def _resaved(data: bytes) -> bytes:
    """The file as a spreadsheet program saves it: opened and saved again, it gains the <dimension> element
    that openpyxl's write-only mode leaves out (without it, openpyxl's reader parses the sheet twice)."""
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def roster_import(rows: int, actor) -> RosterImport:
    import time

    try:
        from personnel import roster_io

        import_roster, read_rows = roster_io.import_roster, roster_io.read_rows
    except (ImportError, AttributeError) as exc:
        raise NotBuilt("personnel/roster_io.py: import_roster") from exc
    exported, source = _import_file(rows)
    data = _resaved(exported)

    def parse_time(content):
        started = time.perf_counter()
        read_rows(content)
        return round(time.perf_counter() - started, 3)

    imp = RosterImport(data=data, source=source, actor=actor, import_roster=import_roster, rows=rows,
                       parse_seconds=parse_time(data))  # fmt: skip
    imp.extra_parse = {"as_saved_by_a_spreadsheet": imp.parse_seconds,
                       "as_written_by_the_portal_export": parse_time(exported)}  # fmt: skip
    imp.undo()  # leftovers of an interrupted run
    return imp

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

    def run_all(self):
        self.last = self.check(wards=None)
        return self.last

    def findings_by_code(self) -> dict:
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


def roster_export():
    raise NotBuilt("personnel/roster_io.py export")


# --- the roster import -------------------------------------------------------------------------------------


@dataclass
class RosterImport:
    rows: int
    parse_seconds: float | None = None
    floor_what: str = ""
    extra: dict = field(default_factory=dict)


def roster_import(rows, actor):
    raise NotBuilt("personnel/roster_io.py import")

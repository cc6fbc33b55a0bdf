"""The Decree 32 check service: load the law and a roster in a fixed number of queries, run the pure rules
(staffing/rules.py), return the findings and what the dashboard shows.

Entry point (used by the pages, the command, the exports, the API and the plan)::

    from staffing.services import check
    result = check(wards=None, as_of=None, plan=None)          # the whole portal, as of the cutover
    result = check(wards=Ward.objects.visible_to(user))         # what a user may see
    result = check(wards=[ward], plan=[PlannedChange(...), ...])  # the roster "as planned"

``wards``: None (every ward), a Ward queryset, or an iterable of Ward objects or ids. District-level rules run
for each district all of whose wards are in ``wards``. ``as_of``: the reference date (default: the reform's
cutover date); holdings open on that day are "current". ``plan``: a list of
``staffing.plan_types.PlannedChange`` laid over the current holdings (see ``rules.project``).

The result (:class:`CheckResult`) carries the findings sorted by ward, severity and official, the projection
(who sits where after the cutover), ``for_official(id)``, ``for_ward(id)`` and ``dashboard()``.
Queries: 8 whatever the number of wards, officials and holdings (:data:`CHECK_QUERIES`).
"""

import datetime as dt
import gc
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from personnel.models import BirthPrecision, FamilyRelation, Official, PostHolding
from staffing import rules
from staffing.models import Parameter, PositionRule, Reform
from staffing.plan_types import PlannedChange
from wards.models import Ward
from wards.text import fold

CHECK_QUERIES = 8  # reform, position rules, parameters, wards, ward counts, holdings, officials, relations

DEFAULT_REFORM = "ND32-2021"


class NoReform(Exception):
    """No reform is loaded (the data migration did not run)."""


def current_reform(code: str | None = None) -> Reform:
    """The reform ``code`` (default: ND32-2021, else the latest by cutover date)."""
    qs = Reform.objects.all()
    reform = qs.filter(code=code or DEFAULT_REFORM).first()
    if reform is None and code is None:
        reform = qs.order_by("-cutover_date", "-pk").first()
    if reform is None:
        raise NoReform(f"Chưa có đợt sắp xếp {code or DEFAULT_REFORM}.")
    return reform


def load_law(reform: Reform | str | None = None) -> rules.Law:
    """The reform's rules and parameters as plain data (3 queries; 2 when a Reform is passed)."""
    if not isinstance(reform, Reform):
        reform = current_reform(reform)
    posts = {}
    for row in PositionRule.objects.filter(reform=reform).values(
        "position__code", "position__title", "position__kind", "position__display_order", "abolished",
        "in_structure", "min_class_i", "max_class_i", "min_class_ii", "max_class_ii", "min_class_iii",
        "max_class_iii", "counts_in_headcount", "kind_after", "min_education", "min_political_theory",
        "requires_it_certificate", "requires_law_training", "requires_civil_status_training", "citation",
        "is_default",
    ):  # fmt: skip
        code = row["position__code"]
        seats = {
            "I": (row["min_class_i"], row["max_class_i"]),
            "II": (row["min_class_ii"], row["max_class_ii"]),
            "III": (row["min_class_iii"], row["max_class_iii"]),
        }
        posts[code] = rules.PostRule(
            code=code, title=row["position__title"], kind=row["position__kind"],
            display_order=row["position__display_order"], abolished=row["abolished"],
            in_structure=row["in_structure"], seats=seats, counts_in_headcount=row["counts_in_headcount"],
            kind_after=row["kind_after"], min_education=row["min_education"],
            min_political_theory=row["min_political_theory"],
            requires_it_certificate=row["requires_it_certificate"],
            requires_law_training=row["requires_law_training"],
            requires_civil_status_training=row["requires_civil_status_training"],
            citation=row["citation"], is_default=row["is_default"],
        )  # fmt: skip
    params = {
        key: rules.Param(key, value, citation, is_default, label)
        for key, value, citation, is_default, label in Parameter.objects.filter(reform=reform).values_list(
            "key", "value", "citation", "is_default", "label"
        )
    }
    return rules.Law(reform.code, reform.title, reform.cutover_date, reform.legal_basis, posts, params)


def _ward_queryset(wards) -> QuerySet:
    if wards is None:
        return Ward.objects.all()
    if isinstance(wards, QuerySet):
        return wards
    ids = [w.pk if isinstance(w, Ward) else int(w) for w in wards]
    return Ward.objects.filter(pk__in=ids)


@lru_cache(maxsize=65536)
def ward_order_key(name: str) -> tuple:
    """Wards in Vietnamese alphabetical order, the same on SQLite and PostgreSQL. Kept per name: a national
    check orders 10,000 wards, and folding their names took longer than loading them."""
    return (fold(name), name)


def _record(cls):
    """A function making a ``cls`` (a named tuple) of a database row holding its fields in order."""
    return partial(tuple.__new__, cls)


def load_roster(*, wards=None, as_of: dt.date, plan: Iterable[PlannedChange] | None = None) -> rules.Roster:
    """Wards, current holdings, their officials and family relations as named tuples: 5 queries."""
    ward_qs = _ward_queryset(wards)
    ward_rows = list(ward_qs.order_by().values_list("id", "slug", "name", "ward_class", "district_id"))
    ward_rows.sort(key=lambda r: ward_order_key(r[2]))
    infos = {
        wid: rules.WardInfo(wid, slug, name, cls, district, order)
        for order, (wid, slug, name, cls, district) in enumerate(ward_rows)
    }
    loaded = Counter(info.district_id for info in infos.values())
    totals = dict(
        Ward.objects.filter(district_id__in=list(loaded)).order_by()
        .values("district_id").annotate(n=Count("id")).values_list("district_id", "n")
    )  # fmt: skip
    whole = {d: n for d, n in totals.items() if loaded[d] == n}
    ward_ids = list(infos)
    open_holdings = PostHolding.objects.open_on(as_of)
    relations = FamilyRelation.objects.all()
    who = Q()  # every ward: whole tables, no ward filter (the national-scale check)
    if wards is not None:
        open_holdings = open_holdings.filter(ward_id__in=ward_ids)
        relations = relations.filter(Q(official__ward_id__in=ward_ids) | Q(relative__ward_id__in=ward_ids))
        who = Q(pk__in=open_holdings.values("official_id"))
    holdings = list(
        map(
            _record(rules.Holding),
            open_holdings.order_by("pk").values_list(
                "id", "official_id", "ward_id", "position__code", "start_date", "is_primary"
            ),
        )
    )
    plan_ids = sorted({c.official_id for c in plan or ()})
    if plan_ids and wards is not None:
        who |= Q(pk__in=plan_ids)
    year_only = ExpressionWrapper(Q(birth_precision=BirthPrecision.YEAR), output_field=BooleanField())
    people = {
        p.id: p
        for p in map(_record(rules.Person), Official.objects.filter(who).order_by().values_list(
            "id", "code", "full_name", "sex", "birth_date", "ward_id", "education", "political_theory",
            "it_certificate", "law_training", "civil_status_training", "recruitment_date", "sort_key", year_only,
        ))
    }  # fmt: skip
    relation_rows = relations.order_by("pk").values_list("official_id", "relative_id", "kind")
    relations = list(map(_record(rules.Relation), relation_rows))
    return rules.Roster(infos, people, holdings, relations, set(infos), whole)


@dataclass
class PostRow:
    """One ward × post line of the dashboard."""

    ward: rules.WardInfo
    post: rules.PostRule
    required: int
    maximum: int | None
    current: int
    leaving_retirement: int
    leaving_abolished: int
    leaving_plan: int
    arriving: int
    carrying: int
    vacancy: int
    surplus: int
    ready: int  # seats of the required ones filled by someone without a blocker finding

    @property
    def leaving(self) -> int:
        return self.leaving_retirement + self.leaving_abolished + self.leaving_plan


@dataclass
class WardRow:
    ward: rules.WardInfo
    posts: list
    severities: dict  # severity -> number of findings of the ward (official and ward level)

    def _sum(self, name):
        return sum(getattr(p, name) for p in self.posts)

    @property
    def required(self):
        return self._sum("required")

    @property
    def current(self):
        return self._sum("current")

    @property
    def carrying(self):
        return self._sum("carrying")

    @property
    def leaving(self):
        return self._sum("leaving")

    @property
    def leaving_retirement(self):
        return self._sum("leaving_retirement")

    @property
    def leaving_abolished(self):
        return self._sum("leaving_abolished")

    @property
    def vacancy(self):
        return self._sum("vacancy")

    @property
    def surplus(self):
        return self._sum("surplus")

    @property
    def ready(self):
        return self._sum("ready")

    @property
    def readiness(self) -> int:
        """Percent of the required seats filled on D-day by someone without a blocker finding."""
        return round(100 * self.ready / self.required) if self.required else 100


READINESS_DEFINITION = (
    "Mức sẵn sàng của phường = số ghế bắt buộc theo loại phường (mỗi chức danh tính tối đa bằng số tối thiểu) "
    "có người đảm nhiệm sau ngày chuyển đổi mà người đó không vướng phát hiện loại “Phải xử lý”, "
    "chia cho tổng số ghế bắt buộc."
)


@dataclass
class Totals:
    """The dashboard's figures summed over a group of wards (a province, a district): see
    :meth:`CheckResult.summary`."""

    wards: int = 0
    required: int = 0
    current: int = 0
    carrying: int = 0
    leaving_retirement: int = 0
    leaving_abolished: int = 0
    filled: int = 0  # required seats filled (each post counted up to its required number)
    surplus: int = 0
    ready: int = 0
    severities: Counter = field(default_factory=Counter)
    district_ids: set = field(default_factory=set)  # districts with a ward in the group
    whole_districts: int = 0  # of them, those every ward of which is checked (their headcount is known)
    headcount: int = 0  # civil servants counted after the cutover, in those districts
    cap: int = 0
    over_cap: int = 0  # districts over their cap
    signed_off: int = 0  # wards whose plan is signed off

    @property
    def districts(self) -> int:
        return len(self.district_ids)

    @property
    def vacancy(self) -> int:
        return self.required - self.filled

    @property
    def readiness(self) -> int:
        """Percent of the required seats filled on D-day by someone without a blocker (as a ward's)."""
        return round(100 * self.ready / self.required) if self.required else 100


@dataclass
class Dashboard:
    rows: list  # WardRow, in ward order
    headcount: dict  # district id -> (count after cutover, cap, number of wards)


@dataclass
class CheckResult:
    law: rules.Law
    as_of: dt.date
    roster: rules.Roster
    projection: rules.Projection
    findings: list
    plan: list = field(default_factory=list)

    @property
    def reform_code(self) -> str:
        return self.law.code

    @cached_property
    def wards(self) -> list:
        return sorted(
            (w for w in self.roster.wards.values() if w.id in self.roster.scope), key=lambda w: w.order
        )

    @cached_property
    def _by_official(self) -> dict:
        out = defaultdict(list)
        for f in self.findings:
            if f.official_id is not None:
                out[f.official_id].append(f)
        return out

    @cached_property
    def _by_ward(self) -> dict:
        out = defaultdict(list)
        for f in self.findings:
            if f.ward_id is not None:
                out[f.ward_id].append(f)
        return out

    def for_official(self, official_id: int) -> list:
        return self._by_official.get(official_id, [])

    def for_ward(self, ward_id: int) -> list:
        """The ward's findings, ward level first, then its officials'."""
        return self._by_ward.get(ward_id, [])

    @cached_property
    def current_posts(self) -> dict:
        """official id -> {(ward id, position code)} held on the reference date."""
        out = defaultdict(set)
        for h in self.roster.holdings:
            out[h.official_id].add((h.ward_id, h.position))
        return out

    def counts(self, findings=None) -> dict:
        findings = self.findings if findings is None else findings
        return {
            "total": len(findings),
            "severity": Counter(f.severity for f in findings),
            "code": Counter(f.code for f in findings),
        }

    @cached_property
    def blocked(self) -> set:
        return {f.official_id for f in self.findings if f.severity == rules.BLOCKER and f.official_id}

    @cached_property
    def _dashboard_posts(self) -> list:
        """The posts of the dashboard: those of the new structure and the abolished ones, in display order."""
        return sorted(
            (p for p in self.law.posts.values() if p.in_structure or p.abolished),
            key=lambda p: p.display_order,
        )

    def dashboard(self) -> Dashboard:
        """Per ward × post: required seats, current holders, carrying over, leaving, vacancy or surplus."""
        proj = self.projection
        posts = self._dashboard_posts
        current = defaultdict(set)
        for h in self.roster.holdings:
            current[(h.ward_id, h.position)].add(h.official_id)
        leaving = defaultdict(set)
        for h, reason in proj.leaving:
            leaving[(h.ward_id, h.position, reason)].add(h.official_id)
        arriving = defaultdict(set)
        for seat in proj.seats:
            if seat.change is not None:
                arriving[(seat.ward_id, seat.position)].add(seat.official_id)
        rows = []
        for ward in self.wards:
            post_rows = []
            for post in posts:
                required, maximum = _seat_limits(post, ward.ward_class)
                key = (ward.id, post.code)
                holders = proj.holders.get(key, [])
                carrying = len(holders)
                ready = min(required, sum(1 for oid in holders if oid not in self.blocked))
                post_rows.append(PostRow(
                    ward=ward, post=post, required=required, maximum=maximum, current=len(current.get(key, ())),
                    leaving_retirement=len(leaving.get((*key, "retirement"), ())),
                    leaving_abolished=len(leaving.get((*key, "abolished"), ())),
                    leaving_plan=len(leaving.get((*key, "plan"), ())), arriving=len(arriving.get(key, ())),
                    carrying=carrying, vacancy=max(0, required - carrying),
                    surplus=max(0, carrying - maximum) if maximum is not None else 0, ready=ready,
                ))  # fmt: skip
            severities = Counter(f.severity for f in self.for_ward(ward.id))
            rows.append(WardRow(ward, post_rows, severities))
        return Dashboard(rows, self.headcount())

    def headcount(self) -> dict:
        """district id -> (civil servants counted after the cutover, cap, number of wards), for each district
        whose every ward is checked."""
        per_ward = self.law.value("headcount_per_ward")
        counted = rules.headcount_by_district(self.law, self.roster, self.projection)
        return {d: (counted.get(d, 0), per_ward * n, n) for d, n in self.roster.districts.items()}

    def summary(self, group_of, signed_off: Iterable[int] = ()) -> dict:
        """The dashboard's figures summed per group of wards: ``group_of(district_id)`` names the group of a
        district's wards (its province, or the district itself). One pass over the wards, the holdings, the
        projection and the findings, whatever the number of wards: no per ward × post rows are built.

        Returns {group: :class:`Totals`}. Each group's sums equal those of its wards' :class:`WardRow`;
        its severities add the district-level findings of its districts (a district over its civil-servant
        cap has one ``DISTRICT_HEADCOUNT_EXCEEDED`` blocker, which belongs to no ward). ``signed_off``: the
        ids of the wards whose plan is signed off.
        """
        posts = {p.code: p for p in self._dashboard_posts}
        ward_group = {}
        out = {}
        required_by_class = {}
        for ward in self.wards:
            key = group_of(ward.district_id)
            ward_group[ward.id] = (key, ward.ward_class)
            totals = out.get(key)
            if totals is None:
                totals = out[key] = Totals()
            cls = ward.ward_class
            if cls not in required_by_class:
                required_by_class[cls] = sum(_seat_limits(p, cls)[0] for p in posts.values())
            totals.wards += 1
            totals.required += required_by_class[cls]
            totals.district_ids.add(ward.district_id)
        current = {
            (h.ward_id, h.position, h.official_id)
            for h in self.roster.holdings
            if h.position in posts and h.ward_id in ward_group
        }
        for ward_id, _position, _official in current:
            out[ward_group[ward_id][0]].current += 1
        leaving = {
            (h.ward_id, h.position, reason, h.official_id)
            for h, reason in self.projection.leaving
            if h.position in posts and h.ward_id in ward_group
        }
        for ward_id, _position, reason, _official in leaving:
            totals = out[ward_group[ward_id][0]]
            if reason == "retirement":
                totals.leaving_retirement += 1
            elif reason == "abolished":
                totals.leaving_abolished += 1
        blocked = self.blocked
        for (ward_id, position), holders in self.projection.holders.items():
            post = posts.get(position)
            if post is None or ward_id not in ward_group:
                continue
            key, cls = ward_group[ward_id]
            required, maximum = _seat_limits(post, cls)
            totals = out[key]
            carrying = len(holders)
            totals.carrying += carrying
            totals.filled += min(required, carrying)
            totals.ready += min(required, sum(1 for oid in holders if oid not in blocked))
            if maximum is not None:
                totals.surplus += max(0, carrying - maximum)
        for f in self.findings:
            if f.ward_id in ward_group:
                out[ward_group[f.ward_id][0]].severities[f.severity] += 1
        for district_id, (count, cap, _n) in self.headcount().items():
            totals = out.get(group_of(district_id))
            if totals is None:
                continue
            totals.headcount += count
            totals.cap += cap
            totals.whole_districts += 1
            if count > cap:
                totals.over_cap += 1
                totals.severities[rules.BLOCKER] += 1  # its DISTRICT_HEADCOUNT_EXCEEDED finding
        for ward_id in signed_off:
            if ward_id in ward_group:
                out[ward_group[ward_id][0]].signed_off += 1
        return out


def _seat_limits(post: rules.PostRule, ward_class: str) -> tuple:
    """(required seats, maximum or None) of ``post`` in a ward of ``ward_class``; an abolished post has none."""
    if post.abolished:
        return 0, 0
    low, high = post.seats_for(ward_class)
    return low or 0, high


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while the check builds its records, then hand what was built to
    the collector's oldest generation.

    A check allocates several hundred thousand small objects (the roster's named tuples, the seats, the
    findings) that all stay alive until it returns: the generational collector, which expects young objects to
    die young, walked all of them on every collection their allocation triggered (three full collections took
    half of the check's time at 25,000 officials, more as the roster grows) and would walk them twice more
    while promoting them. None of them is part of a reference cycle (reference counting frees them), so they
    go straight to the oldest generation (``gc.freeze()`` then ``gc.unfreeze()``: two list splices) and are
    looked at once, by the next full collection. Skipped when the process froze objects itself (e.g. a
    pre-fork server), so as not to unfreeze them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def check(
    *,
    wards=None,
    as_of: dt.date | None = None,
    plan: Iterable[PlannedChange] | None = None,
    reform: Reform | str | None = None,
    law: rules.Law | None = None,
) -> CheckResult:
    """Run the Decree 32 check; see the module docstring. ``law`` skips loading it (e.g. in a loop)."""
    law = law or load_law(reform)
    as_of = as_of or law.cutover
    plan = list(plan or ())
    with collector_paused():
        roster = load_roster(wards=wards, as_of=as_of, plan=plan)
        findings, projection = rules.evaluate(roster, law, as_of=as_of, plan=plan)
    return CheckResult(law, as_of, roster, projection, findings, plan)


def retirement_roadmap(reform: Reform | str | None = None):
    """The retirement roadmap of the reform's parameters (2 queries)."""
    from staffing.retirement import Roadmap

    if not isinstance(reform, Reform):
        reform = current_reform(reform)
    value = Parameter.objects.get(reform=reform, key="retirement_roadmap").value
    return Roadmap.from_value(value)

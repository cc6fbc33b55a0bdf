"""The Decree 32 check as pure functions over plain data (domain.md §8). No queries here.

``staffing.services`` loads a :class:`Law` (the reform's PositionRule and Parameter rows) and a :class:`Roster`
(wards, officials, post holdings, relations as named tuples) and calls :func:`evaluate`, which

1. :func:`project`\\ s the roster to the day after the cutover: the holdings open on the reference date, minus
   the holders retiring before the cutover and the abolished posts, with the reassignment plan
   (``staffing.plan_types.PlannedChange``) laid over it (keep / move / appoint / retire / leave / lapse);
2. runs every rule (one function per code of §8) over the roster and the projection;
3. returns the findings sorted by ward, severity, official.

Code holds the logic; every number (ages, seats, dates, thresholds) comes from the Law, i.e. from data.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple

from staffing.plan_types import PlannedChange
from staffing.retirement import Retirement, Roadmap, add_months, add_years, retirement

BLOCKER, WARNING, INFO = "blocker", "warning", "info"
SEVERITIES = (BLOCKER, WARNING, INFO)
SEVERITY_LABELS = {BLOCKER: "Phải xử lý", WARNING: "Cần quyết định", INFO: "Ghi nhận"}
OFFICIAL, WARD, DISTRICT = "official", "ward", "district"
LEVELS = (OFFICIAL, WARD, DISTRICT)
LEVEL_LABELS = {OFFICIAL: "Cán bộ", WARD: "Phường", DISTRICT: "Quận"}

# Every code of domain.md §8, in catalogue order, with a short Vietnamese label.
CODES = {
    "RETIRES_BEFORE_CUTOVER": "Nghỉ hưu trước ngày chuyển đổi",
    "RETIRES_WITHIN_TERM": "Nghỉ hưu trong nhiệm kỳ",
    "POST_ABOLISHED": "Chức danh bị bãi bỏ",
    "CONVERSION_REQUIRED": "Cần quyết định chuyển đổi",
    "EDUCATION_BELOW_STANDARD": "Trình độ chuyên môn chưa đạt chuẩn",
    "IT_CERTIFICATE_MISSING": "Thiếu chứng chỉ tin học",
    "POLITICAL_THEORY_BELOW_STANDARD": "Lý luận chính trị chưa đạt chuẩn",
    "CIVIL_STATUS_QUALIFICATION": "Thiếu trình độ luật, bồi dưỡng hộ tịch",
    "APPOINTMENT_AGE": "Không đủ tuổi bổ nhiệm",
    "CHAIR_TENURE_LIMIT": "Quá 10 năm giữ chức Chủ tịch",
    "RELATIVE_IN_RESTRICTED_POST": "Người thân giữ vị trí bị hạn chế",
    "CHAIR_VACANT": "Khuyết Chủ tịch UBND phường",
    "VICE_CHAIR_COUNT": "Số Phó Chủ tịch ngoài giới hạn",
    "ROLE_VACANT": "Khuyết chức danh bắt buộc",
    "DISTRICT_HEADCOUNT_EXCEEDED": "Vượt biên chế công chức phường của quận",
}

CHAIR, VICE_CHAIR = "CHU_TICH", "PHO_CHU_TICH"
QUALIFICATION_CODES = (
    "EDUCATION_BELOW_STANDARD",
    "IT_CERTIFICATE_MISSING",
    "POLITICAL_THEORY_BELOW_STANDARD",
    "CIVIL_STATUS_QUALIFICATION",
)
LEADERSHIP = (CHAIR, VICE_CHAIR)
CLASSES = ("I", "II", "III")
DEFAULT_MARK = " [mặc định, chờ Sở Nội vụ xác nhận]"

# Legal texts of logic that has no number to hold (the numbers' citations come from the Parameter rows).
BASIS_TRANSITION = (
    "Nghị định 32/2021/NĐ-CP: Chủ tịch, Phó Chủ tịch UBND và công chức phường đã bầu, tuyển dụng trước "
    "01/7/2021 được chuyển thành công chức làm việc tại phường theo quyết định của Chủ tịch UBND quận"
)
BASIS_CHAIR = (
    "Nghị định 32/2021/NĐ-CP: Chủ tịch UBND quận bổ nhiệm Chủ tịch UBND phường hoặc giao quyền Chủ tịch"
)


# ---------------------------------------------------------------------------------------------- the law


@dataclass(frozen=True)
class PostRule:
    """A PositionRule row with its Position: what the reform says of one post."""

    code: str
    title: str
    kind: str
    display_order: int
    abolished: bool = False
    in_structure: bool = False
    seats: dict = field(default_factory=dict)  # ward class -> (min or None, max or None)
    counts_in_headcount: bool = False
    kind_after: str = ""
    min_education: int | None = None
    min_political_theory: int | None = None
    requires_it_certificate: bool = False
    requires_law_training: bool = False
    requires_civil_status_training: bool = False
    citation: str = ""
    is_default: bool = False

    def seats_for(self, ward_class: str) -> tuple[int | None, int | None]:
        return self.seats.get(ward_class, (None, None))

    @property
    def basis(self) -> str:
        return self.citation + (DEFAULT_MARK if self.is_default else "")


@dataclass(frozen=True)
class Param:
    key: str
    value: object
    citation: str
    is_default: bool = False
    label: str = ""

    @property
    def basis(self) -> str:
        return self.citation + (DEFAULT_MARK if self.is_default else "")


@dataclass(frozen=True)
class Law:
    """A reform as the rules see it: cutover date, per-post rules and parameters, all from data."""

    code: str
    title: str
    cutover: dt.date
    legal_basis: str
    posts: dict  # position code -> PostRule
    params: dict  # key -> Param

    def value(self, key: str):
        return self.params[key].value

    def basis(self, *keys: str) -> str:
        return "; ".join(self.params[k].basis for k in keys)

    def date(self, key: str) -> dt.date:
        value = self.value(key)
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)

    @property
    def defaults(self) -> list:
        """Labels of the parameters and post rules still marked "default, awaiting confirmation"."""
        params = [p.label or p.key for p in self.params.values() if p.is_default]
        posts = [p.title for p in sorted(self.posts.values(), key=lambda p: p.display_order) if p.is_default]
        return params + posts

    @cached_property
    def roadmap(self) -> Roadmap:
        return Roadmap.from_value(self.value("retirement_roadmap"))


# ------------------------------------------------------------------------------------------- the roster
#
# The records below are named tuples: a national roster holds 250,000 people and 260,000 holdings, and a tuple
# is built straight from a database row (``Person._make(row)``) at a fraction of a dataclass's time and memory.


class WardInfo(NamedTuple):
    id: int
    slug: str
    name: str
    ward_class: str
    district_id: int
    order: int = 0  # position in the portal's ward order


class Person(NamedTuple):
    id: int
    code: str
    full_name: str
    sex: str
    birth_date: dt.date
    ward_id: int
    education: int
    political_theory: int = 0
    it_certificate: bool = False
    law_training: bool = False
    civil_status_training: bool = False
    recruitment_date: dt.date | None = None
    sort_key: str = ""
    birth_year_only: bool = False


class Holding(NamedTuple):
    id: int
    official_id: int
    ward_id: int
    position: str
    start_date: dt.date
    is_primary: bool = True

    # A holding carried over to the day after the cutover is its own seat there: it has a Seat's attributes.
    change = None

    @property
    def since(self) -> dt.date:
        return self.start_date

    @property
    def holding_id(self) -> int:
        return self.id


class Relation(NamedTuple):
    official_id: int
    relative_id: int
    kind: str


@dataclass
class Roster:
    """What one check sees. ``holdings`` are those open on the reference date. ``scope`` is the set of ward
    ids the findings are for; ``districts`` maps each district whose every ward is in scope to its number
    of wards (district-level rules run only for those)."""

    wards: dict  # id -> WardInfo (in scope, plus plan targets)
    people: dict  # id -> Person
    holdings: list
    relations: list = field(default_factory=list)
    scope: set = field(default_factory=set)
    districts: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------------------ the finding


class Finding(NamedTuple):
    """One finding. Its message is ``text``, or ``text.format(*text_args)`` when there are arguments: the check
    of a whole country makes some 200,000 findings and formats a message only when it is read."""

    code: str
    severity: str
    level: str
    text: str
    basis: str
    ward_id: int | None = None
    ward_slug: str | None = None
    ward_name: str | None = None
    official_id: int | None = None
    official_code: str | None = None
    official_name: str | None = None
    position: str | None = None  # the post the finding is about, where there is one
    sort_key: tuple = ()
    text_args: tuple = ()

    @property
    def message(self) -> str:
        return self.text.format(*self.text_args) if self.text_args else self.text

    @property
    def label(self) -> str:
        return CODES[self.code]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    def as_dict(self) -> dict:
        """The JSON shape of the command and the API."""
        return {"code": self.code, "severity": self.severity, "level": self.level, "ward": self.ward_slug,
                "official": self.official_code, "message": self.message, "basis": self.basis}  # fmt: skip


_new = tuple.__new__  # builds a named tuple from a tuple of its fields, without the keyword-parsing __new__
CODE_INDEX = {code: i for i, code in enumerate(CODES)}
SEVERITY_INDEX = {severity: i for i, severity in enumerate(SEVERITIES)}


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _age(r: Retirement) -> str:
    return f"{r.age_years} tuổi" + (f" {r.age_months} tháng" if r.age_months else "")


# --------------------------------------------------------------------------------------- the projection

KEEP, MOVE, APPOINT, RETIRE, LEAVE, LAPSE = "keep", "move", "appoint", "retire", "leave", "lapse"
LEAVING_REASONS = {"retirement": "nghỉ hưu", "abolished": "chức danh bãi bỏ", "plan": "theo phương án"}


class Seat(NamedTuple):
    """A post held on the day after the cutover, as the plan makes it. A current holding carried over is its
    own seat (a :class:`Holding` has the same attributes, with ``change`` None), so that a national roster's
    250,000 carry-overs need no second object each."""

    official_id: int
    ward_id: int
    position: str
    is_primary: bool
    since: dt.date | None  # start of the current holding (carry-over) or the change's date (plan)
    change: PlannedChange | None = None
    holding_id: int | None = None


@dataclass
class Projection:
    as_of: dt.date
    cutover: dt.date
    retirements: dict  # official id -> Retirement
    seats: list  # Seat, or a Holding carried over
    leaving: list  # (Holding, reason) with reason a key of LEAVING_REASONS
    changes: dict  # official id -> [PlannedChange]

    @cached_property
    def seats_by_official(self) -> dict:
        out = defaultdict(list)
        for seat in self.seats:
            out[seat.official_id].append(seat)
        return out

    @cached_property
    def holders(self) -> dict:
        """(ward id, position) -> sorted distinct official ids seated there after the cutover."""
        out = {}
        for seat in self.seats:
            key = (seat.ward_id, seat.position)
            ids = out.get(key)
            if ids is None:
                out[key] = [seat.official_id]
            else:
                ids.append(seat.official_id)
        for key, ids in out.items():
            if len(ids) > 1:
                out[key] = sorted(set(ids))
        return out

    def outcomes(self, official_id: int) -> set:
        return {c.outcome for c in self.changes.get(official_id, ())}


def retirements_of(people: Iterable[Person], roadmap: Roadmap) -> dict:
    """official id -> Retirement for everyone of sex M or F. Computed once per sex and birth month (only the
    month matters, see :func:`staffing.retirement.retirement`): a roster shares a few hundred of them."""
    memo = {"M": {}, "F": {}}  # sex -> {year * 12 + month: Retirement}
    out = {}
    for p in people:
        by_month = memo.get(p.sex)
        if by_month is None:
            continue
        born = p.birth_date
        month = born.year * 12 + born.month
        r = by_month.get(month)
        if r is None:
            r = by_month[month] = retirement(p.sex, born, roadmap)
        out[p.id] = r
    return out


def project(
    roster: Roster, law: Law, plan: Iterable[PlannedChange] | None = None, as_of: dt.date | None = None
) -> Projection:
    """The roster on the day after the cutover: carry-overs, changed by the plan."""
    cutover = law.cutover
    retirements = retirements_of(roster.people.values(), law.roadmap)
    retiring = {oid for oid, r in retirements.items() if r.retirement_date < cutover}
    kept = {code for code, post in law.posts.items() if not post.abolished}
    changes = defaultdict(list)
    for change in plan or ():
        changes[change.official_id].append(change)
    seats, leaving = [], []
    add_seat, add_leaving = seats.append, leaving.append
    for h in roster.holdings:
        official_id = h.official_id
        if official_id in retiring:
            add_leaving((h, "retirement"))
        elif h.position not in kept:
            add_leaving((h, "abolished"))
        elif official_id in changes and _leaves_by_plan(h, changes[official_id]):
            add_leaving((h, "plan"))
        else:
            add_seat(h)
    for official_id, official_changes in changes.items():
        person = roster.people.get(official_id)
        for c in official_changes:
            if c.outcome in (MOVE, APPOINT) and c.target_position:
                ward_id = c.target_ward_id or (person.ward_id if person else None)
                if ward_id is None:
                    continue
                seats.append(
                    Seat(official_id, ward_id, c.target_position, True, c.effective_date or cutover, c)
                )
    return Projection(as_of or cutover, cutover, retirements, seats, leaving, dict(changes))


def _leaves_by_plan(h: Holding, changes: list) -> bool:
    """Whether the plan ends the holding ``h`` of an official with ``changes`` (who neither retires before the
    cutover nor holds an abolished post)."""
    outcomes = {c.outcome for c in changes}
    if outcomes & {RETIRE, LEAVE}:
        return True
    if h.is_primary:
        return bool(outcomes & {MOVE, APPOINT})
    return any(c.outcome == LAPSE and c.holding_id in (None, h.id) for c in changes)


# ------------------------------------------------------------------------------------------- the rules


class SeatIndex(NamedTuple):
    """What the rules read of the seats after the cutover, gathered in one walk over them (a national roster
    has 250,000): lists in the projection's order.

    - standard: (person, seat, post) for every in-structure post held by an official in scope, once per
      official and post;
    - filled: position -> ids of the wards where someone holds it;
    - leaders: the seats of Chairs and Vice-Chairs;
    - below_standard: code of a qualification rule -> the standard seats whose holder falls short of the
      post's standard (education or political theory below its minimum, no IT certificate, law or civil
      status training missing where it requires one);
    - converting: official id -> the standard seat carried over (no plan change) into a post that becomes a
      civil servant's: their primary one, else the earliest holding;
    - kept: official id -> all their seats, for the officials one of whose posts is abolished.
    """

    standard: list
    filled: dict
    leaders: list
    below_standard: dict
    converting: dict
    kept: dict


@dataclass
class Context:
    """Everything a rule reads: the law, the roster, the projection and the reference date."""

    law: Law
    roster: Roster
    projection: Projection
    as_of: dt.date

    def finding(
        self, code, severity, level, message, basis, *, ward_id=None, person=None, position=None, args=()
    ):
        """A finding; with ``args``, ``message`` is a format string (see :class:`Finding`)."""
        if person is None:
            official_id = official_code = official_name = None
            person_key = ""
        else:
            if ward_id is None:
                ward_id = person.ward_id
            official_id, official_code, official_name = person.id, person.code, person.full_name
            person_key = person.sort_key
        ward = self.roster.wards.get(ward_id) if ward_id is not None else None
        key = (
            -1 if ward is None else ward.order,
            SEVERITY_INDEX[severity],
            person_key,
            official_code or "",
            CODE_INDEX[code],
            self.post_order.get(position, 0),
        )
        if ward is None:
            fields = (code, severity, level, message, basis, None, None, None)
        else:
            fields = (code, severity, level, message, basis, ward.id, ward.slug, ward.name)
        return _new(Finding, (*fields, official_id, official_code, official_name, position, key, args))

    def official_finding(self, code, severity, message, basis, person, position, args=()):
        """``finding(code, severity, OFFICIAL, message, basis, person=person, position=position, args=args)``,
        faster."""
        ward = self.roster.wards.get(person.ward_id)
        if ward is None:
            return self.finding(
                code, severity, OFFICIAL, message, basis, person=person, position=position, args=args
            )
        key = (
            ward.order, SEVERITY_INDEX[severity], person.sort_key, person.code, CODE_INDEX[code],
            self.post_order.get(position, 0),
        )  # fmt: skip
        return _new(Finding, (code, severity, OFFICIAL, message, basis, ward.id, ward.slug, ward.name, person.id,
                              person.code, person.full_name, position, key, args))  # fmt: skip

    @cached_property
    def post_basis(self) -> dict:
        return {code: post.basis for code, post in self.law.posts.items()}

    @cached_property
    def post_order(self) -> dict:
        return {code: post.display_order for code, post in self.law.posts.items()}

    @cached_property
    def cutover(self) -> str:
        """The cutover date as the messages write it."""
        return _d(self.law.cutover)

    def in_scope(self, person: Person | None) -> bool:
        return person is not None and person.ward_id in self.roster.scope

    @cached_property
    def seat_index(self) -> "SeatIndex":
        """One walk over the projection's seats for every rule that reads them (see :class:`SeatIndex`)."""
        people, scope = self.roster.people, self.roster.scope
        structure = {code: post for code, post in self.law.posts.items() if post.in_structure}
        needs = {
            code: (post.min_education, post.requires_it_certificate, post.min_political_theory,
                   post.requires_law_training, post.requires_civil_status_training, post.kind_after == "cong_chuc")
            for code, post in structure.items()
        }  # fmt: skip
        losing = {h.official_id for h, reason in self.projection.leaving if reason == "abolished"}
        index = SeatIndex(
            [], defaultdict(set), [], {code: [] for code in QUALIFICATION_CODES}, {}, defaultdict(list)
        )
        standard, filled, leaders, converting, kept = (
            index.standard,
            index.filled,
            index.leaders,
            index.converting,
            index.kept,
        )
        education, it, political, civil = (index.below_standard[code] for code in QUALIFICATION_CODES)
        first = {}  # official id -> position of their first standard seat
        seen = set()  # (official id, position) of the others
        for seat in self.projection.seats:
            position, official_id = seat.position, seat.official_id
            filled[position].add(seat.ward_id)
            if position in LEADERSHIP:
                leaders.append(seat)
            if official_id in losing:
                kept[official_id].append(seat)
            post = structure.get(position)
            if post is None:
                continue
            person = people.get(official_id)
            if person is None or person.ward_id not in scope:
                continue
            other = first.get(official_id)
            if other is None:
                first[official_id] = position
            elif other == position:
                continue
            else:  # another post of the same official (rare)
                key = (official_id, position)
                if key in seen:
                    continue
                seen.add(key)
            item = (person, seat, post)
            standard.append(item)
            min_education, needs_it, min_political, needs_law, needs_civil_status, converts = needs[position]
            if min_education is not None and person.education < min_education:
                education.append(item)
            if needs_it and not person.it_certificate:
                it.append(item)
            if min_political is not None and person.political_theory < min_political:
                political.append(item)
            if (needs_law and not person.law_training) or (
                needs_civil_status and not person.civil_status_training
            ):
                civil.append(item)
            if converts and seat.change is None:
                chosen = converting.setdefault(official_id, item)
                if chosen is not item and _primary_first(seat) < _primary_first(chosen[1]):
                    converting[official_id] = item
        return index

    @property
    def standard_seats(self) -> list:
        return self.seat_index.standard

    @property
    def below_standard(self) -> dict:
        return self.seat_index.below_standard

    @property
    def filled(self) -> dict:
        return self.seat_index.filled

    @property
    def leader_seats(self) -> list:
        return self.seat_index.leaders

    @cached_property
    def scope_wards(self) -> list:
        """The wards in scope, in the portal's order."""
        return sorted(
            (w for w in self.roster.wards.values() if w.id in self.roster.scope), key=lambda w: w.order
        )

    @cached_property
    def titles(self) -> dict:
        return {code: post.title for code, post in self.law.posts.items()}

    def title(self, code: str) -> str:
        return self.titles.get(code, code)


def rule_retires_before_cutover(ctx: Context):
    # The officials of the wards in scope holding a post now who retire before the cutover: the projection
    # sets all their holdings aside for retirement. Each is named by their primary post (else the first).
    first = {}
    for h, reason in ctx.projection.leaving:
        if reason == "retirement":
            other = first.get(h.official_id)
            if other is None or (not h.is_primary, h.id) < (not other.is_primary, other.id):
                first[h.official_id] = h
    basis = ctx.law.basis("retirement_roadmap")
    for official_id in sorted(first):
        person = ctx.roster.people.get(official_id)
        if not ctx.in_scope(person):
            continue
        r = ctx.projection.retirements[official_id]
        resolved = ctx.projection.outcomes(person.id) & {RETIRE, LEAVE}
        born = (
            f"năm sinh {person.birth_date.year}"
            if person.birth_year_only
            else f"sinh {_d(person.birth_date)}"
        )
        message = (
            f"{person.full_name} ({born}) đủ tuổi nghỉ hưu {_age(r)}, thời điểm nghỉ hưu {_d(r.retirement_date)}, "
            f"trước ngày chuyển đổi {ctx.cutover}"
            + ("; đã có phương án nghỉ." if resolved else ": cần giải quyết chế độ và không chuyển đổi.")
        )
        yield ctx.official_finding("RETIRES_BEFORE_CUTOVER", INFO if resolved else BLOCKER, message, basis, person,
                                   first[official_id].position)  # fmt: skip


def rule_retires_within_term(ctx: Context):
    cutover = ctx.law.cutover
    term = ctx.law.value("term_years")
    term_end = add_years(cutover, term)
    basis = ctx.law.basis("term_years", "retirement_roadmap")
    seen = set()
    for seat in ctx.leader_seats:
        r = ctx.projection.retirements.get(seat.official_id)
        if r is None or not (cutover <= r.retirement_date < term_end):
            continue
        person = ctx.roster.people.get(seat.official_id)
        if not ctx.in_scope(person) or person.id in seen:
            continue
        seen.add(person.id)
        proposed = " (theo phương án)" if seat.change else ""
        message = (
            f"{ctx.title(seat.position)}{proposed} {person.full_name} nghỉ hưu ngày {_d(r.retirement_date)} "
            f"({_age(r)}), trước khi hết nhiệm kỳ {term} năm tính từ {ctx.cutover}."
        )
        yield ctx.official_finding("RETIRES_WITHIN_TERM", WARNING, message, basis, person, seat.position)


def rule_post_abolished(ctx: Context):
    abolished = [h for h, reason in ctx.projection.leaving if reason == "abolished"]
    seats = ctx.seat_index.kept  # the seats their holders keep after the cutover
    titles, scope, changes = ctx.titles, ctx.roster.scope, ctx.projection.changes
    texts = {}  # (abolished post, posts kept or None) -> message: the same few for thousands of officials
    for h in abolished:
        person = ctx.roster.people.get(h.official_id)
        if person is None or person.ward_id not in scope:
            continue
        remaining = seats.get(person.id, [])
        outcomes = ctx.projection.outcomes(person.id) if person.id in changes else set()
        title = titles.get(h.position, h.position)
        if remaining and not (outcomes & {MOVE, APPOINT}):
            kept = (remaining[0].position,) if len(remaining) == 1 else tuple([s.position for s in remaining])
            severity, message = INFO, texts.get((h.position, kept))
            if message is None:
                others = ", ".join([titles.get(code, code) for code in kept])
                message = texts[h.position, kept] = (
                    f"Chức danh kiêm nhiệm {title} bãi bỏ từ {ctx.cutover}; tiếp tục giữ {others}."
                )
        elif remaining or outcomes & {RETIRE, LEAVE}:
            severity, message = INFO, texts.get((h.position, None))
            if message is None:
                message = texts[h.position, None] = (
                    f"Chức danh {title} bãi bỏ từ {ctx.cutover}; đã có phương án bố trí."
                )
        else:
            severity = BLOCKER
            message = (
                f"Chức danh duy nhất {title} của {person.full_name} bãi bỏ từ {ctx.cutover}: "
                "cần bố trí công tác khác hoặc giải quyết chính sách."
            )
        yield ctx.official_finding("POST_ABOLISHED", severity, message, ctx.post_basis.get(h.position, ""), person,
                                   h.position)  # fmt: skip


def _primary_first(seat) -> tuple:
    return (not seat.is_primary, seat.holding_id)


def rule_conversion_required(ctx: Context):
    # One finding per official carried over (no plan change) into a post that becomes a civil servant's: the
    # primary one, else the earliest holding (SeatIndex.converting).
    text = (
        f"{{}} ({{}}) chuyển thành công chức làm việc tại phường từ {ctx.cutover}: cần quyết định chuyển đổi của "
        "Chủ tịch UBND quận."
    )
    # Three findings in four at national scale are these: each is built here as Context.official_finding
    # builds it, without a call.
    wards, post_order = ctx.roster.wards, ctx.post_order
    severity_index, code_index = SEVERITY_INDEX[INFO], CODE_INDEX["CONVERSION_REQUIRED"]
    for person, seat, post in ctx.seat_index.converting.values():
        args = (person.full_name, post.title)
        ward = wards.get(person.ward_id)
        if ward is None:
            yield ctx.official_finding(
                "CONVERSION_REQUIRED", INFO, text, BASIS_TRANSITION, person, seat.position, args
            )
            continue
        position = seat.position
        key = (
            ward.order,
            severity_index,
            person.sort_key,
            person.code,
            code_index,
            post_order.get(position, 0),
        )
        yield _new(Finding, ("CONVERSION_REQUIRED", INFO, OFFICIAL, text, BASIS_TRANSITION, ward.id, ward.slug,
                             ward.name, person.id, person.code, person.full_name, position, key, args))  # fmt: skip


def _memo(function):
    """``function`` of one argument, computed once per distinct argument (for the length of one rule)."""
    values = {}

    def memoised(arg):
        if arg not in values:
            values[arg] = function(arg)
        return values[arg]

    return memoised


def _education_label(level: int | None) -> str:
    from personnel.models import Education  # labels only; the rules never query

    return str(Education(level).label).lower() if level is not None else "—"


def _political_label(level: int | None) -> str:
    from personnel.models import PoliticalTheory

    return str(PoliticalTheory(level).label).lower() if level is not None else "—"


def rule_education_below_standard(ctx: Context):
    grace_from = ctx.law.date("education_grace_recruited_before")
    grace_until = ctx.law.date("education_grace_until")
    grace_basis = ctx.law.basis("education_grace_recruited_before", "education_grace_until")
    label = _memo(_education_label)
    # Seats whose holder's education is below the post's minimum (Context.below_standard).
    for person, seat, post in ctx.below_standard["EDUCATION_BELOW_STANDARD"]:
        in_grace = bool(
            person.recruitment_date and person.recruitment_date < grace_from and ctx.as_of <= grace_until
        )
        message = f"Trình độ {label(person.education)}, chức danh {post.title} yêu cầu {label(post.min_education)} trở lên"
        if in_grace:
            message += (
                f"; tuyển dụng {_d(person.recruitment_date)}, trong thời hạn chuẩn hóa đến {_d(grace_until)}."
            )
        elif person.recruitment_date and person.recruitment_date < grace_from:
            message += f"; đã hết thời hạn chuẩn hóa ({_d(grace_until)})."
        else:
            message += "; không thuộc diện được chuẩn hóa."
        basis = ctx.post_basis[post.code] + "; " + grace_basis
        yield ctx.official_finding("EDUCATION_BELOW_STANDARD", WARNING if in_grace else BLOCKER, message, basis,
                                   person, seat.position)  # fmt: skip


def rule_it_certificate_missing(ctx: Context):
    # Seats of posts requiring a basic IT certificate held by someone without one (Context.below_standard).
    for person, seat, post in ctx.below_standard["IT_CERTIFICATE_MISSING"]:
        message = f"{post.title}: chưa có chứng chỉ tin học cơ bản."
        yield ctx.official_finding("IT_CERTIFICATE_MISSING", WARNING, message, ctx.post_basis[post.code], person,
                                   seat.position)  # fmt: skip


def rule_political_theory_below_standard(ctx: Context):
    label = _memo(_political_label)
    # Seats whose holder's political theory is below the post's minimum (Context.below_standard).
    for person, seat, post in ctx.below_standard["POLITICAL_THEORY_BELOW_STANDARD"]:
        message = (
            f"Lý luận chính trị {label(person.political_theory)}; {post.title} cần "
            f"{label(post.min_political_theory)} trở lên."
        )
        yield ctx.official_finding("POLITICAL_THEORY_BELOW_STANDARD", WARNING, message, ctx.post_basis[post.code],
                                   person, seat.position)  # fmt: skip


def rule_civil_status_qualification(ctx: Context):
    # Seats of posts requiring law or civil status training held by someone missing one (Context.below_standard).
    for person, seat, post in ctx.below_standard["CIVIL_STATUS_QUALIFICATION"]:
        missing = []
        if post.requires_law_training and not person.law_training:
            missing.append("trung cấp luật")
        if post.requires_civil_status_training and not person.civil_status_training:
            missing.append("bồi dưỡng nghiệp vụ hộ tịch")
        if missing:
            message = f"{post.title}: chưa có {' và '.join(missing)}."
            yield ctx.official_finding("CIVIL_STATUS_QUALIFICATION", WARNING, message, ctx.post_basis[post.code],
                                       person, seat.position)  # fmt: skip


def months_left_ok(reference: dt.date, pension_from: dt.date, months: int) -> bool:
    """At least ``months`` of service from ``reference`` (inclusive) to the retirement date (inclusive)."""
    return add_months(reference, months) <= pension_from


def rule_appointment_age(ctx: Context):
    months = ctx.law.value("appointment_min_months_left")
    for official_id, changes in sorted(ctx.projection.changes.items()):
        person = ctx.roster.people.get(official_id)
        if not ctx.in_scope(person):
            continue
        r = ctx.projection.retirements.get(official_id)
        for c in changes:
            if not c.is_promotion or c.outcome not in (MOVE, APPOINT) or r is None:
                continue
            reference = c.effective_date or ctx.law.cutover
            if months_left_ok(reference, r.pension_from, months):
                continue
            message = (
                f"Đề xuất bổ nhiệm {ctx.title(c.target_position)} từ {_d(reference)}: {person.full_name} nghỉ hưu "
                f"ngày {_d(r.retirement_date)}, còn dưới {months} tháng công tác."
            )
            yield ctx.finding("APPOINTMENT_AGE", BLOCKER, OFFICIAL, message,
                              ctx.law.basis("appointment_min_months_left"), person=person,
                              position=c.target_position)  # fmt: skip


def completed_years(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` inclusive."""
    after = end + dt.timedelta(days=1)
    years = after.year - start.year
    if add_years(start, years) > after:
        years -= 1
    return years


def rule_chair_tenure_limit(ctx: Context):
    limit = ctx.law.value("chair_tenure_limit_years")
    term = ctx.law.value("term_years")
    term_end = add_years(ctx.law.cutover, term) - dt.timedelta(days=1)
    basis = ctx.law.basis("chair_tenure_limit_years", "term_years")
    years_since = {}  # start date -> whole years to the end of the term
    for seat in ctx.leader_seats:
        if seat.position != CHAIR or seat.change or not seat.since:
            continue
        person = ctx.roster.people.get(seat.official_id)
        if not ctx.in_scope(person):
            continue
        # Counted in whole years, as terms are: a Chair since mid-2016 ends the 2021–2026 term at 10 years.
        years = years_since.get(seat.since)
        if years is None:
            years = years_since[seat.since] = completed_years(seat.since, term_end)
        if years > limit:
            message = (
                f"Chủ tịch UBND phường từ {_d(seat.since)}: đến hết nhiệm kỳ mới ({_d(term_end)}) sẽ giữ chức "
                f"{years} năm liên tục tại phường, quá {limit} năm."
            )
            yield ctx.official_finding("CHAIR_TENURE_LIMIT", WARNING, message, basis, person, CHAIR)


def rule_relative_in_restricted_post(ctx: Context):
    restricted = set(ctx.law.value("relative_restricted_posts"))
    kinds = set(ctx.law.value("relative_kinds"))
    basis = ctx.law.basis("relative_restricted_posts", "relative_kinds")
    related = defaultdict(set)
    for rel in ctx.roster.relations:
        if rel.kind in kinds:
            related[rel.official_id].add(rel.relative_id)
            related[rel.relative_id].add(rel.official_id)
    candidates = [s for s in ctx.projection.seats if s.official_id in related and s.position in restricted]
    wards = {seat.ward_id for seat in candidates}
    leaders = defaultdict(set)  # ward id -> leader official ids after the cutover (of the candidates' wards)
    for seat in ctx.leader_seats:
        if seat.ward_id in wards:
            leaders[seat.ward_id].add(seat.official_id)
    seen = set()
    for seat in candidates:
        person = ctx.roster.people.get(seat.official_id)
        if not ctx.in_scope(person) or (person.id, seat.position) in seen:
            continue
        for leader_id in sorted(related.get(person.id, set()) & leaders.get(seat.ward_id, set())):
            leader = ctx.roster.people.get(leader_id)
            seen.add((person.id, seat.position))
            name = leader.full_name if leader else f"#{leader_id}"
            message = (
                f"{person.full_name} giữ {ctx.title(seat.position)} là người thân của {name}, lãnh đạo UBND phường "
                "sau chuyển đổi: cần bố trí vị trí khác."
            )
            yield ctx.official_finding(
                "RELATIVE_IN_RESTRICTED_POST", WARNING, message, basis, person, seat.position
            )
            break


def rule_chair_vacant(ctx: Context):
    post = ctx.law.posts.get(CHAIR)
    for ward in ctx.scope_wards:
        if ward.id not in ctx.filled.get(CHAIR, ()):
            message = (
                f"Phường {ward.name} không có Chủ tịch UBND sau ngày {ctx.cutover}: Chủ tịch UBND quận cần "
                "bổ nhiệm hoặc giao quyền Chủ tịch."
            )
            basis = BASIS_CHAIR + ("; " + post.basis if post else "")
            yield ctx.finding("CHAIR_VACANT", BLOCKER, WARD, message, basis, ward_id=ward.id, position=CHAIR)


def rule_vice_chair_count(ctx: Context):
    post = ctx.law.posts.get(VICE_CHAIR)
    if post is None:
        return
    vice_chairs = defaultdict(set)
    for seat in ctx.leader_seats:
        if seat.position == VICE_CHAIR:
            vice_chairs[seat.ward_id].add(seat.official_id)
    for ward in ctx.scope_wards:
        low, high = post.seats_for(ward.ward_class)
        n = len(vice_chairs.get(ward.id, ()))
        if (low is not None and n < low) or (high is not None and n > high):
            limit = (
                f"{low}" if low == high else f"{low or 0}–{high}" if high is not None else f"ít nhất {low}"
            )
            message = f"Phường {ward.name} (loại {ward.ward_class}) có {n} Phó Chủ tịch sau chuyển đổi; quy định: {limit}."
            yield ctx.finding("VICE_CHAIR_COUNT", BLOCKER, WARD, message, post.basis, ward_id=ward.id,
                              position=VICE_CHAIR)  # fmt: skip


def rule_role_vacant(ctx: Context):
    posts = sorted(
        (
            p
            for p in ctx.law.posts.values()
            if p.in_structure and not p.abolished and p.code not in LEADERSHIP
        ),
        key=lambda p: p.display_order,
    )
    required = {}  # ward class -> the posts of ``posts`` a ward of that class must fill
    filled = ctx.filled
    for ward in ctx.scope_wards:
        if ward.ward_class not in required:
            required[ward.ward_class] = [p for p in posts if p.seats_for(ward.ward_class)[0]]
        for post in required[ward.ward_class]:
            if ward.id not in filled.get(post.code, ()):
                message = f"Phường {ward.name} không có người đảm nhiệm {post.title} sau ngày {ctx.cutover}."
                yield ctx.finding("ROLE_VACANT", WARNING, WARD, message, ctx.post_basis[post.code], ward_id=ward.id,
                                  position=post.code)  # fmt: skip


def headcount_by_district(law: Law, roster: Roster, projection: Projection) -> dict:
    """district id -> distinct officials seated after the cutover in posts counting in the headcount."""
    counting = {code for code, post in law.posts.items() if post.counts_in_headcount and not post.abolished}
    district_of = {wid: w.district_id for wid, w in roster.wards.items() if w.district_id in roster.districts}
    counted = defaultdict(set)
    for seat in projection.seats:
        if seat.position in counting:
            district_id = district_of.get(seat.ward_id)
            if district_id is not None:
                counted[district_id].add(seat.official_id)
    return {district_id: len(ids) for district_id, ids in counted.items()}


def rule_district_headcount_exceeded(ctx: Context):
    per_ward = ctx.law.value("headcount_per_ward")
    counts = headcount_by_district(ctx.law, ctx.roster, ctx.projection)
    for district_id, n_wards in sorted(ctx.roster.districts.items()):
        n, cap = counts.get(district_id, 0), per_ward * n_wards
        if n > cap:
            message = (
                f"Sau chuyển đổi quận có {n} công chức phường tính vào biên chế, vượt mức {per_ward} × {n_wards} "
                f"phường = {cap} (vượt {n - cap})."
            )
            yield ctx.finding("DISTRICT_HEADCOUNT_EXCEEDED", BLOCKER, DISTRICT, message,
                              ctx.law.basis("headcount_per_ward"))  # fmt: skip


RULES = (
    rule_retires_before_cutover,
    rule_retires_within_term,
    rule_post_abolished,
    rule_conversion_required,
    rule_education_below_standard,
    rule_it_certificate_missing,
    rule_political_theory_below_standard,
    rule_civil_status_qualification,
    rule_appointment_age,
    rule_chair_tenure_limit,
    rule_relative_in_restricted_post,
    rule_chair_vacant,
    rule_vice_chair_count,
    rule_role_vacant,
    rule_district_headcount_exceeded,
)


def evaluate(
    roster: Roster, law: Law, *, as_of: dt.date | None = None, plan: Iterable[PlannedChange] | None = None
) -> tuple[list[Finding], Projection]:
    """Every finding of ``roster`` as of ``as_of`` (default: the cutover), with ``plan`` laid over it."""
    as_of = as_of or law.cutover
    projection = project(roster, law, list(plan or ()), as_of)
    ctx = Context(law, roster, projection, as_of)
    # Sorted by sort_key: ward by ward (its first element), then within each ward. The same order as one sort
    # of the whole list (both are stable), in two thirds of its time for a national roster.
    by_ward = {}
    for rule in RULES:
        for f in rule(ctx):
            group = by_ward.get(f.sort_key[0])
            if group is None:
                by_ward[f.sort_key[0]] = [f]
            else:
                group.append(f)
    findings = []
    key = attrgetter("sort_key")
    for order in sorted(by_ward):
        group = by_ward[order]
        group.sort(key=key)
        findings += group
    return findings, projection

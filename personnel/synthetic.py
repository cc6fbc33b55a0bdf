"""A synthetic country for load tests: provinces, districts, wards with classes, and officials holding the
pre-reform posts (as personnel/demo.py models them), with the hand-placed cases of the demo spread over the
wards so that every rule of domain.md §8 that needs no plan fires somewhere.

Deterministic: one seeded generator, consumed in a fixed order, so a seed always gives the same rows.
Written with ``bulk_create`` in batches, inside one transaction. **No history rows** are written for the
synthetic data: django-simple-history records nothing on ``bulk_create`` (its ``bulk_create_with_history``
would double the writes), which is what a load test wants; the change history of these rows starts empty.

Every code is prefixed so nothing collides with the Đống Đa demo: districts ``SD…`` / ``syn-d…``, wards
``S…`` / ``syn-…``, officials ``SYN…``. ``reset_synthetic`` removes exactly those rows.
"""

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from personnel.demo import FAMILY, GIVEN, MAJORS, MIDDLE, STANDARD, Person, _fill
from personnel.models import (
    BirthPrecision,
    Education,
    FamilyRelation,
    Official,
    PoliticalTheory,
    PostHolding,
    RelationKind,
)
from personnel.services import set_search_keys
from wards.models import District, Position, Ward, WardClass
from wards.text import fold

DISTRICT_CODE_PREFIX = "SD"
WARD_CODE_PREFIX = "S"
OFFICIAL_CODE_PREFIX = "SYN"
SLUG_PREFIX = "syn-"

BATCH_SIZE = 2000
WARDS_PER_CHUNK = 200  # wards built in memory at a time: bounds the generator's memory at any size

PROVINCES = [
    "Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "An Giang", "Bà Rịa – Vũng Tàu", "Bắc Giang",
    "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận",
    "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
    "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang",
    "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
    "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế",
    "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
]  # fmt: skip
PLACE_FIRST = ["Tân", "Phú", "An", "Hòa", "Bình", "Long", "Phước", "Thạnh", "Đông", "Tây", "Nam", "Bắc",
               "Trung", "Quang", "Minh", "Hưng", "Thịnh", "Vĩnh", "Xuân", "Đức"]  # fmt: skip
PLACE_SECOND = ["Định", "Lợi", "Khánh", "Thành", "Mỹ", "Hiệp", "Lộc", "Sơn", "Thủy", "Hải", "Phong", "Yên",
                "Lạc", "Châu", "Hà", "Giang", "Tiến", "Hòa", "Lâm", "Ân"]  # fmt: skip

# Posts kept first when a ward has fewer officials than the standard roster (the UBND before the rest).
PRIORITY = ["CHU_TICH", "PHO_CHU_TICH", "VP_TK", "DC_XD_DT_MT", "TC_KT", "TP_HT", "VH_XH", "CHT_QUAN_SU",
            "TRUONG_CONG_AN", "BI_THU_DANG_UY", "PHO_BI_THU_DANG_UY", "PHO_CHU_TICH_HDND", "CHU_TICH_MTTQ",
            "BI_THU_DOAN", "CHU_TICH_HOI_PHU_NU", "CHU_TICH_HOI_CCB"]  # fmt: skip
EXTRA_CYCLE = ["VP_TK", "DC_XD_DT_MT", "TP_HT", "VH_XH", "TC_KT"]  # added past the standard roster


@dataclass(frozen=True)
class Counts:
    provinces: int
    districts: int
    wards: int
    officials: int
    holdings: int
    relations: int


def roster_plan(officials_per_ward: int, ward_class: str) -> list[str]:
    """The primary posts of one ward's officials, in structure order: the demo's standard roster (one
    Vice-Chair in class III), cut by priority or extended with more civil servants to the wanted size."""
    posts = [code for code, n in STANDARD for _ in range(n)]
    if ward_class == WardClass.III:
        posts.remove("PHO_CHU_TICH")
        posts.append("VP_TK")
    if officials_per_ward < len(posts):
        kept, remaining = [], list(posts)
        for code in PRIORITY:
            while code in remaining and len(kept) < officials_per_ward:
                remaining.remove(code)
                kept.append(code)
        posts = kept
    for i in range(officials_per_ward - len(posts)):
        posts.append(EXTRA_CYCLE[i % len(EXTRA_CYCLE)])
    order = {code: i for i, (code, _n) in enumerate(STANDARD)}
    return sorted(posts, key=order.__getitem__)


def _first(people: list[Person], position: str, index: int = 0) -> Person | None:
    holders = [p for p in people if p.position == position]
    return holders[index] if len(holders) > index else None


def _case_chair_retires(people, ward_class):  # RETIRES_BEFORE_CUTOVER, then CHAIR_VACANT
    p = _first(people, "CHU_TICH")
    if p:
        p.sex, p.birth = "M", dt.date(1961, 2, 10)
    return p is not None


def _case_woman_retired(people, ward_class):  # retired at 55 before the cutover, still on the roster
    p = _first(people, "VP_TK")
    if p:
        p.sex, p.birth = "F", dt.date(1965, 12, 3)
    return p is not None


def _case_vice_retires_in_term(people, ward_class):  # RETIRES_WITHIN_TERM
    p = _first(people, "PHO_CHU_TICH")
    if p:
        p.sex, p.birth = "M", dt.date(1963, 5, 20)
    return p is not None


def _case_education_grace(people, ward_class):  # EDUCATION_BELOW_STANDARD, warning (grace until 2024)
    p = _first(people, "DC_XD_DT_MT")
    if p:
        p.education, p.recruited = Education.CAO_DANG, dt.date(2016, 3, 1)
    return p is not None


def _case_education_blocker(people, ward_class):  # EDUCATION_BELOW_STANDARD, blocker (recruited 2020)
    p = _first(people, "VH_XH") or _first(people, "TC_KT")
    if p:
        p.education, p.recruited, p.start = Education.TRUNG_CAP, dt.date(2020, 3, 2), dt.date(2020, 3, 2)
    return p is not None


def _case_political_theory(people, ward_class):  # POLITICAL_THEORY_BELOW_STANDARD
    p = _first(people, "PHO_CHU_TICH")
    if p:
        p.political = PoliticalTheory.SO_CAP
    return p is not None


def _case_civil_status(people, ward_class):  # CIVIL_STATUS_QUALIFICATION
    p = _first(people, "TP_HT")
    if p:
        p.law, p.civil_status = False, False
    return p is not None


def _case_chair_tenure(people, ward_class):  # CHAIR_TENURE_LIMIT
    p = _first(people, "CHU_TICH")
    if p:
        p.start = dt.date(2012, 7, 1)
    return p is not None


def _case_relative(people, ward_class):  # RELATIVE_IN_RESTRICTED_POST: a Vice-Chair's wife keeps the accounts
    vice, accountant = _first(people, "PHO_CHU_TICH"), _first(people, "TC_KT")
    if vice and accountant:
        vice.sex, accountant.sex = "M", "F"
        accountant.relative_of = ("PHO_CHU_TICH", 0, RelationKind.SPOUSE)
    return bool(vice and accountant)


def _case_vice_chair_count(people, ward_class):  # VICE_CHAIR_COUNT: class III with two, I/II with three
    extra = next((p for p in people if p.position == "VP_TK"), None)
    if extra is None or _first(people, "PHO_CHU_TICH") is None:
        return False
    extra.position = "PHO_CHU_TICH"
    return True


def _case_role_vacant(people, ward_class):  # ROLE_VACANT: no Văn hóa – Xã hội civil servant
    holders = [p for p in people if p.position == "VH_XH"]
    for p in holders:
        p.position = "VP_TK"
    return bool(holders)


def _case_it_missing(people, ward_class):  # IT_CERTIFICATE_MISSING (also random elsewhere)
    p = _first(people, "TC_KT")
    if p:
        p.it = False
    return p is not None


# POST_ABOLISHED (the Phó Chủ tịch HĐND, and the Bí thư's concurrent Chủ tịch HĐND), CONVERSION_REQUIRED and
# DISTRICT_HEADCOUNT_EXCEEDED come from the standard roster itself; APPOINTMENT_AGE needs a plan (proposals).
CASES = [
    _case_chair_retires, _case_woman_retired, _case_vice_retires_in_term, _case_education_grace,
    _case_education_blocker, _case_political_theory, _case_civil_status, _case_chair_tenure, _case_relative,
    _case_vice_chair_count, _case_role_vacant, _case_it_missing,
]  # fmt: skip
CASE_RATE = 0.08  # besides the ward's own case (round robin), each other case applies with this chance


def _cached(func):
    cache = {}

    def wrapper(name):
        value = cache.get(name)
        if value is None:
            value = cache[name] = func(name)
        return value

    return wrapper


def _ward_name(rng: random.Random) -> str:
    return f"{rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"


def _districts(rng: random.Random, n_wards: int) -> list[tuple[str, str, int]]:
    """(province, district name, number of wards) covering ``n_wards`` wards, 8 to 20 wards a district."""
    out, left, i = [], n_wards, 0
    while left > 0:
        size = min(left, rng.randint(8, 20))
        province = PROVINCES[i % len(PROVINCES)]
        out.append((province, f"Quận {_ward_name(rng)}", size))
        left -= size
        i += 1
    return out


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL): without them the planner still believes
    the tables are small and picks hash joins over whole tables for a 50-row page."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table)
        for m in (District, Ward, Official, PostHolding, FamilyRelation)
    )
    with connection.cursor() as cursor:
        # VACUUM also sets the visibility map, so counts can use index-only scans; it cannot run inside a
        # transaction (e.g. a test), where ANALYZE alone does.
        cursor.execute(("ANALYZE " if connection.in_atomic_block else "VACUUM ANALYZE ") + tables)


def synthetic_exists() -> bool:
    return District.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def synthetic_counts() -> dict:
    """How much synthetic data the database holds now (for the bench to reuse a matching data set)."""
    wards = Ward.objects.filter(slug__startswith=SLUG_PREFIX)
    return {
        "wards": wards.count(),
        "officials": Official.objects.filter(code__startswith=OFFICIAL_CODE_PREFIX).count(),
    }


def reset_synthetic(*, keep_ward: Ward | None = None) -> dict:
    """Delete every synthetic row (and anything recorded against it), set-based: no model instances, no
    signals, so no history rows either. With ``keep_ward``, that one ward, its district and its officials
    stay (the bench uses this inside a rolled-back transaction to count queries at the size of one ward).
    Returns the number of officials and wards removed."""
    officials = Official.objects.filter(code__startswith=OFFICIAL_CODE_PREFIX)
    wards = Ward.objects.filter(slug__startswith=SLUG_PREFIX)
    districts = District.objects.filter(slug__startswith=SLUG_PREFIX)
    if keep_ward is not None:
        officials = officials.exclude(ward=keep_ward)
        wards = wards.exclude(pk=keep_ward.pk)
        districts = districts.exclude(pk=keep_ward.district_id)
    alias = connection.alias
    with transaction.atomic():
        # Rows of other apps pointing at synthetic officials or wards (proposals, reviews, profiles…):
        # few or none, so the ORM's collecting delete is fine for them.
        for model, qs in ((Official, officials), (Ward, wards)):
            for rel in model._meta.related_objects:
                if rel.related_model in (Official, Ward, PostHolding, FamilyRelation):
                    continue
                if rel.field.model._meta.auto_created:  # many-to-many through tables
                    continue
                rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": qs.values("pk")}).delete()
        official_ids, ward_ids = officials.values("pk"), wards.values("pk")
        FamilyRelation.objects.filter(official__in=official_ids)._raw_delete(alias)
        FamilyRelation.objects.filter(relative__in=official_ids)._raw_delete(alias)
        PostHolding.objects.filter(ward__in=ward_ids)._raw_delete(alias)
        PostHolding.objects.filter(official__in=official_ids)._raw_delete(alias)
        # History written later through the services (e.g. the import benchmark) goes too.
        Official.history.filter(id__in=official_ids)._raw_delete(alias)
        if keep_ward is None:
            Official.history.filter(code__startswith=OFFICIAL_CODE_PREFIX)._raw_delete(alias)
        PostHolding.history.filter(ward_id__in=ward_ids)._raw_delete(alias)
        n_officials = officials._raw_delete(alias)
        n_wards = wards._raw_delete(alias)
        districts._raw_delete(alias)
    return {"officials": n_officials, "wards": n_wards}


def _people_for_ward(
    rng: random.Random, index: int, ward_class: str, officials_per_ward: int
) -> list[Person]:
    people = [Person(position=code) for code in roster_plan(officials_per_ward, ward_class)]
    bi_thu = _first(people, "BI_THU_DANG_UY")
    if bi_thu:
        bi_thu.concurrent = ["CHU_TICH_HDND"]
    for p in people:
        if p.position == "TP_HT":
            p.law = p.civil_status = True
    cases = [CASES[index % len(CASES)]] + [c for c in CASES if rng.random() < CASE_RATE]
    for case in dict.fromkeys(cases):  # each case once, in a fixed order
        case(people, ward_class)
    return people


def _ward_chunks(district_sizes) -> Iterator[list[tuple[District, int]]]:
    """(district, ward index) pairs, WARDS_PER_CHUNK at a time."""
    chunk = []
    index = 0
    for district, size in district_sizes:
        for _ in range(size):
            chunk.append((district, index))
            index += 1
            if len(chunk) == WARDS_PER_CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def generate_synthetic(*, wards: int, officials_per_ward: int, seed: int = 1, progress=None) -> Counts:
    """Write a synthetic country of ``wards`` wards × ``officials_per_ward`` officials. The caller makes
    sure no synthetic data is present (``synthetic_exists`` / ``reset_synthetic``)."""
    if wards < 1 or officials_per_ward < 1:
        raise ValueError("Số phường và số cán bộ mỗi phường phải lớn hơn 0.")
    rng = random.Random(seed)
    fold_name, keys = _cached(fold), _cached(_search_keys)
    positions = {p.code: p for p in Position.objects.all()}
    missing = {code for code, _n in STANDARD} - set(positions)
    if missing:
        raise RuntimeError(f"Position catalogue incomplete (run migrate): {sorted(missing)}")
    totals = {"officials": 0, "holdings": 0, "relations": 0}
    with transaction.atomic():
        plan = _districts(rng, wards)
        district_objs = District.objects.bulk_create(
            [
                District(code=f"{DISTRICT_CODE_PREFIX}{i:05d}", name=name, slug=f"{SLUG_PREFIX}d{i:05d}",
                         province=province, interior_office="PHÒNG NỘI VỤ")
                for i, (province, name, _size) in enumerate(plan, start=1)
            ],
            batch_size=BATCH_SIZE,
        )  # fmt: skip
        seq = 0
        for chunk in _ward_chunks(zip(district_objs, (size for *_x, size in plan), strict=True)):
            ward_rows = []
            for district, index in chunk:
                name = _ward_name(rng)
                ward_class = rng.choices(WardClass.values, weights=(3, 4, 3))[0]
                ward_rows.append(
                    Ward(district=district, code=f"{WARD_CODE_PREFIX}{index + 1:07d}", name=name,
                         slug=f"{SLUG_PREFIX}{index + 1:06d}-{fold_name(name).replace(' ', '-')}",
                         ward_class=ward_class, class_is_illustrative=True,
                         class_decision="Dữ liệu tổng hợp (synthetic) — không phải quyết định thật",
                         population=rng.randint(6000, 45000), area_km2=f"{rng.uniform(0.2, 12):.2f}")
                )  # fmt: skip
            ward_rows = Ward.objects.bulk_create(ward_rows, batch_size=BATCH_SIZE)
            officials, holdings, relations = [], [], []
            for ward, (_district, index) in zip(ward_rows, chunk, strict=True):
                people = _people_for_ward(rng, index, ward.ward_class, officials_per_ward)
                by_position: dict[str, list[Official]] = {}
                pending = []
                for person in people:
                    _fill(rng, person)
                    seq += 1
                    full_name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[person.sex])} {rng.choice(GIVEN[person.sex])}"
                    search_name, sort_key = keys(full_name)
                    official = Official(
                        code=f"{OFFICIAL_CODE_PREFIX}{seq:08d}", full_name=full_name,
                        search_name=search_name, sort_key=sort_key, sex=person.sex,
                        birth_date=person.birth,
                        birth_precision=BirthPrecision.YEAR if person.birth_year_only else BirthPrecision.DAY,
                        ward=ward, education=person.education,
                        major=MAJORS.get(person.position, "Hành chính học"),
                        political_theory=person.political, it_certificate=person.it, law_training=person.law,
                        civil_status_training=person.civil_status, recruitment_date=person.recruited,
                        party_date=(dt.date(person.birth.year + 25, 5, 19)
                                    if person.position != "BI_THU_DOAN" else None),
                    )  # fmt: skip
                    officials.append(official)
                    by_position.setdefault(person.position, []).append(official)
                    decision = (
                        f"{rng.randint(10, 990)}/QĐ-UBND"
                        if person.position in ("CHU_TICH", "PHO_CHU_TICH")
                        else ""
                    )
                    holdings.append(
                        (official, ward, positions[person.position], person.start, True, decision)
                    )
                    for extra in person.concurrent:
                        holdings.append((official, ward, positions[extra], person.start, False, ""))
                    if person.relative_of:
                        pending.append((official, person.relative_of))
                for official, (position, index_, kind) in pending:
                    others = by_position.get(position, [])
                    if len(others) > index_:
                        relations.append((others[index_], official, kind))
            Official.objects.bulk_create(officials, batch_size=BATCH_SIZE)  # sets pk (RETURNING)
            PostHolding.objects.bulk_create(
                (
                    PostHolding(official=o, ward=w, position=p, start_date=s, is_primary=primary,
                                decision_number=decision)
                    for o, w, p, s, primary, decision in holdings
                ),
                batch_size=BATCH_SIZE,
            )  # fmt: skip
            FamilyRelation.objects.bulk_create(
                [FamilyRelation(official=a, relative=b, kind=k) for a, b, k in relations],
                batch_size=BATCH_SIZE,
            )
            totals["officials"] += len(officials)
            totals["holdings"] += len(holdings)
            totals["relations"] += len(relations)
            if progress:
                progress(totals["officials"])
    analyze()
    return Counts(
        provinces=len({p for p, _n, _s in plan}),
        districts=len(plan),
        wards=wards,
        officials=totals["officials"],
        holdings=totals["holdings"],
        relations=totals["relations"],
    )


def _search_keys(full_name: str) -> tuple[str, str]:
    """(search_name, sort_key) as personnel.services.set_search_keys derives them (the one definition),
    computed once per distinct name: a few thousand names cover any number of officials."""
    probe = Official(full_name=full_name)
    set_search_keys(probe)
    return probe.search_name, probe.sort_key

"""The Đống Đa demo district: the 21 real wards with illustrative classes, and a deterministic synthetic
roster (no real people) that contains at least one case of every rule of domain.md §8.

Everything comes from one seeded generator, so two loads give the same names, dates and codes.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from personnel.models import BirthPrecision, Education, FamilyRelation, Official, PoliticalTheory, PostHolding
from personnel.services import set_search_keys
from wards.models import District, Position, Profile, Role, Ward
from wards.text import fold

SEED = 2021

# (administrative code, name, illustrative class, illustrative population, area km²)
WARDS = [
    ("00199", "Cát Linh", "III", 13200, "0.37"),
    ("00200", "Văn Miếu", "II", 14300, "0.36"),
    ("00202", "Quốc Tử Giám", "III", 12100, "0.33"),
    ("00208", "Láng Thượng", "I", 28900, "1.24"),
    ("00211", "Ô Chợ Dừa", "I", 33500, "0.63"),
    ("00214", "Văn Chương", "II", 19500, "0.36"),
    ("00217", "Hàng Bột", "II", 18300, "0.37"),
    ("00220", "Láng Hạ", "I", 25200, "0.75"),
    ("00223", "Khâm Thiên", "II", 14400, "0.23"),
    ("00226", "Thổ Quan", "I", 22800, "0.34"),
    ("00229", "Nam Đồng", "II", 16500, "0.27"),
    ("00232", "Trung Phụng", "II", 18700, "0.26"),
    ("00235", "Quang Trung", "III", 11900, "0.30"),
    ("00238", "Trung Liệt", "I", 30200, "0.85"),
    ("00241", "Phương Liên", "II", 17800, "0.44"),
    ("00244", "Thịnh Quang", "III", 13000, "0.46"),
    ("00247", "Trung Tự", "II", 16900, "0.29"),
    ("00250", "Kim Liên", "I", 21200, "0.32"),
    ("00253", "Phương Mai", "I", 24200, "0.48"),
    ("00256", "Ngã Tư Sở", "III", 9800, "0.28"),
    ("00259", "Khương Thượng", "I", 20500, "0.46"),
]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
          "Đinh", "Trịnh", "Phan", "Tạ", "Lương", "Chu", "Đào", "Kiều", "Mai", "Cao", "Tô"]  # fmt: skip
MIDDLE = {"M": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Mạnh", "Xuân", "Thành", "Công", "Tiến", "Anh"],
          "F": ["Thị", "Thu", "Thanh", "Ngọc", "Phương", "Hồng", "Minh", "Lan", "Kim", "Mai", "Thùy"]}  # fmt: skip
GIVEN = {"M": ["An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Khánh", "Long",
               "Minh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Đức", "Ân"],
         "F": ["Anh", "Ánh", "Châu", "Dung", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Loan",
               "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo", "Trang", "Uyên", "Yến", "Ân"]}  # fmt: skip
MAJORS = {
    "VP_TK": "Quản trị văn phòng", "DC_XD_DT_MT": "Quản lý đất đai", "TC_KT": "Kế toán", "TP_HT": "Luật",
    "VH_XH": "Công tác xã hội", "CHT_QUAN_SU": "Chỉ huy tham mưu", "TRUONG_CONG_AN": "An ninh nhân dân",
    "CHU_TICH": "Quản lý nhà nước", "PHO_CHU_TICH": "Kinh tế", "BI_THU_DANG_UY": "Xây dựng Đảng",
}  # fmt: skip

# The standard roster of a ward before the reform: (position, primary?, how many).
STANDARD = [
    ("BI_THU_DANG_UY", 1), ("PHO_BI_THU_DANG_UY", 1), ("PHO_CHU_TICH_HDND", 1), ("CHU_TICH", 1),
    ("PHO_CHU_TICH", 2), ("CHU_TICH_MTTQ", 1), ("BI_THU_DOAN", 1), ("CHU_TICH_HOI_PHU_NU", 1),
    ("CHU_TICH_HOI_CCB", 1), ("TRUONG_CONG_AN", 1), ("CHT_QUAN_SU", 1), ("VP_TK", 3), ("DC_XD_DT_MT", 3),
    ("TC_KT", 2), ("TP_HT", 2), ("VH_XH", 2),
]  # fmt: skip
CIVIL_TITLES = {"VP_TK", "DC_XD_DT_MT", "TC_KT", "TP_HT", "VH_XH"}


@dataclass
class Person:
    position: str
    sex: str = ""
    birth: dt.date | None = None
    birth_year_only: bool = False
    education: int = Education.DAI_HOC
    political: int = PoliticalTheory.TRUNG_CAP
    it: bool = True
    law: bool = False
    civil_status: bool = False
    recruited: dt.date | None = None
    start: dt.date | None = None
    concurrent: list[str] = field(default_factory=list)
    relative_of: tuple[str, int, str] | None = None  # (position, index among its holders, relation kind)
    note: str = ""


def _special_cases(slug: str, people: dict[str, list[Person]]) -> None:
    """The hand-placed cases that make every rule of domain.md §8 fire somewhere in the district."""
    if slug == "hang-bot":  # RETIRES_BEFORE_CUTOVER for the Chair (60y3m reached 05/2021) → CHAIR_VACANT
        people["CHU_TICH"][0].sex, people["CHU_TICH"][0].birth = "M", dt.date(1961, 2, 10)
    if slug == "o-cho-dua":  # a woman born before 1966 retired at 55 (12/2020) and is still on the roster
        people["VP_TK"][0].sex, people["VP_TK"][0].birth = "F", dt.date(1965, 12, 3)
    if slug == "kim-lien":  # RETIRES_WITHIN_TERM: a Vice-Chair born 05/1963 retires at 61 in 05/2024
        people["PHO_CHU_TICH"][0].sex, people["PHO_CHU_TICH"][0].birth = "M", dt.date(1963, 5, 20)
    if slug == "khuong-thuong":  # a man born 06/1961 (year only) retires soon after the cutover
        p = people["DC_XD_DT_MT"][1]
        p.sex, p.birth, p.birth_year_only = "M", dt.date(1961, 1, 1), True
    if slug == "kham-thien":  # EDUCATION_BELOW_STANDARD within the 2019–2024 grace period (warning)
        p = people["DC_XD_DT_MT"][0]
        p.education, p.recruited = Education.CAO_DANG, dt.date(2016, 3, 1)
    if slug == "tho-quan":  # EDUCATION_BELOW_STANDARD recruited after 25/12/2019: no grace (blocker)
        p = people["VH_XH"][0]
        p.education, p.recruited, p.start = Education.TRUNG_CAP, dt.date(2020, 3, 2), dt.date(2020, 3, 2)
    if slug == "trung-phung":  # a Vice-Chair with a college degree only
        people["PHO_CHU_TICH"][1].education = Education.CAO_DANG
    if slug == "quang-trung":  # POLITICAL_THEORY_BELOW_STANDARD
        people["PHO_CHU_TICH"][0].political = PoliticalTheory.SO_CAP
    if slug == "nam-dong":  # CIVIL_STATUS_QUALIFICATION: Tư pháp – Hộ tịch without law or hộ tịch training
        people["TP_HT"][1].law, people["TP_HT"][1].civil_status = False, False
    if slug == "van-mieu":  # CHAIR_TENURE_LIMIT: Chair in the same ward since 01/7/2012
        people["CHU_TICH"][0].start = dt.date(2012, 7, 1)
    if slug == "lang-ha":  # RELATIVE_IN_RESTRICTED_POST: the wife of a Vice-Chair keeps the accounts
        people["PHO_CHU_TICH"][0].sex = "M"
        people["TC_KT"][0].sex = "F"
        people["TC_KT"][0].relative_of = ("PHO_CHU_TICH", 0, "spouse")
    if slug == "cat-linh":  # VICE_CHAIR_COUNT: a class III ward keeping two Vice-Chairs
        pass  # class III with the standard two Vice-Chairs
    if slug == "thinh-quang":  # VICE_CHAIR_COUNT: class III whose only Vice-Chair retires → none left
        people["PHO_CHU_TICH"] = people["PHO_CHU_TICH"][:1]
        people["PHO_CHU_TICH"][0].sex, people["PHO_CHU_TICH"][0].birth = "F", dt.date(1965, 9, 14)
    if slug in ("quoc-tu-giam", "quang-trung", "nga-tu-so"):  # the other class III wards: one Vice-Chair
        people["PHO_CHU_TICH"] = people["PHO_CHU_TICH"][:1]
    if slug == "phuong-mai":  # ROLE_VACANT: no Văn hóa – Xã hội civil servant
        people["VH_XH"] = []
    if slug == "phuong-lien":  # CT HĐND held concurrently by the Phó Bí thư instead of the Bí thư
        people["BI_THU_DANG_UY"][0].concurrent = []
        people["PHO_BI_THU_DANG_UY"][0].concurrent = ["CHU_TICH_HDND"]
    if slug == "trung-tu":  # IT_CERTIFICATE_MISSING guaranteed (others are random)
        people["TC_KT"][1].it = False


def _random_birth(rng: random.Random, low_age: int, high_age: int) -> dt.date:
    year = 2021 - rng.randint(low_age, high_age)
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def _fill(rng: random.Random, person: Person) -> None:
    code = person.position
    if not person.sex:
        if code in ("TRUONG_CONG_AN", "CHT_QUAN_SU", "CHU_TICH_HOI_CCB"):
            person.sex = "M"
        elif code == "CHU_TICH_HOI_PHU_NU":
            person.sex = "F"
        else:
            person.sex = rng.choice("MF")
    if person.birth is None:
        if code in ("BI_THU_DANG_UY", "CHU_TICH", "CHU_TICH_HOI_CCB"):
            person.birth = _random_birth(rng, 44, 54)
        elif code == "BI_THU_DOAN":
            person.birth = _random_birth(rng, 26, 32)
        elif code == "PHO_CHU_TICH":
            person.birth = _random_birth(rng, 36, 50)
        else:
            person.birth = _random_birth(rng, 26, 52 if person.sex == "M" else 50)
        if rng.random() < 0.03:
            person.birth, person.birth_year_only = dt.date(person.birth.year, 1, 1), True
    leader = code in ("BI_THU_DANG_UY", "PHO_BI_THU_DANG_UY", "CHU_TICH", "PHO_CHU_TICH", "CHU_TICH_HDND",
                      "PHO_CHU_TICH_HDND", "CHU_TICH_MTTQ")  # fmt: skip
    if person.political == PoliticalTheory.TRUNG_CAP:
        person.political = (
            rng.choice([PoliticalTheory.TRUNG_CAP, PoliticalTheory.CAO_CAP])
            if leader
            else rng.choice([PoliticalTheory.NONE, PoliticalTheory.SO_CAP, PoliticalTheory.TRUNG_CAP])
        )
    if person.education == Education.DAI_HOC and rng.random() < 0.18:
        person.education = Education.THAC_SI
    if code in CIVIL_TITLES and person.it and rng.random() < 0.06:
        person.it = False
    age_at_start = rng.randint(23, 30)
    if person.recruited is None and code in CIVIL_TITLES | {"CHT_QUAN_SU"}:
        person.recruited = dt.date(min(person.birth.year + age_at_start, 2019), rng.randint(1, 12), 1)
    if person.start is None:
        base = person.recruited or dt.date(person.birth.year + age_at_start + 6, 1, 1)
        person.start = max(base, dt.date(2016, 6, 1) if leader else base)
        person.start = min(person.start, dt.date(2020, 12, 1))


@transaction.atomic
def load_demo(*, password: str) -> dict:
    """Create the district, wards, users and roster. Returns counts. The caller checks it is not loaded."""
    rng = random.Random(SEED)
    district = District.objects.create(code="006", name="Đống Đa", slug="dong-da", province="Hà Nội")
    wards = Ward.objects.bulk_create(
        Ward(district=district, code=code, name=name, slug=fold(name).replace(" ", "-"), ward_class=cls,
             class_is_illustrative=True, population=pop, area_km2=area,
             class_decision="Minh họa — chờ quyết định xếp loại của UBND Thành phố")
        for code, name, cls, pop, area in WARDS
    )  # fmt: skip
    positions = {p.code: p for p in Position.objects.all()}
    officials, holdings, relations = [], [], []
    seq = 0
    used_names = set()
    for ward in wards:
        people = {code: [Person(position=code) for _ in range(n)] for code, n in STANDARD}
        people["BI_THU_DANG_UY"][0].concurrent = ["CHU_TICH_HDND"]
        for p in people["TP_HT"]:
            p.law = p.civil_status = True
        _special_cases(ward.slug, people)
        by_position = {}
        for code, _n in STANDARD:
            for person in people[code]:
                _fill(rng, person)
                seq += 1
                while True:
                    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[person.sex])} {rng.choice(GIVEN[person.sex])}"
                    if name not in used_names or len(used_names) > 5000:
                        break
                used_names.add(name)
                official = Official(
                    code=f"DD{seq:04d}", full_name=name, sex=person.sex, birth_date=person.birth,
                    birth_precision=BirthPrecision.YEAR if person.birth_year_only else BirthPrecision.DAY,
                    ward=ward, education=person.education, major=MAJORS.get(code, "Hành chính học"),
                    political_theory=person.political, it_certificate=person.it, law_training=person.law,
                    civil_status_training=person.civil_status, recruitment_date=person.recruited,
                    party_date=dt.date(person.birth.year + 25, 5, 19) if code not in ("BI_THU_DOAN",) else None,
                    notes=person.note,
                )  # fmt: skip
                set_search_keys(official)
                officials.append(official)
                by_position.setdefault(code, []).append(official)
                holdings.append((official, ward, positions[code], person.start, True))
                for extra in person.concurrent:
                    holdings.append((official, ward, positions[extra], person.start, False))
                if person.relative_of:
                    relations.append((official, person.relative_of, by_position))
    bulk_create_with_history(officials, Official, batch_size=500)
    saved = {o.code: o for o in Official.objects.all()}
    rows = []
    for official, ward, position, start, primary in holdings:
        decision = f"{rng.randint(10, 990)}/QĐ-UBND" if position.code in ("CHU_TICH", "PHO_CHU_TICH") else ""
        rows.append(PostHolding(official=saved[official.code], ward=ward, position=position, start_date=start,
                                is_primary=primary, decision_number=decision))  # fmt: skip
    bulk_create_with_history(rows, PostHolding, batch_size=500)
    rel_rows = []
    for official, (pos, index, kind), by_position in relations:
        other = by_position[pos][index]
        rel_rows.append(FamilyRelation(official=saved[other.code], relative=saved[official.code], kind=kind))
    bulk_create_with_history(rel_rows, FamilyRelation)
    users = ensure_demo_users(password=password)
    return {"wards": len(wards), "officials": len(officials), "holdings": len(rows),
            "relations": len(rel_rows), "users": users}  # fmt: skip


def ensure_demo_users(*, password: str) -> int:
    """admin, noivu and chutich-<ward slug>, all with ``password``; existing users get it reset."""
    User = get_user_model()
    specs = [
        ("admin", Role.ADMIN, None, "Quản trị hệ thống"),
        ("noivu", Role.INTERIOR_OFFICE, None, "Phòng Nội vụ"),
    ]
    specs += [
        (f"chutich-{w.slug}", Role.WARD_CHAIR, w, f"Chủ tịch UBND phường {w.name}")
        for w in Ward.objects.all()
    ]
    for username, role, ward, label in specs:
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": label})
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.set_password(password)
        user.save()
        Profile.objects.update_or_create(user=user, defaults={"role": role, "ward": ward})
    return len(specs)


def is_loaded() -> bool:
    return District.objects.filter(slug="dong-da").exists()

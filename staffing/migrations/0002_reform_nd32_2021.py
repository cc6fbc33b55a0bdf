"""The ND32-2021 reform as data (domain.md §§2–6): one PositionRule per post of the catalogue and the
parameters of the check, each with its citation; ``is_default`` marks what domain.md marks [default]."""

import datetime as dt

from django.db import migrations

REFORM = {
    "code": "ND32-2021",
    "title": "Tổ chức chính quyền đô thị tại Hà Nội: UBND phường không tổ chức HĐND từ 01/7/2021",
    "legal_basis": (
        "Nghị quyết 97/2019/QH14 ngày 27/11/2019 của Quốc hội thí điểm tổ chức mô hình chính quyền đô thị "
        "tại thành phố Hà Nội; Nghị định 32/2021/NĐ-CP ngày 29/3/2021 quy định chi tiết và biện pháp thi hành "
        "Nghị quyết 97/2019/QH14; Kế hoạch 100/KH-UBND của UBND Thành phố; Kế hoạch 152/KH-UBND ngày 19/4/2021 "
        "của UBND quận Đống Đa."
    ),
    "cutover_date": dt.date(2021, 7, 1),
}

UNIVERSITY = 5  # personnel.models.Education.DAI_HOC
POLITICAL_INTERMEDIATE = 2  # personnel.models.PoliticalTheory.TRUNG_CAP

ND32_STRUCTURE = "Nghị định 32/2021/NĐ-CP (cơ cấu UBND phường)"
TT13 = "Thông tư 13/2019/TT-BNV (tiêu chuẩn công chức cấp xã, hiệu lực 25/12/2019)"
HEADCOUNT_DEFAULT = "Nghị định 32/2021/NĐ-CP Điều 18 (mặc định: Chủ tịch, Phó Chủ tịch tính trong biên chế; Trưởng Công an không tính)"
PARTY = (
    "Cán bộ Đảng, đoàn thể ở phường: ngoài cơ cấu UBND phường và ngoài biên chế công chức phường (mặc định)"
)

_NO_SEATS = {k: None for k in ("min_class_i", "max_class_i", "min_class_ii", "max_class_ii",
                                "min_class_iii", "max_class_iii")}  # fmt: skip


def _seats(i, ii, iii):
    return {"min_class_i": i[0], "max_class_i": i[1], "min_class_ii": ii[0], "max_class_ii": ii[1],
            "min_class_iii": iii[0], "max_class_iii": iii[1]}  # fmt: skip


def _party(code):
    return {"position": code, **_NO_SEATS, "citation": PARTY, "is_default": True}


def _hdnd(code):
    return {"position": code, "abolished": True, **_NO_SEATS, "is_default": False,
            "citation": "Nghị quyết 97/2019/QH14; Nghị định 32/2021/NĐ-CP: phường không tổ chức HĐND từ 01/7/2021"}  # fmt: skip


def _title(code, **extra):
    return {
        "position": code, "in_structure": True, **_seats((1, None), (1, None), (1, None)),
        "counts_in_headcount": True, "kind_after": "cong_chuc", "min_education": UNIVERSITY,
        "requires_it_certificate": True, "citation": f"{ND32_STRUCTURE}; {TT13}", "is_default": False,
        **extra,
    }  # fmt: skip


RULES = [
    _party("BI_THU_DANG_UY"),
    _party("PHO_BI_THU_DANG_UY"),
    _hdnd("CHU_TICH_HDND"),
    _hdnd("PHO_CHU_TICH_HDND"),
    {
        "position": "CHU_TICH", "in_structure": True, **_seats((1, 1), (1, 1), (1, 1)),
        "counts_in_headcount": True, "kind_after": "cong_chuc", "min_education": UNIVERSITY,
        "min_political_theory": POLITICAL_INTERMEDIATE, "is_default": True,
        "citation": (
            f"{ND32_STRUCTURE}: 01 Chủ tịch, bổ nhiệm nhiệm kỳ 5 năm, không quá 10 năm liên tục tại một phường "
            "(Điều 21); tiêu chuẩn đại học + trung cấp lý luận chính trị và việc tính vào biên chế: mặc định"
        ),
    },  # fmt: skip
    {
        "position": "PHO_CHU_TICH", "in_structure": True, **_seats((1, 2), (1, 2), (1, 1)),
        "counts_in_headcount": True, "kind_after": "cong_chuc", "min_education": UNIVERSITY,
        "min_political_theory": POLITICAL_INTERMEDIATE, "is_default": True,
        "citation": (
            f"{ND32_STRUCTURE}: phường loại I, II không quá 02 Phó Chủ tịch, loại III 01 Phó Chủ tịch; "
            "tối thiểu 01 ở phường loại I, II, tiêu chuẩn đại học + trung cấp lý luận chính trị và việc tính vào "
            "biên chế: mặc định"
        ),
    },  # fmt: skip
    _party("CHU_TICH_MTTQ"),
    _party("BI_THU_DOAN"),
    _party("CHU_TICH_HOI_PHU_NU"),
    _party("CHU_TICH_HOI_CCB"),
    {
        "position": "TRUONG_CONG_AN", "in_structure": True, **_seats((1, 1), (1, 1), (1, 1)),
        "counts_in_headcount": False, "kind_after": "cong_an", "is_default": True,
        "citation": f"{ND32_STRUCTURE}; Công an chính quy, ngoài biên chế công chức phường (mặc định)",
    },  # fmt: skip
    {
        "position": "CHT_QUAN_SU", "in_structure": True, **_seats((1, 1), (1, 1), (1, 1)),
        "counts_in_headcount": True, "kind_after": "cong_chuc", "is_default": False,
        "citation": f"{ND32_STRUCTURE}; tiêu chuẩn theo pháp luật về dân quân tự vệ (ngoài phạm vi kiểm tra)",
    },  # fmt: skip
    _title("VP_TK"),
    _title("DC_XD_DT_MT"),
    _title("TC_KT"),
    _title("TP_HT", requires_law_training=True, requires_civil_status_training=True,
           citation=f"{ND32_STRUCTURE}; {TT13}; Luật Hộ tịch 2014 Điều 72.2 (trung cấp luật, bồi dưỡng hộ tịch)"),
    _title("VH_XH"),
]  # fmt: skip

BLLD = "Bộ luật Lao động 2019 Điều 169; Nghị định 135/2020/NĐ-CP Điều 4, 5"
PARAMETERS = [
    {
        "key": "retirement_roadmap",
        "label": "Lộ trình tuổi nghỉ hưu trong điều kiện lao động bình thường",
        "value": {
            "M": {
                "first_year": 1961,
                "base_months": 723,
                "step_months": 3,
                "group_months": 9,
                "cap_months": 744,
                "before_months": 720,
            },
            "F": {
                "first_year": 1966,
                "base_months": 664,
                "step_months": 4,
                "group_months": 8,
                "cap_months": 720,
                "before_months": 660,
            },
        },  # fmt: skip
        "unit": "tháng tuổi",
        "citation": f"{BLLD}; thời điểm nghỉ hưu là ngày cuối tháng đủ tuổi (NĐ 135/2020 Điều 3)",
        "is_default": False,
    },
    {
        "key": "appointment_min_months_left",
        "label": "Thời gian công tác còn lại tối thiểu khi bổ nhiệm lần đầu, bổ nhiệm chức vụ cao hơn",
        "value": 60,
        "unit": "tháng",
        "is_default": False,
        "citation": "Nghị định 138/2020/NĐ-CP Điều 42; Quy định 105-QĐ/TW (đủ tuổi công tác trọn một nhiệm kỳ)",
    },  # fmt: skip
    {
        "key": "reappointment_min_months_left",
        "label": "Thời gian công tác còn lại tối thiểu để bổ nhiệm lại khi hết nhiệm kỳ",
        "value": 24,
        "unit": "tháng",
        "is_default": True,
        "citation": "Nghị định 138/2020/NĐ-CP (ngưỡng 24 tháng suy từ các văn bản tương tự — mặc định)",
    },  # fmt: skip
    {
        "key": "term_years",
        "label": "Thời hạn mỗi lần bổ nhiệm Chủ tịch, Phó Chủ tịch UBND phường",
        "value": 5,
        "unit": "năm",
        "is_default": False,
        "citation": "Nghị định 32/2021/NĐ-CP Điều 21",
    },  # fmt: skip
    {
        "key": "chair_tenure_limit_years",
        "label": "Số năm liên tục tối đa giữ chức Chủ tịch UBND tại một phường",
        "value": 10,
        "unit": "năm",
        "is_default": False,
        "citation": "Nghị định 32/2021/NĐ-CP Điều 21",
    },  # fmt: skip
    {
        "key": "headcount_per_ward",
        "label": "Số công chức phường bình quân tối đa mỗi phường (tính trên toàn quận)",
        "value": 15,
        "unit": "người/phường",
        "is_default": False,
        "citation": "Nghị định 32/2021/NĐ-CP Điều 18",
    },  # fmt: skip
    {
        "key": "education_grace_recruited_before",
        "label": "Công chức tuyển dụng trước ngày này được thời hạn chuẩn hóa trình độ",
        "value": "2019-12-25",
        "unit": "ngày",
        "is_default": False,
        "citation": "Thông tư 13/2019/TT-BNV (hiệu lực 25/12/2019)",
    },  # fmt: skip
    {
        "key": "education_grace_until",
        "label": "Hết thời hạn chuẩn hóa trình độ (đến hết ngày)",
        "value": "2024-12-25",
        "unit": "ngày",
        "is_default": False,
        "citation": "Thông tư 13/2019/TT-BNV: 5 năm kể từ ngày có hiệu lực",
    },  # fmt: skip
    {
        "key": "relative_restricted_posts",
        "label": "Chức danh người thân của Chủ tịch, Phó Chủ tịch không được giữ",
        "value": ["TC_KT"],
        "unit": "mã chức danh",
        "is_default": False,
        "citation": "Luật Phòng, chống tham nhũng 2018; Nghị định 59/2019/NĐ-CP (công tác kế toán)",
    },  # fmt: skip
    {
        "key": "relative_kinds",
        "label": "Quan hệ gia đình bị hạn chế",
        "value": ["spouse", "parent", "child", "sibling"],
        "unit": "quan hệ",
        "is_default": False,
        "citation": "Luật Phòng, chống tham nhũng 2018; Nghị định 59/2019/NĐ-CP (vợ, chồng, cha, mẹ, con, anh chị em ruột)",
    },  # fmt: skip
]

RULE_FIELDS = ("abolished", "in_structure", "counts_in_headcount", "kind_after", "min_education",
               "min_political_theory", "requires_it_certificate", "requires_law_training",
               "requires_civil_status_training")  # fmt: skip


def load(apps, schema_editor):
    Reform = apps.get_model("staffing", "Reform")
    PositionRule = apps.get_model("staffing", "PositionRule")
    Parameter = apps.get_model("staffing", "Parameter")
    Position = apps.get_model("wards", "Position")
    reform, _ = Reform.objects.update_or_create(code=REFORM["code"], defaults=REFORM)
    positions = {p.code: p for p in Position.objects.all()}
    for spec in RULES:
        spec = dict(spec)
        position = positions[spec.pop("position")]
        defaults = {name: spec.pop(name) for name in list(spec)}
        for name in RULE_FIELDS:
            defaults.setdefault(
                name, "" if name == "kind_after" else (None if name.startswith("min_") else False)
            )
        PositionRule.objects.update_or_create(reform=reform, position=position, defaults=defaults)
    for spec in PARAMETERS:
        spec = dict(spec)
        Parameter.objects.update_or_create(reform=reform, key=spec.pop("key"), defaults=spec)


def unload(apps, schema_editor):
    apps.get_model("staffing", "Reform").objects.filter(code=REFORM["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_plan_and_reform"), ("wards", "0002_position_catalogue")]
    operations = [migrations.RunPython(load, unload)]

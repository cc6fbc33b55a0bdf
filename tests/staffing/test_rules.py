"""Every rule of domain.md §8 at its boundaries, as pure functions over plain data (no database)."""

import datetime as dt

from staffing import rules
from staffing.plan_types import PlannedChange
from tests.staffing.builders import CUTOVER, RosterBuilder, codes, law, run

D = dt.date


def test_a_complete_class_i_ward_has_only_conversion_findings():
    b = RosterBuilder()
    b.full_ward("I")
    findings = run(b)
    assert {f.code for f in findings} == {"CONVERSION_REQUIRED"}
    assert all(f.severity == "info" for f in findings)


# RETIRES_BEFORE_CUTOVER ---------------------------------------------------------------------------------


def test_retirement_on_the_last_day_before_the_cutover_is_a_blocker_and_in_july_is_not():
    b = RosterBuilder()
    w = b.full_ward("I")
    june = b.person(w, "VP_TK", born=D(1961, 3, 15))  # 60y3m reached June 2021 → retires 30/06/2021
    july = b.person(w, "VP_TK", born=D(1961, 4, 15))  # → retires 31/07/2021, after the cutover
    findings = run(b)
    assert codes(findings, "RETIRES_BEFORE_CUTOVER", june) == [("RETIRES_BEFORE_CUTOVER", "blocker")]
    assert codes(findings, "RETIRES_BEFORE_CUTOVER", july) == []
    assert "30/06/2021" in next(
        f.message for f in findings if f.official_id == june and f.code.startswith("RET")
    )


def test_a_planned_retirement_turns_the_blocker_into_a_recorded_fact():
    b = RosterBuilder()
    w = b.full_ward("I")
    old = b.person(w, "VP_TK", born=D(1961, 3, 15))
    findings = run(b, plan=[PlannedChange(None, old, "retire")])
    assert codes(findings, "RETIRES_BEFORE_CUTOVER", old) == [("RETIRES_BEFORE_CUTOVER", "info")]


# RETIRES_WITHIN_TERM --------------------------------------------------------------------------------------


def test_a_vice_chair_retiring_within_five_years_of_the_cutover_is_warned():
    b = RosterBuilder()
    w = b.full_ward("I", vice_chairs=0)
    within = b.person(w, "PHO_CHU_TICH", born=D(1964, 5, 1))  # 61y9m → Feb 2026, before 01/07/2026
    after = b.person(w, "PHO_CHU_TICH", born=D(1966, 4, 1))  # 62y → March 2028
    findings = run(b)
    assert codes(findings, "RETIRES_WITHIN_TERM", within) == [("RETIRES_WITHIN_TERM", "warning")]
    assert codes(findings, "RETIRES_WITHIN_TERM", after) == []


def test_a_civil_servant_retiring_within_the_term_is_not_a_term_matter():
    b = RosterBuilder()
    w = b.full_ward("I")
    clerk = b.person(w, "VP_TK", born=D(1964, 5, 1))
    assert codes(run(b), "RETIRES_WITHIN_TERM", clerk) == []


def test_a_proposed_chair_retiring_within_the_term_is_warned():
    b = RosterBuilder()
    w = b.full_ward("I", skip=("CHU_TICH",))
    clerk = b.person(w, "VP_TK", born=D(1964, 5, 1))
    plan = [PlannedChange(1, clerk, "appoint", w, "CHU_TICH", is_promotion=False)]
    assert codes(run(b, plan=plan), "RETIRES_WITHIN_TERM", clerk) == [("RETIRES_WITHIN_TERM", "warning")]


# POST_ABOLISHED -------------------------------------------------------------------------------------------


def test_an_only_post_abolished_is_a_blocker_and_a_concurrent_one_is_info():
    b = RosterBuilder()
    w = b.full_ward("I")
    only = b.person(w, "PHO_CHU_TICH_HDND")
    secretary = b.person(w, "BI_THU_DANG_UY", concurrent=["CHU_TICH_HDND"])
    findings = run(b)
    assert codes(findings, "POST_ABOLISHED", only) == [("POST_ABOLISHED", "blocker")]
    assert codes(findings, "POST_ABOLISHED", secretary) == [("POST_ABOLISHED", "info")]


def test_an_abolished_post_holder_moved_by_the_plan_is_resolved():
    b = RosterBuilder()
    w = b.full_ward("I")
    only = b.person(w, "PHO_CHU_TICH_HDND")
    findings = run(b, plan=[PlannedChange(1, only, "move", w, "VP_TK")])
    assert codes(findings, "POST_ABOLISHED", only) == [("POST_ABOLISHED", "info")]


# CONVERSION_REQUIRED --------------------------------------------------------------------------------------


def test_conversion_is_required_for_chairs_vice_chairs_and_civil_servants_only():
    b = RosterBuilder()
    w = b.full_ward("I")
    party = b.person(w, "CHU_TICH_MTTQ")
    findings = run(b)
    converted = {f.position for f in findings if f.code == "CONVERSION_REQUIRED"}
    assert converted == {
        "CHU_TICH",
        "PHO_CHU_TICH",
        "CHT_QUAN_SU",
        "VP_TK",
        "DC_XD_DT_MT",
        "TC_KT",
        "TP_HT",
        "VH_XH",
    }
    assert codes(findings, official=party) == []


def test_a_conversion_names_the_official_and_their_primary_post_once():
    b = RosterBuilder()
    w = b.full_ward("I")
    both = b.person(w, "VP_TK", concurrent=("TC_KT",), name="Lê {Thị} Hoa")  # braces are kept as typed
    (finding,) = [f for f in run(b) if f.official_id == both and f.code == "CONVERSION_REQUIRED"]
    assert finding.position == "VP_TK"
    assert finding.message == (
        "Lê {Thị} Hoa (Văn phòng – Thống kê) chuyển thành công chức làm việc tại phường từ 01/07/2021: cần quyết "
        "định chuyển đổi của Chủ tịch UBND quận."
    )
    assert finding.as_dict()["message"] == finding.message


# EDUCATION_BELOW_STANDARD ---------------------------------------------------------------------------------


def _college_clerk(recruited):
    b = RosterBuilder()
    w = b.full_ward("I")
    pid = b.person(w, "VP_TK", education=4, recruited=recruited)
    return b, pid


def test_education_shortfall_is_a_warning_within_the_grace_period_for_those_recruited_before_25_12_2019():
    b, pid = _college_clerk(D(2019, 12, 24))
    assert codes(run(b), "EDUCATION_BELOW_STANDARD", pid) == [("EDUCATION_BELOW_STANDARD", "warning")]
    assert codes(run(b, as_of=D(2024, 12, 25)), "EDUCATION_BELOW_STANDARD", pid) == [
        ("EDUCATION_BELOW_STANDARD", "warning")
    ]


def test_education_shortfall_becomes_a_blocker_after_25_12_2024():
    b, pid = _college_clerk(D(2019, 12, 24))
    assert codes(run(b, as_of=D(2024, 12, 26)), "EDUCATION_BELOW_STANDARD", pid) == [
        ("EDUCATION_BELOW_STANDARD", "blocker")
    ]


def test_education_shortfall_of_someone_recruited_on_or_after_25_12_2019_is_a_blocker():
    b, pid = _college_clerk(D(2019, 12, 25))
    assert codes(run(b), "EDUCATION_BELOW_STANDARD", pid) == [("EDUCATION_BELOW_STANDARD", "blocker")]


def test_education_is_checked_against_the_target_post_of_a_move():
    b = RosterBuilder()
    w = b.full_ward("I")
    hdnd = b.person(w, "PHO_CHU_TICH_HDND", education=3)
    findings = run(b, plan=[PlannedChange(1, hdnd, "move", w, "VH_XH")])
    assert [(f.code, f.position) for f in findings if f.official_id == hdnd and f.code.startswith("EDU")] == [
        ("EDUCATION_BELOW_STANDARD", "VH_XH")
    ]


# IT / political theory / civil status --------------------------------------------------------------------


def test_standards_of_civil_servant_titles_and_leaders():
    b = RosterBuilder()
    w = b.full_ward("I", vice_chairs=0)
    no_it = b.person(w, "VP_TK", it=False)
    low_theory = b.person(w, "PHO_CHU_TICH", political=1)
    tp_no_law = b.person(w, "TP_HT", law_training=False, civil_status=True)
    tp_nothing = b.person(w, "TP_HT")
    police_no_it = b.person(w, "TRUONG_CONG_AN", it=False, education=3)
    findings = run(b)
    assert codes(findings, "IT_CERTIFICATE_MISSING", no_it) == [("IT_CERTIFICATE_MISSING", "warning")]
    assert codes(findings, "POLITICAL_THEORY_BELOW_STANDARD", low_theory) == [
        ("POLITICAL_THEORY_BELOW_STANDARD", "warning")
    ]
    assert codes(findings, "CIVIL_STATUS_QUALIFICATION", tp_no_law) == [
        ("CIVIL_STATUS_QUALIFICATION", "warning")
    ]
    assert "trung cấp luật" in next(
        f.message for f in findings if f.official_id == tp_no_law and "CIVIL" in f.code
    )
    assert "hộ tịch" in next(f.message for f in findings if f.official_id == tp_nothing and "CIVIL" in f.code)
    assert codes(findings, official=police_no_it) == []


# APPOINTMENT_AGE ------------------------------------------------------------------------------------------


def _promotion(effective):
    b = RosterBuilder()
    w = b.full_ward("I", skip=("CHU_TICH",))
    # Man born 04/1966: 62y → retires 30/04/2028, pension from 01/05/2028.
    pid = b.person(w, "VP_TK", born=D(1966, 4, 20))
    plan = [PlannedChange(1, pid, "appoint", w, "CHU_TICH", is_promotion=True, effective_date=effective)]
    return b, pid, plan


def test_appointment_with_exactly_60_months_left_passes():
    b, pid, plan = _promotion(D(2023, 5, 1))  # 01/05/2023 → 30/04/2028 is exactly 60 months
    assert codes(run(b, plan=plan), "APPOINTMENT_AGE", pid) == []


def test_appointment_with_60_months_less_one_day_left_is_a_blocker():
    b, pid, plan = _promotion(D(2023, 5, 2))
    assert codes(run(b, plan=plan), "APPOINTMENT_AGE", pid) == [("APPOINTMENT_AGE", "blocker")]


def test_appointment_age_counts_from_the_cutover_without_an_effective_date():
    b, pid, plan = _promotion(None)
    assert codes(run(b, plan=plan), "APPOINTMENT_AGE", pid) == []
    b, pid, _ = _promotion(None)
    late = [PlannedChange(1, pid, "appoint", None, "CHU_TICH", is_promotion=True)]
    assert codes(run(b, plan=late, the_law=law(appointment_min_months_left=83)), "APPOINTMENT_AGE", pid) == [
        ("APPOINTMENT_AGE", "blocker")
    ]


def test_a_move_to_an_equal_post_carries_no_age_test():
    b, pid, _ = _promotion(None)
    plan = [
        PlannedChange(1, pid, "appoint", None, "CHU_TICH", is_promotion=False, effective_date=D(2027, 1, 1))
    ]
    assert codes(run(b, plan=plan), "APPOINTMENT_AGE", pid) == []


# CHAIR_TENURE_LIMIT ---------------------------------------------------------------------------------------


def test_a_chair_since_mid_2016_ends_the_new_term_at_10_years_and_one_since_mid_2015_passes_them():
    b = RosterBuilder()
    w1 = b.full_ward("I", skip=("CHU_TICH",))
    w2 = b.full_ward("I", skip=("CHU_TICH",))
    ok = b.person(w1, "CHU_TICH", start=D(2016, 7, 1))
    over = b.person(w2, "CHU_TICH", start=D(2015, 7, 1))
    findings = run(b)
    assert codes(findings, "CHAIR_TENURE_LIMIT", ok) == []
    assert codes(findings, "CHAIR_TENURE_LIMIT", over) == [("CHAIR_TENURE_LIMIT", "warning")]


# RELATIVE_IN_RESTRICTED_POST ------------------------------------------------------------------------------


def test_the_spouse_of_a_vice_chair_keeping_the_accounts_is_warned_but_not_in_another_ward():
    b = RosterBuilder()
    w = b.full_ward("I", vice_chairs=0)
    other = b.full_ward("I")
    vice = b.person(w, "PHO_CHU_TICH")
    wife = b.person(w, "TC_KT", sex="F")
    sister_elsewhere = b.person(other, "TC_KT", sex="F")
    b.relate(vice, wife, "spouse")
    b.relate(sister_elsewhere, vice, "sibling")
    findings = run(b)
    assert codes(findings, "RELATIVE_IN_RESTRICTED_POST", wife) == [
        ("RELATIVE_IN_RESTRICTED_POST", "warning")
    ]
    assert codes(findings, "RELATIVE_IN_RESTRICTED_POST", sister_elsewhere) == []


# Ward level -----------------------------------------------------------------------------------------------


def test_a_ward_whose_chair_retires_before_the_cutover_has_a_vacant_chair():
    b = RosterBuilder()
    w = b.full_ward("I", skip=("CHU_TICH",))
    b.person(w, "CHU_TICH", born=D(1961, 2, 10))
    assert ("CHAIR_VACANT", "blocker") in codes(run(b))


def _vice_chairs(ward_class, n):
    b = RosterBuilder()
    b.full_ward(ward_class, vice_chairs=n)
    return codes(run(b), "VICE_CHAIR_COUNT")


def test_class_iii_needs_exactly_one_vice_chair():
    assert _vice_chairs("III", 0) == [("VICE_CHAIR_COUNT", "blocker")]
    assert _vice_chairs("III", 1) == []
    assert _vice_chairs("III", 2) == [("VICE_CHAIR_COUNT", "blocker")]


def test_class_i_and_ii_allow_up_to_two_vice_chairs():
    assert _vice_chairs("I", 2) == [] and _vice_chairs("II", 2) == []
    assert _vice_chairs("I", 3) == [("VICE_CHAIR_COUNT", "blocker")]


def test_a_required_post_without_holder_after_the_cutover_is_vacant():
    b = RosterBuilder()
    w = b.full_ward("II", skip=("VH_XH",))
    findings = run(b)
    assert [(f.code, f.position, f.ward_id) for f in findings if f.code == "ROLE_VACANT"] == [
        ("ROLE_VACANT", "VH_XH", w)
    ]


# District level -------------------------------------------------------------------------------------------


def test_district_headcount_counts_civil_servants_after_the_cutover_against_15_per_ward():
    b = RosterBuilder()
    w = b.full_ward("I")  # 8 counting (the police chief does not)
    for _ in range(7):
        b.person(w, "VP_TK")
    assert codes(run(b), "DISTRICT_HEADCOUNT_EXCEEDED") == []  # 15 = 15 × 1
    retiring = b.person(w, "VP_TK", born=D(1961, 2, 1))  # leaves before the cutover: not counted
    assert codes(run(b), "DISTRICT_HEADCOUNT_EXCEEDED") == []
    b.person(w, "VH_XH")
    assert codes(run(b), "DISTRICT_HEADCOUNT_EXCEEDED") == [("DISTRICT_HEADCOUNT_EXCEEDED", "blocker")]
    assert retiring


def test_district_rules_do_not_run_on_part_of_a_district():
    b = RosterBuilder()
    w = b.full_ward("I")
    b.full_ward("I")
    for _ in range(30):
        b.person(w, "VP_TK")
    assert codes(run(b), "DISTRICT_HEADCOUNT_EXCEEDED") == [("DISTRICT_HEADCOUNT_EXCEEDED", "blocker")]
    assert codes(run(b, scope=[w]), "DISTRICT_HEADCOUNT_EXCEEDED") == []


# Numbers come from data -----------------------------------------------------------------------------------


def test_the_numbers_come_from_the_parameters():
    b = RosterBuilder()
    w = b.full_ward("I")
    for _ in range(3):
        b.person(w, "VP_TK")
    assert codes(run(b, the_law=law(headcount_per_ward=10)), "DISTRICT_HEADCOUNT_EXCEEDED") == [
        ("DISTRICT_HEADCOUNT_EXCEEDED", "blocker")
    ]


def test_findings_are_sorted_by_ward_then_severity_and_carry_their_basis():
    b = RosterBuilder()
    w1 = b.ward("III", name="An")
    w2 = b.full_ward("I")
    b.person(w2, "PHO_CHU_TICH_HDND")
    findings = run(b)
    assert findings[0].code == "CHAIR_VACANT" and findings[0].ward_id == w1
    order = [(f.sort_key[0], rules.SEVERITIES.index(f.severity)) for f in findings]
    assert order == sorted(order)
    assert all(f.basis for f in findings)
    # The Chair's PositionRule is marked [default] in domain.md: its findings say so.
    assert "mặc định, chờ Sở Nội vụ xác nhận" in findings[0].basis
    assert CUTOVER == law().cutover

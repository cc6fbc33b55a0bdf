"""The statutory Excel reports of the restructuring, in the administrative form of wards.workbook:

(a) the district roster: a summary sheet and one sheet per ward, posts in structure order;
(b) the findings of the Decree 32 check, by ward (and the findings list's own export);
(c) "Danh sách dự kiến sắp xếp, bố trí cán bộ, công chức phường" (and the proposal list's own export);
(d) headcount per ward against the quotas, before and after the cutover.

Each builder takes what to report (already scoped by the caller) and returns a streamed file response.
"""

import datetime as dt
from collections import Counter, defaultdict

from personnel.models import Education, PoliticalTheory, PostHolding, Sex
from staffing import plan, plan_check, rules, services
from staffing.models import Outcome, Review
from wards import workbook
from wards.clock import today
from wards.models import PositionKind, Ward
from wards.workbook import Column, Section

KIND_LABELS = {
    PositionKind.CAN_BO: "CÁN BỘ",
    PositionKind.CONG_CHUC: "CÔNG CHỨC",
    PositionKind.POLICE: "CÔNG AN CHÍNH QUY",
}


def _ward_label(ward) -> str:
    return f"Phường {ward.name}"


def _wards():
    # Administrative-code order, as the ward list.
    return Ward.objects.select_related("district").order_by("code")


# --- (a) district roster --------------------------------------------------------------------------------------

ROSTER_COLUMNS = [
    Column("Chức danh", 30, "wrap"),
    Column("Họ và tên", 26),
    Column("Mã cán bộ", 11),
    Column("Giới tính", 8),
    Column("Ngày sinh", 12, "date"),
    Column("Trình độ chuyên môn", 16),
    Column("Chuyên ngành", 20, "wrap"),
    Column("Lý luận chính trị", 15),
    Column("Ngày giữ chức danh", 13, "date"),
    Column("Ghi chú", 18, "wrap"),
]
SUMMARY_COLUMNS = [
    Column("Phường", 22),
    Column("Loại", 8),
    Column("Cán bộ", 10, "number"),
    Column("Công chức", 10, "number"),
    Column("Công an", 10, "number"),
    Column("Tổng số", 10, "number"),
]


_ROMAN = ["I", "II", "III", "IV", "V", "VI"]


def _roster_rows(holdings):
    """Rows of one ward's sheet in structure order (the catalogue's display order), a numbered heading
    where the kind of post changes (cán bộ, công an, công chức)."""
    kind, n = None, 0
    sexes, educations, theories = (
        {k: str(v) for k, v in e.choices} for e in (Sex, Education, PoliticalTheory)
    )
    for h in holdings:
        if h.position.kind != kind:
            kind = h.position.kind
            label = KIND_LABELS.get(kind, str(kind))
            yield Section(f"{_ROMAN[n] if n < len(_ROMAN) else n + 1}. {label}")
            n += 1
        o = h.official
        birth = o.birth_date.year if o.birth_precision == "year" else o.birth_date
        yield [
            h.position.title, o.full_name, o.code, sexes.get(o.sex, o.sex), birth, educations.get(o.education, ""),
            o.major, theories.get(o.political_theory, ""), h.start_date, "" if h.is_primary else "Kiêm nhiệm",
        ]  # fmt: skip


def district_roster_response():
    """(a) Summary per ward, then each ward's officials in structure order (posts by display order).
    Four queries whatever the size: district, wards with counts, holdings (streamed)."""
    day = today()
    issuer = workbook.default_issuer()
    wards = list(_wards())
    counts = defaultdict(Counter)
    for ward_id, kind in (
        PostHolding.objects.open_on(day).filter(is_primary=True).order_by().values_list("ward_id", "position__kind")
    ):  # fmt: skip
        counts[ward_id][kind] += 1
    wb = workbook.new_workbook()
    subtitle = f"(Theo chức danh chính đang đảm nhiệm ngày {day:%d/%m/%Y})"
    totals = Counter()
    summary = []
    for ward in wards:
        c = counts[ward.pk]
        row = [c[PositionKind.CAN_BO], c[PositionKind.CONG_CHUC], c[PositionKind.POLICE]]
        totals.update({"cb": row[0], "cc": row[1], "ca": row[2]})
        summary.append([_ward_label(ward), ward.get_ward_class_display(), *row, sum(row)])
    summary.append(Section(f"Tổng cộng: {totals['cb']} cán bộ, {totals['cc']} công chức, {totals['ca']} công an; "
                           f"{sum(totals.values())} người"))  # fmt: skip
    workbook.write_sheet(
        wb, sheet_title="Tổng hợp", title="TỔNG HỢP DANH SÁCH CÁN BỘ, CÔNG CHỨC CÁC PHƯỜNG", subtitle=subtitle,
        columns=SUMMARY_COLUMNS, rows=summary, issuer=issuer, day=day,
    )  # fmt: skip
    holdings = iter(
        PostHolding.objects.open_on(day)
        .select_related("official", "position")
        .order_by(
            "ward__code", "ward_id", "position__display_order", "-is_primary", "official__sort_key", "pk"
        )
        .iterator(chunk_size=2000)
    )
    pending = [next(holdings, None)]

    def of_ward(ward_id):
        # The shared stream is ordered by ward: yield this ward's holdings, keep the next ward's first one.
        while pending[0] is not None and pending[0].ward_id == ward_id:
            yield pending[0]
            pending[0] = next(holdings, None)

    for ward in wards:
        mine = of_ward(ward.pk)
        workbook.write_sheet(
            wb, sheet_title=ward.name, title=f"DANH SÁCH CÁN BỘ, CÔNG CHỨC {_ward_label(ward).upper()}",
            subtitle=f"({ward.get_ward_class_display()}; số liệu ngày {day:%d/%m/%Y})", columns=ROSTER_COLUMNS,
            rows=_roster_rows(mine), issuer=issuer, day=day,
        )  # fmt: skip
    return workbook.response(wb, workbook.filename("danh-sach-can-bo-cac-phuong", day))


# --- (b) findings -----------------------------------------------------------------------------------------------

FINDING_COLUMNS = [
    Column("Phường", 16),
    Column("Mức độ", 14),
    Column("Mã phát hiện", 24),
    Column("Cán bộ", 24, "wrap"),
    Column("Nội dung", 60, "wrap"),
    Column("Căn cứ", 40, "wrap"),
]


def _finding_row(f):
    who = f"{f.official_name} ({f.official_code})" if f.official_code else rules.LEVEL_LABELS.get(f.level, "")
    return [f.ward_name or "Toàn quận", f.severity_label, f.code, who, f.message, f.basis]


def findings_list_response(findings, *, as_of: dt.date):
    """The findings list page's export: exactly the filtered findings, in the page's order."""
    wb = workbook.new_workbook()
    workbook.write_sheet(
        wb, sheet_title="Phát hiện", title="DANH SÁCH PHÁT HIỆN RÀ SOÁT THEO NGHỊ ĐỊNH 32/2021/NĐ-CP",
        subtitle=f"(Đánh giá tại ngày {as_of:%d/%m/%Y})", columns=FINDING_COLUMNS,
        rows=(_finding_row(f) for f in findings), issuer=workbook.default_issuer(),
    )  # fmt: skip
    return workbook.response(wb, workbook.filename("phat-hien-ra-soat"))


def findings_report_response():
    """(b) A summary per ward and severity, then every finding grouped by ward."""
    result = services.check()
    issuer = workbook.default_issuer()
    by_ward = defaultdict(list)
    for f in result.findings:
        by_ward[f.ward_id].append(f)
    wb = workbook.new_workbook()
    subtitle = f"(Đánh giá tại ngày chuyển đổi {result.as_of:%d/%m/%Y})"
    summary = []
    for ward in result.wards:
        c = Counter(f.severity for f in by_ward.get(ward.id, ()))
        summary.append([_ward_label(ward), *(c[s] for s in rules.SEVERITIES), sum(c.values())])
    district = by_ward.get(None, [])
    if district:
        c = Counter(f.severity for f in district)
        summary.append(["Toàn quận", *(c[s] for s in rules.SEVERITIES), sum(c.values())])
    workbook.write_sheet(
        wb, sheet_title="Tổng hợp", title="TỔNG HỢP KẾT QUẢ RÀ SOÁT CÁN BỘ, CÔNG CHỨC PHƯỜNG", subtitle=subtitle,
        columns=[Column("Phường", 22)] + [Column(rules.SEVERITY_LABELS[s], 14, "number") for s in rules.SEVERITIES]
        + [Column("Tổng số", 10, "number")],
        rows=summary, issuer=issuer, day=today(),
    )  # fmt: skip

    def detail():
        for ward in result.wards:
            findings = by_ward.get(ward.id, [])
            if findings:
                yield Section(f"{_ward_label(ward)} ({len(findings)} phát hiện)")
                yield from (_finding_row(f) for f in findings)
        if district:
            yield Section("Toàn quận")
            yield from (_finding_row(f) for f in district)

    workbook.write_sheet(
        wb, sheet_title="Chi tiết theo phường", title="KẾT QUẢ RÀ SOÁT CÁN BỘ, CÔNG CHỨC PHƯỜNG THEO NGHỊ ĐỊNH 32/2021/NĐ-CP",
        subtitle=subtitle, columns=FINDING_COLUMNS, rows=detail(), issuer=issuer, day=today(),
    )  # fmt: skip
    return workbook.response(wb, workbook.filename("ket-qua-ra-soat"))


# --- (c) the reassignment plan ---------------------------------------------------------------------------------

PLAN_TITLE = "DANH SÁCH DỰ KIẾN SẮP XẾP, BỐ TRÍ CÁN BỘ, CÔNG CHỨC PHƯỜNG"
PLAN_COLUMNS = [
    Column("Họ và tên", 24),
    Column("Mã cán bộ", 11),
    Column("Năm sinh", 9, "number"),
    Column("Giới tính", 8),
    Column("Phường", 14),
    Column("Chức danh hiện tại", 28, "wrap"),
    Column("Trình độ chuyên môn", 14),
    Column("Lý luận chính trị", 14),
    Column("Phương án", 26, "wrap"),
    Column("Phường bố trí", 14),
    Column("Chức danh bố trí", 26, "wrap"),
    Column("Căn cứ chính sách", 24, "wrap"),
    Column("Số, ngày quyết định", 16, "wrap"),
    Column("Trạng thái", 12),
    Column("Ý kiến Chủ tịch phường", 22, "wrap"),
    Column("Ghi chú", 20, "wrap"),
]


def _current_titles(proposals, reform) -> dict:
    """official id -> titles of the posts held on the eve of the cutover ("(kn)" for concurrent ones). One query."""
    out = defaultdict(list)
    ids = {p.official_id for p in proposals}
    if ids:
        rows = (
            plan.open_holdings_on_eve(reform)
            .filter(official_id__in=ids)
            .order_by("official_id", "-is_primary", "position__display_order")
        )
        for official_id, title, primary in rows.values_list("official_id", "position__title", "is_primary"):
            out[official_id].append(title if primary else f"{title} (kiêm nhiệm)")
    return out


def _proposal_row(p, titles):
    o = p.official
    if p.outcome == Outcome.LAPSE and p.holding_id:
        target = f"Thôi kiêm nhiệm {p.holding.position.title}"
    else:
        target = p.target_position.title if p.target_position_id else ""
    decision = " ".join(
        x for x in (p.decision_number, f"{p.decision_date:%d/%m/%Y}" if p.decision_date else "") if x
    )
    try:
        review = p.review
    except Review.DoesNotExist:  # no review yet
        review = None
    opinion = ""
    if review is not None:
        opinion = review.get_verdict_display() + (f": {review.comment}" if review.comment else "")
    return [
        o.full_name, o.code, o.birth_date.year, o.get_sex_display(), p.ward.name, "; ".join(titles.get(o.pk, [])),
        o.get_education_display(), o.get_political_theory_display(), p.get_outcome_display(),
        p.target_ward.name if p.target_ward_id else "", target, p.policy_basis, decision, p.get_status_display(),
        opinion, p.note,
    ]  # fmt: skip


def proposals_response(proposals, *, reform, by_ward: bool, stem="danh-sach-du-kien-sap-xep"):
    """(c) and the proposal list's export. ``proposals``: a queryset with official, ward, target_ward,
    target_position, holding__position and review loaded, already scoped and filtered."""
    proposals = list(proposals)
    titles = _current_titles(proposals, reform)

    def rows():
        ward = None
        for p in proposals:
            if by_ward and p.ward_id != ward:
                ward = p.ward_id
                yield Section(_ward_label(p.ward))
            yield _proposal_row(p, titles)

    wb = workbook.new_workbook()
    workbook.write_sheet(
        wb, sheet_title="Dự kiến sắp xếp", title=PLAN_TITLE,
        subtitle=f"(Thực hiện Nghị định 32/2021/NĐ-CP; ngày chuyển đổi {reform.cutover_date:%d/%m/%Y})",
        columns=PLAN_COLUMNS, rows=rows(), issuer=workbook.default_issuer(),
    )  # fmt: skip
    return workbook.response(wb, workbook.filename(stem))


def plan_report_response():
    reform = plan.current_reform()
    proposals = (
        plan.plan_proposals(reform)
        .select_related("holding__position")
        .order_by("ward__code", "ward_id", "official__sort_key", "pk")
    )
    return proposals_response(proposals, reform=reform, by_ward=True)


# --- (d) headcount against the quotas, before and after the cutover ----------------------------------------------

HEADCOUNT_COLUMNS = [
    Column("Phường", 20),
    Column("Loại", 8),
    Column("Trước: cán bộ", 10, "number"),
    Column("Định mức cán bộ", 10, "number"),
    Column("Trước: công chức", 10, "number"),
    Column("Định mức công chức", 10, "number"),
    Column("Trước: tổng", 10, "number"),
    Column("Định mức tổng", 10, "number"),
    Column("Sau: công chức tính biên chế", 12, "number"),
    Column("Bình quân tối đa", 10, "number"),
    Column("Chênh lệch", 10, "number"),
]


def headcount_report_response():
    """(d) Per ward: cán bộ and công chức before the cutover (held on its eve) against the pre-reform quota of
    the ward's class; after it (as planned) the civil servants counting in the headcount against the average
    of 15 per ward, and the district total against 15 × wards."""
    reform = plan.current_reform()
    law = services.load_law(reform)
    proposals = list(plan.plan_proposals(reform))
    changes = plan.proposals_to_changes(proposals, current_codes=plan_check.current_codes(proposals, reform))
    eve = plan.eve_of(reform)
    result = services.check(plan=changes, law=law, as_of=eve)
    quota = law.value("pre_reform_quota")  # per ward class: [cán bộ, công chức, total]
    per_ward = law.value("headcount_per_ward")
    before = defaultdict(Counter)
    for h in result.roster.holdings:
        post = law.posts.get(h.position)
        if h.is_primary and post:
            before[h.ward_id][post.kind] += 1
    after = defaultdict(set)
    for seat in result.projection.seats:
        post = law.posts.get(seat.position)
        if post and post.counts_in_headcount and not post.abolished:
            after[seat.ward_id].add(seat.official_id)
    rows, total_after = [], 0
    for ward in result.wards:
        cb, cc = before[ward.id]["can_bo"], before[ward.id]["cong_chuc"]
        q_cb, q_cc, q_all = quota.get(ward.ward_class, (None, None, None))
        n_after = len(after[ward.id])
        total_after += n_after
        rows.append([_ward_label(ward), ward.ward_class, cb, q_cb, cc, q_cc, cb + cc, q_all, n_after, per_ward,
                     n_after - per_ward])  # fmt: skip
    n_wards = len(result.wards)
    cap = per_ward * n_wards
    verdict = "vượt" if total_after > cap else "trong giới hạn"
    rows.append(Section(f"Toàn quận sau chuyển đổi: {total_after} công chức phường tính vào biên chế / tối đa "
                        f"{per_ward} × {n_wards} phường = {cap} ({verdict})."))  # fmt: skip
    wb = workbook.new_workbook()
    basis = law.params["headcount_per_ward"].citation if "headcount_per_ward" in law.params else ""
    workbook.write_sheet(
        wb, sheet_title="Biên chế", title="SỐ LƯỢNG CÁN BỘ, CÔNG CHỨC PHƯỜNG SO VỚI ĐỊNH MỨC TRƯỚC VÀ SAU CHUYỂN ĐỔI",
        subtitle=f"(Trước: chức danh chính ngày {eve:%d/%m/%Y}; sau: dự kiến từ {reform.cutover_date:%d/%m/%Y} "
                 "theo kế hoạch sắp xếp)",
        columns=HEADCOUNT_COLUMNS, rows=rows, issuer=workbook.default_issuer(),
        footnote=f"Định mức trước chuyển đổi: {law.basis('pre_reform_quota')}. Sau chuyển đổi: {basis}".strip(),
    )  # fmt: skip
    return workbook.response(wb, workbook.filename("bien-che-truoc-sau-chuyen-doi"))

"""A few DRAFT proposals for the demo district, so the plan pages have something to show: a retirement, a
first appointment, a move into a vacant seat, two policy leaves, a lapsing concurrent post, and one promotion
of a Vice-Chair with under 60 months to retirement, which the check flags (APPOINTMENT_AGE)."""

from django.contrib.auth import get_user_model
from django.db import transaction

from personnel.models import PostHolding
from staffing import plan
from staffing.models import Outcome, Proposal
from wards.models import Position, Ward


def _holder(slug: str, code: str, index: int = 0, *, primary: bool = True) -> PostHolding:
    rows = (
        PostHolding.objects.filter(
            ward__slug=slug, position__code=code, is_primary=primary, end_date__isnull=True
        )
        .select_related("official__ward")
        .order_by("official__code")
    )
    return rows[index]


@transaction.atomic
def seed_demo_plan(*, actor=None) -> int:
    """Create the demo proposals once; returns how many were created (0 when the plan has proposals)."""
    reform = plan.current_reform()
    if Proposal.objects.filter(reform=reform).exists():
        return 0
    actor = actor or get_user_model().objects.get(username="noivu")
    ward = {w.slug: w for w in Ward.objects.all()}
    post = {p.code: p for p in Position.objects.all()}
    specs = [
        # The Chair of Hàng Bột reaches retirement age in 05/2021.
        (_holder("hang-bot", "CHU_TICH").official, {"outcome": Outcome.RETIRE,
         "note": "Nghỉ hưu từ 01/6/2021 (đủ 60 tuổi 3 tháng)."}),
        # Kim Liên's Vice-Chair (born 05/1963, retires 05/2024) proposed as Chair of Hàng Bột: APPOINTMENT_AGE.
        (_holder("kim-lien", "PHO_CHU_TICH").official, {"outcome": Outcome.APPOINT, "target_ward": ward["hang-bot"],
         "target_position": post["CHU_TICH"], "note": "Dự kiến điều động, bổ nhiệm Chủ tịch UBND phường Hàng Bột."}),
        # Phương Mai has no Văn hóa – Xã hội civil servant; its HĐND Vice-Chair fills the seat.
        (_holder("phuong-mai", "PHO_CHU_TICH_HDND").official, {"outcome": Outcome.MOVE,
         "target_ward": ward["phuong-mai"], "target_position": post["VH_XH"]}),
        (_holder("tho-quan", "VH_XH").official, {"outcome": Outcome.LEAVE,
         "policy_basis": "Nghị định 108/2014/NĐ-CP (tinh giản biên chế)",
         "note": "Trình độ trung cấp, tuyển dụng sau 25/12/2019: không đạt chuẩn công chức phường."}),
        (_holder("van-mieu", "PHO_CHU_TICH_HDND").official, {"outcome": Outcome.LEAVE,
         "policy_basis": "Nghị định 26/2015/NĐ-CP (cán bộ không đủ điều kiện tuổi tái cử, tái bổ nhiệm)"}),
    ]  # fmt: skip
    concurrent = _holder("cat-linh", "CHU_TICH_HDND", primary=False)
    specs.append((concurrent.official, {"outcome": Outcome.LAPSE, "holding": concurrent}))
    for official, fields in specs:
        plan.proposal_create(actor=actor, official=official, reform=reform, **fields)
    return len(specs)

"""The Decree 32 reform as data (per-position rules and parameters, each with its citation) and the
reassignment plan (proposals, the ward chairs' reviews and sign-offs, the cutover runs).

Code holds the logic (staffing/rules.py); these rows hold the numbers, editable by an administrator.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from personnel.models import Official, PostHolding
from wards.access import scope
from wards.models import Position, Ward

DEFAULT_LABEL = _("mặc định, chờ Sở Nội vụ xác nhận")


class Reform(models.Model):
    """A restructuring with a cutover date, e.g. ND32-2021: Hà Nội's wards lose their People's Councils."""

    code = models.CharField(_("mã"), max_length=30, unique=True)
    title = models.CharField(_("tên"), max_length=300)
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    cutover_date = models.DateField(_("ngày chuyển đổi"))
    executed_at = models.DateTimeField(
        _("thời điểm thực hiện chuyển đổi"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["cutover_date"]
        verbose_name = _("đợt sắp xếp")
        verbose_name_plural = _("đợt sắp xếp")

    def __str__(self):
        return f"{self.code} — {self.title}"


class PositionRule(models.Model):
    """What the reform says of one post: abolished or kept, seats per ward class, headcount, standards."""

    reform = models.ForeignKey(Reform, on_delete=models.CASCADE, related_name="position_rules")
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="rules", verbose_name=_("chức danh")
    )
    abolished = models.BooleanField(_("bãi bỏ"), default=False)
    in_structure = models.BooleanField(_("thuộc cơ cấu UBND phường sau chuyển đổi"), default=False)
    min_class_i = models.PositiveSmallIntegerField(_("tối thiểu (loại I)"), null=True, blank=True)
    max_class_i = models.PositiveSmallIntegerField(_("tối đa (loại I)"), null=True, blank=True)
    min_class_ii = models.PositiveSmallIntegerField(_("tối thiểu (loại II)"), null=True, blank=True)
    max_class_ii = models.PositiveSmallIntegerField(_("tối đa (loại II)"), null=True, blank=True)
    min_class_iii = models.PositiveSmallIntegerField(_("tối thiểu (loại III)"), null=True, blank=True)
    max_class_iii = models.PositiveSmallIntegerField(_("tối đa (loại III)"), null=True, blank=True)
    counts_in_headcount = models.BooleanField(_("tính vào biên chế công chức phường"), default=False)
    kind_after = models.CharField(_("loại sau chuyển đổi"), max_length=10, blank=True)
    min_education = models.PositiveSmallIntegerField(
        _("trình độ chuyên môn tối thiểu"), null=True, blank=True
    )
    min_political_theory = models.PositiveSmallIntegerField(
        _("lý luận chính trị tối thiểu"), null=True, blank=True
    )
    requires_it_certificate = models.BooleanField(_("yêu cầu chứng chỉ tin học"), default=False)
    requires_law_training = models.BooleanField(_("yêu cầu trung cấp luật"), default=False)
    requires_civil_status_training = models.BooleanField(_("yêu cầu bồi dưỡng hộ tịch"), default=False)
    citation = models.TextField(_("căn cứ"))
    is_default = models.BooleanField(_("giá trị mặc định"), default=False, help_text=DEFAULT_LABEL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["reform", "position__display_order"]
        verbose_name = _("quy định chức danh")
        verbose_name_plural = _("quy định chức danh")
        constraints = [models.UniqueConstraint(fields=["reform", "position"], name="rule_one_per_position")]

    def __str__(self):
        return f"{self.reform.code}: {self.position.code}"


class Parameter(models.Model):
    """A number, date or table of the law (e.g. the retirement roadmap), with its citation."""

    reform = models.ForeignKey(Reform, on_delete=models.CASCADE, related_name="parameters")
    key = models.SlugField(_("khóa"), max_length=60)
    label = models.CharField(_("tên tham số"), max_length=200)
    value = models.JSONField(_("giá trị"))
    unit = models.CharField(_("đơn vị"), max_length=30, blank=True)
    citation = models.TextField(_("căn cứ"))
    is_default = models.BooleanField(_("giá trị mặc định"), default=False, help_text=DEFAULT_LABEL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["reform", "key"]
        verbose_name = _("tham số")
        verbose_name_plural = _("tham số")
        constraints = [models.UniqueConstraint(fields=["reform", "key"], name="parameter_unique_key")]

    def __str__(self):
        return f"{self.reform.code}: {self.key}"


class Outcome(models.TextChoices):
    KEEP = "keep", _("Giữ chức danh, chuyển đổi tại chỗ")
    MOVE = "move", _("Điều động, bố trí sang chức danh khác")
    APPOINT = "appoint", _("Bổ nhiệm Chủ tịch/Phó Chủ tịch")
    RETIRE = "retire", _("Nghỉ hưu")
    LEAVE = "leave", _("Nghỉ theo chính sách")
    LAPSE = "lapse", _("Thôi kiêm nhiệm")


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã phê duyệt")


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope(self, user, "ward_id")


class Proposal(models.Model):
    """What happens to one official (or one of their concurrent posts) at the cutover."""

    reform = models.ForeignKey(Reform, on_delete=models.CASCADE, related_name="proposals")
    official = models.ForeignKey(
        Official, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("cán bộ")
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("phường hiện tại"),
        help_text=_("Phường của cán bộ khi lập đề xuất; Chủ tịch phường này xem xét đề xuất."),
    )  # fmt: skip
    outcome = models.CharField(_("phương án"), max_length=10, choices=Outcome.choices)
    target_ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="incoming_proposals",
        verbose_name=_("phường bố trí"),
    )  # fmt: skip
    target_position = models.ForeignKey(
        Position, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals",
        verbose_name=_("chức danh bố trí"),
    )  # fmt: skip
    holding = models.ForeignKey(
        PostHolding, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals",
        verbose_name=_("chức danh kiêm nhiệm thôi giữ"),
    )  # fmt: skip
    policy_basis = models.CharField(_("căn cứ chính sách"), max_length=300, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["ward__name", "official__sort_key", "pk"]
        verbose_name = _("đề xuất sắp xếp")
        verbose_name_plural = _("đề xuất sắp xếp")

    def __str__(self):
        return f"{self.official.full_name}: {self.get_outcome_display()}"


class Verdict(models.TextChoices):
    AGREE = "agree", _("Đồng ý")
    DISPUTE = "dispute", _("Không đồng ý")


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope(self, user, "proposal__ward_id")


class Review(models.Model):
    """A ward chair's verdict on one proposal of their ward."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="review")
    verdict = models.CharField(_("ý kiến"), max_length=10, choices=Verdict.choices)
    comment = models.TextField(_("nhận xét"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("ý kiến của Chủ tịch phường")
        verbose_name_plural = _("ý kiến của Chủ tịch phường")
        constraints = [
            models.CheckConstraint(
                name="review_dispute_has_comment",
                condition=~models.Q(verdict="dispute") | ~models.Q(comment=""),
                violation_error_message=_("Khi không đồng ý, cần ghi rõ nhận xét."),
            )
        ]

    def __str__(self):
        return f"{self.proposal}: {self.get_verdict_display()}"


class SignOffQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope(self, user, "ward_id")


class SignOff(models.Model):
    """A ward chair's confirmation that every row of their ward's plan is reviewed. Reopened by deletion
    (the history keeps it) when a proposal of the ward changes."""

    reform = models.ForeignKey(Reform, on_delete=models.CASCADE, related_name="signoffs")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="signoffs")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = SignOffQuerySet.as_manager()

    class Meta:
        verbose_name = _("xác nhận của phường")
        verbose_name_plural = _("xác nhận của phường")
        constraints = [models.UniqueConstraint(fields=["reform", "ward"], name="signoff_one_per_ward")]

    def __str__(self):
        return f"{self.ward} — {self.reform.code}"


class CutoverRun(models.Model):
    """One execution of the cutover, with what it needs to roll back exactly."""

    reform = models.ForeignKey(Reform, on_delete=models.PROTECT, related_name="cutover_runs")
    executed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    executed_at = models.DateTimeField(auto_now_add=True)
    ended_holdings = models.JSONField(
        default=list, help_text="[{id, end_date, decision_number}] before the run"
    )
    created_holdings = models.JSONField(default=list, help_text="ids of the holdings the run opened")
    official_wards = models.JSONField(default=dict, help_text="{official id: ward id} before the run")
    summary = models.JSONField(default=dict)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rolled_back_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-executed_at"]
        verbose_name = _("lần thực hiện chuyển đổi")
        verbose_name_plural = _("lần thực hiện chuyển đổi")

    def __str__(self):
        return f"{self.reform.code} {self.executed_at:%d/%m/%Y %H:%M}"

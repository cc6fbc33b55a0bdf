"""Ward officials, the posts they hold (primary and concurrent, dated) and their family relations."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wards.access import scope
from wards.clock import today
from wards.models import Position, Ward


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class BirthPrecision(models.TextChoices):
    DAY = "day", _("Ngày tháng năm")
    YEAR = "year", _("Chỉ năm sinh")


class Education(models.IntegerChoices):
    """Education levels in legal order (domain.md §4): a higher number is a higher level."""

    NONE = 0, _("Chưa qua đào tạo")
    THCS = 1, _("Trung học cơ sở")
    THPT = 2, _("Trung học phổ thông")
    TRUNG_CAP = 3, _("Trung cấp")
    CAO_DANG = 4, _("Cao đẳng")
    DAI_HOC = 5, _("Đại học")
    THAC_SI = 6, _("Thạc sĩ")
    TIEN_SI = 7, _("Tiến sĩ")


class PoliticalTheory(models.IntegerChoices):
    """Political theory levels in order; a "cử nhân" degree counts as cao cấp (domain.md §4)."""

    NONE = 0, _("Chưa qua đào tạo")
    SO_CAP = 1, _("Sơ cấp")
    TRUNG_CAP = 2, _("Trung cấp")
    CAO_CAP = 3, _("Cao cấp, cử nhân")


def _holds_post_in(ward_id):
    return models.Exists(
        PostHolding.objects.open_on(today()).filter(official=models.OuterRef("pk"), ward_id=ward_id)
    )


class OfficialQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The officials ``user`` may see: all for district staff; for a ward chair, those of their ward and
        those holding a post in it today (e.g. a concurrent post), since they work there."""
        return scope(self, user, "ward_id", also=_holds_post_in)


class Official(models.Model):
    """A ward official (cán bộ, công chức phường), identified by a stable code (mã cán bộ)."""

    code = models.CharField(_("mã cán bộ"), max_length=20, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"))
    birth_precision = models.CharField(
        _("độ chính xác ngày sinh"), max_length=4, choices=BirthPrecision.choices, default=BirthPrecision.DAY
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="officials", verbose_name=_("phường công tác")
    )
    education = models.PositiveSmallIntegerField(_("trình độ chuyên môn"), choices=Education.choices)
    major = models.CharField(_("chuyên ngành"), max_length=150, blank=True)
    political_theory = models.PositiveSmallIntegerField(
        _("lý luận chính trị"), choices=PoliticalTheory.choices, default=PoliticalTheory.NONE
    )
    it_certificate = models.BooleanField(_("chứng chỉ tin học"), default=False)
    law_training = models.BooleanField(_("trung cấp luật"), default=False)
    civil_status_training = models.BooleanField(_("bồi dưỡng hộ tịch"), default=False)
    recruitment_date = models.DateField(_("ngày tuyển dụng"), null=True, blank=True)
    party_date = models.DateField(_("ngày vào Đảng"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["search_name", "sort_key"])
    objects = OfficialQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "code"]
        verbose_name = _("cán bộ, công chức")
        verbose_name_plural = _("cán bộ, công chức")
        indexes = [models.Index(fields=["ward", "sort_key"], name="official_ward_sort")]

    def __str__(self):
        return f"{self.full_name} ({self.code})"

    def get_absolute_url(self):
        return reverse("personnel:detail", args=[self.code])

    @property
    def birth_display(self) -> str:
        if self.birth_precision == BirthPrecision.YEAR:
            return str(self.birth_date.year)
        return self.birth_date.strftime("%d/%m/%Y")


class HoldingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope(self, user, "ward_id")

    def open_on(self, day):
        """Holdings in force on ``day``: started on or before it and not ended before it."""
        return self.filter(start_date__lte=day).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day)
        )


class PostHolding(models.Model):
    """One official holding one post in one ward from a start date until an end date (open while held)."""

    official = models.ForeignKey(
        Official, on_delete=models.CASCADE, related_name="holdings", verbose_name=_("cán bộ")
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("phường")
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("chức danh")
    )
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    is_primary = models.BooleanField(
        _("chức danh chính"), default=True, help_text=_("Bỏ chọn nếu là kiêm nhiệm.")
    )
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)

    history = HistoricalRecords()
    objects = HoldingQuerySet.as_manager()

    class Meta:
        ordering = ["position__display_order", "-is_primary", "start_date"]
        verbose_name = _("chức danh đảm nhiệm")
        verbose_name_plural = _("chức danh đảm nhiệm")
        constraints = [
            models.CheckConstraint(
                name="holding_end_after_start",
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            ),
            models.UniqueConstraint(
                fields=["official"],
                condition=models.Q(is_primary=True, end_date__isnull=True),
                name="holding_one_open_primary",
                violation_error_message=_("Cán bộ đã có một chức danh chính đang đảm nhiệm."),
            ),
        ]
        indexes = [models.Index(fields=["ward", "end_date"], name="holding_ward_end")]

    def __str__(self):
        kind = "" if self.is_primary else " (kiêm nhiệm)"
        return f"{self.position}{kind} — {self.official.full_name}"


class RelationKind(models.TextChoices):
    SPOUSE = "spouse", _("Vợ/chồng")
    PARENT = "parent", _("Cha/mẹ")
    CHILD = "child", _("Con")
    SIBLING = "sibling", _("Anh/chị/em ruột")


# How each relation reads from the other side.
RELATION_INVERSE = {
    RelationKind.SPOUSE: RelationKind.SPOUSE,
    RelationKind.PARENT: RelationKind.CHILD,
    RelationKind.CHILD: RelationKind.PARENT,
    RelationKind.SIBLING: RelationKind.SIBLING,
}


class RelationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope(self, user, "official__ward_id")

    def involving(self, official_id):
        return self.filter(models.Q(official_id=official_id) | models.Q(relative_id=official_id))


class FamilyRelation(models.Model):
    """``relative`` is the ``kind`` of ``official`` (e.g. relative is the spouse of official); one row per pair."""

    official = models.ForeignKey(
        Official, on_delete=models.CASCADE, related_name="relations", verbose_name=_("cán bộ")
    )
    relative = models.ForeignKey(
        Official, on_delete=models.CASCADE, related_name="relations_as_relative", verbose_name=_("người thân")
    )
    kind = models.CharField(_("quan hệ"), max_length=10, choices=RelationKind.choices)

    history = HistoricalRecords()
    objects = RelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("quan hệ gia đình")
        verbose_name_plural = _("quan hệ gia đình")
        constraints = [
            models.CheckConstraint(
                name="relation_not_self",
                condition=~models.Q(official=models.F("relative")),
                violation_error_message=_("Một người không thể là người thân của chính mình."),
            ),
            models.UniqueConstraint(
                fields=["official", "relative"],
                name="relation_unique_pair",
                violation_error_message=_("Quan hệ giữa hai người này đã có."),
            ),
        ]

    def __str__(self):
        return f"{self.relative.full_name} là {self.get_kind_display().lower()} của {self.official.full_name}"

    def kind_seen_from(self, official_id) -> str:
        """The relation's label read from ``official_id``'s side."""
        kind = self.kind if official_id == self.official_id else RELATION_INVERSE[self.kind]
        return RelationKind(kind).label

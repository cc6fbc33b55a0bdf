"""The district, its wards, the catalogue of ward posts, and who may see which ward."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wards.access import scope


class District(models.Model):
    """An urban district (quận) whose Interior Office runs the restructuring of its wards."""

    code = models.CharField(_("mã đơn vị hành chính"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    province = models.CharField(_("tỉnh, thành phố"), max_length=100)
    interior_office = models.CharField(_("cơ quan tham mưu"), max_length=150, default="PHÒNG NỘI VỤ")

    class Meta:
        ordering = ["name"]
        verbose_name = _("quận")
        verbose_name_plural = _("quận")

    def __str__(self):
        return self.name


class WardClass(models.TextChoices):
    """Class of a ward (loại đơn vị hành chính), set by a city decision; it drives the quotas."""

    I = "I", _("Loại I")  # noqa: E741 — the legal name of the class
    II = "II", _("Loại II")
    III = "III", _("Loại III")


class WardQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The wards ``user`` may see: all for district staff, their own for a ward chair."""
        return scope(self, user, "pk")


class Ward(models.Model):
    """A ward (phường) of the district: from 01/7/2021 its UBND is an administrative body of the district."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="wards", verbose_name=_("quận")
    )
    code = models.CharField(_("mã đơn vị hành chính"), max_length=10, unique=True)
    name = models.CharField(_("tên phường"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    ward_class = models.CharField(_("loại"), max_length=3, choices=WardClass.choices)
    class_is_illustrative = models.BooleanField(
        _("loại minh họa"),
        default=False,
        help_text=_("Loại phường là dữ liệu minh họa, chưa theo quyết định của Thành phố."),
    )
    class_decision = models.CharField(_("quyết định xếp loại"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("dân số"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("diện tích (km²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    objects = WardQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("phường")
        verbose_name_plural = _("phường")

    def __str__(self):
        return f"Phường {self.name}"

    def get_absolute_url(self):
        return reverse("wards:detail", args=[self.slug])


class PositionKind(models.TextChoices):
    """The legal kind of a post, which decides the standards and the headcount it counts in."""

    CAN_BO = "can_bo", _("Cán bộ")
    CONG_CHUC = "cong_chuc", _("Công chức")
    POLICE = "cong_an", _("Công an chính quy")


class Position(models.Model):
    """A post (chức danh) at ward level, before or after the Decree 32 reform, with a stable code."""

    code = models.CharField(_("mã chức danh"), max_length=40, unique=True)
    title = models.CharField(_("chức danh"), max_length=150)
    short_title = models.CharField(_("tên ngắn"), max_length=60)
    kind = models.CharField(_("loại"), max_length=10, choices=PositionKind.choices)
    is_leadership = models.BooleanField(_("lãnh đạo"), default=False)
    in_ubnd = models.BooleanField(
        _("thuộc cơ cấu UBND phường"),
        default=False,
        help_text=_("Chức danh thuộc UBND phường sau 01/7/2021."),
    )
    display_order = models.PositiveSmallIntegerField(_("thứ tự"))

    class Meta:
        ordering = ["display_order"]
        verbose_name = _("chức danh")
        verbose_name_plural = _("chức danh")

    def __str__(self):
        return self.title


class Role(models.TextChoices):
    INTERIOR_OFFICE = "noi_vu", _("Phòng Nội vụ")
    WARD_CHAIR = "chu_tich_phuong", _("Chủ tịch UBND phường")
    ADMIN = "quan_tri", _("Quản trị")


class Profile(models.Model):
    """A user's role in the portal; a ward chair is tied to exactly one ward."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="chairs", verbose_name=_("phường")
    )

    class Meta:
        verbose_name = _("vai trò người dùng")
        verbose_name_plural = _("vai trò người dùng")
        constraints = [
            models.CheckConstraint(
                name="profile_ward_chair_has_ward",
                condition=(
                    models.Q(role="chu_tich_phuong", ward__isnull=False) | ~models.Q(role="chu_tich_phuong")
                ),
                violation_error_message=_("Chủ tịch UBND phường phải gắn với một phường."),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"

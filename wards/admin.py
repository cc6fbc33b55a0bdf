"""Django admin (/quan-tri/) for the district, its wards, the position catalogue and users' roles."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from wards.models import District, Position, Profile, Ward


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "province", "interior_office"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "district",
        "ward_class",
        "class_is_illustrative",
        "population",
        "area_km2",
    ]
    list_filter = ["district", "ward_class", "class_is_illustrative"]
    search_fields = ["name", "code", "slug"]
    ordering = ["code"]
    list_select_related = ["district"]
    fieldsets = [
        (None, {"fields": ["district", "code", "name", "slug"]}),
        ("Phân loại", {"fields": ["ward_class", "class_is_illustrative", "class_decision"]}),
        ("Quy mô", {"fields": ["population", "area_km2"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every URL and in the chairs' user names: fixed once the ward exists.
        return ["slug"] if obj else []


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["display_order", "title", "code", "short_title", "kind", "is_leadership", "in_ubnd"]
    list_display_links = ["title"]
    list_filter = ["kind", "is_leadership", "in_ubnd"]
    search_fields = ["title", "code", "short_title"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are stable keys used by the rules and imports: never renamed.
        return ["code"] if obj else []


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "user_full_name", "role", "ward"]
    list_filter = ["role", "ward"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "ward__name"]
    list_select_related = ["user", "ward"]
    autocomplete_fields = ["user"]

    @admin.display(description="Họ tên", ordering="user__first_name")
    def user_full_name(self, obj):
        return obj.user.get_full_name()


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 1
    max_num = 1


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Django's user admin with the portal role (Vai trò người dùng) on the same page."""

    inlines = [ProfileInline]
    list_display = ["username", "get_full_name", "role", "ward", "is_active", "is_superuser", "last_login"]
    list_filter = ["profile__role", "is_active", "is_superuser"]
    list_select_related = ["profile__ward"]

    @admin.display(description="Vai trò", ordering="profile__role")
    def role(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else "—"

    @admin.display(description="Phường", ordering="profile__ward__name")
    def ward(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.ward if profile and profile.ward else "—"

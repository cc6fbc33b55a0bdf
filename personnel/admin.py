"""Django admin (/quan-tri/) for the roster, read-only with its change history.

Writes to officials, post holdings and family relations go through personnel.services (validation,
search keys, version, who-changed-what), which the portal's own forms call. The admin therefore shows
these records and their history and links to the portal's edit pages instead of saving them itself.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from personnel.models import FamilyRelation, Official, PostHolding


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """View-only in the admin: no add, change or delete (the portal's forms call the services)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HoldingInline(admin.TabularInline):
    model = PostHolding
    fields = ["position", "ward", "is_primary", "start_date", "end_date", "decision_number"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-start_date"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("position", "ward")


@admin.register(Official)
class OfficialAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "code",
        "full_name",
        "sex",
        "birth",
        "ward",
        "education",
        "political_theory",
        "portal_edit",
    ]
    list_display_links = ["code", "full_name"]
    list_filter = ["ward", "sex", "education", "political_theory", "birth_precision"]
    search_fields = ["code", "full_name", "search_name"]
    list_select_related = ["ward"]
    ordering = ["sort_key", "code"]
    inlines = [HoldingInline]
    readonly_fields = ["portal_edit"]

    @admin.display(description="Ngày sinh", ordering="birth_date")
    def birth(self, obj):
        return obj.birth_display

    @admin.display(description="Sửa trên cổng")
    def portal_edit(self, obj):
        return format_html('<a href="{}">Sửa hồ sơ</a>', reverse("personnel:edit", args=[obj.code]))

    def get_search_results(self, request, queryset, search_term):
        # Names are also searched without diacritics: "nguyen van an" finds "Nguyễn Văn An".
        from wards.text import fold

        results, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            results |= queryset.filter(search_name__contains=fold(search_term))
        return results, duplicates


@admin.register(PostHolding)
class PostHoldingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["official", "position", "ward", "is_primary", "start_date", "end_date", "decision_number",
                    "portal_page"]  # fmt: skip
    list_filter = ["ward", "position__kind", "position", "is_primary"]
    search_fields = ["official__code", "official__full_name", "decision_number"]
    list_select_related = ["official", "position", "ward"]
    date_hierarchy = "start_date"
    readonly_fields = ["portal_page"]

    @admin.display(description="Trên cổng")
    def portal_page(self, obj):
        return format_html('<a href="{}">Hồ sơ cán bộ</a>', obj.official.get_absolute_url())


@admin.register(FamilyRelation)
class FamilyRelationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["official", "kind", "relative", "official_ward", "relative_ward"]
    list_filter = ["kind"]
    search_fields = ["official__code", "official__full_name", "relative__code", "relative__full_name"]
    list_select_related = ["official__ward", "relative__ward"]

    @admin.display(description="Phường của cán bộ", ordering="official__ward__name")
    def official_ward(self, obj):
        return obj.official.ward

    @admin.display(description="Phường của người thân", ordering="relative__ward__name")
    def relative_ward(self, obj):
        return obj.relative.ward

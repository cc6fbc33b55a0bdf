"""Administrators edit the reform as data (Reform, PositionRule, Parameter) with history; values still marked
as defaults ("mặc định, chờ Sở Nội vụ xác nhận") are flagged in the lists."""

from django.contrib import admin
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from staffing.models import DEFAULT_LABEL, Parameter, PositionRule, Reform


def _default_flag(obj):
    if obj.is_default:
        return format_html('<span class="tag default" title="{}">{}</span>', DEFAULT_LABEL, DEFAULT_LABEL)
    return "Đã xác nhận"


@admin.register(Reform)
class ReformAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "cutover_date", "executed_at"]
    readonly_fields = ["executed_at"]
    search_fields = ["code", "title"]


@admin.register(PositionRule)
class PositionRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "position",
        "reform",
        "abolished",
        "in_structure",
        "seats",
        "counts_in_headcount",
        "default_flag",
    ]
    list_filter = ["reform", "abolished", "in_structure", "is_default"]
    list_select_related = ["reform", "position"]
    ordering = ["reform", "position__display_order"]
    fieldsets = [
        (None, {"fields": ["reform", "position", "abolished", "in_structure", "kind_after", "counts_in_headcount"]}),
        ("Số lượng theo loại phường", {"fields": [("min_class_i", "max_class_i"), ("min_class_ii", "max_class_ii"),
                                                  ("min_class_iii", "max_class_iii")]}),
        ("Tiêu chuẩn", {"fields": ["min_education", "min_political_theory", "requires_it_certificate",
                                   "requires_law_training", "requires_civil_status_training"]}),
        ("Căn cứ", {"fields": ["citation", "is_default"]}),
    ]  # fmt: skip

    @admin.display(description="Số lượng (I / II / III)")
    def seats(self, obj):
        def pair(low, high):
            return f"{'' if low is None else low}–{'' if high is None else high}"

        return " / ".join(
            [pair(obj.min_class_i, obj.max_class_i), pair(obj.min_class_ii, obj.max_class_ii),
             pair(obj.min_class_iii, obj.max_class_iii)]
        )  # fmt: skip

    @admin.display(description="Trạng thái giá trị", boolean=False)
    def default_flag(self, obj):
        return _default_flag(obj)


@admin.register(Parameter)
class ParameterAdmin(SimpleHistoryAdmin):
    list_display = ["key", "label", "value", "unit", "reform", "default_flag"]
    list_filter = ["reform", "is_default"]
    list_select_related = ["reform"]
    search_fields = ["key", "label", "citation"]

    @admin.display(description="Trạng thái giá trị")
    def default_flag(self, obj):
        return _default_flag(obj)

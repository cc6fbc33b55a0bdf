"""Administrators edit the reform as data (Reform, PositionRule, Parameter) with history; values still marked
as defaults ("mặc định, chờ Sở Nội vụ xác nhận") are flagged in the lists."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from personnel.models import Education, PoliticalTheory
from staffing.models import DEFAULT_LABEL, Parameter, PositionRule, Reform
from staffing.parameters import PARAMETER_FIELDS, parameter_update
from wards.models import PositionKind


def _default_flag(obj):
    if obj.is_default:
        return format_html('<span class="tag default" title="{}">{}</span>', DEFAULT_LABEL, DEFAULT_LABEL)
    return "Đã xác nhận"


@admin.register(Reform)
class ReformAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "cutover_date", "executed_at"]
    readonly_fields = ["executed_at"]
    search_fields = ["code", "title"]


def _choice_field(name, choices, coerce=str):
    return forms.TypedChoiceField(
        label=PositionRule._meta.get_field(name).verbose_name.capitalize(),
        choices=[("", "—"), *choices],
        coerce=coerce,
        empty_value=None if coerce is int else "",
        required=False,
    )


class PositionRuleForm(forms.ModelForm):
    """The standards as the catalogue's levels (a number outside them made every check page answer 500),
    the kind after the cutover as a position kind, and no minimum above its maximum."""

    min_education = _choice_field("min_education", Education.choices, int)
    min_political_theory = _choice_field("min_political_theory", PoliticalTheory.choices, int)
    kind_after = _choice_field("kind_after", PositionKind.choices)

    class Meta:
        model = PositionRule
        fields = [
            "reform", "position", "abolished", "in_structure", "kind_after", "counts_in_headcount",
            "min_class_i", "max_class_i", "min_class_ii", "max_class_ii", "min_class_iii", "max_class_iii",
            "min_education", "min_political_theory", "requires_it_certificate", "requires_law_training",
            "requires_civil_status_training", "citation", "is_default",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        for cls in ("i", "ii", "iii"):
            low, high = data.get(f"min_class_{cls}"), data.get(f"max_class_{cls}")
            if low is not None and high is not None and low > high:
                self.add_error(f"max_class_{cls}", f"Tối đa ({high}) nhỏ hơn tối thiểu ({low}).")
        return data


@admin.register(PositionRule)
class PositionRuleAdmin(SimpleHistoryAdmin):
    form = PositionRuleForm
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


class _DryRun(Exception):
    pass


class ParameterForm(forms.ModelForm):
    """A parameter's value, citation and flag, checked by ``parameter_update`` (same shape as before, and the
    whole check still runs on it) before the admin saves: a value that would break every page (a text where
    the retirement roadmap was a table) is a form error, not a 500 on the next page view."""

    actor = None  # set per request by ParameterAdmin.get_form

    class Meta:
        model = Parameter
        fields = list(PARAMETER_FIELDS)

    def clean(self):
        data = super().clean()
        if self.errors or self.instance.pk is None:
            return data
        try:
            with transaction.atomic():  # a dry run: parameter_update's checks, then roll back
                parameter_update(
                    actor=self.actor, parameter=Parameter.objects.get(pk=self.instance.pk),
                    **{name: data[name] for name in PARAMETER_FIELDS if name in data},
                )  # fmt: skip
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        return data


@admin.register(Parameter)
class ParameterAdmin(SimpleHistoryAdmin):
    list_display = ["key", "label", "value", "unit", "reform", "default_flag"]
    list_filter = ["reform", "is_default"]
    list_select_related = ["reform"]
    search_fields = ["key", "label", "citation"]
    form = ParameterForm
    # The code reads the parameters by key: they come with the reform's data migration, and are neither
    # added, renamed nor deleted here.
    readonly_fields = ["reform", "key", "label", "unit"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        # Through the service (the checks again, under the row lock, with the history user).
        parameter_update(
            actor=request.user, parameter=Parameter.objects.get(pk=obj.pk),
            **{name: form.cleaned_data[name] for name in PARAMETER_FIELDS},
        )  # fmt: skip

    @admin.display(description="Trạng thái giá trị")
    def default_flag(self, obj):
        return _default_flag(obj)

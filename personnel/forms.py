"""Forms of the roster pages. They parse input; the services validate and write."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from personnel.models import BirthPrecision, Official, PostHolding, RelationKind
from wards.models import Position, Ward
from wards.widgets import WardField

DATE_HELP = "dd/mm/yyyy"


def interpolate_lazy(message: str, params: dict):
    """``gettext(message) % params``, translated when shown (``message`` is marked with gettext_noop)."""
    return lazy(lambda: gettext(message) % params, str)()


def date_errors(label) -> dict:
    """Error messages of a date field that name the field: "Ngày kết thúc 31/02/2021 …" rather than
    Django's anonymous "Nhập ngày hợp lệ"."""
    return {
        "invalid": interpolate_lazy(
            gettext_noop("%(label)s: enter a real date, as dd/mm/yyyy."), {"label": label}
        ),
        "required": interpolate_lazy(gettext_noop("%(label)s is required."), {"label": label}),
    }


def parse_birth(value: str) -> tuple[dt.date, str]:
    """ "dd/mm/yyyy" → (date, day precision); "yyyy" → (01/01/yyyy, year precision)."""
    text = (value or "").strip()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        if year < 1:
            raise ValidationError(gettext("Invalid year of birth."))
        return dt.date(year, 1, 1), BirthPrecision.YEAR
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if not match:
        raise ValidationError(
            gettext("Date of birth “%(value)s” is not in the form dd/mm/yyyy (or just the year yyyy).")
            % {"value": text}
        )
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day), BirthPrecision.DAY
    except ValueError:
        raise ValidationError(gettext("Date of birth %(value)s does not exist.") % {"value": text}) from None


class DateInput(forms.DateInput):
    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y", attrs={"placeholder": DATE_HELP, "inputmode": "numeric"}, **kwargs
        )


class OfficialForm(forms.ModelForm):
    birth = forms.CharField(
        label=_("Date of birth"),
        help_text=_("dd/mm/yyyy, or only the year of birth yyyy if the record gives only the year"),
        error_messages={"required": _("Date of birth is required.")},
    )

    class Meta:
        model = Official
        fields = [
            "code", "full_name", "sex", "ward", "education", "major", "political_theory", "it_certificate",
            "law_training", "civil_status_training", "recruitment_date", "party_date", "notes",
        ]  # fmt: skip
        widgets = {
            "recruitment_date": DateInput(),
            "party_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"ward": WardField}  # a <select> in a district, a search box at national scale
        error_messages = {
            "recruitment_date": date_errors(_("Recruitment date")),
            "party_date": date_errors(_("Party admission date")),
        }

    field_order = ["code", "full_name", "sex", "birth"]
    # The service names the model fields; the date and its precision are typed in the one "birth" box.
    error_fields = {"birth_date": "birth", "birth_precision": "birth"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Ward.objects.visible_to(user)
        self.fields["ward"].to_field_name = "slug"
        self.fields["ward"].help_text = gettext("The ward where the official works (by their primary post).")
        if self.instance.pk and not self.is_bound:
            self.initial["birth"] = self.instance.birth_display
            self.initial["ward"] = self.instance.ward.slug
            self.fields["ward"].resolved[self.instance.ward.slug] = self.instance.ward  # the box's label
        # Uniqueness and the rest are checked by the service, with messages naming the field.
        self.fields["code"].validators = []

    def clean_birth(self):
        return parse_birth(self.cleaned_data["birth"])

    def validate_unique(self):
        pass  # personnel.services reports a duplicate code on the "code" field

    def _post_clean(self):
        pass  # the model is validated by the service, not by ModelForm

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["birth_date"], data["birth_precision"] = self.cleaned_data["birth"]
        return data


class HoldingForm(forms.ModelForm):
    class Meta:
        model = PostHolding
        fields = ["ward", "position", "is_primary", "start_date", "end_date", "decision_number"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        field_classes = {"ward": WardField}  # keyed by pk, as it always posted
        error_messages = {"start_date": date_errors(_("Start date")), "end_date": date_errors(_("End date"))}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Ward.objects.visible_to(user)
        self.fields["position"].queryset = Position.objects.all()
        if isinstance(ward := self.initial.get("ward"), Ward):
            self.fields["ward"].resolved[ward.pk] = ward  # the search box names it without a query

    def _post_clean(self):
        pass


class HoldingEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("End date"), widget=DateInput(), error_messages=date_errors(_("End date"))
    )
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=60)


class RelationForm(forms.Form):
    relative = forms.CharField(label=_("Official code of the relative"), max_length=20)
    kind = forms.ChoiceField(label=_("That person is … of this official"), choices=RelationKind.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_relative(self):
        code = self.cleaned_data["relative"].strip()
        relative = Official.objects.visible_to(self.user).filter(code=code).first()
        if relative is None:
            raise ValidationError(gettext("No official has the code %(code)s.") % {"code": code})
        return relative

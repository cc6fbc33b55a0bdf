"""Forms of the roster pages. They parse input; the services validate and write."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError

from personnel.models import BirthPrecision, Official, PostHolding, RelationKind
from wards.models import Position, Ward

DATE_HELP = "dd/mm/yyyy"


def date_errors(label: str) -> dict:
    """Error messages of a date field that name the field: "Ngày kết thúc 31/02/2021 …" rather than
    Django's anonymous "Nhập ngày hợp lệ"."""
    return {
        "invalid": f"{label}: hãy nhập một ngày có thật, dạng dd/mm/yyyy.",
        "required": f"{label} không được để trống.",
    }


def parse_birth(value: str) -> tuple[dt.date, str]:
    """ "dd/mm/yyyy" → (date, day precision); "yyyy" → (01/01/yyyy, year precision)."""
    text = (value or "").strip()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        if year < 1:
            raise ValidationError("Năm sinh không hợp lệ.")
        return dt.date(year, 1, 1), BirthPrecision.YEAR
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if not match:
        raise ValidationError(f"Ngày sinh “{text}” không đúng dạng dd/mm/yyyy (hoặc chỉ năm yyyy).")
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day), BirthPrecision.DAY
    except ValueError:
        raise ValidationError(f"Ngày sinh {text} không tồn tại.") from None


class DateInput(forms.DateInput):
    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y", attrs={"placeholder": DATE_HELP, "inputmode": "numeric"}, **kwargs
        )


class OfficialForm(forms.ModelForm):
    birth = forms.CharField(
        label="Ngày sinh",
        help_text="dd/mm/yyyy, hoặc chỉ năm sinh yyyy nếu hồ sơ chỉ ghi năm",
        error_messages={"required": "Ngày sinh không được để trống."},
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
        error_messages = {
            "recruitment_date": date_errors("Ngày tuyển dụng"),
            "party_date": date_errors("Ngày vào Đảng"),
        }

    field_order = ["code", "full_name", "sex", "birth"]
    # The service names the model fields; the date and its precision are typed in the one "birth" box.
    error_fields = {"birth_date": "birth", "birth_precision": "birth"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Ward.objects.visible_to(user)
        self.fields["ward"].to_field_name = "slug"
        self.fields["ward"].help_text = "Phường nơi cán bộ đang công tác (theo chức danh chính)."
        if self.instance.pk and not self.is_bound:
            self.initial["birth"] = self.instance.birth_display
            self.initial["ward"] = self.instance.ward.slug
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
        error_messages = {"start_date": date_errors("Ngày bắt đầu"), "end_date": date_errors("Ngày kết thúc")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Ward.objects.visible_to(user)
        self.fields["position"].queryset = Position.objects.all()

    def _post_clean(self):
        pass


class HoldingEndForm(forms.Form):
    end_date = forms.DateField(
        label="Ngày kết thúc", widget=DateInput(), error_messages=date_errors("Ngày kết thúc")
    )
    decision_number = forms.CharField(label="Số quyết định", required=False, max_length=60)


class RelationForm(forms.Form):
    relative = forms.CharField(label="Mã cán bộ của người thân", max_length=20)
    kind = forms.ChoiceField(label="Người đó là … của cán bộ này", choices=RelationKind.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_relative(self):
        code = self.cleaned_data["relative"].strip()
        relative = Official.objects.visible_to(self.user).filter(code=code).first()
        if relative is None:
            raise ValidationError(f"Không có cán bộ mang mã {code}.")
        return relative

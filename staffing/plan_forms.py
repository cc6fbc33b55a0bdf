"""Forms of the plan pages. They parse input; staffing.plan validates and writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from personnel.forms import DateInput
from personnel.models import Official, PostHolding
from staffing import plan
from staffing.models import Outcome, Proposal, Verdict
from wards.models import Position, Ward
from wards.widgets import WardField


class ProposalForm(forms.ModelForm):
    """A proposal's fields; for a new one, the official is named by code."""

    official_code = forms.CharField(label=gettext_lazy("Official code"), max_length=20)

    class Meta:
        model = Proposal
        fields = [
            "outcome", "target_ward", "target_position", "holding", "policy_basis", "decision_number",
            "decision_date", "note",
        ]  # fmt: skip
        widgets = {
            "outcome": forms.RadioSelect,
            "decision_date": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"target_ward": WardField}  # a <select> in a district, a search box at national scale
        help_texts = {
            "target_ward": gettext_lazy(
                "For a move or an appointment: the ward where the official will work "
                "(appointment: the current ward by default)."
            ),
            "target_position": gettext_lazy(
                "For a move or an appointment: the post in the structure of the ward People's Committee "
                "after 01/7/2021."
            ),
            "holding": gettext_lazy("For ending a concurrent post: the concurrent post that ends."),
            "policy_basis": gettext_lazy(
                "For leaving under a policy: e.g. Decree 26/2015/NĐ-CP, Decree 108/2014/NĐ-CP."
            ),
            "decision_number": gettext_lazy(
                "Decision number of the Chair of the district People's Committee "
                "(recorded on the new post at the cutover)."
            ),
        }

    field_order = ["official_code", "outcome"]

    def __init__(self, *args, official: Official | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.official = official or (self.instance.official if self.instance.pk else None)
        self.user = user
        self.fields["target_ward"].queryset = Ward.objects.all()
        self.fields["target_ward"].to_field_name = "slug"
        # The police chief is placed by the police (plan.NOT_PLACED_BY_DISTRICT): not offered as a target.
        self.fields["target_position"].queryset = Position.objects.filter(in_ubnd=True).exclude(
            code__in=plan.NOT_PLACED_BY_DISTRICT
        )
        self.fields["target_position"].to_field_name = "code"
        self.fields["outcome"].choices = Outcome.choices
        if self.official is not None:
            self.fields.pop("official_code")
            self.fields["holding"].queryset = (
                PostHolding.objects.filter(official=self.official, is_primary=False, end_date__isnull=True)
                .select_related("position")
                .order_by("position__display_order")
            )
        else:
            self.fields["holding"].queryset = PostHolding.objects.none()
        self.fields["holding"].label_from_instance = lambda h: (
            _("%(post)s (since %(date)s)")
            % {
                "post": h.position.title,
                "date": f"{h.start_date:%d/%m/%Y}",
            }
        )
        if self.instance.pk and not self.is_bound:
            self.initial["target_ward"] = (
                self.instance.target_ward.slug if self.instance.target_ward_id else None
            )
            self.initial["target_position"] = (
                self.instance.target_position.code if self.instance.target_position_id else None
            )

    def clean_official_code(self):
        code = self.cleaned_data["official_code"].strip()
        official = Official.objects.visible_to(self.user).filter(code=code).select_related("ward").first()
        if official is None:
            raise ValidationError(_("No official has the code %(code)s.") % {"code": code})
        self.official = official
        # The concurrent post to lapse is one of this official's (the holding field is cleaned next).
        self.fields["holding"].queryset = PostHolding.objects.filter(
            official=official, is_primary=False, end_date__isnull=True
        )
        return code

    def _post_clean(self):
        pass  # staffing.plan validates, naming the field

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=gettext_lazy("Opinion"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required when you disagree."),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("verdict") == Verdict.DISPUTE and not (data.get("comment") or "").strip():
            self.add_error("comment", _("When you disagree, write a comment."))
        return data


class DraftFromBoardForm(forms.Form):
    """One click on the matching board: this official into this seat."""

    official = forms.CharField(max_length=20)
    ward = forms.SlugField()
    position = forms.CharField(max_length=40)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["official"] = Official.objects.select_related("ward").filter(code=data["official"]).first()
        data["ward"] = Ward.objects.filter(slug=data["ward"]).first()
        data["position"] = Position.objects.filter(code=data["position"], in_ubnd=True).first()
        not_found = {
            "official": _("The chosen official was not found."),
            "ward": _("The chosen ward was not found."),
            "position": _("The chosen post was not found."),
        }
        for name, message in not_found.items():
            if data[name] is None:
                raise ValidationError(message)
        return data

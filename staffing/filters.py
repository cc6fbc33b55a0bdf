"""The one filter of the findings list, shared by the page, its Excel export and the API.

Findings are computed, not rows, so this is a plain form over a :class:`staffing.services.CheckResult`::

    result = check(wards=Ward.objects.visible_to(request.user))
    flt = FindingFilter(request.GET, result=result)
    findings = flt.apply()            # the findings matching the valid fields (invalid ones are ignored)
    flt.errors                        # Vietnamese messages naming each bad parameter (API: answer 400)

Parameters: ``code``, ``severity``, ``level``, ``province`` (name) and ``district`` (slug) (only those of the
wards of ``result``), ``ward`` (slug; only the wards of ``result``, so a ward chair cannot name another ward),
``position`` (post code: findings about that post, or about officials holding it in the ward), ``official``
(official code).

A district or province asked for should also narrow the check itself (:func:`narrow_wards`): one district is
checked instead of the country, and its district-level findings (which name no ward) are then known to be its.
"""

from functools import cached_property

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffing import rules
from wards import widgets
from wards.models import District, Ward
from wards.text import fold

ALL = [("", gettext_lazy("All"))]


class FindingFilter(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("Finding code"), required=False)
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), required=False)
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("District"), required=False)
    ward = forms.ChoiceField(label=gettext_lazy("Ward"), required=False)
    position = forms.ChoiceField(label=gettext_lazy("Post"), required=False)
    official = forms.CharField(label=gettext_lazy("Official code"), required=False, max_length=20)

    PARAMS = ("code", "severity", "level", "province", "district", "ward", "position", "official")

    def __init__(self, data=None, *, result, wards=None, **kwargs):
        """``wards``: the Ward queryset ``result`` checked (by default, its wards by id); used only at
        national scale, where the ward menu is a search box whose ward is looked up by slug, code or name."""
        super().__init__(data if data is not None else {}, **kwargs)
        self.result = result
        self.fields["code"].choices = ALL + [
            (code, f"{code} — {label}") for code, label in rules.CODES.items()
        ]
        self.fields["severity"].choices = ALL + list(rules.SEVERITY_LABELS.items())
        self.fields["level"].choices = ALL + list(rules.LEVEL_LABELS.items())
        # Loaded (one query) only when a province or district is asked for or the form is rendered.
        self.fields["province"].choices = lambda: (
            ALL + [(p, p) for p in sorted({d[3] for d in self._districts})]
        )
        self.fields["district"].choices = lambda: ALL + [(d[1], d[2]) for d in self._districts]
        if len(result.wards) > widgets.WARD_SELECT_MAX:  # a search box, not a <select> of 10,000 wards
            self.fields["ward"] = widgets.WardField(
                label=self.fields["ward"].label,
                required=False,
                to_field_name="slug",
                queryset=Ward.objects.filter(pk__in=[w.id for w in result.wards]) if wards is None else wards,
            )
            self.fields["ward"].beyond_select = True
        else:
            self.fields["ward"].choices = ALL + [(w.slug, w.name) for w in result.wards]
        posts = sorted(result.law.posts.values(), key=lambda p: p.display_order)
        self.fields["position"].choices = ALL + [(p.code, p.title) for p in posts]
        for name in ("code", "severity", "level", "province", "district", "ward", "position"):
            # %%(value)s survives the name substitution; Django fills it with the rejected value.
            self.fields[name].error_messages["invalid_choice"] = _(
                "Parameter %(name)s: “%%(value)s” is not a valid choice."
            ) % {"name": name}

    def clean_ward(self):
        ward = self.cleaned_data.get("ward")
        return ward.slug if isinstance(ward, Ward) else ward  # the parameter as links write it

    @cached_property
    def _districts(self) -> list:
        """(id, slug, name, province) of the districts of the result's wards, by name."""
        ids = {w.district_id for w in self.result.wards}
        rows = District.objects.filter(pk__in=ids).values_list("id", "slug", "name", "province")
        return sorted(rows, key=lambda d: (fold(d[2]), d[2]))

    def _district_ids(self, v: dict) -> set | None:
        """The ids of the districts asked for (``province`` and/or ``district``), None when neither is."""
        if "province" not in v and "district" not in v:
            return None
        return {
            d[0]
            for d in self._districts
            if v.get("province", d[3]) == d[3] and v.get("district", d[1]) == d[1]
        }

    def shown(self) -> list:
        """The fields to render: province and district only where they narrow something (the wards span
        several districts) or were asked for, so a district's own page does not show one-option menus."""
        several = len({w.district_id for w in self.result.wards}) > 1
        return [f for f in self if several or f.name not in ("province", "district") or f.value()]

    def values(self) -> dict:
        """The valid, non-empty parameters."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {k: cleaned[k] for k in self.PARAMS if cleaned.get(k)}

    def apply(self, findings=None) -> list:
        findings = self.result.findings if findings is None else findings
        v = self.values()
        if not v:
            return list(findings)  # nothing to filter on (the national list's first page)
        out = []
        wards = {w.slug: w.id for w in self.result.wards}
        ward_id = wards.get(v.get("ward"))
        if "position" in v:
            # Who holds the post asked for (in which ward): one pass over the holdings, and only when asked
            # (result.current_posts, every official's posts, took as long as the check at national scale).
            holders = {
                (h.official_id, h.ward_id) for h in self.result.roster.holdings if h.position == v["position"]
            }
            holder_ids = {official_id for official_id, _ in holders}
        district_ids = self._district_ids(v)
        if district_ids is not None:
            ward_district = {w.id: w.district_id for w in self.result.wards}
            # A district-level finding names no ward: it is of the districts asked for only when every
            # district the check ran district rules for is one of them (the check was narrowed to them).
            whole_asked = set(self.result.roster.districts) <= district_ids
        for f in findings:
            if "code" in v and f.code != v["code"]:
                continue
            if "severity" in v and f.severity != v["severity"]:
                continue
            if "level" in v and f.level != v["level"]:
                continue
            if "ward" in v and f.ward_id != ward_id:
                continue
            if district_ids is not None and (
                not whole_asked if f.ward_id is None else ward_district.get(f.ward_id) not in district_ids
            ):
                continue
            if "official" in v and (f.official_code or "").lower() != v["official"].strip().lower():
                continue
            if "position" in v and f.position != v["position"]:
                if not f.official_id or (
                    f.official_id not in holder_ids
                    if ward_id is None
                    else (f.official_id, ward_id) not in holders
                ):
                    continue
            out.append(f)
        return out

    def querystring(self, **changes) -> str:
        """The current valid parameters with ``changes`` applied (None removes one), url-encoded."""
        from urllib.parse import urlencode

        params = self.values()
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return urlencode(params)


def narrow_wards(wards, data):
    """``wards`` (a Ward queryset) narrowed to the ``district`` (slug) and ``province`` (name) in ``data``, if
    any: the check then runs for them only. A value matching none of ``wards`` leaves nothing to check, and
    :class:`FindingFilter` names it as invalid."""
    if data.get("district"):
        wards = wards.filter(district__slug=data["district"])
    if data.get("province"):
        wards = wards.filter(district__province=data["province"])
    return wards


def findings_url(**params) -> str:
    """The findings list URL filtered by ``params`` (empty values dropped)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    query = urlencode({k: v for k, v in params.items() if v})
    return reverse("staffing:findings") + (f"?{query}" if query else "")

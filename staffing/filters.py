"""The one filter of the findings list, shared by the page, its Excel export and the API.

Findings are computed, not rows, so this is a plain form over a :class:`staffing.services.CheckResult`::

    result = check(wards=Ward.objects.visible_to(request.user))
    flt = FindingFilter(request.GET, result=result)
    findings = flt.apply()            # the findings matching the valid fields (invalid ones are ignored)
    flt.errors                        # Vietnamese messages naming each bad parameter (API: answer 400)

Parameters: ``code``, ``severity``, ``level``, ``ward`` (slug; only the wards of ``result``, so a ward chair
cannot name another ward), ``position`` (post code: findings about that post, or about officials holding it
in the ward), ``official`` (official code).
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffing import rules

ALL = [("", gettext_lazy("All"))]


class FindingFilter(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("Finding code"), required=False)
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), required=False)
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    ward = forms.ChoiceField(label=gettext_lazy("Ward"), required=False)
    position = forms.ChoiceField(label=gettext_lazy("Post"), required=False)
    official = forms.CharField(label=gettext_lazy("Official code"), required=False, max_length=20)

    PARAMS = ("code", "severity", "level", "ward", "position", "official")

    def __init__(self, data=None, *, result, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.result = result
        self.fields["code"].choices = ALL + [
            (code, f"{code} — {label}") for code, label in rules.CODES.items()
        ]
        self.fields["severity"].choices = ALL + list(rules.SEVERITY_LABELS.items())
        self.fields["level"].choices = ALL + list(rules.LEVEL_LABELS.items())
        self.fields["ward"].choices = ALL + [(w.slug, w.name) for w in result.wards]
        posts = sorted(result.law.posts.values(), key=lambda p: p.display_order)
        self.fields["position"].choices = ALL + [(p.code, p.title) for p in posts]
        for name in ("code", "severity", "level", "ward", "position"):
            # %%(value)s survives the name substitution; Django fills it with the rejected value.
            self.fields[name].error_messages["invalid_choice"] = _(
                "Parameter %(name)s: “%%(value)s” is not a valid choice."
            ) % {"name": name}

    def values(self) -> dict:
        """The valid, non-empty parameters."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {k: cleaned[k] for k in self.PARAMS if cleaned.get(k)}

    def apply(self, findings=None) -> list:
        findings = self.result.findings if findings is None else findings
        v = self.values()
        out = []
        wards = {w.slug: w.id for w in self.result.wards}
        ward_id = wards.get(v.get("ward"))
        posts = self.result.current_posts
        for f in findings:
            if "code" in v and f.code != v["code"]:
                continue
            if "severity" in v and f.severity != v["severity"]:
                continue
            if "level" in v and f.level != v["level"]:
                continue
            if "ward" in v and f.ward_id != ward_id:
                continue
            if "official" in v and (f.official_code or "").lower() != v["official"].strip().lower():
                continue
            if "position" in v and f.position != v["position"]:
                held = posts.get(f.official_id, ()) if f.official_id else ()
                if not any(pos == v["position"] and (ward_id is None or w == ward_id) for w, pos in held):
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


def findings_url(**params) -> str:
    """The findings list URL filtered by ``params`` (empty values dropped)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    query = urlencode({k: v for k, v in params.items() if v})
    return reverse("staffing:findings") + (f"?{query}" if query else "")

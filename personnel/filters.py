"""The one FilterSet of the official list, shared by the page, its Excel export and the API."""

import datetime as dt
import re
from html import escape

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.models import ModelChoiceIterator
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from personnel.models import Education, Official, PoliticalTheory, PostHolding, Sex
from wards.clock import today
from wards.models import Position, PositionKind, Ward
from wards.text import fold

# Up to this many visible wards (a district has 10–30) the ward filter is a <select>; beyond (a province,
# the country: 10,000 wards) it is a text box for the ward's name or code, with suggestions as one types.
WARD_SELECT_MAX = 50
WARD_SUGGESTIONS = 20
WARD_PLACEHOLDER = _("Ward name or code")  # outside the f-string below, where makemessages cannot see it
_WARD_WORD = re.compile(r"^(phường|phuong)\s+", re.IGNORECASE)
_TRAILING_CODE = re.compile(r"\(([^()]+)\)\s*$")  # "Phường Cát Linh (00181)" → "00181"


def ward_label(ward: Ward) -> str:
    """How a ward is written in the filter's text box and its suggestions: "Phường Cát Linh (00181)"."""
    return f"{ward} ({ward.code})"


def suggest_wards(wards, text: str) -> list[Ward]:
    """Up to WARD_SUGGESTIONS of ``wards`` whose code starts with ``text`` or whose name contains it (with
    or without diacritics: a ward's slug is its folded name)."""
    text = " ".join(text.split())
    if len(text) < 1:
        return []
    name = _WARD_WORD.sub("", text) or text
    match = Q(code__istartswith=text) | Q(name__icontains=name)
    folded = slugify(fold(name))
    if folded:
        match |= Q(slug__contains=folded)
    return list(wards.filter(match).select_related("district").order_by("name", "code")[:WARD_SUGGESTIONS])


class WardField(ModelChoiceField):
    """A ward the user may see, given by its slug (links use ``?ward=<slug>``), its code, its label
    "Phường Cát Linh (00181)" or its name when only one visible ward has that name. Another ward is
    "not found", exactly like a ward that does not exist."""

    default_error_messages = {
        "invalid_choice": _("No ward “%(value)s” among the wards you may see."),
        "ambiguous": _(
            "Several wards are named “%(value)s”: pick one from the suggestions or type its code."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolved = {}  # the raw value → the ward it named (the text box shows the ward's label)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.resolved = {}  # each form its own (Field.__deepcopy__ would share the dict)
        return result

    def to_python(self, value):
        try:
            ward = super().to_python(value)  # the slug: one query, as before
        except ValidationError:
            ward = self._by_code_or_name(str(value).strip())
        if ward is not None:
            self.resolved[value] = ward
        return ward

    def _by_code_or_name(self, text):
        found = _TRAILING_CODE.search(text)
        code = found.group(1).strip() if found else text
        ward = self.queryset.filter(code=code).first() if code and "\x00" not in code else None
        if ward is not None:
            return ward
        bare = _WARD_WORD.sub("", text)  # "Phường Cát Linh" → "Cát Linh" (most names are stored bare)
        named = (
            list(self.queryset.filter(Q(name__iexact=text) | Q(name__iexact=bare))[:2])
            if text and "\x00" not in text
            else []
        )
        if len(named) == 1:
            return named[0]
        if named:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"value": text})
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
        )


def _esc(value) -> str:
    """conditional_escape() without its lazy-string machinery (called ~100 times per list page)."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def attrs_html(attrs: dict) -> str:
    """A widget's attributes as django/forms/widgets/attrs.html writes them (in order; True: the bare
    name; False: left out), escaped."""
    return "".join(
        f" {_esc(k)}" if v is True else f' {_esc(k)}="{_esc(v)}"' for k, v in attrs.items() if v is not False
    )


class QuickSelect(forms.Select):
    """``forms.Select`` written in Python: the same HTML as Django's widget templates without a template
    per <option> (the official list's filter form has ~70 options, which cost more through templates than
    the page's 50 rows), and a model field's options read in one plain query (Django iterates them through
    a server-side cursor: three round trips on PostgreSQL)."""

    def _listed_choices(self):
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            blank = [("", choices.field.empty_label)] if choices.field.empty_label is not None else []
            return blank + [choices.choice(obj) for obj in list(choices.queryset)]
        return list(choices)

    def render(self, name, value, attrs=None, renderer=None, choices=None):
        choices = self._listed_choices() if choices is None else choices
        if any(isinstance(label, (list, tuple)) for _, label in choices):  # option groups: Django's way
            return super().render(name, value, attrs, renderer)
        wanted = self.format_value(value)
        options, chosen = [], False
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in wanted
            chosen = chosen or selected
            options.append(
                f'\n  <option value="{_esc(option_value)}"{" selected" if selected else ""}>{_esc(label)}</option>\n'
            )
        # byte for byte what django/forms/widgets/select.html and option.html write
        html = f'<select name="{_esc(name)}"{attrs_html(self.build_attrs(self.attrs, attrs))}>{"".join(options)}\n</select>'
        return mark_safe(html)  # noqa: S308 — every value is escaped


class QuickInput:
    """An <input> widget written in Python, byte for byte as django/forms/widgets/input.html writes it."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        shown = f' value="{_esc(value)}"' if value is not None else ""
        attrs = attrs_html(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<input type="{_esc(self.input_type)}" name="{_esc(name)}"{shown}{attrs}>')  # noqa: S308


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickNumberInput(QuickInput, forms.NumberInput):
    pass


class WardWidget(QuickSelect):
    """The ward filter's input: a <select> of the visible wards while they are at most WARD_SELECT_MAX,
    else a text box with a <datalist> that static/js/ward-suggest.js (loaded with it) fills from the
    suggestions view.
    One query either way (at most WARD_SELECT_MAX + 1 wards), made only when it is rendered: the API,
    which never renders it, pays nothing."""

    def render(self, name, value, attrs=None, renderer=None, choices=None):
        iterator = self.choices
        field = iterator.field
        visible = iterator.queryset
        # At most WARD_SELECT_MAX + 1 of the visible wards, in the select's order: limited before it is
        # sorted (ORDER BY name LIMIT 51 sorts all 10,000 wards: 17 ms; this takes 0.3 ms).
        wards = list(
            visible.model.objects.filter(pk__in=visible.order_by().values("pk")[: WARD_SELECT_MAX + 1])
            .order_by(*(visible.query.order_by or visible.model._meta.ordering))
            .values_list("slug", "name", "code")
        )
        if len(wards) <= WARD_SELECT_MAX:
            labels = (field.label_from_instance(Ward(slug=s, name=n, code=c)) for s, n, c in wards)
            choices = [("", field.empty_label), *zip((w[0] for w in wards), labels, strict=True)]
            return super().render(name, value, attrs, renderer, choices=choices)
        ward = field.resolved.get(value)
        attrs = self.build_attrs(self.attrs, attrs)
        list_id = f"{attrs.get('id') or name}-suggestions"
        shown = ward_label(ward) if ward is not None else (value or "")
        return mark_safe(  # noqa: S308 — every value is escaped
            f'<input type="search" name="{_esc(name)}" value="{_esc(shown)}"{attrs_html(attrs)}'
            f' list="{_esc(list_id)}" autocomplete="off" placeholder="{_esc(WARD_PLACEHOLDER)}"'
            f' data-suggest-url="{_esc(reverse("personnel:ward_suggestions"))}"><datalist id="{_esc(list_id)}">'
            f'</datalist><script src="{_esc(static("js/ward-suggest.js"))}" defer></script>'
        )


class WardChoiceFilter(filters.ModelChoiceFilter):
    field_class = WardField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", WardWidget)
        super().__init__(*args, **kwargs)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/02 in a year without one
        return day.replace(year=day.year - years, day=28)


class OfficialFilter(filters.FilterSet):
    q = filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=QuickTextInput(attrs={"placeholder": _("Name or official code")}),
    )
    ward = WardChoiceFilter(
        label=_("Ward"), queryset=Ward.objects.none(), field_name="ward", to_field_name="slug"
    )
    position = filters.ModelChoiceFilter(
        label=_("Post"),
        queryset=Position.objects.all(),
        method="filter_position",
        to_field_name="code",
        widget=QuickSelect,
    )
    kind = filters.ChoiceFilter(
        label=_("Kind"), choices=PositionKind.choices, method="filter_kind", widget=QuickSelect
    )
    sex = filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices, widget=QuickSelect)
    # ChoiceFilter, not TypedChoiceFilter: only ChoiceFilter offers the blank "any" choice, without which
    # the browser preselects level 0 and every "Lọc" silently filtered on "Chưa qua đào tạo".
    education = filters.ChoiceFilter(
        label=_("Professional education"), choices=Education.choices, widget=QuickSelect
    )
    education_below = filters.ChoiceFilter(
        label=_("Education below"),
        choices=Education.choices,
        field_name="education",
        lookup_expr="lt",
        widget=QuickSelect,
    )
    political_theory = filters.ChoiceFilter(
        label=_("Political theory"), choices=PoliticalTheory.choices, widget=QuickSelect
    )
    age_min = filters.NumberFilter(
        label=_("Age from"), method="filter_age_min", min_value=0, max_value=120, widget=QuickNumberInput
    )
    age_max = filters.NumberFilter(
        label=_("Age up to"), method="filter_age_max", min_value=0, max_value=120, widget=QuickNumberInput
    )

    class Meta:
        model = Official
        fields = [
            "q",
            "ward",
            "position",
            "kind",
            "sex",
            "education",
            "political_theory",
            "age_min",
            "age_max",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        # A ward chair's ward menu lists only their own ward; another ward's slug, code or name is "not found".
        self.filters["ward"].queryset = Ward.objects.visible_to(user) if user else Ward.objects.none()

    def _filtering(self) -> bool:
        """Whether any filter has a value: without one the list is the queryset as given, and neither the
        form (ten fields, built and validated) nor its queries are needed to say so."""
        if not hasattr(self, "_has_values"):
            data = self.data if self.is_bound else {}
            prefix = f"{self.form_prefix}-" if self.form_prefix else ""
            self._has_values = any(data.get(prefix + name) for name in self.filters)
        return self._has_values

    def is_valid(self):
        return super().is_valid() if self._filtering() else True

    @property
    def qs(self):
        if not hasattr(self, "_qs") and not self._filtering():
            self._qs = self.queryset.all()
        return super().qs

    def get_form_class(self):
        # The same form class serves every request: built once, not a class (and ten fields) per request.
        # Only the ward field's queryset (the user's wards) differs: the class holds none, `form` sets it.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            form_class.base_fields["ward"].queryset = Ward.objects.none()
            cls._form_class = form_class
        return cls._form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            if self._filtering():
                form = super().form
            else:  # nothing to validate: an unbound form renders the same blank fields without cleaning them
                form = self._form = self.get_form_class()(prefix=self.form_prefix)
            form.fields["ward"].queryset = self.filters["ward"].queryset
        return self._form

    def filter_q(self, queryset, name, value):
        key = fold(value)
        if not key:
            return queryset
        return queryset.filter(Q(search_name__contains=key) | Q(code__iexact=value.strip()))

    def _holding(self, **lookup):
        return Exists(PostHolding.objects.open_on(today()).filter(official=OuterRef("pk"), **lookup))

    def filter_position(self, queryset, name, value):
        return queryset.filter(self._holding(position=value)) if value else queryset

    def filter_kind(self, queryset, name, value):
        return queryset.filter(self._holding(position__kind=value, is_primary=True)) if value else queryset

    def filter_age_min(self, queryset, name, value):
        # At least N years old today: born on or before today minus N years.
        return queryset.filter(birth_date__lte=_years_before(today(), int(value)))

    def filter_age_max(self, queryset, name, value):
        # At most N years old: not yet N+1, i.e. born after today minus (N+1) years.
        return queryset.filter(birth_date__gt=_years_before(today(), int(value) + 1))

"""The ward picker of every form and filter: :class:`WardField` with :class:`WardWidget`.

Up to WARD_SELECT_MAX wards (a district has 10–30) it is a <select>; beyond (a province, the country: 10,000
wards) a text box for the ward's name or code, with suggestions as one types (static/js/ward-suggest.js,
from personnel's ``ward_suggestions`` view). Also the Python-written <select> and <input> they are built on.
"""

import re
from html import escape

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from wards.models import Ward
from wards.text import fold

WARD_SELECT_MAX = 50
WARD_SUGGESTIONS = 20
WARD_PLACEHOLDER = _("Ward name or code")  # outside the f-string below, where makemessages cannot see it
_WARD_WORD = re.compile(r"^(phường|phuong)\s+", re.IGNORECASE)
_TRAILING_CODE = re.compile(r"\(([^()]+)\)\s*$")  # "Phường Cát Linh (00181)" → "00181"


def ward_label(ward: Ward) -> str:
    """How a ward is written in the ward text box and its suggestions: "Phường Cát Linh (00181)"."""
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
    """A ward of ``queryset`` given by its key (``to_field_name``: a slug, as links use ``?ward=<slug>``, or
    the pk), its code, its label "Phường Cát Linh (00181)" or its name when only one ward of the queryset has
    that name. Another ward is "not found", exactly like a ward that does not exist."""

    default_error_messages = {
        "invalid_choice": _("No ward “%(value)s” among the wards you may see."),
        "ambiguous": _(
            "Several wards are named “%(value)s”: pick one from the suggestions or type its code."
        ),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", WardWidget)
        super().__init__(*args, **kwargs)
        self.resolved = {}  # the raw value → the ward it named (the text box shows the ward's label)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.resolved = {}  # each form its own (Field.__deepcopy__ would share the dict)
        return result

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, self.queryset.model):
            return super().to_python(value)
        text = str(value).strip()
        if self.to_field_name and self.to_field_name != "pk":
            try:
                ward = super().to_python(value)  # the slug: one query, as before
            except ValidationError:
                ward = self._by_code_or_name(text)
        else:
            ward = self._by_code_or_pk(text) or self._by_code_or_name(text)
        self.resolved[value] = ward
        return ward

    def ward_for(self, value):
        """The ward ``value`` names, or None (for the text box's initial value)."""
        if value in self.empty_values:
            return None
        if value in self.resolved:
            return self.resolved[value]
        try:
            return self.to_python(value)
        except ValidationError:
            return None

    def _by_code_or_pk(self, text):
        """A form keyed by pk posts digits; so may a user typing a code: one query, the code first."""
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            return None
        found = list(self.queryset.filter(Q(code=text) | Q(pk=int(text))).order_by()[:2])
        return min(found, key=lambda w: w.code != text) if found else None

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
    """A :class:`WardField`'s input: a <select> of the field's wards while they are at most WARD_SELECT_MAX,
    else a text box with a <datalist> that static/js/ward-suggest.js (loaded with it) fills from the
    suggestions view (the wards the user may see).
    One query either way (at most WARD_SELECT_MAX + 1 wards), made only when it is rendered: the API,
    which never renders it, pays nothing; none when the field's ``beyond_select`` says there are more wards;
    one more for the ward a text box shows when it was neither typed nor given to ``field.resolved``."""

    suggest_url_name = "personnel:ward_suggestions"

    def use_required_attribute(self, initial):
        # Django's Select decides from the first choice, which a model field's choices fetch with a query.
        field = getattr(self.choices, "field", None)
        if field is None:
            return super().use_required_attribute(initial)
        return forms.Widget.use_required_attribute(self, initial) and field.empty_label is not None

    def render(self, name, value, attrs=None, renderer=None, choices=None):
        iterator = self.choices
        field = iterator.field
        visible = iterator.queryset
        key = field.to_field_name or "pk"
        if getattr(field, "beyond_select", False):  # the form knows already: no query to count them
            return self._search_box(field, name, value, attrs)
        # At most WARD_SELECT_MAX + 1 of the wards, in the select's order: limited before it is sorted
        # (ORDER BY name LIMIT 51 sorts all 10,000 wards: 17 ms; this takes 0.3 ms).
        wards = list(
            visible.model.objects.filter(pk__in=visible.order_by().values("pk")[: WARD_SELECT_MAX + 1])
            .order_by(*(visible.query.order_by or visible.model._meta.ordering))
            .values_list(key, "slug", "name", "code")
        )
        if len(wards) <= WARD_SELECT_MAX:
            labels = (field.label_from_instance(Ward(slug=s, name=n, code=c)) for _, s, n, c in wards)
            blank = [("", field.empty_label)] if field.empty_label is not None else []
            choices = [*blank, *zip((w[0] for w in wards), labels, strict=True)]
            return super().render(name, value, attrs, renderer, choices=choices)
        return self._search_box(field, name, value, attrs)

    def _search_box(self, field, name, value, attrs):
        ward = field.ward_for(value)
        attrs = self.build_attrs(self.attrs, attrs)
        list_id = f"{attrs.get('id') or name}-suggestions"
        shown = ward_label(ward) if ward is not None else (value or "")
        return mark_safe(  # noqa: S308 — every value is escaped
            f'<input type="search" name="{_esc(name)}" value="{_esc(shown)}"{attrs_html(attrs)}'
            f' list="{_esc(list_id)}" autocomplete="off" placeholder="{_esc(WARD_PLACEHOLDER)}"'
            f' data-suggest-url="{_esc(reverse(self.suggest_url_name))}"><datalist id="{_esc(list_id)}">'
            f'</datalist><script src="{_esc(static("js/ward-suggest.js"))}" defer></script>'
        )


class WardChoiceFilter(django_filters.ModelChoiceFilter):
    """A FilterSet's ward filter: a :class:`WardField` (give it ``to_field_name="slug"``; set its queryset to
    the wards the user may see)."""

    field_class = WardField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", WardWidget)
        super().__init__(*args, **kwargs)

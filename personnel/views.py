"""Roster pages: the official list with filters, an official's page, and the Interior Office's forms."""

from collections import defaultdict
from html import escape
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from personnel import roster_io, services
from personnel.filters import OfficialFilter
from personnel.forms import HoldingEndForm, HoldingForm, OfficialForm, RelationForm
from personnel.models import Education, FamilyRelation, Official, PoliticalTheory, PostHolding, Sex
from wards import access
from wards.access import get_visible_or_404
from wards.clock import today
from wards.models import Ward
from wards.pagination import CountEstimatingPaginator
from wards.widgets import suggest_wards, ward_label


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (or on the form)."""
    if hasattr(error, "error_dict"):
        aliases = getattr(form, "error_fields", {})  # service field → the form field that carries it
        for field, errs in error.error_dict.items():
            field = aliases.get(field, field)
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


class OfficialListView(FilterView):
    filterset_class = OfficialFilter
    template_name = "personnel/official_list.html"
    context_object_name = "officials"
    paginate_by = 50
    paginator_class = CountEstimatingPaginator  # "khoảng 250.000" above 10,000 rows (wards/pagination.py)
    strict = False

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            # The same filtered, scoped list as the page, every row (no pagination), as the roster workbook.
            filterset = self.get_filterset(self.get_filterset_class())
            return roster_io.official_list_response(filterset.qs)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # The export streams its own holdings (roster_io.roster_sheet_data); the page reads its 50 rows'
        # current posts in official_rows().
        return Official.objects.visible_to(self.request.user).select_related("ward")

    def paginate_queryset(self, queryset, page_size):
        # The page's rows as named tuples of the columns it shows: no model instances (half the query's cost).
        return super().paginate_queryset(queryset.values_list(*LIST_COLUMNS, named=True), page_size)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        ctx["querystring"] = query.urlencode()
        page = ctx["page_obj"]
        ctx["rows"] = official_rows(ctx["officials"], page.start_index() if page else 1)
        return ctx


# What the list's table shows of an official (the page never loads the rest: notes, training flags…).
LIST_COLUMNS = (
    "id", "code", "full_name", "sex", "birth_date", "birth_precision", "education", "political_theory",
    "ward__slug", "ward__name",
)  # fmt: skip
_MARK = "__arg__"
_birth_display = Official.birth_display.fget


def path_maker(viewname):
    """``lambda arg: reverse(viewname, args=[arg])`` for a whole page of links at the cost of one reverse()
    (the same quoting as reverse()), instead of two reverse() per row."""
    before, _, after = reverse(viewname, args=[_MARK]).rpartition(_MARK)
    safe = RFC3986_SUBDELIMS + "/~:@"
    return lambda arg: before + quote(str(arg), safe=safe) + after


_ROW = (
    '<tr><td>{}</td><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td><a href="{}">{}</a></td>'
    "<td>{}</td><td>{}</td><td>{}</td></tr>\n"
)
_NO_POST = '<span class="muted">—</span>'


def official_rows(officials, first_number: int) -> SafeString:
    """The <tr>s of the official list's table (``officials``: rows of LIST_COLUMNS). Written here rather
    than in the template: at 50 rows × 10 cells Django's template engine (a variable lookup, localisation
    and escaping per cell, a reverse() per link, a get_FOO_display() per choice) was, after the ward
    select, the largest cost of the page. Every value is HTML-escaped; choice labels are resolved once per page; the current
    posts come in one query, the primary post first, then by the catalogue's order, a concurrent one
    marked "(kn)"."""
    officials = list(officials)
    posts = defaultdict(list)
    concurrent = f" ({_('conc.')})"
    held = (
        PostHolding.objects.open_on(today())
        .filter(official_id__in=[o.id for o in officials])
        .order_by("official_id", "-is_primary", "position__display_order")
        .values_list("official_id", "position__short_title", "is_primary")
    )
    for official_id, title, primary in held:
        posts[official_id].append(title if primary else title + concurrent)
    official_url, ward_url = path_maker("personnel:detail"), path_maker("wards:detail")
    sexes, educations, theories = (
        {k: escape(str(v)) for k, v in c.choices} for c in (Sex, Education, PoliticalTheory)
    )
    out = []
    for number, o in enumerate(officials, first_number):
        held_now = posts.get(o.id)
        out.append(
            _ROW.format(
                localize(number) if number >= 1000 else number,
                escape(o.code),
                escape(official_url(o.code)),
                escape(o.full_name),
                sexes.get(o.sex) or escape(str(o.sex)),
                _birth_display(o),
                escape(ward_url(o.ward__slug)),
                escape(o.ward__name),
                escape("; ".join(held_now)) if held_now else _NO_POST,
                educations.get(o.education) or escape(str(o.education)),
                theories.get(o.political_theory) or escape(str(o.political_theory)),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped


def ward_suggestions(request):
    """The official list's ward box at national scale: the wards the user may see matching ``?q=`` (name,
    with or without diacritics, or code), as JSON for its <datalist>."""
    wards = suggest_wards(Ward.objects.visible_to(request.user), request.GET.get("q", ""))
    results = [{"value": ward_label(w), "label": w.district.name, "slug": w.slug} for w in wards]
    return JsonResponse({"results": results})


def official_detail(request, code):
    return render(request, "personnel/official_detail.html", official_context(request, code))


def official_context(request, code) -> dict:
    """The official page's context (reused by staffing's page, which adds the findings)."""
    official = get_visible_or_404(Official.objects.select_related("ward"), request.user, code=code)
    holdings = official.holdings.select_related("ward", "position").order_by("-end_date", "-start_date")
    relations = (
        FamilyRelation.objects.involving(official.pk)
        .select_related("official__ward", "relative__ward")
        .order_by("pk")
    )
    visible_ward = access.chair_ward_id(request.user)
    rows = []
    for rel in relations:
        other = rel.relative if rel.official_id == official.pk else rel.official
        rows.append({"relation": rel, "other": other, "label": rel.kind_seen_from(official.pk),
                     "other_visible": visible_ward is None or other.ward_id == visible_ward})  # fmt: skip
    history = _history(official)
    return {
        "official": official,
        "holdings": holdings,
        "relations": rows,
        "history": history,
        "today": today(),
    }


def _history(official):
    """Changes to the official and their post holdings, newest first: who, when, what."""
    entries = []
    records = list(official.history.select_related("history_user", "ward").order_by("history_date"))
    # Each record with the one before it (none before the first; no records at all for bulk-loaded rows).
    for prev, rec in zip([None, *records], records, strict=False):
        entries.append(_entry(rec, prev, _("Record")))
    holding_records = (
        PostHolding.history.filter(official_id=official.pk)
        .select_related("history_user", "position", "ward")
        .order_by("id", "history_date")
    )
    last_by_id = {}
    for rec in holding_records:
        entries.append(
            _entry(rec, last_by_id.get(rec.id), _("Post %(title)s") % {"title": rec.position.title})
        )
        last_by_id[rec.id] = rec
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def _entry(rec, prev, subject):
    kinds = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
    changes = []
    if prev is not None and rec.history_type == "~":
        # The version counter is bookkeeping, not a change a reader cares about; foreign keys and
        # choices are shown by name ("Phường Cát Linh", "Đại học"), not by id or code.
        delta = rec.diff_against(prev, excluded_fields=["version"], foreign_keys_are_objs=True)
        for change in delta.changes:
            field = rec.instance_type._meta.get_field(change.field)
            old, new = _show(change.old, field), _show(change.new, field)
            changes.append(f"{field.verbose_name}: {old} → {new}")
    return {
        "when": rec.history_date,
        "who": rec.history_user.get_username() if rec.history_user else _("system"),
        "what": f"{kinds.get(rec.history_type, rec.history_type)} — {subject}",
        "changes": changes,
    }


def _show(value, field=None):
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return str(value)


def official_create(request):
    access.require(request.user, "edit_roster")
    form = OfficialForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            official = services.official_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Added official %(name)s.") % {"name": official.full_name})
            return redirect(official)
    return render(request, "personnel/form_page.html", {"form": form, "title": _("Add an official")})


def official_edit(request, code):
    access.require(request.user, "edit_roster")
    official = get_visible_or_404(Official.objects.select_related("ward"), request.user, code=code)
    form = OfficialForm(request.POST or None, instance=official, user=request.user)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version")
        try:
            services.official_update(
                official=official, actor=request.user,
                expected_version=int(version) if version and version.isascii() and version.isdigit() else None,
                **form.service_fields(),
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        except services.StaleVersion as stale:
            form.add_error(None, str(stale))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(official)
    return render(
        request,
        "personnel/form_page.html",
        {
            "form": form,
            "official": official,
            "title": _("Edit the record of %(name)s") % {"name": official.full_name},
        },
    )


def holding_add(request, code):
    access.require(request.user, "edit_roster")
    official = get_visible_or_404(Official.objects.select_related("ward"), request.user, code=code)
    form = HoldingForm(
        request.POST or None, user=request.user, initial={"ward": official.ward, "start_date": today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.holding_open(actor=request.user, official=official, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Post added."))
            return redirect(official)
    return render(
        request,
        "personnel/form_page.html",
        {"form": form, "official": official, "title": _("Add a post")},
    )


def holding_end(request, pk):
    access.require(request.user, "edit_roster")
    holding = get_visible_or_404(
        PostHolding.objects.select_related("official", "position", "ward"), request.user, pk=pk
    )
    form = HoldingEndForm(request.POST or None, initial={"end_date": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.holding_end(actor=request.user, holding=holding, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Ended the post %(title)s.") % {"title": holding.position.title})
            return redirect(holding.official)
    return render(
        request,
        "personnel/form_page.html",
        {"form": form, "holding": holding, "official": holding.official, "title": _("End a post")},
    )


def relation_add(request, code):
    access.require(request.user, "edit_roster")
    official = get_visible_or_404(Official.objects.all(), request.user, code=code)
    form = RelationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.relation_create(actor=request.user, official=official, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Family relation added."))
            return redirect(official)
    return render(
        request,
        "personnel/form_page.html",
        {"form": form, "official": official, "title": _("Add a relative")},
    )


@require_POST
def relation_delete(request, pk):
    access.require(request.user, "edit_roster")
    relation = get_visible_or_404(FamilyRelation.objects.select_related("official"), request.user, pk=pk)
    back = relation.official
    services.relation_delete(actor=request.user, relation=relation)
    messages.success(request, _("Family relation deleted."))
    return redirect(back)

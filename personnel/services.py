"""Writes to the roster. Views, API views, imports and commands parse input and call these; each
validates, writes in one transaction and records who changed what (django-simple-history)."""

import datetime as dt
import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from personnel.models import BirthPrecision, FamilyRelation, Official, PostHolding
from wards import clock
from wards.text import fold, vn_sort_key

# Fields of Official a caller may set (everything but the derived search keys and the version).
OFFICIAL_FIELDS = (
    "code", "full_name", "sex", "birth_date", "birth_precision", "ward", "education", "major",
    "political_theory", "it_certificate", "law_training", "civil_status_training",
    "recruitment_date", "party_date", "notes",
)  # fmt: skip

MIN_BIRTH_YEAR = 1900
_CODE_RE = re.compile(r"[A-Za-z0-9._-]+")
_RESERVED_CODES = {"them", "chuc-danh", "quan-he"}  # path segments of personnel/urls.py
MIN_AGE = 18


class StaleVersion(Exception):
    """The record changed since the caller read it: refuse instead of overwriting someone's edit."""

    def __init__(self, current_version: int):
        super().__init__(
            _("The record was changed by someone else (current version %(version)s); reload it.")
            % {"version": current_version}
        )
        self.current_version = current_version


def _today() -> dt.date:
    # The portal's today (PORTAL_TODAY in the demo), so "future" means the same thing as on every page.
    return clock.today()


def set_search_keys(official: Official) -> None:
    """Derive the diacritic-free search key and the Vietnamese sort key from the name."""
    official.search_name = fold(official.full_name)
    official.sort_key = vn_sort_key(official.full_name)


def validate_official_fields(fields: dict, *, today: dt.date | None = None) -> None:
    """Raise ValidationError naming each bad field, in Vietnamese."""
    today = today or _today()
    errors = {}
    name = (fields.get("full_name") or "").strip()
    if not name:
        errors["full_name"] = _("Full name is required.")
    code = (fields.get("code") or "").strip()
    if not code:
        errors["code"] = _("Official code is required.")
    elif not _CODE_RE.fullmatch(code):
        # The code is part of the official's URL (/can-bo/<code>/): a "/" or a space would break the link.
        errors["code"] = _(
            "Official code “%(code)s” may contain only unaccented letters, digits and the signs - _ ."
        ) % {"code": code}
    elif code.lower() in _RESERVED_CODES:
        errors["code"] = _(
            "Official code “%(code)s” is the address of a page of the portal; choose another code."
        ) % {"code": code}
    born = fields.get("birth_date")
    if born is None:
        errors["birth_date"] = _("Date of birth is required.")
    elif born > today:
        errors["birth_date"] = _("Date of birth %(date)s is in the future.") % {"date": f"{born:%d/%m/%Y}"}
    elif born.year < MIN_BIRTH_YEAR:
        errors["birth_date"] = _("Date of birth %(date)s is invalid (before %(year)s).") % {
            "date": f"{born:%d/%m/%Y}",
            "year": MIN_BIRTH_YEAR,
        }
    elif _age_on(born, today) < MIN_AGE:
        errors["birth_date"] = _(
            "An official must be at least %(age)s years old (date of birth %(date)s)."
        ) % {
            "age": MIN_AGE,
            "date": f"{born:%d/%m/%Y}",
        }
    recruited = fields.get("recruitment_date")
    if recruited and born and recruited < born:
        errors["recruitment_date"] = _("Recruitment date cannot be before the date of birth.")
    elif recruited and recruited > today:
        errors["recruitment_date"] = _("Recruitment date %(date)s is in the future.") % {
            "date": f"{recruited:%d/%m/%Y}"
        }
    party = fields.get("party_date")
    if party and born and party < born:
        errors["party_date"] = _("Party admission date cannot be before the date of birth.")
    elif party and party > today:
        errors["party_date"] = _("Party admission date %(date)s is in the future.") % {
            "date": f"{party:%d/%m/%Y}"
        }
    if errors:
        raise ValidationError(errors)


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _normalise(fields: dict) -> dict:
    fields = dict(fields)
    for key in ("code", "full_name", "major"):
        if key in fields and fields[key] is not None:
            fields[key] = " ".join(str(fields[key]).split())
    if fields.get("birth_precision") == BirthPrecision.YEAR and fields.get("birth_date"):
        # Nghị định 135/2020 Điều 3.3: a year-only birth date counts as 01/01 of that year.
        fields["birth_date"] = fields["birth_date"].replace(month=1, day=1)
    return fields


def official_create(*, actor, **fields) -> Official:
    unknown = set(fields) - set(OFFICIAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    fields = _normalise(fields)
    validate_official_fields(fields)
    if Official.objects.filter(code=fields["code"]).exists():
        raise ValidationError(
            {"code": _("Official code %(code)s already exists.") % {"code": fields["code"]}}
        )
    official = Official(**fields)
    set_search_keys(official)
    official._history_user = actor
    official.full_clean(exclude=["search_name", "sort_key"])
    with transaction.atomic():
        official.save()
    return official


def official_update(*, official: Official, actor, expected_version: int | None = None, **fields) -> Official:
    """Update ``official``; with ``expected_version``, refuse (StaleVersion) if someone saved in between."""
    unknown = set(fields) - set(OFFICIAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    fields = _normalise(fields)
    merged = {name: getattr(official, name) for name in OFFICIAL_FIELDS if name != "ward"}
    merged.update({k: v for k, v in fields.items() if k != "ward"})
    validate_official_fields(merged)
    if "code" in fields and Official.objects.filter(code=fields["code"]).exclude(pk=official.pk).exists():
        raise ValidationError(
            {"code": _("Official code %(code)s already exists.") % {"code": fields["code"]}}
        )
    with transaction.atomic():
        locked = Official.objects.select_for_update().get(pk=official.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(locked.version)
        if all(getattr(locked, name) == value for name, value in fields.items()):
            # Saved unchanged (an empty API PATCH, a form saved as it was): no new version, which would
            # refuse a colleague's open form as stale, and no empty entry in the history.
            return locked
        for name, value in fields.items():
            setattr(official, name, value)
        set_search_keys(official)
        official.version = locked.version + 1
        official._history_user = actor
        official.full_clean(exclude=["search_name", "sort_key"])
        official.save()
    return official


def _overlaps(start_a, end_a, start_b, end_b) -> bool:
    far = dt.date.max
    return start_a <= (end_b or far) and start_b <= (end_a or far)


def validate_holding(holding: PostHolding) -> None:
    """Dates in order and at most one primary post at a time for the official."""
    errors = {}
    if holding.end_date and holding.start_date and holding.end_date < holding.start_date:
        errors["end_date"] = _("End date %(end)s is before start date %(start)s.") % {
            "end": f"{holding.end_date:%d/%m/%Y}",
            "start": f"{holding.start_date:%d/%m/%Y}",
        }
    if holding.is_primary and holding.start_date and not errors:
        others = PostHolding.objects.filter(official_id=holding.official_id, is_primary=True)
        if holding.pk:
            others = others.exclude(pk=holding.pk)
        others = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=holding.start_date))
        for other in others.select_related("position"):
            if _overlaps(holding.start_date, holding.end_date, other.start_date, other.end_date):
                until = f"{other.end_date:%d/%m/%Y}" if other.end_date else _("present")
                errors["is_primary"] = _(
                    "Overlaps the primary post %(title)s (%(start)s – %(until)s); "
                    "a person holds only one primary post at a time."
                ) % {"title": other.position.title, "start": f"{other.start_date:%d/%m/%Y}", "until": until}
                break
    if holding.official_id and holding.official.birth_date and holding.start_date:
        if holding.start_date < holding.official.birth_date:
            errors["start_date"] = _("Start date cannot be before the date of birth.")
    if errors:
        raise ValidationError(errors)


def holding_open(
    *, actor, official: Official, ward, position, start_date: dt.date, is_primary: bool = True,
    decision_number: str = "", end_date: dt.date | None = None,
) -> PostHolding:  # fmt: skip
    holding = PostHolding(
        official=official, ward=ward, position=position, start_date=start_date, end_date=end_date,
        is_primary=is_primary, decision_number=(decision_number or "").strip(),
    )  # fmt: skip
    validate_holding(holding)
    holding._history_user = actor
    with transaction.atomic():
        holding.save()
        if is_primary and end_date is None and official.ward_id != ward.pk:
            # An official belongs to the ward of their primary post.
            official.ward = ward
            official._history_user = actor
            official.save(update_fields=["ward"])
    return holding


def holding_end(
    *, actor, holding: PostHolding, end_date: dt.date, decision_number: str | None = None
) -> PostHolding:
    if holding.end_date is not None:
        raise ValidationError(
            {"end_date": _("The post already ended on %(date)s.") % {"date": f"{holding.end_date:%d/%m/%Y}"}}
        )
    holding.end_date = end_date
    if decision_number:
        holding.decision_number = decision_number.strip()
    validate_holding(holding)
    holding._history_user = actor
    with transaction.atomic():
        holding.save(update_fields=["end_date", "decision_number"])
    return holding


def relation_create(*, actor, official: Official, relative: Official, kind: str) -> FamilyRelation:
    if official.pk == relative.pk:
        raise ValidationError({"relative": _("A person cannot be their own relative.")})
    if (
        FamilyRelation.objects.involving(official.pk)
        .filter(Q(official=relative) | Q(relative=relative))
        .exists()
    ):
        raise ValidationError(
            {
                "relative": _("The relation between %(official)s and %(relative)s already exists.")
                % {"official": official.full_name, "relative": relative.full_name}
            }
        )
    relation = FamilyRelation(official=official, relative=relative, kind=kind)
    relation.full_clean()
    relation._history_user = actor
    with transaction.atomic():
        relation.save()
    return relation


def relation_delete(*, actor, relation: FamilyRelation) -> None:
    relation._history_user = actor
    with transaction.atomic():
        relation.delete()


# --------------------------------------------------------------------------------------------------
# Bulk roster import (personnel.roster_io). The importer has validated every row against the catalogue
# and the roster as loaded; this writes all of it in one transaction, with history rows for every
# change (simple-history's bulk helpers), in a fixed number of queries per batch.
# --------------------------------------------------------------------------------------------------


@dataclass
class RosterCreate:
    """A new official: ``fields`` of OFFICIAL_FIELDS; ``holdings`` as (position, ward, start, is_primary)."""

    fields: dict
    holdings: list = dc_field(default_factory=list)


@dataclass
class RosterUpdate:
    """Changes to one official: fields to set, holdings to end (holding, end date), to correct (holding,
    new start date) and to open (position, ward, start, is_primary)."""

    official: Official
    fields: dict = dc_field(default_factory=dict)
    end_holdings: list = dc_field(default_factory=list)
    fix_starts: list = dc_field(default_factory=list)
    open_holdings: list = dc_field(default_factory=list)


IMPORT_BATCH = 2000


def _write_history(model, pks, *, history_type: str, user, when) -> None:
    """The history rows django-simple-history's bulk helpers write for ``model``'s rows ``pks`` (one per
    row: its tracked fields, ``when``, ``user``, no change reason), copied from the rows as they now are
    in the database by one INSERT … SELECT per batch instead of built as model instances."""
    from django.conf import settings
    from django.db import connections, router
    from django.db.models import BigIntegerField, CharField, DateTimeField, Value
    from django.db.models.functions import Cast

    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    if user is None:  # as simple-history does: the request's user (its middleware), if any
        user = history.get_default_history_user(None)
    columns = {f.attname: f.column for f in history._meta.concrete_fields}
    tracked = [f.attname for f in history.tracked_fields]
    constants = {
        "history_date": Value(when, DateTimeField()),
        "history_change_reason": Value(None, CharField()),
        "history_type": Value(history_type, CharField()),
        "history_user_id": Cast(Value(getattr(user, "pk", None)), BigIntegerField()),
    }
    if set(columns) != {*tracked, *constants, "history_id"}:  # fields this copy does not know: the slow way
        model.history.bulk_history_create(
            list(model._base_manager.filter(pk__in=pks).order_by("pk")), batch_size=IMPORT_BATCH,
            update=history_type == "~", default_user=user, default_date=when,
        )  # fmt: skip
        return
    alias = router.db_for_write(history)
    connection = connections[alias]
    quote = connection.ops.quote_name
    into = ", ".join(quote(columns[name]) for name in [*tracked, *constants])
    annotations = {f"copy_{name}": value for name, value in constants.items()}
    pks = sorted(pks)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), IMPORT_BATCH):
            rows = (
                model._base_manager.using(alias)
                .filter(pk__in=pks[start : start + IMPORT_BATCH])
                .order_by("pk")
                .annotate(**annotations)
                .values_list(*tracked, *annotations)
            )
            select, params = rows.query.get_compiler(using=alias).as_sql()
            cursor.execute(f"INSERT INTO {quote(history._meta.db_table)} ({into}) {select}", params)


def roster_import_apply(*, actor, creates: list[RosterCreate], updates: list[RosterUpdate]) -> dict:
    """Create and update officials and their post holdings in one transaction: all rows or none."""
    from django.utils import timezone

    day = _today()
    new_officials = []
    for create in creates:
        fields = _normalise(create.fields)
        validate_official_fields(fields, today=day)
        official = Official(**fields)
        set_search_keys(official)
        new_officials.append(official)
    changed, changed_fields = [], {"search_name", "sort_key", "version"}
    read_versions = {u.official.pk: u.official.version for u in updates}
    for update in updates:
        fields = _normalise(update.fields)
        official = update.official
        merged = {name: getattr(official, name) for name in OFFICIAL_FIELDS if name != "ward"}
        merged.update({k: v for k, v in fields.items() if k != "ward"})
        validate_official_fields(merged, today=day)
        if fields:
            for name, value in fields.items():
                setattr(official, name, value)
            set_search_keys(official)
            official.version += 1
            changed.append(official)
            changed_fields.update(fields)
    with transaction.atomic():
        # Refuse to overwrite an edit saved since the file was checked (row locks on PostgreSQL).
        locked = Official.objects.select_for_update().filter(pk__in=list(read_versions)).order_by("pk")
        for pk, code, version in locked.values_list("pk", "code", "version"):
            if version != read_versions[pk]:
                raise ValidationError(
                    _(
                        "The record %(code)s was changed by someone else after the file was checked; "
                        "upload the file again."
                    )
                    % {"code": code}
                )
        # History rows as simple-history's bulk helpers write them (who, when, "+" created, "~" changed),
        # copied in bulk from the rows just written.
        now = timezone.now()
        created = Official.objects.bulk_create(new_officials, batch_size=IMPORT_BATCH)
        _write_history(Official, [o.pk for o in created], history_type="+", user=actor, when=now)
        if changed:
            Official.objects.bulk_update(changed, sorted(changed_fields), batch_size=IMPORT_BATCH)
            _write_history(Official, [o.pk for o in changed], history_type="~", user=actor, when=now)
        by_code = {o.code: o for o in created}
        edited = {}
        for update in updates:
            for holding, end in update.end_holdings:
                holding.end_date = end
                edited[holding.pk] = holding
            for holding, start in update.fix_starts:
                holding.start_date = start
                edited[holding.pk] = holding
        for holding in edited.values():
            if holding.end_date and holding.end_date < holding.start_date:
                raise ValidationError(
                    {
                        "end_date": _("End date %(end)s is before start date %(start)s (%(code)s).")
                        % {
                            "end": f"{holding.end_date:%d/%m/%Y}",
                            "start": f"{holding.start_date:%d/%m/%Y}",
                            "code": holding.official.code,
                        }
                    }
                )
        if edited:
            PostHolding.objects.bulk_update(
                list(edited.values()), ["start_date", "end_date"], batch_size=IMPORT_BATCH
            )
            _write_history(PostHolding, list(edited), history_type="~", user=actor, when=now)
        opened = []
        for create in creates:
            official = by_code[_normalise(create.fields)["code"]]
            opened += [
                PostHolding(
                    official=official, ward=ward, position=position, start_date=start, is_primary=primary
                )
                for position, ward, start, primary in create.holdings
            ]
        for update in updates:
            opened += [
                PostHolding(official=update.official, ward=ward, position=position, start_date=start,
                            is_primary=primary)
                for position, ward, start, primary in update.open_holdings
            ]  # fmt: skip
        opened = PostHolding.objects.bulk_create(opened, batch_size=IMPORT_BATCH)
        _write_history(PostHolding, [h.pk for h in opened], history_type="+", user=actor, when=now)
    return {"created": len(created), "updated": len(updates), "holdings_opened": len(opened),
            "holdings_changed": len(edited)}  # fmt: skip

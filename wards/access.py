"""Who may see and change what. The one place that decides it: every view, API view, export and import
scopes its querysets through :func:`scope` (via ``visible_to``) and asks :func:`can` for writes.

Roles (README, "Roles"): the Interior Office reads and writes all wards; a ward chair reads their own
ward and writes only its reviews; an administrator may do everything. Superusers are administrators.
"""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

INTERIOR = "noi_vu"
CHAIR = "chu_tich_phuong"
ADMIN = "quan_tri"


def role_of(user) -> str | None:
    """The user's role code, or None for anonymous users and users without a role."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return ADMIN
    profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
    return profile.role if profile else None


def chair_ward_id(user) -> int | None:
    """The ward a ward chair is tied to; None for every other role."""
    if role_of(user) != CHAIR:
        return None
    return user.profile.ward_id


def scope(queryset, user, ward_field: str, *, also=None):
    """Filter ``queryset`` to what ``user`` may see; ``ward_field`` is the lookup of the row's ward id.

    ``also(ward_id)``, when given, returns a condition under which a row of another ward is visible to that
    ward's chair too (an official holding a post in the chair's ward works there, whatever their home ward).
    """
    role = role_of(user)
    if role in (INTERIOR, ADMIN):
        return queryset
    if role == CHAIR:
        ward_id = chair_ward_id(user)
        condition = Q(**{ward_field: ward_id})
        if also is not None:
            condition |= also(ward_id)
        return queryset.filter(condition)
    return queryset.none()


# What each role may do beyond reading what it sees.
_PERMISSIONS = {
    "edit_roster": {INTERIOR, ADMIN},  # officials, post holdings, relations
    "edit_plan": {INTERIOR, ADMIN},  # reassignment proposals
    "approve_plan": {INTERIOR, ADMIN},
    "review_ward": {CHAIR},  # a chair's agree/dispute and sign-off, own ward only
    "import_roster": {INTERIOR, ADMIN},
    "edit_parameters": {ADMIN},
    "run_cutover": {ADMIN},
    "view_district": {INTERIOR, ADMIN},  # district-wide figures (headcount against 15 × wards)
}


def can(user, action: str, ward_id: int | None = None) -> bool:
    """Whether ``user`` may do ``action`` (a key of the table above), on ``ward_id`` where one is concerned."""
    role = role_of(user)
    if role not in _PERMISSIONS[action]:
        return False
    if role == CHAIR and ward_id is not None:
        return ward_id == chair_ward_id(user)
    return True


def require(user, action: str, ward_id: int | None = None) -> None:
    """Raise PermissionDenied unless ``user`` may do ``action``."""
    from django.core.exceptions import PermissionDenied

    if not can(user, action, ward_id):
        raise PermissionDenied(_("You are not allowed to do this."))


def get_visible_or_404(queryset, user, **lookup):
    """One object among those ``user`` may see, or 404: another ward's object looks like no object."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(_("Not found.")) from exc
    except (TypeError, ValueError) as exc:
        # A value the column cannot hold names no object: on PostgreSQL a NUL typed into the address
        # (/can-bo/%00/, ?official=%00) raises ValueError in the driver. As DRF's get_object_or_404 does.
        raise Http404(_("Not found.")) from exc

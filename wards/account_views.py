"""The user's own account page (profile, API token) and the administrators' token page.

A token is the REST API key of one user (rest_framework.authtoken: one key per user). The key is shown
once, right after it is created; afterwards only its first characters. Revoking deletes it: the next API
call carrying it gets 401.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from rest_framework.authtoken.models import Token

from wards import access

PREFIX_LEN = 6


def _issue(user) -> str:
    """A fresh key for ``user``, replacing any earlier one."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user).key


def _revoke(user) -> bool:
    return Token.objects.filter(user=user).delete()[0] > 0


@never_cache
def profile(request):
    """GET: who I am and my token's state. POST action=create (or re-create) / revoke: my own token only."""
    user = request.user
    new_key = None
    notice = None
    if request.method == "POST":
        what = request.POST.get("action")
        if what == "create":
            new_key = _issue(user)
        elif what == "revoke":
            notice = _("API token revoked.") if _revoke(user) else _("You have no API token.")
    token = Token.objects.filter(user=user).first()
    return render(
        request,
        "wards/profile.html",
        {
            "title": _("Account"),
            "token": token,
            "token_prefix": token.key[:PREFIX_LEN] if token else "",
            "new_key": new_key,
            "notice": notice,
            "ward": user.profile.ward if access.role_of(user) == access.CHAIR else None,
        },
    )


@never_cache
def tokens(request):
    """Administrators: every user's token state; issue (or re-issue) or revoke anyone's token."""
    if access.role_of(request.user) != access.ADMIN:
        raise PermissionDenied(_("Only an administrator may issue API tokens to other users."))
    users = get_user_model().objects.select_related("profile__ward", "auth_token").order_by("username")
    issued = None
    notice = None
    if request.method == "POST":
        user_id = request.POST.get("user", "")
        target = get_object_or_404(users, pk=int(user_id) if user_id.isascii() and user_id.isdigit() else 0)
        what = request.POST.get("action")
        if what == "create":
            issued = {"user": target, "key": _issue(target)}
        elif what == "revoke":
            notice = (
                _("Revoked the API token of %(user)s.") % {"user": target.username}
                if _revoke(target)
                else _("%(user)s has no API token.") % {"user": target.username}
            )
    rows = []
    for u in users:
        token = getattr(u, "auth_token", None) if hasattr(u, "auth_token") else None
        rows.append({"user": u, "role": access.role_of(u), "token": token,
                     "prefix": token.key[:PREFIX_LEN] if token else ""})  # fmt: skip
    return render(
        request,
        "wards/token_admin.html",
        {"title": _("API tokens"), "rows": rows, "issued": issued, "notice": notice},
    )

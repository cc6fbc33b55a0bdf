"""Roster import pages: download the template, upload a file → preview → confirm.

Nothing is written until the user confirms; the confirmed file is validated again and written in one
transaction. Between preview and confirm the uploaded file waits in a temporary folder under a random
token kept in the user's session.
"""

import re
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from personnel import roster_io
from personnel.forms import interpolate_lazy
from wards import access

SESSION_KEY = "roster_import"
KEEP_SECONDS = 24 * 3600
PREVIEW_LIMIT = 500  # rows listed per table on the preview page


def upload_dir() -> Path:
    path = Path(
        getattr(settings, "ROSTER_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "ward_portal_imports"
    )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _store(data: bytes) -> str:
    folder = upload_dir()
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.xlsx"):  # forget abandoned uploads
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.xlsx").write_bytes(data)
    return token


def _path(token: str) -> Path | None:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    path = upload_dir() / f"{token}.xlsx"
    return path if path.exists() else None


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file (.xlsx)"),
        help_text=interpolate_lazy(
            gettext_noop("At most %(mb)s MB and %(rows)s rows."),
            {"mb": roster_io.MAX_BYTES // 1024 // 1024, "rows": f"{roster_io.MAX_ROWS:,}".replace(",", ".")},
        ),
        error_messages={
            "required": gettext_lazy("Choose an .xlsx file."),
            "empty": gettext_lazy("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def import_template(request):
    access.require(request.user, "import_roster")
    return roster_io.template_response()


def import_upload(request):
    access.require(request.user, "import_roster")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > roster_io.MAX_BYTES:
                raise roster_io.ImportRefused(
                    _("The file is %(size)s MB, over the limit of %(limit)s MB.")
                    % {
                        "size": f"{upload.size / 1024 / 1024:.1f}",
                        "limit": roster_io.MAX_BYTES // 1024 // 1024,
                    }
                )
            data = upload.read()
            preview = roster_io.build_preview(data)
        except roster_io.ImportRefused as refused:
            form.add_error("file", str(refused))
        else:
            token = _store(data)
            request.session[SESSION_KEY] = {"token": token, "name": upload.name}
            return _render_preview(request, preview, token, upload.name)
    return render(
        request, "personnel/import_upload.html", {"form": form, "title": _("Import the roster from Excel")}
    )


@require_POST
def import_confirm(request):
    access.require(request.user, "import_roster")
    stored = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    path = _path(token) if stored.get("token") == token else None
    if path is None:
        messages.error(
            request,
            _("The import session has expired or is invalid; upload the file again. Nothing was written."),
        )
        return redirect("personnel:import")
    try:
        preview, result = roster_io.import_roster(path.read_bytes(), actor=request.user)
    except (roster_io.ImportRefused, ValidationError) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, _("Import failed, nothing was written: %(errors)s") % {"errors": text})
        return redirect("personnel:import")
    if result is None:
        # The roster changed since the preview and some rows no longer hold: show the new preview.
        messages.error(
            request, _("The data changed since the preview; the file now has errors. Nothing was written.")
        )
        return _render_preview(request, preview, token, stored.get("name", ""))
    path.unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _("Roster imported: %(created)s officials added, %(updated)s updated, %(unchanged)s rows unchanged.")
        % {"created": result["created"], "updated": result["updated"], "unchanged": preview.unchanged},
    )
    return redirect("personnel:list")


def _render_preview(request, preview, token, name):
    return render(
        request,
        "personnel/import_preview.html",
        {
            "title": _("Import preview"),
            "preview": preview,
            "token": token,
            "file_name": name,
            "creates": preview.creates[:PREVIEW_LIMIT],
            "updates": preview.updates[:PREVIEW_LIMIT],
            "errors": preview.errors[:PREVIEW_LIMIT],
            "limit": PREVIEW_LIMIT,
        },
    )

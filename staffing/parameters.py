"""Administrators change the reform's parameters (the law's numbers, dates and tables) without breaking the
check: a new value keeps the shape of the old one (same type, same keys, positive stays positive, dates stay
dates), and the whole check must still run on it, or nothing is saved."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from staffing.models import Parameter
from wards import access

PARAMETER_FIELDS = ("value", "citation", "is_default")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_iso_date(value) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 10


def shape_errors(old, new, where: str = "giá trị") -> list[str]:
    """Why ``new`` cannot replace ``old`` (empty when it can), in Vietnamese."""
    if old is None:
        return []
    if isinstance(old, bool):
        return [] if isinstance(new, bool) else [f"{where}: cần true hoặc false."]
    if _is_number(old):
        if not _is_number(new):
            return [f"{where}: cần một số."]
        if isinstance(old, int) and not isinstance(new, int):
            return [f"{where}: cần một số nguyên."]
        if old > 0 and new <= 0:
            return [f"{where}: cần một số lớn hơn 0."]
        if old >= 0 and new < 0:
            return [f"{where}: không được âm."]
        return []
    if isinstance(old, str):
        if not isinstance(new, str):
            return [f"{where}: cần một chuỗi ký tự."]
        if _is_iso_date(old) and not _is_iso_date(new):
            return [f"{where}: cần một ngày dạng YYYY-MM-DD."]
        return []
    if isinstance(old, list):
        if not isinstance(new, list):
            return [f"{where}: cần một danh sách."]
        if not old:
            return []
        return [e for i, item in enumerate(new) for e in shape_errors(old[0], item, f"{where}[{i}]")]
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [f"{where}: cần một đối tượng với các khóa {', '.join(sorted(old))}."]
        if set(new) != set(old):
            return [f"{where}: cần đúng các khóa {', '.join(sorted(old))}."]
        return [e for key in old for e in shape_errors(old[key], new[key], f"{where}.{key}")]
    return []


def parameter_update(*, actor, parameter: Parameter, **fields) -> Parameter:
    """Change a parameter's value, citation or default flag (administrators only); recorded in its history."""
    access.require(actor, "edit_parameters")
    unknown = set(fields) - set(PARAMETER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if "value" in fields:
        problems = shape_errors(parameter.value, fields["value"])
        if problems:
            raise ValidationError({"value": problems})
    if "citation" in fields:
        fields["citation"] = (fields["citation"] or "").strip()
        if not fields["citation"]:
            raise ValidationError({"citation": "Căn cứ pháp lý không được để trống."})
    from staffing.services import check, retirement_roadmap

    with transaction.atomic():
        locked = Parameter.objects.select_for_update().select_related("reform").get(pk=parameter.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked._history_user = actor
        locked.save()
        try:
            # The law must still load and the check still run on the new value (else the exception
            # leaves the atomic block and nothing is saved).
            retirement_roadmap(locked.reform)
            check(reform=locked.reform)
        except ValidationError:
            raise
        except Exception as exc:  # noqa: BLE001 — any failure of the check means the value is unusable
            raise ValidationError(
                {"value": f"Giá trị mới làm việc kiểm tra không chạy được ({type(exc).__name__}: {exc})."}
            ) from exc
    return locked

"""Settings come from the environment and fail loudly outside DEBUG; Vietnamese formats are dd/mm/yyyy
with "." for thousands."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django import forms
from django.utils import formats, translation

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "s3cret",
    "ALLOWED_HOSTS": "portal.example.vn",
    "DATABASE_URL": "sqlite:////tmp/x.db",
}


def import_settings(env: dict) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    code = "import config.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_load_when_every_required_variable_is_set():
    result = import_settings(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "['portal.example.vn']", "django.db.backends.sqlite3"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
@pytest.mark.parametrize("how", ["absent", "empty"])
def test_outside_debug_a_missing_required_variable_stops_start_up(missing, how):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    if how == "empty":
        env[missing] = ""
    result = import_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_debug_runs_with_development_defaults():
    result = import_settings({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"


def test_a_malformed_portal_today_stops_start_up():
    result = import_settings({**PRODUCTION, "PORTAL_TODAY": "20/05/2021"})
    assert result.returncode != 0
    assert "PORTAL_TODAY" in result.stderr


def test_vietnamese_is_the_language_and_ho_chi_minh_city_the_time_zone(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


class DateForm(forms.Form):
    day = forms.DateField()


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("05/03/2024", dt.date(2024, 3, 5)),
        ("13/03/2024", dt.date(2024, 3, 13)),
        ("5/3/2024", dt.date(2024, 3, 5)),
    ],
)
def test_vietnamese_date_input_is_day_first(typed, expected):
    with translation.override("vi"):
        form = DateForm({"day": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == expected


def test_vietnamese_formats_print_d_m_y_and_dot_thousands():
    with translation.override("vi"):
        assert formats.date_format(dt.date(2024, 3, 5)) == "05/03/2024"
        assert formats.date_format(dt.date(2024, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2024"
        assert formats.number_format(1234567, force_grouping=True) == "1.234.567"
        assert formats.localize(1234567) == "1.234.567"
        assert formats.number_format(1234.5, 1) == "1.234,5"

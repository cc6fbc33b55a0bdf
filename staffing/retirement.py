"""The normal retirement age, date and pension start (domain.md §5): pure functions, no queries.

Bộ luật Lao động 2019 Điều 169 and Nghị định 135/2020 Điều 4–5 raise the age by cohort; the numbers come from
the reform's ``retirement_roadmap`` Parameter (see :meth:`Roadmap.from_value`), never from this module::

    roadmap = Roadmap.from_value(parameter.value)
    years, months, retirement_date, pension_from = retirement("M", dt.date(1961, 10, 5), roadmap)

The retirement date is the last day of the month in which the person reaches the age (NĐ 135/2020 Điều 3.1);
the pension runs from the first day of the next month (Điều 3.2). A birth date known only by its year counts
as 01/01 of that year (Điều 3.3): callers pass ``date(year, 1, 1)``.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

SEXES = ("M", "F")


@dataclass(frozen=True)
class Cohort:
    """The roadmap of one sex: ages in months."""

    first_year: int  # first birth year whose age rises (January of it)
    base_months: int  # age of the first cohort
    step_months: int  # rise per group of birth months
    group_months: int  # birth months per step
    cap_months: int  # final age
    before_months: int  # age of those born before the first cohort

    def age_months(self, birth: dt.date) -> int:
        k = (birth.year - self.first_year) * 12 + (birth.month - 1)
        if k < 0:
            return self.before_months
        return min(self.base_months + (k // self.group_months) * self.step_months, self.cap_months)


@dataclass(frozen=True)
class Roadmap:
    """Both sexes' cohorts, as read from the ``retirement_roadmap`` Parameter."""

    men: Cohort
    women: Cohort

    @classmethod
    def from_value(cls, value: dict) -> "Roadmap":
        """``value`` is {"M": {first_year, base_months, step_months, group_months, cap_months,
        before_months}, "F": {...}}."""
        return cls(men=Cohort(**value["M"]), women=Cohort(**value["F"]))

    def cohort(self, sex: str) -> Cohort:
        if sex == "M":
            return self.men
        if sex == "F":
            return self.women
        raise ValueError(f"Giới tính không hợp lệ: {sex!r} (chỉ nhận M hoặc F).")


class Retirement(NamedTuple):
    age_years: int
    age_months: int
    retirement_date: dt.date
    pension_from: dt.date


def last_day_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; a day missing in the target month becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def retirement(sex: str, birth_date: dt.date, roadmap: Roadmap) -> Retirement:
    """(age years, age months, retirement date, pension start) for a person of ``sex`` ("M"/"F") born on
    ``birth_date``. Only the birth month matters: whatever the day (29/02, the 31st), the age is reached in the
    month ``birth month + age``, and the retirement date is that month's last day."""
    total = roadmap.cohort(sex).age_months(birth_date)
    index = birth_date.year * 12 + birth_date.month - 1 + total
    year, month0 = divmod(index, 12)
    retire_on = last_day_of_month(year, month0 + 1)
    return Retirement(total // 12, total % 12, retire_on, retire_on + dt.timedelta(days=1))


MIN_BIRTH_YEAR = 1900


def parse_birth(text: str | None, today: dt.date) -> tuple[dt.date, bool]:
    """A birth date typed as dd/mm/yyyy, yyyy-mm-dd or a bare year yyyy → (date, year only?).

    A bare year counts as 01/01 of that year (NĐ 135/2020 Điều 3.3). Raises ValueError with a Vietnamese
    message for anything else, a date in the future or before 1900."""
    raw = (text or "").strip()
    if not raw:
        raise ValueError("Chưa nhập ngày sinh hoặc năm sinh.")
    year_only = raw.isascii() and raw.isdigit() and len(raw) == 4
    if year_only:
        if int(raw) < MIN_BIRTH_YEAR:  # before dt.date(0, 1, 1) fails with Python's English message
            raise ValueError(f"Năm sinh {raw} không hợp lệ (trước năm {MIN_BIRTH_YEAR}).")
        born = dt.date(int(raw), 1, 1)
        if born.year > today.year:
            raise ValueError(f"Năm sinh {raw} ở tương lai.")
    else:
        born = None
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                born = dt.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        if born is None:
            raise ValueError(
                f"“{raw[:40]}” không phải ngày sinh hợp lệ: nhập dd/mm/yyyy (ví dụ 05/03/1965), "
                "yyyy-mm-dd hoặc chỉ năm sinh yyyy."
            )
        if born > today:
            raise ValueError(f"Ngày sinh {born:%d/%m/%Y} ở tương lai.")
    if born.year < MIN_BIRTH_YEAR:
        raise ValueError(f"Năm sinh {born.year} không hợp lệ (trước năm {MIN_BIRTH_YEAR}).")
    return born, year_only


def parse_sex(text: str | None) -> str:
    """ "M"/"F" (also nam/nữ, case-insensitive) or ValueError."""
    raw = (text or "").strip()
    value = {"m": "M", "f": "F", "nam": "M", "nữ": "F", "nu": "F"}.get(raw.lower())
    if value is None:
        shown = f"“{raw[:20]}”" if raw else "trống"
        raise ValueError(f"Giới tính {shown} không hợp lệ: chỉ nhận M (nam) hoặc F (nữ).")
    return value

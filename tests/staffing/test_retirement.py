"""The retirement calculator of domain.md §5, at its boundaries, with the roadmap of the data migration."""

import datetime as dt

import pytest

from staffing.retirement import parse_birth, parse_sex, retirement
from tests.staffing.builders import law

ROADMAP = law().roadmap
D = dt.date


def age(sex, born):
    r = retirement(sex, born, ROADMAP)
    return r.age_years, r.age_months


@pytest.mark.parametrize(
    "sex, born, expected",
    [
        ("M", D(1960, 12, 31), (60, 0)),  # before the first cohort
        ("M", D(1961, 1, 1), (60, 3)),
        ("M", D(1961, 9, 30), (60, 3)),  # last month of the first group
        ("M", D(1961, 10, 1), (60, 6)),  # first month of the second group
        ("M", D(1965, 2, 14), (61, 6)),
        ("M", D(1966, 3, 31), (61, 9)),
        ("M", D(1966, 4, 1), (62, 0)),  # the cap
        ("M", D(1980, 6, 1), (62, 0)),
        ("F", D(1965, 12, 31), (55, 0)),
        ("F", D(1966, 1, 1), (55, 4)),
        ("F", D(1966, 8, 31), (55, 4)),
        ("F", D(1966, 9, 1), (55, 8)),
        ("F", D(1975, 4, 30), (59, 8)),
        ("F", D(1975, 5, 1), (60, 0)),  # the cap
        ("F", D(1990, 1, 1), (60, 0)),
    ],
)
def test_retirement_age_follows_the_cohort_roadmap(sex, born, expected):
    assert age(sex, born) == expected


def test_men_born_september_and_october_1961_reach_their_age_in_december_2021_and_april_2022():
    assert retirement("M", D(1961, 9, 15), ROADMAP).retirement_date == D(2021, 12, 31)
    assert retirement("M", D(1961, 10, 15), ROADMAP).retirement_date == D(2022, 4, 30)


def test_retirement_date_is_the_last_day_of_the_month_and_pension_starts_the_next_day():
    r = retirement("M", D(1961, 2, 10), ROADMAP)  # 60y3m reached in May 2021
    assert (r.retirement_date, r.pension_from) == (D(2021, 5, 31), D(2021, 6, 1))
    r = retirement("F", D(1966, 9, 1), ROADMAP)  # 55y8m reached in May 2022
    assert (r.retirement_date, r.pension_from) == (D(2022, 5, 31), D(2022, 6, 1))


def test_a_birthday_on_29_february_retires_at_the_end_of_the_month_reached():
    r = retirement("F", D(1968, 2, 29), ROADMAP)  # k = 25 → 55y4m + 3×4 = 56y4m → June 2024
    assert (r.age_years, r.age_months) == (56, 4)
    assert r.retirement_date == D(2024, 6, 30)
    r = retirement("M", D(1960, 2, 29), ROADMAP)  # 60y → February 2020, a leap year
    assert r.retirement_date == D(2020, 2, 29)


def test_a_birthday_on_the_31st_lands_in_a_short_month_without_error():
    r = retirement("M", D(1961, 8, 31), ROADMAP)  # 60y3m → November (30 days)
    assert r.retirement_date == D(2021, 11, 30)
    assert r.pension_from == D(2021, 12, 1)


def test_a_year_only_birth_date_counts_as_first_january():
    born, year_only = parse_birth("1961", D(2021, 5, 20))
    assert (born, year_only) == (D(1961, 1, 1), True)
    assert retirement("M", born, ROADMAP).retirement_date == D(2021, 4, 30)


@pytest.mark.parametrize("text", ["05/03/1965", "1965-03-05", " 05/03/1965 "])
def test_birth_dates_are_read_as_day_month_year_or_iso(text):
    assert parse_birth(text, D(2021, 5, 20)) == (D(1965, 3, 5), False)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Chưa nhập"),
        ("abc", "không phải ngày sinh hợp lệ"),
        ("31/02/1965", "không phải ngày sinh hợp lệ"),
        ("2022", "tương lai"),
        ("21/05/2021", "tương lai"),
        ("1850", "trước năm 1900"),
    ],
)
def test_bad_birth_input_is_refused_with_a_vietnamese_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_birth(text, D(2021, 5, 20))


def test_sex_must_be_m_or_f():
    assert parse_sex("m") == "M" and parse_sex("Nữ") == "F"
    with pytest.raises(ValueError, match="chỉ nhận M"):
        parse_sex("X")
    with pytest.raises(ValueError, match="trống"):
        parse_sex("")

"""Vietnamese text helpers: the diacritic-free search key."""

import pytest

from wards.text import fold


@pytest.mark.parametrize(
    "text,key",
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("ĐỐNG ĐA", "dong da"),
        ("Đức", "duc"),
        ("  Trần   Thị\tỞ ", "tran thi o"),
        ("Nguye\u0302\u0303n", "nguyen"),  # decomposed input (as some keyboards send it)
        ("", ""),
        (None, ""),
    ],
)
def test_fold_strips_diacritics_case_and_extra_spaces(text, key):
    assert fold(text) == key

"""Vietnamese text helpers: diacritic-free search keys and Vietnamese alphabetical order.

Python's ``unicodedata`` leaves "Đ"/"đ" alone and its default sort puts "Ă Â Đ" after "Z";
both are handled here so that search and ordering behave the same on SQLite and PostgreSQL.
"""

import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics, fold đ to d and collapse spaces: "Nguyễn Văn  Ân" → "nguyen van an"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.split())


# The 29 letters of the Vietnamese alphabet in order, then the five tone marks in dictionary order.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONES = {"\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0301": 5, "\u0323": 6}  # huyền hỏi ngã sắc nặng
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def _word_key(word: str) -> tuple[str, str]:
    base, tones = [], []
    for ch in word.lower():
        parts = unicodedata.normalize("NFD", ch)
        letter = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        tone = next((_TONES[p] for p in parts if p in _TONES), 1)
        rank = _LETTER_RANK.get(letter)
        base.append(chr(0x41 + rank) if rank is not None else letter)
        tones.append(str(tone))
    return "".join(base), "".join(tones)


def vn_sort_key(full_name: str) -> str:
    """A string that sorts Vietnamese names as a Vietnamese roster does: by given name, then the rest.

    Letters compare first (a < ă < â < b … đ after d), tone marks only break ties.
    """
    words = (full_name or "").split()
    if not words:
        return ""
    ordered = [words[-1], *words[:-1]]
    keys = [_word_key(w) for w in ordered]
    return " ".join(k[0] for k in keys) + "|" + " ".join(k[1] for k in keys)

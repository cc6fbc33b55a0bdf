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
# Each letter becomes two digits (10…38); anything else "99" and its code point, after every letter.
_LETTER_CODE = {ch: f"{10 + i:02d}" for i, ch in enumerate(_ALPHABET)}
_WORD_GAP = "01"  # between words: a shorter word sorts before a longer one that starts with it
_END = "00"  # between the letters and the tones: tones only break ties
_MAX_LEN = 400  # Official.sort_key max_length


def _word_key(word: str) -> tuple[str, str]:
    base, tones = [], []
    for ch in word.lower():
        parts = unicodedata.normalize("NFD", ch)
        letter = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        tone = next((_TONES[p] for p in parts if p in _TONES), 1)
        base.append(_LETTER_CODE.get(letter) or f"99{ord(letter[:1] or ' '):07d}")
        tones.append(str(tone))
    return "".join(base), "".join(tones)


def vn_sort_key(full_name: str) -> str:
    """A string that sorts Vietnamese names as a Vietnamese roster does: by given name, then the rest.

    Letters compare first (a < ă < â < b … đ after d), tone marks only break ties. The key is made of
    digits only, so every database collation (C, glibc's en_US, ICU) orders it exactly as Python does:
    punctuation or letter codes would be ignored or reordered by linguistic collations.
    """
    words = (full_name or "").split()
    if not words:
        return ""
    ordered = [words[-1], *words[:-1]]
    keys = [_word_key(w) for w in ordered]
    return (_WORD_GAP.join(k[0] for k in keys) + _END + "".join(k[1] for k in keys))[:_MAX_LEN]

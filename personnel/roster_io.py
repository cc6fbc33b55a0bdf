"""The roster spreadsheet: its columns, the export of the official list, and the import
(parse → validate → preview → apply in one transaction).

The export and the import template share :data:`ROSTER_COLUMNS`, so a file exported can be edited in Excel
and imported back: unchanged it changes nothing; edited, it changes exactly the edited cells.
"""

import datetime as dt
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from personnel import services
from personnel.models import BirthPrecision, Education, Official, PoliticalTheory, PostHolding, Sex
from wards import workbook
from wards.clock import today
from wards.models import Position, Ward
from wards.text import fold

# --------------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------------

CODE, NAME, SEX, BIRTH, WARD, POSITION, CONCURRENT, POST_START = (
    "Mã cán bộ", "Họ và tên", "Giới tính", "Ngày sinh", "Phường", "Chức danh", "Kiêm nhiệm",
    "Ngày giữ chức danh",
)  # fmt: skip
RECRUITED, EDUCATION, MAJOR, THEORY, IT_CERT, LAW, CIVIL_STATUS, NOTES = (
    "Ngày tuyển dụng", "Trình độ chuyên môn", "Chuyên ngành", "Lý luận chính trị", "Chứng chỉ tin học",
    "Trung cấp luật", "Bồi dưỡng hộ tịch", "Ghi chú",
)  # fmt: skip

ROSTER_COLUMNS = [
    workbook.Column(CODE, 12),
    workbook.Column(NAME, 26),
    workbook.Column(SEX, 9),
    workbook.Column(BIRTH, 12, "date"),
    workbook.Column(WARD, 16),
    workbook.Column(POSITION, 28, "wrap"),
    workbook.Column(CONCURRENT, 28, "wrap"),
    workbook.Column(POST_START, 13, "date"),
    workbook.Column(RECRUITED, 13, "date"),
    workbook.Column(EDUCATION, 16),
    workbook.Column(MAJOR, 20, "wrap"),
    workbook.Column(THEORY, 16),
    workbook.Column(IT_CERT, 10),
    workbook.Column(LAW, 10),
    workbook.Column(CIVIL_STATUS, 10),
    workbook.Column(NOTES, 30, "wrap"),
]
HEADERS = [c.header for c in ROSTER_COLUMNS]
YES, NO = "Có", "Không"
ROSTER_TITLE = "DANH SÁCH CÁN BỘ, CÔNG CHỨC PHƯỜNG"


# The official and holding columns the export reads (values, not model instances: a row is a tuple).
_EXPORT_OFFICIAL = (
    "pk", "code", "full_name", "sex", "birth_date", "birth_precision", "ward__name", "recruitment_date",
    "education", "major", "political_theory", "it_certificate", "law_training", "civil_status_training", "notes",
)  # fmt: skip
_EXPORT_HOLDING = ("official_id", "is_primary", "position__title", "start_date")


def export_rows(officials, holdings):
    """Roster rows of ``officials`` (tuples of :data:`_EXPORT_OFFICIAL`, in a fixed order) with their current
    ``holdings`` (tuples of :data:`_EXPORT_HOLDING`, ordered the same way by official, primary first): both
    are walked once, side by side, so memory stays flat however long the list is."""
    holdings = iter(holdings)
    pending = next(holdings, None)
    # Labels resolved once: get_FOO_display() rebuilds and hashes the lazy choices on every call.
    sexes, educations, theories = (
        {k: str(v) for k, v in e.choices} for e in (Sex, Education, PoliticalTheory)
    )
    flags = {True: YES, False: NO}
    year = BirthPrecision.YEAR
    for (
        pk, code, full_name, sex, birth, precision, ward, recruited, education, major, theory, it_cert, law,
        civil_status, notes,
    ) in officials:  # fmt: skip
        primary, concurrent = None, []
        while pending is not None and pending[0] == pk:
            if pending[1] and primary is None:
                primary = pending
            elif not pending[1]:
                concurrent.append(pending[2])
            pending = next(holdings, None)
        yield [
            code,
            full_name,
            sexes.get(sex, sex),
            birth.year if precision == year else birth,
            ward,
            primary[2] if primary else "",
            ", ".join(concurrent),
            primary[3] if primary else None,
            recruited,
            educations.get(education, education),
            major,
            theories.get(theory, theory),
            flags[bool(it_cert)],
            flags[bool(law)],
            flags[bool(civil_status)],
            notes,
        ]


def roster_sheet_data(officials_qs, day: dt.date | None = None):
    """(officials, holdings) iterables for :func:`export_rows`: two queries, streamed in the same order."""
    day = day or today()
    # No prefetch: holdings come from one streamed query walked beside the officials (query count fixed).
    officials_qs = officials_qs.prefetch_related(None).order_by("sort_key", "code")
    holdings = (
        PostHolding.objects.open_on(day)
        .filter(official__in=officials_qs.values("pk"))
        .order_by(
            "official__sort_key", "official__code", "-is_primary", "position__display_order", "start_date"
        )
        .values_list(*_EXPORT_HOLDING)
    )
    return (
        officials_qs.values_list(*_EXPORT_OFFICIAL).iterator(chunk_size=2000),
        holdings.iterator(chunk_size=2000),
    )


def write_roster(
    wb, officials_qs, *, issuer, title=ROSTER_TITLE, subtitle="", sheet_title="Danh sách cán bộ"
):
    day = today()
    officials, holdings = roster_sheet_data(officials_qs, day)
    return workbook.write_sheet(
        wb,
        sheet_title=sheet_title,
        title=title,
        subtitle=subtitle or f"(Số liệu ngày {day:%d/%m/%Y})",
        columns=ROSTER_COLUMNS,
        rows=export_rows(officials, holdings),
        issuer=issuer,
        day=day,
    )


def official_list_response(officials_qs):
    """The official list as the roster workbook (the import template's columns), filtered and scoped by
    the caller; the file is streamed."""
    wb = workbook.new_workbook()
    write_roster(wb, officials_qs, issuer=workbook.default_issuer())
    return workbook.response(wb, workbook.filename("danh-sach-can-bo"))


# --------------------------------------------------------------------------------------------------
# Import: check the file → read rows → validate against the catalogue and the roster → preview → apply
# --------------------------------------------------------------------------------------------------

MAX_BYTES = 5 * 1024 * 1024  # upload limit (README)
MAX_ROWS = 20_000  # data rows per file (README)
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # total uncompressed size of the zip members
MAX_RATIO = 100  # compression ratio of any member above 1 MB: beyond this it is a zip bomb
MAX_MEMBERS = 500
MAX_COLUMNS = 64  # columns read per row: the template has 17
HEADER_SCAN_ROWS = 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportRefused(Exception):
    """The whole file is refused (not an xlsx, too large, missing columns…): nothing is read or written."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"Dòng {self.row}, cột “{self.column}”: {self.message}"


@dataclass
class RowChange:
    """What one valid row of the file does: create an official, or update one (``diffs`` lists the changed
    cells as (column, old, new)); the holdings to end, correct and open come with it."""

    row: int
    code: str
    full_name: str
    official: Official | None = None
    fields: dict = field(default_factory=dict)
    diffs: list = field(default_factory=list)
    end_holdings: list = field(default_factory=list)  # (holding, end_date)
    fix_starts: list = field(default_factory=list)  # (holding, start_date)
    open_holdings: list = field(default_factory=list)  # (position, ward, start_date, is_primary)

    @property
    def ward_name(self) -> str:
        ward = self.fields.get("ward") or (self.official.ward if self.official else None)
        return ward.name if ward else ""

    @property
    def position_title(self) -> str:
        return next((p.title for p, _, _, primary in self.open_holdings if primary), "")


@dataclass
class Preview:
    total: int = 0
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    unchanged: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.creates or self.updates)


def check_file(data: bytes) -> None:
    """Refuse what is not a plain, reasonably sized .xlsx, before any parser touches it."""
    if not data:
        raise ImportRefused("Tệp rỗng.")
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"Tệp lớn {len(data) / 1024 / 1024:.1f} MB, vượt giới hạn {MAX_BYTES // 1024 // 1024} MB."
        )
    if data.startswith(_OLE_MAGIC):
        raise ImportRefused(
            "Tệp được đặt mật khẩu (mã hóa) hoặc là tệp Excel cũ (.xls). "
            "Hãy bỏ mật khẩu và lưu lại dưới dạng Excel Workbook (.xlsx)."
        )
    if data.startswith(b"%PDF"):
        raise ImportRefused("Tệp PDF không phải bảng tính Excel (.xlsx).")
    if not data.startswith(b"PK"):
        raise ImportRefused(
            "Tệp không phải bảng tính Excel (.xlsx) (có thể là tệp CSV hoặc văn bản đổi đuôi)."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused("Tệp bị hỏng hoặc không phải bảng tính Excel (.xlsx).") from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise ImportRefused("Tệp nén này không phải bảng tính Excel (.xlsx).")
    if len(members) > MAX_MEMBERS:
        raise ImportRefused("Tệp có cấu trúc bất thường (quá nhiều thành phần); không xử lý.")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise ImportRefused("Tệp nén bất thường (tỷ lệ nén quá cao, nghi “bom nén”); không xử lý.")
    if total > MAX_UNCOMPRESSED:
        raise ImportRefused(
            f"Nội dung giải nén {total / 1024 / 1024:.0f} MB vượt giới hạn {MAX_UNCOMPRESSED // 1024 // 1024} MB."
        )


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*(\d+)\s*["']""")


def _first_worksheet(data: bytes) -> tuple[str, bytes] | None:
    """The name and the XML of the workbook's first worksheet (chart sheets skipped), found as openpyxl
    finds it: through the package manifest and the workbook's relationships (small parts)."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_workbook()
    for sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            return sheet.name, reader.archive.read(rel.target)
    return None


def _last_row(xml: bytes) -> int:
    """The number of the sheet's last row, formatted but blank rows included: a row's ``r`` attribute, or
    the number after the previous row's when it has none (as openpyxl counts them)."""
    last = 0
    for match in _ROW_TAG.finditer(xml):
        number = _ROW_NUMBER.search(match.group(1))
        last = int(number.group(1)) if number else last + 1
    return last


def _cell_value(value):
    """A value as openpyxl's reader gives it: an empty cell is None, a whole number an int."""
    if value == "":
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def read_rows(data: bytes) -> tuple[list[tuple[int, dict]], int]:
    """The data rows of the first sheet as (row number, {column: raw value}) after the header row, which
    is found by its titles (so the statutory header block above it is allowed).

    The sheet is read with calamine (a compiled reader, several times faster than openpyxl's): values
    only (a formula's last result), dates as dates, whole numbers as int, empty cells as None."""
    from python_calamine import CalamineWorkbook

    check_file(data)
    try:
        first = _first_worksheet(data)
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # any kind of broken package means the same to the user
        raise ImportRefused("Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc sai định dạng.") from None
    try:
        name, xml = first
        if b"<!ENTITY" in xml:  # entity declarations: never in a spreadsheet, a billion-laughs attack
            raise ValueError("entity declaration")
        sheet = book.get_sheet_by_name(name)
        # calamine's rows start at row 1 but at the first column holding a value: only the first
        # MAX_COLUMNS columns of the sheet are read, as before.
        width = max(0, MAX_COLUMNS - (sheet.start[1] if sheet.start else 0))
        rows_iter = ([_cell_value(v) for v in values[:width]] for values in sheet.iter_rows())
        wanted = {fold(h): h for h in HEADERS}
        columns, header_row = None, None
        for number, values in enumerate(rows_iter, start=1):
            folded = [fold(str(v)) if v is not None else "" for v in values]
            if fold(CODE) in folded and fold(NAME) in folded:
                columns = {wanted[f]: i for i, f in enumerate(folded) if f in wanted}
                header_row = number
                break
            if number >= HEADER_SCAN_ROWS:
                break
        if columns is None:
            raise ImportRefused(
                f"Không tìm thấy dòng tiêu đề cột (có “{CODE}” và “{NAME}”) trong {HEADER_SCAN_ROWS} dòng đầu "
                "của trang tính thứ nhất. Hãy dùng tệp mẫu."
            )
        missing = [h for h in HEADERS if h not in columns]
        if missing:
            raise ImportRefused(
                "Thiếu cột (hoặc cột bị đổi tên): "
                + ", ".join(f"“{h}”" for h in missing)
                + ". Hãy dùng tệp mẫu."
            )
        too_many_rows = ImportRefused(
            f"Trang tính có quá nhiều dòng (hơn {2 * MAX_ROWS:,} dòng).".replace(",", ".")
        )
        row_limit = 2 * MAX_ROWS + header_row  # blank but formatted rows count too
        out = []
        for number, values in enumerate(rows_iter, start=header_row + 1):
            if number > row_limit:
                raise too_many_rows
            record = {h: (values[i] if i < len(values) else None) for h, i in columns.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in record.values()):
                continue
            if _blank(record[CODE]) and _blank(record[NAME]):
                continue  # the signature block under the table
            out.append((number, record))
            if len(out) > MAX_ROWS:
                raise ImportRefused(
                    f"Tệp có hơn {MAX_ROWS:,} dòng dữ liệu (giới hạn {MAX_ROWS:,}).".replace(",", ".")
                )
        if _last_row(xml) > row_limit:  # rows with formatting only: calamine does not list them
            raise too_many_rows
        return out, header_row
    except ImportRefused:
        raise
    except Exception:  # a broken or hostile sheet shows up here
        raise ImportRefused(
            "Không đọc được tệp Excel (.xlsx): nội dung trang tính bị hỏng hoặc sai định dạng."
        ) from None
    finally:
        book.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value).strip()


class _Bad(Exception):
    pass


def _parse_date(value, *, year_only_ok=False) -> tuple[dt.date | None, str]:
    """(date, precision) from a real Excel date, "dd/mm/yyyy" text, or (for birth dates) a 4-digit year."""
    if _blank(value):
        return None, BirthPrecision.DAY
    if isinstance(value, dt.datetime):
        return value.date(), BirthPrecision.DAY
    if isinstance(value, dt.date):
        return value, BirthPrecision.DAY
    text = _text(value)
    if year_only_ok and text.isascii() and text.isdigit() and len(text) == 4:
        year = int(text)
        if year < 1900:
            raise _Bad(f"Năm sinh {text} không hợp lệ.")
        return dt.date(year, 1, 1), BirthPrecision.YEAR
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text) or None
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        hint = " hoặc chỉ năm yyyy" if year_only_ok else ""
        raise _Bad(f"“{text}” không phải ngày hợp lệ (dạng dd/mm/yyyy{hint}).")
    try:
        return dt.date(year, month, day), BirthPrecision.DAY
    except ValueError:
        raise _Bad(f"Ngày {text} không tồn tại.") from None


def _choices(enum, aliases=()) -> dict:
    table = {fold(label): value for value, label in enum.choices}
    table.update({fold(alias): value for alias, value in aliases})
    return table


SEXES = {"nam": Sex.MALE, "nu": Sex.FEMALE}
FLAGS = {"co": True, "khong": False, "": False}
EDUCATIONS = _choices(Education, [("dai hoc", Education.DAI_HOC), ("cu nhan", Education.DAI_HOC),
                                  ("ky su", Education.DAI_HOC), ("thac sy", Education.THAC_SI)])  # fmt: skip
THEORIES = _choices(
    PoliticalTheory, [("cao cap", PoliticalTheory.CAO_CAP), ("cu nhan", PoliticalTheory.CAO_CAP),
                      ("khong", PoliticalTheory.NONE), ("", PoliticalTheory.NONE)],
)  # fmt: skip


@functools.lru_cache(maxsize=8192)
def _folded(text: str) -> str:
    """:func:`fold`, remembered: a roster repeats the same few sexes, wards, posts, levels and flags."""
    return fold(text)


@functools.lru_cache(maxsize=8192, typed=True)  # typed: 1, 1.0 and True read differently
def _key(value) -> str:
    """Matching key: folded, with any dash (-, –, —) and the spaces around it read as one "-"."""
    return re.sub(r"\s*[-–—]\s*", "-", fold(_text(value)))


class Catalogue:
    """Wards and positions matched by code, name, slug or title, ignoring case, spaces and diacritics."""

    def __init__(self):
        self.wards = {}
        for ward in Ward.objects.order_by("pk"):
            for key in (ward.name, f"Phường {ward.name}", ward.slug, ward.code):
                self.wards.setdefault(_key(key), ward)
        self.positions = {}
        for position in Position.objects.order_by("display_order"):
            for key in (position.code, position.title, position.short_title):
                self.positions.setdefault(_key(key), position)

    def ward(self, value):
        return self.wards.get(_key(value))

    def position(self, value):
        return self.positions.get(_key(value))


def _normalise_notes(text: str) -> str:
    return "\n".join(
        line.rstrip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ).strip()


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _parse_row(number: int, record: dict, catalogue: Catalogue, day: dt.date) -> tuple[dict, list[RowError]]:
    """Clean values of one row, or the errors naming each bad cell."""
    errors, out = [], {}

    def fail(column, message):
        errors.append(RowError(number, column, message))

    out["code"] = " ".join(_text(record[CODE]).split())
    if not out["code"]:
        fail(CODE, "Mã cán bộ không được để trống.")
    elif len(out["code"]) > 20:
        fail(CODE, "Mã cán bộ dài quá 20 ký tự.")
    out["full_name"] = " ".join(_text(record[NAME]).split())
    if not out["full_name"]:
        fail(NAME, "Họ và tên không được để trống.")
    elif len(out["full_name"]) > 120:
        fail(NAME, "Họ và tên dài quá 120 ký tự.")
    sex = SEXES.get(_folded(_text(record[SEX])))
    if sex is None:
        fail(SEX, f"“{_text(record[SEX])}” không hợp lệ; ghi Nam hoặc Nữ.")
    out["sex"] = sex
    try:
        out["birth_date"], out["birth_precision"] = _parse_date(record[BIRTH], year_only_ok=True)
        if out["birth_date"] is None:
            fail(BIRTH, "Ngày sinh không được để trống.")
        elif out["birth_date"] > day:
            fail(BIRTH, f"Ngày sinh {_show(out['birth_date'])} ở tương lai.")
            out["birth_date"] = None
    except _Bad as bad:
        fail(BIRTH, str(bad))
        out["birth_date"] = None
    ward = catalogue.ward(record[WARD])
    if ward is None:
        fail(
            WARD,
            f"Không có phường “{_text(record[WARD])}”."
            if not _blank(record[WARD])
            else "Phường không được để trống.",
        )
    out["ward"] = ward
    out["position"] = None
    if not _blank(record[POSITION]):
        out["position"] = catalogue.position(record[POSITION])
        if out["position"] is None:
            fail(POSITION, f"Không có chức danh “{_text(record[POSITION])}” trong danh mục.")
    concurrent = []
    for part in _text(record[CONCURRENT]).replace(";", ",").split(","):
        if not part.strip():
            continue
        position = catalogue.position(part)
        if position is None:
            fail(CONCURRENT, f"Không có chức danh “{part.strip()}” trong danh mục.")
        elif position == out["position"]:
            fail(CONCURRENT, f"“{position.title}” đã là chức danh chính, không ghi lại ở cột Kiêm nhiệm.")
        elif position not in concurrent:
            concurrent.append(position)
    out["concurrent"] = concurrent
    for column, key in ((POST_START, "post_start"), (RECRUITED, "recruitment_date")):
        try:
            out[key] = _parse_date(record[column])[0]
        except _Bad as bad:
            fail(column, str(bad))
            out[key] = None
    if (
        out["position"] is not None
        and out["post_start"] is None
        and not any(e.column == POST_START for e in errors)
    ):
        fail(POST_START, "Có chức danh thì phải ghi ngày giữ chức danh.")
    if out["post_start"] and out["post_start"] > day:
        fail(POST_START, f"Ngày giữ chức danh {out['post_start']:%d/%m/%Y} ở tương lai.")
    if out["post_start"] and out["birth_date"] and out["post_start"] < out["birth_date"]:
        fail(POST_START, "Ngày giữ chức danh trước ngày sinh.")
    education = EDUCATIONS.get(_folded(_text(record[EDUCATION])))
    if education is None:
        fail(
            EDUCATION,
            f"“{_text(record[EDUCATION])}” không phải trình độ chuyên môn hợp lệ (xem trang Hướng dẫn).",
        )
    out["education"] = education
    out["major"] = " ".join(_text(record[MAJOR]).split())
    if len(out["major"]) > 150:
        fail(MAJOR, "Chuyên ngành dài quá 150 ký tự.")
    theory = THEORIES.get(_folded(_text(record[THEORY])))
    if theory is None:
        fail(
            THEORY,
            f"“{_text(record[THEORY])}” không phải trình độ lý luận chính trị hợp lệ (xem trang Hướng dẫn).",
        )
    out["political_theory"] = theory
    for column, key in (
        (IT_CERT, "it_certificate"),
        (LAW, "law_training"),
        (CIVIL_STATUS, "civil_status_training"),
    ):
        flag = FLAGS.get(_folded(_text(record[column])))
        if flag is None:
            fail(column, f"“{_text(record[column])}” không hợp lệ; ghi Có hoặc Không.")
        out[key] = flag
    out["notes"] = _normalise_notes(_text(record[NOTES]))
    if not errors:
        fields = {k: out[k] for k in ("full_name", "code", "birth_date", "recruitment_date")}
        try:
            services.validate_official_fields(fields, today=day)
        except ValidationError as error:
            columns = {"full_name": NAME, "code": CODE, "birth_date": BIRTH, "recruitment_date": RECRUITED}
            for key, messages in error.message_dict.items():
                for message in messages:
                    fail(columns.get(key, CODE), message)
    return out, errors


# Official fields compared and written by the import, with their column.
_FIELD_COLUMNS = [
    ("full_name", NAME), ("sex", SEX), ("birth_date", BIRTH), ("ward", WARD), ("recruitment_date", RECRUITED),
    ("education", EDUCATION), ("major", MAJOR), ("political_theory", THEORY), ("it_certificate", IT_CERT),
    ("law_training", LAW), ("civil_status_training", CIVIL_STATUS), ("notes", NOTES),
]  # fmt: skip
_LABELS = {
    "sex": dict(Sex.choices), "education": dict(Education.choices), "political_theory": dict(PoliticalTheory.choices),
}  # fmt: skip


def _label(name, value):
    if name in _LABELS:
        return str(_LABELS[name].get(value, value))
    if name == "ward":
        return value.name if value else "—"
    return _show(value)


def _current_value(official, name):
    if name == "ward":
        return official.ward
    if name == "notes":
        return _normalise_notes(official.notes)
    if name in ("full_name", "major"):
        return " ".join((getattr(official, name) or "").split())
    return getattr(official, name)


def _plan_update(
    number, official, values, current, last_primary_end, day
) -> tuple[RowChange, list[RowError]]:
    change = RowChange(row=number, code=official.code, full_name=values["full_name"], official=official)
    errors = []
    for name, column in _FIELD_COLUMNS:
        new = values[name]
        old = _current_value(official, name)
        if name == "birth_date":
            same = (
                official.birth_precision == values["birth_precision"] == BirthPrecision.YEAR
                and old.year == new.year
            ) or (old == new and official.birth_precision == values["birth_precision"])
            if not same:
                change.fields["birth_date"] = new
                change.fields["birth_precision"] = values["birth_precision"]
                show = lambda d, p: str(d.year) if p == BirthPrecision.YEAR else f"{d:%d/%m/%Y}"  # noqa: E731
                change.diffs.append(
                    (column, show(old, official.birth_precision), show(new, values["birth_precision"]))
                )
            continue
        if old != new:
            change.fields[name] = new
            change.diffs.append((column, _label(name, old), _label(name, new)))
    mine = current.get(official.pk, [])
    primary = next((h for h in mine if h.is_primary), None)
    concurrent = [h for h in mine if not h.is_primary]
    position, start, ward = values["position"], values["post_start"], values["ward"]
    if position is None:
        if primary is not None:
            errors.append(RowError(number, POSITION, f"Cán bộ đang giữ chức danh “{primary.position.title}”; không để trống "
                                   "cột này (kết thúc chức danh trên trang cán bộ)."))  # fmt: skip
    elif primary is None:
        floor = last_primary_end.get(official.pk)
        if floor and start <= floor:
            errors.append(RowError(number, POST_START, f"Ngày giữ chức danh phải sau ngày {floor:%d/%m/%Y} "
                                   "(kết thúc chức danh chính trước)."))  # fmt: skip
        change.open_holdings.append((position, ward, start, True))
        change.diffs.append((POSITION, "—", position.title))
        change.diffs.append((POST_START, "—", _show(start)))
    elif position != primary.position or ward != official.ward:
        if start <= primary.start_date:
            errors.append(RowError(number, POST_START, f"Đổi chức danh hoặc phường: ghi ngày giữ chức danh mới, sau ngày "
                                   f"{primary.start_date:%d/%m/%Y} (ngày bắt đầu chức danh hiện tại)."))  # fmt: skip
        else:
            eve = start - dt.timedelta(days=1)
            change.end_holdings.append((primary, min(eve, primary.end_date) if primary.end_date else eve))
            change.open_holdings.append((position, ward, start, True))
            if position != primary.position:
                change.diffs.append((POSITION, primary.position.title, position.title))
            change.diffs.append((POST_START, _show(primary.start_date), _show(start)))
    elif start != primary.start_date:
        floor = last_primary_end.get(official.pk)
        if floor and start <= floor:
            errors.append(RowError(number, POST_START, f"Ngày giữ chức danh phải sau ngày {floor:%d/%m/%Y} "
                                   "(ngày kết thúc chức danh chính trước đó)."))  # fmt: skip
        elif primary.end_date and start > primary.end_date:
            errors.append(RowError(number, POST_START, "Ngày giữ chức danh sau ngày kết thúc của chức danh."))
        else:
            change.fix_starts.append((primary, start))
            change.diffs.append((POST_START, _show(primary.start_date), _show(start)))
    wanted = values["concurrent"]
    held = [h.position for h in concurrent]
    removed = [h for h in concurrent if h.position not in wanted]
    added = [p for p in wanted if p not in held]
    for holding in removed:
        change.end_holdings.append((holding, max(holding.start_date, day - dt.timedelta(days=1))))
    for position in added:
        change.open_holdings.append((position, ward, day, False))
    if removed or added:
        change.diffs.append(
            (CONCURRENT, ", ".join(p.title for p in held) or "—", ", ".join(p.title for p in wanted) or "—")
        )
    return change, errors


def build_preview(data: bytes) -> Preview:
    """Everything the file would do, and every error, without writing anything.

    Raises :class:`ImportRefused` for a file refused as a whole."""
    rows, _ = read_rows(data)
    day = today()
    catalogue = Catalogue()
    preview = Preview(total=len(rows))
    parsed, first_row_of = [], {}
    for number, record in rows:
        values, errors = _parse_row(number, record, catalogue, day)
        code = values["code"]
        if code:
            if code in first_row_of:
                errors.append(
                    RowError(number, CODE, f"Mã cán bộ {code} trùng với dòng {first_row_of[code]}.")
                )
            else:
                first_row_of[code] = number
        preview.errors.extend(errors)
        if not errors:
            parsed.append((number, values))
    codes = [values["code"] for _, values in parsed]
    existing = {o.code: o for o in Official.objects.filter(code__in=codes).select_related("ward")}
    current, last_primary_end = {}, {}
    ids = [o.pk for o in existing.values()]
    for holding in (
        PostHolding.objects.open_on(day).filter(official_id__in=ids).select_related("position", "ward")
        .order_by("official_id", "-is_primary", "position__display_order", "start_date")
    ):  # fmt: skip
        current.setdefault(holding.official_id, []).append(holding)
    for official_id, end in (
        PostHolding.objects.filter(official_id__in=ids, is_primary=True, end_date__lt=day)
        .values_list("official_id", "end_date")
    ):  # fmt: skip
        if end > last_primary_end.get(official_id, dt.date.min):
            last_primary_end[official_id] = end
    for number, values in parsed:
        official = existing.get(values["code"])
        if official is None:
            change = RowChange(row=number, code=values["code"], full_name=values["full_name"])
            change.fields = {name: values[name] for name, _ in _FIELD_COLUMNS}
            change.fields.update(code=values["code"], birth_precision=values["birth_precision"])
            if values["position"]:
                change.open_holdings.append((values["position"], values["ward"], values["post_start"], True))
            for position in values["concurrent"]:
                change.open_holdings.append((position, values["ward"], values["post_start"] or day, False))
            preview.creates.append(change)
            continue
        change, errors = _plan_update(number, official, values, current, last_primary_end, day)
        if errors:
            preview.errors.extend(errors)
        elif change.diffs:
            preview.updates.append(change)
        else:
            preview.unchanged += 1
    preview.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 0))
    return preview


def apply(preview: Preview, *, actor) -> dict:
    """Write a preview without errors in one transaction (all rows or none)."""
    if not preview.ok:
        raise ImportRefused(f"Tệp còn {len(preview.errors)} lỗi; không ghi dữ liệu nào.")
    return services.roster_import_apply(
        actor=actor,
        creates=[services.RosterCreate(fields=c.fields, holdings=c.open_holdings) for c in preview.creates],
        updates=[
            services.RosterUpdate(
                official=u.official,
                fields=u.fields,
                end_holdings=u.end_holdings,
                fix_starts=u.fix_starts,
                open_holdings=u.open_holdings,
            )  # fmt: skip
            for u in preview.updates
        ],
    )


def import_roster(data: bytes, *, actor, dry_run: bool = False) -> tuple[Preview, dict | None]:
    """Check, validate and (unless ``dry_run`` or any row is wrong) apply ``data``."""
    preview = build_preview(data)
    if dry_run or not preview.ok:
        return preview, None
    return preview, apply(preview, actor=actor)


def template_response():
    """The roster template: the statutory sheet with the column headers and no rows, and a
    "Hướng dẫn" sheet listing the allowed values."""
    wb = workbook.new_workbook()
    issuer = workbook.default_issuer()
    workbook.write_sheet(
        wb, sheet_title="Danh sách cán bộ", title=ROSTER_TITLE, subtitle="(Mẫu nhập danh sách; xem trang Hướng dẫn)",
        columns=ROSTER_COLUMNS, rows=[], issuer=issuer, signature=False,  # rows are typed under the headers
        choices={SEX: ["Nam", "Nữ"], EDUCATION: [str(label) for _, label in Education.choices],
                 IT_CERT: [YES, NO], LAW: [YES, NO], CIVIL_STATUS: [YES, NO]},
        choice_rows=2000,
    )  # fmt: skip
    workbook.write_sheet(
        wb, sheet_title="Hướng dẫn", title="HƯỚNG DẪN NHẬP DANH SÁCH CÁN BỘ, CÔNG CHỨC",
        columns=[workbook.Column("Cột", 24), workbook.Column("Cách ghi, giá trị được chấp nhận", 90, "wrap")],
        rows=instruction_rows(), issuer=issuer, signature=False,
    )  # fmt: skip
    return workbook.response(wb, "mau-nhap-danh-sach-can-bo.xlsx")


def instruction_rows():
    date_rule = "Ngày dạng dd/mm/yyyy (gõ chữ) hoặc ô ngày của Excel."
    yield [
        CODE,
        "Bắt buộc, không trùng trong tệp. Mã đã có trên cổng: cập nhật cán bộ đó; mã mới: thêm cán bộ.",
    ]
    yield [NAME, "Bắt buộc."]
    yield [SEX, "Nam hoặc Nữ."]
    yield [BIRTH, date_rule + " Chỉ biết năm sinh: ghi 4 chữ số năm (ví dụ 1965). Không được ở tương lai."]
    yield [WARD, "Tên phường (có hoặc không dấu) hoặc mã/slug; các giá trị dưới đây."]
    for ward in Ward.objects.order_by("name"):
        yield [WARD, f"{ward.name} (slug {ward.slug})"]
    yield [
        POSITION,
        "Chức danh chính: mã hoặc tên chức danh trong danh mục dưới đây. Để trống nếu không giữ chức danh.",
    ]
    yield [CONCURRENT, "Các chức danh kiêm nhiệm, cách nhau bằng dấu phẩy (mã hoặc tên)."]
    for position in Position.objects.order_by("display_order"):
        yield [f"{POSITION} / {CONCURRENT}", f"{position.code} — {position.title}"]
    yield [POST_START, date_rule + " Ngày bắt đầu giữ chức danh chính; bắt buộc khi có chức danh. "
           "Đổi chức danh hoặc phường: ghi ngày giữ chức danh mới; chức danh cũ kết thúc ngày liền trước."]  # fmt: skip
    yield [RECRUITED, date_rule + " Có thể để trống."]
    yield [EDUCATION, "; ".join(str(label) for _, label in Education.choices) + "."]
    yield [MAJOR, "Tự do, có thể để trống."]
    yield [
        THEORY,
        "; ".join(str(label) for _, label in PoliticalTheory.choices) + ". Để trống = Chưa qua đào tạo.",
    ]
    for column in (IT_CERT, LAW, CIVIL_STATUS):
        yield [column, "Có hoặc Không (để trống = Không)."]
    yield [NOTES, "Tự do, có thể để trống."]
    rows = f"{MAX_ROWS:,}".replace(",", ".")
    limits = f"Tệp .xlsx tối đa {MAX_BYTES // 1024 // 1024} MB, {rows} dòng dữ liệu."
    yield ["Chung", "Chữ hoa/thường, dấu tiếng Việt và khoảng trắng thừa không ảnh hưởng (“Đại học” = “dai hoc”). "
           + limits + " Tệp có lỗi ở bất kỳ dòng nào thì không dòng nào được ghi."]  # fmt: skip

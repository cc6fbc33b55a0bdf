"""The one module that owns the layout of every Excel file the portal writes.

Each sheet is in the Vietnamese administrative form: the issuing body top left (UBND QUẬN … / PHÒNG NỘI VỤ),
the national title top right, the place-and-date line, the title, an STT column, the column headers, the rows
and a signature block; frozen header, column widths and wrapping, A4 landscape with the header row repeated on
every printed page, dates as real dates shown dd/mm/yyyy.

Workbooks are write-only (openpyxl streams each row to a temporary file), so memory does not grow with the
number of rows; the response is served from a temporary file too. Text is always written as text: a value
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return never becomes a formula.
"""

import copy
import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from wards.clock import today

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
DATE_FORMAT = "dd/mm/yyyy"
PAPERSIZE_A4 = "9"
# Rows of the header block; the column headers sit on HEADER_ROW and data starts on the row after it.
TITLE_ROW = 5
SUBTITLE_ROW = 6
HEADER_ROW = 8
FIRST_DATA_ROW = HEADER_ROW + 1
# What makes a spreadsheet (or a later CSV export of it) read a cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32767  # characters in a cell (Excel's limit; openpyxl cuts longer text)

_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_FONT = Font(name="Times New Roman", size=12)
_BOLD = Font(name="Times New Roman", size=12, bold=True)
_ITALIC = Font(name="Times New Roman", size=12, italic=True)
_TITLE = Font(name="Times New Roman", size=14, bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_TOP = Alignment(vertical="top")
_TOP_CENTER = Alignment(horizontal="center", vertical="top")
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")


@dataclass(frozen=True)
class Column:
    """One column after STT: its header, width in characters and kind ("text", "wrap", "date", "number")."""

    header: str
    width: float = 16
    kind: str = "text"


@dataclass(frozen=True)
class Section:
    """A heading row inside the data (e.g. "I. CÁN BỘ"): bold, merged across the table, not numbered."""

    text: str


@dataclass(frozen=True)
class Issuer:
    """Who issues the document: the lines of the top-left block and the place of the date line."""

    body: str = "UBND QUẬN ĐỐNG ĐA"
    office: str = "PHÒNG NỘI VỤ"
    place: str = "Đống Đa"

    @property
    def signer(self) -> str:
        return f"TRƯỞNG {self.office}".upper()


def issuer_for(district) -> Issuer:
    """The issuer block of ``district`` ("Đống Đa" → UBND QUẬN ĐỐNG ĐA / PHÒNG NỘI VỤ / Đống Đa)."""
    if district is None:
        return Issuer()
    name = district.name.strip()
    if name.lower().startswith("quận "):
        name = name[5:].strip()
    return Issuer(body=f"UBND QUẬN {name.upper()}", office=district.interior_office.upper(), place=name)


def default_issuer() -> Issuer:
    """The issuer of the portal's district (one query); Đống Đa when no district is loaded yet."""
    from wards.models import District

    return issuer_for(District.objects.order_by("pk").first())


def place_date_line(place: str, day: dt.date) -> str:
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def new_workbook() -> Workbook:
    """A streaming (write-only) workbook; add sheets with :func:`write_sheet`, send it with :func:`response`."""
    return Workbook(write_only=True)


def safe_value(value):
    """The value as it should be stored: text stays text, illegal control characters are dropped,
    aware datetimes become local naive ones (Excel has no time zones), booleans read Có/Không."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _cell(ws, value, *, font=_FONT, alignment=None, border=None, fill=None, number_format=None):
    value = safe_value(value)
    cell = WriteOnlyCell(ws, value)
    quote = False
    if isinstance(value, str):
        # openpyxl would store "=…" as a live formula even here; force a text cell, and mark text that a
        # spreadsheet would re-read as a formula on edit with a quote prefix (shown as typed, kept as text).
        cell.data_type = "s"
        quote = value.startswith(FORMULA_TRIGGERS)
    if not number_format:
        if isinstance(value, dt.datetime):
            number_format = DATE_FORMAT + " hh:mm"
        elif isinstance(value, dt.date):
            number_format = DATE_FORMAT
    # Setting a style attribute costs a hash of the style object; a sheet has only a handful of distinct
    # combinations, so each is built once per workbook and copied onto the following cells.
    key = (id(font), id(alignment), id(border), id(fill), number_format, quote)
    cache = ws.parent.__dict__.setdefault("_portal_styles", {})
    style = cache.get(key)
    if style is not None:
        cell._style = copy.copy(style)
        return cell
    cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    if quote:
        cell.quotePrefix = True
    cache[key] = copy.copy(cell._style)
    return cell


class _Sheet(WriteOnlyWorksheet):
    """A write-only sheet that is handed finished cells only (every row :func:`write_sheet` appends is a
    list of cells and ``None``): openpyxl's own conversion first tries each cell as a value, which raises
    and formats an error message per cell before it gives up and takes the cell."""

    def _values_to_row(self, values, row_idx):
        for column, cell in enumerate(values, 1):
            if cell is not None:
                cell.column = column
                cell.row = row_idx
                yield cell


class _ReusedCell(Cell):
    """A data cell written once per row and then refilled for the next one (a write-only sheet writes a
    row as soon as it is appended). Its style is registered once: openpyxl's ``style_id`` looks the
    style up in the workbook's list, hashing it, for every cell it writes."""

    __slots__ = ("style_id",)
    has_style = True  # every data cell has at least a font and a border


def _reused(cell: Cell) -> _ReusedCell:
    reused = _ReusedCell(cell.parent)
    reused._style = cell._style
    reused.data_type = cell.data_type
    reused.style_id = cell.parent.parent._cell_styles.add(cell._style)
    return reused


def _column_cells(ws, alignment, date_column: bool):
    """The cell maker of one data column: ``cell(value)`` gives a cell exactly as :func:`_cell` builds it
    (the column's alignment, a border, dates shown dd/mm/yyyy, text kept as text), reusing one cell per
    kind of value (text, quoted text, number, date, date and time, empty) from row to row."""
    cells = {}

    def general(value):
        number_format = DATE_FORMAT if date_column and isinstance(value, dt.date) else None
        return _cell(ws, value, alignment=alignment, border=_BORDER, number_format=number_format)

    def cell(value):
        kind = type(value)
        if kind is str:
            value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]
            if value.startswith(FORMULA_TRIGGERS):
                kind = "quoted"
        elif not (
            value is None
            or kind is int
            or kind is float
            or kind is Decimal
            or kind is dt.date
            or (kind is dt.datetime and value.tzinfo is None)
        ):
            return general(value)  # booleans, aware datetimes, anything rarer
        reused = cells.get(kind)
        if reused is None:
            reused = cells[kind] = _reused(general(value))
        reused._value = value
        return reused

    return cell


def _sheet_name(title: str, taken: set[str]) -> str:
    """An Excel-legal, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("'") or "Sheet"
    name = cleaned[:31]
    n = 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = cleaned[: 31 - len(suffix)] + suffix
        n += 1
    return name


def write_sheet(
    wb: Workbook,
    *,
    sheet_title: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable,
    subtitle: str = "",
    issuer: Issuer | None = None,
    day: dt.date | None = None,
    numbered: bool = True,
    signature: bool = True,
    footnote: str = "",
    choices: dict | None = None,
    choice_rows: int = 0,
) -> int:
    """Stream one statutory sheet into ``wb``; return the number of numbered rows written.

    ``rows`` yields sequences of values (one per column, STT excluded: it is added) or :class:`Section`
    headings. Values may be str, int, float, Decimal, date, datetime, bool or None. ``choices`` maps a column
    header to the values offered in a drop-down on the ``choice_rows`` rows under the headers (a template's
    help: typing another value stays allowed).
    """
    issuer = issuer or Issuer()
    day = day or today()
    taken = {ws.title.lower() for ws in wb.worksheets}
    ws = _Sheet(parent=wb, title=_sheet_name(sheet_title, taken))
    wb._add_sheet(ws)
    all_columns = [Column("STT", 6, "number"), *columns] if numbered else list(columns)
    ncols = len(all_columns)
    left_end = max(1, ncols // 2 - (1 if ncols >= 6 else 0))
    right_start = left_end + 1 if ncols > 1 else 1
    last = get_column_letter(ncols)

    # Layout that openpyxl writes before the first row: widths, freeze, print set-up.
    for i, col in enumerate(all_columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.row_dimensions[TITLE_ROW].height = 36
    ws.row_dimensions[HEADER_ROW].height = 45

    def merge(row: int, first: int, end: int) -> None:
        if end > first:
            ws.merged_cells.add(f"{get_column_letter(first)}{row}:{get_column_letter(end)}{row}")

    def block_row(left, right, left_font, right_font) -> list:
        cells = [None] * ncols
        cells[0] = _cell(ws, left, font=left_font, alignment=_CENTER) if left else None
        if right and ncols > 1:
            cells[right_start - 1] = _cell(ws, right, font=right_font, alignment=_CENTER)
        return cells

    for header, values in (choices or {}).items():
        index = next(i for i, c in enumerate(all_columns, start=1) if c.header == header)
        listing = ",".join(values)
        if len(listing) > 250 or '"' in listing:  # Excel's limit for an inline list
            continue
        validation = DataValidation(
            type="list", formula1=f'"{listing}"', allow_blank=True, showErrorMessage=False
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{FIRST_DATA_ROW + max(choice_rows, 1) - 1}")
        ws.data_validations.append(validation)

    # Header block (rows 1–7).
    ws.append(block_row(issuer.body, NATIONAL_TITLE, _FONT, _BOLD))
    ws.append(block_row(issuer.office, NATIONAL_MOTTO, _BOLD, _BOLD))
    ws.append(block_row(None, place_date_line(issuer.place, day), _FONT, _ITALIC))
    ws.append([])
    ws.append([_cell(ws, title, font=_TITLE, alignment=_CENTER)])
    ws.append([_cell(ws, subtitle, font=_ITALIC, alignment=_CENTER)] if subtitle else [])
    ws.append([])
    for row in (1, 2, 3):
        merge(row, 1, left_end)
        merge(row, right_start, ncols)
    merge(TITLE_ROW, 1, ncols)
    merge(SUBTITLE_ROW, 1, ncols)

    # Column headers.
    ws.append(
        [
            _cell(ws, c.header, font=_BOLD, alignment=_CENTER, border=_BORDER, fill=_HEADER_FILL)
            for c in all_columns
        ]
    )

    # Data rows, streamed.
    alignments = {"text": _TOP, "wrap": _WRAP, "date": _TOP_CENTER, "number": _TOP}
    makers = [
        _column_cells(
            ws, _TOP_CENTER if (numbered and i == 0) else alignments.get(col.kind, _TOP), col.kind == "date"
        )
        for i, col in enumerate(all_columns)
    ]
    row_no = FIRST_DATA_ROW
    count = 0
    for values in rows:
        if isinstance(values, Section):
            ws.append(
                [_cell(ws, values.text, font=_BOLD, border=_BORDER)]
                + [_cell(ws, None, border=_BORDER) for _ in range(ncols - 1)]
            )
            merge(row_no, 1, ncols)
        else:
            count += 1
            values = [count, *values] if numbered else values
            ws.append([make(value) for make, value in zip(makers, values, strict=False)])
        row_no += 1

    if footnote:
        ws.append([])
        ws.append([_cell(ws, footnote, font=_ITALIC)])
        row_no += 2
    if signature:
        ws.append([])
        signer_row = row_no + 1
        ws.append(block_row("NGƯỜI LẬP BIỂU", issuer.signer, _BOLD, _BOLD))
        ws.append(block_row("(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên, đóng dấu)", _ITALIC, _ITALIC))
        for row in (signer_row, signer_row + 1):
            merge(row, 1, left_end)
            merge(row, right_start, ncols)
        row_no += 3
    ws.print_area = f"A1:{last}{row_no - 1}"
    return count


def response(wb: Workbook, filename: str) -> FileResponse:
    """Send ``wb`` as an attachment, from a temporary file (the workbook is never held in memory whole)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_MIME)


def filename(stem: str, day: dt.date | None = None) -> str:
    """``stem`` + the date: "danh-sach-can-bo-20210520.xlsx"."""
    day = day or today()
    return f"{stem}-{day:%Y%m%d}.xlsx"

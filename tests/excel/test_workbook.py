import datetime as dt
import io
import tracemalloc

import openpyxl
import pytest

from tests.excel.xlsx import column_headers, data_rows, header_block
from wards import workbook
from wards.workbook import Column, Section

COLUMNS = [Column("Họ và tên", 28), Column("Ngày sinh", 12, "date"), Column("Ghi chú", 30, "wrap")]


def build(rows, **kwargs):
    wb = workbook.new_workbook()
    kwargs.setdefault("day", dt.date(2021, 5, 20))
    workbook.write_sheet(
        wb, sheet_title="Danh sách", title="DANH SÁCH CÁN BỘ", columns=COLUMNS, rows=rows, **kwargs
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def test_sheet_carries_the_statutory_header_block():
    ws = build([["Nguyễn Văn An", dt.date(1970, 3, 15), ""]], subtitle="(Số liệu đến ngày 20/05/2021)").active
    assert header_block(ws) == {
        "body": "UBND QUẬN ĐỐNG ĐA",
        "office": "PHÒNG NỘI VỤ",
        "national": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "place_date": "Đống Đa, ngày 20 tháng 05 năm 2021",
        "title": "DANH SÁCH CÁN BỘ",
        "subtitle": "(Số liệu đến ngày 20/05/2021)",
    }
    assert ws.title == "Danh sách"


def test_columns_start_with_stt_and_rows_are_numbered():
    ws = build([["An", dt.date(1970, 3, 15), "x"], Section("II. CÔNG CHỨC"), ["Bình", None, None]]).active
    assert column_headers(ws) == ["STT", "Họ và tên", "Ngày sinh", "Ghi chú"]
    assert data_rows(ws) == [(1, "An", dt.datetime(1970, 3, 15), "x"), (2, "Bình", None, None)]
    assert ws["A10"].value == "II. CÔNG CHỨC"
    assert "A10:D10" in {str(r) for r in ws.merged_cells.ranges}


def test_dates_are_real_dates_shown_day_month_year():
    ws = build([["An", dt.date(1970, 3, 15), ""]]).active
    cell = ws["C9"]
    assert cell.is_date
    assert cell.number_format == "dd/mm/yyyy"


@pytest.mark.parametrize(
    "text", ["=1+1", "+84912345678", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("x")']
)
def test_text_that_looks_like_a_formula_is_stored_as_text(text):
    ws = build([[text, None, text]]).active
    for cell in (ws["B9"], ws["D9"]):
        assert cell.data_type == "s"
        assert cell.value.strip() == text.strip()  # XML reads a lone CR back as LF
        assert cell.quotePrefix


def test_each_row_keeps_its_own_values_and_formats_when_a_column_mixes_kinds():
    # Data cells are refilled row after row; every row must still read back as it was given.
    rows = [
        ["=1+1", dt.date(1970, 3, 15), 7],
        ["An", "15/03/1970", None],
        [None, dt.datetime(2021, 5, 20, 8, 30), "+84"],
        ["Bình", None, 2.5],
        [True, 1965, "x" * 40_000],
    ]
    ws = build(rows).active
    assert data_rows(ws) == [
        (1, "=1+1", dt.datetime(1970, 3, 15), 7),
        (2, "An", "15/03/1970", None),
        (3, None, dt.datetime(2021, 5, 20, 8, 30), "+84"),
        (4, "Bình", None, 2.5),
        (5, "Có", 1965, "x" * 32_767),
    ]
    assert [ws[f"B{r}"].quotePrefix for r in range(9, 14)] == [True, False, False, False, False]
    assert [ws[f"D{r}"].quotePrefix for r in range(9, 14)] == [False, False, True, False, False]
    assert [ws[f"C{r}"].number_format for r in range(9, 14)] == [
        "dd/mm/yyyy", "General", "dd/mm/yyyy", "General", "General"
    ]  # fmt: skip
    assert [ws[f"C{r}"].data_type for r in range(9, 14)] == ["d", "s", "d", "n", "n"]
    for row in ws.iter_rows(min_row=9, max_row=13):
        assert all(c.border.left.style == "thin" and c.font.name == "Times New Roman" for c in row)
    assert {ws[f"D{r}"].alignment.wrap_text for r in range(9, 14)} == {True}


def test_no_formula_is_written_anywhere():
    wb = workbook.new_workbook()
    workbook.write_sheet(wb, sheet_title="x", title="=T", columns=COLUMNS, rows=[["=A1", None, "=B1"]])
    buffer = io.BytesIO()
    wb.save(buffer)
    import zipfile

    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_control_characters_are_dropped_not_crashing():
    ws = build([["An\x00\x07 Bình", None, "dòng 1\ndòng 2"]]).active
    assert ws["B9"].value == "An Bình"
    assert ws["D9"].value == "dòng 1\ndòng 2"


def test_print_setup_is_a4_landscape_fitted_to_width_with_repeated_header_row():
    ws = build([["An", None, None]]).active
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$8:$8"
    assert ws.freeze_panes == "A9"


def test_widths_and_wrapping_follow_the_columns():
    ws = build([["An", None, "ghi chú dài"]]).active
    assert ws.column_dimensions["A"].width == 6
    assert ws.column_dimensions["B"].width == 28
    assert ws["D9"].alignment.wrap_text
    assert ws["B8"].font.bold and ws["B8"].alignment.wrap_text


def test_signature_block_follows_the_rows():
    ws = build([["An", None, None], ["Bình", None, None]]).active
    values = [row for row in ws.iter_rows(min_row=12, values_only=True)]
    assert ("NGƯỜI LẬP BIỂU", None, "TRƯỞNG PHÒNG NỘI VỤ", None) in values
    assert ws.print_area == "'Danh sách'!$A$1:$D$13"


def test_issuer_comes_from_the_district():
    class D:
        name = "Quận Ba Đình"
        interior_office = "Phòng Nội vụ"

    issuer = workbook.issuer_for(D())
    assert (issuer.body, issuer.office, issuer.place) == ("UBND QUẬN BA ĐÌNH", "PHÒNG NỘI VỤ", "Ba Đình")


def test_sheet_names_are_made_legal_and_unique():
    wb = workbook.new_workbook()
    for _ in range(2):
        workbook.write_sheet(
            wb,
            sheet_title="Phường Ô Chợ Dừa / tổng hợp: danh sách rất dài",
            title="T",
            columns=COLUMNS,
            rows=[],
        )
    names = [ws.title for ws in wb.worksheets]
    wb.save(io.BytesIO())
    assert all(len(n) <= 31 and "/" not in n and ":" not in n for n in names)
    assert len(set(names)) == 2


def _peak_bytes(n_rows):
    rows = ([f"Nguyễn Văn {i}", dt.date(1970, 1, 1), "ghi chú " * 5] for i in range(n_rows))
    tracemalloc.start()
    wb = workbook.new_workbook()
    workbook.write_sheet(wb, sheet_title="x", title="T", columns=COLUMNS, rows=rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    wb.save(io.BytesIO())
    return peak


def test_memory_does_not_grow_with_the_number_of_rows():
    small, large = _peak_bytes(100), _peak_bytes(5_000)
    assert large < small * 1.5 + 512 * 1024

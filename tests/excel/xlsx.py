"""Reading exported workbooks back in tests."""

import io

import openpyxl

from wards.workbook import FIRST_DATA_ROW, HEADER_ROW


def load(response_or_bytes, **kwargs):
    """The workbook of a file response (streamed or not) or of raw bytes."""
    data = response_or_bytes
    if hasattr(data, "streaming_content"):
        data = b"".join(data.streaming_content)
    elif hasattr(data, "content"):
        data = data.content
    return openpyxl.load_workbook(io.BytesIO(data), **kwargs)


def header_block(ws) -> dict:
    """The texts of the statutory header block of ``ws``."""
    right = next(c for c in ws[1] if c.column > 1 and c.value)
    return {
        "body": ws["A1"].value,
        "office": ws["A2"].value,
        "national": right.value,
        "motto": ws.cell(2, right.column).value,
        "place_date": ws.cell(3, right.column).value,
        "title": ws["A5"].value,
        "subtitle": ws["A6"].value,
    }


def column_headers(ws) -> list:
    return [c.value for c in ws[HEADER_ROW] if c.value is not None]


def data_rows(ws) -> list[tuple]:
    """Numbered data rows (STT is an int) after the column headers, up to the signature block."""
    rows = []
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True):
        if isinstance(row[0], int):
            rows.append(row)
    return rows

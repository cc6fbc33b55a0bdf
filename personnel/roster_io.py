"""The roster spreadsheet: its columns, the export of the official list, and the import
(parse → validate → preview → apply in one transaction).

The export and the import template share :data:`ROSTER_COLUMNS`, so a file exported can be edited in Excel
and imported back: unchanged it changes nothing; edited, it changes exactly the edited cells.
"""

import datetime as dt

from personnel.models import BirthPrecision, PostHolding
from wards import workbook
from wards.clock import today

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


def _flag(value: bool) -> str:
    return YES if value else NO


def export_rows(officials, holdings):
    """Roster rows of ``officials`` (an iterable in a fixed order) with their current ``holdings``
    (an iterable ordered the same way by official, primary first): both are walked once, side by side,
    so memory stays flat however long the list is."""
    holdings = iter(holdings)
    pending = next(holdings, None)
    for official in officials:
        mine = []
        while pending is not None and pending.official_id == official.pk:
            mine.append(pending)
            pending = next(holdings, None)
        primary = next((h for h in mine if h.is_primary), None)
        concurrent = [h for h in mine if not h.is_primary]
        birth = official.birth_date
        yield [
            official.code,
            official.full_name,
            official.get_sex_display(),
            birth.year if official.birth_precision == BirthPrecision.YEAR else birth,
            official.ward.name,
            primary.position.title if primary else "",
            ", ".join(h.position.title for h in concurrent),
            primary.start_date if primary else None,
            official.recruitment_date,
            official.get_education_display(),
            official.major,
            official.get_political_theory_display(),
            _flag(official.it_certificate),
            _flag(official.law_training),
            _flag(official.civil_status_training),
            official.notes,
        ]


def roster_sheet_data(officials_qs, day: dt.date | None = None):
    """(officials, holdings) iterables for :func:`export_rows`: two queries, streamed in the same order."""
    day = day or today()
    # No prefetch: holdings come from one streamed query walked beside the officials (query count fixed).
    officials_qs = officials_qs.prefetch_related(None).select_related("ward").order_by("sort_key", "code")
    holdings = (
        PostHolding.objects.open_on(day)
        .filter(official__in=officials_qs.values("pk"))
        .select_related("position")
        .order_by(
            "official__sort_key", "official__code", "-is_primary", "position__display_order", "start_date"
        )
    )
    return officials_qs.iterator(chunk_size=2000), holdings.iterator(chunk_size=2000)


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

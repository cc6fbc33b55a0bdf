import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from personnel import roster_io
from personnel.models import BirthPrecision, Education, Official, PoliticalTheory, PostHolding
from personnel.roster_io import HEADERS, ImportRefused, build_preview, import_roster
from tests.excel.xlsx import load
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db

GOOD = {
    "Mã cán bộ": "N001", "Họ và tên": "Hoàng Văn Mới", "Giới tính": "Nam", "Ngày sinh": "15/03/1985",
    "Phường": "Phường 2", "Chức danh": "Văn phòng – Thống kê", "Kiêm nhiệm": "", "Ngày giữ chức danh": "01/02/2020",
    "Ngày tuyển dụng": "01/02/2015", "Trình độ chuyên môn": "Đại học", "Chuyên ngành": "Quản trị văn phòng",
    "Lý luận chính trị": "Trung cấp", "Chứng chỉ tin học": "Có", "Trung cấp luật": "Không",
    "Bồi dưỡng hộ tịch": "Không", "Ghi chú": "",
}  # fmt: skip


def xlsx(rows, headers=HEADERS, title_rows=0):
    """A real .xlsx as a user would make it: optional lines above, a header row, then ``rows`` (dicts)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append([f"Dòng tiêu đề {i + 1}"])
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row(**changes):
    values = dict(GOOD)
    values.update({k.replace("_", " "): v for k, v in changes.items()})
    return values


def errors_of(data):
    return [(e.row, e.column, e.message) for e in build_preview(data).errors]


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def export_bytes(client, user):
    response = login(client, user).get("/can-bo/?export=xlsx")
    return b"".join(response.streaming_content)


# --- a valid file ---------------------------------------------------------------------------------


def test_valid_file_creates_officials_with_their_posts(wards, users, portal_day):
    data = xlsx([row(), row(**{"Mã cán bộ": "N002", "Họ và tên": "Lê Thị Hai", "Giới tính": "nữ",
                               "Chức danh": "TP_HT", "Kiêm nhiệm": "Văn hóa - Xã hội"})])  # fmt: skip
    preview, result = import_roster(data, actor=users["noivu"])
    assert preview.ok and result["created"] == 2
    first = Official.objects.get(code="N001")
    assert (first.full_name, first.ward.name, first.birth_date, first.education) == (
        "Hoàng Văn Mới", "Phường 2", dt.date(1985, 3, 15), Education.DAI_HOC,
    )  # fmt: skip
    assert first.political_theory == PoliticalTheory.TRUNG_CAP and first.it_certificate
    assert first.history.get().history_user == users["noivu"]
    held = PostHolding.objects.filter(official__code="N002").order_by("-is_primary")
    assert [(h.position.code, h.is_primary, h.start_date) for h in held] == [
        ("TP_HT", True, dt.date(2020, 2, 1)), ("VH_XH", False, dt.date(2020, 2, 1)),
    ]  # fmt: skip


def test_values_match_ignoring_case_spaces_and_diacritics(wards, users, portal_day):
    data = xlsx([row(**{"Giới tính": " NAM ", "Phường": "phuong 2", "Chức danh": "van phong - thong ke",
                        "Trình độ chuyên môn": "dai hoc", "Lý luận chính trị": "TRUNG CAP",
                        "Chứng chỉ tin học": "co"})])  # fmt: skip
    preview = build_preview(data)
    assert preview.ok, preview.errors
    assert len(preview.creates) == 1


def test_dates_may_be_real_excel_dates_or_a_birth_year(wards, users, portal_day):
    data = xlsx([row(**{"Ngày sinh": dt.datetime(1985, 3, 15), "Ngày giữ chức danh": dt.date(2020, 2, 1)}),
                 row(**{"Mã cán bộ": "N002", "Ngày sinh": 1966}),
                 row(**{"Mã cán bộ": "N003", "Ngày sinh": "1967"})])  # fmt: skip
    preview, _ = import_roster(data, actor=users["noivu"])
    assert preview.ok, preview.errors
    assert Official.objects.get(code="N001").birth_date == dt.date(1985, 3, 15)
    year_only = Official.objects.get(code="N002")
    assert (year_only.birth_date, year_only.birth_precision) == (dt.date(1966, 1, 1), BirthPrecision.YEAR)
    assert Official.objects.get(code="N003").birth_precision == BirthPrecision.YEAR


def test_header_block_above_the_columns_is_allowed(wards, users, portal_day):
    assert build_preview(xlsx([row()], title_rows=7)).ok


def test_table_may_start_right_of_column_a_and_cells_keep_their_kind(wards, users, portal_day):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Danh sách kèm theo"
    headers = ["Mã cán bộ", *HEADERS[1:]]
    for column, header in enumerate(headers, start=3):
        ws.cell(row=3, column=column, value=header)
    values = row(**{"Mã cán bộ": 4711, "Ngày sinh": dt.date(1985, 3, 15), "Ngày giữ chức danh": 2020.0})
    for column, header in enumerate(headers, start=3):
        ws.cell(row=5, column=column, value=values[header])
    buffer = io.BytesIO()
    wb.save(buffer)
    rows, header_row = roster_io.read_rows(buffer.getvalue())
    assert header_row == 3
    [(number, record)] = rows
    assert number == 5
    assert (record["Mã cán bộ"], record["Họ và tên"], record["Kiêm nhiệm"]) == (4711, "Hoàng Văn Mới", None)
    assert record["Ngày sinh"] == dt.date(1985, 3, 15) and record["Ngày giữ chức danh"] == 2020
    assert [(e.row, e.column) for e in build_preview(buffer.getvalue()).errors] == [(5, "Ngày giữ chức danh")]


def test_template_lists_columns_and_allowed_values(client, users, wards):
    response = login(client, users["noivu"]).get("/can-bo/nhap-excel/mau/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    wb = load(data)
    assert wb.sheetnames == ["Danh sách cán bộ", "Hướng dẫn"]
    assert [c.value for c in wb["Danh sách cán bộ"][8] if c.value] == ["STT", *HEADERS]
    guide = [r[2] for r in wb["Hướng dẫn"].iter_rows(min_row=9, values_only=True) if r[2]]
    assert "CHU_TICH — Chủ tịch UBND phường" in guide
    assert any("Phường 1" in text for text in guide)
    assert any("Đại học" in text and "Tiến sĩ" in text for text in guide)
    assert "Nam hoặc Nữ." in guide and "Có hoặc Không (để trống = Không)." in guide
    sheet = wb["Danh sách cán bộ"]
    offered = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert offered["D9"] == '"Nam,Nữ"' and offered["N9"] == '"Có,Không"'
    assert "NGƯỜI LẬP BIỂU" not in [c.value for row in sheet.iter_rows() for c in row]
    # The empty template imports cleanly: no rows, nothing to do.
    preview = build_preview(data)
    assert (preview.total, preview.ok, preview.has_changes) == (0, True, False)


# --- the round trip ---------------------------------------------------------------------------------


def test_exported_roster_imported_unchanged_changes_nothing(client, users, roster, portal_day):
    data = export_bytes(client, users["noivu"])
    history_before = Official.history.count() + PostHolding.history.count()
    preview, result = import_roster(data, actor=users["noivu"])
    assert preview.ok, preview.errors
    assert (preview.total, len(preview.creates), len(preview.updates), preview.unchanged) == (6, 0, 0, 6)
    assert Official.history.count() + PostHolding.history.count() == history_before


def _edit(data, code, column, value):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    col = next(c.column for c in ws[8] if c.value == column)
    target = next(r for r in ws.iter_rows(min_row=9) if r[1].value == code)
    ws.cell(row=target[0].row, column=col, value=value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_edited_roster_changes_exactly_the_edited_cells(client, users, roster, portal_day):
    data = export_bytes(client, users["noivu"])
    data = _edit(data, "W2TP", "Trình độ chuyên môn", "thạc sĩ")
    data = _edit(data, "W2TP", "Ghi chú", "Đã bổ sung hồ sơ")
    preview = build_preview(data)
    assert preview.ok
    assert [(u.code, u.diffs) for u in preview.updates] == [
        ("W2TP", [("Trình độ chuyên môn", "Đại học", "Thạc sĩ"), ("Ghi chú", "—", "Đã bổ sung hồ sơ")])
    ]
    roster_io.apply(preview, actor=users["admin"])
    edited = Official.objects.get(code="W2TP")
    assert (edited.education, edited.notes, edited.version) == (Education.THAC_SI, "Đã bổ sung hồ sơ", 2)
    assert Official.objects.get(code="W1TP").version == 1
    assert edited.history.latest().history_user == users["admin"]
    # Imported again unchanged: nothing more to do.
    again = build_preview(data)
    assert again.unchanged == 6 and not again.updates


def test_changing_the_post_ends_the_old_one_the_day_before_the_new_start(client, users, roster, portal_day):
    data = export_bytes(client, users["noivu"])
    data = _edit(data, "W1TP", "Chức danh", "Phó Chủ tịch UBND phường")
    data = _edit(data, "W1TP", "Ngày giữ chức danh", "01/05/2021")
    preview, result = import_roster(data, actor=users["noivu"])
    assert preview.ok, preview.errors
    held = PostHolding.objects.filter(official__code="W1TP").order_by("start_date")
    assert [(h.position.code, h.start_date, h.end_date) for h in held] == [
        ("TP_HT", dt.date(2016, 6, 1), dt.date(2021, 4, 30)), ("PHO_CHU_TICH", dt.date(2021, 5, 1), None),
    ]  # fmt: skip


def _history_matches(record, obj, history_type, user):
    tracked = [f.attname for f in type(record).tracked_fields]
    assert [getattr(record, name) for name in tracked] == [getattr(obj, name) for name in tracked]
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        history_type,
        user,
        None,
    )


def test_every_row_the_import_writes_has_its_history_with_who_and_what(client, users, roster, portal_day):
    before = timezone.now()
    data = export_bytes(client, users["noivu"])
    data = _edit(data, "W1TP", "Chức danh", "Phó Chủ tịch UBND phường")
    data = _edit(data, "W1TP", "Ngày giữ chức danh", "01/05/2021")
    data = _edit(data, "W2TP", "Ghi chú", "Đã bổ sung hồ sơ")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.active.insert_rows(9)
    new = row(**{"Mã cán bộ": "N009", "Kiêm nhiệm": "VH_XH"})
    for column, header in enumerate(["STT", *HEADERS], start=1):
        wb.active.cell(row=9, column=column, value=new.get(header))
    buffer = io.BytesIO()
    wb.save(buffer)
    preview, result = import_roster(buffer.getvalue(), actor=users["admin"])
    assert preview.ok, preview.errors
    assert (result["created"], result["updated"]) == (1, 2)

    created = Official.objects.get(code="N009")
    [record] = created.history.all()
    _history_matches(record, created, "+", users["admin"])
    assert before <= record.history_date <= timezone.now()
    for holding in created.holdings.all():
        [record] = holding.history.all()
        _history_matches(record, holding, "+", users["admin"])
    edited = Official.objects.get(code="W2TP")
    _history_matches(edited.history.latest(), edited, "~", users["admin"])
    assert edited.history.latest().notes == "Đã bổ sung hồ sơ"
    ended, opened = PostHolding.objects.filter(official__code="W1TP").order_by("start_date")
    _history_matches(ended.history.latest(), ended, "~", users["admin"])
    assert ended.history.latest().end_date == dt.date(2021, 4, 30)
    [record] = opened.history.all()
    _history_matches(record, opened, "+", users["admin"])


def test_changing_the_post_without_a_new_date_is_an_error(client, users, roster, portal_day):
    data = _edit(export_bytes(client, users["noivu"]), "W1TP", "Chức danh", "VH_XH")
    [(row_no, column, message)] = errors_of(data)
    assert column == "Ngày giữ chức danh" and "sau ngày 01/06/2016" in message


def test_concurrent_posts_added_and_removed(client, users, roster, portal_day):
    data = _edit(export_bytes(client, users["noivu"]), "W1CT", "Kiêm nhiệm", "Chủ tịch HĐND phường")
    import_roster(data, actor=users["noivu"])
    added = PostHolding.objects.get(official__code="W1CT", is_primary=False)
    assert (added.position.code, added.start_date, added.end_date) == ("CHU_TICH_HDND", portal_day, None)
    data = _edit(data, "W1CT", "Kiêm nhiệm", "")
    preview, _ = import_roster(data, actor=users["noivu"])
    assert preview.updates[0].diffs == [("Kiêm nhiệm", "Chủ tịch HĐND phường", "—")]
    added.refresh_from_db()
    assert added.end_date == portal_day


# --- refused files: nothing written -------------------------------------------------------------------


def refused(data):
    with pytest.raises(ImportRefused) as info:
        build_preview(data)
    return str(info.value)


def test_empty_file_is_refused(db):
    assert refused(b"") == "Tệp rỗng."


def test_renamed_csv_is_refused(db):
    assert "không phải bảng tính Excel" in refused("Mã cán bộ,Họ và tên\nX1,An\n".encode())


def test_pdf_is_refused(db):
    assert "PDF" in refused(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")


def test_password_protected_workbook_is_refused(db):
    # Excel saves an encrypted workbook as an OLE compound file (EncryptionInfo + EncryptedPackage).
    assert "mật khẩu" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)


def test_other_zip_files_are_refused(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "không phải bảng tính Excel" in refused(buffer.getvalue())


def test_file_over_the_size_limit_is_refused(wards, monkeypatch):
    data = xlsx([row()])
    monkeypatch.setattr(roster_io, "MAX_BYTES", len(data) - 1)
    assert "vượt giới hạn" in refused(data)


def test_too_many_rows_are_refused(wards, monkeypatch):
    monkeypatch.setattr(roster_io, "MAX_ROWS", 2)
    data = xlsx([row(**{"Mã cán bộ": f"N{i}"}) for i in range(3)])
    assert "hơn 2 dòng" in refused(data)


def test_zip_bomb_is_refused_before_it_is_opened(wards):
    buffer = io.BytesIO(xlsx([row()]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet9.xml", b"\x00" * (30 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 200 * 1024
    assert "bom nén" in refused(data)


def test_missing_or_renamed_columns_are_refused(wards):
    renamed = [h if h != "Ngày sinh" else "Năm sinh" for h in HEADERS]
    message = refused(xlsx([row()], headers=renamed))
    assert "“Ngày sinh”" in message
    assert "“Ghi chú”" in refused(xlsx([row()], headers=HEADERS[:-1]))


def test_file_without_a_header_row_is_refused(wards):
    assert "dòng tiêu đề" in refused(xlsx([], headers=["a", "b"]))


# --- row errors: reported with row, column and message; nothing written -----------------------------------


@pytest.mark.parametrize(
    "changes, column, text",
    [
        ({"Phường": "Phường 99"}, "Phường", "Không có phường “Phường 99”"),
        ({"Chức danh": "Giám đốc"}, "Chức danh", "Không có chức danh “Giám đốc”"),
        ({"Kiêm nhiệm": "VH_XH, Thủ quỹ"}, "Kiêm nhiệm", "Không có chức danh “Thủ quỹ”"),
        ({"Ngày sinh": "31/02/1980"}, "Ngày sinh", "không tồn tại"),
        ({"Ngày sinh": "hôm qua"}, "Ngày sinh", "không phải ngày hợp lệ"),
        ({"Ngày sinh": "01/01/2030"}, "Ngày sinh", "ở tương lai"),
        ({"Ngày giữ chức danh": "01/01/2030"}, "Ngày giữ chức danh", "ở tương lai"),
        ({"Ngày giữ chức danh": ""}, "Ngày giữ chức danh", "phải ghi ngày giữ chức danh"),
        ({"Giới tính": "Khác"}, "Giới tính", "Nam hoặc Nữ"),
        ({"Trình độ chuyên môn": "Tú tài"}, "Trình độ chuyên môn", "không phải trình độ"),
        ({"Chứng chỉ tin học": "x"}, "Chứng chỉ tin học", "Có hoặc Không"),
        ({"Họ và tên": "  "}, "Họ và tên", "không được để trống"),
    ],
)
def test_bad_cells_are_reported_and_nothing_is_written(wards, users, portal_day, changes, column, text):
    data = xlsx([row(**{"Mã cán bộ": "OK1"}), row(**changes)])
    preview, result = import_roster(data, actor=users["noivu"])
    assert result is None
    [error] = preview.errors
    assert (error.row, error.column) == (3, column)
    assert text in error.message
    assert not Official.objects.exists()


def test_duplicate_codes_within_the_file_are_errors(wards, portal_day):
    data = xlsx([row(), row(**{"Họ và tên": "Người khác"})])
    assert errors_of(data) == [(3, "Mã cán bộ", "Mã cán bộ N001 trùng với dòng 2.")]


def test_one_bad_row_among_many_writes_nothing(wards, users, portal_day):
    rows = [row(**{"Mã cán bộ": f"N{i:03d}"}) for i in range(20)] + [
        row(**{"Mã cán bộ": "BAD", "Phường": "?"})
    ]
    preview, result = import_roster(xlsx(rows), actor=users["noivu"])
    assert result is None and len(preview.errors) == 1
    assert not Official.objects.exists()


def test_a_failure_during_the_write_rolls_everything_back(wards, users, portal_day, monkeypatch):
    from personnel import services

    real = services._write_history

    def failing(model, pks, **kwargs):
        if model is PostHolding:  # the officials and holdings are written, then the holdings' history fails
            raise RuntimeError("disk full")
        return real(model, pks, **kwargs)

    monkeypatch.setattr(services, "_write_history", failing)
    with pytest.raises(RuntimeError):
        import_roster(xlsx([row()]), actor=users["noivu"])
    assert not Official.objects.exists()
    assert not PostHolding.objects.exists() and not Official.history.exists()


# --- pages: upload → preview → confirm -------------------------------------------------------------------


def upload(client, data, name="ds.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post("/can-bo/nhap-excel/", {"file": file})


@pytest.mark.parametrize("url", ["/can-bo/nhap-excel/", "/can-bo/nhap-excel/mau/"])
def test_anonymous_user_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("url", ["/can-bo/nhap-excel/", "/can-bo/nhap-excel/mau/"])
def test_ward_chair_can_never_import(client, users, url):
    login(client, users["chair"])
    assert client.get(url).status_code == 403
    assert client.post("/can-bo/nhap-excel/xac-nhan/", {"token": "0" * 32}).status_code == 403


def test_ward_chair_upload_is_refused(client, users, wards, portal_day):
    login(client, users["chair"])
    assert upload(client, xlsx([row()])).status_code == 403
    assert not Official.objects.exists()


@pytest.mark.parametrize("who", ["noivu", "admin"])
def test_interior_office_and_admin_reach_the_upload_page(client, users, who):
    response = login(client, users[who]).get("/can-bo/nhap-excel/")
    assert response.status_code == 200
    assert "Tải lên và xem trước" in response.content.decode()


def test_upload_shows_a_preview_and_writes_nothing_until_confirmed(client, users, roster, portal_day):
    login(client, users["noivu"])
    data = _edit(export_bytes(client, users["noivu"]), "W3CT", "Họ và tên", "Nguyễn Văn Chủ Ba")
    data = _edit(data, "W3TP", "Phường", "Không tồn tại")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.active.insert_rows(15)
    wb.active["B15"], wb.active["C15"] = "NEW1", "Đinh Văn Mới"
    response = upload(client, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dòng có lỗi" in page and "Không có phường “Không tồn tại”" in page
    assert "Xác nhận ghi dữ liệu" not in page
    assert Official.objects.get(code="W3CT").full_name == "Nguyễn Văn Chủ3"

    good = _edit(export_bytes(client, users["noivu"]), "W3CT", "Họ và tên", "Nguyễn Văn Chủ Ba")
    page = upload(client, good).content.decode()
    assert "Nguyễn Văn Chủ3 → <strong>Nguyễn Văn Chủ Ba</strong>" in page
    assert Official.objects.get(code="W3CT").full_name == "Nguyễn Văn Chủ3"
    token = client.session["roster_import"]["token"]
    response = client.post("/can-bo/nhap-excel/xac-nhan/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/can-bo/"
    assert Official.objects.get(code="W3CT").full_name == "Nguyễn Văn Chủ Ba"
    # The token is spent.
    response = client.post("/can-bo/nhap-excel/xac-nhan/", {"token": token}, follow=True)
    assert "Phiên nhập đã hết hạn" in response.content.decode()


def test_confirm_with_a_foreign_token_writes_nothing(client, users, wards, portal_day):
    login(client, users["noivu"])
    upload(client, xlsx([row()]))
    response = client.post("/can-bo/nhap-excel/xac-nhan/", {"token": "f" * 32}, follow=True)
    assert "Phiên nhập đã hết hạn" in response.content.decode()
    assert not Official.objects.exists()


def test_confirm_revalidates_the_file(client, users, wards, portal_day):
    login(client, users["noivu"])
    upload(client, xlsx([row()]))
    token = client.session["roster_import"]["token"]
    # Someone deletes the ward's catalogue entry… here: the position named in the file disappears.
    from wards.models import Position

    Position.objects.filter(code="VP_TK").update(code="VP_TK_OLD", title="Cũ", short_title="Cũ")
    response = client.post("/can-bo/nhap-excel/xac-nhan/", {"token": token})
    assert response.status_code == 200
    assert "Không có chức danh" in response.content.decode()
    assert not Official.objects.exists()


def test_broken_upload_is_refused_with_a_message(client, users, wards):
    login(client, users["noivu"])
    response = upload(client, b"%PDF-1.4 ...", name="ds.xlsx")
    assert response.status_code == 200
    assert "Tệp PDF không phải bảng tính Excel" in response.content.decode()


# --- the command -----------------------------------------------------------------------------------------


def test_command_imports_a_valid_file(tmp_path, wards, users, portal_day, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([row()]))
    call_command("import_roster", str(path), "--user", "noivu")
    assert Official.objects.get(code="N001").history.get().history_user == users["noivu"]
    assert "1 thêm mới" in capsys.readouterr().out


def test_command_dry_run_writes_nothing(tmp_path, wards, portal_day, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([row()]))
    call_command("import_roster", str(path), "--dry-run")
    assert not Official.objects.exists()
    assert "không ghi" in capsys.readouterr().out


def test_command_prints_error_rows_and_exits_with_status_1(tmp_path, wards, portal_day, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([row(), row(**{"Mã cán bộ": "N2", "Phường": "Phường 99"})]))
    with pytest.raises(CommandError) as info:
        call_command("import_roster", str(path))
    assert info.value.returncode == 1
    assert "Dòng 3, cột “Phường”: Không có phường “Phường 99”." in capsys.readouterr().err
    assert not Official.objects.exists()


def test_preview_query_count_does_not_grow_with_rows(
    client, users, roster, portal_day, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n):
        rows = [row(**{"Mã cán bộ": f"N{i:03d}"}) for i in range(n)]
        rows += [row(**{"Mã cán bộ": code, "Phường": "Phường 1"}) for code in ("W1CT", "W1TP")]
        data = xlsx(rows)
        with CaptureQueriesContext(connection) as ctx:
            build_preview(data)
        return len(ctx.captured_queries)

    assert count(2) == count(40) <= 6


def test_an_edit_saved_between_check_and_write_is_not_overwritten(client, users, roster, portal_day):
    data = _edit(export_bytes(client, users["noivu"]), "W1TP", "Chuyên ngành", "Luật")
    preview = build_preview(data)
    from personnel import services

    services.official_update(
        official=Official.objects.get(code="W1TP"), actor=users["admin"], notes="sửa tay"
    )
    with pytest.raises(ValidationError, match="đã được người khác sửa"):
        roster_io.apply(preview, actor=users["noivu"])
    edited = Official.objects.get(code="W1TP")
    assert (edited.major, edited.notes) == ("", "sửa tay")


def test_blank_formatted_rows_do_not_keep_the_reader_busy(wards, monkeypatch):
    monkeypatch.setattr(roster_io, "MAX_ROWS", 3)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for i in range(2, 12):
        ws.cell(row=i, column=1).number_format = "0.00"  # formatted, empty
        ws.cell(row=i, column=2).value = ""
    buffer = io.BytesIO()
    wb.save(buffer)
    assert "quá nhiều dòng" in refused(buffer.getvalue())


def with_sheet_xml(change) -> bytes:
    """A one-row roster file whose first sheet's XML is ``change(xml)``."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([row()])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            archive.writestr(item, content)
    return buffer.getvalue()


def test_xml_entity_expansion_is_refused(wards):
    def expand(content):
        lol = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        head, sep, rest = content.partition(b"?>")
        content = (head + sep + lol.encode() + rest) if sep else (lol.encode() + content)
        return content.replace(b"N001", b"&b;")

    assert "Không đọc được tệp Excel" in refused(with_sheet_xml(expand))


def test_a_sheet_with_broken_xml_is_refused(wards):
    assert "Không đọc được tệp Excel" in refused(with_sheet_xml(lambda content: content[: len(content) // 2]))

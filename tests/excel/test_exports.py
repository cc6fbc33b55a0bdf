import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from personnel.roster_io import HEADERS
from tests.excel.xlsx import column_headers, data_rows, header_block, load
from tests.helpers import PASSWORD, make_official

pytestmark = pytest.mark.django_db


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def export(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load(response).active


@pytest.mark.parametrize("url", ["/phuong/?export=xlsx", "/can-bo/?export=xlsx"])
def test_anonymous_user_gets_no_file(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_ward_list_export_has_the_statutory_header_and_every_ward(client, users, roster):
    ws = export(login(client, users["noivu"]), "/phuong/?export=xlsx")
    block = header_block(ws)
    assert block["body"] == "UBND QUẬN THỬ"
    assert block["national"] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert block["title"] == "DANH SÁCH PHƯỜNG VÀ SỐ LƯỢNG CÁN BỘ, CÔNG CHỨC"
    assert column_headers(ws)[:4] == ["STT", "Mã đơn vị", "Phường", "Loại"]
    rows = data_rows(ws)
    assert [r[2] for r in rows] == ["Phường 1", "Phường 2", "Phường 3"]
    # Phường 1: one Chair (cán bộ) and one Tư pháp – Hộ tịch (công chức).
    assert rows[0][6:10] == (1, 1, 0, 2)


def test_ward_chair_ward_export_holds_only_their_ward(client, users, roster):
    ws = export(login(client, users["chair"]), "/phuong/?export=xlsx")
    assert [r[2] for r in data_rows(ws)] == ["Phường 1"]


def test_official_export_uses_exactly_the_import_template_columns(client, users, roster):
    ws = export(login(client, users["admin"]), "/can-bo/?export=xlsx")
    assert column_headers(ws) == ["STT", *HEADERS]
    assert HEADERS == [
        "Mã cán bộ", "Họ và tên", "Giới tính", "Ngày sinh", "Phường", "Chức danh", "Kiêm nhiệm",
        "Ngày giữ chức danh", "Ngày tuyển dụng", "Trình độ chuyên môn", "Chuyên ngành", "Lý luận chính trị",
        "Chứng chỉ tin học", "Trung cấp luật", "Bồi dưỡng hộ tịch", "Ghi chú",
    ]  # fmt: skip
    assert header_block(ws)["title"] == "DANH SÁCH CÁN BỘ, CÔNG CHỨC PHƯỜNG"


def test_official_export_rows_carry_posts_dates_and_flags(client, users, roster, wards):
    make_official(wards[0], "TC_KT", code="W1KT", full_name="Lê Thị Kế", sex="F", notes="=cmd|' /C calc'!A0",
                  recruitment_date=dt.date(2010, 9, 1), law_training=True)  # fmt: skip
    from personnel.models import PostHolding
    from wards.models import Position

    PostHolding.objects.create(
        official=roster["chair1"], ward=wards[0], position=Position.objects.get(code="CHU_TICH_HDND"),
        start_date=dt.date(2016, 6, 1), is_primary=False,
    )  # fmt: skip
    ws = export(login(client, users["noivu"]), "/can-bo/?ward=phuong-1&export=xlsx")
    rows = {r[1]: r for r in data_rows(ws)}
    assert set(rows) == {"W1CT", "W1TP", "W1KT"}
    chair = rows["W1CT"]
    assert chair[2:9] == ("Nguyễn Văn Chủ1", "Nam", dt.datetime(1970, 3, 15), "Phường 1", "Chủ tịch UBND phường",
                          "Chủ tịch HĐND phường", dt.datetime(2016, 6, 1))  # fmt: skip
    kt = rows["W1KT"]
    assert kt[9] == dt.datetime(2010, 9, 1)
    assert kt[10:] == ("Đại học", None, "Chưa qua đào tạo", "Có", "Có", "Không", "=cmd|' /C calc'!A0")
    assert ws.cell(row=9 + list(rows).index("W1KT"), column=17).data_type == "s"


def test_official_export_follows_the_page_filters(client, users, roster):
    ws = export(login(client, users["noivu"]), "/can-bo/?q=tran+thi&export=xlsx")
    assert sorted(r[1] for r in data_rows(ws)) == ["W1TP", "W2TP", "W3TP"]


def test_official_export_is_not_paginated(client, users, wards):
    for i in range(60):
        make_official(wards[1], "VH_XH", code=f"P{i:03d}", full_name=f"Phạm Văn {i}")
    ws = export(login(client, users["noivu"]), "/can-bo/?page=2&export=xlsx")
    assert len(data_rows(ws)) == 60


def test_ward_chair_official_export_holds_only_their_ward(client, users, roster):
    ws = export(login(client, users["chair"]), "/can-bo/?ward=phuong-2&export=xlsx")
    assert sorted(r[1] for r in data_rows(ws)) == ["W1CT", "W1TP"]


def test_year_only_birth_date_is_exported_as_the_year(client, users, wards):
    make_official(wards[0], "VP_TK", code="Y1", birth=dt.date(1966, 1, 1), birth_precision="year")
    ws = export(login(client, users["noivu"]), "/can-bo/?export=xlsx")
    assert data_rows(ws)[0][4] == 1966


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/can-bo/?export=xlsx", "/phuong/?export=xlsx"])
def test_export_query_count_does_not_grow_with_rows(
    client, users, roster, wards, url, django_assert_num_queries
):
    login(client, users["noivu"])
    before = _count(client, url)
    for i in range(30):
        make_official(wards[i % 3], "VH_XH", code=f"X{i:03d}", full_name=f"Đỗ Văn {i}")
    with django_assert_num_queries(before):
        b"".join(client.get(url).streaming_content)
    assert before <= 6

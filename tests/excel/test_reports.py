import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffing import plan
from staffing.models import Outcome
from tests.excel.xlsx import column_headers, data_rows, header_block, load
from tests.helpers import PASSWORD, make_official
from wards.models import Position

pytestmark = pytest.mark.django_db

REPORT_URLS = [
    "/bao-cao/danh-sach-can-bo.xlsx",
    "/bao-cao/ket-qua-ra-soat.xlsx",
    "/bao-cao/du-kien-sap-xep.xlsx",
    "/bao-cao/bien-che.xlsx",
]


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert "attachment" in response["Content-Disposition"]
    return load(response)


@pytest.fixture
def proposals(users, roster, portal_day):
    noivu = users["noivu"]
    return [
        plan.proposal_create(actor=noivu, official=roster["chair1"], outcome=Outcome.KEEP),
        plan.proposal_create(
            actor=noivu,
            official=roster["tp2"],
            outcome=Outcome.MOVE,
            target_ward=roster["tp2"].ward,
            target_position=Position.objects.get(code="VH_XH"),
            note="=chuyển sang VH–XH",
        ),  # fmt: skip
        plan.proposal_create(actor=noivu, official=roster["chair3"], outcome=Outcome.KEEP),
    ]


# --- the page and who may download ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["/bao-cao/", *REPORT_URLS])
def test_anonymous_user_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("url", ["/bao-cao/", *REPORT_URLS])
def test_ward_chair_gets_no_district_report(client, users, roster, url):
    assert login(client, users["chair"]).get(url).status_code == 403


@pytest.mark.parametrize("who", ["noivu", "admin"])
def test_reports_page_lists_every_report_with_a_download_link(client, users, who):
    page = login(client, users[who]).get("/bao-cao/").content.decode()
    for url in REPORT_URLS:
        assert f'href="{url}"' in page
    assert "Danh sách dự kiến sắp xếp, bố trí cán bộ, công chức phường" in page


@pytest.mark.parametrize("who", ["noivu", "admin"])
@pytest.mark.parametrize("url", REPORT_URLS)
def test_interior_office_and_admin_download_every_report(client, users, roster, portal_day, who, url):
    wb = download(login(client, users[who]), url)
    for ws in wb.worksheets:
        block = header_block(ws)
        assert block["body"] == "UBND QUẬN THỬ" and block["office"] == "PHÒNG NỘI VỤ"
        assert block["national"] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        assert block["motto"] == "Độc lập - Tự do - Hạnh phúc"
        assert block["place_date"] == "Thử, ngày 20 tháng 05 năm 2021"
        assert column_headers(ws)[0] == "STT"
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$8:$8"


# --- (a) the district roster -------------------------------------------------------------------------


def test_district_roster_has_a_summary_and_one_sheet_per_ward_in_structure_order(
    client, users, roster, wards, portal_day
):
    make_official(wards[0], "TRUONG_CONG_AN", code="W1CA", full_name="Vũ Văn Công")
    make_official(wards[0], "CHU_TICH_HDND", code="W1HD", full_name="Đào Văn Hội", primary=False)
    wb = download(login(client, users["noivu"]), "/bao-cao/danh-sach-can-bo.xlsx")
    assert wb.sheetnames == ["Tổng hợp", "Phường 1", "Phường 2", "Phường 3"]
    summary = data_rows(wb["Tổng hợp"])
    assert [r[1:] for r in summary] == [
        ("Phường Phường 1", "Loại I", 1, 1, 1, 3),
        ("Phường Phường 2", "Loại II", 1, 1, 0, 2),
        ("Phường Phường 3", "Loại III", 1, 1, 0, 2),
    ]
    ward1 = wb["Phường 1"]
    assert header_block(ward1)["title"] == "DANH SÁCH CÁN BỘ, CÔNG CHỨC PHƯỜNG PHƯỜNG 1"
    cells = [r[:3] for r in ward1.iter_rows(min_row=9, values_only=True) if r[0]]
    assert cells[:7] == [
        ("I. CÁN BỘ", None, None),
        (1, "Chủ tịch HĐND phường", "Đào Văn Hội"),
        (2, "Chủ tịch UBND phường", "Nguyễn Văn Chủ1"),
        ("II. CÔNG AN CHÍNH QUY", None, None),
        (3, "Trưởng Công an phường", "Vũ Văn Công"),
        ("III. CÔNG CHỨC", None, None),
        (4, "Tư pháp – Hộ tịch", "Trần Thị Tư1"),
    ]
    assert [r[10] for r in data_rows(ward1)] == ["Kiêm nhiệm", None, None, None]


# --- (b) findings ---------------------------------------------------------------------------------------


def test_findings_report_summarises_and_lists_findings_by_ward(client, users, roster, portal_day):
    wb = download(login(client, users["noivu"]), "/bao-cao/ket-qua-ra-soat.xlsx")
    assert wb.sheetnames == ["Tổng hợp", "Chi tiết theo phường"]
    summary = data_rows(wb["Tổng hợp"])
    assert [r[1] for r in summary][:3] == ["Phường Phường 1", "Phường Phường 2", "Phường Phường 3"]
    detail = wb["Chi tiết theo phường"]
    assert column_headers(detail) == [
        "STT",
        "Phường",
        "Mức độ",
        "Mã phát hiện",
        "Cán bộ",
        "Nội dung",
        "Căn cứ",
    ]
    rows = data_rows(detail)
    assert len(rows) == sum(r[-1] for r in summary)
    assert all(r[6] for r in rows)  # every finding carries its legal basis
    sections = [r[0] for r in detail.iter_rows(min_row=9, values_only=True) if isinstance(r[0], str)]
    assert sections[0].startswith("Phường Phường 1 (")


def test_findings_list_export_is_the_filtered_list(client, users, roster, portal_day):
    login(client, users["noivu"])
    everything = data_rows(download(client, "/phat-hien/?export=xlsx").active)
    ward2 = data_rows(download(client, "/phat-hien/?ward=phuong-2&export=xlsx").active)
    assert ward2 and len(ward2) < len(everything)
    assert {r[1] for r in ward2} == {"Phường 2"}
    info = data_rows(download(client, "/phat-hien/?severity=info&export=xlsx").active)
    assert info and {r[2] for r in info} == {"Ghi nhận"}


def test_ward_chair_findings_export_holds_only_their_ward(client, users, roster, portal_day):
    rows = data_rows(download(login(client, users["chair"]), "/phat-hien/?ward=phuong-2&export=xlsx").active)
    assert rows and {r[1] for r in rows} == {"Phường 1"}


# --- (c) the plan ------------------------------------------------------------------------------------------


def test_plan_report_lists_proposals_by_ward(client, users, proposals):
    ws = download(login(client, users["noivu"]), "/bao-cao/du-kien-sap-xep.xlsx").active
    assert header_block(ws)["title"] == "DANH SÁCH DỰ KIẾN SẮP XẾP, BỐ TRÍ CÁN BỘ, CÔNG CHỨC PHƯỜNG"
    assert column_headers(ws)[:7] == ["STT", "Họ và tên", "Mã cán bộ", "Năm sinh", "Giới tính", "Phường",
                                      "Chức danh hiện tại"]  # fmt: skip
    rows = data_rows(ws)
    assert [(r[2], r[9]) for r in rows] == [
        ("W1CT", "Giữ chức danh, chuyển đổi tại chỗ"),
        ("W2TP", "Điều động, bố trí sang chức danh khác"),
        ("W3CT", "Giữ chức danh, chuyển đổi tại chỗ"),
    ]
    moved = rows[1]
    assert (moved[6], moved[10], moved[11], moved[16]) == ("Tư pháp – Hộ tịch", "Phường 2", "Văn hóa – Xã hội",
                                                           "=chuyển sang VH–XH")  # fmt: skip
    sections = [r[0] for r in ws.iter_rows(min_row=9, values_only=True) if isinstance(r[0], str)]
    assert sections[:3] == ["Phường Phường 1", "Phường Phường 2", "Phường Phường 3"]


def test_proposal_list_export_follows_filters_and_scope(client, users, proposals):
    login(client, users["noivu"])
    rows = data_rows(download(client, "/ke-hoach/de-xuat/?outcome=move&export=xlsx").active)
    assert [r[2] for r in rows] == ["W2TP"]
    client.logout()
    rows = data_rows(download(login(client, users["chair"]), "/ke-hoach/de-xuat/?export=xlsx").active)
    assert [r[2] for r in rows] == ["W1CT"]


# --- (d) headcount ------------------------------------------------------------------------------------------


def test_headcount_report_compares_before_and_after_with_the_quotas(client, users, roster, proposals):
    ws = download(login(client, users["noivu"]), "/bao-cao/bien-che.xlsx").active
    rows = data_rows(ws)
    # Phường 1 (loại I): before 1 cán bộ (quota 10), 1 công chức (quota 13); after: Chair + TP_HT count.
    assert rows[0][1:] == ("Phường Phường 1", "I", 1, 10, 1, 13, 2, 23, 2, 15, -13)
    assert rows[2][1:4] == ("Phường Phường 3", "III", 1) and rows[2][4] == 9
    total = next(r[0] for r in ws.iter_rows(min_row=9, values_only=True) if str(r[0]).startswith("Toàn quận"))
    assert (
        total
        == "Toàn quận sau chuyển đổi: 6 công chức phường tính vào biên chế / tối đa 15 × 3 phường = 45 (trong giới hạn)."
    )


# --- query counts ---------------------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [*REPORT_URLS, "/phat-hien/?export=xlsx", "/ke-hoach/de-xuat/?export=xlsx"])
def test_report_query_count_does_not_grow_with_rows(client, users, proposals, wards, url):
    login(client, users["noivu"])
    before = _count(client, url)
    for i in range(12):
        official = make_official(wards[i % 3], "VH_XH", code=f"X{i:03d}", full_name=f"Đỗ Văn {i}")
        plan.proposal_create(actor=users["noivu"], official=official, outcome=Outcome.KEEP)
    assert _count(client, url) == before

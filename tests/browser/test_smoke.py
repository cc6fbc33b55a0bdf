"""End-to-end smoke test in headless Chromium (Debian's /usr/bin/chromium; `playwright install` cannot
download a browser here): log in, filter the roster, open an official, save an edit, see the history."""

import datetime as dt
import os
import shutil

import pytest

from tests.helpers import PASSWORD

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is a dev extra")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs committed rows, and the flush after a transactional test
    # would otherwise also empty the tables that migrations fill (the position catalogue, the reform).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and not os.environ.get("CI"), reason="no Chromium (CI installs it)"
    ),
]


@pytest.fixture
def page(live_server):
    """A Chromium page on the live server. Request it after the fixtures that write to the database:
    Playwright runs its event loop in greenlets, and ORM calls made inside would open a second, leaked
    connection (PostgreSQL then refuses to drop the test database)."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        # An English browser: the portal must still speak Vietnamese and read dates as dd/mm/yyyy.
        context = browser.new_context(locale="en-US", base_url=live_server.url)
        yield context.new_page()
        browser.close()


def log_in(page, username):
    page.goto("/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_interior_office_finds_an_official_edits_them_and_sees_the_history(users, roster, settings, page):
    settings.PORTAL_TODAY = dt.date(2021, 5, 20)
    page.goto("/can-bo/")
    assert "/dang-nhap/" in page.url
    page.fill("#id_username", "noivu")
    page.fill("#id_password", "sai")
    page.click("button[type=submit]")
    assert page.is_visible("text=Tên đăng nhập hoặc mật khẩu không đúng.")
    log_in(page, "noivu")
    page.goto("/can-bo/")
    page.fill("#id_q", "tran thi tu1")
    page.click("button:has-text('Lọc')")
    assert page.inner_text("h1 .count") == "1"
    page.click("text=Trần Thị Tư1")
    assert page.url.endswith("/can-bo/W1TP/")
    page.click("text=Sửa hồ sơ")
    assert page.input_value("#id_birth") == "01/07/1985"
    page.fill("#id_party_date", "19/05/2010")
    page.fill("#id_full_name", "Trần Thị Tư Một")
    page.click("button:has-text('Lưu')")
    assert page.url.endswith("/can-bo/W1TP/")
    assert page.is_visible("text=Đã lưu thay đổi.")
    assert page.is_visible("text=19/05/2010")
    assert page.is_visible("text=họ và tên: Trần Thị Tư1 → Trần Thị Tư Một")


def test_ward_chair_sees_only_their_ward_and_logs_out(users, roster, page):
    log_in(page, "chutich-phuong-1")
    page.goto("/phuong/")
    assert page.locator("table tbody tr").count() == 1
    assert page.is_visible("text=Phường 1")
    assert page.goto("/phuong/phuong-2/").status == 404
    page.goto("/phuong/")
    page.click("button:has-text('Đăng xuất')")
    assert "/dang-nhap/" in page.url

"""The Interior Office's forms: good input is saved, each bad input is refused with a Vietnamese message
naming the field and nothing is saved; every edit shows in the official's change history."""

import datetime as dt

import pytest
from django.utils import timezone

from personnel.models import BirthPrecision, Education, FamilyRelation, Official, PostHolding
from wards.models import Position

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, users, portal_day):
    client.force_login(users["noivu"])
    return client


def official_form(**overrides):
    data = {
        "code": "N001", "full_name": "Hoàng Thị Mai", "sex": "F", "birth": "05/03/1984", "ward": "phuong-1",
        "education": Education.DAI_HOC, "major": "Luật", "political_theory": 2, "it_certificate": "on",
        "recruitment_date": "01/06/2010", "party_date": "", "notes": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def snapshot():
    return (
        list(Official.objects.order_by("pk").values()),
        list(PostHolding.objects.order_by("pk").values()),
        list(FamilyRelation.objects.order_by("pk").values()),
    )


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_interior_office_creates_an_official_with_a_dd_mm_yyyy_birth_date(staff):
    response = staff.post("/can-bo/them/", official_form(full_name="  Hoàng  Thị   Mai "))
    assert response.status_code == 302
    assert response["Location"] == "/can-bo/N001/"
    official = Official.objects.get(code="N001")
    assert official.full_name == "Hoàng Thị Mai"
    assert official.birth_date == dt.date(1984, 3, 5)  # 05/03 is the 5th of March
    assert official.birth_precision == BirthPrecision.DAY
    assert official.recruitment_date == dt.date(2010, 6, 1)
    assert official.search_name == "hoang thi mai"
    page = staff.get("/can-bo/N001/").content.decode()
    assert "05/03/1984" in page and "Đã thêm cán bộ Hoàng Thị Mai." in page


def test_year_only_birth_is_stored_as_first_of_january_with_year_precision(staff):
    assert staff.post("/can-bo/them/", official_form(birth="1965")).status_code == 302
    official = Official.objects.get(code="N001")
    assert official.birth_date == dt.date(1965, 1, 1)
    assert official.birth_precision == BirthPrecision.YEAR
    page = staff.get("/can-bo/N001/").content.decode()
    assert "chỉ có năm sinh" in page and "01/01/1965" not in page
    # the edit form gives the year back as it was typed
    assert 'value="1965"' in staff.get("/can-bo/N001/sua/").content.decode()


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"birth": "01/01/2022"}, "birth", "Ngày sinh 01/01/2022 ở tương lai."),
        ({"birth": "31/02/1980"}, "birth", "Ngày sinh 31/02/1980 không tồn tại."),
        ({"birth": "1980-02-31"}, "birth", "Ngày sinh “1980-02-31” không đúng dạng dd/mm/yyyy"),
        ({"birth": "15/08/1850"}, "birth", "Ngày sinh 15/08/1850 không hợp lệ"),
        ({"birth": "01/01/2010"}, "birth", "phải đủ 18 tuổi"),
        ({"birth": ""}, "birth", "Ngày sinh không được để trống."),
        ({"code": "W1CT"}, "code", "Mã cán bộ W1CT đã tồn tại."),
        ({"code": "A/1"}, "code", "Mã cán bộ “A/1” chỉ được gồm chữ không dấu, chữ số"),
        ({"code": "them"}, "code", "trùng với địa chỉ một trang"),
        ({"full_name": "   "}, "full_name", ""),
        ({"recruitment_date": "31/02/2010"}, "recruitment_date", "Ngày tuyển dụng: hãy nhập một ngày có thật"),
        ({"recruitment_date": "01/01/1970"}, "recruitment_date", "Ngày tuyển dụng không được trước ngày sinh."),
        ({"party_date": "01/01/2030"}, "party_date", "Ngày vào Đảng 01/01/2030 ở tương lai."),
        ({"ward": "phuong-9"}, "ward", ""),
    ],
    ids=["future birth", "impossible birth", "iso birth", "too old", "under 18", "no birth", "duplicate code",
         "slash in code", "reserved code", "blank name", "impossible recruitment", "recruited before birth", "future party date", "no ward"],
)  # fmt: skip
def test_bad_official_input_is_refused_naming_the_field_and_nothing_is_saved(
    staff, roster, overrides, field, message
):
    before = snapshot()
    response = staff.post("/can-bo/them/", official_form(**overrides))
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert errors, response.context["form"].errors
    assert message in " ".join(errors)
    assert 'class="field has-error' in response.content.decode()
    assert snapshot() == before


def test_future_means_after_the_portal_day(staff, settings):
    settings.PORTAL_TODAY = dt.date(2021, 5, 20)
    response = staff.post("/can-bo/them/", official_form(birth="21/05/2021"))
    assert "Ngày sinh 21/05/2021 ở tương lai." in field_errors(response, "birth")


def test_editing_into_a_duplicate_code_is_refused(staff, roster):
    before = snapshot()
    response = staff.post("/can-bo/W1CT/sua/", official_form(code="W1TP", birth="15/03/1970"))
    assert field_errors(response, "code") == ["Mã cán bộ W1TP đã tồn tại."]
    assert snapshot() == before


def test_an_edit_made_on_a_stale_page_is_refused(staff, roster, users):
    from personnel.services import official_update

    official_update(official=roster["chair1"], actor=users["admin"], major="Luật")  # version 1 → 2
    before = snapshot()
    data = official_form(code="W1CT", full_name="Nguyễn Văn Đổi", birth="15/03/1970", version="1")
    response = staff.post("/can-bo/W1CT/sua/", data)
    assert response.status_code == 200
    assert "đã được người khác sửa" in response.content.decode()
    assert snapshot() == before


# --- post holdings ----------------------------------------------------------------------------------


def holding_form(**overrides):
    data = {"ward": "", "position": "", "is_primary": "on", "start_date": "01/01/2021", "end_date": "",
            "decision_number": "12/QĐ-UBND"}  # fmt: skip
    data.update(overrides)
    return data


def test_a_concurrent_post_is_added_beside_the_primary_one(staff, roster, wards):
    position = Position.objects.get(code="BI_THU_DOAN")
    data = holding_form(ward=wards[0].pk, position=position.pk, is_primary="")
    assert staff.post("/can-bo/W1CT/chuc-danh/them/", data).status_code == 302
    assert roster["chair1"].holdings.filter(is_primary=False, position=position).exists()


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"start_date": "01/06/2021", "end_date": "01/01/2021", "is_primary": ""}, "end_date",
         "Ngày kết thúc 01/01/2021 trước ngày bắt đầu 01/06/2021."),
        ({"start_date": "01/01/2021"}, "is_primary", "Trùng thời gian với chức danh chính Chủ tịch UBND phường"),
        ({"start_date": "01/01/2010", "end_date": "01/01/2017"}, "is_primary", "một người chỉ giữ một chức danh chính"),
        ({"start_date": "31/02/2021"}, "start_date", "Ngày bắt đầu: hãy nhập một ngày có thật"),
        ({"start_date": "01/01/1960", "is_primary": ""}, "start_date", "Ngày bắt đầu không được trước ngày sinh."),
    ],
    ids=["end before start", "second open primary", "overlapping past primary", "impossible date",
         "before birth"],
)  # fmt: skip
def test_bad_holding_is_refused_naming_the_field_and_nothing_is_saved(
    staff, roster, wards, overrides, field, message
):
    before = snapshot()
    data = holding_form(ward=wards[0].pk, position=Position.objects.get(code="PHO_CHU_TICH").pk, **overrides)
    response = staff.post("/can-bo/W1CT/chuc-danh/them/", data)
    assert response.status_code == 200
    assert message in " ".join(field_errors(response, field)), response.context["form"].errors
    assert snapshot() == before


def test_a_primary_post_after_the_previous_one_ended_is_accepted(staff, roster, wards):
    holding = roster["chair1"].holdings.get()
    assert (
        staff.post(f"/can-bo/chuc-danh/{holding.pk}/ket-thuc/", {"end_date": "30/06/2021"}).status_code == 302
    )
    data = holding_form(
        ward=wards[1].pk, position=Position.objects.get(code="CHU_TICH").pk, start_date="01/07/2021"
    )
    assert staff.post("/can-bo/W1CT/chuc-danh/them/", data).status_code == 302
    roster["chair1"].refresh_from_db()
    assert roster["chair1"].ward == wards[1]  # an official belongs to the ward of their primary post


def test_ending_a_post_before_it_started_is_refused(staff, roster):
    holding = roster["chair1"].holdings.get()
    before = snapshot()
    response = staff.post(f"/can-bo/chuc-danh/{holding.pk}/ket-thuc/", {"end_date": "31/05/2016"})
    assert response.status_code == 200
    assert field_errors(response, "end_date") == ["Ngày kết thúc 31/05/2016 trước ngày bắt đầu 01/06/2016."]
    assert snapshot() == before


def test_ending_a_post_twice_is_refused(staff, roster):
    holding = roster["chair1"].holdings.get()
    staff.post(f"/can-bo/chuc-danh/{holding.pk}/ket-thuc/", {"end_date": "30/04/2021"})
    response = staff.post(f"/can-bo/chuc-danh/{holding.pk}/ket-thuc/", {"end_date": "01/05/2021"})
    assert "Chức danh đã kết thúc ngày 30/04/2021." in field_errors(response, "end_date")
    holding.refresh_from_db()
    assert holding.end_date == dt.date(2021, 4, 30)


# --- family relations -------------------------------------------------------------------------------


def test_a_relation_is_shown_from_both_sides(staff, roster):
    response = staff.post("/can-bo/W1CT/nguoi-than/them/", {"relative": "W1TP", "kind": "child"})
    assert response.status_code == 302
    assert "Con" in staff.get("/can-bo/W1CT/").content.decode()
    assert "Cha/mẹ" in staff.get("/can-bo/W1TP/").content.decode()


@pytest.mark.parametrize(
    "relative,message",
    [
        ("W1CT", "Một người không thể là người thân của chính mình."),
        ("KHONGCO", "Không có cán bộ mang mã KHONGCO."),
        ("W1TP", "Quan hệ giữa Nguyễn Văn Chủ1 và Trần Thị Tư1 đã có."),
    ],
    ids=["self", "unknown code", "duplicate pair"],
)
def test_bad_relation_is_refused_naming_the_field_and_nothing_is_saved(staff, roster, relative, message):
    FamilyRelation.objects.create(official=roster["tp1"], relative=roster["chair1"], kind="parent")
    before = snapshot()
    response = staff.post("/can-bo/W1CT/nguoi-than/them/", {"relative": relative, "kind": "spouse"})
    assert response.status_code == 200
    assert field_errors(response, "relative") == [message]
    assert snapshot() == before


# --- change history ---------------------------------------------------------------------------------


def test_an_edit_through_the_form_shows_in_the_history_with_who_when_and_what(staff, roster, wards):
    data = official_form(code="W1CT", full_name="Nguyễn Văn Chủ Mới", birth="15/03/1970",
                         education=Education.THAC_SI, ward="phuong-2", version="1")  # fmt: skip
    assert staff.post("/can-bo/W1CT/sua/", data).status_code == 302
    response = staff.get("/can-bo/W1CT/")
    history = response.context["history"]
    latest = history[0]
    assert latest["who"] == "noivu"
    assert latest["what"] == "Sửa — Hồ sơ"
    assert "họ và tên: Nguyễn Văn Chủ1 → Nguyễn Văn Chủ Mới" in latest["changes"]
    assert "trình độ chuyên môn: Đại học → Thạc sĩ" in latest["changes"]
    assert "phường công tác: Phường Phường 1 → Phường Phường 2" in latest["changes"]
    assert not any(c.startswith("phiên bản") for c in latest["changes"])
    body = response.content.decode()
    assert "họ và tên: Nguyễn Văn Chủ1 → Nguyễn Văn Chủ Mới" in body
    assert timezone.localtime(latest["when"]).strftime("%H:%M %d/%m/%Y") in body  # when, in Hà Nội time


def test_ending_a_post_shows_in_the_history(staff, roster):
    holding = roster["chair1"].holdings.get()
    staff.post(f"/can-bo/chuc-danh/{holding.pk}/ket-thuc/", {"end_date": "30/04/2021"})
    latest = staff.get("/can-bo/W1CT/").context["history"][0]
    assert latest["who"] == "noivu"
    assert latest["what"] == "Sửa — Chức danh Chủ tịch UBND phường"
    assert latest["changes"] == ["ngày kết thúc: — → 30/04/2021"]


def test_an_official_loaded_without_history_rows_still_has_a_page(staff, roster):
    # Bulk-loaded rows (the synthetic country, a database restored without its history) have no history.
    Official.history.filter(code="W1CT").delete()
    PostHolding.history.filter(official_id=roster["chair1"].pk).delete()
    response = staff.get("/can-bo/W1CT/")
    assert response.status_code == 200
    assert response.context["history"] == []

"""Findings, proposals, reviews and parameters through the API: the same scoping, filters and services as
the pages; a stale proposal version is refused (409 body, 412 If-Match) and changes nothing."""

import pytest

from staffing import plan
from staffing.models import Parameter, Proposal, Review


@pytest.fixture
def proposals(roster, users):
    """A draft "keep" proposal for each ward's Chair."""
    return {
        i: plan.proposal_create(actor=users["noivu"], official=roster[f"chair{i}"], outcome="keep")
        for i in (1, 2, 3)
    }


# --- findings ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_findings_are_scoped_like_the_page(api, roster, portal_day):
    chair_rows = api("chair").get("/api/v1/findings/?page_size=200").json()["results"]
    assert chair_rows
    assert {row["ward"] for row in chair_rows} == {"phuong-1"}
    staff = api("noivu").get("/api/v1/findings/?page_size=200").json()
    assert {row["ward"] for row in staff["results"]} >= {"phuong-1", "phuong-2", "phuong-3"}
    assert api(None).get("/api/v1/findings/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("param", ["code", "severity", "level", "ward", "position", "official"])
def test_each_finding_filter_keeps_only_matching_rows(api, roster, portal_day, param):
    rows = api("noivu").get("/api/v1/findings/?page_size=200").json()["results"]
    key = {"ward": "ward", "official": "official", "position": "position"}.get(param, param)
    value = next(row[key] for row in rows if row[key])
    filtered = api("noivu").get(f"/api/v1/findings/?page_size=200&{param}={value}").json()["results"]
    assert filtered
    if param != "position":  # position also keeps findings of officials holding that post
        assert all(row[key] == value for row in filtered)
    assert len(filtered) <= len(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["code=KHONG_CO", "severity=x", "level=x", "ward=khong-co", "position=X"])
def test_bad_finding_filters_get_400_naming_the_parameter(api, roster, query):
    response = api("noivu").get(f"/api/v1/findings/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


@pytest.mark.django_db
def test_ward_chair_cannot_filter_findings_by_another_ward(api, roster):
    assert api("chair").get("/api/v1/findings/?ward=phuong-2").status_code == 400


# --- proposals and reviews --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_proposals_are_scoped_and_filtered(api, proposals):
    chair = api("chair").get("/api/v1/proposals/").json()["results"]
    assert [p["official"] for p in chair] == ["W1CT"]
    assert api("chair").get(f"/api/v1/proposals/{proposals[2].pk}/").status_code == 404
    response = api("chair").get(f"/api/v1/proposals/{proposals[1].pk}/")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    staff = api("noivu")
    assert len(staff.get("/api/v1/proposals/").json()["results"]) == 3
    assert [p["ward"] for p in staff.get("/api/v1/proposals/?ward=phuong-2").json()["results"]] == [
        "phuong-2"
    ]
    assert staff.get("/api/v1/proposals/?outcome=keep").json()["count"] == 3
    assert staff.get("/api/v1/proposals/?outcome=retire").json()["count"] == 0
    assert staff.get("/api/v1/proposals/?status=draft").json()["count"] == 3
    assert staff.get("/api/v1/proposals/?verdict=none").json()["count"] == 3
    assert staff.get("/api/v1/proposals/?q=chu2").json()["results"][0]["official"] == "W2CT"
    assert staff.get("/api/v1/proposals/?outcome=bogus").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["noivu", "admin"])
def test_interior_office_and_admin_draft_change_and_delete_proposals(api, roster, role):
    client = api(role)
    created = client.post("/api/v1/proposals/", {"official": "W1TP", "outcome": "keep"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = client.patch(
        f"/api/v1/proposals/{pk}/",
        {"outcome": "leave", "policy_basis": "Nghị định 26/2015/NĐ-CP", "version": 1},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["outcome"], changed.json()["version"]) == ("leave", 2)
    assert client.delete(f"/api/v1/proposals/{pk}/", HTTP_IF_MATCH='"2"').status_code == 204
    assert not Proposal.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_proposal_errors_name_the_field_in_vietnamese(api, roster):
    response = api("noivu").post(
        "/api/v1/proposals/", {"official": "W1TP", "outcome": "leave"}, format="json"
    )
    assert response.status_code == 400
    assert "căn cứ chính sách" in response.json()["policy_basis"][0].lower()
    response = api("noivu").post(
        "/api/v1/proposals/", {"official": "KHONG", "outcome": "keep"}, format="json"
    )
    assert response.status_code == 400
    assert "Không tìm thấy" in response.json()["official"][0]


@pytest.mark.django_db
def test_ward_chair_cannot_write_proposals(api, proposals):
    client = api("chair")
    assert (
        client.post("/api/v1/proposals/", {"official": "W1TP", "outcome": "keep"}, format="json").status_code
        == 403
    )
    assert (
        client.patch(f"/api/v1/proposals/{proposals[1].pk}/", {"note": "x"}, format="json").status_code == 403
    )
    assert client.delete(f"/api/v1/proposals/{proposals[1].pk}/").status_code == 403
    assert client.post(f"/api/v1/proposals/{proposals[1].pk}/approve/", {}, format="json").status_code == 403
    assert Proposal.objects.count() == 3


@pytest.mark.django_db
def test_stale_proposal_version_is_refused_with_409_and_changes_nothing(api, proposals):
    pk = proposals[1].pk
    assert api("admin").patch(f"/api/v1/proposals/{pk}/", {"note": "admin"}, format="json").status_code == 200
    response = api("noivu").patch(f"/api/v1/proposals/{pk}/", {"note": "noivu", "version": 1}, format="json")
    assert response.status_code == 409
    proposal = Proposal.objects.get(pk=pk)
    assert (proposal.note, proposal.version) == ("admin", 2)
    assert api("noivu").delete(f"/api/v1/proposals/{pk}/", HTTP_IF_MATCH='"1"').status_code == 412
    assert Proposal.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_stale_proposal_if_match_is_refused_with_412_and_changes_nothing(api, proposals):
    pk = proposals[1].pk
    etag = api("noivu").get(f"/api/v1/proposals/{pk}/")["ETag"]
    assert api("admin").patch(f"/api/v1/proposals/{pk}/", {"note": "admin"}, format="json").status_code == 200
    response = api("noivu").patch(
        f"/api/v1/proposals/{pk}/", {"note": "noivu"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    assert Proposal.objects.get(pk=pk).note == "admin"
    approve = api("noivu").post(f"/api/v1/proposals/{pk}/approve/", {}, format="json", HTTP_IF_MATCH=etag)
    assert approve.status_code == 412
    assert Proposal.objects.get(pk=pk).status == "draft"


@pytest.mark.django_db
def test_approve_and_unapprove(api, proposals):
    pk = proposals[1].pk
    approved = api("noivu").post(f"/api/v1/proposals/{pk}/approve/", {"version": 1}, format="json")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["version"]) == ("approved", 2)
    locked = api("noivu").patch(f"/api/v1/proposals/{pk}/", {"note": "x"}, format="json")
    assert locked.status_code == 400
    assert "phê duyệt" in locked.json()["non_field_errors"][0]
    assert (
        api("noivu").post(f"/api/v1/proposals/{pk}/unapprove/", {}, format="json").json()["status"] == "draft"
    )


@pytest.mark.django_db
def test_ward_chair_reviews_their_own_wards_proposals_only(api, proposals):
    own = api("chair").post(
        f"/api/v1/proposals/{proposals[1].pk}/review/",
        {"verdict": "dispute", "comment": "Chưa hợp lý"},
        format="json",
    )
    assert own.status_code == 200, own.content
    assert own.json()["review"]["verdict"] == "dispute"
    other = api("chair").post(
        f"/api/v1/proposals/{proposals[2].pk}/review/", {"verdict": "agree"}, format="json"
    )
    assert other.status_code == 404
    assert not Review.objects.filter(proposal=proposals[2]).exists()
    no_comment = api("chair").post(
        f"/api/v1/proposals/{proposals[1].pk}/review/", {"verdict": "dispute"}, format="json"
    )
    assert no_comment.status_code == 400
    assert "nhận xét" in no_comment.json()["comment"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["noivu", "admin"])
def test_only_ward_chairs_write_reviews(api, proposals, role):
    response = api(role).post(
        f"/api/v1/proposals/{proposals[1].pk}/review/", {"verdict": "agree"}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_reviews_are_scoped(api, proposals, users):
    for i, chair in ((1, "chair"), (2, "chair2")):
        plan.review_set(actor=users[chair], proposal=proposals[i], verdict="agree")
    assert [r["proposal"] for r in api("chair").get("/api/v1/reviews/").json()["results"]] == [
        proposals[1].pk
    ]
    other = Review.objects.get(proposal=proposals[2]).pk
    assert api("chair").get(f"/api/v1/reviews/{other}/").status_code == 404
    assert api("noivu").get("/api/v1/reviews/").json()["count"] == 2
    assert api("noivu").get("/api/v1/reviews/?ward=phuong-2").json()["count"] == 1
    assert api("noivu").get("/api/v1/reviews/?verdict=dispute").json()["count"] == 0
    assert api("noivu").post("/api/v1/reviews/", {}, format="json").status_code in (403, 405)


# --- parameters -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "noivu", "admin"])
def test_every_role_reads_the_parameters(api, users, role):
    rows = api(role).get("/api/v1/parameters/?page_size=200").json()["results"]
    assert {"headcount_per_ward", "retirement_roadmap", "term_years"} <= {r["key"] for r in rows}
    assert api(role).get("/api/v1/parameters/?key=term_years").json()["results"][0]["value"] == 5


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "noivu"])
def test_only_administrators_change_parameters(api, users, role):
    param = Parameter.objects.get(key="term_years")
    assert api(role).patch(f"/api/v1/parameters/{param.pk}/", {"value": 4}, format="json").status_code == 403
    param.refresh_from_db()
    assert param.value == 5


@pytest.mark.django_db
def test_administrator_changes_a_parameter_with_its_history(api, users):
    param = Parameter.objects.get(key="headcount_per_ward")
    response = api("admin").patch(
        f"/api/v1/parameters/{param.pk}/", {"value": 16, "is_default": True}, format="json"
    )
    assert response.status_code == 200, response.content
    param.refresh_from_db()
    assert (param.value, param.is_default) == (16, True)
    assert param.history.first().history_user == users["admin"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("headcount_per_ward", "mười lăm", "cần một số"),
        ("headcount_per_ward", 0, "lớn hơn 0"),
        ("headcount_per_ward", 15.5, "số nguyên"),
        ("education_grace_until", "25/12/2024", "YYYY-MM-DD"),
        ("relative_restricted_posts", "TC_KT", "danh sách"),
        ("retirement_roadmap", {"M": {}}, "khóa"),
    ],
)
def test_a_parameter_value_of_the_wrong_shape_is_refused(api, users, key, value, text):
    param = Parameter.objects.get(key=key)
    before = param.value
    response = api("admin").patch(f"/api/v1/parameters/{param.pk}/", {"value": value}, format="json")
    assert response.status_code == 400
    assert text in " ".join(response.json()["value"])
    param.refresh_from_db()
    assert param.value == before


@pytest.mark.django_db
def test_parameter_keys_are_read_only(api, users):
    param = Parameter.objects.get(key="term_years")
    api("admin").patch(f"/api/v1/parameters/{param.pk}/", {"key": "other"}, format="json")
    param.refresh_from_db()
    assert param.key == "term_years"


# --- the retirement calculator (H1's view) ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), [(None, 401), ("chair", 200), ("noivu", 200), ("admin", 200)])
def test_retirement_calculator_permissions(api, users, role, expected):
    response = api(role).get("/api/v1/retirement/?sex=M&born=1961-10-15")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["retirement_age"] == {"years": 60, "months": 6}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["findings", "proposals", "reviews", "parameters"])
def test_anonymous_caller_gets_401_on_the_staffing_endpoints(api, users, endpoint):
    response = api(None).get(f"/api/v1/{endpoint}/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["noivu", "admin"])
def test_district_staff_read_every_wards_proposals_and_reviews(api, proposals, users, role):
    plan.review_set(actor=users["chair2"], proposal=proposals[2], verdict="agree")
    assert api(role).get("/api/v1/proposals/").json()["count"] == 3
    for proposal in proposals.values():
        assert api(role).get(f"/api/v1/proposals/{proposal.pk}/").status_code == 200
    review = Review.objects.get(proposal=proposals[2])
    assert api(role).get(f"/api/v1/reviews/{review.pk}/").status_code == 200


@pytest.mark.django_db
def test_an_unknown_holding_id_gets_400_naming_the_field(api, roster):
    body = {"official": "W1TP", "outcome": "lapse", "holding": 999999}
    response = api("noivu").post("/api/v1/proposals/", body, format="json")
    assert response.status_code == 400
    assert response.json()["holding"] == ["Không tìm thấy bản ghi số “999999”."]

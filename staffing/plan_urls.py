"""URLs of the reassignment plan, under /ke-hoach/."""

from django.urls import path

from staffing import plan_views as views

app_name = "plan"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("de-xuat/", views.ProposalListView.as_view(), name="list"),
    path("de-xuat/them/", views.proposal_create, name="create"),
    path("de-xuat/phe-duyet/", views.approve_filtered, name="approve_filtered"),
    path("de-xuat/<int:pk>/", views.proposal_detail, name="detail"),
    path("de-xuat/<int:pk>/sua/", views.proposal_edit, name="edit"),
    path("de-xuat/<int:pk>/xoa/", views.proposal_delete, name="delete"),
    path("de-xuat/<int:pk>/phe-duyet/", views.proposal_approve, name="approve"),
    path("de-xuat/<int:pk>/huy-phe-duyet/", views.proposal_unapprove, name="unapprove"),
    path("de-xuat/<int:pk>/y-kien/", views.review_post, name="review"),
    path("phuong/<slug:slug>/", views.ward_review, name="ward_review"),
    path("phuong/<slug:slug>/xac-nhan/", views.signoff_post, name="signoff"),
    path("ghep-vi-tri/", views.board, name="board"),
    path("ghep-vi-tri/lap-de-xuat/", views.board_draft, name="board_draft"),
    path("so-sanh/", views.compare, name="compare"),
    path("chuyen-doi/", views.cutover, name="cutover"),
    path("chuyen-doi/thuc-hien/", views.cutover_run, name="cutover_execute"),
    path("chuyen-doi/hoan-tac/", views.cutover_undo, name="cutover_rollback"),
]

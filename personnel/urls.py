from django.urls import path

from personnel import import_views, views

app_name = "personnel"
urlpatterns = [
    path("", views.OfficialListView.as_view(), name="list"),
    path("them/", views.official_create, name="create"),
    path("chuc-danh/<int:pk>/ket-thuc/", views.holding_end, name="holding_end"),
    path("quan-he/<int:pk>/xoa/", views.relation_delete, name="relation_delete"),
    path("nhap-excel/", import_views.import_upload, name="import"),
    path("nhap-excel/mau/", import_views.import_template, name="import_template"),
    path("nhap-excel/xac-nhan/", import_views.import_confirm, name="import_confirm"),
    path("goi-y/phuong/", views.ward_suggestions, name="ward_suggestions"),
    path("<str:code>/", views.official_detail, name="detail"),
    path("<str:code>/sua/", views.official_edit, name="edit"),
    path("<str:code>/chuc-danh/them/", views.holding_add, name="holding_add"),
    path("<str:code>/nguoi-than/them/", views.relation_add, name="relation_add"),
]

"""URLs of the statutory reports, under /bao-cao/."""

from django.urls import path

from staffing import report_views as views

app_name = "bao_cao"
urlpatterns = [
    path("", views.index, name="index"),
    path("danh-sach-can-bo.xlsx", views.roster, name="roster"),
    path("ket-qua-ra-soat.xlsx", views.findings, name="findings"),
    path("du-kien-sap-xep.xlsx", views.plan_report, name="plan"),
    path("bien-che.xlsx", views.headcount, name="headcount"),
]

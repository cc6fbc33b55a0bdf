"""Pages of the Decree 32 check under the ``staffing`` namespace. The dashboard is the home page and the
official/ward pages with findings replace ``personnel:detail`` / ``wards:detail`` (see config/urls.py)."""

from django.urls import path

from staffing import views

app_name = "staffing"
urlpatterns = [
    path("phat-hien/", views.findings_list, name="findings"),
    path("tuoi-nghi-huu/", views.retirement_page, name="retirement"),
]

from django.urls import path

from wards import views

app_name = "wards"
urlpatterns = [
    path("", views.WardListView.as_view(), name="list"),
    path("<slug:slug>/", views.ward_detail, name="detail"),
]

from django.urls import path

from wards import account_views

app_name = "account"
urlpatterns = [
    path("", account_views.profile, name="profile"),
    path("ma-truy-cap/", account_views.tokens, name="tokens"),
]

"""URL map. Every page needs a login (LoginRequiredMiddleware) except the login page itself."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="wards:list"), name="home"),
    path("dang-nhap/", login_not_required(auth_views.LoginView.as_view()), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("phuong/", include("wards.urls")),
    path("can-bo/", include("personnel.urls")),
    path("quan-tri/", admin.site.urls),
    path("tai-khoan/", include("wards.account_urls")),
    path("api/v1/", include("config.api")),
]

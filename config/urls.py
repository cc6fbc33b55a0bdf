"""URL map. Every page needs a login (LoginRequiredMiddleware) except the login page itself."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from personnel import urls as personnel_urls
from staffing import views as staffing_views
from staffing.api import RetirementView
from wards import urls as wards_urls


def _served_by(urlconf, name, view):
    """``urlconf``'s patterns with the one named ``name`` served by ``view`` (same route, same place), so the
    staffing pages (which add the findings) answer the app's own URL names."""
    return [
        path(str(p.pattern), view, name=name) if getattr(p, "name", None) == name else p
        for p in urlconf.urlpatterns
    ]


urlpatterns = [
    path("", staffing_views.dashboard, name="home"),
    path("dang-nhap/", login_not_required(auth_views.LoginView.as_view()), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("phuong/", include((_served_by(wards_urls, "detail", staffing_views.ward_detail), "wards"))),
    path(
        "can-bo/",
        include((_served_by(personnel_urls, "detail", staffing_views.official_detail), "personnel")),
    ),
    path("", include("staffing.urls")),
    path("ke-hoach/", include("staffing.plan_urls")),
    path("bao-cao/", include("staffing.report_urls")),
    path("quan-tri/", admin.site.urls),
    path("tai-khoan/", include("wards.account_urls")),
    path("api/v1/retirement/", RetirementView.as_view(), name="api-retirement"),
    path("api/v1/", include("config.api")),
]

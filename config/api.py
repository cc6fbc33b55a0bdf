"""REST API v1 (mounted at /api/v1/ by config/urls.py): the router of every resource, the OpenAPI 3 schema
and the offline Swagger UI (drf-spectacular-sidecar, no CDN)."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from personnel.api import HoldingViewSet, OfficialViewSet, RelationViewSet
from staffing.api import FindingViewSet, ParameterViewSet, ProposalViewSet, ReviewViewSet
from wards.api import PositionViewSet, WardViewSet


class Router(DefaultRouter):
    include_format_suffixes = False

    def get_api_root_view(self, api_urls=None):
        return login_not_required(super().get_api_root_view(api_urls=api_urls))


router = Router()
router.register("wards", WardViewSet, basename="ward")
router.register("positions", PositionViewSet, basename="position")
router.register("officials", OfficialViewSet, basename="official")
router.register("holdings", HoldingViewSet, basename="holding")
router.register("relations", RelationViewSet, basename="relation")
router.register("findings", FindingViewSet, basename="finding")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("reviews", ReviewViewSet, basename="review")
router.register("parameters", ParameterViewSet, basename="parameter")

app_name = "api"
urlpatterns = [
    # The schema answers signed-in callers only (session or token); anonymous → 401.
    path(
        "schema/",
        login_not_required(
            SpectacularAPIView.as_view(
                authentication_classes=[TokenAuthentication, SessionAuthentication],
                permission_classes=[IsAuthenticated],
            )
        ),
        name="schema",
    ),
    # Swagger UI is a page: anonymous visitors go to the login page (DRF views opt out of
    # LoginRequiredMiddleware, so the redirect is asked for explicitly).
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api:schema")), name="docs"),
    path("", include(router.urls)),
]

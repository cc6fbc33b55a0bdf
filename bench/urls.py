"""The portal's URLs plus one trivial view, so the latency floor goes through the very same middleware
(sessions, authentication, login-required, CSRF, locale, history, htmx) as the pages measured."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("__bench__/trivial/", trivial, name="bench-trivial"),
    path("", include("config.urls")),
]

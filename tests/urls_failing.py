"""The site's URLconf plus a view that fails: only for tests of the 500 page."""

from django.urls import path

from enlieusur.urls import urlpatterns as site_patterns


def failing_view(request):
    raise RuntimeError("a failure the 500 page must cover")


urlpatterns = [path("boom/", failing_view), *site_patterns]

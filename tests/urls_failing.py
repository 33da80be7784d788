"""The site's URLconf plus views that fail: only for tests of the error pages (403, 500)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from enlieusur.urls import urlpatterns as site_patterns


def failing_view(request):
    raise RuntimeError("a failure the 500 page must cover")


def forbidden_view(request):
    raise PermissionDenied


urlpatterns = [path("boom/", failing_view), path("interdit/", forbidden_view), *site_patterns]

"""Site-wide views that belong to no app: monitoring, the icon, the privacy notice."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import DatabaseError, connection
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

# The site's icon as a PNG (every browser takes one at /favicon.ico).
FAVICON = "partners/icons/icon-192.png"


@require_GET
@never_cache
def healthz(request):
    """200 ``ok`` when the database answers, 503 when it does not. Touches no session."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    """/favicon.ico: browsers ask for it on every page that names no icon (the admin's, the
    certificate, a JSON answer opened in a tab), and a 404 there fills the logs."""
    return FileResponse(open(finders.find(FAVICON), "rb"), content_type="image/png")


@require_GET
def privacy(request):
    return render(
        request,
        "privacy.html",
        {
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
            "tile_host": urlsplit(settings.TILE_URL).hostname,
            "unconfirmed_days": settings.RETENTION_UNCONFIRMED_DAYS,
            "rejected_days": settings.RETENTION_REJECTED_DAYS,
            "former_contact_days": settings.RETENTION_FORMER_CONTACT_DAYS,
            "staff_log_days": settings.RETENTION_STAFF_LOGIN_LOG_DAYS,
        },
    )

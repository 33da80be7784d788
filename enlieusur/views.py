"""Site-wide views that belong to no app: monitoring, the privacy notice."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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

"""Public pages of staff vetting: reporting a problem with a partner, and the venue's
yearly re-confirmation through its signed link."""

import hashlib

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from partners import links, services
from partners.models import Charter, Partner, Status
from partners.vetting_forms import ReconfirmForm, ReportForm

RATE_WINDOW_SECONDS = 3600


def _over_report_limit(request) -> bool:
    """Counts this connection's reports for the hour; only a salted hash of the address
    is kept, in the cache, for the hour."""
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:report:{address}".encode()).hexdigest()
    key = f"report-rate:{digest[:32]}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.REPORTS_PER_HOUR_PER_IP


def report(request, pk):
    partner = get_object_or_404(Partner.objects.public(), pk=pk)
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _over_report_limit(request):
            form.add_error(
                None,
                _(
                    "Too many reports were sent from your connection in the last hour. "
                    "Please try again later."
                ),
            )
            status = 429
        else:
            services.report_problem(
                partner=partner,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            )
            return redirect("partners:report_thanks", pk=partner.pk)
    return render(
        request, "partners/report_form.html", {"partner": partner, "form": form}, status=status
    )


def report_thanks(request, pk):
    partner = get_object_or_404(Partner.objects.public(), pk=pk)
    return render(request, "partners/report_thanks.html", {"partner": partner})


def _invalid_link(request, partner=None):
    return render(
        request,
        "partners/reconfirm_invalid.html",
        {"partner": partner, "contact": settings.STAFF_CONTACT_EMAIL},
        status=400,
    )


def reconfirm(request, token):
    try:
        partner = links.read_token(token, links.RECONFIRM)
    except signing.BadSignature:
        return _invalid_link(request)
    if partner.status != Status.APPROVED:
        return _invalid_link(request, partner)
    # Without a published charter (never in production), the one the venue signed.
    charter = Charter.current() or partner.charter
    if charter is None:
        return _invalid_link(request, partner)
    charter_changed = partner.charter_id != charter.pk
    form = ReconfirmForm(
        request.POST if request.method == "POST" else None,
        charter=charter,
        charter_changed=charter_changed,
    )
    if request.method == "POST" and form.is_valid():
        services.reconfirm_partner(partner=partner, charter=charter)
        return redirect("partners:reconfirm_done")
    return render(
        request,
        "partners/reconfirm.html",
        {
            "partner": partner,
            "charter": charter,
            "charter_changed": charter_changed,
            "form": form,
            "contact": settings.STAFF_CONTACT_EMAIL,
        },
    )


def reconfirm_done(request):
    return render(request, "partners/reconfirm_done.html")

"""Public pages of staff vetting: reporting a problem with a partner, and the venue's
yearly re-confirmation through its signed link."""

from django.conf import settings
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from partners import links, services
from partners.models import Charter, Partner, Status
from partners.ratelimit import over_limit
from partners.vetting_forms import ReconfirmForm, ReportForm


def report(request, pk):
    partner = get_object_or_404(Partner.objects.public(), pk=pk)
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "report", settings.REPORT_RATE_LIMIT):
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

"""The venue's journey: joining, confirming the email, self-service and the yearly
re-confirmation, through signed links."""

import re
import uuid
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gazetteer import communes as gazetteer
from partners.domain import history, links, transitions
from partners.domain.ratelimit import over_limit
from partners.models import (
    ACTIVE_STATUSES,
    WELCOME_DELETE_DAYS,
    WELCOMING_STATUSES,
    Charter,
    Partner,
    Status,
)
from partners.public import maps
from partners.services import applications, invitations, reconfirmation, welcomes
from partners.services.geocoding import geocode
from partners.services.selfservice import send_links_to_contact, update_partner, withdraw_partner
from partners.venue.forms import (
    MAX_INTERVALS,
    MAX_SITES,
    JoinForm,
    LinkRequestForm,
    ReconfirmForm,
    UpdateForm,
    WelcomeForm,
    WithdrawForm,
)


def _map_config() -> dict:
    return {
        **maps.base_map_config(),
        "locateUrl": reverse("partners:join_locate"),
        "maxIntervals": MAX_INTERVALS,
    }


def join(request):
    return render(request, "partners/venue/join/index.html", {"charter": Charter.current()})


def _render_form(request, form, status=200):
    return render(
        request,
        "partners/venue/join/form.html",
        {
            "form": form,
            # The join page's own address, or the invitation's that prefilled it.
            "action": request.path,
            "hidden": form.fresh_hidden_values(),
            "charter": form.charter,
            "map_config": _map_config(),
            "geocoder": bool(settings.GEOCODER_URL),
            "max_sites": MAX_SITES,
        },
        status=status,
    )


def _already_submitted(key) -> Partner | None:
    try:
        return Partner.objects.filter(submission_key=uuid.UUID(str(key))).first()
    except ValueError:
        return None


def join_form(request, *, initial=None, candidate=None):
    if request.method != "POST":
        return _render_form(request, JoinForm(initial=initial))
    # A retried POST (double click, reload) lands on the same thank-you page.
    existing = _already_submitted(request.POST.get("submission_key"))
    if existing:
        return redirect("partners:join_thanks", ref=existing.reference)
    form = JoinForm(request.POST)
    if form.site_change:
        # A site added or removed: the same answers, one site more or less, nothing sent.
        form.hold_errors()
        return _render_form(request, form)
    if not form.is_valid():
        return _render_form(request, form, status=200)
    if over_limit(request, "join", settings.JOIN_RATE_LIMIT):
        form.add_error(
            None,
            _(
                "Too many applications were sent from your connection in the last hour. "
                "Your answers are kept: please send them again later."
            ),
        )
        return _render_form(request, form, status=429)
    partner, _created = applications.submit_application(
        sites=form.sites_data(),
        charter=form.charter,
        submission_key=form.cleaned_data["submission_key"],
    )
    if candidate is not None:
        invitations.record_application(candidate=candidate, partner=partner)
    return redirect("partners:join_thanks", ref=partner.reference)


def _invitation_initial(candidate) -> dict:
    """What we know of an invited candidate, to fill the application in."""
    initial = {
        "name": candidate.name,
        "kind": candidate.kind,
        "address": candidate.address,
        "postcode": candidate.postcode,
        "city": candidate.city,
        "phone": candidate.phone,
        "email": candidate.email,
        "contact_email": candidate.email,
    }
    if candidate.location is not None:
        initial |= {"lat": round(candidate.location.y, 6), "lon": round(candidate.location.x, 6)}
    return {key: value for key, value in initial.items() if value}


def invitation(request, token):
    """An invited candidate's link: the application, filled in with what we know; sent,
    it is the candidate's application (``services.invitations``)."""
    try:
        candidate = links.read_token(token, links.INVITATION)
    except signing.BadSignature as error:
        return _link_problem(request, error)
    if candidate.partner_id is not None:
        return redirect("partners:join_thanks", ref=candidate.partner.reference)
    if request.method != "POST":
        candidate = invitations.mark_opened(candidate=candidate)
    return join_form(request, initial=_invitation_initial(candidate), candidate=candidate)


def invitation_opt_out(request, token):
    """Never be emailed again: asked on a page, done by its button (a mail scanner that
    follows the link opts nobody out)."""
    try:
        candidate = links.read_token(token, links.OPT_OUT)
    except signing.BadSignature as error:
        return _link_problem(request, error)
    done = False
    if request.method == "POST":
        invitations.opt_out(candidate=candidate)
        done = True
    return render(
        request, "partners/venue/join/opt_out.html", {"candidate": candidate, "done": done}
    )


def join_thanks(request, ref):
    match = re.fullmatch(r"ELS-(\d{1,12})", ref)
    if not match:
        raise Http404
    partner = get_object_or_404(Partner, pk=int(match[1]))
    return render(
        request,
        "partners/venue/join/thanks.html",
        {"reference": partner.reference, "sites": list(partner.application_sites())},
    )


@require_GET
def join_locate(request):
    """Where the pin goes for an address: used by the form's script, never stored."""
    if over_limit(request, "locate", settings.LOCATE_RATE_LIMIT):
        return JsonResponse({"error": _("Too many requests: place the pin by hand.")}, status=429)
    postcode = re.sub(r"\s", "", request.GET.get("postcode", ""))[:5]
    city = gazetteer.normalise(request.GET.get("city", "")[:120])
    communes = gazetteer.by_postcode(postcode)
    commune = next((c for c in communes if gazetteer.normalise(c.name) == city), None) or (
        communes[0] if communes else None
    )
    if commune is None:
        return JsonResponse({"error": _("Unknown postcode: place the pin by hand.")}, status=404)
    point, source = geocode(request.GET.get("address", "")[:250], postcode, commune)
    return JsonResponse({"lat": round(point.y, 6), "lon": round(point.x, 6), "source": source})


def _link_problem(request, error):
    if isinstance(error, signing.SignatureExpired):
        return render(request, "partners/venue/selfservice/link_expired.html", status=410)
    return render(request, "partners/venue/selfservice/link_invalid.html", status=400)


def join_confirm(request, token):
    try:
        partner = links.read_token(token, links.CONFIRM)
    except signing.BadSignature as error:
        return _link_problem(request, error)
    if request.method == "POST":
        partner = applications.confirm_email(partner=partner)
        messages.success(request, _("Thank you: your email address is confirmed."))
        return redirect("partners:selfservice", token=links.make_token(partner, links.SELFSERVICE))
    return render(
        request,
        "partners/venue/join/confirm.html",
        {"reference": partner.reference, "sites": list(partner.application_sites())},
    )


def selfservice_request(request):
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Every valid request counts, known address or not: counting only the links sent
        # would tell an attacker, by the 429, which addresses belong to a venue.
        if over_limit(request, "link", settings.LINK_REQUEST_RATE_LIMIT):
            form.add_error(
                None,
                _("Too many requests from your connection: please try again in an hour."),
            )
            return render(
                request, "partners/venue/selfservice/request.html", {"form": form}, status=429
            )
        # The same answer whether or not the address is known, and as fast: the lookup and
        # the links are the worker's task, queued for every valid request.
        send_links_to_contact(email=form.cleaned_data["email"])
        return render(
            request,
            "partners/venue/selfservice/request_sent.html",
            {"email": form.cleaned_data["email"]},
        )
    return render(request, "partners/venue/selfservice/request.html", {"form": form})


def _partner_or_problem(request, token, *, to_change: bool = False):
    """The partner the link names, or the answer to give instead: the link's problem, or,
    for a change, the read-only page of a venue that is no longer active."""
    try:
        partner = links.read_token(token, links.SELFSERVICE)
    except signing.BadSignature as error:
        return None, _link_problem(request, error)
    if to_change and partner.status not in ACTIVE_STATUSES:
        return None, redirect("partners:selfservice", token=token)
    return partner, None


def selfservice(request, token):
    partner, problem = _partner_or_problem(request, token)
    if problem:
        return problem
    return render(
        request,
        "partners/venue/selfservice/detail.html",
        {
            "partner": partner,
            "token": token,
            "can_edit": partner.status in ACTIVE_STATUSES,
            "can_record_welcomes": partner.status in WELCOMING_STATUSES,
            "history": [
                {"event": event, "fields": history.venue_labels(event.changes)}
                for event in partner.events.all()
                if history.for_venue(event.changes)
            ],
            "pending": history.venue_labels(partner.pending_changes),
            "intervals": partner.opening_intervals.all(),
            "closures": partner.upcoming_closures(),
            **_training_context(partner),
        },
    )


def _training_context(partner) -> dict:
    """Who passed the training, and its link to share with colleagues (``venue.training``)."""
    url = links.url(partner, links.TRAINING)
    return {
        "trainings": partner.trainings.valid(),
        "trained_required": settings.TRAINED_PEOPLE_FOR_APPROVAL,
        "training_url": url,
        # The page's own language; the link to share is the site's, French.
        "training_path": reverse(
            "partners:training", args=[links.make_token(partner, links.TRAINING)]
        ),
        "training_mailto": "mailto:?" + urlencode(_training_message(partner), quote_via=quote),
    }


def _training_message(partner) -> dict:
    """The email a venue sends its staff with the training link: in French and in English
    whatever the page's language (the colleagues may read either, and the contact may not
    be the one who sends it), each with the link opening the training in its language.
    French first, as in the venue emails (``services.emails``), which are French only."""
    subjects, bodies = [], []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            subjects.append(_("En lieu sûr: the training for our staff"))
            bodies.append(
                _(
                    "Hello,\n\nOur venue is an En lieu sûr safe place. Please take the short "
                    "online training (about fifteen minutes, a first name or initials "
                    "only):\n\n%(url)s\n"
                )
                % {"url": links.url(partner, links.TRAINING, language)}
            )
    return {"subject": " / ".join(subjects), "body": "\n---\n\n".join(bodies)}


def selfservice_update(request, token):
    partner, problem = _partner_or_problem(request, token, to_change=True)
    if problem:
        return problem
    form = UpdateForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        partner = update_partner(partner=partner, changes=form.changes(), by="venue")
        if partner.pending_changes:
            messages.success(
                request,
                _(
                    "Saved. Changes to the name, address or location will be public once our "
                    "team has checked them."
                ),
            )
        elif partner.status != Status.APPROVED:
            messages.success(
                request,
                _(
                    "Saved. Your venue is not on the public map at the moment: these details "
                    "will be shown when it is."
                ),
            )
        else:
            messages.success(request, _("Saved: your changes are public."))
        return redirect("partners:selfservice", token=token)
    return render(
        request,
        "partners/venue/selfservice/update.html",
        {
            "form": form,
            "partner": partner,
            "token": token,
            "map_config": _map_config(),
            "geocoder": bool(settings.GEOCODER_URL),
        },
    )


def selfservice_withdraw(request, token):
    partner, problem = _partner_or_problem(request, token, to_change=True)
    if problem:
        return problem
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        partner = withdraw_partner(partner=partner, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your venue has left the network."))
        # Leaving ends this link (partners.links): the page now opens with one made since.
        return redirect("partners:selfservice", token=links.make_token(partner, links.SELFSERVICE))
    return render(
        request,
        "partners/venue/selfservice/withdraw.html",
        {"form": form, "partner": partner, "token": token},
    )


def _welcoming_partner(request, token):
    """The partner of the link if it may record welcomes (it has had its sticker), or the
    answer to give instead."""
    partner, problem = _partner_or_problem(request, token)
    if problem is None and partner.status not in WELCOMING_STATUSES:
        problem = redirect("partners:selfservice", token=token)
    return partner, problem


def selfservice_welcomes(request, token):
    """ "We welcomed someone": the form, and the records the venue may still delete."""
    partner, problem = _welcoming_partner(request, token)
    if problem:
        return problem
    form = WelcomeForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        welcomes.record_welcome(partner=partner, **form.cleaned_data)
        messages.success(
            request,
            _("Thank you: the welcome is recorded. You can delete it here for %(days)s days.")
            % {"days": WELCOME_DELETE_DAYS},
        )
        return redirect("partners:selfservice_welcomes", token=token)
    return render(
        request,
        "partners/venue/selfservice/welcomes.html",
        {
            "form": form,
            "partner": partner,
            "token": token,
            "recent": partner.welcomes.deletable(),
            "delete_days": WELCOME_DELETE_DAYS,
        },
    )


def selfservice_welcome_delete(request, token, pk):
    partner, problem = _welcoming_partner(request, token)
    if problem:
        return problem
    welcome = partner.welcomes.deletable().filter(pk=pk).first()
    if request.method == "POST" and welcome is not None:
        try:
            welcomes.delete_welcome(welcome=welcome)
        except welcomes.TooLate:
            welcome = None
        else:
            messages.success(request, _("The record is deleted."))
            return redirect("partners:selfservice_welcomes", token=token)
    if welcome is None:
        messages.error(
            request,
            _("This record can no longer be deleted: records are final after %(days)s days.")
            % {"days": WELCOME_DELETE_DAYS},
        )
        return redirect("partners:selfservice_welcomes", token=token)
    return render(
        request,
        "partners/venue/selfservice/welcome_delete.html",
        {"welcome": welcome, "partner": partner, "token": token},
    )


def _invalid_link(request, partner=None):
    return render(
        request,
        "partners/venue/reconfirm_invalid.html",
        {"partner": partner, "contact": settings.STAFF_CONTACT_EMAIL},
        status=400,
    )


def reconfirm(request, token):
    try:
        partner = links.read_token(token, links.RECONFIRM)
    except signing.BadSignature:
        return _invalid_link(request)
    if not transitions.applies("reconfirm", partner.status):
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
        reconfirmation.reconfirm_partner(partner=partner, charter=charter)
        return redirect("partners:reconfirm_done")
    return render(
        request,
        "partners/venue/reconfirm.html",
        {
            "partner": partner,
            "charter": charter,
            "charter_changed": charter_changed,
            "form": form,
            "contact": settings.STAFF_CONTACT_EMAIL,
            "trained": partner.trainings.valid().count(),
            "training_path": reverse(
                "partners:training", args=[links.make_token(partner, links.TRAINING)]
            ),
        },
    )


def reconfirm_done(request):
    return render(request, "partners/venue/reconfirm_done.html")

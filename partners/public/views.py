import re

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from gazetteer import places
from partners.domain import checks, territories
from partners.domain.ratelimit import over_limit
from partners.models import WEEK_PREFETCH, KindGroup, OpeningInterval, Partner, Status
from partners.public import aftercare, card, search, wording
from partners.public.forms import CardForm, ReportForm, TerritoryForm
from partners.public.maps import choose_place_message, home_map_config, place_search_config
from partners.services import reports

PER_PAGE = 20
# Ten pages: enough to find a place nearby, and counting further would cost every visitor.
MAX_RESULTS = 200


def home(request):
    return render(
        request,
        "partners/public/home.html",
        {
            "map_config": home_map_config(),
            "place_search": place_search_config(),
            "territories": territories.TERRITORIES.values(),
            "kind_groups": KindGroup.choices,
        },
    )


def _with_opening_state(partners, now):
    for partner in partners:
        partner.open_now, partner.next_change = search.opening_state(partner, now)
        partner.change_in_days = wording.days_ahead(
            partner.next_change, partner.local_time(now).date()
        )
        # More than a week ahead (after a closure): a weekday alone would not say when.
        partner.change_by_date = partner.change_in_days > wording.WEEKDAY_DAYS_AHEAD
        partner.closures_ahead = partner.upcoming_closures(now)
    return partners


def partner_list(request):
    """The map's results as a page that works without JavaScript: the same search and
    order as the nearest API, 20 per page."""
    form = search.ListSearchForm(request.GET)
    context = {
        "form": form,
        "place": None,
        "other_places": [],
        "place_search": place_search_config(),
    }
    if not form.is_valid():
        return render(request, "partners/public/partner_list.html", context, status=400)
    params = form.cleaned_data
    now = timezone.now()
    filters = {
        "kind": params["kind"],
        "open_now": params["open_now"],
        "step_free": params["step_free"],
        "now": now,
    }
    point = None
    if params["q"]:
        found = places.pick(params["q"], params["place"])
        if found.clear:
            context["place"], context["other_places"] = found.places[0], found.places[1:5]
            point = (found.places[0].lon, found.places[0].lat)
        elif found.places:
            # Homonyms, or names read through typos: the person chooses, then the results.
            context["choices"] = found.places
            context["choose"] = choose_place_message(len(found.places)) % {"query": params["q"]}
            return render(request, "partners/public/partner_list.html", context)
        else:
            context["place_not_found"] = True
    elif params["lat"] is not None:
        point = (params["lon"], params["lat"])
        context["near_position"] = True
    reach = None
    if context.get("place_not_found"):
        results = Partner.objects.none()
    elif point:
        reach = search.Reach(*point, params["max_km"] or search.MAX_KM)
        results = search.ByDistance(reach, cap=MAX_RESULTS, **filters)
        if territory := reach.territory:
            # The emergency numbers shown (templates/partners/public/_emergency.html).
            context["territory"] = territory.code
    else:
        results = (
            search.matching(**filters)
            .prefetch_related(*WEEK_PREFETCH)
            .order_by("department", "city", "name", "id")[:MAX_RESULTS]
        )
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    context["capped"] = page.paginator.count == MAX_RESULTS
    _with_opening_state(page.object_list, now)
    if reach and not page.paginator.count:
        context |= _nothing_within_reach(reach, params, now)
    query = request.GET.copy()
    query.pop("page", None)
    context |= {"page": page, "query": query.urlencode(), "by_distance": point is not None}
    return render(request, "partners/public/partner_list.html", context)


def _nothing_within_reach(reach: search.Reach, params: dict, now) -> dict:
    """What the list says when its search found nothing within reach: that, plainly, and
    with "open now", the nearest place that opens later, as the API's ``next_open``."""
    filtered = bool(params["kind"] or params["step_free"])
    context = {
        "nothing_within_reach": search.nothing_within_reach(
            reach, open_now=params["open_now"], filtered=filtered
        ),
        "next_open": None,
    }
    if params["open_now"]:
        row = search.next_open(reach, kind=params["kind"], step_free=params["step_free"], now=now)
        if row:
            context["next_open"] = _with_opening_state(search.as_partners([row]), now)[0]
    return context


class PartnerDetailView(DetailView):
    template_name = "partners/public/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        return Partner.objects.public().select_related("charter").prefetch_related(*WEEK_PREFETCH)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner = self.object
        now = timezone.now()
        _with_opening_state([partner], now)
        today = partner.local_time(now).isoweekday()
        intervals = list(partner.opening_intervals.all())
        # The territory's numbers in the header (_emergency.html), its links (_after_links.html).
        context["territory"] = territories.territory_of(partner.department).code
        context["week"] = [
            {
                "day": day,
                "is_today": day.value == today,
                "intervals": [i for i in intervals if i.weekday == day.value],
            }
            for day in OpeningInterval.Weekday
        ]
        return context


STICKER_VERDICTS = {
    Status.APPROVED: "valid",
    Status.SUSPENDED: "suspended",
}


def sticker_check(request, number):
    """Whether a sticker is genuine and valid. Only a valid one names its venue."""
    number = number.strip().upper()
    partner = Partner.objects.filter(sticker_number=number).first()
    verdict = "unknown" if partner is None else STICKER_VERDICTS.get(partner.status, "invalid")
    context = {
        "number": number,
        "verdict": verdict,
        "partner": partner if verdict == "valid" else None,
        # Only the month of the latest mystery check: never its outcome or notes.
        "last_checked": checks.last_checked_on(partner) if verdict == "valid" else None,
    }
    status = 404 if verdict == "unknown" else 200
    return render(request, "partners/public/sticker_check.html", context, status=status)


def sticker_check_form(request):
    # "75 00042" as typed from a sticker read aloud is "75-00042".
    number = re.sub(r"\s+", "-", request.GET.get("number", "").strip())
    if number:
        if len(number) <= 20 and "/" not in number:
            return redirect("partners:sticker_check", number=number.upper())
        error = _("A sticker number looks like 75-00042 or 971-00043.")
    else:
        error = None
    return render(request, "partners/public/sticker_check.html", {"number": number, "error": error})


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
            reports.report_problem(
                partner=partner,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            )
            return redirect("partners:report_thanks", pk=partner.pk)
    return render(
        request,
        "partners/public/report_form.html",
        {"partner": partner, "form": form},
        status=status,
    )


def report_thanks(request, pk):
    partner = get_object_or_404(Partner.objects.public(), pk=pk)
    return render(request, "partners/public/report_thanks.html", {"partner": partner})


def show_card(request):
    """ "Show this screen": the sentence for the venue's staff in French, and in the
    person's language (chosen by plain links, or the page's own language if not French)."""
    form = CardForm(request.GET)
    valid = form.is_valid()
    territory = form.territory()
    code = form.cleaned_data.get("langue") or get_language()
    language = card.LANGUAGES.get(code)
    number = card.number_to_call(territory.code)
    context = {
        "form": form,
        "territory": territory.code,
        "french": card.FRENCH.format(number=number),
        "language": language,
        "sentence": language.sentence(number) if language else "",
        "card_languages": card.LANGUAGES.values(),
        "contact": settings.STAFF_CONTACT_EMAIL,
    }
    return render(request, "partners/public/show.html", context, status=200 if valid else 400)


def after(request):
    """ "Once you are safe": complaints, helplines and reports for one territory."""
    form = TerritoryForm(request.GET)
    valid = form.is_valid()
    territory = form.territory()
    context = {
        "form": form,
        "territory": territory.code,
        "territories": territories.TERRITORIES.values(),
        **aftercare.for_territory(territory.code),
    }
    return render(request, "partners/public/after.html", context, status=200 if valid else 400)

"""The public read side, shared by the API and the public pages: which partners a
search returns and in what order, and which of their fields anyone may see."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db.models import BooleanField, F, Func, Max, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import KIND_GROUPS, Kind, KindGroup, KnnDistance, Partner

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
# `<->` on geography measures on a sphere, up to about 0.6 % off the spheroid: the
# index finds the candidates within this margin, the exact distance ranks them.
SPHERE_MARGIN = 1.02
EVERYWHERE = 20_100_000.0  # metres

GROUP_OF_KIND = {kind: group for group, kinds in KIND_GROUPS.items() for kind in kinds}
KIND_FILTER_CHOICES = [
    (_("Kinds of place"), KindGroup.choices),
    (_("Precise kind"), [(k, label) for k, label in Kind.choices if k not in KindGroup.values]),
]
_BOOLEAN_CHOICES = [("1", "1"), ("0", "0"), ("true", "true"), ("false", "false")]


# The latest-change time when there are no partners at all.
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
_STATE_KEY = "partners:public-state"


def public_state() -> tuple[int, datetime.datetime]:
    """How many partners are approved, and the latest change to any partner.

    Any approval, edit or departure moves one of the two, so together they version
    every public output: the GeoJSON's ETag and cache key, the map's tiles. Counting
    100,000 approved partners takes milliseconds, so the pair is remembered for
    ``PUBLIC_VERSION_TTL`` seconds: a change shows within that delay.
    """
    state = cache.get(_STATE_KEY)
    if state is None:
        last = Partner.objects.aggregate(last=Max("updated_at"))["last"] or EPOCH
        state = (Partner.objects.public().count(), last)
        cache.set(_STATE_KEY, state, settings.PUBLIC_VERSION_TTL)
    return state


def public_version() -> str:
    count, last = public_state()
    return f"{count}-{last.timestamp():.6f}"


def _geography(point: Point):
    return Func(
        Value(point.ewkt), function="ST_GeogFromText", output_field=GeometryField(geography=True)
    )


class WithinSphere(Func):
    """``ST_DWithin`` on the sphere, the measure `<->` uses; index-assisted."""

    function = "ST_DWithin"
    template = "%(function)s(%(expressions)s, false)"
    output_field = BooleanField()


class NearestForm(forms.Form):
    """The parameters of a search, from the API's query string or the list page's form."""

    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    limit = forms.IntegerField(
        label=_("Number of results"), min_value=1, max_value=MAX_LIMIT, required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *KIND_FILTER_CHOICES], required=False
    )
    open_now = forms.TypedChoiceField(
        label=_("Open now"),
        choices=_BOOLEAN_CHOICES,
        coerce=lambda v: v in {"1", "true"},
        required=False,
        empty_value=False,
    )
    step_free = forms.TypedChoiceField(
        label=_("Step-free access"),
        choices=_BOOLEAN_CHOICES,
        coerce=lambda v: v in {"1", "true"},
        required=False,
        empty_value=False,
    )

    def first_error(self) -> str:
        field, errors = next(iter(self.errors.items()))
        return f"{field}: {errors[0]}"


def kinds_of(value: str) -> list[str]:
    """A kind filter's value, a kind or a group of kinds, as the kinds it means."""
    if value in KindGroup.values:
        return [str(k) for k in KIND_GROUPS[KindGroup(value)]]
    return [value] if value else []


def matching(*, kind: str = "", open_now: bool = False, step_free: bool = False, now=None):
    """Approved partners matching the filters."""
    partners = Partner.objects.public()
    if kinds := kinds_of(kind):
        partners = partners.filter(kind__in=kinds)
    if step_free:
        partners = partners.filter(step_free=True)
    if open_now:
        partners = partners.open_at(now or timezone.now())
    return partners


def nearest(partners, point: Point, *, offset: int = 0, limit: int = DEFAULT_LIMIT):
    """``partners`` ranked by true (geodesic) distance from ``point``, annotated with
    ``distance``: rows ``offset`` to ``offset + limit``.

    Two queries, both on the spatial index. The KNN scan (``ORDER BY <->``) finds how
    far the ``offset + limit``-th partner is on the sphere; the partners within that
    radius, plus the sphere's margin of error, are then ranked by their exact distance
    on the spheroid. Ordering by ``<->`` alone would swap partners whose distances
    differ by less than the sphere's error. (Two queries rather than a subquery:
    ``open_at``'s SQL names the partner table and would correlate inside one.)
    """
    geography = _geography(point)
    last = offset + limit
    radius = (
        partners.annotate(knn=KnnDistance(F("location"), geography))
        .order_by("knn")
        .values_list("knn", flat=True)[last - 1 : last]
    )
    radius = next(iter(radius), None)
    # Fewer matches than wanted: half the Earth's circumference covers them all.
    radius = EVERYWHERE if radius is None else radius * SPHERE_MARGIN
    return (
        partners.filter(WithinSphere(F("location"), geography, Value(radius)))
        .annotate(distance=Distance("location", point))
        .order_by("distance", "id")[offset:last]
    )


def opening_state(partner: Partner, now: datetime.datetime):
    """Whether ``partner`` is open at ``now``, and when (venue-local, aware) that
    changes next within a week, or None. Reads the prefetched opening intervals."""
    zone = partner.zone
    local_now = now.astimezone(zone)
    intervals = list(partner.opening_intervals.all())
    is_open = any(interval.covers(local_now) for interval in intervals)
    boundaries = set()
    for offset in range(-1, 8):
        day = local_now.date() + datetime.timedelta(days=offset)
        for interval in intervals:
            if interval.weekday != day.isoweekday():
                continue
            closing_day = day + datetime.timedelta(days=1) if interval.overnight else day
            boundaries.add(datetime.datetime.combine(day, interval.opens, tzinfo=zone))
            boundaries.add(datetime.datetime.combine(closing_day, interval.closes, tzinfo=zone))
    for boundary in sorted(b for b in boundaries if b > local_now):
        if any(interval.covers(boundary) for interval in intervals) != is_open:
            return is_open, boundary
    return is_open, None


# The columns ``public_data`` reads for a list entry: loading no more (the contact's
# phone, notes, arrays) saves a third of the nearest search's time.
LIST_COLUMNS = (
    "name", "kind", "address", "postcode", "city", "department", "location", "phone",
    "website", "step_free", "time_zone", "sticker_number",
)  # fmt: skip


def public_data(partner: Partner, *, now, request, detail: bool = False) -> dict:
    """The one whitelist of what anyone may see of a partner (never the contact person).

    ``partner`` must have its opening intervals prefetched (and, for ``detail``, its
    charter selected); a ``distance`` annotation adds ``distance_m``."""
    is_open, next_change = opening_state(partner, now)
    data = {
        "id": partner.pk,
        "name": partner.name,
        "kind": partner.kind,
        "kind_label": str(Kind(partner.kind).label),
        "group": str(GROUP_OF_KIND[Kind(partner.kind)]),
        "address": partner.address,
        "postcode": partner.postcode,
        "city": partner.city,
        "department": partner.department,
        "lat": round(partner.location.y, 6),
        "lon": round(partner.location.x, 6),
    }
    if hasattr(partner, "distance"):
        data["distance_m"] = round(partner.distance.m)
    data |= {
        # Stored in E.164 once validated by the forms; validating again costs more
        # than the rest of the output.
        "phone": partner.phone.as_e164 if partner.phone else None,
        "website": partner.website or None,
        "step_free": partner.step_free,
        "open_now": is_open,
        "next_change": next_change.isoformat() if next_change else None,
        "time_zone": partner.time_zone,
        "url": request.build_absolute_uri(partner.get_absolute_url()),
        "sticker_number": partner.sticker_number,
    }
    if detail:
        data |= {
            "email": partner.email or None,
            "accessibility_note": partner.accessibility_note,
            "languages": list(partner.languages),
            "welcome_note": partner.welcome_note,
            "opening_hours": [
                {
                    "weekday": interval.weekday,
                    "opens": interval.opens.strftime("%H:%M"),
                    "closes": interval.closes.strftime("%H:%M"),
                }
                for interval in partner.opening_intervals.all()
            ],
            "charter_version": partner.charter.version if partner.charter else None,
        }
    return data


class ListSearchForm(NearestForm):
    """The list page's search: a town, postcode or address (``q``), or a position
    (``lat``/``lon``, e.g. from "Me localiser"); the kind and the two checkboxes."""

    q = forms.CharField(
        label=_("Town, postcode or address"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "search"}),
    )
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    limit = None
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)

    field_order = ["q", "kind", "open_now", "step_free", "lat", "lon"]

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None) and not data.get("q"):
            raise forms.ValidationError(_("A position needs both a latitude and a longitude."))
        return data


class ByDistance:
    """The ``cap`` nearest of a search, sliced page by page for Django's Paginator."""

    def __init__(self, partners, point: Point, *, cap: int):
        self.partners, self.point, self.cap = partners, point, cap

    def count(self) -> int:
        # Counting stops at the cap: "open now" is checked partner by partner.
        return self.partners.order_by()[: self.cap].count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice):
        if page.stop <= page.start:  # an empty search's only page
            return []
        return list(
            nearest(self.partners, self.point, offset=page.start, limit=page.stop - page.start)
        )

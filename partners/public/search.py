"""The public read side, shared by the API and the public pages: which partners a
search returns and in what order, and which of their fields anyone may see."""

import datetime
import functools
import zoneinfo
from typing import NamedTuple

import psycopg
from django import forms
from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Max
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from psycopg import sql

from partners.domain import territories
from partners.models import (
    KIND_GROUPS,
    NIGHT_HOURS,
    OPEN_AT_SQL,
    WEEK_PREFETCH,
    Kind,
    KindGroup,
    Partner,
    ScheduleMoment,
    Status,
    open_in_hour,
)
from partners.public.fields import Reading, Shown, sql_columns, values

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
# A search answers only places within reach: at most this far from the searched point
# (``max_km`` may ask for less), and in the territory that holds the point. A person in
# Paris at 03:00 is not helped by a place open in Papeete, nor one in Wallis by Nouméa.
MAX_KM = 50
# `<->` on geography measures on a sphere (PostGIS's, of radius R = (2a + b) / 3), up to
# 0.56 % off the spheroid: a partner at a true distance d is within d times this margin
# on the sphere. The bound is R over the spheroid's smallest radius of curvature (the
# meridian's at the equator): d × 1.0056143 anywhere (tests/public/test_nearest_ranking.py).
# The index finds the candidates within this margin, the exact distance ranks them.
SPHERE_MARGIN = 1.006

# What a kind filter may be: a group of kinds, or a kind (some kinds are groups of their
# own). The API's `kind` parameter accepts these values and no other, the OpenAPI
# document lists them (``partners/public/openapi.py``), the list page offers them.
KIND_FILTER_CHOICES = [
    (_("Kinds of place"), KindGroup.choices),
    (_("Precise kind"), [(k, label) for k, label in Kind.choices if k not in KindGroup.values]),
]
KIND_FILTERS = [value for _group, choices in KIND_FILTER_CHOICES for value, _label in choices]


def _kind_choices():
    return [("", _("All kinds")), *KIND_FILTER_CHOICES]


# The places look-up's `q`, for the API's view and its OpenAPI document alike: at most
# this many characters as sent, and a character other than the ones Python's strip() takes
# as spaces. The class names them rather than saying `\S`: Python, JavaScript and
# Hypothesis each read `\s` differently (U+001F, U+0085, U+FEFF). No NUL anywhere: the
# site refuses one in any query string (enlieusur/guards.py).
PLACE_QUERY_MAX_LENGTH = 200
_NOT_A_SPACE = (
    "[^\\x00\\t-\\r\\x1c- \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
)
PLACE_QUERY_PATTERN = f"^[^\\x00]*{_NOT_A_SPACE}[^\\x00]*$"


# A yes-or-no filter's values, for the form and the OpenAPI document alike.
BOOLEAN_VALUES = ("1", "0", "true", "false")
_TRUE_VALUES = {"1", "true"}


def _yes_no_filter(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[(value, value) for value in BOOLEAN_VALUES],
        coerce=lambda value: value in _TRUE_VALUES,
        required=False,
        empty_value=False,
    )


# The latest-change time when there are no partners at all.
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
# "-2": the state gained the schedule's moments (a deployment must not read the old pair).
PUBLIC_STATE_KEY = "partners:public-state-2"
_UNREAD = object()


def public_state(kept=_UNREAD) -> tuple[int, datetime.datetime, tuple[int, ...]]:
    """How many partners are approved, the latest change to any partner, and the moments
    of the day (seconds since midnight, venue-local) at which some venue opens or closes.

    Any approval, edit or departure moves one of the first two, so together they version
    every public output: the GeoJSON's ETag and cache key, the map's tiles, the kept
    nearest answers, which also hold only until the next moment (``hours.next_moment``).
    Counting 100,000 approved partners takes milliseconds, so the state is remembered for
    ``PUBLIC_VERSION_TTL`` seconds: a change shows within that delay.
    ``kept``: what the caller already read at ``PUBLIC_STATE_KEY``, None when nothing
    was there (the kept answers read it with the answer, in one round trip).
    """
    state = cache.get(PUBLIC_STATE_KEY) if kept is _UNREAD else kept
    if state is None:
        last = Partner.objects.aggregate(last=Max("updated_at"))["last"] or EPOCH
        count = Partner.objects.public().count()
        # Read after the version: a change between the two reads gives an old version
        # with new moments (answers that hold less long), never the reverse.
        moments = tuple(
            at.hour * 3600 + at.minute * 60 + at.second
            for at in ScheduleMoment.objects.values_list("at", flat=True)
        )
        state = (count, last, moments)
        cache.set(PUBLIC_STATE_KEY, state, settings.PUBLIC_VERSION_TTL)
    return state


def public_version(kept=_UNREAD) -> str:
    count, last, _moments = public_state(kept)
    return f"{count}-{last.timestamp():.6f}"


def _more_than_zero(value: float) -> None:
    if value <= 0:
        raise forms.ValidationError(_("Give a distance greater than 0 km."))


def _max_km_field(**options) -> forms.FloatField:
    return forms.FloatField(
        label=_("Within (km)"),
        max_value=MAX_KM,
        validators=[_more_than_zero],
        required=False,
        **options,
    )


class QueryForm(forms.Form):
    """A form for an API's query string."""

    @classmethod
    def parse(cls, data) -> tuple[dict, str | None]:
        """The API's way through the form: its fields clean ``data`` without a form
        being built (building one copies every field, a sixth of a nearest search's
        time; fields keep no state when they clean). Returns the cleaned data, and the
        first error as "field: message", or None.

        A parameter given with no value (`kind=`) is refused: optional means "leave it
        out", as OpenAPI's default ``allowEmptyValue: false`` says in the API's document."""
        cleaned = {}
        for name, field in cls.base_fields.items():
            value = field.widget.value_from_datadict(data, {}, name)
            if value == "":
                return cleaned, f"{name}: {field.error_messages['required']}"
            try:
                cleaned[name] = field.clean(value)
            except forms.ValidationError as error:
                return cleaned, f"{name}: {error.messages[0]}"
        return cleaned, None


class NearestForm(QueryForm):
    """The parameters of a search, from the API's query string or the list page's form."""

    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    limit = forms.IntegerField(
        label=_("Number of results"), min_value=1, max_value=MAX_LIMIT, required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_FILTER_CHOICES, required=False)
    open_now = _yes_no_filter(_("Open now"))
    step_free = _yes_no_filter(_("Step-free access"))
    max_km = _max_km_field()


def kinds_of(value: str) -> list[str]:
    """A kind filter's value, a kind or a group of kinds, as the kinds it means."""
    if value in KindGroup.values:
        return [str(k) for k in KIND_GROUPS[KindGroup(value)]]
    return [value] if value else []


class Reach(NamedTuple):
    """Where a search from a point (``lon``, ``lat``) may answer: within ``km`` of it, in
    the territory that holds it. A point in no territory (the open sea) reaches nothing."""

    lon: float
    lat: float
    km: float = MAX_KM

    @property
    def territory(self) -> territories.Territory | None:
        return territories.containing(self.lat, self.lon)

    @property
    def point(self) -> Point:
        return Point(self.lon, self.lat, srid=4326)


def matching(
    *,
    kind: str = "",
    open_now: bool = False,
    step_free: bool = False,
    now=None,
    reach: Reach | None = None,
):
    """Approved partners matching the filters (within ``reach`` when given)."""
    partners = Partner.objects.public()
    if reach is not None:
        territory = reach.territory
        if territory is None:
            return partners.none()
        partners = partners.filter(
            territory_code=territory.code, location__dwithin=(reach.point, D(km=reach.km))
        )
    if kinds := kinds_of(kind):
        partners = partners.filter(kind__in=kinds)
    if step_free:
        partners = partners.filter(step_free=True)
    if open_now:
        now = now or timezone.now()
        if reach is not None and (hour := _night_hour(territory, now)) is not None:
            partners = partners.filter(open_in_hour(hour))
        partners = partners.open_at(now)
    return partners


def _night_hour(territory: territories.Territory, now: datetime.datetime) -> int | None:
    """The hour of ``now`` in ``territory`` when it is one of the ``NIGHT_HOURS``: a
    search for places open now reads then only the places open at that hour (their own
    index, partners/models.py). A territory has one time zone, its partners' own."""
    hour = now.astimezone(zoneinfo.ZoneInfo(territory.timezone)).hour
    return hour if hour in NIGHT_HOURS else None


def opening_state(partner: Partner, now: datetime.datetime):
    """Whether ``partner`` is open at ``now``, and when (venue-local, aware) that
    changes next (``Week.state``), or None. Reads the prefetched ``WEEK_PREFETCH``."""
    return partner.week().state(now.astimezone(partner.zone))


# Approved, written in the statements rather than passed: they are prepared
# (``PreparedCursor``), and a generic plan uses the partial indexes of approved partners
# (partners/models.py) only when it sees their condition.
_APPROVED = sql.Literal(str(Status.APPROVED))

# The nearest search and the API's partner detail are written in SQL, not built with the
# ORM: building and compiling the queries cost Django more than PostgreSQL spends running
# them (make bench, BENCHMARKS.md). What they may read, their SELECT lists, comes from
# the one declaration of public fields (``partners/public/fields.py``): the contact
# person's columns never leave the database.
_DETAIL_SQL = (
    sql.SQL("""
SELECT {public}
FROM partners_partner p LEFT JOIN partners_charter c ON c.id = p.charter_id
WHERE p.id = %(id)s AND p.status = {approved}""")
    .format(public=sql.SQL(sql_columns(Shown.DETAIL)), approved=_APPROVED)
    .as_string()
)

# One scan of the spatial index in one statement, two in a rare case, bounded by the reach
# (the territory, and ``reach`` metres on the spheroid). The first (``near``) walks the
# index in `<->` order (KNN) and keeps the nearest matches on the sphere within the box
# around the reach: the ``last`` the page needs, half as many more and 5. It names the box
# (``&&``, what ST_DWithin gives the index) rather than ST_DWithin itself: PostgreSQL would
# count ST_DWithin's selectivity twice, expect a handful of rows, and sort every partner
# within 50 km instead of walking the index nearest first (make bench: 300 ms instead of
# 1 ms in Paris).
#
# `<->` measures on a sphere, up to about 0.6 % off the true (spheroid) distance, and the
# answer is ranked by the true distance: ordering by `<->` alone would swap partners whose
# distances differ by less than the sphere's error. A partner among the ``last`` nearest
# is no farther than the ``last``-th nearest of the matches the walk found, on the
# spheroid, so no farther than that times the margin on the sphere (``edge``).
# - When the walk went past that sphere distance, or saw every match within reach, it
#   holds every partner that can be on the page: they are ranked by their true distance
#   (``matched``: their filters have run). That is nearly always the case: the ring
#   between the ``last``-th sphere distance and the edge holds a few per cent of
#   ``last`` partners (a dense cluster's edge at a million partners: 6), fewer than the
#   half more the walk keeps.
# - Else the second scan takes every partner within the edge on the sphere, ranks them by
#   their true distance, and the filters run on that ranked list, nearest first, until the
#   page is full: "open now" (a subquery a partner) runs on a few dozen at most.
# ``OFFSET 0`` keeps PostgreSQL from merging the ranked list into the outer query, which
# would run the filters on every partner of the radius's bounding box first.
_NEAREST_SQL = """
WITH near AS MATERIALIZED (
    SELECT q.id, q.location <-> %(here)s::geography AS sphere,
        ST_Distance(q.location, %(here)s::geography) AS distance
    FROM partners_partner q
    WHERE {inner} AND q.location && _ST_Expand(%(here)s::geography, %(reach)s)
    ORDER BY q.location <-> %(here)s::geography
    LIMIT %(last)s + %(last)s / 2 + 5
), walk AS MATERIALIZED (
    SELECT edge, seen < %(last)s + %(last)s / 2 + 5 OR farthest > edge AS holds_the_page
    FROM (
        SELECT count(*) AS seen, max(sphere) AS farthest, LEAST(
            (array_agg(distance ORDER BY distance))[%(last)s], %(reach)s
        ) * %(margin)s AS edge
        FROM near
    ) AS walked
)
SELECT {public}, p.distance
FROM (
    SELECT partners_partner.*, page.distance, true AS matched
    FROM (
        SELECT id, distance FROM near WHERE (SELECT holds_the_page FROM walk)
        ORDER BY distance, id LIMIT %(last)s
    ) AS page JOIN partners_partner USING (id)
    UNION ALL
    SELECT *, ST_Distance(location, %(here)s::geography) AS distance, false AS matched
    FROM partners_partner
    WHERE NOT (SELECT holds_the_page FROM walk) AND ST_DWithin(
        location, %(here)s::geography, (SELECT edge FROM walk), false)
    ORDER BY distance, id
    OFFSET 0
) AS p
WHERE (p.matched OR {outer}) AND p.distance <= %(reach)s
ORDER BY p.distance, p.id
OFFSET %(offset)s LIMIT %(limit)s"""


def _conditions(
    alias: str,
    *,
    by_kind: bool,
    open_now: bool,
    step_free: bool,
    opens_later: bool,
    night_hour: int | None,
):
    """``matching``'s filters, in SQL, on the partner table named ``alias``; and, for
    ``opens_later``, closed now but with opening hours (so opening later: within a week,
    or once its closures are over).

    ``night_hour``: "open now" at that hour of the night (``NIGHT_HOURS``), in the
    territory's time. Only the places open at some minute of that hour are read, through
    their own index: the condition is written as the index's (``open_in_hour``), so that
    PostgreSQL sees it applies."""
    table = sql.Identifier(alias)
    conditions = [
        sql.SQL("{}.status = {}").format(table, _APPROVED),
        sql.SQL("{}.territory_code = %(territory)s").format(table),
    ]
    if night_hour is not None:
        conditions.append(
            sql.SQL("({}.open_hours_of_day & {}) > 0").format(table, sql.Literal(1 << night_hour))
        )
    if by_kind:
        conditions.append(sql.SQL("{}.kind = ANY(%(kinds)s)").format(table))
    if step_free:
        conditions.append(sql.SQL("{}.step_free").format(table))
    open_at = sql.SQL(OPEN_AT_SQL).format(
        partner=sql.SQL("{}.id").format(table),
        zone=sql.SQL("{}.time_zone").format(table),
        when=sql.SQL("%(now)s"),
    )
    if open_now:
        conditions.append(open_at)
    if opens_later:
        conditions.append(sql.SQL("NOT {}").format(open_at))
        conditions.append(
            sql.SQL(
                "EXISTS (SELECT 1 FROM partners_openinginterval h WHERE h.partner_id = {}.id)"
            ).format(table)
        )
    return sql.SQL(" AND ").join(conditions)


@functools.cache
def _nearest_sql(
    by_kind: bool, *, open_now: bool, step_free: bool, opens_later: bool, night_hour: int | None
) -> str:
    """The nearest search's SQL for one combination of filters, composed once."""
    filters = {
        "by_kind": by_kind,
        "open_now": open_now,
        "step_free": step_free,
        "opens_later": opens_later,
        "night_hour": night_hour,
    }
    return (
        sql.SQL(_NEAREST_SQL)
        .format(
            public=sql.SQL(sql_columns(Shown.NEAREST)),
            outer=_conditions("p", **filters),
            inner=_conditions("q", **filters),
        )
        .as_string()
    )


class PreparedCursor(psycopg.Cursor):
    """A psycopg cursor binding its parameters on the server, so that its statements are
    prepared, once a connection (the connections' ``prepare_threshold``, settings.py).

    Django's cursors bind parameters on the client and never prepare. The nearest
    search and the partner detail run the same few statements thousands of times on
    each worker's kept connection: prepared, PostgreSQL parses them once, not once a
    search, and plans them once when their generic plan is as good (PostgreSQL's CPU a
    search fell from about 4.0 to 2.4 ms, BENCHMARKS.md). A pooler in front of PostgreSQL
    must keep prepared statements (README, "Scaling"). A deployment migrates, then
    restarts the workers: their new connections prepare the statements again."""


def _rows(query: str, params: dict) -> list[dict]:
    connection = connections[router.db_for_read(Partner)]
    # As Django's own cursor() does: the connection's health checked once a request,
    # opened if need be, the query logged when queries are (tests, DEBUG).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    prepared = PreparedCursor(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(prepared) as cursor:
        cursor.execute(query, params)
        if connection.queries_logged:
            # Logged with its values written in, as Django logs a query bound on the
            # server (``compose_sql``): what the log shows runs as it reads.
            connection.queries_log[-1]["sql"] = connection.ops.compose_sql(query, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def nearest(
    reach: Reach,
    *,
    kind: str = "",
    open_now: bool = False,
    step_free: bool = False,
    opens_later: bool = False,
    now: datetime.datetime,
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> list[dict]:
    """The partners ``matching`` the filters within ``reach``, ranked by true (geodesic)
    distance from its point, then by id: ``public_data`` rows ``offset`` to
    ``offset + limit``, each with its ``distance`` in metres. One query, on the spatial
    index. ``opens_later``: only partners closed at ``now`` that have opening hours."""
    territory = reach.territory
    if territory is None:
        return []
    kinds = kinds_of(kind)
    query = _nearest_sql(
        bool(kinds),
        open_now=open_now,
        step_free=step_free,
        opens_later=opens_later,
        night_hour=_night_hour(territory, now) if open_now else None,
    )
    params = {
        "here": f"SRID=4326;POINT({reach.lon!r} {reach.lat!r})",
        "territory": territory.code,
        "reach": reach.km * 1000,
        "kinds": kinds,
        "now": now,
        "last": offset + limit,
        "offset": offset,
        "limit": limit,
        "margin": SPHERE_MARGIN,
    }
    return _rows(query, params)


def next_open(reach: Reach, *, kind: str = "", step_free: bool = False, now) -> dict | None:
    """What to offer when nothing open is within reach: the nearest partner within reach
    (with the other filters) that is closed at ``now`` and opens later. Every place with
    opening hours opens later (within a week, or once its closures are over); its
    ``next_change`` is when."""
    rows = nearest(reach, kind=kind, step_free=step_free, opens_later=True, now=now, limit=1)
    return rows[0] if rows else None


def detail_row(pk: int, *, now: datetime.datetime) -> dict | None:
    """An approved partner's public columns, for ``public_data(..., shown=Shown.DETAIL)``;
    its closures are those not over at ``now``."""
    rows = _rows(_DETAIL_SQL, {"id": pk, "now": now})
    return rows[0] if rows else None


_SAMPLE_ID = 999_999_999


@functools.lru_cache(maxsize=64)
def _sample_detail_path(language: str, urlconf, prefix: str) -> str:
    """A partner page's path, reversed once a worker for each language, URLconf and script
    prefix, the arguments being what ``reverse`` reads (reversing took a nearest search a
    tenth of a millisecond)."""
    return reverse("partners:detail", args=[_SAMPLE_ID])


class DetailUrls:
    """Partner pages' absolute URLs for one request (without one, on ``SITE_URL``: the
    open-data files a command writes): reversed once, not once a partner."""

    def __init__(self, request=None):
        urlconf = get_urlconf(settings.ROOT_URLCONF)
        path = _sample_detail_path(get_language(), urlconf, get_script_prefix())
        url = request.build_absolute_uri(path) if request else settings.SITE_URL.rstrip("/") + path
        self._prefix, self._suffix = url.rsplit(str(_SAMPLE_ID), 1)

    def detail(self, pk: int) -> str:
        return f"{self._prefix}{pk}{self._suffix}"


def public_data(row: dict, *, now, urls: DetailUrls, shown: Shown = Shown.NEAREST) -> dict:
    """What anyone may see of a partner, from a ``nearest`` (``Shown.NEAREST``) or
    ``detail_row`` (``Shown.DETAIL``) row: the declared public fields, in their order."""
    return values(Reading(row, now=now, urls=urls), shown)


class ListSearchForm(NearestForm):
    """The list page's search: a town, postcode or address (``q``), or a position
    (``lat``/``lon``, e.g. from "Me localiser"); the kind and the two checkboxes.

    ``place`` is the place chosen among those ``q`` matches (its id, ``gazetteer.places``
    ``pick``): the choice of homonyms, kept in the URL. The home page's form sends the
    same two parameters."""

    q = forms.CharField(
        label=_("Town, postcode or address"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "enterkeyhint": "search", "data-place-combobox": ""}
        ),
    )
    # Any text: an id that is not one of q's places is ignored (``pick``).
    place = forms.CharField(required=False, strip=True, widget=forms.HiddenInput)
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    limit = None
    # Choices as a callable: a form copies its fields, and copying translated labels is slow.
    kind = forms.ChoiceField(label=_("Kind"), choices=_kind_choices, required=False)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    max_km = _max_km_field(widget=forms.HiddenInput)

    field_order = ["q", "place", "kind", "open_now", "step_free", "lat", "lon", "max_km"]

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None) and not data.get("q"):
            raise forms.ValidationError(_("A position needs both a latitude and a longitude."))
        return data


def nothing_within_reach(reach: Reach, *, open_now: bool, filtered: bool) -> str:
    """The plain answer of a search that found nothing (``filtered``: by kind or access)."""
    if reach.territory is None:
        return gettext(
            "No safe place within reach: this position is in none of the network's territories."
        )
    if open_now:
        message = (
            gettext("No safe place open within %(km)s km matches these filters.")
            if filtered
            else gettext("No safe place open within %(km)s km.")
        )
    else:
        message = (
            gettext("No safe place within %(km)s km matches these filters.")
            if filtered
            else gettext("No safe place within %(km)s km.")
        )
    return message % {"km": floatformat(reach.km, -1)}


def as_partners(rows: list[dict]) -> list[Partner]:
    """``nearest`` rows as partners (hours and closures prefetched) with their ``distance``."""
    found = Partner.objects.prefetch_related(*WEEK_PREFETCH).in_bulk([row["id"] for row in rows])
    partners = []
    for row in rows:
        partner = found[row["id"]]
        partner.distance = row["distance"]
        partners.append(partner)
    return partners


class ByDistance:
    """The ``cap`` nearest within ``reach`` of a search (``filters``: ``matching``'s
    arguments), as partners with their ``distance`` in metres, page by page for Django's
    Paginator."""

    def __init__(self, reach: Reach, *, cap: int, **filters):
        self.reach, self.cap, self.filters = reach, cap, filters

    def count(self) -> int:
        # Counting stops at the cap: "open now" is checked partner by partner.
        return matching(**self.filters, reach=self.reach).order_by()[: self.cap].count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice):
        if page.stop <= page.start:  # an empty search's only page
            return []
        return as_partners(
            nearest(self.reach, **self.filters, offset=page.start, limit=page.stop - page.start)
        )

import datetime
import zoneinfo
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Case, Count, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Lower
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from partners.domain import coverage, territories
from partners.domain.hours import Week
from partners.domain.validators import validate_siret

postcode_validator = RegexValidator(r"^\d{5}$", _("A postcode has five digits."))
insee_validator = RegexValidator(r"^(\d{5}|2[AB]\d{3})$", _("An INSEE code has five characters."))


class Kind(models.TextChoices):
    LIBRARY = "library", _("Library")
    SWIMMING_POOL = "swimming_pool", _("Swimming pool")
    TOWN_HALL = "town_hall", _("Town hall")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    PUBLIC_OTHER = "public_other", _("Other public service")
    SHOP = "shop", _("Shop")
    BAR_RESTAURANT = "bar_restaurant", _("Bar or restaurant")
    PHARMACY = "pharmacy", _("Pharmacy")
    BANK = "bank", _("Bank")
    COMPANY = "company", _("Company")
    MEDICAL_OFFICE = "medical_office", _("Medical office")
    BUSINESS_OTHER = "business_other", _("Other business")
    ASSOCIATION = "association", _("Association premises")
    SCHOOL = "school", _("School or university")
    OTHER = "other", _("Other")


class KindGroup(models.TextChoices):
    PUBLIC_SERVICE = "public", _("Public service")
    BUSINESS = "business", _("Business")
    ASSOCIATION = "association", _("Association")
    SCHOOL = "school", _("School or university")
    OTHER = "other", _("Other")


KIND_GROUPS = {
    KindGroup.PUBLIC_SERVICE: [
        Kind.LIBRARY,
        Kind.SWIMMING_POOL,
        Kind.TOWN_HALL,
        Kind.COMMUNITY_CENTRE,
        Kind.PUBLIC_OTHER,
    ],
    KindGroup.BUSINESS: [
        Kind.SHOP,
        Kind.BAR_RESTAURANT,
        Kind.PHARMACY,
        Kind.BANK,
        Kind.COMPANY,
        Kind.MEDICAL_OFFICE,
        Kind.BUSINESS_OTHER,
    ],
    KindGroup.ASSOCIATION: [Kind.ASSOCIATION],
    KindGroup.SCHOOL: [Kind.SCHOOL],
    KindGroup.OTHER: [Kind.OTHER],
}
BUSINESS_KINDS = KIND_GROUPS[KindGroup.BUSINESS]


class Status(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Awaiting email confirmation")
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Revoked")


# A venue may still edit, or leave, in these statuses.
ACTIVE_STATUSES = (Status.UNCONFIRMED, Status.PENDING, Status.APPROVED, Status.SUSPENDED)


class PinSource(models.TextChoices):
    """Who put a partner's pin where it is. Only a pin at the town centre is unconfirmed:
    staff place it on the venue's door before approving (``services.decisions``)."""

    VENUE = "venue", _("placed by the venue")
    GEOCODER = "geocoder", _("placed from the address by the geocoder")
    TOWN = "town", _("town centre only (unconfirmed)")
    STAFF = "staff", _("placed or confirmed by staff")


class Refuse(pgtrigger.Protect):
    """A PostgreSQL trigger refusing a change with ``message``. The error is a
    restrict_violation, which Django raises as an IntegrityError, like a constraint's."""

    def __init__(self, *, message: str, **kwargs):
        self.message = message
        super().__init__(**kwargs)

    def get_func(self, model):
        return f"RAISE EXCEPTION '{self.message}' USING ERRCODE = 'restrict_violation';"


def append_only(
    *, name: str, message: str, parent: str = "", signer: str = ""
) -> pgtrigger.Trigger:
    """A trigger refusing every UPDATE and DELETE of a record (with ``message``, a
    restrict_violation, raised by Django as an IntegrityError), but what its foreign keys
    do on their own:

    - ``parent``, a ``DB_CASCADE`` key: the rows deleted with their parent (the parent's
      row is gone when PostgreSQL's cascade deletes them);
    - ``signer``, a ``DB_SET_NULL`` key to an account: the account's deletion empties the
      link, nothing else changed.

    Anything else that must delete such rows (a retention purge, the RGPD's erasure) says
    so with ``pgtrigger.ignore("partners.Model:name")``.
    """
    # The SQL names below are the model's own fields and tables (code, never input).
    lines = []
    if parent:
        lines += [
            "IF TG_OP = 'DELETE' AND NOT EXISTS (",
            f"    SELECT 1 FROM {{fields.{parent}.related_model._meta.db_table}}",  # noqa: S608  # nosec B608
            f"    WHERE id = OLD.{{columns.{parent}}}",
            ") THEN",
            "    RETURN OLD;",
            "END IF;",
        ]
    if signer:
        unsigned = (
            f"to_jsonb(NEW) - '{{columns.{signer}}}' = to_jsonb(OLD) - '{{columns.{signer}}}'"
        )
        lines += [
            f"IF TG_OP = 'UPDATE' AND NEW.{{columns.{signer}}} IS NULL AND NOT EXISTS (",
            f"    SELECT 1 FROM {{fields.{signer}.related_model._meta.db_table}}",  # noqa: S608  # nosec B608
            f"    WHERE id = OLD.{{columns.{signer}}}",
            f") AND {unsigned} THEN",
            "    RETURN NEW;",
            "END IF;",
        ]
    lines += [f"RAISE EXCEPTION '{message}'", "    USING ERRCODE = 'restrict_violation';"]
    # One statement a line, as the first of these triggers were written (their SQL, and so
    # their migrations, unchanged).
    indent = "\n" + " " * 20
    return pgtrigger.Trigger(
        name=name,
        operation=pgtrigger.Update | pgtrigger.Delete,
        when=pgtrigger.Before,
        func=pgtrigger.Func(indent + indent.join(lines) + indent),
    )


class Charter(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text"))
    published_on = models.DateField(_("published on"))

    class Meta:
        ordering = ["-version"]
        verbose_name = _("charter")
        verbose_name_plural = _("charters")
        # Partners accept the charter as published: from its publication day (as
        # ``current`` counts days, in TIME_ZONE) it is never changed, unpublished or deleted.
        triggers = [
            Refuse(
                name="published_charter_is_final",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Condition(
                    f"OLD.published_on <= (now() AT TIME ZONE '{settings.TIME_ZONE}')::date"
                ),
                message="A published charter is never changed or deleted.",
            )
        ]

    def __str__(self):
        return _("Charter v%(version)s") % {"version": self.version}

    @classmethod
    def current(cls):
        return cls.objects.filter(published_on__lte=timezone.localdate()).first()


# Whether a partner is open at an instant, read in its own time zone: the rule's one SQL
# text, used by the ORM (``OpenAt``) and by the nearest search's hand-written query
# (``partners.public``). ``hours.Week`` is its Python twin, tested against it. An interval
# closing earlier than it opens runs past midnight into the next day; one closing when it
# opens lasts 24 hours, and the only such interval allowed, 00:00–00:00, is the whole day
# ("24 h/24", ``OpeningInterval.whole_day``). A dated closure (``Closure``) closes the
# whole venue-local days it covers: the part of an evening's opening that runs past
# midnight into a closed day is closed, the part before midnight stays open, and so does
# the night of a closure's last day once past midnight.
OPEN_AT_SQL = """EXISTS (
    SELECT 1 FROM (SELECT timezone({zone}, {when}) AS t) AS local
    JOIN partners_openinginterval oi ON oi.partner_id = {partner} AND (
        (oi.weekday = EXTRACT(ISODOW FROM local.t) AND oi.opens <= local.t::time
            AND (oi.closes > local.t::time OR oi.closes <= oi.opens))
        OR (oi.weekday = EXTRACT(ISODOW FROM local.t - interval '1 day')
            AND oi.closes <= oi.opens AND oi.closes > local.t::time))
    WHERE NOT EXISTS (
        SELECT 1 FROM partners_closure cl WHERE cl.partner_id = oi.partner_id
            AND cl.starts <= local.t::date AND cl.ends >= local.t::date))"""


# The hours of the night, venue-local: few places are open then, so a search for places
# open now would check every place within reach (in central Paris, 19,000 at 100,000
# partners) before finding the few. For each of these hours an index holds only the places
# open at some minute of it (``Partner.open_hours_of_day``); the nearest search walks it
# (partners/public/search.py) and ``OPEN_AT_SQL`` still decides.
NIGHT_HOURS = (21, 22, 23, 0, 1, 2, 3, 4, 5, 6)


def open_in_hour(hour: int) -> Q:
    """Partners open at some minute of ``hour`` (venue-local) on some day: the condition
    of that hour's index, as a query must say it for PostgreSQL to use the index."""
    return Q(GreaterThan(F("open_hours_of_day").bitand(1 << hour), 0))


# ``Partner.open_hours_of_day`` of the partners whose ids ``changed`` (an SQL query) lists,
# from their opening intervals: bit ``h`` is set when an interval, on any day, is open at
# some minute from h:00 to h:59. An interval closing earlier than it opens runs past midnight;
# 00:00–00:00 is the whole day (``OPEN_AT_SQL``).
_OPEN_HOURS_SQL = """
UPDATE partners_partner p SET open_hours_of_day = hours.bits
FROM (
    SELECT c.partner_id, coalesce(bit_or(1 << h.h) FILTER (WHERE CASE
        WHEN oi.closes <= oi.opens THEN extract(epoch FROM oi.opens) < (h.h + 1) * 3600
            OR extract(epoch FROM oi.closes) > h.h * 3600
        ELSE extract(epoch FROM oi.opens) < (h.h + 1) * 3600
            AND extract(epoch FROM oi.closes) > h.h * 3600 END), 0) AS bits
    FROM (SELECT DISTINCT partner_id FROM ({changed}) AS changed) AS c
    LEFT JOIN partners_openinginterval oi ON oi.partner_id = c.partner_id
    LEFT JOIN generate_series(0, 23) AS h(h) ON true
    GROUP BY c.partner_id
) AS hours
WHERE p.id = hours.partner_id AND p.open_hours_of_day <> hours.bits"""


# The times of day of the intervals a statement wrote (``new_rows``), added to
# ``ScheduleMoment``.
_MOMENTS_SQL = """
INSERT INTO partners_schedulemoment (at)
SELECT opens FROM new_rows UNION SELECT closes FROM new_rows
ON CONFLICT DO NOTHING"""


def _open_hours_kept(operation, changed: str, referencing) -> pgtrigger.Trigger:
    """A trigger keeping ``Partner.open_hours_of_day`` after ``operation`` on opening
    intervals, and ``ScheduleMoment`` after an insert or an update: once a statement,
    however many rows it touched (seed_demo copies 500,000)."""
    moments = _MOMENTS_SQL + ";\n" if operation in (pgtrigger.Insert, pgtrigger.Update) else ""
    return pgtrigger.Trigger(
        name=f"open_hours_kept_on_{operation.name.lower()}",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=referencing,
        func=_OPEN_HOURS_SQL.format(changed=changed) + ";\n" + moments + "RETURN NULL;",
    )


class OpenAt(Func):
    """``OPEN_AT_SQL`` for the partner of the current row, at the instant ``when``."""

    output_field = models.BooleanField()
    _names = ("partner", "zone", "when")

    def __init__(self, when: datetime.datetime):
        super().__init__(F("pk"), F("time_zone"), Value(when, models.DateTimeField()))

    def as_sql(self, compiler, connection, **extra_context):
        compiled = {
            name: compiler.compile(expression)
            for name, expression in zip(self._names, self.get_source_expressions(), strict=True)
        }
        sql = OPEN_AT_SQL.format(**{name: part[0] for name, part in compiled.items()})
        # Each name appears once in the text: the parameters go in the order they appear.
        order = sorted(self._names, key=lambda name: OPEN_AT_SQL.index(f"{{{name}}}"))
        return sql, [param for name in order for param in compiled[name][1]]


class KnnDistance(Func):
    """PostGIS' ``<->`` distance operator, the one a GiST index can order by."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = models.FloatField()


class PartnerQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Status.APPROVED)

    def open_at(self, when: datetime.datetime):
        """Partners open at the instant ``when``, read in each one's own time zone."""
        return self.filter(OpenAt(when))

    def by_distance(self, point: Point):
        # Ordering by ``<->`` lets PostgreSQL walk the GiST index nearest first (KNN) and
        # stop at the LIMIT; ordering by ST_Distance would compute and sort every row
        # (make bench: 1 s instead of 1 ms at 100,000 partners). The annotated distance
        # is the exact geodesic one, in metres.
        here = Value(point, output_field=models.PointField(geography=True, srid=4326))
        return self.annotate(distance=Distance("location", point)).order_by(
            KnnDistance("location", here)
        )

    def with_trained_people(self, at: datetime.datetime | None = None):
        """Each partner's ``trained_people``: its staff whose training is still valid at
        ``at`` (now by default). A subquery, not a join: other annotations stay exact."""
        valid = (
            TrainingCompletion.objects.valid(at)
            .filter(partner=OuterRef("pk"))
            .order_by()
            .values("partner")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(trained_people=Coalesce(Subquery(valid), 0))


def _territory_expression(attribute: str):
    """A territory's ``attribute`` for the partner's département: overseas départements and
    collectivities are their own territory, every other département is the mainland's."""
    mainland = territories.TERRITORIES[territories.MAINLAND]
    return Case(
        *[
            When(department=code, then=Value(getattr(t, attribute)))
            for code, t in territories.TERRITORIES.items()
            if code != territories.MAINLAND
        ],
        default=Value(getattr(mainland, attribute)),
    )


class Partner(models.Model):
    name = models.CharField(_("public name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    address = models.CharField(_("street address"), max_length=250)
    postcode = models.CharField(_("postcode"), max_length=5, validators=[postcode_validator])
    city = models.CharField(_("town"), max_length=120)
    insee_code = models.CharField(
        _("INSEE commune code"), max_length=5, blank=True, validators=[insee_validator]
    )
    department = models.CharField(
        _("département"), max_length=3, choices=territories.DEPARTMENT_CHOICES
    )
    time_zone = models.GeneratedField(
        expression=_territory_expression("timezone"),
        output_field=models.CharField(max_length=40),
        db_persist=True,
        verbose_name=_("time zone"),
    )
    # A search answers only places in the searcher's own territory (partners/public/search.py).
    territory_code = models.GeneratedField(
        expression=_territory_expression("code"),
        output_field=models.CharField(max_length=9),
        db_persist=True,
        verbose_name=_("territory"),
    )
    # Geography: distances and KNN ordering in metres on the spheroid, valid in
    # every territory from Saint-Pierre to Nouméa.
    location = models.PointField(_("location"), geography=True, srid=4326, null=True, blank=True)
    # Blank for partners recorded before it was kept (migration 0013 marks those at their
    # town's centre).
    # The database's default too: seed_demo's COPY and raw inserts need not name it.
    pin_source = models.CharField(
        _("pin placed by"),
        max_length=10,
        choices=PinSource.choices,
        blank=True,
        default="",
        db_default="",
    )
    # The same point as plain numbers, kept by PostgreSQL: read as they are by the public
    # outputs, and indexed for the map's tiles (a range scan of an index, no table read).
    longitude = models.GeneratedField(
        expression=Func(Cast("location", models.PointField(srid=4326)), function="ST_X"),
        output_field=models.FloatField(),
        db_persist=True,
        verbose_name=_("longitude"),
    )
    latitude = models.GeneratedField(
        expression=Func(Cast("location", models.PointField(srid=4326)), function="ST_Y"),
        output_field=models.FloatField(),
        db_persist=True,
        verbose_name=_("latitude"),
    )

    # Bit h: open at some minute from h:00 to h:59 (venue-local) on some day; kept by
    # PostgreSQL from the opening intervals (``NIGHT_HOURS``), never set by hand.
    open_hours_of_day = models.IntegerField(
        _("hours of the day when open"), db_default=0, editable=False
    )

    phone = PhoneNumberField(_("public phone"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    email = models.EmailField(_("public email"), blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessibility_note = models.CharField(_("accessibility note"), max_length=300, blank=True)
    languages = ArrayField(
        models.CharField(max_length=40),
        verbose_name=_("languages spoken"),
        default=list,
        blank=True,
        size=20,
    )
    welcome_note = models.TextField(_("welcome note"), max_length=600, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.UNCONFIRMED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    # When staff last set aside a mystery check's suspension proposal and kept the venue
    # (partners/services/checks.py): the proposals made before it wait no more.
    suspension_proposal_dismissed_at = models.DateTimeField(
        _("suspension proposal set aside at"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("first approved at"), null=True, blank=True)
    sticker_number = models.CharField(
        _("sticker number"), max_length=16, unique=True, null=True, blank=True, editable=False
    )
    # A signed charter is never deleted (the admin forbids it) and PostgreSQL refuses
    # to; a database-level rule keeps the partner's cascades in the database too.
    charter = models.ForeignKey(
        Charter,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("charter accepted"),
    )
    charter_accepted_at = models.DateTimeField(_("charter accepted at"), null=True, blank=True)
    sticker_sent_on = models.DateField(_("sticker sent on"), null=True, blank=True)
    # Yearly re-confirmation that the venue still honours the charter.
    reconfirmed_at = models.DateTimeField(_("last re-confirmed at"), null=True, blank=True)
    reconfirmation_requested_at = models.DateTimeField(
        _("re-confirmation requested at"), null=True, blank=True
    )

    # Flagged for staff when an application looks like an existing partner.
    possible_duplicate = models.BooleanField(_("possible duplicate"), default=False)
    # Changes to the name, address or location of an approved partner wait for staff
    # review here while the old details stay public: {"field": new value}.
    pending_changes = models.JSONField(_("changes awaiting review"), default=dict, blank=True)
    # The form's one-time key: a retried POST (double click, reload) finds its application.
    # A multi-site application stores it on its first site only.
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    # The sites of one multi-site application (a town hall's buildings) share this key
    # (their form's submission key), their organisation and contact person; each is a
    # partner of its own, vetted and given its sticker on its own. Null for one site.
    application_key = models.UUIDField(
        _("multi-site application"), null=True, blank=True, editable=False, db_index=True
    )
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, default="", db_default=""
    )

    # Private: never in a public page, the API or an export.
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_role = models.CharField(_("contact role"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = PhoneNumberField(_("contact phone"), blank=True)
    contact_erased_at = models.DateTimeField(_("contact data erased at"), null=True, blank=True)

    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "department"]),
            models.Index(fields=["status", "status_changed_at"]),
            # The public GeoJSON's version: the latest change to any partner, at once.
            models.Index(fields=["updated_at"], name="partner_updated_at_idx"),
            # The map's tiles (partners/public/tiles.py) count approved partners in planar
            # lon/lat boxes, which the geography index cannot answer exactly. All the
            # clusters need is in this index: a tile of 78,000 partners takes 30 ms, not 200.
            models.Index(
                fields=["longitude", "latitude"],
                condition=Q(status=Status.APPROVED),
                name="partner_public_lonlat_idx",
            ),
            *[
                # An expression, not ``fields``: GeoDjango drops a spatial index's condition.
                GistIndex(
                    F("location"),
                    condition=Q(status=Status.APPROVED) & open_in_hour(hour),
                    name=f"partner_open_at_{hour:02d}h_idx",
                )
                for hour in NIGHT_HOURS
            ],
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="partner_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="partner_kind_valid"),
            models.CheckConstraint(
                condition=Q(department__in=list(territories.DEPARTMENTS)),
                name="partner_department_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.APPROVED)
                | Q(location__isnull=False, sticker_number__isnull=False),
                name="approved_partner_has_location_and_sticker",
            ),
            models.CheckConstraint(
                condition=Q(sticker_number__isnull=True)
                | Q(sticker_number__regex=r"^(\d{2}|2[AB]|\d{3})-D?\d{5,}$"),
                name="partner_sticker_number_format",
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^\d{14}$"), name="partner_siret_digits"
            ),
        ]
        # A partner that was ever public (``was_public``) stays on record with its history:
        # stickers and certificates carry its number, /verif/ must answer for it. It is
        # withdrawn or revoked, never deleted, and what made it public is never erased.
        # Demo partners (seed_demo, numbers "75-D…") were never real: they may go.
        triggers = [
            Refuse(
                name="once_public_partner_is_kept",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Q(old__is_demo=False)
                & (
                    pgtrigger.Q(old__approved_at__isnull=False)
                    | pgtrigger.Q(old__sticker_number__isnull=False)
                ),
                message="A partner that was ever public is never deleted: withdraw or revoke it.",
            ),
            Refuse(
                name="sticker_number_and_approval_are_kept",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(
                    old__sticker_number__isnull=False,
                    old__sticker_number__df=pgtrigger.F("new__sticker_number"),
                )
                | pgtrigger.Q(
                    old__approved_at__isnull=False,
                    old__approved_at__df=pgtrigger.F("new__approved_at"),
                )
                | pgtrigger.Q(old__is_demo__df=pgtrigger.F("new__is_demo")),
                message="A sticker number, a first approval or a demo mark never changes.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"

    def get_absolute_url(self):
        return reverse("partners:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """The application's reference number, given to the venue."""
        return f"ELS-{self.pk:06d}"

    def application_sites(self) -> "PartnerQuerySet":
        """Every site of this partner's application, itself included, in the order given."""
        if self.application_key is None:
            return Partner.objects.filter(pk=self.pk)
        return Partner.objects.filter(application_key=self.application_key).order_by("pk")

    @property
    def territory(self) -> territories.Territory:
        return territories.territory_of(self.department)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.territory.timezone)

    @property
    def is_public(self) -> bool:
        return self.status == Status.APPROVED

    @property
    def pin_unconfirmed(self) -> bool:
        """Its pin is only its town's centre: nobody put it on the venue's door."""
        return self.pin_source == PinSource.TOWN

    @property
    def was_public(self) -> bool:
        """Approved once: such a partner is never deleted (the database refuses, Meta)."""
        return not self.is_demo and (
            self.approved_at is not None or self.sticker_number is not None
        )

    def local_time(self, when: datetime.datetime | None = None) -> datetime.datetime:
        return (when or timezone.now()).astimezone(self.zone)

    def week(self) -> Week:
        """The opening intervals and closures as a ``Week`` (prefetch both for many
        partners: ``WEEK_PREFETCH``)."""
        return Week(
            ((i.weekday, i.opens, i.closes) for i in self.opening_intervals.all()),
            ((c.starts, c.ends) for c in self.closures.all()),
        )

    def upcoming_closures(self, when: datetime.datetime | None = None) -> list["Closure"]:
        """Its closures not over at ``when`` (venue-local dates), first first."""
        today = self.local_time(when).date()
        return [closure for closure in self.closures.all() if closure.ends >= today]

    def is_open_at(self, when: datetime.datetime) -> bool:
        return self.week().is_open(self.local_time(when))


class OpeningInterval(models.Model):
    # A weekday as a label ("Lundi" in French); in a sentence it is written as Django's
    # own catalog has it ("jusqu'à lundi", partners/public/wording.py).
    class Weekday(models.IntegerChoices):
        MONDAY = 1, pgettext_lazy("weekday, as a label", "Monday")
        TUESDAY = 2, pgettext_lazy("weekday, as a label", "Tuesday")
        WEDNESDAY = 3, pgettext_lazy("weekday, as a label", "Wednesday")
        THURSDAY = 4, pgettext_lazy("weekday, as a label", "Thursday")
        FRIDAY = 5, pgettext_lazy("weekday, as a label", "Friday")
        SATURDAY = 6, pgettext_lazy("weekday, as a label", "Saturday")
        SUNDAY = 7, pgettext_lazy("weekday, as a label", "Sunday")

    # Deleted by PostgreSQL with the partner: purging thousands of rows stays one query.
    partner = models.ForeignKey(
        Partner, on_delete=models.DB_CASCADE, related_name="opening_intervals"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    # Earlier than ``opens``: the interval runs past midnight.
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening interval")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="opening_weekday_valid"
            ),
            # 00:00–00:00 is the whole day (24 h/24); any other equal times are a typo.
            models.CheckConstraint(
                condition=~Q(opens=models.F("closes")) | Q(opens=datetime.time(0)),
                name="opening_interval_not_empty",
            ),
        ]
        # PostgreSQL refuses transition tables on a trigger for several events: one each.
        triggers = [
            _open_hours_kept(
                pgtrigger.Insert,
                "SELECT partner_id FROM new_rows",
                pgtrigger.Referencing(new="new_rows"),
            ),
            _open_hours_kept(
                pgtrigger.Update,
                "SELECT partner_id FROM new_rows UNION SELECT partner_id FROM old_rows",
                pgtrigger.Referencing(old="old_rows", new="new_rows"),
            ),
            _open_hours_kept(
                pgtrigger.Delete,
                "SELECT partner_id FROM old_rows",
                pgtrigger.Referencing(old="old_rows"),
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def overnight(self) -> bool:
        return self.closes < self.opens

    @property
    def whole_day(self) -> bool:
        """Open 24 h/24 that day: stored as 00:00–00:00."""
        return self.opens == self.closes


class ScheduleMoment(models.Model):
    """A time of day at which some venue opens or closes (venue-local), whatever its
    weekday, zone or status: kept by PostgreSQL from the opening intervals
    (``_open_hours_kept``) and never removed, since more moments than needed are still
    right. Between two of them (and midnight) no venue's state changes, so the nearest
    search's kept answers hold until the next one (partners/public/answers.py)."""

    at = models.TimeField(primary_key=True)

    class Meta:
        default_permissions = ()


# What ``Partner.week`` reads, to prefetch for many partners.
WEEK_PREFETCH = ("opening_intervals", "closures")
# A venue's closures: at most this many at a time, ending at most this far ahead.
MAX_CLOSURES = 20
MAX_CLOSURE_DAYS_AHEAD = 366


class Closure(models.Model):
    """A dated closure (holidays, works): the venue is closed from ``starts`` to ``ends``,
    both included, whole venue-local days, whatever its weekly hours say (``OPEN_AT_SQL``).
    Past closures change nothing; a venue's own update of its closures drops them."""

    # Deleted by PostgreSQL with the partner, as its opening intervals.
    partner = models.ForeignKey(Partner, on_delete=models.DB_CASCADE, related_name="closures")
    starts = models.DateField(_("closed from"))
    ends = models.DateField(_("closed until (included)"))
    reason = models.CharField(_("reason"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts", "ends"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")),
                name="closure_ends_after_it_starts",
                violation_error_code="ends_before_start",
                violation_error_message=_("The last day of a closure cannot be before its first."),
            ),
        ]

    def __str__(self):
        text = f"{self.starts:%Y-%m-%d}–{self.ends:%Y-%m-%d}"
        return f"{text} ({self.reason})" if self.reason else text

    def clean(self):
        if self.ends and self.partner_id:
            self.check_within_reach(self.ends, self.partner.local_time().date())

    @staticmethod
    def check_within_reach(ends: datetime.date, today: datetime.date) -> None:
        """Refuse a closure ending more than ``MAX_CLOSURE_DAYS_AHEAD`` after ``today``."""
        latest = today + datetime.timedelta(days=MAX_CLOSURE_DAYS_AHEAD)
        if ends > latest:
            raise ValidationError(
                {
                    "ends": _("Give closures within a year: a last day by %(date)s at the latest.")
                    % {"date": formats.date_format(latest, "j F Y")}
                },
                code="too_far",
            )


class PartnerEvent(models.Model):
    """One entry of a partner's history: a status change or an edit. Never edited."""

    partner = models.ForeignKey(Partner, on_delete=models.DB_CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DB_SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Who acted when it was not a staff user: "venue", "system", a command name.
    actor = models.CharField(_("actor"), max_length=60, blank=True)
    from_status = models.CharField(
        _("from status"), max_length=16, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=16, choices=Status.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # {"field": [before, after]} for edits.
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["partner", "-at"])]
        # History is append-only, in the database too. Its rows go only with their parents:
        # a never-public application's deletion takes its history (DB_CASCADE: the partner
        # row is gone when its entries are deleted), and a deleted staff account leaves
        # its decisions unsigned (DB_SET_NULL), nothing else changed. Erasure of a contact
        # person's data (partners/services/privacy.py, the RGPD) is the one deliberate exception.
        triggers = [
            append_only(
                name="history_is_append_only",
                message="History entries are never changed or deleted.",
                parent="partner",
                signer="by",
            )
        ]

    def __str__(self):
        # The admin shows it above each history row: local time and the statuses' labels.
        at = f"{timezone.localtime(self.at):%Y-%m-%d %H:%M}"
        if self.to_status:
            before = self.get_from_status_display() or "∅"
            return f"{at} {before} → {self.get_to_status_display()}"
        return f"{at} {_('edit')}"


# Staff vetting: reports from the public and reviewers' territories.


class ReportReason(models.TextChoices):
    CLOSED = "closed", _("The venue has closed")
    MOVED = "moved", _("The venue has moved")
    STICKER_MISSING = "sticker_missing", _("The sticker is missing")
    CHARTER_BREACHED = "charter_breached", _("The venue did not honour the charter")
    OTHER = "other", _("Something else")


class ReportQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    """A problem with a partner reported by a member of the public (anonymous)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.DB_CASCADE, related_name="reports", verbose_name=_("partner")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DB_SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["resolved_at", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values), name="report_reason_valid"
            ),
        ]

    def __str__(self):
        return f"{self.partner} – {self.get_reason_display()}"


class ReviewerScope(models.Model):
    """Limits a staff user to some départements; a user without one sees them all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviewer_scope",
        verbose_name=_("user"),
    )
    departments = ArrayField(
        models.CharField(max_length=3, choices=territories.DEPARTMENT_CHOICES),
        verbose_name=_("départements"),
        help_text=_("The reviewer sees and decides on these départements only."),
    )

    class Meta:
        verbose_name = _("reviewer's départements")
        verbose_name_plural = _("reviewers' départements")
        permissions = [
            # A région's coordinators add reviewers and checkers within their own
            # départements (partners/staff/reviewers.py), and no other account.
            ("add_staff_in_scope", _("Can add reviewers and checkers in their départements")),
        ]

    def __str__(self):
        return f"{self.user}: {', '.join(self.departments)}"


class CoverageRun(models.Model):
    """One computation of the coverage (``partners.services.coverage``), with its communes'
    distances. The latest run of each past month is kept as that month's snapshot, and
    the latest one overall; the others are replaced."""

    computed_on = models.DateField(_("computed on"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    # The nights measured (``domain.coverage.MOMENTS``): the evenings they start on.
    weekday_night = models.DateField(_("weekday night of"))
    saturday_night = models.DateField(_("Saturday night of"))
    partners = models.PositiveIntegerField(_("approved partners"))

    class Meta:
        ordering = ["-computed_on"]
        get_latest_by = "computed_on"
        verbose_name = _("coverage computation")
        verbose_name_plural = _("coverage computations")

    def __str__(self):
        return str(self.computed_on)


def _nearest_field(moment: coverage.Moment) -> models.FloatField:
    return models.FloatField(
        format_lazy(_("nearest partner (m), {moment}"), moment=moment.label), null=True
    )


class CommuneCoverage(models.Model):
    """How far a commune's point was from the nearest approved partner of its territory, in
    metres, at each moment (``domain.coverage``); null when none was within reach. The
    commune's département and population are kept as they were that day: a snapshot stays
    true when the gazetteer changes."""

    run = models.ForeignKey(
        CoverageRun, on_delete=models.DB_CASCADE, related_name="communes", verbose_name=_("run")
    )
    insee = models.CharField(_("INSEE code"), max_length=5)
    department = models.CharField(_("département"), max_length=3)
    population = models.PositiveIntegerField(_("population"))
    nearest_day = _nearest_field(coverage.MOMENTS_BY_KEY["day"])
    nearest_weekday_22h = _nearest_field(coverage.MOMENTS_BY_KEY["weekday_22h"])
    nearest_weekday_03h = _nearest_field(coverage.MOMENTS_BY_KEY["weekday_03h"])
    nearest_saturday_22h = _nearest_field(coverage.MOMENTS_BY_KEY["saturday_22h"])
    nearest_saturday_03h = _nearest_field(coverage.MOMENTS_BY_KEY["saturday_03h"])

    class Meta:
        verbose_name = _("commune's coverage")
        verbose_name_plural = _("communes' coverage")
        constraints = [
            models.UniqueConstraint(fields=["run", "insee"], name="commune_coverage_once_a_run")
        ]
        indexes = [models.Index(fields=["run", "department"])]

    def __str__(self):
        return f"{self.insee} ({self.run})"


_SHARE_MESSAGE = _("Give a share of at least 0.1 and at most 100 (percent).")


class CoverageTarget(models.Model):
    """A région's aim: the share of its population within ``coverage.REACH_METRES`` of a
    partner at a moment, to reach by a date. Set by administrators or the région's
    coordinators (``partners/staff/targets.py``), shown on the coverage page beside the
    région's share now and a month before."""

    region = models.CharField(
        _("région"), max_length=40, choices=[(region, region) for region in territories.REGIONS]
    )
    moment = models.CharField(
        _("moment"),
        max_length=20,
        choices=[(moment.key, moment.label) for moment in coverage.MOMENTS],
        default=coverage.DAY.key,
    )
    share = models.DecimalField(
        _("share of the population within 5 km (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal("0.1"), _SHARE_MESSAGE),
            MaxValueValidator(100, _SHARE_MESSAGE),
        ],
    )
    by = models.DateField(_("to reach by"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        ordering = ["region", "moment", "by"]
        verbose_name = _("coverage target")
        verbose_name_plural = _("coverage targets")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "moment", "by"], name="coverage_target_once_a_date"
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=100), name="coverage_target_share_percent"
            ),
            models.CheckConstraint(
                condition=Q(region__in=territories.REGIONS), name="coverage_target_region_valid"
            ),
        ]

    def __str__(self):
        return f"{self.region} – {self.get_moment_display()}: {self.share} % ({self.by})"


# Outreach: candidates from the state's open data (``partners/services/candidates.py``),
# invited to apply (``partners/services/invitations.py``). A candidate is not a partner:
# never public, never on the map, seen by staff only, within their départements.


class CandidateSource(models.TextChoices):
    ANNUAIRE = "annuaire", _("Annuaire de l'administration (service-public.fr)")
    BPE = "bpe", _("Base permanente des équipements (INSEE)")


class CandidateStatus(models.TextChoices):
    TO_CONTACT = "to_contact", _("To contact")
    INVITED = "invited", _("Invited")
    OPENED = "opened", _("Opened the invitation")
    APPLIED = "applied", _("Applied")
    JOINED = "joined", _("Joined")
    DECLINED = "declined", _("Declined")
    NO_ANSWER = "no_answer", _("No answer")


# At most this many reminders after an invitation (``send_invitation_reminders``).
MAX_REMINDERS = 2


class Candidate(models.Model):
    """A public service or facility found in an open dataset, which staff may invite.

    Keyed on its source and the source's own id: a second import of the same file, or of
    next year's, updates what the source says (name, address, place, email) and never
    touches what we did (status, invitations, opt-out)."""

    source = models.CharField(_("source"), max_length=16, choices=CandidateSource.choices)
    source_id = models.CharField(_("id in the source"), max_length=64)
    name = models.CharField(_("name"), max_length=250)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # The source's own type ("mairie", "F307"), as it said it.
    source_type = models.CharField(_("type in the source"), max_length=40, blank=True)
    address = models.CharField(_("street address"), max_length=250, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("town"), max_length=120, blank=True)
    insee_code = models.CharField(_("INSEE commune code"), max_length=5, blank=True)
    department = models.CharField(
        _("département"), max_length=3, choices=territories.DEPARTMENT_CHOICES
    )
    location = models.PointField(_("location"), geography=True, srid=4326, null=True, blank=True)
    # An organisation's generic address only, never a person's (``candidates.generic_email``).
    email = models.EmailField(_("generic email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CandidateStatus.choices,
        default=CandidateStatus.TO_CONTACT,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_emailed_at = models.DateTimeField(_("last emailed at"), null=True, blank=True)
    # The application the invitation led to.
    partner = models.ForeignKey(
        Partner,
        on_delete=models.DB_SET_NULL,
        null=True,
        blank=True,
        related_name="candidates",
        verbose_name=_("application"),
    )
    imported_at = models.DateTimeField(_("last imported at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["department", "city", "name"]
        indexes = [
            models.Index(fields=["status", "department"]),
            models.Index(fields=["kind", "department"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="candidate_source_id"),
            models.CheckConstraint(
                condition=Q(source__in=CandidateSource.values), name="candidate_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CandidateStatus.values), name="candidate_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="candidate_kind_valid"),
            models.CheckConstraint(
                condition=Q(department__in=list(territories.DEPARTMENTS)),
                name="candidate_department_valid",
            ),
            models.CheckConstraint(
                condition=Q(reminders_sent__lte=MAX_REMINDERS),
                name="candidate_at_most_two_reminders",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.city})" if self.city else self.name

    @property
    def territory(self) -> territories.Territory:
        return territories.territory_of(self.department)


class CandidateEvent(models.Model):
    """One step of a candidate's outreach: a status change, an invitation, a reminder."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.DB_CASCADE, related_name="events", verbose_name=_("candidate")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DB_SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Who acted when it was not a staff user: "candidate", a command name.
    actor = models.CharField(_("actor"), max_length=60, blank=True)
    from_status = models.CharField(
        _("from status"), max_length=16, choices=CandidateStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=16, choices=CandidateStatus.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outreach history entry")
        verbose_name_plural = _("outreach history")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["candidate", "-at"])]
        triggers = [
            Refuse(
                name="candidate_history_is_append_only",
                operation=pgtrigger.Update,
                message="History entries are never changed.",
            )
        ]

    def __str__(self):
        at = f"{timezone.localtime(self.at):%Y-%m-%d %H:%M}"
        if self.to_status:
            return f"{at} {self.get_from_status_display() or '∅'} → {self.get_to_status_display()}"
        return f"{at} {self.note}"


class OptOut(models.Model):
    """An address that asked never to be invited again: honoured for ever, whichever
    candidate holds it, a re-imported one included."""

    email = models.EmailField(_("email"), unique=True)
    at = models.DateTimeField(_("opted out at"), default=timezone.now)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="opt_out_email_lowercase"
            )
        ]

    def __str__(self):
        return self.email


# Keeping the promise: the venues' staff trained online (partners/domain/training.py).


class TrainingCompletionQuerySet(models.QuerySet):
    def valid(self, at: datetime.datetime | None = None):
        """Trainings not yet expired at ``at`` (now by default)."""
        return self.filter(expires_at__gt=at or timezone.now())


class TrainingCompletion(models.Model):
    """A member of a venue's staff who passed the training's quiz. Nothing else is kept
    about them: the first name or initials they gave, when, their score. Passing again
    under the same name renews the same row (``services.training.record_pass``), so each
    person counts once."""

    # Deleted by PostgreSQL with the partner, as its opening intervals.
    partner = models.ForeignKey(
        Partner, on_delete=models.DB_CASCADE, related_name="trainings", verbose_name=_("partner")
    )
    name = models.CharField(_("first name or initials"), max_length=30)
    passed_at = models.DateTimeField(_("passed on"))
    score = models.PositiveSmallIntegerField(_("score"))
    expires_at = models.DateTimeField(_("valid until"))

    objects = TrainingCompletionQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff training")
        verbose_name_plural = _("staff trainings")
        ordering = ["-passed_at", "-pk"]
        constraints = [
            models.UniqueConstraint("partner", Lower("name"), name="training_one_row_per_person"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("passed_at")), name="training_expires_after_pass"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.passed_at:%Y-%m-%d})"


# Mystery checks: volunteers visit approved partners (partners/domain/checks.py).


class CheckWelcome(models.TextChoices):
    WARM = "warm", _("Warm and respectful")
    CORRECT = "correct", _("Correct but unsure")
    POOR = "poor", _("Cold, dismissive or disrespectful")


class CheckOutcome(models.TextChoices):
    PASS = "pass", _("Pass")
    PARTIAL = "partial", _("Partial")
    FAIL = "fail", _("Fail")


class Check(models.Model):
    """One mystery visit to a partner by a checker, and what they found. Its notes are for
    staff only: neither the venue nor the public ever sees them."""

    partner = models.ForeignKey(
        Partner, on_delete=models.DB_CASCADE, related_name="checks", verbose_name=_("partner")
    )
    # A deleted account leaves its checks unsigned.
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DB_SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checker"),
    )
    visited_on = models.DateField(_("visited on"))
    sticker_visible = models.BooleanField(_("sticker visible"))
    staff_knew = models.BooleanField(_("staff knew what to do"))
    welcome = models.CharField(_("welcome"), max_length=10, choices=CheckWelcome.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CheckOutcome.choices)
    notes = models.TextField(_("notes (staff only)"), max_length=2000, blank=True)
    # Set when the check is recorded (partners/domain/checks.py, ``REPEAT_FAIL_DAYS``): this
    # fail followed another one, and staff are asked whether to suspend.
    proposes_suspension = models.BooleanField(_("proposes a suspension"), default=False)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("mystery check")
        verbose_name_plural = _("mystery checks")
        ordering = ["-visited_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["partner", "-visited_on", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(welcome__in=CheckWelcome.values), name="check_welcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=CheckOutcome.values), name="check_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(proposes_suspension=False) | Q(outcome=CheckOutcome.FAIL),
                name="check_only_a_fail_proposes_suspension",
            ),
        ]
        # A check is a record, like the history: never changed or deleted, in the database
        # too. Its rows go only with their partner (a demo partner; a partner that was ever
        # public, as every checked one was, is never deleted), and a deleted checker's
        # account leaves them unsigned. Staff set a proposal aside on the partner
        # (``Partner.suspension_proposal_dismissed_at``), never on the check.
        triggers = [
            append_only(
                name="check_is_append_only",
                message="Mystery checks are never changed or deleted.",
                parent="partner",
                signer="checker",
            )
        ]

    def __str__(self):
        return f"{self.partner} – {self.visited_on:%Y-%m-%d} – {self.get_outcome_display()}"


# What happened after each welcome: recorded by the venue, nothing about the person.


class Aggression(models.TextChoices):
    LGBT_PHOBIC = "lgbt_phobic", _("LGBT+-phobic")
    DOMESTIC = "domestic", _("Domestic violence")
    SEXIST = "sexist", _("Sexist")
    RACIST = "racist", _("Racist")
    OTHER = "other", _("Other")
    NOT_SAID = "not_said", _("Not said")


class Answer(models.TextChoices):
    YES = "yes", pgettext_lazy("answer", "Yes")
    NO = "no", pgettext_lazy("answer", "No")
    NOT_SAID = "not_said", _("Not said")


class PoliceDelay(models.TextChoices):
    UNDER_10 = "under_10", _("Less than 10 minutes")
    FROM_10_TO_30 = "10_30", _("10 to 30 minutes")
    FROM_30_TO_60 = "30_60", _("30 minutes to an hour")
    OVER_60 = "over_60", _("More than an hour")
    DID_NOT_COME = "did_not_come", _("They did not come")
    NOT_SAID = "not_said", _("Not said")


# Partners that have had a sticker and may still use their page: they record welcomes.
WELCOMING_STATUSES = (Status.APPROVED, Status.SUSPENDED)
# A venue records a welcome of the last year, and deletes a record (a mistake) in the
# first week after recording it; after that the record is final.
WELCOME_MAX_AGE_DAYS = 365
WELCOME_DELETE_DAYS = 7


class WelcomeQuerySet(models.QuerySet):
    def deletable(self, now: datetime.datetime | None = None):
        since = (now or timezone.now()) - datetime.timedelta(days=WELCOME_DELETE_DAYS)
        return self.filter(recorded_at__gt=since)


class Welcome(models.Model):
    """A venue welcomed someone: when, the kind of aggression, the police and whether the
    person stayed. Deliberately nothing about the person and no free text: nothing here can
    name or describe them (tests/venue/test_welcomes.py checks the fields)."""

    # Partners that were ever public are never deleted; a demo partner takes its records.
    partner = models.ForeignKey(
        Partner, on_delete=models.DB_CASCADE, related_name="welcomes", verbose_name=_("partner")
    )
    on = models.DateField(_("date of the welcome"))
    kind = models.CharField(_("kind of aggression"), max_length=20, choices=Aggression.choices)
    police_called = models.CharField(_("police called"), max_length=10, choices=Answer.choices)
    police_delay = models.CharField(
        _("police arrived after"), max_length=20, choices=PoliceDelay.choices, blank=True
    )
    stayed = models.CharField(_("stayed until help came"), max_length=10, choices=Answer.choices)
    recorded_at = models.DateTimeField(_("recorded by the venue at"), default=timezone.now)

    objects = WelcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("welcome")
        verbose_name_plural = _("welcomes")
        ordering = ["-on", "-recorded_at"]
        indexes = [models.Index(fields=["on"]), models.Index(fields=["partner", "-recorded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Aggression.values), name="welcome_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(police_called__in=Answer.values) & Q(stayed__in=Answer.values),
                name="welcome_answers_valid",
            ),
            # How long the police took only when they were called.
            models.CheckConstraint(
                condition=Q(police_delay="")
                | Q(police_called=Answer.YES, police_delay__in=PoliceDelay.values),
                name="welcome_police_delay_when_called",
            ),
        ]
        # A record is never changed: deleted by its venue within a week (a mistake), or
        # kept as it was written.
        triggers = [
            Refuse(
                name="welcome_is_never_changed",
                operation=pgtrigger.Update,
                message="A welcome record is never changed.",
            )
        ]

    def __str__(self):
        return f"{self.partner} – {formats.date_format(self.on)} – {self.get_kind_display()}"

    def deletable_until(self) -> datetime.datetime:
        return self.recorded_at + datetime.timedelta(days=WELCOME_DELETE_DAYS)


# Read-only accounts of institutions (police, gendarmerie, funders): each request recorded.


class AccessLog(models.Model):
    """One request of a read-only account (``partners/staff/institutions.py``): who, when,
    which page and which object. Never changed; deleted after
    ``RETENTION_STAFF_LOGIN_LOG_DAYS`` by ``purge_personal_data`` only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DB_SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept when the account is deleted.
    username = models.CharField(_("user name"), max_length=150)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("page"), max_length=500)
    status_code = models.PositiveSmallIntegerField(_("answer"))
    # The model's label ("partners.partner") and primary key of the page's object, if any.
    object_type = models.CharField(_("kind of object"), max_length=100, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("read-only access")
        verbose_name_plural = _("read-only accesses")
        ordering = ["-at", "-pk"]
        # Append-only, like the history: only a deleted account's link goes (DB_SET_NULL,
        # the name stays); the retention's purge deletes with pgtrigger.ignore.
        triggers = [
            append_only(
                name="access_log_is_append_only",
                message="Access records are never changed or deleted.",
                signer="user",
            )
        ]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.username} {self.path}"

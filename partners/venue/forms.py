"""Forms of the venue's journey: the application, self-service updates, link requests."""

import datetime
import itertools
import re
import uuid
import zoneinfo

import phonenumbers
from django import forms
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gazetteer import communes as gazetteer
from partners.domain import territories
from partners.domain.honeypot import HoneypotForm
from partners.domain.validators import single_line, validate_siret
from partners.models import (
    BUSINESS_KINDS,
    KIND_GROUPS,
    MAX_CLOSURES,
    WELCOME_MAX_AGE_DAYS,
    Aggression,
    Answer,
    Charter,
    Closure,
    OpeningInterval,
    PoliceDelay,
)

KIND_CHOICES = [
    ("", _("Choose…")),
    *[
        (group.label, [(kind.value, kind.label) for kind in kinds])
        for group, kinds in KIND_GROUPS.items()
    ],
]
WEEKDAYS = OpeningInterval.Weekday.choices
# Plain fields show two intervals a day; the script may add more, up to this many.
SHOWN_INTERVALS = 2
MAX_INTERVALS = 6
# An interval closing earlier than it opens runs past midnight; later than this it is a typo.
LATEST_OVERNIGHT_CLOSING = datetime.time(8)
# Closures: the stored ones and one empty row to add another, two at least, at most
# ``MAX_CLOSURES`` (a venue adds more by sending the form again).
SHOWN_CLOSURES = 2
MAX_LANGUAGES = 20
# Sites of one application (a town hall's buildings): the first and up to 19 more.
MAX_SITES = 20
FORM_STAMP_SALT = "partners.join-form"


# "Same hours as Monday" without the script: Monday's hours copied, when the form is sent,
# to each day from Tuesday to the one chosen. The script copies them at once, in the fields.
COPY_MONDAY_CHOICES = [
    ("", _("No")),
    (5, _("Monday to Friday")),
    (6, _("Monday to Saturday")),
    (7, _("Every day")),
]
WHOLE_DAY = datetime.time(0)  # 00:00–00:00: open 24 h/24 (OPEN_AT_SQL)


def _copy_monday(data, prefix=""):
    """The posted ``data`` with Monday's hours, "closed" and "24 h/24" copied to each day
    up to the one ``copy_monday`` names (of the form whose field names start with
    ``prefix``: a site of a multi-site application); the choice is then spent, so the
    page shown again holds the copied hours, which the venue may still change."""
    try:
        last = int(data.get(f"{prefix}copy_monday") or 0)
    except (TypeError, ValueError):
        return data
    if last not in (5, 6, 7):
        return data
    data = data.copy()
    p = re.escape(prefix)
    for day in range(2, last + 1):
        for name in list(data):
            if re.fullmatch(rf"{p}((opens|closes)_{day}_\d+|closed_{day}|allday_{day})", name):
                del data[name]
        for name in list(data):
            if found := re.fullmatch(rf"{p}(?:(opens|closes)_1_(\d+)|(closed|allday)_1)", name):
                if found[1]:
                    data[f"{prefix}{found[1]}_{day}_{found[2]}"] = data[name]
                else:
                    data[f"{prefix}{found[3]}_{day}"] = data[name]
    data[f"{prefix}copy_monday"] = ""
    return data


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput(),
        # A browser's date field sends the first; typed by hand where it has none, the rest.
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"],
        error_messages={"invalid": _("Enter a date such as 24/12/2026.")},
    )


class OneLineField(forms.CharField):
    """A one-line text: line separators and control characters, invisible in the field and
    pasted in with the text, become spaces (they would break the emails that quote it)."""

    def to_python(self, value):
        value = super().to_python(value)
        return single_line(value) if value else value


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _time_field(label):
    return forms.TimeField(
        label=label,
        required=False,
        widget=TimeInput(),
        input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh", "%H"],
        error_messages={"invalid": _("Enter a time such as 09:30.")},
    )


def _parse_phone(value: str, department: str | None):
    region = territories.territory_of(department).phone_region if department else "FR"
    # The territory's numbering first; a mainland number typed overseas is still valid.
    for attempt in dict.fromkeys([region, "FR"]):
        try:
            number = phonenumbers.parse(value, attempt)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValidationError(
        _("Enter a valid phone number, such as 01 23 45 67 89 or +590 590 12 34 56."),
        code="phone",
    )


class VenueForm(forms.Form):
    """The venue's public details, its place and its opening hours."""

    name = OneLineField(label=_("Public name of the venue"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of venue"), choices=KIND_CHOICES)
    siret = forms.CharField(
        label=_("SIRET number"),
        max_length=20,
        required=False,
        help_text=_("14 digits. Required for businesses."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address = OneLineField(
        label=_("Street address"),
        max_length=250,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    city = OneLineField(
        label=_("Town"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    phone = forms.CharField(
        label=_("Public phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address such as https://www.example.fr.")},
    )
    email = forms.EmailField(
        label=_("Public email"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Enter an email address such as contact@example.fr.")},
    )
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    accessibility_note = OneLineField(
        label=_("Accessibility note"),
        max_length=300,
        required=False,
        help_text=_("For example: ramp at the side door, adapted toilets."),
    )
    languages = OneLineField(
        label=_("Languages spoken"),
        max_length=400,
        required=False,
        help_text=_("Separated by commas, for example: français, anglais, créole."),
    )
    welcome_note = forms.CharField(
        label=_("Welcome note"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words shown on your venue's page (600 characters at most)."),
    )

    copy_monday = forms.TypedChoiceField(
        label=_("Same hours as Monday"),
        choices=COPY_MONDAY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Replaces the hours of these days with Monday's when you send the form."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = None
        if self.is_bound:
            self.data = _copy_monday(self.data, self.html_prefix)
        for day, day_name in WEEKDAYS:
            self.fields[f"closed_{day}"] = forms.BooleanField(
                label=gettext("%(day)s: closed") % {"day": day_name}, required=False
            )
            self.fields[f"allday_{day}"] = forms.BooleanField(
                label=gettext("%(day)s: open 24 hours") % {"day": day_name}, required=False
            )
            for index in range(self._interval_count(day)):
                label = gettext("%(day)s, interval %(number)s") % {
                    "day": day_name,
                    "number": index + 1,
                }
                self.fields[f"opens_{day}_{index}"] = _time_field(
                    gettext("%(interval)s: opens") % {"interval": label}
                )
                self.fields[f"closes_{day}_{index}"] = _time_field(
                    gettext("%(interval)s: closes") % {"interval": label}
                )
        for index in range(self._closure_count()):
            number = {"number": index + 1}
            self.fields[f"closure_starts_{index}"] = _date_field(
                gettext("Closure %(number)s: first day") % number
            )
            self.fields[f"closure_ends_{index}"] = _date_field(
                gettext("Closure %(number)s: last day") % number
            )
            self.fields[f"closure_reason_{index}"] = OneLineField(
                label=gettext("Closure %(number)s: reason") % number,
                max_length=Closure._meta.get_field("reason").max_length,
                required=False,
            )

    def _closure_count(self) -> int:
        """Closure rows to show: those posted or stored, then an empty one."""
        filled = [
            index
            for index in range(MAX_CLOSURES)
            if any(self._given(f"closure_{part}_{index}") for part in ("starts", "ends", "reason"))
        ]
        return min(MAX_CLOSURES, max(SHOWN_CLOSURES, filled[-1] + 2 if filled else 0))

    def closure_rows(self):
        """For the template: each closure's first day, last day and reason fields."""
        return [
            [self[f"closure_{part}_{index}"] for part in ("starts", "ends", "reason")]
            for index in range(self._closure_count())
        ]

    def _interval_count(self, day: int) -> int:
        """Intervals to show for a day: two, or as many as were posted or stored."""
        count = SHOWN_INTERVALS
        for index in range(MAX_INTERVALS):
            if self._given(f"opens_{day}_{index}") or self._given(f"closes_{day}_{index}"):
                count = max(count, index + 1)
        return count

    def _given(self, name: str):
        """A field's value as posted (under this form's prefix) or stored, before any
        cleaning: what decides how many rows of intervals or closures to show."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name)

    @property
    def html_prefix(self) -> str:
        """What starts this form's field names and the ids of its parts: "" for the one
        venue of a form, "site3-" for a further site of an application."""
        return self.add_prefix("")

    def hold_errors(self) -> None:
        """Shown again as typed, without its errors: the venue only added or removed a
        site, and has not sent the form yet."""
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def hours_rows(self):
        """For the template: each weekday with its "closed" box and interval fields."""
        rows = []
        for day, day_name in WEEKDAYS:
            intervals = [
                (self[f"opens_{day}_{i}"], self[f"closes_{day}_{i}"])
                for i in range(self._interval_count(day))
            ]
            rows.append(
                {
                    "day": day,
                    "name": day_name,
                    "closed": self[f"closed_{day}"],
                    "allday": self[f"allday_{day}"],
                    "intervals": intervals,
                }
            )
        return rows

    def clean_siret(self):
        return re.sub(r"[\s.]", "", self.cleaned_data["siret"])

    def clean_postcode(self):
        postcode = re.sub(r"\s", "", self.cleaned_data["postcode"])
        if not re.fullmatch(r"\d{5}", postcode):
            raise ValidationError(_("A postcode has five digits, such as 75011."), code="format")
        if not gazetteer.by_postcode(postcode):
            raise ValidationError(
                _("This postcode does not exist: please check it."), code="unknown"
            )
        return postcode

    def clean_languages(self):
        languages = [lang.strip() for lang in self.cleaned_data["languages"].split(",")]
        languages = [lang for lang in languages if lang]
        if len(languages) > MAX_LANGUAGES:
            raise ValidationError(
                _("List %(max)s languages at most.") % {"max": MAX_LANGUAGES}, code="too_many"
            )
        if any(len(lang) > 40 for lang in languages):
            raise ValidationError(
                _("Each language name has 40 characters at most."), code="too_long"
            )
        return languages

    def clean(self):
        cleaned = super().clean()
        if "siret" in self.fields:
            self._check_siret(cleaned)
        department = self._check_town(cleaned)
        if cleaned.get("phone"):
            try:
                cleaned["phone"] = _parse_phone(cleaned["phone"], department)
            except ValidationError as error:
                self.add_error("phone", error)
        self._check_location(cleaned)
        cleaned["hours"] = self._check_hours()
        cleaned["closures"] = self._check_closures(department)
        return cleaned

    def _check_closures(self, department: str | None) -> list:
        """The closures given, as (starts, ends, reason): a last day left empty is the
        first (one day); the last day is today at the earliest, in the venue's time zone,
        and within a year."""
        zone = territories.territory_of(department).timezone if department else None
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(zone) if zone else None)
        closures = []
        for index in range(self._closure_count()):
            names = [f"closure_{part}_{index}" for part in ("starts", "ends", "reason")]
            if any(name in self.errors for name in names):
                continue
            starts, ends, reason = (self.cleaned_data.get(name) for name in names)
            if starts is None:
                if ends is not None or reason:
                    self.add_error(names[0], _("Give the first day of this closure."))
                continue
            ends = ends or starts
            try:
                Closure.check_within_reach(ends, today)
            except ValidationError as error:
                self.add_error(names[1], error.message_dict["ends"])
                continue
            if ends < starts:
                self.add_error(names[1], _("The last day cannot be before the first."))
            elif ends < today:
                self.add_error(names[1], _("This closure is already over: leave its days empty."))
            else:
                closures.append((starts, ends, reason))
        return sorted(closures)

    def _check_siret(self, cleaned):
        siret = cleaned.get("siret")
        if cleaned.get("kind") in BUSINESS_KINDS and not siret and "siret" not in self.errors:
            self.add_error(
                "siret",
                ValidationError(_("A business must give its SIRET number."), code="required"),
            )
        elif siret:
            try:
                validate_siret(siret)
            except ValidationError as error:
                self.add_error("siret", error)

    def _check_town(self, cleaned) -> str | None:
        """Match the town to the postcode's communes; returns the département."""
        postcode, city = cleaned.get("postcode"), cleaned.get("city")
        if not postcode:
            return None
        candidates = gazetteer.by_postcode(postcode)
        if city:
            wanted = gazetteer.normalise(city)
            for commune in candidates:
                name = gazetteer.normalise(commune.name)
                # "Paris 11e", "Marseille 1er arrondissement": the commune plus its district.
                if wanted == name or wanted.startswith(name + " "):
                    self.commune = commune
                    break
            else:
                names = ", ".join(c.name for c in candidates[:5])
                self.add_error(
                    "city",
                    ValidationError(
                        _("This town does not match postcode %(postcode)s (%(towns)s).")
                        % {"postcode": postcode, "towns": names},
                        code="mismatch",
                    ),
                )
        return candidates[0].department

    def _check_location(self, cleaned):
        # Without a pin, the service places the venue from its address (services.geocoding):
        # a form checks what was typed, it never asks the network.
        cleaned["location"] = None
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if "lat" in self.errors or "lon" in self.errors:
            return
        if (lat is None) != (lon is None):
            missing = "lon" if lon is None else "lat"
            self.add_error(
                missing,
                ValidationError(
                    _(
                        "Give both latitude and longitude, or neither: the pin then comes "
                        "from the address."
                    ),
                    code="incomplete",
                ),
            )
            return
        if lat is not None:
            territory = territories.containing(lat, lon)
            if territory is None:
                self.add_error(
                    "lat",
                    ValidationError(
                        _("This point is outside France and its overseas territories."),
                        code="outside",
                    ),
                )
                return
            if self.commune and territory != territories.territory_of(self.commune.department):
                self.add_error(
                    "lat",
                    ValidationError(
                        _("This point is not in %(territory)s, where postcode %(postcode)s is.")
                        % {
                            "territory": territories.territory_of(self.commune.department).name,
                            "postcode": cleaned["postcode"],
                        },
                        code="territory",
                    ),
                )
                return
            cleaned["location"] = Point(lon, lat, srid=4326)

    def _check_hours(self):
        hours = []
        for day, _day_name in WEEKDAYS:
            intervals = []
            for index in range(self._interval_count(day)):
                opens_field, closes_field = f"opens_{day}_{index}", f"closes_{day}_{index}"
                if opens_field in self.errors or closes_field in self.errors:
                    continue
                opens = self.cleaned_data.get(opens_field)
                closes = self.cleaned_data.get(closes_field)
                if opens is None and closes is None:
                    continue
                if opens is None:
                    self.add_error(opens_field, _("Give the opening time too."))
                elif closes is None:
                    self.add_error(closes_field, _("Give the closing time too."))
                elif opens == closes and opens != WHOLE_DAY:
                    self.add_error(
                        closes_field,
                        _(
                            "The closing time must differ from the opening time (open all "
                            "day: tick “open 24 hours”)."
                        ),
                    )
                elif closes < opens and closes > LATEST_OVERNIGHT_CLOSING:
                    self.add_error(
                        closes_field,
                        _(
                            "Closing before opening means closing after midnight, by 08:00 at "
                            "the latest: please check these times."
                        ),
                    )
                else:
                    intervals.append((index, opens, closes))
            if intervals and self.cleaned_data.get(f"closed_{day}"):
                self.add_error(
                    f"closed_{day}", _("You ticked “closed” but gave opening hours for this day.")
                )
                continue
            if self.cleaned_data.get(f"allday_{day}"):
                if self.cleaned_data.get(f"closed_{day}"):
                    self.add_error(
                        f"allday_{day}", _("Tick “closed” or “open 24 hours”, not both.")
                    )
                elif any((o, c) != (WHOLE_DAY, WHOLE_DAY) for _i, o, c in intervals):
                    self.add_error(
                        f"allday_{day}",
                        _("You ticked “open 24 hours” but gave opening hours for this day."),
                    )
                else:
                    hours.append((day, WHOLE_DAY, WHOLE_DAY))
                continue
            spans = sorted(
                (opens, closes if closes > opens else datetime.time.max, index)
                for index, opens, closes in intervals
            )
            for (_o1, end, _i1), (start, _c2, index) in itertools.pairwise(spans):
                if start < end:
                    self.add_error(
                        f"opens_{day}_{index}",
                        _("This interval overlaps another one on the same day."),
                    )
            hours.extend((day, opens, closes) for _index, opens, closes in intervals)
        if not hours and not any(name.startswith(("opens_", "closes_")) for name in self.errors):
            self.add_error(
                "opens_1_0",
                _("Give your opening hours: at least one interval in the week."),
            )
        return hours

    def venue_data(self) -> dict:
        """The partner's field values from a valid form."""
        data = {
            field: self.cleaned_data[field]
            for field in (
                "name",
                "kind",
                "siret",
                "address",
                "city",
                "postcode",
                "phone",
                "website",
                "email",
                "step_free",
                "accessibility_note",
                "languages",
                "welcome_note",
            )
            if field in self.fields
        }
        data["city"] = data["city"].strip()
        data["department"] = self.commune.department
        data["insee_code"] = self.commune.insee
        data["location"] = self.cleaned_data["location"]
        return data


class SiteForm(VenueForm):
    """A further site of a multi-site application, its fields prefixed with ``site<key>``;
    the organisation, kind, SIRET and contact are the application's (``JoinForm``).

    ``key`` names the site in the posted data and never changes; ``number`` is its place
    in the form (``Site 2``), which changes when an earlier site is removed."""

    def __init__(self, *args, key, number, **kwargs):
        super().__init__(*args, prefix=f"site{key}", **kwargs)
        self.key, self.number = key, number
        del self.fields["kind"]
        del self.fields["siret"]


def _site_keys(data) -> list[int]:
    """The keys of the further sites posted, in the form's order (site 1 has none)."""
    values = data.getlist("sites") if hasattr(data, "getlist") else data.get("sites", [])
    keys = []
    for value in values:
        if re.fullmatch(r"[1-9][0-9]{0,2}", str(value)) and int(value) > 1:
            keys.append(int(value))
    return list(dict.fromkeys(keys))


class JoinForm(HoneypotForm, VenueForm):
    """The application: the organisation, its first venue (site 1) and maybe more sites
    (``more_sites``), its private contact, the charter, and spam traps."""

    organisation = OneLineField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_(
            "The town, company or association the venue belongs to, if any: for example "
            "Ville de Lyon."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    contact_name = OneLineField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_role = OneLineField(
        label=_("Your role in the venue"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    contact_email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("We will send a link to this address to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address such as prenom.nom@example.fr.")},
    )
    contact_phone = forms.CharField(
        label=_("Your phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    charter_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=10**6)
    accept_charter = forms.BooleanField(
        label=_("I have read the charter above and commit the venue to it"),
        error_messages={"required": _("Accept the charter to join the network.")},
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy notice"),
        error_messages={"required": _("Accept the privacy notice to send the application.")},
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    rendered = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.charter = Charter.current()
        self.fields["contact_phone"].error_messages["required"] = _(
            "Give a phone number where we can reach you."
        )
        if (
            self.is_bound
            and self.charter
            and self.data.get("charter_version") != str(self.charter.version)
        ):
            # Accepting an older version is not accepting this one: ask again.
            self.data = self.data.copy()
            self.data.pop("accept_charter", None)
            self.charter_changed = True
        else:
            self.charter_changed = False
        self._build_sites()

    def _build_sites(self) -> None:
        """The further sites: those posted, less one the venue removed, plus one it added
        (the buttons work without the script, which does the same in the page)."""
        keys = _site_keys(self.data) if self.is_bound else []
        self.too_many_sites = len(keys) >= MAX_SITES
        keys = keys[: MAX_SITES - 1]
        self.site_change = None
        added = False
        if self.is_bound and self.data.get("remove_site"):
            self.site_change = "remove"
            keys = [key for key in keys if str(key) != self.data["remove_site"]]
        elif self.is_bound and "add_site" in self.data:
            self.site_change = "add"
            if len(keys) < MAX_SITES - 1:
                key = max(keys, default=1) + 1
                keys.append(key)
                added = True
                # A new site is named after its organisation at first (it is often all the
                # venue knows of it): the venue then makes the name its own.
                self.data = self.data.copy()
                self.data[f"site{key}-name"] = self.data.get("organisation", "")
        self.more_sites = [
            SiteForm(self.data if self.is_bound else None, key=key, number=number)
            for number, key in enumerate(keys, start=2)
        ]
        if added:
            # The page comes back with the new site: start there (the script moves the
            # focus itself).
            self.more_sites[-1].fields["name"].widget.attrs["autofocus"] = True

    @property
    def site_one_fields(self) -> set[str]:
        """With further sites, the names of site 1's fields, which the error summary names
        "Site 1" (the others are the application's)."""
        if not self.more_sites:
            return set()
        # Intervals and closures: site 1 may show more rows than site 2.
        return {name for name in self.fields if name in self.more_sites[0].fields} | {
            name
            for name in self.fields
            if re.fullmatch(r"(opens|closes)_\d_\d+|closure_(starts|ends|reason)_\d+", name)
        }

    @property
    def sites_full(self) -> bool:
        return len(self.more_sites) >= MAX_SITES - 1

    @staticmethod
    def empty_site() -> SiteForm:
        """The blank site the script copies, its key and number to fill in."""
        return SiteForm(key="__key__", number="__number__")

    def is_valid(self) -> bool:
        sites_valid = [site.is_valid() for site in self.more_sites]
        return super().is_valid() and all(sites_valid)

    def has_errors(self) -> bool:
        return bool(self.errors) or any(site.errors for site in self.more_sites)

    def hold_errors(self) -> None:
        super().hold_errors()
        for site in self.more_sites:
            site.hold_errors()

    @staticmethod
    def stamp() -> str:
        """A signed render time, posted back to tell people from robots."""
        return signing.TimestampSigner(salt=FORM_STAMP_SALT).sign(str(uuid.uuid4()))

    def _kept_stamp(self) -> str:
        """The posted render time when genuine and within its day: a person who only has
        to tick a box after an error page took their time on the first render, and is not
        "very fast" when sending again at once. Else a new one."""
        posted = str(self.data.get("rendered", ""))
        try:
            signing.TimestampSigner(salt=FORM_STAMP_SALT).unsign(
                posted, max_age=settings.JOIN_FORM_MAX_AGE
            )
        except signing.BadSignature:  # expired included
            return self.stamp()
        return posted

    def fresh_hidden_values(self) -> dict:
        """Values of the hidden fields for (re)displaying this form."""
        key = self.cleaned_data.get("submission_key") if hasattr(self, "cleaned_data") else None
        if key is None:
            try:
                key = uuid.UUID(str(self.data.get("submission_key", "")))
            except ValueError:
                key = uuid.uuid4()
        return {
            "rendered": self._kept_stamp(),
            "submission_key": key,
            "charter_version": self.charter.version if self.charter else "",
        }

    def clean(self):
        # Robots and stale forms first.
        if not self.caught_robot():
            try:
                self._check_timing(self.cleaned_data.get("rendered", ""))
            except ValidationError as error:
                self.add_error(None, error)
        if self.charter is None:
            self.add_error(None, _("Applications are closed: no charter is published."))
        if self.too_many_sites:
            self.add_error(
                None,
                _(
                    "One application holds %(max)s sites at most: send the others in a "
                    "second application."
                )
                % {"max": MAX_SITES},
            )
        if self.charter_changed:
            self.add_error(
                "accept_charter",
                _(
                    "The charter has changed since you opened this form: read the current "
                    "version and accept it again."
                ),
            )
        cleaned = super().clean()
        if cleaned.get("contact_phone"):
            try:
                cleaned["contact_phone"] = _parse_phone(
                    cleaned["contact_phone"], self.commune.department if self.commune else None
                )
            except ValidationError as error:
                self.add_error("contact_phone", error)
        return cleaned

    def _check_timing(self, stamp: str) -> None:
        signer = signing.TimestampSigner(salt=FORM_STAMP_SALT)
        try:
            signer.unsign(stamp, max_age=settings.JOIN_FORM_MAX_AGE)
        except signing.SignatureExpired:
            raise ValidationError(
                _(
                    "This form was opened more than a day ago. Please check your answers and "
                    "send it again."
                ),
                code="expired",
            ) from None
        except signing.BadSignature:
            raise ValidationError(
                _("This form could not be checked. Please send it again."), code="stamp"
            ) from None
        try:
            signer.unsign(stamp, max_age=settings.JOIN_FORM_MIN_SECONDS)
        except signing.SignatureExpired:
            return
        raise ValidationError(
            _(
                "That was very fast! Please take a moment to check your answers, then "
                "send the form again."
            ),
            code="too_fast",
        )

    def contact_data(self) -> dict:
        return {
            field: self.cleaned_data[field]
            for field in ("contact_name", "contact_role", "contact_email", "contact_phone")
        }

    def sites_data(self) -> list[tuple[dict, list, list]]:
        """Each site's partner fields, with what the sites share, its hours and its
        closures."""
        shared = {
            **self.contact_data(),
            "organisation": self.cleaned_data["organisation"],
            "kind": self.cleaned_data["kind"],
            "siret": self.cleaned_data["siret"],
        }
        return [
            (
                {**site.venue_data(), **shared},
                site.cleaned_data["hours"],
                site.cleaned_data["closures"],
            )
            for site in [self, *self.more_sites]
        ]


class UpdateForm(VenueForm):
    """Self-service: the public details a venue can change (kind and SIRET through staff)."""

    def __init__(self, *args, partner, **kwargs):
        self.partner = partner
        super().__init__(*args, initial=self._initial(partner), **kwargs)
        del self.fields["kind"]
        del self.fields["siret"]

    @staticmethod
    def _initial(partner) -> dict:
        initial = {
            field: getattr(partner, field)
            for field in (
                "name",
                "address",
                "postcode",
                "city",
                "website",
                "email",
                "step_free",
                "accessibility_note",
                "welcome_note",
            )
        }
        initial["phone"] = partner.phone.as_national if partner.phone else ""
        initial["languages"] = ", ".join(partner.languages)
        location = partner.location
        # Changes awaiting review are what the venue last asked for: show those.
        for field, value in partner.pending_changes.items():
            if field == "location":
                location = GEOSGeometry(value) if value else None
            elif field in initial:
                initial[field] = value
        if location:
            initial["lat"], initial["lon"] = location.y, location.x
        counts = {}
        for interval in partner.opening_intervals.all():
            if interval.whole_day:
                initial[f"allday_{interval.weekday}"] = True
                counts.setdefault(interval.weekday, 0)
                continue
            index = counts.get(interval.weekday, 0)
            counts[interval.weekday] = index + 1
            initial[f"opens_{interval.weekday}_{index}"] = interval.opens
            initial[f"closes_{interval.weekday}_{index}"] = interval.closes
        for day, _name in WEEKDAYS:
            initial[f"closed_{day}"] = day not in counts
        for index, closure in enumerate(partner.upcoming_closures()[:MAX_CLOSURES]):
            initial[f"closure_starts_{index}"] = closure.starts
            initial[f"closure_ends_{index}"] = closure.ends
            initial[f"closure_reason_{index}"] = closure.reason
        return initial

    def clean(self):
        moved = {"address", "postcode", "city"} & set(self.changed_data)
        pinned = {"lat", "lon"} & set(self.changed_data)
        if moved and not pinned:
            # A new address with the old pin: place the pin from the new address.
            self.cleaned_data["lat"] = self.cleaned_data["lon"] = None
        return super().clean()

    def changes(self) -> dict:
        data = self.venue_data()
        data["hours"] = self.cleaned_data["hours"]
        data["closures"] = self.cleaned_data["closures"]
        if not {"postcode", "city"} & set(self.changed_data):
            # Derived from the town: unchanged when the town is.
            del data["department"], data["insee_code"]
        return data


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("The contact email given in your application"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address such as prenom.nom@example.fr.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you leaving?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, remove our venue from the network and its map"),
        error_messages={"required": _("Tick this box to confirm that the venue leaves.")},
    )


class ReconfirmForm(forms.Form):
    confirm = forms.BooleanField(required=True)

    def __init__(self, *args, charter, charter_changed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if charter_changed:
            label = _(
                "We have read the charter, version %(version)s, accept it and will honour it."
            ) % {"version": charter.version}
        else:
            label = _("We still honour the charter, version %(version)s.") % {
                "version": charter.version
            }
        self.fields["confirm"].label = label
        self.fields["confirm"].error_messages["required"] = _(
            "Please tick the box to confirm your commitment."
        )


class WelcomeForm(forms.Form):
    """ "We welcomed someone": the date, the aggression, the police, whether the person
    stayed. No field about the person and no free text, on purpose."""

    on = forms.DateField(
        label=_("Date of the welcome"),
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"],
        error_messages={
            "required": _("Give the date of the welcome."),
            "invalid": _("Enter a date such as 24/12/2026."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind of aggression"),
        choices=Aggression.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of aggression, or “Not said”.")},
    )
    police_called = forms.ChoiceField(
        label=_("Were the police called (17 or 112)?"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the police were called, or “Not said”.")},
    )
    police_delay = forms.ChoiceField(
        label=_("Only if the police were called: about how long did they take to arrive?"),
        choices=PoliceDelay.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    stayed = forms.ChoiceField(
        label=_("Did the person stay until help came?"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the person stayed, or “Not said”.")},
    )

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = partner.local_time().date()
        self.fields["on"].initial = self.today
        # The browser's calendar offers the year allowed only.
        self.fields["on"].widget.attrs.update(
            {"max": self.today.isoformat(), "min": self.earliest().isoformat()}
        )

    def earliest(self) -> datetime.date:
        return self.today - datetime.timedelta(days=WELCOME_MAX_AGE_DAYS)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > self.today:
            raise ValidationError(
                _("The date cannot be in the future: give the day the person was welcomed."),
                code="future",
            )
        if on < self.earliest():
            raise ValidationError(
                _("Only welcomes of the last year can be recorded: a date from %(date)s.")
                % {"date": date_format(self.earliest(), "j F Y")},
                code="too_old",
            )
        return on

    def clean(self):
        cleaned = super().clean()
        called = cleaned.get("police_called")
        if called == Answer.YES and not cleaned.get("police_delay"):
            self.add_error(
                "police_delay",
                ValidationError(
                    _("Say about how long the police took to arrive, or “Not said”."),
                    code="required",
                ),
            )
        elif called and called != Answer.YES and cleaned.get("police_delay"):
            # Without JavaScript the question is always shown (static/partners/welcome.js
            # hides it otherwise). Nothing answered is dropped: the venue says which answer
            # holds, and a radio button cannot be unticked, so "No answer" is offered.
            self.fields["police_delay"].choices = [
                ("", _("No answer: the police were not called")),
                *PoliceDelay.choices,
            ]
            self.add_error(
                "police_delay",
                ValidationError(
                    _(
                        "Answer this only if the police were called: choose “Yes” above if "
                        "they were, or “No answer” here."
                    ),
                    code="not_called",
                ),
            )
        return cleaned

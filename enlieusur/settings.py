"""Settings for En lieu sûr: one module, configured from the environment.

Every variable is listed, with its default, in the README's "Settings" table.
The defaults suit development; production sets DEBUG=0 and a real SECRET_KEY.
"""

import datetime
import glob
import importlib.util
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from enlieusur import localdb
from partners.domain import geography

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 (refused below)
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of 50 characters or more when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# GDAL: Debian 12 ships GDAL 3.6, too old to block file and network access from
# malicious spatial references (gis.W001). pyogrio's manylinux wheel carries a
# recent, self-contained GDAL with its PROJ data; we load that one (see README).
_pyogrio = importlib.util.find_spec("pyogrio")
if _pyogrio and _pyogrio.origin:
    _pyogrio_dir = Path(_pyogrio.origin).parent
    os.environ.setdefault("PROJ_DATA", str(_pyogrio_dir / "proj_data"))
    os.environ.setdefault("GDAL_DATA", str(_pyogrio_dir / "gdal_data"))
    _bundled_gdal = sorted(glob.glob(str(_pyogrio_dir.parent / "pyogrio.libs" / "libgdal-*.so*")))
else:
    _bundled_gdal = []
GDAL_LIBRARY_PATH = env_str("GDAL_LIBRARY_PATH") or (_bundled_gdal[0] if _bundled_gdal else None)
GEOS_LIBRARY_PATH = env_str("GEOS_LIBRARY_PATH") or None

INSTALLED_APPS = [
    # The admin site asks staff for a TOTP code as well as their password (enlieusur/apps.py).
    "enlieusur.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "leaflet",
    "phonenumber_field",
    "partners",
    # The communes as a table, loaded from gazetteer/communes.csv (gazetteer/models.py).
    "gazetteer",
    "axes",
    "django_otp",
    "enlieusur.apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp
    "enlieusur.apps.BackupCodesConfig",  # django_otp.plugins.otp_static
    # The task queue, in PostgreSQL: emails leave through it (partners/services/emails.py).
    "enlieusur.apps.TaskQueueConfig",  # django_tasks_db
    # PostgreSQL triggers keeping the history immutable (partners/models.py).
    "pgtrigger",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names, compressed, before any other work (README, "Deployment").
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "enlieusur.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL byte in a path, query, form or cookie never reaches PostgreSQL (enlieusur/guards.py).
    "enlieusur.guards.RefuseNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Each request of an institution's read-only account, recorded (partners/staff/institutions.py).
    "partners.staff.institutions.AccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "enlieusur.urls"
WSGI_APPLICATION = "enlieusur.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "enlieusur.context_processors.site",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# DATABASE_URL unset: the project-local cluster under var/ (see enlieusur/localdb.py).
# Connections are kept a minute: opening one per request costs more than a nearest
# search itself (make bench, BENCHMARKS.md).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or localdb.database_url(),
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# No JIT compilation: PostgreSQL compiles a query whose estimated cost is high, such as
# "open now" checked partner by partner, and spends 30 to 40 ms doing it for a search
# that runs in 2 ms. Every query of the site is short.
NO_JIT = "-c jit=off"
# psycopg prepares a statement at its first run on a connection, but only a server-side
# binding cursor's: the public searches' (partners/public/search.py, PreparedCursor).
# Django's own cursors bind on the client and never prepare (Django turns preparing off,
# for poolers; README, "Scaling").
CONNECTION_OPTIONS = {"options": NO_JIT, "prepare_threshold": 1}
DATABASES["default"].setdefault("OPTIONS", {}).update(CONNECTION_OPTIONS)
# A read replica takes the public reads (enlieusur/dbrouter.py; README, "Scaling").
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL,
            engine="django.contrib.gis.db.backends.postgis",
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        # The test suite reads the primary's test database through this alias.
        "TEST": {"MIRROR": "default"},
    }
    DATABASES["replica"].setdefault("OPTIONS", {}).update(CONNECTION_OPTIONS)
DATABASE_ROUTERS = ["enlieusur.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Stored in UTC; each venue's hours are read in its territory's time zone.
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Our vendored Leaflet (static/vendor/README.md) stands in for django-leaflet's
    # own copy, for the public map and the admin widget alike.
    ("leaflet", BASE_DIR / "static" / "vendor" / "leaflet"),
]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "staticfiles")
# Production serves collected files with hashed names (cached for ever) and their gzip and
# Brotli versions through WhiteNoise; development and tests read the sources directly.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Decided by the environment's DEBUG, not the test runner's: tests read the sources too.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG

# A shared cache in production (Redis), so that rate limits hold across gunicorn workers;
# a per-process memory cache otherwise.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "enlieusur.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Redis stays bounded (README, "Deployment"): every entry expires. The GeoJSON's and the
# tiles' keys change with the public data, so an old version's entries are never read
# again: they go this many seconds after their last write.
PUBLIC_CACHE_TTL = env_int("PUBLIC_CACHE_TTL", 3600)

# Past this many approved partners the all-partners GeoJSON is no longer built in a request
# (at 1,000,000 it is about 200 MB and takes a worker 18 s and 300 MB): the API answers
# 303 See Other to the daily open-data file instead, and says so (README, "Scaling").
GEOJSON_MAX_PARTNERS = env_int("GEOJSON_MAX_PARTNERS", 250_000)

# Where `manage.py export_open_data` (run daily) writes the open-data files that
# /donnees/ serves (README, "Open data").
OPEN_DATA_DIR = Path(env_str("OPEN_DATA_DIR") or BASE_DIR / "var" / "opendata")

# Seconds before a failed email is tried again; the delay then doubles, up to an hour.
EMAIL_RETRY_DELAY = env_int("EMAIL_RETRY_DELAY", 60)

# Console in development; SMTP when EMAIL_HOST is set (production).
_EMAIL_HOST = env_str("EMAIL_HOST")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _EMAIL_HOST,
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": 10,
        },
    }
    if _EMAIL_HOST
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
# Emails are tasks (partners/services/emails.py): queued in the database once a change commits, sent
# by `manage.py db_worker` (README, "Deployment"), retried with back-off while SMTP is down.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "En lieu sûr <ne-pas-repondre@enlieusur.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAILS = env_list("STAFF_NOTIFICATION_EMAILS")

# The map's tile server is the only third party a visitor's browser talks to.
TILE_URL = env_str("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TILE_ATTRIBUTION = env_str(
    "TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)

# The deepest zoom the tile server draws (OpenStreetMap's: 19).
TILE_MAX_ZOOM = env_int("TILE_MAX_ZOOM", 19)

# The admin's map (django-leaflet) with the tiles and the mainland view of the public maps,
# which get the same settings through partners/public/maps.py.
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": geography.PLACES[geography.MAINLAND].centre,
    "DEFAULT_ZOOM": geography.PLACES[geography.MAINLAND].zoom,
    "MIN_ZOOM": 2,
    "MAX_ZOOM": TILE_MAX_ZOOM,
    "TILES": [("Map", TILE_URL, {"attribution": TILE_ATTRIBUTION, "maxZoom": TILE_MAX_ZOOM})],
    "ATTRIBUTION_PREFIX": "",
    "RESET_VIEW": False,
    "PLUGINS": {
        "markercluster": {
            "css": [
                "vendor/leaflet.markercluster/MarkerCluster.css",
                "vendor/leaflet.markercluster/MarkerCluster.Default.css",
            ],
            "js": "vendor/leaflet.markercluster/leaflet.markercluster.js",
        },
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No query string, token, email or client address, and no forged line, in any log
    # (enlieusur/logging.py; gunicorn.conf.py applies the same rule to gunicorn's logs).
    "filters": {
        "redact": {"()": "enlieusur.logging.Redact"},
        "short_disallowed_host": {"()": "enlieusur.logging.ShortDisallowedHost"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        # runserver's request lines, which Django's default configuration logs in full.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default handlers for it write unredacted: its records go to the root's.
        "django": {"handlers": [], "level": "INFO"},
        "django.security.DisallowedHost": {"filters": ["short_disallowed_host"]},
        "axes.apps": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# Security and privacy (README, "Deployment"). With DEBUG off: HTTPS only, behind a reverse
# proxy that terminates TLS and *overwrites* X-Forwarded-Proto (and X-Forwarded-For).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Monitoring may probe the app directly over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The directive alone enrols nothing: submitting the domain to the preload list does.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
# Only staff have sessions: a working day, and none survives the browser.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Powerful browser features: geolocation ("Me localiser") for our own pages, nothing else.
PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), serial=(), "
    "midi=(), accelerometer=(), gyroscope=(), magnetometer=(), "
    "display-capture=(), browsing-topics=()"
)
# The admin's path, e.g. "gestion-7f3a/": not a secret, but it keeps scanners away.
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
# Pages holding personal data, never stored by a browser or proxy cache (with /en/ variants);
# every page an emailed link opens is among them (/mon-lieu/…, /rejoindre/confirmer/…).
# Pages holding personal data, never stored by a browser or a proxy; every page reached
# through a token is too, whatever its path (enlieusur/middleware.py).
NO_STORE_PATH_PREFIXES = [
    f"/{ADMIN_URL}",
    "/mon-lieu/",
    "/rejoindre/formulaire/",
]


def _csp_source(url: str) -> str:
    """The origin of ``url`` as a CSP source; a ``{s}`` subdomain becomes a wildcard."""
    parts = urlsplit(url)
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    return f"{parts.scheme}://{host}"


SECURE_CSP = {
    "default-src": [CSP.SELF],
    # Inline scripts only with the request's nonce (django-leaflet's admin widget uses it).
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # The tile server is the only other origin a page may load from.
    "img-src": [CSP.SELF, "data:", _csp_source(TILE_URL)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Staff accounts: password then TOTP code (django-otp), brute force locked out per
# user name and address for everyone, in the database shared by all workers (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "enlieusur.middleware.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# Reverse proxies whose X-Forwarded-For names the client (gunicorn reads the same variable).
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
OTP_TOTP_ISSUER = "En lieu sûr"

# Personal data (RGPD): how long it is kept (purge_personal_data, run daily; the privacy
# notice quotes these figures) and where people write to exercise their rights.
RETENTION_UNCONFIRMED_DAYS = env_int("RETENTION_UNCONFIRMED_DAYS", 30)
RETENTION_REJECTED_DAYS = env_int("RETENTION_REJECTED_DAYS", 365)
RETENTION_FORMER_CONTACT_DAYS = env_int("RETENTION_FORMER_CONTACT_DAYS", 365)
RETENTION_STAFF_LOGIN_LOG_DAYS = env_int("RETENTION_STAFF_LOGIN_LOG_DAYS", 180)
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "donnees-personnelles@enlieusur.fr")
# Joining online and self-service (partners/venue/views.py).
JOIN_CONFIRM_LINK_MAX_AGE = env_int("JOIN_CONFIRM_LINK_MAX_AGE", 7 * 24 * 3600)
SELFSERVICE_LINK_MAX_AGE = env_int("SELFSERVICE_LINK_MAX_AGE", 7 * 24 * 3600)
JOIN_FORM_MIN_SECONDS = env_int("JOIN_FORM_MIN_SECONDS", 3)
JOIN_FORM_MAX_AGE = env_int("JOIN_FORM_MAX_AGE", 24 * 3600)
# Rate limits (partners/domain/ratelimit.py): accepted actions per client address (behind the
# proxy too) and per RATE_LIMIT_WINDOW seconds. They count in Django's cache: the default
# per-process memory cache is fine for one process only; production with several workers
# needs a shared cache (Redis) so the limits hold.
JOIN_RATE_LIMIT = env_int("JOIN_RATE_LIMIT", 5)
LINK_REQUEST_RATE_LIMIT = env_int("LINK_REQUEST_RATE_LIMIT", 5)
LOCATE_RATE_LIMIT = env_int("LOCATE_RATE_LIMIT", 60)
REPORT_RATE_LIMIT = env_int("REPORT_RATE_LIMIT", 5)
RATE_LIMIT_WINDOW = env_int("RATE_LIMIT_WINDOW", 3600)
# Public search and pages (README, "Settings").
# Full-address search: a geocoder speaking the Base Adresse Nationale's JSON, e.g.
# https://api-adresse.data.gouv.fr/search/ ; empty: towns and postcodes only, offline.
GEOCODER_URL = env_str("GEOCODER_URL")
# Seconds the public data version (approved count, latest change) is remembered: how
# long a change may take to reach the GeoJSON and the map's tiles.
PUBLIC_VERSION_TTL = env_int("PUBLIC_VERSION_TTL", 5)
# Where the "Quitter" button and the Esc key send the visitor: a neutral site.
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://meteofrance.com/")
# Staff vetting: yearly re-confirmation of partners, and reports from the public.
RECONFIRMATION_INTERVAL_DAYS = env_int("RECONFIRMATION_INTERVAL_DAYS", 365)
RECONFIRMATION_GRACE_DAYS = env_int("RECONFIRMATION_GRACE_DAYS", 30)
# How long a re-confirmation link stays valid, from the email.
RECONFIRMATION_LINK_DAYS = env_int("RECONFIRMATION_LINK_DAYS", 90)
# Invitations of candidates (README, "Invitations"): how long the link to the prefilled
# application stays valid, and the days between an email and the next reminder (at most
# two), or, after the second reminder, the candidate's "no answer".
INVITATION_LINK_DAYS = env_int("INVITATION_LINK_DAYS", 120)
INVITATION_REMINDER_DAYS = env_int("INVITATION_REMINDER_DAYS", 14)
# Staff training (partners/domain/training.py): the quiz's pass mark (out of its
# questions), how many people with a valid training approval asks for, and how long the
# training link a venue shares with its staff stays valid.
TRAINING_PASS_MARK = env_int("TRAINING_PASS_MARK", 7)
TRAINED_PEOPLE_FOR_APPROVAL = env_int("TRAINED_PEOPLE_FOR_APPROVAL", 2)
TRAINING_LINK_DAYS = env_int("TRAINING_LINK_DAYS", 365)
# Where venues write to the team: emails come from a no-reply address.
STAFF_CONTACT_EMAIL = env_str("STAFF_CONTACT_EMAIL", "contact@enlieusur.fr")

# SMS: a town or postcode texted to FLAG!'s number gets the three nearest places open now
# (sms/, README "SMS"). The gateway is off, and its webhook answers 404, until both its
# auth token and the webhook's public URL are set. SMS_WEBHOOK_URL is the URL exactly as
# typed in Twilio's console (e.g. https://enlieusur.fr/sms/twilio/): Twilio signs it.
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
SMS_WEBHOOK_URL = env_str("SMS_WEBHOOK_URL")
if bool(TWILIO_AUTH_TOKEN) != bool(SMS_WEBHOOK_URL):
    raise ImproperlyConfigured("TWILIO_AUTH_TOKEN and SMS_WEBHOOK_URL go together: set both.")
if SMS_WEBHOOK_URL and urlsplit(SMS_WEBHOOK_URL).scheme not in {"http", "https"}:
    raise ImproperlyConfigured(f"SMS_WEBHOOK_URL must be an http(s) URL, not {SMS_WEBHOOK_URL!r}.")
# FLAG!'s number in E.164 (+33…): when set, messages sent to another number get no answer.
SMS_NUMBER = "".join(env_str("SMS_NUMBER").split())
# Messages answered per sender's number (kept hashed) and per window of seconds.
SMS_RATE_LIMIT = env_int("SMS_RATE_LIMIT", 10)
SMS_RATE_LIMIT_WINDOW = env_int("SMS_RATE_LIMIT_WINDOW", 900)
# Seconds a choice among homonyms ("reply 1, 2 or 3") waits for its answer.
SMS_CHOICE_TTL = env_int("SMS_CHOICE_TTL", 600)
# Seconds a message id is remembered (hashed): a request replayed within it is not answered.
SMS_REPLAY_TTL = env_int("SMS_REPLAY_TTL", 86400)

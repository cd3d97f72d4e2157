"""Grassroots settings, read from the environment (see README "Configuration" and .env.example).

A fresh checkout runs on SQLite with DEBUG on (``make`` writes ``.env`` from ``.env.example``).
In production DEBUG is off and SECRET_KEY, PII_KEY and ALLOWED_HOSTS must be set explicitly.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("GRASSROOTS_VAR_DIR", str(BASE_DIR / "var")))


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from ``.env``; real environment variables win."""
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise env.EnvError(f"{path}:{number}: expected KEY=VALUE, got {line!r}")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_dotenv(Path(env.string("GRASSROOTS_ENV_FILE", str(BASE_DIR / ".env"))))

DEBUG = env.boolean("DEBUG", False)

# Development defaults exist only with DEBUG on; they are public and must never protect real data.
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"  # noqa: S105
_DEV_PII_KEY = "ZGV2LW9ubHktcGlpLWtleS0zMi1ieXRlcy1sb25nISE="  # base64 of 32 bytes

SECRET_KEY = env.string("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None)
# PII_KEY: base64 (standard or url-safe) of 32 random bytes. Encrypts ID numbers and phones and keys
# their lookup hashes. PII_OLD_KEYS lists retired keys still accepted for decryption during rotation.
PII_KEY = env.string("PII_KEY", _DEV_PII_KEY if DEBUG else None)
PII_OLD_KEYS = env.string_list("PII_OLD_KEYS", [])
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or PII_KEY == _DEV_PII_KEY):
    raise env.EnvError("The development SECRET_KEY/PII_KEY cannot be used with DEBUG off.")

ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise env.EnvError("ALLOWED_HOSTS is required with DEBUG off (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "grassroots.core.apps.GrassrootsAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "grassroots.core",
    "grassroots.org",
    "grassroots.people",
    "grassroots.notify",
    "grassroots.cases",
    "grassroots.triage",
    "grassroots.jobs",
    "grassroots.api",
    "grassroots.web",
    "grassroots.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "grassroots.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grassroots.web.context.pages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# SQLite by default: WAL so readers never block the writer, synchronous=FULL so a committed case
# survives a power cut, IMMEDIATE transactions so two writers queue on the busy timeout instead of
# failing with "database is locked" half-way through. PostgreSQL via DATABASE_URL.
DATABASE_URL = env.optional("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                DATABASE_URL,
                conn_max_age=env.integer("DB_CONN_MAX_AGE", 60, minimum=0),
                conn_health_checks=True,
            )
        }
    except ValueError as exc:
        raise env.EnvError(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if DATABASES["default"]["ENGINE"] not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise env.EnvError("DATABASE_URL must be a postgres:// or sqlite:// URL.")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "grassroots.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.integer("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;"
                "PRAGMA busy_timeout=20000;PRAGMA cache_size=-65536"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "grassroots" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.boolean("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0, minimum=0)
    if env.boolean("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Number of trusted reverse proxies in front of the app; the client address recorded in audit
# records is taken that many hops from the right of X-Forwarded-For (0 = use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)

EMAIL_BACKEND = env.string("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Outbound notification channels (dotted paths); SMS or WeChat adapters are added here.
NOTIFY_CHANNELS = env.string_list("NOTIFY_CHANNELS", ["grassroots.notify.channels.EmailChannel"])
# The outbound sender (manage.py send_notifications): attempts per delivery before it is marked
# failed, seconds before a failed attempt is retried, and seconds after which a delivery left in
# "sending" (its sender died) is taken over by another sender.
NOTIFY_MAX_ATTEMPTS = env.integer("NOTIFY_MAX_ATTEMPTS", 5, minimum=1, maximum=100)
NOTIFY_RETRY_SECONDS = env.integer("NOTIFY_RETRY_SECONDS", 300, minimum=0)
NOTIFY_SENDING_TIMEOUT_SECONDS = env.integer("NOTIFY_SENDING_TIMEOUT_SECONDS", 900, minimum=30)
# The site's public address, for links in outbound messages.
SITE_URL = env.string("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "grassroots@localhost")

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing sign-in a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "grassroots.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "grassroots.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": env.string("LOGIN_THROTTLE_RATE", "10/min")},
    # Throttles identify clients the way audit records do: trust exactly TRUSTED_PROXY_COUNT proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# API tokens are stored hashed (knox) and expire; 0 hours means they never expire.
_token_hours = env.integer("API_TOKEN_TTL_HOURS", 720, minimum=0)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=_token_hours) if _token_hours else None,
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Grassroots API",
    "DESCRIPTION": "基层治理平台 REST API: org tree, posts, people (masked), facilities, statistics.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several vocabularies have a field called "kind"; name their enums after the vocabulary.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "grassroots.org.choices.UnitKind",
        "PartyOrgKindEnum": "grassroots.org.choices.PartyOrgKind",
        "FacilityKindEnum": "grassroots.people.choices.FacilityKind",
        # The ledger (grassroots/api/cases.py, inbox.py).
        "CaseStateEnum": "grassroots.cases.choices.State",
        "ProblemStateEnum": "grassroots.cases.choices.ProblemState",
        "OutcomeEnum": "grassroots.cases.choices.Outcome",
        "RejectOutcomeEnum": "grassroots.api.cases.REJECT_OUTCOMES",
        "LevelEnum": "grassroots.cases.choices.Level",
        "ColorEnum": "grassroots.cases.choices.Color",
        "SupervisionEnum": "grassroots.cases.choices.Supervision",
        "EventKindEnum": "grassroots.cases.choices.EventKind",
        "ReporterKindEnum": "grassroots.cases.choices.ReporterKind",
        "ExtensionStatusEnum": "grassroots.cases.choices.ExtensionStatus",
        "PartyStatusEnum": "grassroots.people.choices.PartyStatus",  # beside ExtensionStatus
        "NotificationKindEnum": "grassroots.notify.models.Kind",
        # The catalog and calendar (grassroots/api/catalog.py).
        "TriageClassOrAnyEnum": "grassroots.api.catalog.CLASS_CHOICES",
        "LimitStageEnum": "grassroots.cases.models.LimitStage",
        "DayKindEnum": "grassroots.core.models.DayKind",
    },
}

# --- Product settings -----------------------------------------------------------------------------
# Age from which a resident counts as elderly in the base survey (the national standard is 60).
ELDERLY_AGE = env.integer("ELDERLY_AGE", 60, minimum=50, maximum=80)
MAP_TILE_URL = env.string("MAP_TILE_URL", "")
# Credit shown under the map for MAP_TILE_URL; empty: named after the tile host (OpenStreetMap, 天地图).
MAP_TILE_ATTRIBUTION = env.string("MAP_TILE_ATTRIBUTION", "")
# Photos attached to cases: the largest accepted file, and how many a case may have.
ATTACHMENT_MAX_BYTES = env.integer("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=100_000)
ATTACHMENTS_PER_CASE = env.integer("ATTACHMENTS_PER_CASE", 9, minimum=1)
# Category suggestions (docs/triage.md): where the trained models live (readable and writable by the
# application's account only: models are pickles), how much verified history training needs, the
# confidence from which a suggestion is pre-selected on the forms, and how many versions are kept.
TRIAGE_MODEL_DIR = Path(env.string("TRIAGE_MODEL_DIR", str(VAR_DIR / "triage")))
TRIAGE_MIN_LABELLED = env.integer("TRIAGE_MIN_LABELLED", 200, minimum=2)
TRIAGE_MIN_PER_CATEGORY = env.integer("TRIAGE_MIN_PER_CATEGORY", 5, minimum=2)
TRIAGE_PRESELECT_CONFIDENCE = float(env.string("TRIAGE_PRESELECT_CONFIDENCE", "0.8"))
TRIAGE_KEEP_VERSIONS = env.integer("TRIAGE_KEEP_VERSIONS", 10, minimum=2)
# Possible duplicates (docs/triage.md, "Duplicates"): how far back and how near a root original may be,
# per-category radii (a category code applies to its sub-categories; not from the environment), the
# text similarity a candidate needs, and the minutes within which the same reporter's same text is a
# re-post.
TRIAGE_DUPLICATE_DAYS = env.integer("TRIAGE_DUPLICATE_DAYS", 30, minimum=1)
TRIAGE_DUPLICATE_RADIUS_M = env.integer("TRIAGE_DUPLICATE_RADIUS_M", 500, minimum=10)
TRIAGE_DUPLICATE_RADIUS_BY_CATEGORY: dict[str, float] = {}
TRIAGE_DUPLICATE_MIN_SIMILARITY = float(env.string("TRIAGE_DUPLICATE_MIN_SIMILARITY", "0.35"))
TRIAGE_REPOST_MINUTES = env.integer("TRIAGE_REPOST_MINUTES", 60, minimum=1)
# Candidate common problems (docs/triage.md, "Common problems"): open cases of the last
# TRIAGE_PROBLEM_DAYS grouped by text similarity (character-bigram TF-IDF cosine), within the radius
# when both have a point; groups of at least TRIAGE_PROBLEM_MIN_CASES are candidates, proposed as one
# major matter from TRIAGE_PROPOSE_HOUSEHOLDS households or TRIAGE_PROPOSE_GRIDS grids.
TRIAGE_PROBLEM_DAYS = env.integer("TRIAGE_PROBLEM_DAYS", 30, minimum=1)
TRIAGE_PROBLEM_MIN_SIMILARITY = float(env.string("TRIAGE_PROBLEM_MIN_SIMILARITY", "0.18"))
TRIAGE_PROBLEM_RADIUS_M = env.integer("TRIAGE_PROBLEM_RADIUS_M", 1000, minimum=10)
TRIAGE_PROBLEM_MIN_CASES = env.integer("TRIAGE_PROBLEM_MIN_CASES", 3, minimum=2)
TRIAGE_PROPOSE_HOUSEHOLDS = env.integer("TRIAGE_PROPOSE_HOUSEHOLDS", 20, minimum=2)
TRIAGE_PROPOSE_GRIDS = env.integer("TRIAGE_PROPOSE_GRIDS", 3, minimum=2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

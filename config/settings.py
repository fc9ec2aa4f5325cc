"""Orderly's settings: one module, every knob read from the environment.

With nothing set, Orderly runs on the embedded defaults (SQLite, eager Celery,
local-memory cache, console email, sandbox payments, DEBUG on). Production
differs only by environment variables; see the README's configuration table.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import babel.numbers
import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
DEBUG = env.bool("DEBUG", default=DJANGO_ENV != "production")

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG=false or DJANGO_ENV=production) "
            "needs a long random SECRET_KEY in the environment."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

# The shop's name, in pages, email subjects and authenticator apps.
SHOP_NAME = env.str("SHOP_NAME", default="Orderly")
# Where the shop is served, for every link in emails (sent by workers, with no request).
# Unset, it is where `make run` serves (HOST and PORT); production must name it.
SITE_URL = env.str(
    "SITE_URL", default=f"http://{env.str('HOST', '127.0.0.1')}:{env.int('PORT', 8000)}"
).rstrip("/")

# Proxies in front of the app (the PaaS router) that append to X-Forwarded-For; the
# client's address is the entry this many from the right, for DRF's throttles and
# allauth's rate limits alike. 0: X-Forwarded-For is ignored, REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before admin: it adds the name_en/name_de fields to the product form (docs/decisions/0008).
    "modeltranslation",
    "config.apps.ShopAdminConfig",  # django.contrib.admin, with config.admin_site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_guid",
    "django_countries",
    "phonenumber_field",
    "import_export",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "allauth.mfa",
    "allauth.usersessions",
    "accounts",
    "orders",
    "notifications",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "config.health.LivenessMiddleware",
    "config.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.BodySizeLimitMiddleware",
    "config.middleware.HostileInputMiddleware",
    "config.middleware.JsonErrorBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the session, the language cookie (set by the switcher and at sign-in
    # from the profile), then Accept-Language: no query of its own.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.pages.ApplicationErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # allauth's, recording a browser session's activity once a minute, not every request.
    "accounts.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.shop",
                "orders.context_processors.cart",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, with a health check that asks the socket instead of sending
    # SELECT 1 on every request (config/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # `make run` has the site, a worker and beat writing one file: writers queue, not fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")


def _redis_database(url: str) -> tuple[str, int]:
    """(host:port, database number) of a redis:// URL."""
    parts = urlsplit(url)
    return parts.netloc.rsplit("@", 1)[-1], int(parts.path.strip("/") or 0)


# The cache has a Redis database of its own: cache.clear() (FLUSHDB) must never drop the
# Celery broker's queued tasks. Unset, it is REDIS_URL's database number plus 8 (of 16).
CACHE_URL = env.str(
    "CACHE_URL",
    default=REDIS_URL
    and urlunsplit(
        urlsplit(REDIS_URL)._replace(path=f"/{(_redis_database(REDIS_URL)[1] + 8) % 16}")
    ),
)
# Seconds a cache call waits for Redis, and how long a Redis that did not answer is then
# skipped (config/cache.py's circuit breaker).
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.5)
CACHE_BREAKER_SECONDS = env.float("CACHE_BREAKER_SECONDS", default=5)
if CACHE_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down, throttles and rate limits degrade, logged.
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="orderly"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": CACHE_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
                "CONNECTION_POOL_CLASS": "config.cache.BreakerConnectionPool",
                "CONNECTION_POOL_KWARGS": {"breaker_seconds": CACHE_BREAKER_SECONDS},
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "config.cache"

# Sessions (and app session tokens, which are sessions) are rows, read through the cache:
# a signed-in request reads Redis, not the table. Ending a session deletes the cached copy
# first and fails (503) while Redis cannot confirm it (config/sessions.py).
SESSION_ENGINE = "config.sessions"

# --- Accounts ---------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# An eight-character code in the email, typed in the page or sent by an app (no link to open).
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's defaults, except that signing in from a second device before verifying may send
# its own code (allauth's 1 code per 3 minutes refuses that sign-in as "too many attempts").
ACCOUNT_RATE_LIMITS = {"confirm_email": "3/3m/key"}
# The code typed in the session (or app token) that asked for it signs the user in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# allauth's emails name SHOP_NAME (subject and body) and link to SITE_URL, not the host a
# request came in on.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_ONLY = False
# allauth's own OpenAPI description of the app API, at /_allauth/openapi.html (and .json).
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_TOKEN_STRATEGY = "accounts.authentication.SessionTokenStrategy"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SHOP_NAME
# usersessions tracks every browser session and every headless app token (both are
# Django sessions), which is what lets "sign out everywhere" reach all of them.
USERSESSIONS_TRACK_ACTIVITY = True

# --- Email ------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
if env.str("EMAIL_URL", default="").startswith("filemail:///"):
    # filemail:///var/mail/shop names an absolute folder; django-environ drops its first "/".
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = "/" + EMAIL_CONFIG["EMAIL_FILE_PATH"].lstrip("/")
vars().update(EMAIL_CONFIG)
# Seconds an SMTP connection or reply may take: a hung mail server fails the send (counted,
# retried later) instead of holding a worker.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Orderly <shop@orderly.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -----------------------------------------------------

LANGUAGE_CODE = "en-gb"
# The shop's languages; English is the fallback of every string and product text.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
# Each app keeps its German catalogue in <app>/locale/ (config/locale for the templates and
# the project-wide strings): `make messages` updates them, `make compile` builds the .mo.
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# One date and time format everywhere (admin too), a 24-hour clock: config/formats/.
FORMAT_MODULE_PATH = "config.formats"
# A phone number written without "+country" is read as British, and shown as +44 20 7946 0000.
PHONENUMBER_DEFAULT_REGION = "GB"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded files (product pictures and their renditions) go through Django's storage API:
# the local MEDIA_ROOT by default, an S3-compatible bucket with MEDIA_STORAGE=s3. A PaaS
# wipes its disk at every deploy, so production will not start on local media unless told.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="")
if MEDIA_STORAGE not in {"", "local", "s3"}:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE={MEDIA_STORAGE!r} is not a media storage: use local or s3."
    )
# Seconds to wait for the bucket to connect, and to answer once connected.
MEDIA_STORAGE_CONNECT_TIMEOUT = env.float("MEDIA_STORAGE_CONNECT_TIMEOUT", default=3)
MEDIA_STORAGE_READ_TIMEOUT = env.float("MEDIA_STORAGE_READ_TIMEOUT", default=10)
MEDIA_ORIGINS: list[str] = []
if MEDIA_STORAGE == "s3":
    from botocore.config import Config as BotoConfig

    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": AWS_S3_CUSTOM_DOMAIN,
            # Pictures are public: plain URLs (the bucket's policy lets anyone read them),
            # not signed ones that expire inside a cached catalogue page.
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": True,
            # An S3-compatible server of one's own is addressed by path (its host is the
            # endpoint's); Amazon's own S3 by the bucket's host name.
            "addressing_style": "path" if AWS_S3_ENDPOINT_URL else "virtual",
            "client_config": BotoConfig(
                connect_timeout=MEDIA_STORAGE_CONNECT_TIMEOUT,
                read_timeout=MEDIA_STORAGE_READ_TIMEOUT,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        },
    }
    # Pages load pictures from there: the Content-Security-Policy lets them.
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_ORIGINS = [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
    elif AWS_S3_ENDPOINT_URL:
        MEDIA_ORIGINS = [AWS_S3_ENDPOINT_URL.rstrip("/")]
    else:
        MEDIA_ORIGINS = [
            f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com",
            f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME or 'us-east-1'}"
            ".amazonaws.com",
        ]
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# A catalogue import waits in the cache between its preview and its confirmation, so any
# web process may take the confirmation (a temporary file would be on one process's disk).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
# An uploaded picture may be at most this big; renditions are made this wide (px, WebP).
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_RENDITION_WIDTHS = (200, 400, 800)
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Bodies larger than this are refused with 413 before any view reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

# --- Security ---------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [
            SELF,
            *env.list("CSP_FORM_ACTION", default=["https://checkout.stripe.com"]),
        ],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    }
}

# --- API --------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["config.parsers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_METADATA_CLASS": "config.metadata.Metadata",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonThrottle",
        "config.throttling.UserThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Orderly API",
    "DESCRIPTION": (
        "Catalogue, cart, slots, checkout, orders, payments and notifications.\n\n"
        "Sign up, sign in, verify the email and manage two-factor through allauth's headless "
        "app API, documented at [/api/v1/docs/sign-in/](/api/v1/docs/sign-in/); send the "
        "session token it returns as the `X-Session-Token` header on every call here."
    ),
    "VERSION": "1.5.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields that share a set of choices share one named enum in the schema.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.Order.Status",
        "SlotKindEnum": "orders.models.Slot.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.error_responses",
    ],
}

# --- Tasks ------------------------------------------------------------------

# `make run` sets CELERY_BROKER_URL=filesystem:// so a worker and beat run with no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://"
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# Every task's time limit: at the soft one the task gets SoftTimeLimitExceeded (an attempt
# that failed, recorded as any other), at the hard one its worker process is replaced.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
if not 0 < CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_TASK_SOFT_TIME_LIMIT must be above 0 and below CELERY_TASK_TIME_LIMIT."
    )
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
# Queuing a task with the broker down fails fast (and is logged by the robust on_commit
# that queued it) instead of holding the customer's request for long retries.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = BASE_DIR / ".celery-queue"
    _queue_dir.mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "store_processed": False,
    }
if (
    CACHE_URL
    and CELERY_BROKER_URL.startswith("redis")
    and (_redis_database(CACHE_URL) == _redis_database(CELERY_BROKER_URL))
):
    raise ImproperlyConfigured(
        "CACHE_URL and the Celery broker share a Redis database, so clearing the cache would "
        "drop queued tasks: give CACHE_URL another database number (or leave it unset)."
    )
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Workers and beat log through Django's LOGGING (JSON in production, with the request id).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE

# --- Production refuses the embedded defaults ------------------------------

if not DEBUG:
    _missing = [
        f"{name} ({what})"
        for name, what, missing in [
            (
                "DATABASE_URL",
                "a PostgreSQL URL, not the embedded SQLite",
                DATABASES["default"]["ENGINE"] != "config.postgresql",
            ),
            (
                "REDIS_URL",
                "the Celery broker and cache; without it tasks run in-process",
                not REDIS_URL or CELERY_TASK_ALWAYS_EAGER,
            ),
            (
                "SITE_URL",
                "the shop's public address, for the links in emails",
                not env.str("SITE_URL", default=""),
            ),
            (
                "EMAIL_URL",
                "a real mail server, not the console",
                EMAIL_CONFIG["EMAIL_BACKEND"].split(".")[-2] in {"console", "locmem", "dummy"},
            ),
            (
                "MEDIA_STORAGE",
                "s3 with a bucket for uploaded pictures (a PaaS wipes local disk at every "
                "deploy), or local to keep them on a disk that lasts",
                not MEDIA_STORAGE,
            ),
        ]
        if missing
    ]
    if _missing:
        raise ImproperlyConfigured(
            "Production (DEBUG=false or DJANGO_ENV=production) will not start on an embedded "
            "default. Set: " + "; ".join(_missing) + "."
        )

# --- The shop ---------------------------------------------------------------

SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="GBP")
# Amounts go to payment providers in the currency's minor units (ISO 4217's exponent).
if not babel.numbers.is_currency(SHOP_CURRENCY):
    raise ImproperlyConfigured(
        f"SHOP_CURRENCY={SHOP_CURRENCY!r} is not an ISO 4217 currency code (GBP, EUR, JPY...)."
    )
DELIVERY_FEE = Decimal(env.str("DELIVERY_FEE", default="4.50"))
# On: prices (and the delivery fee) are entered and shown with tax in them, as UK and EU
# shops must show consumers; off: tax is added on top. The rules are in orders/pricing.py.
PRICES_INCLUDE_TAX = env.bool("PRICES_INCLUDE_TAX", default=True)
DELIVERY_TAX_RATE = Decimal(env.str("DELIVERY_TAX_RATE", default="0"))
if not Decimal(0) <= DELIVERY_TAX_RATE <= 1:
    raise ImproperlyConfigured(
        f"DELIVERY_TAX_RATE is a fraction from 0 to 1 (0.20 for 20%), not {DELIVERY_TAX_RATE}."
    )
TAX_LABEL = env.str("TAX_LABEL", default="VAT")
# The seller on VAT invoices and credit notes (copied onto each one when it is issued).
# SHOP_ADDRESS may hold newlines; SHOP_VAT_NUMBER empty leaves the line off.
SHOP_LEGAL_NAME = env.str("SHOP_LEGAL_NAME", default=f"{SHOP_NAME} Ltd")
SHOP_ADDRESS = env.str("SHOP_ADDRESS", default="1 Example Street\nLondon EC1A 1AA\nUnited Kingdom")
SHOP_VAT_NUMBER = env.str("SHOP_VAT_NUMBER", default="")
MAX_OPEN_ORDERS = env.int("MAX_OPEN_ORDERS", default=3)
# A visitor who is not signed in may check out with an email, a name and a phone; the order
# is reached by a signed link from its email (docs/decisions/0008-guest-orders.md).
GUEST_CHECKOUT = env.bool("GUEST_CHECKOUT", default=False)
# How long that link opens the guest's order.
GUEST_ORDER_LINK_DAYS = env.int("GUEST_ORDER_LINK_DAYS", default=60)
# Off: a product whose allergens are not recorded cannot be put in a cart or checked out
# (its page says "Ask the shop"); on, it is sold and says the same (orders/food.py).
SELL_WITHOUT_ALLERGEN_INFO = env.bool("SELL_WITHOUT_ALLERGEN_INFO", default=True)
# Slots are created from the opening hours this many days ahead, and booking a slot closes
# this many minutes before it starts.
SLOT_HORIZON_DAYS = env.int("SLOT_HORIZON_DAYS", default=14)
SLOT_CUTOFF_MINUTES = env.int("SLOT_CUTOFF_MINUTES", default=60)
# Catalogue lists and pages are cached; every change made through Orderly empties the cache
# at once, and this bounds how stale a price or stock level can be after any other change.
CATALOGUE_CACHE_SECONDS = env.int("CATALOGUE_CACHE_SECONDS", default=10)
ORDER_CANCEL_WINDOW = timedelta(hours=env.float("ORDER_CANCEL_WINDOW_HOURS", default=24))
ORDER_PAYMENT_TIMEOUT = timedelta(minutes=env.float("ORDER_PAYMENT_TIMEOUT_MINUTES", default=15))
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="sandbox")
if PAYMENT_PROVIDER not in {"sandbox", "stripe"}:
    raise ImproperlyConfigured(
        f"PAYMENT_PROVIDER={PAYMENT_PROVIDER!r} is not a payment provider: use sandbox or stripe."
    )
# The sandbox marks orders paid with no money taken: production runs it only when both
# PAYMENT_PROVIDER=sandbox and ALLOW_SANDBOX_PAYMENTS=true say so (a demo or staging shop).
ALLOW_SANDBOX_PAYMENTS = env.bool("ALLOW_SANDBOX_PAYMENTS", default=False)
if (
    not DEBUG
    and PAYMENT_PROVIDER == "sandbox"
    and not (env.str("PAYMENT_PROVIDER", default="") and ALLOW_SANDBOX_PAYMENTS)
):
    raise ImproperlyConfigured(
        "Production (DEBUG=false or DJANGO_ENV=production) will not start on an embedded "
        "default. Set: PAYMENT_PROVIDER (stripe; the sandbox takes no money, and runs in "
        "production only with PAYMENT_PROVIDER=sandbox and ALLOW_SANDBOX_PAYMENTS=true)."
    )
# Signs the sandbox's webhooks. Unset, it is derived from SECRET_KEY: secret, and stable.
SANDBOX_WEBHOOK_SECRET = (
    env.str("SANDBOX_WEBHOOK_SECRET", default="")
    or hashlib.sha256(f"orderly-sandbox-webhook:{SECRET_KEY}".encode()).hexdigest()
)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
if PAYMENT_PROVIDER == "stripe" and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured(
        "PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET."
    )
# Seconds a call to the payment provider (a session, a refund) may take before it fails.
PAYMENT_PROVIDER_TIMEOUT = env.float("PAYMENT_PROVIDER_TIMEOUT", default=10)
# A refund failing this many times (each wait doubling from a minute) is given up and
# managers are told.
REFUND_MAX_ATTEMPTS = env.int("REFUND_MAX_ATTEMPTS", default=8)
REPORT_HOUR = env.int("REPORT_HOUR", default=7)

# Outgoing webhooks: https targets at public addresses only, unless these say otherwise
# (the tests run a receiver on http://127.0.0.1). Each attempt may take this many seconds
# to connect and as many to read.
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=False)
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
WEBHOOKS_TIMEOUT = env.float("WEBHOOKS_TIMEOUT", default=5)

# --- Logging ----------------------------------------------------------------

# The request id: taken from X-Request-ID (when it is a UUID) or generated,
# echoed in the response, added to every log line and carried into Celery tasks
# (config/celery.py).
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": True}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId"},
        "skip_open_circuit": {"()": "config.cache.SkipOpenCircuit"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django_guid": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "config.cache": {"filters": ["skip_open_circuit"]},
    },
}

# --- Observability (SPEC §8; config/metrics.py, config/observability.py) -----

# /metrics answers Prometheus text to `Authorization: Bearer <METRICS_TOKEN>`; unset, the
# page is a 404 and requests are not timed.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# The folder where every process (gunicorn and Celery workers) writes its series, summed by
# /metrics; prometheus-client reads the same variable. Empty it before the processes start.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
# Set, traces go out over OTLP/HTTP (opentelemetry's own variables, OTEL_SERVICE_NAME etc.,
# apply); unset, nothing is instrumented.
OTEL_EXPORTER_OTLP_ENDPOINT = env.str("OTEL_EXPORTER_OTLP_ENDPOINT", default="")
# Set, errors go to Sentry with no personal data (config/observability.py scrubs them).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from config.observability import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=DJANGO_ENV)

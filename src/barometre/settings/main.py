"""Settings, configured by environment variables only (see docs/configuration.md)."""

import json
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from barometre.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parents[3]

DEBUG = env_bool("BAROMETRE_DEBUG", False)
DATA_DIR = Path(env_str("BAROMETRE_DATA_DIR", str(BASE_DIR / "var")))

_DEV_SECRET = "insecure-dev-only-secret-key-change-me-in-production-0123456789"  # noqa: S105 - debug only
SECRET_KEY = env_str("BAROMETRE_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "BAROMETRE_SECRET_KEY est obligatoire hors mode debug (BAROMETRE_DEBUG=true)."
    )

ALLOWED_HOSTS = env_list("BAROMETRE_ALLOWED_HOSTS", "localhost,127.0.0.1")
# The public address printed on posters and QR codes (no request to take it from there).
BAROMETRE_SITE_URL = env_str("BAROMETRE_SITE_URL", "http://localhost:8000")
CSRF_TRUSTED_ORIGINS = env_list("BAROMETRE_CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "barometre.web.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "dsfr",
    "widget_tweaks",
    "axes",
    "mozilla_django_oidc",
    "django_tasks_db",
    "barometre.core",
    "barometre.structures",
    "barometre.accounts",
    "barometre.campaigns",
    "barometre.results",
    "barometre.improvement",
    "barometre.api",
    "ninja",  # serves Swagger UI from its static files (no CDN)
    "barometre.web",
    "barometre.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "barometre.web.errors.OutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "barometre.web.errors.NotAllowedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "barometre.accounts.journal.JournalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "barometre.web.errors.RetryAfterMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "barometre.urls"
WSGI_APPLICATION = "barometre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of django-dsfr templates (see the comment in each file).
        "DIRS": [Path(__file__).resolve().parents[1] / "web" / "overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "barometre.web.context_processors.operator_identity",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'barometre.sqlite3'}"),
        conn_max_age=env_int("BAROMETRE_DB_CONN_MAX_AGE", 0),
        # A kept connection is checked before each request reuses it: after a database
        # restart, the first request reconnects instead of failing on a dead connection.
        conn_health_checks=env_int("BAROMETRE_DB_CONN_MAX_AGE", 0) > 0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif env_bool("BAROMETRE_DB_SERVER_BINDING", True):
    # PostgreSQL: parameters sent apart from the query, and a query run five times on a
    # connection prepared once (psycopg's default threshold): the server stops parsing and
    # planning the same statements (measured: a third less PostgreSQL time per survey
    # answer). Off behind a transaction-mode pooler that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "barometre.accounts.oidc.RoleAwareOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Throttling of repeated login failures (django-axes, stored in the database so that it
# holds across server processes).
# Public survey and feedback forms: submissions accepted per address in 10 minutes. A
# kiosk at a counter shares one address among many users: keep it generous.
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 100
# RGPD: users' messages and survey comments are anonymised after this many days
# (command anonymise_old_data, to run daily); figures and deadlines are kept.
BAROMETRE_RETENTION_DAYS = env_int("BAROMETRE_RETENTION_DAYS", 3 * 365)
BAROMETRE_PUBLIC_RATE_LIMIT = env_int("BAROMETRE_PUBLIC_RATE_LIMIT", 60)
# Acknowledgements of the public feedback form sent to one e-mail address in 24 hours.
BAROMETRE_ACKNOWLEDGEMENTS_PER_ADDRESS = env_int("BAROMETRE_ACKNOWLEDGEMENTS_PER_ADDRESS", 3)
# Smallest samples a figure is published from (docs/scoring.md §7).
BAROMETRE_MIN_RATE_ANSWERS = env_int("BAROMETRE_MIN_RATE_ANSWERS", 30)
BAROMETRE_MIN_STRUCTURE_AUDITS = env_int("BAROMETRE_MIN_STRUCTURE_AUDITS", 5)
BAROMETRE_MIN_CATEGORY_STRUCTURES = env_int("BAROMETRE_MIN_CATEGORY_STRUCTURES", 5)
# What a national edition needs to be published (docs/scoring.md §7).
BAROMETRE_PUBLICATION_MIN_RANKED_CATEGORIES = env_int(
    "BAROMETRE_PUBLICATION_MIN_RANKED_CATEGORIES", 1
)
BAROMETRE_PUBLICATION_MIN_AUDITS_DONE = env_int("BAROMETRE_PUBLICATION_MIN_AUDITS_DONE", 80)
AXES_FAILURE_LIMIT = env_int("BAROMETRE_LOGIN_MAX_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("BAROMETRE_LOGIN_LOCKOUT_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Reverse proxies in front of the server: the client's address is the right-most one they
# did not add to X-Forwarded-For. Login throttling and the public rate limit read it alike.
BAROMETRE_PROXY_COUNT = env_int("BAROMETRE_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "barometre.core.network.client_address"

# OpenID Connect (ProConnect or any compliant provider); disabled unless configured.
OIDC_ENABLED = env_bool("BAROMETRE_OIDC_ENABLED", False)
OIDC_PROVIDER_NAME = env_str("BAROMETRE_OIDC_PROVIDER_NAME", "ProConnect")
OIDC_RP_CLIENT_ID = env_str("BAROMETRE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("BAROMETRE_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env_str("BAROMETRE_OIDC_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("BAROMETRE_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("BAROMETRE_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("BAROMETRE_OIDC_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("BAROMETRE_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SCOPES = env_str("BAROMETRE_OIDC_SCOPES", "openid email given_name usual_name")
OIDC_CREATE_USER = env_bool("BAROMETRE_OIDC_CREATE_USERS", False)
OIDC_USE_NONCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/connexion/?oidc=echec"
if OIDC_ENABLED and not (OIDC_RP_CLIENT_ID and OIDC_OP_AUTHORIZATION_ENDPOINT):
    raise ImproperlyConfigured(
        "BAROMETRE_OIDC_ENABLED=true demande BAROMETRE_OIDC_CLIENT_ID et les points d'accès."
    )

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("BAROMETRE_STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("BAROMETRE_MEDIA_ROOT", str(DATA_DIR / "media")))
# Temporary files (exports and report batches being written): a private folder of the
# data directory, purged daily of what a killed process left (core.disk).
BAROMETRE_TEMP_DIR = Path(env_str("BAROMETRE_TEMP_DIR", str(DATA_DIR / "tmp")))
# Uploaded files (evidence, attachments) go through Django's storage API: local folder by
# default, any backend by configuration, e.g. S3-compatible storage with the "s3" extra:
# BAROMETRE_STORAGE_BACKEND=storages.backends.s3.S3Storage and
# BAROMETRE_STORAGE_OPTIONS='{"bucket_name": "...", "endpoint_url": "https://..."}'.
_storage_options = env_str("BAROMETRE_STORAGE_OPTIONS", "")
try:
    _storage_options = json.loads(_storage_options) if _storage_options else {}
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(
        f"BAROMETRE_STORAGE_OPTIONS n'est pas du JSON valide : {exc}"
    ) from None
STORAGES = {
    "default": {
        "BACKEND": env_str(
            # Django's file system storage, which also cleans up after a full disk.
            "BAROMETRE_STORAGE_BACKEND",
            "barometre.core.disk.LocalStorage",
        ),
        "OPTIONS": _storage_options,
    },
    "staticfiles": {
        "BACKEND": "barometre.web.storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Processes that render a batch of PDF reports (0: one per core).
BAROMETRE_REPORT_PROCESSES = env_int("BAROMETRE_REPORT_PROCESSES", 0)
# XLSX exports of more rows than this (an estimate) are built in the background, with a
# progress page and a download link; smaller ones download at once (core.deferred).
BAROMETRE_EXPORT_BACKGROUND_ROWS = env_int("BAROMETRE_EXPORT_BACKGROUND_ROWS", 5000)
BAROMETRE_EXPORT_KEEP_HOURS = env_int("BAROMETRE_EXPORT_KEEP_HOURS", 48)
# A web server process imports WeasyPrint and scikit-learn and loads the French model of
# name masking at its start (core.warmup).
BAROMETRE_WARM_UP = env_bool("BAROMETRE_WARM_UP", True)

# The cache of rendered public pages, result bodies, survey and register figures and built
# PDFs: each process's own memory by default; a Redis server shared by every web process
# and machine with BAROMETRE_CACHE_URL (redis://host:6379/1, rediss:// for TLS). Its keys
# name the versions they show, so either way a publication is served at once.
CACHE_URL = env_str("BAROMETRE_CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"BAROMETRE_CACHE_URL doit être une adresse redis://, rediss:// ou unix://, "
        f"pas {CACHE_URL!r}."
    )
CACHES = {
    "default": {
        # Django's Redis cache, which a Redis out of reach does not break (core.cache).
        "BACKEND": "barometre.core.cache.SharedCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": env_str("BAROMETRE_CACHE_PREFIX", "barometre"),
        # A Redis server out of reach costs a request one second, not a hung worker.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# What the public pages tell browsers and the load balancer's cache about visitors' copies
# (core.public_pages): kept this many seconds, then served stale while one request
# fetches the next. Every answer carries an ETag that follows the result version.
# 0 by default: a visitor who saw a page a moment ago sees a publication at once (each
# visit is a revalidation, answered 304 while nothing changed).
BAROMETRE_PUBLIC_MAX_AGE = env_int("BAROMETRE_PUBLIC_MAX_AGE", 0)
BAROMETRE_PUBLIC_STALE_SECONDS = env_int("BAROMETRE_PUBLIC_STALE_SECONDS", 0)

TASKS = {
    "default": {
        "BACKEND": env_str("BAROMETRE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# E-mail: SMTP when a host is given, otherwise messages are written to the console.
_EMAIL_HOST = env_str("BAROMETRE_EMAIL_HOST", "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _EMAIL_HOST,
            "port": env_int("BAROMETRE_EMAIL_PORT", 587),
            "username": env_str("BAROMETRE_EMAIL_USER", ""),
            "password": env_str("BAROMETRE_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("BAROMETRE_EMAIL_USE_TLS", True),
            "timeout": 20,
        },
    }
    if _EMAIL_HOST
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env_str("BAROMETRE_DEFAULT_FROM_EMAIL", "barometre@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Who runs this instance: shown in the header and footer. The Marianne "bloc marque" is
# reserved for State services, so it appears only when the operator declares itself one.
OPERATOR = {
    "name": env_str("BAROMETRE_OPERATOR_NAME", "Baromètre"),
    "tagline": env_str(
        "BAROMETRE_OPERATOR_TAGLINE", "Mesurer et améliorer la relation aux usagers"
    ),
    "is_state_service": env_bool("BAROMETRE_OPERATOR_IS_STATE_SERVICE", False),
    "brand": env_str("BAROMETRE_OPERATOR_BRAND", "République|Française"),
    "logo_url": env_str("BAROMETRE_OPERATOR_LOGO_URL", ""),
    "logo_alt": env_str("BAROMETRE_OPERATOR_LOGO_ALT", ""),
    "contact_email": env_str("BAROMETRE_OPERATOR_CONTACT_EMAIL", ""),
}

IMPORT_MAX_BYTES = env_int("BAROMETRE_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Measured before any spreadsheet is read (engine/extent.py): a far cell or a long tail of
# rows is refused instead of making the reader allocate for it.
IMPORT_MAX_ROWS = env_int("BAROMETRE_IMPORT_MAX_ROWS", 100_000)
IMPORT_MAX_CELLS = env_int("BAROMETRE_IMPORT_MAX_CELLS", 2_000_000)
# Untrusted spreadsheets are parsed in a child process under these limits (engine/sandbox.py):
# a file that aborts the parser fails its own import, not the web or task worker. The largest
# import allowed above (2 000 000 cells) peaks at about 600 Mo in the child (docs/operations.md).
PARSER_MEMORY_MB = env_int("BAROMETRE_PARSER_MEMORY_MB", 1024)
PARSER_CPU_SECONDS = env_int("BAROMETRE_PARSER_CPU_SECONDS", 60)
PARSER_TIMEOUT_SECONDS = env_int("BAROMETRE_PARSER_TIMEOUT_SECONDS", 120)
EVIDENCE_MAX_BYTES = env_int("BAROMETRE_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(IMPORT_MAX_BYTES, EVIDENCE_MAX_BYTES) + 1024 * 1024

# Security. Production values by default; BAROMETRE_DEBUG relaxes those that need HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BAROMETRE_BEHIND_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env_bool("BAROMETRE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("BAROMETRE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # Style attributes only (not <style> elements, never scripts): the DSFR charts build
    # their tooltips as HTML with the colour of each dot in a style attribute.
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "barometre.core.logging.MaskPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env_str("BAROMETRE_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO and every CSS property it ignores at
    # WARNING; only its errors are worth reading.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "weasyprint.progress": {"level": "ERROR"},
        "django.tasks": {"level": "WARNING"},
    },
}

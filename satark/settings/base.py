"""Settings shared by every profile. Every secret and every deployment choice comes from the environment.

Environment variables (all optional in the embedded profile, which fills in safe local defaults):
  SATARK_SECRET_KEY                Django secret key.
  SATARK_DATABASE_URL              sqlite:///path or postgres://user@host:port/db
  SATARK_HUEY_URL                  sqlite:///path (embedded) or redis://host:port/db (production)
  SATARK_MEDIA_ROOT                folder for sealed originals and sanitised derivatives
  SATARK_VAULT_KEYS                comma-separated Fernet keys; the first encrypts, all decrypt (rotation)
  SATARK_PSEUDONYM_KEY             HMAC key for sender pseudonyms (never rotated silently)
  SATARK_GRAPH_API_BASE            https://graph.facebook.com (or the simulator)
  SATARK_GRAPH_API_VERSION         v25.0
  SATARK_WHATSAPP_TOKEN            bearer token of the system user
  SATARK_WHATSAPP_PHONE_NUMBER_ID  the business phone number id to send from
  SATARK_WHATSAPP_APP_SECRET       app secret that signs webhooks (X-Hub-Signature-256)
  SATARK_WHATSAPP_VERIFY_TOKEN     token for the GET verification handshake
  SATARK_REGION                    reference data folder name under reference/ (default varanasi-range)
  SATARK_VAULT_DATABASE_URL        optional separate database for the identity vault
  SATARK_ABUSE_MAX_MESSAGES_PER_MINUTE, SATARK_ABUSE_MAX_TIPS_PER_DAY   per-reporter limits (30, 5)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SATARK_VAR_DIR", BASE_DIR / "var"))
# onnxruntime (media classifiers, Whisper's VAD) writes a telemetry device id and event queue on first
# import unless this is set before the import; Hugging Face libraries must never try the Hub.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


SECRET_KEY = env("SATARK_SECRET_KEY")
DEBUG = env("SATARK_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in env("SATARK_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "satark.core",
    "satark.audit",
    "satark.vault",
    "satark.geography",
    "satark.people",
    "satark.abuse",
    "satark.tips",
    "satark.media",
    "satark.messaging",
    "satark.whatsapp",
    "satark.conversations",
    "satark.escalation",
    "satark.analytics",
    "satark.dashboard",
    "satark.configuration",
    "satark.posters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "satark.dashboard.security.middleware.IdleTimeoutMiddleware",
    "satark.dashboard.security.middleware.SecondFactorMiddleware",
    "satark.dashboard.middleware.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "satark.dashboard.security.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "satark.urls"
WSGI_APPLICATION = "satark.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_url(url: str) -> dict[str, object]:
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the dashboard read while the webhook writes; IMMEDIATE takes the write lock up front
        # so two writers never deadlock on a lock upgrade.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {"default": database_from_url(env("SATARK_DATABASE_URL", f"sqlite:///{VAR_DIR / 'satark.sqlite3'}"))}
# Optional: the identity vault in a database of its own (then also `manage.py migrate --database=vault`).
SATARK_VAULT_DATABASE_URL = env("SATARK_VAULT_DATABASE_URL")
if SATARK_VAULT_DATABASE_URL:
    DATABASES["vault"] = database_from_url(SATARK_VAULT_DATABASE_URL)
DATABASE_ROUTERS = ["satark.settings.routers.VaultRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def huey_from_url(url: str, immediate: bool = False) -> dict[str, object]:
    if url.startswith("redis://"):
        return {
            "huey_class": "huey.RedisHuey",
            "name": "satark",
            "url": url,
            "immediate": immediate,
            "consumer": {"workers": 4, "worker_type": "thread"},
        }
    path = url.removeprefix("sqlite:///")
    return {
        "huey_class": "huey.SqliteHuey",
        "name": "satark",
        "filename": path,
        "immediate": immediate,
        "results": False,
        "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
    }


HUEY = huey_from_url(env("SATARK_HUEY_URL", f"sqlite:///{VAR_DIR / 'huey.sqlite3'}"))

# Meta's webhook bodies may be up to 3 MB; Django's default cap (2.5 MB) would refuse the largest.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024 + 64 * 1024

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes first: it refuses a locked-out username or address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/login/"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "satark.dashboard.security.views.csrf_failure"

# --- Staff sign-in (satark.dashboard.security; docs/dashboard.md) ---
# Roles that must use a TOTP second factor (any account with admin-site access always must).
SATARK_2FA_REQUIRED_ROLES = tuple(
    r for r in env("SATARK_2FA_REQUIRED_ROLES", "dig_office,sp_office,admin").split(",") if r
)
SATARK_2FA_ISSUER = env("SATARK_2FA_ISSUER", "Satark Mitra")
# A signed-in session ends after this many minutes without a request (SESSION_COOKIE_AGE caps it overall).
SATARK_SESSION_IDLE_MINUTES = int(env("SATARK_SESSION_IDLE_MINUTES", "30"))
# Circle-office and station-staff accounts may read their own unit's tips only where this is on.
SATARK_UNIT_ROLES_ENABLED = env("SATARK_UNIT_ROLES_ENABLED", "1") == "1"
# Roles that may reveal media the classifiers marked restricted (blurred until then; every reveal audited).
SATARK_REVEAL_RESTRICTED_ROLES = tuple(
    r for r in env("SATARK_REVEAL_RESTRICTED_ROLES", "dig_office,sp_office").split(",") if r
)
# Login throttling (django-axes): 5 failures lock the username, and separately the address, for 15 minutes.
AXES_FAILURE_LIMIT = int(env("SATARK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("SATARK_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "dashboard/auth/locked.html"
AXES_VERBOSE = False
# TOTP: 30-second steps, one step of clock drift either way; repeated wrong codes are throttled by django-otp.
OTP_TOTP_ISSUER = SATARK_2FA_ISSUER
OTP_TOTP_TOLERANCE = 1
# Content-Security-Policy (django-csp): nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SATARK_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिंदी")]
LANGUAGE_COOKIE_HTTPONLY = True
# The dashboard's own catalogue first, so its words win over Django's built-in Hindi (e.g. for "Password").
LOCALE_PATHS = [BASE_DIR / "satark" / "dashboard" / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env("SATARK_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Satark Mitra ---
SATARK_REGION = env("SATARK_REGION", "varanasi-range")
SATARK_REFERENCE_DIR = BASE_DIR / "reference"
# More conversation languages: folders of <code>.json catalogues (every key of en.json, translated).
SATARK_EXTRA_CATALOGUE_DIRS = [d for d in env("SATARK_EXTRA_CATALOGUE_DIRS").split(",") if d]
SATARK_VAULT_KEYS = [k for k in env("SATARK_VAULT_KEYS").split(",") if k]
SATARK_PSEUDONYM_KEY = env("SATARK_PSEUDONYM_KEY")

SATARK_GRAPH_API_BASE = env("SATARK_GRAPH_API_BASE", "https://graph.facebook.com")
SATARK_GRAPH_API_VERSION = env("SATARK_GRAPH_API_VERSION", "v25.0")
SATARK_WHATSAPP_TOKEN = env("SATARK_WHATSAPP_TOKEN")
SATARK_WHATSAPP_PHONE_NUMBER_ID = env("SATARK_WHATSAPP_PHONE_NUMBER_ID")
SATARK_WHATSAPP_APP_SECRET = env("SATARK_WHATSAPP_APP_SECRET")
SATARK_WHATSAPP_VERIFY_TOKEN = env("SATARK_WHATSAPP_VERIFY_TOKEN")
SATARK_WHATSAPP_WABA_ID = env("SATARK_WHATSAPP_WABA_ID", "102290129340398")
# The business number citizens write to (digits), printed on posters and QR codes.
SATARK_WHATSAPP_DISPLAY_NUMBER = env("SATARK_WHATSAPP_DISPLAY_NUMBER", "15550783881")
SATARK_GRAPH_TIMEOUT_SECONDS = float(env("SATARK_GRAPH_TIMEOUT_SECONDS", "15"))

# Wiring between the channel and the handlers, as dotted paths (like Django backends).
SATARK_CHANNEL = "satark.whatsapp.channel.WhatsAppChannel"
SATARK_INBOUND_HANDLER = "satark.conversations.handler.handle_inbound"
SATARK_INGEST = "satark.messaging.groupcommit.submit"
# One writer thread per web process commits concurrent webhooks together (see messaging.groupcommit).
SATARK_GROUP_COMMIT = env("SATARK_GROUP_COMMIT", "1") == "1"
SATARK_MEDIA_REJECTED_HANDLER = "satark.conversations.handler.media_rejected"
SATARK_CASE_EVENT_HANDLERS = [
    "satark.conversations.officers.on_case_event",
    "satark.conversations.handler.on_case_event",
]
# Which neutral notice (if any) the reporter gets when a tip is closed with each outcome.
SATARK_REPORTER_NOTICE_ON_OUTCOME = {"action_taken": "action_taken"}
# Retention: the vault mapping of a reporter is deleted this many days after their last tip closed (and
# nothing of theirs is open); closed tips lose their free text and media after the second number
# (0 = keep them whole, the default: evidence may be needed).
SATARK_FORGET_REPORTER_AFTER_DAYS = int(env("SATARK_FORGET_REPORTER_AFTER_DAYS", "30"))
SATARK_PURGE_CLOSED_TIPS_AFTER_DAYS = int(env("SATARK_PURGE_CLOSED_TIPS_AFTER_DAYS", "0"))
# Conflict of interest: tips in these categories are treated as involving police personnel whatever the
# reporter answered (never assigned to the named station's officers).
SATARK_POLICE_INVOLVED_CATEGORIES = tuple(
    c for c in env("SATARK_POLICE_INVOLVED_CATEGORIES", "extortion_corruption").split(",") if c
)
# Hotspot map: an optional tile server, e.g. one on the police LAN ("https://tiles.lan/{z}/{x}/{y}.png").
# Empty (the default): no tiles, the map draws district boundaries, stations and tips by itself, offline.
SATARK_MAP_TILE_URL = env("SATARK_MAP_TILE_URL", "")
SATARK_MAP_TILE_ATTRIBUTION = env("SATARK_MAP_TILE_ATTRIBUTION", "")
if SATARK_MAP_TILE_URL:  # the tile server's origin is the one image source the CSP then allows besides 'self'
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append("/".join(SATARK_MAP_TILE_URL.split("/")[:3]))

# Delivery pacing (Meta: 80 messages/s per number by default; pair rate ~1 message/6 s with bursts).
SATARK_MAX_MESSAGES_PER_SECOND = float(env("SATARK_MAX_MESSAGES_PER_SECOND", "80"))
SATARK_PAIR_BURST = int(env("SATARK_PAIR_BURST", "20"))
SATARK_PAIR_INTERVAL_SECONDS = float(env("SATARK_PAIR_INTERVAL_SECONDS", "6"))
SATARK_WINDOW_MARGIN_MINUTES = int(env("SATARK_WINDOW_MARGIN_MINUTES", "10"))
# Shared rate limit across consumers (production); empty = in-process limiter (embedded).
SATARK_RATE_LIMIT_REDIS_URL = env(
    "SATARK_RATE_LIMIT_REDIS_URL", env("SATARK_HUEY_URL") if env("SATARK_HUEY_URL").startswith("redis://") else ""
)
SATARK_MARK_READ = env("SATARK_MARK_READ", "1") == "1"

# Escalation: range-wide deadlines; a category may set its own (Category.assign_within_minutes,
# report_within_hours; editable in the admin).
SATARK_ESCALATION_DEFAULTS = {
    "assign_within_minutes": int(env("SATARK_ASSIGN_WITHIN_MINUTES", "120")),
    "report_within_hours": int(env("SATARK_REPORT_WITHIN_HOURS", "48")),
}
# What happens once a deadline has passed (docs/escalation.md): for each thing a tip can wait for, the
# steps as (stage, minutes after the deadline). Stages: "reminder" (the assigned officer, on WhatsApp),
# "sp_office" (the district SP office's duty number), "dig_office" (the range DIG office's duty number).
# Each step is taken once per deadline; a new deadline (reassigned, sent back, accepted) starts afresh.
SATARK_ESCALATION_LADDER = {
    "report": (
        ("reminder", 0),
        ("sp_office", int(env("SATARK_ESCALATE_REPORT_TO_SP_AFTER_MINUTES", str(12 * 60)))),
        ("dig_office", int(env("SATARK_ESCALATE_REPORT_TO_DIG_AFTER_MINUTES", str(24 * 60)))),
    ),
    "assignment": (
        ("sp_office", 0),
        ("dig_office", int(env("SATARK_ESCALATE_ASSIGNMENT_TO_DIG_AFTER_MINUTES", "120"))),
    ),
}
# How often the periodic task looks for overdue tips (minutes; a divisor of 60).
SATARK_ESCALATION_EVERY_MINUTES = int(env("SATARK_ESCALATION_EVERY_MINUTES", "5"))

# Abuse control acts on opaque reporter references, never on numbers.
SATARK_ABUSE_MAX_MESSAGES_PER_MINUTE = int(env("SATARK_ABUSE_MAX_MESSAGES_PER_MINUTE", "30"))
SATARK_ABUSE_MAX_TIPS_PER_DAY = int(env("SATARK_ABUSE_MAX_TIPS_PER_DAY", "5"))

# A conversation quiet this long gets one reminder; this long, it is filed as a partial tip or closed
# (both inside WhatsApp's 24-hour window, so the reporter can still be told).
SATARK_REMIND_AFTER_MINUTES = int(env("SATARK_REMIND_AFTER_MINUTES", "120"))
SATARK_CLOSE_AFTER_MINUTES = int(env("SATARK_CLOSE_AFTER_MINUTES", str(22 * 60)))
# Notices to reporters leave after a random delay in this window (minutes), so their timing cannot be
# matched to a raid.
SATARK_NOTICE_DELAY_MINUTES = (
    float(env("SATARK_NOTICE_DELAY_MIN_MINUTES", "20")),
    float(env("SATARK_NOTICE_DELAY_MAX_MINUTES", "180")),
)

# Media caps per kind, in bytes (Meta's own caps are higher; these keep the office's disk sane).
SATARK_MEDIA_MAX_BYTES = {
    "image": 16 * 1024 * 1024,
    "video": 64 * 1024 * 1024,
    "audio": 16 * 1024 * 1024,
    "document": 32 * 1024 * 1024,
    "sticker": 1024 * 1024,
}

# Media analysis (thumbnails, playable copies, classifiers, transcription; `satark.media.analysis`).
# The classifiers need the optional `ml` extra and `manage.py prepare_models` (weights under
# SATARK_MODELS_DIR); without them media are reported as "unclassified", never as safe.
SATARK_MODELS_DIR = Path(env("SATARK_MODELS_DIR", str(BASE_DIR / "var" / "models")))
SATARK_MEDIA_CLASSIFIERS = env("SATARK_MEDIA_CLASSIFIERS", "1") == "1"  # 0: never load a model
SATARK_MEDIA_TRANSCRIBE = env("SATARK_MEDIA_TRANSCRIBE", "1") == "1"
SATARK_MEDIA_MAX_PIXELS = int(env("SATARK_MEDIA_MAX_PIXELS", "40000000"))  # decoded frame/image size guard
SATARK_MEDIA_MAX_SIDE = int(env("SATARK_MEDIA_MAX_SIDE", "12000"))
SATARK_MEDIA_MAX_SECONDS = {"video": 10 * 60, "audio": 15 * 60}  # longer media are not decoded
# Signal thresholds (scores are 0..1; see docs/ml.md for what was measured and what was not).
SATARK_SENSITIVITY_THRESHOLDS = {
    "explicit": float(env("SATARK_THRESHOLD_EXPLICIT", "0.5")),  # open_nsfw; restricts the media item
    "weapon": float(env("SATARK_THRESHOLD_WEAPON", "0.6")),  # ImageNet weapon classes, summed
    "weapon_possible": float(env("SATARK_THRESHOLD_WEAPON_POSSIBLE", "0.3")),
    "vehicle": float(env("SATARK_THRESHOLD_VEHICLE", "0.4")),
    "cattle": float(env("SATARK_THRESHOLD_CATTLE", "0.3")),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "satark.core.redaction.RedactingFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env("SATARK_LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "INFO"}, "django.request": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
WHITENOISE_USE_FINDERS = True
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root

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
    "satark.analytics",
    "satark.dashboard",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिंदी")]
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "satark.core.redaction.RedactingFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env("SATARK_LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "INFO"}, "django.request": {"level": "WARNING"}},
}
WHITENOISE_USE_FINDERS = True
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root

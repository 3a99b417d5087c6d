"""Settings from environment variables, with safe defaults.

Every setting can be overridden by the mapping passed to ``create_app`` (tests
use that). Nothing here connects to anything.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

# Where pwa/dist and migrations/ live: the source checkout, or SAMLAST_ROOT in a container.
PROJECT_ROOT = Path(os.environ.get("SAMLAST_ROOT", Path(__file__).resolve().parents[2]))


def instance_path() -> Path:
    """The folder for the SQLite file, the secret key and the VAPID keys (SAMLAST_INSTANCE)."""
    return Path(os.environ.get("SAMLAST_INSTANCE", PROJECT_ROOT / "instance"))


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'samlast.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, or one generated once and kept in instance/."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def build_config(instance_path: Path) -> dict[str, Any]:
    """Collect settings from the environment. Called once per app."""
    instance_path.mkdir(parents=True, exist_ok=True)
    redis_url = os.environ.get("REDIS_URL", "").strip() or None
    pwa_dist = Path(os.environ.get("PWA_DIST", PROJECT_ROOT / "pwa" / "dist"))
    return {
        "SAMLAST_ENV": os.environ.get("SAMLAST_ENV", "development"),
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # Connections per process: every request and Socket.IO event holds one for its
        # transaction, so the default 5 + 10 queues requests behind each other under load.
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "pool_size": int(os.environ.get("DATABASE_POOL_SIZE", "20")),
            "max_overflow": int(os.environ.get("DATABASE_MAX_OVERFLOW", "20")),
        },
        "REDIS_URL": redis_url,
        # A message with no text in the tables fails the request instead of showing its code (tests).
        "STRICT_I18N": _bool("STRICT_I18N", False),
        "TOKEN_TTL_HOURS": int(os.environ.get("TOKEN_TTL_HOURS", str(24 * 30))),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Municipal sign-in (services/oidc.py); an empty issuer turns it off.
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", "").strip().rstrip("/"),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", "").strip(),
        "OIDC_SCOPES": os.environ.get("OIDC_SCOPES", "openid profile email"),
        "OIDC_USERNAME_CLAIM": os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username"),
        "OIDC_GROUPS_CLAIM": os.environ.get("OIDC_GROUPS_CLAIM", "groups"),
        "OIDC_GROUP_ROLES": os.environ.get("OIDC_GROUP_ROLES", ""),
        "OIDC_PROVIDER_NAME": os.environ.get("OIDC_PROVIDER_NAME", "").strip(),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # A background run (planning, impact, fleet advice, import) writes a heartbeat this often;
        # one silent for RUN_STALE_AFTER_S lost its process and is marked failed.
        "RUN_HEARTBEAT_S": float(os.environ.get("RUN_HEARTBEAT_S", "10")),
        "RUN_STALE_AFTER_S": float(os.environ.get("RUN_STALE_AFTER_S", "90")),
        # Photos are refused (the proof is stored without them) when they would leave less than
        # this free on the SQLite database's disk: room kept for the delivery facts.
        # A phone clock this far from the server's (X-Client-Time) is corrected for ordering events.
        "CLOCK_SKEW_TOLERANCE_S": float(os.environ.get("CLOCK_SKEW_TOLERANCE_S", "60")),
        "UPLOAD_RESERVE_MB": float(os.environ.get("UPLOAD_RESERVE_MB", "64")),
        # Redis away (a restart, an outage): count in this process until it answers again,
        # rather than refusing every request (the Redis fault drill, tests/drills).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Per user, on every POST/PUT/PATCH/DELETE under /api/ (samlast.security); "" disables.
        "WRITE_RATE_LIMIT": os.environ.get("WRITE_RATE_LIMIT", "600 per minute"),
        # Strict-Transport-Security max-age on answers over HTTPS (also behind a proxy); 0 sends none.
        "HSTS_MAX_AGE": int(os.environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600))),
        # Redirect plain HTTP to HTTPS in the app (usually the proxy in front does it).
        "FORCE_HTTPS": _bool("FORCE_HTTPS", False),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024))),
        "GEOCODING_ENABLED": _bool("GEOCODING_ENABLED", True),
        "GEOCODER_URL": os.environ.get("GEOCODER_URL", "nominatim.openstreetmap.org"),
        "GEOCODER_USER_AGENT": os.environ.get("GEOCODER_USER_AGENT", "samlast/0.1 (municipal logistics)"),
        "GEOCODER_TIMEOUT_S": float(os.environ.get("GEOCODER_TIMEOUT_S", "5")),
        "OSRM_URL": os.environ.get("OSRM_URL", "").strip() or None,
        # The OASIS UBL 2.1 schemas Peppol documents are validated against (scripts/fetch_ubl_schemas.py).
        "UBL_SCHEMA_DIR": os.environ.get("UBL_SCHEMA_DIR", "").strip()
        or str(Path(sys.prefix) / "share" / "samlast" / "ubl-2.1"),
        "PWA_DIST": pwa_dist,
        # Planning: local time zone of the plans, solver limits, job runner.
        "TIMEZONE": os.environ.get("TIMEZONE", "Europe/Stockholm"),
        # Demos and screenshots on a weekend: the day the driver and kitchen apps treat as today.
        "DEMO_TODAY": os.environ.get("DEMO_TODAY", "").strip() or None,
        # Emergency stock: batches this many days or fewer from their best-before date are proposed
        # for ordinary deliveries (first in, first out).
        "STOCK_ROTATION_DAYS": int(os.environ.get("STOCK_ROTATION_DAYS", "14")),
        "PLANNING_TIME_LIMIT_S": float(os.environ.get("PLANNING_TIME_LIMIT_S", "10")),
        "PLANNING_RUNNER": os.environ.get("PLANNING_RUNNER", "rq" if redis_url else "thread"),
        # An impact analysis's routing runs: as RQ jobs any worker takes ("rq"), or here ("local").
        "IMPACT_ROUTER": os.environ.get("IMPACT_ROUTER", "rq" if redis_url else "local"),
        # PDF receipts after a proof: "rq" (worker process), "thread" (in-process) or "inline".
        "RECEIPT_RUNNER": os.environ.get("RECEIPT_RUNNER", "rq" if redis_url else "thread"),
        # E-mailed receipts to a delivery point's contact e-mail: off while SMTP_HOST is unset.
        # Sent by the same runner as the receipts; a mail not sent is retried with back-off.
        "SMTP_HOST": os.environ.get("SMTP_HOST", "").strip() or None,
        # A folder watched for Peppol documents by `flask samlast inbox` (services/inbox.py).
        "INBOX_DIR": os.environ.get("INBOX_DIR", "").strip() or None,
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USER": os.environ.get("SMTP_USER", "").strip() or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", "") or None,
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "samlast@localhost"),
        "PLANNING_MAX_TRIPS": int(os.environ.get("PLANNING_MAX_TRIPS", "2")),
        "PLANNING_RELOAD_MIN": int(os.environ.get("PLANNING_RELOAD_MIN", "20")),
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:admin@samlast.invalid"),
        "REPLAN_WHEN_LATE_MIN": int(os.environ.get("REPLAN_WHEN_LATE_MIN", "20")),
        # A background re-plan of the same orders replaces the drivers' routes only if this much cheaper.
        "REPLAN_MIN_GAIN_PCT": float(os.environ.get("REPLAN_MIN_GAIN_PCT", "1")),
        "PLANNING_SERVICE_PER_PALLET_S": int(os.environ.get("PLANNING_SERVICE_PER_PALLET_S", "90")),
        # `flask samlast backup`: where archives go (default instance/backups), and the folder of
        # pg_dump/pg_restore/psql when they are not where PostgreSQL's packages put them.
        "BACKUP_DIR": os.environ.get("BACKUP_DIR", "").strip() or None,
        "POSTGRES_BIN_DIR": os.environ.get("POSTGRES_BIN_DIR", "").strip() or None,
        # Personal data (services.personal_data): days each kind is kept; 0 keeps it for good.
        # The municipality sets them by its records rules (dokumenthanteringsplan).
        "RETENTION_POSITIONS_DAYS": int(os.environ.get("RETENTION_POSITIONS_DAYS", "90")),
        "RETENTION_SIGNATURES_DAYS": int(os.environ.get("RETENTION_SIGNATURES_DAYS", str(2 * 365))),
        "RETENTION_PHOTOS_DAYS": int(os.environ.get("RETENTION_PHOTOS_DAYS", str(2 * 365))),
        "RETENTION_NAMES_DAYS": int(os.environ.get("RETENTION_NAMES_DAYS", str(2 * 365))),
        # flask-smorest / OpenAPI
        "API_TITLE": "Samlast API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_REDOC_PATH": "/docs",
        "OPENAPI_REDOC_URL": "/vendor/redoc.standalone.js",
    }

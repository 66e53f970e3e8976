"""Settings from QLVB_* environment variables, one class per environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_box(name: str) -> tuple[float, float, float, float] | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        llx, lly, urx, ury = (float(part) for part in raw.split(","))
    except ValueError:
        raise SystemExit(f"{name} must be four numbers llx,lly,urx,ury (PDF points), got {raw!r}") from None
    if not (urx > llx and ury > lly):
        raise SystemExit(f"{name}: the upper right corner must be above and right of the lower left one")
    return (llx, lly, urx, ury)


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and value.strip() else default


def instance_path() -> Path:
    return Path(os.environ.get("QLVB_INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()


def load_key(variable: str, folder: Path, filename: str) -> str:
    """Return the key in environment `variable`, else the one kept in instance/`filename`, creating it once.

    Never a hard-coded key: a fresh install gets its own random key, written with mode 0600.
    """
    key = os.environ.get(variable)
    if key:
        return key
    path = folder / filename
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of this install created it a moment ago
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def load_secret_key(folder: Path) -> str:
    return load_key("QLVB_SECRET_KEY", folder, "secret_key")


class Config:
    """Production-shaped defaults; every value can be set through a QLVB_* variable."""

    def __init__(self) -> None:
        folder = instance_path()
        self.INSTANCE_PATH = str(folder)
        self.set_database(folder)
        self.SECRET_KEY = load_secret_key(folder)
        # The audit chain's HMAC key, kept outside the database: whoever can write the database cannot forge a
        # link without it. Back it up apart from the database, the same value on every host.
        self.AUDIT_KEY = load_key("QLVB_AUDIT_KEY", folder, "audit.key")
        # Checkpoints of the chain's head (seq, hash, HMAC) are appended here after every commit that extends it,
        # outside the database, so that deleting the newest rows is caught. Empty: no checkpoints.
        self.AUDIT_CHECKPOINTS = os.environ.get("QLVB_AUDIT_CHECKPOINTS", str(folder / "audit-checkpoints.log"))
        self.BLOB_PATH = os.environ.get("QLVB_BLOB_PATH") or str(folder / "blobs")
        # Blobs no row names are removed by the scheduler once untouched this long (a crash between writing a file
        # and committing its row leaves one behind); longer than any transaction can last.
        self.BLOB_SWEEP_HOURS = env_int("QLVB_BLOB_SWEEP_HOURS", 24)
        self.set_backup(folder)
        self._uploads()
        self.TIMEZONE = os.environ.get("QLVB_TIMEZONE", "Asia/Ho_Chi_Minh")

        # Cookies: HttpOnly + SameSite, and Secure as the request's scheme says ("auto", the default): on behind TLS
        # (with QLVB_TRUSTED_PROXIES, the proxy's X-Forwarded-Proto), off on plain http://127.0.0.1 of the embedded
        # default, where a script's HTTP client would otherwise drop the cookie. `true` forces it everywhere.
        cookie_secure = os.environ.get("QLVB_COOKIE_SECURE", "auto").strip().lower()
        self.COOKIE_SECURE_AUTO = cookie_secure in ("", "auto")
        self.SESSION_COOKIE_SECURE = False if self.COOKIE_SECURE_AUTO else env_bool("QLVB_COOKIE_SECURE", True)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_NAME = "qlvb_session"
        self.PERMANENT_SESSION_LIFETIME = timedelta(minutes=env_int("QLVB_SESSION_MINUTES", 480))
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

        self.set_security()

        self.SCHEDULER_ENABLED = env_bool("QLVB_SCHEDULER", False)
        # How often a standby scheduler tries to take over, and the leader re-checks its lock (seconds).
        self.SCHEDULER_POLL_SECONDS = env_int("QLVB_SCHEDULER_POLL_SECONDS", 5)
        # How long a cached working calendar is trusted before its version is re-read (seconds).
        self.SLA_CALENDAR_RECHECK_SECONDS = env_int("QLVB_SLA_RECHECK_SECONDS", 5)
        self.LOG_LEVEL = os.environ.get("QLVB_LOG_LEVEL", "INFO")
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        self.TRUSTED_PROXIES = env_int("QLVB_TRUSTED_PROXIES", 0)
        # Roots that signatures on received PDFs must chain to: a PEM bundle or a folder of .pem/.crt/.cer files.
        # Empty: no signature is trusted (the OS store is never used; see app.signing.trust).
        self.SIGNING_TRUST_ROOTS = os.environ.get("QLVB_TRUST_ROOTS", "")
        # Where the personal signature goes when the signer's printed name is not found on the last page:
        # "llx,lly,urx,ury" in PDF points on the last page. Empty: such a draft is refused at signing.
        self.SIGNATURE_FALLBACK_BOX = env_box("QLVB_SIGNATURE_BOX")

        # Notifications (app.notifications). E-mail is sent only when QLVB_SMTP_HOST is set; notices in the
        # application are written either way. Security: `starttls` (default, port 587), `ssl` (465) or `none` (25).
        self.SMTP_HOST = os.environ.get("QLVB_SMTP_HOST", "").strip()
        self.SMTP_SECURITY = os.environ.get("QLVB_SMTP_SECURITY", "starttls").strip().lower() or "starttls"
        if self.SMTP_SECURITY not in {"starttls", "ssl", "none"}:
            raise SystemExit(f"QLVB_SMTP_SECURITY must be starttls, ssl or none, got {self.SMTP_SECURITY!r}")
        self.SMTP_PORT = env_int("QLVB_SMTP_PORT", {"starttls": 587, "ssl": 465, "none": 25}[self.SMTP_SECURITY])
        self.SMTP_USER = os.environ.get("QLVB_SMTP_USER", "")
        self.SMTP_PASSWORD = os.environ.get("QLVB_SMTP_PASSWORD", "")
        self.SMTP_FROM = os.environ.get("QLVB_SMTP_FROM", "").strip() or (
            f"qlvb@{self.SMTP_HOST}" if self.SMTP_HOST else ""
        )
        self.SMTP_TIMEOUT_SECONDS = env_int("QLVB_SMTP_TIMEOUT_SECONDS", 30)
        # A failed e-mail is retried after 1, 2, 4 … minutes (at most 6 hours apart), then given up as `failed`.
        self.SMTP_MAX_ATTEMPTS = env_int("QLVB_SMTP_MAX_ATTEMPTS", 10)
        # Queued e-mails are sent by the scheduler every minute; also right after the commit that queued them, in a
        # background thread of the web process (never the request's thread), unless this is off.
        self.SMTP_SEND_AFTER_COMMIT = env_bool("QLVB_SMTP_SEND_AFTER_COMMIT", True)
        # The address people open qlvb at (https://qlvb.example.gov.vn): makes the links in e-mails absolute.
        self.PUBLIC_URL = os.environ.get("QLVB_PUBLIC_URL", "").strip().rstrip("/")
        # The local hour (0–23) from which the daily digest of due and overdue work goes out on working days.
        self.DIGEST_HOUR = env_int("QLVB_DIGEST_HOUR", 7)
        if not 0 <= self.DIGEST_HOUR <= 23:
            raise SystemExit(f"QLVB_DIGEST_HOUR must be an hour 0–23, got {self.DIGEST_HOUR}")

        self.set_exchange()

        # flask-smorest / OpenAPI: served under /api/v1 with Swagger UI from local static files.
        self.API_TITLE = "qlvb REST API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.OPENAPI_SWAGGER_UI_PATH = "docs"
        self.OPENAPI_SWAGGER_UI_URL = "/static/vendor/swagger-ui/"
        self.API_SPEC_OPTIONS = {
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"bearerAuth": []}],
            "info": {"description": "REST API của hệ thống quản lý văn bản và điều hành qlvb."},
        }

    def set_security(self) -> None:
        """Sign-in, passwords, tokens, rate limits and response headers (docs/bao-mat.md)."""
        self.LOGIN_MAX_ATTEMPTS = env_int("QLVB_LOGIN_MAX_ATTEMPTS", 5)
        self.LOGIN_LOCKOUT_MINUTES = env_int("QLVB_LOGIN_LOCKOUT_MINUTES", 15)
        # Refused sign-ins (pages and POST /api/v1/tokens) from one address within the lockout window before that
        # address is refused too (password spraying across many names).
        self.LOGIN_IP_MAX_FAILURES = env_int("QLVB_LOGIN_IP_MAX_FAILURES", 30)
        # Sign-in attempts (pages and POST /api/v1/tokens) counted in the database per fixed window: per address
        # (generous: a whole office may sign in through one NAT address at 8 o'clock) and per account name.
        self.LOGIN_RATE_WINDOW_SECONDS = env_int("QLVB_LOGIN_RATE_WINDOW_SECONDS", 60)
        self.LOGIN_RATE_PER_IP = env_int("QLVB_LOGIN_RATE_PER_IP", 120)
        self.LOGIN_RATE_PER_ACCOUNT = env_int("QLVB_LOGIN_RATE_PER_ACCOUNT", 10)
        self.PASSWORD_MIN_LENGTH = env_int("QLVB_PASSWORD_MIN_LENGTH", 10)
        # The longest password taken: argon2 hashes whatever it is given, so a 5,000-character one costs each attempt.
        self.PASSWORD_MAX_LENGTH = env_int("QLVB_PASSWORD_MAX_LENGTH", 128)
        # Different characters a password needs ("aaaaaaaaa1" has two).
        self.PASSWORD_MIN_DISTINCT = env_int("QLVB_PASSWORD_MIN_DISTINCT", 5)
        self.ARGON2_TIME_COST = env_int("QLVB_ARGON2_TIME_COST", 3)
        self.ARGON2_MEMORY_KIB = env_int("QLVB_ARGON2_MEMORY_KIB", 65536)
        # Strict-Transport-Security max-age (seconds), sent only on answers over TLS; 0 sends none.
        self.HSTS_SECONDS = env_int("QLVB_HSTS_SECONDS", 31536000)
        self.API_TOKEN_DAYS = env_int("QLVB_API_TOKEN_DAYS", 365)  # a new token's lifetime when none is asked
        # The longest lifetime a token may be given (days, at most 3650: a later date is not stored everywhere).
        self.API_TOKEN_MAX_DAYS = min(env_int("QLVB_API_TOKEN_MAX_DAYS", 365), 3650)

    def set_database(self, folder: Path) -> None:
        """The database and each process's connection pool."""
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("QLVB_DATABASE_URL") or f"sqlite:///{folder / 'qlvb.sqlite3'}"
        # Each process (every gunicorn worker, every scheduler) has its own pool: keep the sum of
        # (pool size + overflow) over all processes below PostgreSQL's max_connections (docs/van-hanh.md §5).
        # hide_parameters: a failed statement's log line names the SQL, never the values bound to it (a person's
        # name, a document's subject or a token digest do not belong in logs; tests/test_secrets_not_logged.py).
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
        if self.SQLALCHEMY_DATABASE_URI.rstrip("/") not in ("sqlite:", "sqlite:///:memory:"):  # those have no pool
            self.SQLALCHEMY_ENGINE_OPTIONS |= {
                "pool_size": env_int("QLVB_DB_POOL_SIZE", 5),
                "max_overflow": env_int("QLVB_DB_MAX_OVERFLOW", 10),
                "pool_timeout": env_int("QLVB_DB_POOL_TIMEOUT", 30),  # seconds a request waits for a connection
            }

    def set_backup(self, folder: Path) -> None:
        """Backups (app.backup)."""
        # Daily by default (seed 004 Điều 13.5; seed 003 Điều 8.1 asks at least weekly) into
        # <instance>/backups: an install nobody configured still has yesterday's data. That folder shares the disk
        # of what it protects, so point QLVB_BACKUP_PATH at another disk or a mounted share in production.
        self.BACKUP_PATH = os.environ.get("QLVB_BACKUP_PATH") or str(folder / "backups")
        self.BACKUP_DAILY = env_bool("QLVB_BACKUP_DAILY", True)
        self.BACKUP_HOUR = env_int("QLVB_BACKUP_HOUR", 1)  # local hour (0–23) from which the daily backup is made
        if not 0 <= self.BACKUP_HOUR <= 23:
            raise SystemExit(f"QLVB_BACKUP_HOUR must be an hour 0–23, got {self.BACKUP_HOUR}")
        self.BACKUP_KEEP = max(1, env_int("QLVB_BACKUP_KEEP", 14))  # archives kept in the folder, newest first
        # "Sao lưu ngay" on the page and POST /api/v1/admin/backups run in a background thread (a backup takes
        # minutes on a large store); tests run it in the request.
        self.BACKUP_IN_BACKGROUND = True

    def set_exchange(self) -> None:
        """The connector between deployments (app.exchange, protocol qlvb-peer/1)."""
        # Packages larger than this are refused before being read (413). The outbound queue is sent by the
        # scheduler every 30 s and, in a web process, by a background thread kicked after the commit that queued a
        # message (unless this is off).
        self.EXCHANGE_MAX_BYTES = env_int("QLVB_EXCHANGE_MAX_MB", 50) * 1024 * 1024
        self.EXCHANGE_SEND_AFTER_COMMIT = env_bool("QLVB_EXCHANGE_SEND_AFTER_COMMIT", True)
        # TLS towards peers: a CA bundle to verify them (empty: the system's), and a client certificate and key
        # (PEM paths) for peers that require mutual TLS.
        self.EXCHANGE_CA_BUNDLE = os.environ.get("QLVB_EXCHANGE_CA_BUNDLE", "").strip()
        self.EXCHANGE_CLIENT_CERT = os.environ.get("QLVB_EXCHANGE_CLIENT_CERT", "").strip()
        self.EXCHANGE_CLIENT_KEY = os.environ.get("QLVB_EXCHANGE_CLIENT_KEY", "").strip()
        # Receiving from mTLS peers: the request header in which the reverse proxy passes the SHA-256 fingerprint
        # of the client certificate it verified (e.g. X-Client-Cert-Sha256). Empty: no peer can use mTLS.
        self.EXCHANGE_CLIENT_CERT_HEADER = os.environ.get("QLVB_EXCHANGE_CLIENT_CERT_HEADER", "").strip()
        # .edxml files imported by a clerk: refuse those without the sending system's XML-DSig signature (off: an
        # unsigned file is taken with a warning, like a paper-borne one).
        self.EXCHANGE_FILE_REQUIRE_SIGNATURE = env_bool("QLVB_EXCHANGE_FILE_REQUIRE_SIGNATURE", False)

    def _uploads(self) -> None:
        """Uploads: size, PDF bounds, malware scanning (app.documents.uploads, pdfcheck, malware)."""
        # Seed 003 Điều 4 (design.md §8): one uploaded file is at most 100 MB (app.documents.uploads asks it for every
        # upload: pages, API, edXML packages, scans). The web server refuses a whole request past
        # MAX_CONTENT_LENGTH (413) before reading it: by default the file limit and 10 MB of form fields.
        upload_mb = env_int("QLVB_MAX_UPLOAD_MB", 100)
        self.UPLOAD_MAX_BYTES = upload_mb * 1024 * 1024
        self.MAX_CONTENT_LENGTH = env_int("QLVB_MAX_REQUEST_MB", upload_mb + 10) * 1024 * 1024
        # Received PDFs are read within these bounds (app.documents.pdfcheck); a file past them is refused: more
        # pages, a stream inflating past the per-stream limit, or all streams past the total (decompression bombs).
        self.PDF_MAX_PAGES = env_int("QLVB_PDF_MAX_PAGES", 5000)
        self.PDF_MAX_STREAM_BYTES = env_int("QLVB_PDF_MAX_STREAM_MB", 200) * 1024 * 1024
        self.PDF_MAX_INFLATED_BYTES = env_int("QLVB_PDF_MAX_INFLATED_MB", 1024) * 1024 * 1024
        # Seed 001 Điều 9.2, seed 004 Điều 14.3 (design.md §8): ClamAV's clamd scans every upload before it is
        # stored and every outgoing document before it is issued. A Unix socket path or host:port; empty: no scan.
        # When clamd cannot be reached the upload is refused (fail-closed) unless QLVB_CLAMD_FAIL_OPEN is on.
        self.CLAMD_SOCKET = os.environ.get("QLVB_CLAMD_SOCKET", "").strip()
        self.CLAMD_FAIL_OPEN = env_bool("QLVB_CLAMD_FAIL_OPEN", False)
        self.CLAMD_TIMEOUT_SECONDS = env_int("QLVB_CLAMD_TIMEOUT_SECONDS", 60)


class TestConfig(Config):
    """Used by the test suite: the database comes from the fixture, cookies go over plain http."""

    __test__ = False  # not a pytest class
    TESTING = True

    def __init__(self, database_url: str, instance: Path) -> None:
        os.environ.setdefault("QLVB_SECRET_KEY", "test-secret-key-not-for-production")
        os.environ["QLVB_INSTANCE_PATH"] = str(instance)
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.SESSION_COOKIE_SECURE = False
        self.REMEMBER_COOKIE_SECURE = False
        self.BLOB_PATH = str(instance / "blobs")
        self.SCHEDULER_ENABLED = False
        # No background sending threads: a test sends queued e-mails itself (app.notifications.email).
        self.SMTP_SEND_AFTER_COMMIT = False
        self.EXCHANGE_SEND_AFTER_COMMIT = False  # likewise the exchange outbox: a test calls send_due()
        self.BACKUP_IN_BACKGROUND = False  # "Sao lưu ngay" runs in the request, inside the test's transaction
        # Each test rolls its database back: checkpoints of rows that vanish would fail the next verification.
        # The tests of the anchor turn them on with a path of their own.
        self.AUDIT_CHECKPOINTS = ""
        # Still argon2id, with small parameters: the suite hashes hundreds of passwords.
        self.ARGON2_TIME_COST = 1
        self.ARGON2_MEMORY_KIB = 1024

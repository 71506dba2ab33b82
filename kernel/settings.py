"""Configuration: environment / .env -> Settings -> explicit objects (nothing else reads os.environ)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SQLITE_PREFIX = "sqlite:///"


class Settings(BaseSettings):
    """Every OpenCheck setting; documented in docs/DEPLOYMENT.md."""

    model_config = SettingsConfigDict(env_prefix="OPENCHECK_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///var/opencheck.db",
        description="The one store: sqlite:///PATH (embedded) or postgresql://USER@HOST:PORT/DB "
        "(a Unix socket: postgresql://USER@/DB?host=/var/run/postgresql).",
    )
    read_database_url: str | None = Field(
        None, description="A read replica (PostgreSQL hot standby) for the public lookup, search "
        "and dashboard reads; same forms as OPENCHECK_DATABASE_URL. Nothing is created on it: "
        "the schema comes from the primary by replication. Unset: reads go to the primary.",
    )
    database_schema: str | None = Field(
        None, description="PostgreSQL schema for events and read models (default: public)."
    )
    secret_key: str | None = Field(
        None, description="JWT signing key; if unset a random key is kept in var/secret.key."
    )
    person_key_secret: str | None = Field(
        None, description="Key of the person keys (HMAC of legal representatives' ID numbers); "
        "if unset a random key is kept in var/person.key. Never change it once entities are "
        "registered: stored keys would stop matching.",
    )
    pool_snapshot_dir: str | None = Field(
        None, description="Directory of the draw pool's memory-mapped column snapshot (national "
        "scale: the freeze reads it instead of SELECTing every entity); unset: the database.",
    )
    attachments_dir: str | None = Field(
        None, description="Directory of inspection attachments (photos, PDF), each stored once "
        "under its SHA-256; unset: var/attachments beside the database. Back it up with the "
        "database: results record the hashes, the files are here.",
    )
    token_ttl_minutes: int = Field(480, description="Lifetime of an access token.")
    # 登录失败处理 login-failure handling: GB/T 22239-2019 (等保2.0) 8.1.4.1 b) asks to "限制非法
    # 登录次数" without a number; NIST SP 800-63B §5.2.2 caps consecutive failures at 100. The
    # numbers below are (assumed) common 等保 assessment practice: 5 per account per 15 minutes.
    login_max_failures_per_user: int = Field(
        5, ge=1, description="Failed logins for one username within the window before a lockout.")
    login_max_failures_per_address: int = Field(
        20, ge=1, description="Failed logins from one client address (any usernames) within the "
                              "window before a lockout (assumed: an office NAT shares an address).")
    login_failure_window_seconds: int = Field(
        900, ge=1, description="Window in which failed logins are counted (assumed: 15 minutes).")
    login_lockout_seconds: int = Field(
        900, ge=1, description="How long a throttled user or address is refused (assumed: 15 min).")
    # 口令复杂度 GB/T 22239-2019 8.1.4.1 a) (no length given); NIST SP 800-63B §5.1.1.2: at least 8,
    # checked against commonly used passwords; 12 is (assumed) the usual 等保 assessment figure.
    password_min_length: int = Field(12, ge=8, description="Minimum password length.")
    # 单点登录 single sign-on: OIDC bearer tokens from one issuer (kernel.http.oidc); off if unset.
    oidc_issuer: str | None = Field(None, description="OIDC issuer URL (the `iss` claim).")
    oidc_audience: str | None = Field(None, description="Expected `aud` (OpenCheck's client id).")
    oidc_jwks_url: str | None = Field(None, description="JWKS URL (default: ISSUER/.well-known/jwks.json).")
    oidc_jwks_cache_seconds: int = Field(300, ge=1, description="How long fetched keys are kept.")
    oidc_jwks_refresh_cooldown_seconds: float = Field(
        30, ge=0, description="Least time between two fetches for an unknown `kid` (PyJWT's default).")
    oidc_username_claim: str = Field("preferred_username", description="Claim naming the user.")
    oidc_role_claim: str = Field("roles", description="Claim holding the IdP role(s).")
    oidc_department_claim: str = Field("department", description="Claim holding the department.")
    oidc_inspector_no_claim: str = Field("inspector_no", description="Claim with an inspector's no.")
    oidc_role_map: dict[str, str] = Field(
        default_factory=dict, description='IdP role -> OpenCheck role, JSON: {"sc-inspector": "inspector"}.')
    rules_file: str | None = Field(None, description="TOML/JSON file overriding rule numbers.")
    projections_in_process: bool = Field(
        True, description="Run projections inside `serve` (demo); false when `opencheck worker` runs."
    )
    scheduler_in_process: bool = Field(
        True, description="Run the scheduler inside `serve`; false when `opencheck scheduler` runs."
    )
    projection_batch_size: int = Field(500, ge=1, description="Events per projection transaction.")
    projection_max_batch_size: int = Field(
        50_000, ge=1, description="Events per projection transaction when far behind the log "
        "(a batch takes the backlog, between projection_batch_size and this).")
    projection_segments: int = Field(
        1, ge=1, le=64, description="Parallel catch-up: segments of originators of each "
        "segmentable projection, each with its own position and worker (`opencheck worker "
        "--segment K`); 1 = one position per projection.")
    projection_poll_seconds: float = Field(0.2, gt=0, description="Projection polling interval.")
    # Stripe removes keys "after they're at least 24 hours old" (docs.stripe.com/api/idempotent_
    # requests); a client retrying a lost answer does so within minutes. 24 h is (assumed) ample.
    idempotency_key_max_age_hours: float = Field(
        24, gt=0, description="Idempotency-Keys older than this are pruned by the daily jobs; a "
                              "repeat after that runs as a new request.")
    # Connection budget per process (docs/DEPLOYMENT.md): PostgreSQL's default max_connections
    # is 100 (3 reserved for superusers); 4 API workers + 2 workers + a scheduler must fit.
    eventstore_pool_size: int = Field(
        1, ge=1, description="PostgreSQL connections each event-store application keeps open.")
    eventstore_pool_max_overflow: int = Field(
        1, ge=0, description="Extra event-store connections per application under load.")
    db_pool_size: int = Field(
        2, ge=1, description="Read-model (SQLAlchemy) connections kept open (PostgreSQL).")
    db_pool_max_overflow: int = Field(
        3, ge=0, description="Extra read-model connections under load, closed when returned.")
    read_pool_size: int = Field(
        3, ge=1, description="Most async read connections of an API process (PostgreSQL).")
    scheduler_standby_poll_seconds: float = Field(
        5.0, gt=0, description="How often a standby scheduler tries to take the lead.")
    projection_wait_poll_seconds: float = Field(
        0.02, gt=0, description="SQLite: how often a command re-reads a projection's position "
                                "while waiting for it (PostgreSQL is told by NOTIFY).")
    public_rate_limit_per_minute: int = Field(
        6000, ge=1, description="Requests per client per minute on public endpoints."
    )

    # 公共信用信息报告 and 开放数据 (credit.reports, credit.opendata)
    public_base_url: str | None = Field(
        None, description="The public site's address printed on credit reports for their "
                          "verification (e.g. https://xy.scjg.example.gov.cn); unset: the "
                          "address the download was requested at.")
    report_font_file: str | None = Field(
        None, description="A TrueType CJK font embedded in credit reports; unset: WenQuanYi "
                          "Micro Hei if installed, else reportlab's built-in STSong-Light.")
    open_data_dir: str | None = Field(
        None, description="Where the daily open-data dumps and deltas are written and served "
                          "from; unset: var/open-data.")

    log_format: Literal["json", "text"] = Field(
        "json", description="Log lines as JSON objects (one per line, with the request id) or text."
    )
    log_requests: bool = Field(True, description="One log line per HTTP request (with its id).")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Log level.")
    ready_max_lag: int = Field(
        100_000, ge=1, description="/readyz fails when a projection runner is more than this many "
                                   "events behind its log (assumed: a few seconds of catch-up)."
    )
    # 网络安全法 Art 21(3): network logs are kept no less than six months; 183 days is the floor.
    audit_retention_days: int = Field(
        365, ge=183, description="Days an audit record of a non-public read is kept (≥ 183)."
    )

    # 防篡改 the tamper-evident record (kernel.eventlog, docs/ARCHITECTURE.md "The Merkle log")
    checkpoint_origin: str = Field(
        "opencheck.local", description="Names this installation in its checkpoints: a log's origin "
                                       "is ORIGIN/<log> (e.g. scjg.example.gov.cn/opencheck).")
    checkpoint_every_events: int = Field(
        1000, ge=1, description="Sign a checkpoint once the tree has grown by this many events.")
    checkpoint_every_minutes: float = Field(
        10, gt=0, description="...or once this many minutes have passed since the last one and "
                              "the tree has grown.")
    checkpoint_algorithm: Literal["ed25519", "sm2"] = Field(
        "ed25519", description="Signature of checkpoints: ed25519, or sm2 (SM2 with SM3, 国密).")
    checkpoint_key_file: str | None = Field(
        None, description="The log's private key (Ed25519 PKCS#8 PEM, or SM2 hex); if unset one "
                          "is generated once in var/checkpoint.<algorithm>.key.")
    checkpoint_key_name: str = Field(
        "opencheck", description="The signing key's name in signature lines (no spaces or +).")
    checkpoint_witness_key_file: str | None = Field(
        None, description="A second (witness) private key co-signing every checkpoint, held by "
                          "another department; unset: no witness signature.")
    checkpoint_witness_key_name: str = Field("witness", description="The witness key's name.")
    checkpoint_witness_algorithm: Literal["ed25519", "sm2"] = Field(
        "ed25519", description="The witness key's algorithm.")
    checkpoint_trusted_keys: list[str] = Field(
        default_factory=list, description="Verifier keys (name+id+key) verify-log also accepts "
                                          "for the log: retired keys after a rotation.")
    checkpoint_witness_keys: list[str] = Field(
        default_factory=list, description="Witness verifier keys verify-log accepts (besides "
                                          "the configured witness key's own).")
    checkpoint_require_witness: bool = Field(
        False, description="verify-log fails a checkpoint without a valid witness signature.")

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        if not (url.startswith(SQLITE_PREFIX) or url.startswith(("postgresql://", "postgres://"))):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return url

    @field_validator("read_database_url")
    @classmethod
    def _replica_scheme(cls, url: str | None) -> str | None:
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("a read replica must be a postgresql:// URL")
        return url or None

    def for_reads(self) -> Settings:
        """These settings with the read replica as the database (itself if none is set), so
        its URL goes through the same code as the primary's (Unix sockets, schema)."""
        if not self.read_database_url:
            return self
        return self.model_copy(update={"database_url": self.read_database_url,
                                       "read_database_url": None})

    @property
    def is_postgres(self) -> bool:
        return not self.database_url.startswith(SQLITE_PREFIX)

    @cached_property
    def sqlite_path(self) -> Path:
        return Path(self.database_url[len(SQLITE_PREFIX):])

    @property
    def var_dir(self) -> Path:
        return self.sqlite_path.parent if not self.is_postgres else Path("var")

    @property
    def attachments_path(self) -> Path:
        return Path(self.attachments_dir) if self.attachments_dir else self.var_dir / "attachments"

    def sqlalchemy_url(self) -> str:
        """URL of the read-model database for SQLAlchemy (psycopg 3 driver on PostgreSQL)."""
        if not self.is_postgres:
            return f"sqlite:///{self.sqlite_path}"
        rest = self.database_url.split("://", 1)[1]
        return f"postgresql+psycopg://{rest}"

    def libpq_url(self) -> str:
        """The PostgreSQL URL as libpq takes it (psycopg.connect); query parameters kept."""
        return "postgresql://" + self.database_url.split("://", 1)[1]

    def eventstore_env(self, app_name: str) -> dict[str, str]:
        """The eventsourcing environment mapping for one application."""
        if not self.is_postgres:
            # Applications must not share one SQLite file: their logs would mix (STACK.md).
            path = self.sqlite_path.with_name(f"{self.sqlite_path.stem}.{app_name}.events.db")
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        parts = urlsplit(self.database_url)
        # libpq takes host/port (a Unix-socket directory for host) from the query too, and the
        # query wins: postgresql://u@/db?host=/var/run/postgresql
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": query.get("dbname") or parts.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": query.get("host") or parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": query.get("port") or str(parts.port or 5432),
            "POSTGRES_USER": query.get("user") or unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": query.get("password") or unquote(parts.password or ""),
            "POSTGRES_LOCK_TIMEOUT": "10",
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
            "POSTGRES_POOL_SIZE": str(self.eventstore_pool_size),
            "POSTGRES_MAX_OVERFLOW": str(self.eventstore_pool_max_overflow),
        }
        if self.database_schema:
            env["POSTGRES_SCHEMA"] = self.database_schema
        return env

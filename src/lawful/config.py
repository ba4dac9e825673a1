"""Settings, read once from `LAWFUL_*` environment variables (and `.env` in development)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lawful.errors import LawfulError


class SettingError(LawfulError):
    """A setting this installation cannot honour; the message names the LAWFUL_ variable to change."""

    status = 500
    code = "misconfigured"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LAWFUL_", env_file=".env", extra="ignore", env_nested_delimiter="__"
    )

    data_dir: Path = Path("lawful-data")
    database_url: str | None = None
    master_key: SecretStr | None = Field(
        default=None, description="32 random bytes, base64; generated into the data directory when unset"
    )
    previous_master_keys: list[SecretStr] = Field(
        default_factory=list, description="retired master keys, JSON list, readable during a rotation"
    )
    keystore_url: str | None = Field(default=None, description="database of wrapped keys; default: keys.db")
    organisation: str | None = Field(default=None, description="slug of the organisation served publicly")
    base_url: str = "http://127.0.0.1:8000"
    test_mode: bool = Field(default=False, description="lets tests set the clock; never in production")
    secure_cookies: bool = True
    session_hours: int = 8
    api_key_cache_seconds: float = Field(
        default=2.0, ge=0, le=60, description="a revoked API key stops working within this time"
    )
    audit_seal_seconds: float = Field(
        default=0.5,
        ge=0,
        le=60,
        description="how often each process chains new audit entries; 0: only on reads",
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="failed logins on one account from one address before back-off starts"
    )
    login_window_minutes: int = Field(default=1440, ge=1, description="how long a failed login counts")
    login_backoff_cap_minutes: int = Field(
        default=60, ge=1, description="longest wait between tries once back-off doubles (from 1 minute)"
    )
    login_address_max_failures: int = Field(
        default=50, ge=1, description="failed logins from one address, any accounts, before it must wait"
    )
    notice_lead_days: int = 30
    export_approval_threshold: int = Field(
        default=500, description="bulk exports above this need approval (R-91)"
    )
    stats_min_cell: int = Field(
        default=5,
        ge=3,
        le=1000,
        description="statistics hide counts below this, and what would give them back (R-80)",
    )
    trusted_proxies: str = Field(
        default="",
        description="comma-separated addresses of reverse proxies whose X-Forwarded-For and -Proto are "
        "believed; default none: the client address is the connection's",
    )
    https_only: bool = Field(
        default=False, description="refuse plain HTTP and send HSTS (R-14); on behind TLS"
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = Field(
        default="privacy@localhost", pattern=r"^[^\r\n]*$", description="the From header: one line"
    )
    password_hashing: Literal["rfc9106", "cheapest"] = Field(
        default="rfc9106",
        description="argon2id parameters: RFC 9106's (64 MiB, 3 passes); cheapest only for test suites",
    )
    jobs_url: str = Field(default="sqlite", description="sqlite (data directory), redis://…, or immediate")
    banner_origins: list[str] = Field(default=["*"], description="web origins allowed to load the banner API")
    banner_lifetime_days: int = Field(
        default=182, ge=1, le=395, description="re-ask after (R-29: at most 13 months)"
    )
    dsr_pause_while_identity: bool = Field(
        default=False, description="start the month at verification (A-19)"
    )
    backup_rotation_days: int = Field(
        default=35, ge=1, description="backups of the main database are destroyed after this (R-59)"
    )
    breach_affected_keep_days: int = Field(
        default=30,
        ge=0,
        description="a closed breach's list of the people affected is destroyed after this (R-82)",
    )
    datastores: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="SQLAlchemy URL of each connected datastore by its register url_setting: LAWFUL_DATASTORES__CRM=…",
    )
    sql_echo: bool = False
    outbound_allow: list[str] = Field(
        default_factory=list,
        description="the company's own internal destinations lawful may call despite a private or loopback "
        'address (Art. 32): JSON list of networks and host:port, e.g. ["10.1.0.0/16", "crm.internal:8443"]',
    )

    @field_validator("outbound_allow")
    @classmethod
    def _allowance(cls, entries: list[str]) -> list[str]:
        if entries:  # httpx loads only where there is something to check (the CLI's start stays light)
            from lawful import outbound

            outbound.Allowance.parse(entries)  # a bad entry fails at start-up, named
        return entries

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'lawful.db').resolve()}"

    def resolved_keystore_url(self) -> str:
        """Kept apart from the main database, and out of its backups (crypto-shredding)."""
        if self.keystore_url:
            return self.keystore_url
        return f"sqlite:///{(self.data_dir / 'keys.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()

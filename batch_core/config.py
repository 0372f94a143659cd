"""Every setting of the app, read from environment variables.

`settings()` is cached; tests and CLIs that change the environment call `reload_settings()`.
Each field's default and meaning is listed in the README's configuration table.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


def _env_str(name: str, default: str | None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env_str(name, None)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def _env_float(name: str, default: float) -> float:
    raw = _env_str(name, None)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


def _env_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = _env_str(name, None)
    if raw is None:
        return default
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _env_path(name: str) -> Path | None:
    raw = _env_str(name, None)
    return Path(raw).expanduser().resolve() if raw else None


@dataclass(frozen=True)
class Settings:
    # Redis
    redis_url: str | None = None
    data_dir: Path = Path("data")
    redis_connect_timeout: float = 2.0
    secret_key: str | None = None  # Fernet key for raw sensitive input at rest; else a key file
    search_backend: str = "auto"  # auto: FT.SEARCH where the server has it, else SQLite FTS5
    redis_modules: tuple[str, ...] = ()  # modules the embedded server loads (e.g. a redisearch.so)

    # Batches
    max_meetings: int = 50
    max_workers: int = 3
    result_ttl_seconds: int = 86400
    min_transcript_words: int = 20
    max_transcript_chars: int = 500_000
    executor: str = "thread"

    # Durability
    lease_seconds: int = 30
    heartbeat_seconds: int = 10
    redis_retry_seconds: float = 30.0

    # LLM provider
    llm_provider: str = "local"
    llm_model: str | None = None
    llm_max_retries: int = 2
    llm_timeout_seconds: float = 60.0
    llm_retry_base_seconds: float = 1.0
    llm_retry_max_seconds: float = 30.0
    llm_max_concurrency: int = 0
    llm_rpm: int = 0
    llm_context_tokens: int = 0      # 0 = the model's documented window (pipeline/budget.py)
    llm_output_tokens: int = 4096    # reserved for each answer and sent as max_tokens
    llm_max_batch_tokens: int = 0    # 0 = no per-batch token budget
    llm_prices: str = ""             # JSON overrides of pipeline/pricing.py's list prices
    economy_poll_seconds: float = 30.0       # first wait between polls of a provider batch
    economy_poll_max_seconds: float = 300.0  # the backoff's ceiling
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    anthropic_base_url: str | None = None
    anthropic_api_key: str | None = None

    # Ingest safety limits
    ingest_max_file_mb: float = 10.0
    ingest_max_members: int = 200
    ingest_max_total_mb: float = 100.0
    ingest_max_ratio: float = 200.0

    # HTTP API
    api_token: str | None = None
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_cors_origins: tuple[str, ...] = field(default_factory=tuple)
    api_idempotency_ttl_seconds: int = 86400
    api_process_timeout_seconds: float = 120.0
    api_allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
    api_max_concurrency: int = 32          # requests at once; more get 503 at once
    api_body_timeout_seconds: float = 30.0  # longest wait for the next piece of a request body

    # Access: sign-in files (default inside the data dir), OIDC role mapping, audit retention
    users_file: Path | None = None
    api_tokens_file: Path | None = None
    oidc_role_claims: tuple[str, ...] = ("roles", "groups")
    oidc_role_map: str = ""                # "claim-value=role,role;other-value=role"
    oidc_default_roles: str = "viewer"
    audit_retention_days: int = 400

    @property
    def users_path(self) -> Path:
        return self.users_file or self.data_dir / "users.toml"

    @property
    def api_tokens_path(self) -> Path:
        return self.api_tokens_file or self.data_dir / "api_tokens.toml"

    @property
    def embedded_redis(self) -> bool:
        return self.redis_url is None

    @property
    def model_name(self) -> str:
        if self.llm_model:
            return self.llm_model
        return {
            "local": "local-rules-v1",
            "openai": "gpt-4o-mini",
            "anthropic": "claude-sonnet-4-5",
        }.get(self.llm_provider, "unknown")


def load_settings() -> Settings:
    cors = _env_str("BATCH_API_CORS_ORIGINS", "") or ""
    return Settings(
        redis_url=_env_str("REDIS_URL", None),
        data_dir=Path(_env_str("BATCH_DATA_DIR", "data") or "data").resolve(),
        redis_connect_timeout=_env_float("BATCH_REDIS_TIMEOUT_SECONDS", 2.0),
        secret_key=_env_str("BATCH_SECRET_KEY", None),
        search_backend=(_env_str("BATCH_SEARCH_BACKEND", "auto") or "auto").lower(),
        redis_modules=_env_list("BATCH_REDIS_MODULES", ()),
        max_meetings=_env_int("BATCH_MAX_MEETINGS", 50),
        max_workers=_env_int("BATCH_MAX_WORKERS", 3),
        result_ttl_seconds=_env_int("BATCH_RESULT_TTL_SECONDS", 86400),
        min_transcript_words=_env_int("BATCH_MIN_TRANSCRIPT_WORDS", 20),
        max_transcript_chars=_env_int("BATCH_MAX_TRANSCRIPT_CHARS", 500_000),
        executor=_env_str("BATCH_EXECUTOR", "thread") or "thread",
        lease_seconds=_env_int("BATCH_LEASE_SECONDS", 30),
        heartbeat_seconds=_env_int("BATCH_HEARTBEAT_SECONDS", 10),
        redis_retry_seconds=_env_float("BATCH_REDIS_RETRY_SECONDS", 30.0),
        llm_provider=(_env_str("LLM_PROVIDER", "local") or "local").lower(),
        llm_model=_env_str("LLM_MODEL", None),
        llm_max_retries=_env_int("LLM_MAX_RETRIES", 2),
        llm_timeout_seconds=_env_float("LLM_TIMEOUT_SECONDS", 60.0),
        llm_retry_base_seconds=_env_float("LLM_RETRY_BASE_SECONDS", 1.0),
        llm_retry_max_seconds=_env_float("LLM_RETRY_MAX_SECONDS", 30.0),
        llm_max_concurrency=_env_int("LLM_MAX_CONCURRENCY", 0),
        llm_rpm=_env_int("LLM_RPM", 0),
        llm_context_tokens=_env_int("LLM_CONTEXT_TOKENS", 0),
        llm_output_tokens=_env_int("LLM_OUTPUT_TOKENS", 4096),
        llm_max_batch_tokens=_env_int("LLM_MAX_BATCH_TOKENS", 0),
        llm_prices=_env_str("LLM_PRICES", "") or "",
        economy_poll_seconds=_env_float("BATCH_ECONOMY_POLL_SECONDS", 30.0),
        economy_poll_max_seconds=_env_float("BATCH_ECONOMY_POLL_MAX_SECONDS", 300.0),
        openai_base_url=_env_str("OPENAI_BASE_URL", None),
        openai_api_key=_env_str("OPENAI_API_KEY", None),
        anthropic_base_url=_env_str("ANTHROPIC_BASE_URL", None),
        anthropic_api_key=_env_str("ANTHROPIC_API_KEY", None),
        ingest_max_file_mb=_env_float("INGEST_MAX_FILE_MB", 10.0),
        ingest_max_members=_env_int("INGEST_MAX_MEMBERS", 200),
        ingest_max_total_mb=_env_float("INGEST_MAX_TOTAL_MB", 100.0),
        ingest_max_ratio=_env_float("INGEST_MAX_COMPRESSION_RATIO", 200.0),
        api_token=_env_str("BATCH_API_TOKEN", None),
        api_host=_env_str("BATCH_API_HOST", "127.0.0.1") or "127.0.0.1",
        api_port=_env_int("BATCH_API_PORT", 8000),
        api_cors_origins=tuple(o.strip() for o in cors.split(",") if o.strip()),
        api_idempotency_ttl_seconds=_env_int("BATCH_API_IDEMPOTENCY_TTL_SECONDS", 86400),
        api_process_timeout_seconds=_env_float("BATCH_API_PROCESS_TIMEOUT_SECONDS", 120.0),
        api_allowed_hosts=_env_list("BATCH_API_ALLOWED_HOSTS", ("localhost", "127.0.0.1", "::1")),
        api_max_concurrency=_env_int("BATCH_API_MAX_CONCURRENCY", 32),
        api_body_timeout_seconds=_env_float("BATCH_API_BODY_TIMEOUT_SECONDS", 30.0),
        users_file=_env_path("BATCH_USERS_FILE"),
        api_tokens_file=_env_path("BATCH_API_TOKENS_FILE"),
        oidc_role_claims=_env_list("BATCH_OIDC_ROLE_CLAIMS", ("roles", "groups")),
        oidc_role_map=_env_str("BATCH_OIDC_ROLE_MAP", "") or "",
        oidc_default_roles=_env_str("BATCH_OIDC_DEFAULT_ROLES", "viewer") or "",
        audit_retention_days=_env_int("BATCH_AUDIT_RETENTION_DAYS", 400),
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()


def reload_settings() -> Settings:
    settings.cache_clear()
    return settings()

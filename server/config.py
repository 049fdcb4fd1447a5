"""Configuration: embedded defaults ← TOML file ← environment variables.

The TOML file is named by ``PARTY_CONFIG`` (or passed to ``create_app``). Any key can be
overridden from the environment as ``PARTY__<SECTION>__<KEY>`` (for example
``PARTY__WECHAT__MINI_SECRET``), which is how deployments keep secrets out of files.
The merged result is validated with marshmallow; a bad value stops the server with a
message naming the key.
"""

from __future__ import annotations

import base64
import copy
import os
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

DEFAULT_SECRET_KEY = "dev-secret-key-change-me"  # noqa: S105 - refused in production
# 32 zero-free bytes, base64: fine for a laptop, refused in production.
DEFAULT_DATA_KEY = base64.b64encode(b"dev-data-key-change-me-32-bytes!").decode()

DEFAULTS: dict[str, dict[str, Any]] = {
    "app": {
        "mode": "development",
        "secret_key": DEFAULT_SECRET_KEY,
        "public_base_url": "http://127.0.0.1:5000",
        "max_content_length_mb": 10,
        "mini_session_hours": 24 * 7,
        "web_session_hours": 12,
        "trust_proxy_hops": 0,
    },
    "database": {
        "url": "sqlite:///instance/party.db",
        "pool_size": 10,
        "pool_recycle_seconds": 280,
        "echo": False,
    },
    "redis": {"url": ""},
    "security": {
        "data_key": DEFAULT_DATA_KEY,
        "login_max_failures": 5,
        "lockout_minutes": 15,
        "bind_attempts": 5,
        "bind_window_minutes": 15,
        "ip_attempts_per_minute": 30,
        "invite_code_days": 7,
    },
    "wechat": {
        "sandbox": True,
        "api_base": "https://api.weixin.qq.com",
        "mini_appid": "wx_sandbox_mini",
        "mini_secret": "",
        "oa_appid": "",
        "oa_secret": "",
        "oa_token": "",
        "oa_encoding_aes_key": "",
        "timeout_seconds": 5.0,
        "max_retries": 2,
        "retry_backoff_seconds": 0.5,
    },
    "jobs": {
        "in_process_worker": True,
        "default_timeout_seconds": 300,
    },
    "notifications": {
        "templates_file": "",
        "timezone": "Asia/Shanghai",
        "quiet_start": "22:00",
        "quiet_end": "07:30",
        "batch_size": 50,
        "send_concurrency": 8,
        "max_attempts": 4,
        "retry_delay_seconds": 60,
        "lease_seconds": 120,
        "notices_per_hour": 20,
    },
    "storage": {
        "backend": "local",
        "local_dir": "instance/uploads",
        "s3_endpoint": "",
        "s3_bucket": "",
        "s3_region": "",
        "s3_access_key": "",
        "s3_secret_key": "",
    },
    "meetings": {
        "checkin_opens_minutes": 30,
        "late_grace_minutes": 5,
        "qr_rotate_seconds": 20,
        "offline_limit_minutes": 10,
        "checkin_cache_seconds": 2.0,
        "reminder_minutes": [1440, 60],
        "location_outlier_m": 500,
        "compliance_warn_days": 7,
        "attachment_max_mb": 10,
    },
    "feedback": {
        "accept_days": 3,
        "reply_days": 15,
        "per_day": 5,
        "attachment_max_mb": 5,
        "max_attachments": 3,
    },
    "safety": {
        "words_file": "",
        "allow_file": "",
        "wechat_check": False,
    },
    "study": {
        "points_file": "",
        "document_max_mb": 20,
        "photo_max_mb": 5,
        "quiz_questions": 5,
        "remind_hour": 20,
    },
    "development": {
        "rules_version": "2014",
        "remind_days_before": [7, 1],
        "remind_hour": 9,
        "material_max_mb": 10,
    },
    "news": {
        # No sources by default: each deployment names its central-media feeds (docs/news.md).
        "sources": [],
        "topics": {
            "politics": "时政要闻",
            "party": "党建动态",
            "theory": "理论学习",
            "education": "教育资讯",
        },
        "fetch_minutes": 30,
        "digest_hour": 8,
        "digest_size": 5,
        "max_items_per_feed": 50,
        "max_feed_kb": 2048,
        "timeout_seconds": 10.0,
        "keep_days": 180,
    },
}


def _b64_32_bytes(value: str) -> None:
    try:
        raw = base64.b64decode(value, validate=True)
    except (ValueError, TypeError) as exc:
        raise ValidationError("必须是 base64 编码") from exc
    if len(raw) != 32:
        raise ValidationError("必须是 32 字节密钥的 base64 编码")


class _Section(Schema):
    class Meta:
        unknown = EXCLUDE  # unknown keys are reported separately, see load_config


class AppSection(_Section):
    mode = fields.String(validate=validate.OneOf(["development", "production", "test"]))
    secret_key = fields.String(validate=validate.Length(min=16))
    public_base_url = fields.Url(require_tld=False)
    max_content_length_mb = fields.Integer(validate=validate.Range(min=1, max=200))
    mini_session_hours = fields.Integer(validate=validate.Range(min=1, max=24 * 90))
    web_session_hours = fields.Integer(validate=validate.Range(min=1, max=24 * 7))
    trust_proxy_hops = fields.Integer(validate=validate.Range(min=0, max=5))


class DatabaseSection(_Section):
    url = fields.String(validate=validate.Regexp(r"^(sqlite|mysql\+pymysql)://"))
    pool_size = fields.Integer(validate=validate.Range(min=1, max=200))
    pool_recycle_seconds = fields.Integer(validate=validate.Range(min=10))
    echo = fields.Boolean()


class RedisSection(_Section):
    url = fields.String(validate=validate.Regexp(r"^(|rediss?://.*)$"))


class SecuritySection(_Section):
    data_key = fields.String(validate=_b64_32_bytes)
    login_max_failures = fields.Integer(validate=validate.Range(min=1, max=100))
    lockout_minutes = fields.Integer(validate=validate.Range(min=1, max=24 * 60))
    bind_attempts = fields.Integer(validate=validate.Range(min=1, max=100))
    bind_window_minutes = fields.Integer(validate=validate.Range(min=1, max=24 * 60))
    ip_attempts_per_minute = fields.Integer(validate=validate.Range(min=1, max=10000))
    invite_code_days = fields.Integer(validate=validate.Range(min=1, max=90))


class WechatSection(_Section):
    sandbox = fields.Boolean()
    api_base = fields.Url(require_tld=False)
    mini_appid = fields.String()
    mini_secret = fields.String()
    oa_appid = fields.String()
    oa_secret = fields.String()
    oa_token = fields.String()
    oa_encoding_aes_key = fields.String(validate=validate.Regexp(r"^(|[A-Za-z0-9+/]{43})$"))
    timeout_seconds = fields.Float(validate=validate.Range(min=0.1, max=60))
    max_retries = fields.Integer(validate=validate.Range(min=0, max=5))
    retry_backoff_seconds = fields.Float(validate=validate.Range(min=0, max=30))


class JobsSection(_Section):
    in_process_worker = fields.Boolean()
    default_timeout_seconds = fields.Integer(validate=validate.Range(min=1))


def _timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("未知的时区") from exc


class NotificationsSection(_Section):
    templates_file = fields.String()
    timezone = fields.String(validate=_timezone)
    quiet_start = fields.String(validate=validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$"))
    quiet_end = fields.String(validate=validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$"))
    batch_size = fields.Integer(validate=validate.Range(min=1, max=500))
    send_concurrency = fields.Integer(validate=validate.Range(min=1, max=64))
    max_attempts = fields.Integer(validate=validate.Range(min=1, max=20))
    retry_delay_seconds = fields.Integer(validate=validate.Range(min=1, max=24 * 3600))
    lease_seconds = fields.Integer(validate=validate.Range(min=10, max=3600))
    notices_per_hour = fields.Integer(validate=validate.Range(min=1, max=1000))


class StorageSection(_Section):
    backend = fields.String(validate=validate.OneOf(["local", "s3"]))
    local_dir = fields.String(validate=validate.Length(min=1))
    s3_endpoint = fields.String(validate=validate.Regexp(r"^(|https?://.+)$"))
    s3_bucket = fields.String()
    s3_region = fields.String()
    s3_access_key = fields.String()
    s3_secret_key = fields.String()

    @validates_schema
    def _bucket_for_s3(self, data: dict, **_: Any) -> None:
        if data.get("backend") == "s3" and not data.get("s3_bucket"):
            raise ValidationError({"s3_bucket": ["backend = s3 时必须配置存储桶"]})


class MeetingsSection(_Section):
    checkin_opens_minutes = fields.Integer(validate=validate.Range(min=0, max=24 * 60))
    late_grace_minutes = fields.Integer(validate=validate.Range(min=0, max=240))
    qr_rotate_seconds = fields.Integer(validate=validate.Range(min=5, max=600))
    offline_limit_minutes = fields.Integer(validate=validate.Range(min=0, max=24 * 60))
    checkin_cache_seconds = fields.Float(validate=validate.Range(min=0, max=60))
    reminder_minutes = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=14 * 24 * 60)),
        validate=validate.Length(max=5),
    )
    location_outlier_m = fields.Integer(validate=validate.Range(min=50, max=100000))
    compliance_warn_days = fields.Integer(validate=validate.Range(min=1, max=90))
    attachment_max_mb = fields.Integer(validate=validate.Range(min=1, max=200))


class DevelopmentSection(_Section):
    rules_version = fields.String(validate=validate.Regexp(r"^[0-9A-Za-z._-]{1,20}$"))
    remind_days_before = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=90)), validate=validate.Length(max=5)
    )
    remind_hour = fields.Integer(validate=validate.Range(min=0, max=23))
    material_max_mb = fields.Integer(validate=validate.Range(min=1, max=200))

    @validates_schema
    def _rules_exist(self, data: dict, **_: Any) -> None:
        version = data.get("rules_version")
        if version is not None:
            from .development.rules import versions

            if version not in versions():
                raise ValidationError({"rules_version": [f"没有版本为 {version} 的发展党员规则"]})


class FeedbackSection(_Section):
    accept_days = fields.Integer(validate=validate.Range(min=1, max=60))
    reply_days = fields.Integer(validate=validate.Range(min=1, max=180))
    per_day = fields.Integer(validate=validate.Range(min=1, max=100))
    attachment_max_mb = fields.Integer(validate=validate.Range(min=1, max=15))
    max_attachments = fields.Integer(validate=validate.Range(min=0, max=9))


class SafetySection(_Section):
    words_file = fields.String()
    allow_file = fields.String()
    wechat_check = fields.Boolean()


class StudySection(_Section):
    points_file = fields.String()
    document_max_mb = fields.Integer(validate=validate.Range(min=1, max=200))
    photo_max_mb = fields.Integer(validate=validate.Range(min=1, max=50))
    quiz_questions = fields.Integer(validate=validate.Range(min=1, max=50))
    remind_hour = fields.Integer(validate=validate.Range(min=0, max=23))


NEWS_KEY = r"^[a-z0-9_]{1,40}$"
_NEWS_KEY_ERROR = "{input} 不是有效的键：只能由小写字母、数字和下划线组成，至多 40 个字符"


class NewsSourceSection(Schema):
    """One ``[[news.sources]]`` table. Problems name the source's key (the list index alone
    would not tell an operator which table is wrong)."""

    class Meta:
        unknown = RAISE  # load_config checks a section's keys, not those of the tables inside

    key = fields.String(required=True, validate=validate.Regexp(NEWS_KEY, error=_NEWS_KEY_ERROR))
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    url = fields.String(required=True)
    topics = fields.List(fields.String(), load_default=list)

    @validates_schema
    def _web_address(self, data: dict, **_: Any) -> None:
        url = data.get("url", "")
        try:
            validate.URL(schemes={"http", "https"}, require_tld=False)(url)
        except ValidationError as exc:
            raise ValidationError(
                {"url": [f"新闻源 {data.get('key')} 的地址必须是 http 或 https 网址：{url!r}"]}
            ) from exc
        if len(url) > 1000:
            raise ValidationError({"url": [f"新闻源 {data.get('key')} 的地址超过 1000 个字符"]})


class NewsSection(_Section):
    sources = fields.List(fields.Nested(NewsSourceSection), validate=validate.Length(max=200))
    topics = fields.Dict(
        keys=fields.String(validate=validate.Regexp(NEWS_KEY, error=_NEWS_KEY_ERROR)),
        values=fields.String(validate=validate.Length(min=1, max=20)),
        validate=validate.Length(min=1, max=50),
    )
    fetch_minutes = fields.Integer(validate=validate.Range(min=5, max=24 * 60))
    digest_hour = fields.Integer(validate=validate.Range(min=0, max=23))
    digest_size = fields.Integer(validate=validate.Range(min=1, max=20))
    max_items_per_feed = fields.Integer(validate=validate.Range(min=1, max=500))
    max_feed_kb = fields.Integer(validate=validate.Range(min=16, max=20 * 1024))
    timeout_seconds = fields.Float(validate=validate.Range(min=0.1, max=120))
    keep_days = fields.Integer(validate=validate.Range(min=1, max=3650))

    @validates_schema
    def _sources_agree(self, data: dict, **_: Any) -> None:
        topics = data.get("topics") or {}
        problems, seen = [], set()
        for source in data.get("sources") or []:
            key = source["key"]
            if key in seen:
                problems.append(f"新闻源 {key} 重复")
            seen.add(key)
            unknown = [topic for topic in source["topics"] if topic not in topics]
            if unknown:
                problems.append(f"新闻源 {key} 的主题 {'、'.join(unknown)} 不在 [news.topics] 中")
            if len(set(source["topics"])) != len(source["topics"]):
                problems.append(f"新闻源 {key} 的主题重复")
        if problems:
            raise ValidationError({"sources": problems})


class ConfigSchema(Schema):
    app = fields.Nested(AppSection)
    database = fields.Nested(DatabaseSection)
    redis = fields.Nested(RedisSection)
    security = fields.Nested(SecuritySection)
    wechat = fields.Nested(WechatSection)
    jobs = fields.Nested(JobsSection)
    notifications = fields.Nested(NotificationsSection)
    storage = fields.Nested(StorageSection)
    meetings = fields.Nested(MeetingsSection)
    development = fields.Nested(DevelopmentSection)
    feedback = fields.Nested(FeedbackSection)
    safety = fields.Nested(SafetySection)
    study = fields.Nested(StudySection)
    news = fields.Nested(NewsSection)

    @validates_schema
    def _production_is_safe(self, data: dict, **_: Any) -> None:
        if data["app"]["mode"] != "production":
            return
        problems = {}
        if data["app"]["secret_key"] == DEFAULT_SECRET_KEY:
            problems["app.secret_key"] = ["生产模式不能使用默认 secret_key"]
        if data["security"]["data_key"] == DEFAULT_DATA_KEY:
            problems["security.data_key"] = ["生产模式不能使用默认数据加密密钥"]
        if data["wechat"]["sandbox"]:
            problems["wechat.sandbox"] = ["生产模式不能使用微信沙箱"]
        if data["database"]["url"].startswith("sqlite"):
            problems["database.url"] = ["生产模式不能使用 SQLite"]
        if not data["redis"]["url"]:
            problems["redis.url"] = ["生产模式必须配置 Redis"]
        if problems:
            raise ValidationError(problems)


class ConfigError(RuntimeError):
    """Raised when configuration is invalid; the message names every bad key."""


def _coerce_env(raw: str, default: Any) -> Any:
    if isinstance(default, list):  # "1440,60"
        return [int(part) for part in raw.split(",") if part.strip()]
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def load_config(
    path: str | os.PathLike | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    environ: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Merge defaults, the TOML file, ``overrides`` and the environment; validate."""
    environ = os.environ if environ is None else environ
    merged = copy.deepcopy(DEFAULTS)
    unknown: list[str] = []

    def merge(source: dict[str, Any], origin: str) -> None:
        for section, values in source.items():
            if section not in merged or not isinstance(values, dict):
                unknown.append(f"{origin}: [{section}]")
                continue
            for key, value in values.items():
                if key not in merged[section]:
                    unknown.append(f"{origin}: {section}.{key}")
                    continue
                merged[section][key] = value

    path = path or environ.get("PARTY_CONFIG")
    if path:
        try:
            with Path(path).open("rb") as fh:
                merge(tomllib.load(fh), str(path))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"无法读取配置文件 {path}：{exc}") from exc
    if overrides:
        merge(overrides, "overrides")
    for name, raw in environ.items():
        if not name.startswith("PARTY__"):
            continue
        parts = name[len("PARTY__") :].lower().split("__")
        if len(parts) != 2 or parts[0] not in merged or parts[1] not in merged[parts[0]]:
            unknown.append(f"env: {name}")
            continue
        try:
            merged[parts[0]][parts[1]] = _coerce_env(raw, DEFAULTS[parts[0]][parts[1]])
        except ValueError as exc:
            raise ConfigError(f"环境变量 {name} 的值无效：{raw!r}") from exc
    if unknown:
        raise ConfigError("未知的配置项：" + "，".join(unknown))
    try:
        return ConfigSchema().load(merged)
    except ValidationError as exc:
        raise ConfigError(f"配置无效：{exc.messages}") from exc

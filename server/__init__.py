"""智慧党建 server: ``create_app`` wires configuration, extensions and the domain blueprints."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, jsonify
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import load_config
from .i18n import install_chinese_messages

install_chinese_messages()


def create_app(config_overrides: dict | None = None, config_path: str | None = None) -> Flask:
    settings = load_config(config_path, overrides=config_overrides)
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(
        SECRET_KEY=settings["app"]["secret_key"],
        MAX_CONTENT_LENGTH=settings["app"]["max_content_length_mb"] * 1024 * 1024,
        APP=settings["app"],
        SECURITY=settings["security"],
        WECHAT=settings["wechat"],
        JOBS=settings["jobs"],
        NOTIFICATIONS=settings["notifications"],
        MEETINGS=settings["meetings"],
        DEVELOPMENT=settings["development"],
        STUDY=settings["study"],
        SAFETY=settings["safety"],
        NEWS=settings["news"],
        FEEDBACK=settings["feedback"],
        STORAGE=settings["storage"],
        REDIS_URL=settings["redis"]["url"],
        SQLALCHEMY_DATABASE_URI=_database_url(app, settings["database"]["url"]),
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings["database"]),
        SQLALCHEMY_ECHO=settings["database"]["echo"],
        TESTING=settings["app"]["mode"] == "test",
        JSON_AS_ASCII=False,
        API_TITLE="智慧党建 API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.json.ensure_ascii = False
    if settings["app"]["trust_proxy_hops"]:
        hops = settings["app"]["trust_proxy_hops"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    _check_notification_templates(settings["notifications"]["templates_file"])
    _check_points_rules(settings["study"]["points_file"])
    _check_word_lists(settings["safety"])
    _check_development_rules(settings["development"]["rules_version"])
    _init_extensions(app, settings)
    _register_blueprints(app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


def _check_development_rules(version: str) -> None:
    """The configured rules of developing members parse now, or the server stops here (not at
    the first request that needs them)."""
    from .config import ConfigError
    from .development import rules

    try:
        rules.load(version)
    except (LookupError, ValueError) as exc:
        raise ConfigError(f"发展党员规则 {version} 有误：{exc}") from exc


def _check_word_lists(safety: dict) -> None:
    """A bad word list stops the server now, naming the file and line."""
    from .config import ConfigError
    from .safety import words

    try:
        words.load(safety["words_file"], safety["allow_file"])
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def _check_notification_templates(path: str) -> None:
    """A bad templates file stops the server now, naming the key, not at the first send."""
    from .config import ConfigError
    from .notify.services import _load_kinds

    try:
        _load_kinds(path)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def _check_points_rules(path: str) -> None:
    """A bad points file stops the server now, naming the key, not at the first award."""
    from .config import ConfigError
    from .study.points import load

    try:
        load(path)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def _database_url(app: Flask, url: str) -> str:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url[len("sqlite:///") :]
        if relative and relative != ":memory:":
            path = Path(relative)
            if not path.is_absolute():
                path = Path.cwd() / path
            path.parent.mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{path}"
    if url.startswith("mysql") and "charset=" not in url:
        url += ("&" if "?" in url else "?") + "charset=utf8mb4"
    return url


def _engine_options(db_settings: dict) -> dict:
    if db_settings["url"].startswith("sqlite"):
        return {}
    return {
        "pool_size": db_settings["pool_size"],
        "pool_recycle": db_settings["pool_recycle_seconds"],
        "pool_pre_ping": True,
    }


def _init_extensions(app: Flask, settings: dict) -> None:
    import fakeredis
    import redis as redis_lib

    from .crypto import DataCipher
    from .errors import register_error_handlers
    from .extensions import PartyApi, db, limiter, queue, redis_client, storage, wechat
    from .jobs import JobQueue
    from .ratelimit import AttemptLimiter
    from .wechat.gateway import build_gateway

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_pragmas(app)
    app.extensions["party_cipher"] = DataCipher(settings["security"]["data_key"])

    redis_url = settings["redis"]["url"]
    if redis_url:
        connection = redis_lib.Redis.from_url(redis_url)
    else:
        connection = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    app.extensions["party_redis"] = connection
    redis_client.bind(connection)
    job_queue = JobQueue(app, connection, in_process=not redis_url)
    app.extensions["party_queue"] = job_queue
    queue.bind(job_queue)
    limiter.bind(AttemptLimiter(redis_url))
    wechat.bind(build_gateway(settings["wechat"], redis=connection))
    from .storage import build_storage

    storage.bind(build_storage(settings["storage"]))

    api = PartyApi()
    app.extensions["party_api"] = api
    api.init_app(
        app,
        spec_kwargs={
            "info": {
                "description": "智慧党建平台接口。错误响应统一为 {code, status, message, errors}。"
            }
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "会话令牌"}
    )
    from .schemas import ApiErrorSchema

    api.spec.components.response(
        "ApiError",
        {"description": "错误", "content": {"application/json": {"schema": ApiErrorSchema}}},
    )
    register_error_handlers(app)


def _sqlite_pragmas(app: Flask) -> None:
    from sqlalchemy import event

    from .extensions import db

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # pysqlite's own transaction handling breaks SAVEPOINTs (used by roster import):
            # let SQLAlchemy emit BEGIN itself (the documented recipe).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            connection.exec_driver_sql("BEGIN")


def _register_blueprints(app: Flask) -> None:
    from .announcements.views import blp as announcements_blp
    from .audit.views import blp as audit_blp
    from .auth.views import blp as auth_blp
    from .development.views import blp as development_blp
    from .feedback.views import blp as feedback_blp
    from .meetings.views import blp as meetings_blp
    from .news.views import blp as news_blp
    from .notify.views import blp as notify_blp
    from .orgs.views import blp as orgs_blp
    from .people.roster_views import roster_blp
    from .people.views import blp as people_blp
    from .safety.views import blp as safety_blp
    from .study.views import blp as study_blp

    for blueprint in (
        auth_blp,
        orgs_blp,
        people_blp,
        roster_blp,
        audit_blp,
        notify_blp,
        meetings_blp,
        development_blp,
        study_blp,
        safety_blp,
        news_blp,
        feedback_blp,
        announcements_blp,
    ):
        app.extensions["party_api"].register_blueprint(blueprint)
    from .screen.views import blp as screen_blp

    app.register_blueprint(screen_blp)
    from .announcements.portal import blp as portal_blp

    app.register_blueprint(portal_blp)
    from . import cli

    cli.register(app)
    from bot import init_app as init_bot

    init_bot(app)

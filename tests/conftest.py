"""Test fixtures. The same suite runs on SQLite + fakeredis (default) and on MariaDB + real
Redis: set TEST_DATABASE_URL=mysql+pymysql://root@127.0.0.1:3306/party_test and
TEST_REDIS_URL=redis://127.0.0.1:6379/15."""

from __future__ import annotations

import os
import tempfile
from itertools import count

import pytest
from sqlalchemy import text

from server import create_app
from server.cli import _import_models
from server.extensions import db, limiter, wechat
from tests.factories import Factory
from tests.wechat_standin import WeChatStandIn

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
IS_MARIADB = DATABASE_URL.startswith("mysql")


def pytest_collection_modifyitems(config, items):
    if IS_MARIADB:
        return
    skip = pytest.mark.skip(reason="needs MariaDB (TEST_DATABASE_URL)")
    for item in items:
        if "mariadb" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def app():
    tmpdir = tempfile.mkdtemp(prefix="party-test-")
    url = DATABASE_URL or f"sqlite:///{tmpdir}/test.db"
    application = create_app(
        {
            "app": {"mode": "test"},
            "database": {"url": url},
            "redis": {"url": REDIS_URL},
            "wechat": {"sandbox": True, "retry_backoff_seconds": 0.0},
            "jobs": {"in_process_worker": False},
            "storage": {"local_dir": f"{tmpdir}/uploads"},
        }
    )
    with application.app_context():
        _import_models()
        db.drop_all()
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(app):
    yield
    with app.app_context():
        db.session.rollback()
        if IS_MARIADB:
            db.session.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        else:
            db.session.execute(text("PRAGMA defer_foreign_keys=ON"))
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        if IS_MARIADB:
            db.session.execute(text("SET FOREIGN_KEY_CHECKS=1"))
        db.session.commit()
        db.session.remove()
    limiter.reset()
    app.extensions["party_redis"].flushdb()
    from server.meetings import facts

    facts._cache.clear()  # ids are reused once the tables are emptied


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield
        db.session.remove()


@pytest.fixture
def f(app, ctx):
    """Factories: orgs, people, accounts and their session tokens."""
    return Factory(app)


@pytest.fixture(scope="session")
def standin():
    server = WeChatStandIn(appid="wx_test_app", secret="test_secret").start()
    yield server
    server.stop()


@pytest.fixture
def real_wechat(app, standin):
    """Point the gateway at the WeChat stand-in (sandbox off) for one test."""
    from server.wechat.gateway import HttpGateway

    standin.reset()
    previous = wechat.target
    settings = dict(app.config["WECHAT"])
    settings.update(
        sandbox=False,
        api_base=standin.base_url,
        mini_appid="wx_test_app",
        mini_secret="test_secret",
        retry_backoff_seconds=0.0,
    )
    wechat.bind(HttpGateway(settings, redis=app.extensions["party_redis"]))
    yield standin
    wechat.bind(previous)


_ip = count(1)


@pytest.fixture
def fresh_ip():
    """A distinct client address per call, so per-IP limits do not leak between tests."""
    return lambda: f"10.9.{next(_ip) // 250}.{next(_ip) % 250 + 1}"

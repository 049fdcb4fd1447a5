import re

import pytest

from server import create_app
from server.config import DEFAULT_DATA_KEY, ConfigError, load_config

SAFE_KEY = "c2VjdXJlLWRhdGEta2V5LWZvci1wcm9kdWN0aW9uISE="  # 32 bytes


def production(**sections):
    base = {
        "app": {"mode": "production", "secret_key": "a-long-production-secret-key"},
        "database": {"url": "mysql+pymysql://party@db/party"},
        "redis": {"url": "redis://127.0.0.1:6379/0"},
        "security": {"data_key": SAFE_KEY},
        "wechat": {"sandbox": False},
    }
    for section, values in sections.items():
        base[section] = {**base[section], **values}
    return base


def test_production_settings_load():
    assert load_config(overrides=production(), environ={})["app"]["mode"] == "production"


@pytest.mark.parametrize(
    ("section", "values", "key"),
    [
        ("app", {"secret_key": "dev-secret-key-change-me"}, "app.secret_key"),
        ("wechat", {"sandbox": True}, "wechat.sandbox"),
        ("database", {"url": "sqlite:///x.db"}, "database.url"),
        ("security", {"data_key": DEFAULT_DATA_KEY}, "security.data_key"),
    ],
)
def test_production_refuses_unsafe_defaults(section, values, key):
    with pytest.raises(ConfigError, match=re.escape(key)):
        load_config(overrides=production(**{section: values}), environ={})


def test_production_app_does_not_start_with_sandbox():
    with pytest.raises(ConfigError):
        create_app(production(wechat={"sandbox": True}))


def test_environment_overrides_secrets():
    settings = load_config(
        environ={"PARTY__WECHAT__MINI_SECRET": "from-env", "PARTY__SECURITY__LOCKOUT_MINUTES": "30"}
    )
    assert settings["wechat"]["mini_secret"] == "from-env"
    assert settings["security"]["lockout_minutes"] == 30


def test_unknown_and_invalid_keys_are_reported(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[app]\nmode = "development"\nsecert_key = "typo"\n')
    with pytest.raises(ConfigError, match=re.escape("app.secert_key")):
        load_config(path, environ={})
    with pytest.raises(ConfigError, match="lockout_minutes"):
        load_config(overrides={"security": {"lockout_minutes": 0}}, environ={})
    with pytest.raises(ConfigError):
        load_config(environ={"PARTY__SECURITY__LOCKOUT_MINUTES": "soon"})
    bad = tmp_path / "bad.toml"
    bad.write_text("[app\n")
    with pytest.raises(ConfigError):
        load_config(bad, environ={})


def test_example_config_is_valid_and_documents_every_key():
    from pathlib import Path

    from server.config import DEFAULTS

    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    load_config(example, environ={})
    text = example.read_text(encoding="utf-8")
    lines = text.splitlines()
    for section, keys in DEFAULTS.items():
        assert f"[{section}]" in text
        for key in keys:
            index = next(
                (i for i, line in enumerate(lines) if line.lstrip("# ").startswith(f"{key} =")),
                None,
            )
            assert index is not None, f"{section}.{key} missing from config.example.toml"
            assert lines[index - 1].lstrip().startswith("#"), f"{section}.{key} is not documented"

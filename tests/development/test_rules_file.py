"""The configured rules file is read when the server starts."""

from __future__ import annotations

import pytest


def test_a_broken_rules_file_stops_the_server(tmp_path, monkeypatch):
    from server import create_app
    from server.config import ConfigError
    from server.development import rules

    (tmp_path / "2014.toml").write_text('version = "2014"\ntitle = ', encoding="utf-8")
    monkeypatch.setattr(rules, "RULES_DIR", tmp_path)
    rules.load.cache_clear()
    try:
        with pytest.raises(ConfigError, match="发展党员规则 2014 有误"):
            create_app({"app": {"mode": "test"}})
    finally:
        rules.load.cache_clear()

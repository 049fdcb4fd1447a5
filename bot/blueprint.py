"""The bot's URLs: one endpoint that WeChat verifies (GET) and pushes to (POST)."""

from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("wechat_bot", __name__)

bp.add_url_rule("/wechat/callback", "verify", views.verify, methods=["GET"])
bp.add_url_rule("/wechat/callback", "receive", views.receive, methods=["POST"])

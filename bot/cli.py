"""``flask --app server wechat …``: the official account's custom menu and the sandbox outbox."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app

from server.extensions import wechat
from server.wechat.gateway import SandboxGateway, WeChatError

from .menu import build_menu


def register(app: Flask) -> None:
    @app.cli.group("wechat")
    def wechat_group():
        """Official account: custom menu, sandbox outbox."""

    @wechat_group.command("create-menu")
    def create_menu():
        """Create (replace) the official account's custom menu."""
        menu = build_menu(
            current_app.config["WECHAT"]["mini_appid"],
            current_app.config["APP"]["public_base_url"],
        )
        try:
            wechat.create_menu(menu)
        except WeChatError as exc:
            raise click.ClickException(
                f"WeChat refused the menu: errcode {exc.errcode} {exc.errmsg}"
            ) from exc
        click.echo(json.dumps(menu, ensure_ascii=False, indent=2))
        where = "the sandbox outbox" if isinstance(wechat.target, SandboxGateway) else "WeChat"
        click.echo(f"menu sent to {where}")

    @wechat_group.command("outbox")
    @click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
    def outbox(limit):
        """Print what the sandbox gateway 'sent', newest first (one JSON object a line)."""
        gateway = wechat.target
        if not isinstance(gateway, SandboxGateway):
            raise click.ClickException(
                "the outbox exists only in sandbox mode (wechat.sandbox = true)"
            )
        entries = gateway.outbox(limit)
        for entry in entries:
            click.echo(json.dumps(entry, ensure_ascii=False))
        if not entries:
            click.echo("outbox is empty", err=True)

"""The official-account side: the ``/wechat/callback`` endpoint, its handler registry and
replies, the custom menu, and the ``flask wechat`` commands.

The bot depends on the server's services (followers, deliveries, people), never the other
way round; ``server.create_app`` only calls ``init_app``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli, handlers, meetings  # noqa: F401 - importing fills the registries
    from .blueprint import bp

    app.register_blueprint(bp)
    cli.register(app)

"""党务公开: the public announcements on pages that need no login — the list (``/portal/``), a
page per announcement (``/portal/notices/<id>``) and an RSS 2.0 feed (``/portal/rss.xml``).

Only published announcements with the ``public`` audience exist here; anything else is the 404
page. The body HTML was sanitised when it was saved, which is why the page may insert it as
HTML; it is sanitised once more as it is shown (the same allow-list, and cheap), so a row
that reached the table some other way (an import, a hand edit, an older allow-list) cannot
bring a script along. The pages carry no script at all and a CSP that allows none, and are
cached for a minute (they are the same for everyone).
"""

from __future__ import annotations

import re
from datetime import UTC
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, current_app, render_template, request, url_for

from ..db_types import utcnow
from ..notify.services import local_time
from ..study.materials import sanitize
from . import services

blp = Blueprint(
    "portal",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/portal/static",
)

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' https:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
PER_PAGE = 20
FEED_SIZE = 50
ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 does not allow (the API refuses them; older rows are cleaned on output).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@blp.after_request
def _headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def _error(status: int, message: str):
    return render_template("portal/error.html", status=status, message=message), status


def _page() -> int | None:
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) < 1:
        return None
    return int(raw)


def _day(value) -> str:
    return f"{local_time(value):%Y-%m-%d}" if value else ""


@blp.get("/portal/")
def index():
    page = _page()
    if page is None:
        return _error(400, "页码无效")
    result = services.portal_page(page, PER_PAGE)
    if page > max(result.pages, 1):
        return _error(404, "该页不存在")
    items = [{"a": a, "day": _day(a.published_at)} for a in result.items]
    return render_template("portal/index.html", items=items, result=result)


@blp.get("/portal/notices/<int(max=2147483647):announcement_id>")
def notice(announcement_id: int):
    found = services.portal_get(announcement_id)
    if found is None:
        return _error(404, "公告不存在或已撤回")
    return render_template(
        "portal/notice.html", a=found, day=_day(found.published_at),
        body=sanitize(found.body_html),
    )  # fmt: skip


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


@blp.get("/portal/rss.xml")
def rss():
    """RSS 2.0: the newest public announcements, with absolute links on ``[app]
    public_base_url`` (not the request's Host, which a client chooses and the cache keeps)."""
    base = current_app.config["APP"]["public_base_url"].rstrip("/")
    ET.register_namespace("atom", ATOM)
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    items = services.feed(FEED_SIZE)
    for name, value in (
        ("title", "党务公开"),
        ("link", base + url_for("portal.index")),
        ("description", "党组织公开发布的公告"),
        ("language", "zh-cn"),
        ("lastBuildDate", _rfc822(items[0].published_at if items else utcnow())),
    ):
        ET.SubElement(channel, name).text = value
    ET.SubElement(
        channel,
        f"{{{ATOM}}}link",
        {"href": base + url_for("portal.rss"), "rel": "self", "type": "application/rss+xml"},
    )
    for found in items:
        link = base + url_for("portal.notice", announcement_id=found.id)
        entry = ET.SubElement(channel, "item")
        ET.SubElement(entry, "title").text = _text(found.title)
        ET.SubElement(entry, "link").text = link
        ET.SubElement(entry, "guid", {"isPermaLink": "true"}).text = link
        ET.SubElement(entry, "pubDate").text = _rfc822(found.published_at)
        ET.SubElement(entry, "category").text = _text(found.org.name)
        # The sanitised HTML as escaped text, as RSS readers expect it.
        ET.SubElement(entry, "description").text = _text(sanitize(found.body_html))
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
    return Response(body, content_type="application/rss+xml; charset=utf-8")


def _rfc822(value) -> str:
    return format_datetime(value.replace(tzinfo=UTC), usegmt=True)

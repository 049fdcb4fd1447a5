"""Fetching and reading one RSS/Atom feed: no database, no app context (the ingest runs these in
threads). Whatever a source sends — an HTML page, truncated XML, binary junk, a wrong charset,
3 MB of it, entries without a title or with a ``javascript:`` link — ends as a ``FeedError``
with a reason for administrators, or as clean entries: plain-text titles and summaries within
the columns' lengths, http(s) links, UTC publication times not in the future.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import io
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import feedparser
import nh3
import requests

from .models import SUMMARY_MAX, TITLE_MAX, URL_MAX

log = logging.getLogger(__name__)

USER_AGENT = "smart-party-news/1.0"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
CHUNK = 64 * 1024
# Raw text of one field fed to the HTML cleaner at most: the feed's size bounds the total, this
# bounds the work per entry (a 2 MB description yields 500 characters either way).
RAW_FIELD_MAX = 20_000


class FeedError(Exception):
    """This source failed this time; ``reason`` (Chinese) is shown to administrators."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    not_modified: bool
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Entry:
    guid_hash: str
    link_hash: str
    title: str
    summary: str
    url: str
    published_at: datetime


@dataclass
class Parsed:
    entries: list[Entry] = field(default_factory=list)
    skipped: int = 0  # entries without a usable title or link
    warning: str | None = None  # a feed read despite errors (feedparser's "bozo")


# -- fetching --------------------------------------------------------------------------------


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """GET the feed (conditionally, with the validators of the last success). Each connect and
    read waits at most ``timeout`` seconds, and the whole body must arrive within ``timeout``
    (a server dripping bytes would otherwise hold the run); more than ``max_bytes`` fails."""
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        with requests.get(url, headers=headers, timeout=timeout, stream=True) as response:
            if response.status_code == 304:
                return Fetched(not_modified=True)
            if response.status_code != 200:
                raise FeedError(f"HTTP {response.status_code}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FeedError(_too_large(max_bytes))
            chunks, size = [], 0
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise FeedError(_too_large(max_bytes))
                if time.monotonic() > deadline:
                    raise FeedError(f"超时：{timeout:g} 秒内未读完")
                chunks.append(chunk)
            return Fetched(
                not_modified=False,
                body=b"".join(chunks),
                content_type=response.headers.get("Content-Type", ""),
                etag=_header(response, "ETag", 255),
                last_modified=_header(response, "Last-Modified", 64),
            )
    except requests.Timeout as exc:
        raise FeedError(f"超时（{type(exc).__name__}）") from exc
    except requests.RequestException as exc:
        raise FeedError(f"连接失败（{type(exc).__name__}）") from exc


def _too_large(max_bytes: int) -> str:
    return f"内容超过 {max_bytes // 1024} KB（[news] max_feed_kb）"


def _header(response, name: str, limit: int) -> str | None:
    value = (response.headers.get(name) or "").strip()
    # A validator too long for its column is not worth keeping: the next GET is unconditional.
    return value if 0 < len(value) <= limit and value.isprintable() else None


# -- reading ---------------------------------------------------------------------------------

_XML_DECLARATION = re.compile(
    r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""", re.IGNORECASE
)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# Text codecs Python has that no document is written in: a declaration naming one is ignored.
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined"}
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def as_utf8(body: bytes, content_type: str = "") -> bytes:
    """The document re-encoded as UTF-8, with its XML declaration saying so.

    Chinese sites often declare one charset and send another (GBK bytes under
    ``encoding="utf-8"``, or no declaration at all). feedparser would then fall back to
    windows-1252 and produce mojibake, which must not be stored. So: a byte-order mark decides;
    else strict UTF-8 (GBK text is practically never valid UTF-8); else the charset the HTTP
    header or the declaration names; else GB18030 (a superset of GBK and GB2312); else the feed
    fails."""
    candidates: list[str] = []
    if body.startswith(codecs.BOM_UTF8):
        candidates.append("utf-8-sig")
    elif body.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        candidates.append("utf-32")
    elif body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates.append("utf-16")
    candidates.append("utf-8")
    header = _CHARSET.search(content_type or "")
    if header:
        candidates.append(header.group(1))
    declared = _DECLARED.match(body[:512])
    if declared:
        candidates.append(declared.group(1).decode("ascii"))
    candidates.append("gb18030")
    for encoding in candidates:
        try:
            if codecs.lookup(encoding).name in _NOT_CHARSETS:
                continue
            text = body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue  # unknown, not a text encoding (base64, rot13…), or not this one
        text = _XML_DECLARATION.sub(r"\1\2utf-8\2", text, count=1)
        return text.encode("utf-8")
    raise FeedError("无法识别的字符编码")


def parse(
    body: bytes,
    *,
    source_key: str,
    base_url: str,
    content_type: str = "",
    now: datetime,
    max_items: int,
    keep_days: int,
) -> Parsed:
    """The usable entries of a feed, newest first, at most ``max_items``; entries published
    more than ``keep_days`` ago are left out (they would be deleted at once, then fetched again
    on the next run). Raises ``FeedError`` for a body that is no feed."""
    if not body.strip():
        raise FeedError("内容为空")
    data = as_utf8(body, content_type)
    try:
        # A stream, never bytes: feedparser.parse(bytes) first tries the bytes as a *file name*
        # (a feed whose body is "/etc/passwd" would have it read that file).
        document = feedparser.parse(
            io.BytesIO(data),
            response_headers={
                "content-type": "application/xml; charset=utf-8",
                # Relative links (and GUIDs) resolve against the feed's own address.
                "content-location": base_url,
            },
        )
    except Exception as exc:  # feedparser should not raise, but a bad feed must not end the run
        log.warning("news source %s: feedparser failed", source_key, exc_info=True)
        raise FeedError(f"解析失败（{type(exc).__name__}）") from exc
    raw_entries = document.get("entries") or []
    problem = document.get("bozo_exception") if document.get("bozo") else None
    if not raw_entries:
        if problem is not None:
            raise FeedError(f"不是有效的 RSS/Atom 源（{_describe(problem)}）")
        if not document.get("version"):
            raise FeedError("不是有效的 RSS/Atom 源")
        return Parsed()
    result = Parsed(warning=_describe(problem) if problem is not None else None)
    oldest = now - timedelta(days=keep_days)
    seen_guids, seen_links = set(), set()
    entries = []
    for raw in raw_entries:
        entry = _entry(raw, source_key, now)
        if entry is None:
            result.skipped += 1
            continue
        if entry.published_at < oldest:
            continue
        if entry.guid_hash in seen_guids or entry.link_hash in seen_links:
            continue  # the same article twice in one feed
        seen_guids.add(entry.guid_hash)
        seen_links.add(entry.link_hash)
        entries.append(entry)
    if result.skipped == len(raw_entries):
        raise FeedError(f"{result.skipped} 个条目都没有标题或有效的网页链接")
    # Feeds list newest first by convention, not always: sort, then keep the newest.
    entries.sort(key=lambda e: e.published_at, reverse=True)
    result.entries = entries[:max_items]
    return result


def _describe(problem: BaseException) -> str:
    return f"{type(problem).__name__}: {problem}"[:200]


def _entry(raw, source_key: str, now: datetime) -> Entry | None:
    title = plain_text(_text(raw.get("title")), TITLE_MAX)
    url = web_url(_text(raw.get("link")))
    if not title or url is None:
        return None
    summary = _text(raw.get("summary"))
    if not summary:
        contents = raw.get("content") or []
        summary = _text(contents[0].get("value")) if contents else ""
    normalised = normalise_link(url)
    guid = _text(raw.get("id")).strip()
    guid_hash = _sha256(f"{source_key}\n{guid}") if guid else _sha256(normalised)
    return Entry(
        guid_hash=guid_hash,
        link_hash=_sha256(normalised),
        title=title,
        summary=plain_text(summary, SUMMARY_MAX),
        url=url,
        published_at=_published(raw, now),
    )


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def plain_text(value: str, limit: int) -> str:
    """Text without any markup: every tag dropped (with the content of script and style),
    entities read, whitespace and control characters collapsed, at most ``limit`` characters."""
    if not value:
        return ""
    cleaned = html.unescape(nh3.clean(value[:RAW_FIELD_MAX], tags=set()))
    # Controls (newlines, tabs, NUL…) separate words; invisible format characters (zero-width
    # space, direction marks) are dropped.
    cleaned = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch
        for ch in cleaned
        if unicodedata.category(ch) != "Cf"
    )
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def web_url(value: str) -> str | None:
    """``value`` if it is an absolute http(s) address fit to show and open, else None
    (``javascript:``, ``data:``, relative leftovers, credentials in the address, controls)."""
    url = value.strip()
    if not url or len(url) > URL_MAX or any(ch.isspace() or not ch.isprintable() for ch in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    return url


def normalise_link(url: str) -> str:
    """The link as duplicates are recognised: the same article over http and https, with a
    different case of host, the default port, a fragment or utm_* tracking parameters is one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not pair.lower().startswith("utm_")
    )
    return urlunsplit(("", host, parts.path or "/", query, ""))


def _published(raw, now: datetime) -> datetime:
    """When the entry was published, naive UTC: its own date, else the fetch time; a date in
    the future (a wrong clock or time zone at the source) becomes now."""
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = raw.get(name)
        if parsed:
            try:
                value = datetime(*parsed[:6])
            except (TypeError, ValueError, OverflowError):
                continue
            return min(value, now)
    return now

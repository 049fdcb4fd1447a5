"""News test fixtures: a local HTTP server for the feeds (like tests/wechat_standin, a thread in
this process) and a way to point ``[news] sources`` at it for one test."""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from server.extensions import db
from server.news.models import NewsItem

FEEDS = Path(__file__).with_name("feeds")
NOW = datetime(2026, 3, 2, 4, 0)  # 12:00 Beijing, the day the feed files were written for
TOPICS = {
    "politics": "时政要闻",
    "party": "党建动态",
    "theory": "理论学习",
    "education": "教育资讯",
}
TYPES = {".xml": "application/rss+xml; charset=utf-8", ".html": "text/html; charset=utf-8"}


def big_feed(size: int) -> bytes:
    """A well-formed RSS feed of about ``size`` bytes (one enormous description)."""
    head = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>big</title>'
        b"<item><title>big</title><link>http://big.example.cn/1</link><description>"
    )
    tail = b"</description></item></channel></rss>"
    return head + b"x" * max(size - len(head) - len(tail), 0) + tail


def huge_fields_feed() -> bytes:
    """Fields far longer than the columns: a 5,000-character title, a 300 KB description of
    markup, a 3,000-character link and GUID."""
    title = "超长标题" * 1250
    description = "<p>段落<b>加粗</b></p>" * 20000
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>huge</title><link>http://huge.example.cn/</link>
<item><title>{title}</title><link>http://huge.example.cn/a/1.html</link>
<guid isPermaLink="false">{"g" * 3000}</guid>
<description><![CDATA[{description}]]></description>
<pubDate>Mon, 02 Mar 2026 08:00:00 +0800</pubDate></item>
<item><title>链接太长</title><link>http://huge.example.cn/{"p" * 3000}</link>
<pubDate>Mon, 02 Mar 2026 08:00:00 +0800</pubDate></item>
</channel></rss>""".encode()


class FeedServer:
    """Serves ``tests/news/feeds/<name>`` with an ETag (304 for a matching If-None-Match),
    plus: ``/status/<code>``, ``/slow`` (answers after 3 s), ``/big`` (3 MB, with its
    Content-Length), ``/big-stream`` (3 MB, no length: the limit must stop the reading) and
    ``/huge.xml`` (fields too long). Counts requests per path; replaces a file's body on
    request (``serve``)."""

    def __init__(self):
        self.requests: dict[str, list[dict]] = {}
        self.overrides: dict[str, tuple[bytes, str]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.setdefault(self.path, []).append(dict(self.headers))
                server.answer(self)

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # the ingest opens 8 connections at once; 5 by default

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        self.requests.clear()
        self.overrides.clear()

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def serve(self, path: str, body: bytes, content_type: str = TYPES[".xml"]) -> None:
        self.overrides["/" + path.lstrip("/")] = (body, content_type)

    def answer(self, handler) -> None:
        path = handler.path
        if path.startswith("/status/"):
            return self._send(handler, int(path.rsplit("/", 1)[1]), b"error", "text/plain")
        if path == "/slow":
            time.sleep(3)
            return self._send(handler, 200, (FEEDS / "rss20.xml").read_bytes(), TYPES[".xml"])
        if path == "/big":
            return self._send(handler, 200, big_feed(3 * 1024 * 1024), TYPES[".xml"])
        if path == "/big-stream":
            return self._send(handler, 200, big_feed(3 * 1024 * 1024), TYPES[".xml"], length=False)
        if path == "/huge.xml":
            return self._send(handler, 200, huge_fields_feed(), TYPES[".xml"])
        if path in self.overrides:
            body, content_type = self.overrides[path]
        else:
            file = FEEDS / path.lstrip("/")
            if "/" in path.lstrip("/") or not file.is_file():
                return self._send(handler, 404, b"not found", "text/plain")
            body = file.read_bytes()
            content_type = TYPES.get(file.suffix, "application/octet-stream")
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if handler.headers.get("If-None-Match") == etag:
            return self._send(handler, 304, b"", None, etag=etag)
        return self._send(handler, 200, body, content_type, etag=etag)

    @staticmethod
    def _send(handler, status, body, content_type, *, etag=None, length=True):
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        if etag:
            handler.send_header("ETag", etag)
        if length:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        # The client may stop reading (the size limit): that is the point.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.wfile.write(body)


@pytest.fixture(scope="session")
def feed_server():
    server = FeedServer().start()
    yield server
    server.stop()


def refused_url() -> str:
    """An address where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


@pytest.fixture
def news(app, ctx, monkeypatch, feed_server):
    """``news(sources, **settings)`` sets ``[news]`` for this test. A source is ``(key, path or
    URL, topics)``; its name is the key in Chinese brackets."""
    feed_server.reset()

    def configure(sources=(), **settings):
        config = {
            "sources": [
                {
                    "key": key,
                    "name": f"源{key}",
                    "url": where if where.startswith("http") else feed_server.url(where),
                    "topics": list(topics),
                }
                for key, where, topics in sources
            ],
            "topics": dict(TOPICS),
            "fetch_minutes": 30,
            "digest_hour": 8,
            "digest_size": 5,
            "max_items_per_feed": 50,
            "max_feed_kb": 2048,
            "timeout_seconds": 2.0,
            "keep_days": 180,
        }
        config.update(settings)
        monkeypatch.setitem(app.config, "NEWS", config)
        return config

    configure()
    return configure


_seq = iter(range(1, 10**9))


def add_item(source="xinhua", *, title=None, topics=("politics",), published_at=NOW, **extra):
    """A stored item (for list and digest tests that need no fetching)."""
    n = next(_seq)
    item = NewsItem(
        source_key=source,
        guid_hash=hashlib.sha256(f"g{n}".encode()).hexdigest(),
        link_hash=hashlib.sha256(f"l{n}".encode()).hexdigest(),
        title=title or f"新闻{n}",
        summary=extra.pop("summary", f"摘要{n}"),
        url=extra.pop("url", f"http://news.example.cn/{n}.html"),
        topics=list(topics),
        published_at=published_at,
        fetched_at=NOW,
        **extra,
    )
    db.session.add(item)
    db.session.commit()
    return item

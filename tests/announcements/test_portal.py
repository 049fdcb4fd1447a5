"""党务公开: the public announcements on pages without login (list, detail, RSS), locked down
(no script, CSP, nosniff, a minute's cache); nothing else is there; what users wrote cannot
bring a script onto the pages or into the feed."""

from __future__ import annotations

import defusedxml.ElementTree as SafeET
import pytest

from server.announcements.models import Announcement
from server.extensions import db

BASE = "http://127.0.0.1:5000"  # [app] public_base_url's default
ATTACKS = (
    '<p onclick="steal()">正文<script>alert("s")</script></p>'
    '<img src="https://x.example/a.png" onerror="alert(1)">'
    '<a href="javascript:alert(2)">链接一</a>'
    '<a href="JaVaScRiPt&#x3A;alert(3)">链接二</a>'
    '<a href="  javascript:alert(4)">链接三</a>'
    '<p style="background:url(javascript:alert(5));width:expression(alert(6))">样式</p>'
    '<svg onload="alert(7)"><script>alert(8)</script></svg>'
    '<iframe src="https://evil.example" srcdoc="<script>alert(9)</script>"></iframe>'
    '<math><mi xlink:href="javascript:alert(10)">m</mi></math>'
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example">'
    '<form action="https://evil.example"><input name="q"><button>提交</button></form>'
    '<noscript><p title="</noscript><img src=x onerror=alert(11)>"></noscript>'
    '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=javascript:x">'
    '<style>body{background:red}</style><link rel="stylesheet" href="https://evil.example/c.css">'
    '<a href="https://example.org/ok" target="_blank">正常链接</a>'
)
FORBIDDEN = (
    "<script", "onerror", "onclick", "onload", "javascript:", "expression(", "<svg", "<iframe",
    "srcdoc", "<math", "<object", "<embed", "<form", "<input", "<base", "<meta http-equiv",
    "<style>", "style=", "evil.example", "alert(",
)  # fmt: skip


def _clean(text: str) -> None:
    lowered = text.lower()
    for bad in FORBIDDEN:
        assert bad not in lowered, bad


def _feed(client):
    response = client.get("/portal/rss.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    return response, SafeET.fromstring(response.data)


def test_script_injection_never_reaches_the_api_the_page_or_the_feed(world, client):
    made = world.made("sec_a", audience="public", title="<script>alert('t')</script>公示",
                      body=ATTACKS)  # fmt: skip
    _clean(made["body"])
    assert '<a href="https://example.org/ok"' in made["body"]
    assert "正文" in made["body"] and "链接一" in made["body"]
    page = client.get(f"/portal/notices/{made['id']}").get_data(as_text=True)
    body = page.split('<div class="body">', 1)[1].split("</div>", 1)[0]
    _clean(body)
    assert "正常链接" in body
    # The title is text: escaped on the page, not markup.
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    listing = client.get("/portal/").get_data(as_text=True)
    assert "<script>alert" not in listing
    response, feed = _feed(client)
    (item,) = feed.iter("item")
    assert item.findtext("title") == "<script>alert('t')</script>公示"  # escaped, then parsed
    _clean(item.findtext("description"))
    assert "正常链接" in item.findtext("description")
    # The raw feed holds the title escaped, never as markup.
    assert b"<script>" not in response.data


def test_a_row_written_around_the_api_is_cleaned_on_the_way_out(world, client):
    made = world.made("sec_a", audience="public")
    row = db.session.get(Announcement, made["id"])
    row.body_html = ATTACKS + "\x0b"  # as if imported or edited by hand
    db.session.commit()
    page = client.get(f"/portal/notices/{made['id']}").get_data(as_text=True)
    _clean(page.split('<div class="body">', 1)[1].split("</div>", 1)[0])
    _, feed = _feed(client)  # still well-formed (the control character is dropped)
    _clean(next(feed.iter("item")).findtext("description"))


def test_the_portal_lists_public_announcements_without_login(world, client):
    pinned = world.made("sec_a", audience="public", title="置顶公示", pinned=True)
    older = world.made("sec_b", org="b", audience="public", title="较早公示")
    newer = world.made("sec_a", audience="public", title="较新公示",
                       body="<p>" + "很长的正文" * 40 + "</p>")  # fmt: skip
    hidden = world.made("sec_a", title="仅党员可见")
    draft = world.made("sec_a", audience="public", publish=False, title="公开草稿")
    response = client.get("/portal/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("置顶公示") < html.index("较新公示") < html.index("较早公示")
    assert "仅党员可见" not in html and "公开草稿" not in html
    assert "研究生党支部" in html  # the publishing org
    assert "<script" not in html
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    detail = client.get(f"/portal/notices/{pinned['id']}")
    assert detail.status_code == 200 and "置顶公示" in detail.get_data(as_text=True)
    assert detail.headers["Content-Security-Policy"] == csp
    for missing in (hidden["id"], draft["id"], 99999):
        gone = client.get(f"/portal/notices/{missing}")
        assert gone.status_code == 404 and "公告不存在" in gone.get_data(as_text=True)
        assert gone.headers["Content-Security-Policy"] == csp
    world.post("sec_a", newer["id"], "withdraw")
    assert client.get(f"/portal/notices/{newer['id']}").status_code == 404
    assert "较新公示" not in client.get("/portal/").get_data(as_text=True)
    assert older["id"]
    css = client.get("/portal/static/portal.css")
    assert css.status_code == 200 and css.headers["X-Content-Type-Options"] == "nosniff"


def test_the_feed_is_rss_2_with_absolute_links(world, client):
    first = world.made("sec_a", audience="public", title="公示一 & <二>", pinned=True)
    second = world.made("sec_b", org="b", audience="public", title="公示二")
    world.made("sec_a", title="仅党员可见")
    response, feed = _feed(client)
    assert feed.tag == "rss" and feed.get("version") == "2.0"
    channel = feed.find("channel")
    assert channel.findtext("title") == "党务公开"
    assert channel.findtext("link") == f"{BASE}/portal/"
    items = channel.findall("item")
    # Newest first: a feed is by date, pinning does not apply.
    assert [i.findtext("title") for i in items] == ["公示二", "公示一 & <二>"]
    assert items[1].findtext("link") == f"{BASE}/portal/notices/{first['id']}"
    assert items[0].findtext("guid") == f"{BASE}/portal/notices/{second['id']}"
    assert items[0].findtext("category") == "研究生党支部"
    assert items[0].findtext("pubDate").endswith(" GMT")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_feed_uses_the_configured_public_address(app, world, client):
    world.made("sec_a", audience="public")
    settings = app.config["APP"]
    previous = settings["public_base_url"]
    settings["public_base_url"] = "https://dj.example.edu.cn/"
    try:
        _, feed = _feed(client)
    finally:
        settings["public_base_url"] = previous
    link = next(feed.iter("item")).findtext("link")
    assert link.startswith("https://dj.example.edu.cn/portal/notices/")


def test_an_empty_portal_and_feed(client):
    assert "暂无公开的公告" in client.get("/portal/").get_data(as_text=True)
    _, feed = _feed(client)
    assert feed.find("channel").findall("item") == []


@pytest.mark.parametrize("page", ["x", "0", "-1", "1.5", "１", "9999999", "", "1e3"])
def test_bad_page_values_are_a_400_page(client, page):
    response = client.get("/portal/", query_string={"page": page})
    assert response.status_code == 400
    assert "页码无效" in response.get_data(as_text=True)


def test_pages_beyond_the_last_are_404_and_paging_works(world, client):
    ids = [world.made("sec_a", audience="public", title=f"公示{n:02d}")["id"] for n in range(21)]
    first = client.get("/portal/").get_data(as_text=True)
    assert "公示20" in first and "公示00" not in first and "第 1 / 2 页" in first
    second = client.get("/portal/?page=2")
    assert second.status_code == 200 and "公示00" in second.get_data(as_text=True)
    beyond = client.get("/portal/?page=3")
    assert beyond.status_code == 404 and "该页不存在" in beyond.get_data(as_text=True)
    assert client.get("/portal/notices/abc").status_code == 404
    assert client.get("/portal/notices/99999999999").status_code == 404
    assert len(ids) == 21

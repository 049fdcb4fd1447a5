"""Reading one feed: well-formed RSS and Atom, HTML in the fields, duplicates, missing and odd
values, and every kind of malformed body (none may raise anything but FeedError, none may
yield garbage)."""

from __future__ import annotations

from datetime import datetime

import pytest

from server.news import feeds
from server.news.feeds import FeedError, as_utf8, normalise_link, parse, plain_text, web_url
from tests.news.conftest import FEEDS, NOW, big_feed, huge_fields_feed

BASE = "http://feeds.example.cn/feed.xml"


def read(name_or_body, **kwargs) -> feeds.Parsed:
    body = (FEEDS / name_or_body).read_bytes() if isinstance(name_or_body, str) else name_or_body
    options = {"source_key": "s", "base_url": BASE, "now": NOW, "max_items": 50, "keep_days": 180}
    return parse(body, **{**options, **kwargs})


def test_rss_entries_are_read_newest_first_in_utc():
    parsed = read("rss20.xml")
    assert [e.title for e in parsed.entries] == [
        "习近平总书记在参加江苏代表团审议时强调",
        "国务院常务会议部署近期重点工作",
        "全国两会新闻中心正式开放",
    ]
    newest = parsed.entries[0]
    assert newest.published_at == datetime(2026, 3, 2, 3, 0)  # 11:00 +08:00
    assert newest.url == "http://news.example.cn/politics/2026-03/02/c_3.htm"
    assert newest.summary == "坚持以高质量发展为首要任务。"
    assert parsed.skipped == 0 and parsed.warning is None
    assert len({e.guid_hash for e in parsed.entries}) == 3


def test_atom_entries_html_titles_become_text_and_relative_links_resolve():
    parsed = read("atom10.xml")
    first, second = parsed.entries
    assert first.title == "基层党组织建设质量提升三年行动计划"
    assert first.summary == "推动基层党组织全面进步、全面过硬。"
    assert first.published_at == datetime(2026, 3, 2, 2, 0)
    # A relative link resolves against the feed's address; the content stands in for a summary.
    assert second.url == "http://feeds.example.cn/n1/2026/0301/c2.html"
    assert second.summary == "正文：加强党员教育培训。"
    assert second.published_at == datetime(2026, 3, 1, 0, 0)


def test_html_and_scripts_in_cdata_descriptions_end_as_plain_text():
    parsed = read("cdata_script.xml")
    first, second = parsed.entries
    assert first.title == "深入学习贯彻党的创新理论"
    assert first.summary == "理论武装头脑，指导实践。"
    assert second.summary == "点击阅读全文 & 更多"
    # A script written as escaped text in a plain-text title is dropped all the same.
    assert second.title == "理论学习&实践 第二讲"
    for entry in parsed.entries:
        for text in (entry.title, entry.summary):
            assert "alert" not in text and "<" not in text and "color:red" not in text


def test_duplicates_missing_values_future_dates_and_bad_links():
    parsed = read("duplicates.xml")
    by_title = {e.title: e for e in parsed.entries}
    assert set(by_title) == {
        "教育部部署新学期工作",
        "没有 GUID 的条目",
        "没有日期的条目",
        "日期在未来的条目",
    }
    # The same GUID again, and the same link again (https, upper-case host, :443, utm_*, a
    # fragment), are the same article: the feed's first copy is kept.
    assert by_title["教育部部署新学期工作"].url == "http://edu.example.cn/a/100.html"
    assert by_title["没有日期的条目"].published_at == NOW
    assert by_title["日期在未来的条目"].published_at == NOW
    # javascript:, data:, no title, no link: skipped; half a year old: left out, not skipped.
    assert parsed.skipped == 4
    no_guid = by_title["没有 GUID 的条目"]
    assert no_guid.guid_hash == feeds._sha256(normalise_link(no_guid.url))


def test_duplicates_keep_the_first_seen_copy():
    parsed = read("duplicates.xml")
    titles = [e.title for e in parsed.entries]
    assert "教育部部署新学期工作（重复 GUID，换了链接）" not in titles
    assert "教育部部署新学期工作（重复链接，换了 GUID）" not in titles


def test_old_entries_are_left_out_and_the_newest_kept_up_to_the_limit():
    assert "半年前的条目" in [e.title for e in read("duplicates.xml", keep_days=400).entries]
    assert [e.title for e in read("rss20.xml", max_items=2).entries] == [
        "习近平总书记在参加江苏代表团审议时强调",
        "国务院常务会议部署近期重点工作",
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("page.html", "RSS/Atom"),
        ("empty.xml", "内容为空"),
        ("junk.bin", "无法识别的字符编码"),
    ],
)
def test_bodies_that_are_no_feed_fail_with_a_reason(name, reason):
    with pytest.raises(FeedError) as caught:
        read(name)
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    "body",
    [
        b"   \n\t ",
        b"<?xml version='1.0'?><rss><channel><item><title>x",  # cut before any link
        b"\x00" * 100,
        b"<html><body>502 Bad Gateway</body></html>",
        b'{"items": [{"title": "json"}]}',
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]><x>&b;</x>",
        "纯文本，不是源".encode("gb18030"),
    ],
)
def test_other_malformed_bodies_fail_without_raising_anything_else(body):
    with pytest.raises(FeedError):
        read(body)


def test_a_truncated_feed_keeps_its_complete_entries():
    parsed = read("truncated.xml")
    assert [e.title for e in parsed.entries] == ["完整的第一条"]
    assert parsed.warning is not None  # feedparser's bozo: read despite errors


def test_a_feed_without_entries_is_an_empty_success():
    assert read("no_entries.xml").entries == []


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("gbk_mislabelled.xml", "http://gbk.example.cn/a/1.html"),  # GBK bytes, "utf-8" declared
        ("gbk.xml", "http://gbk.example.cn/a/2.html"),  # GBK, declared
        ("utf8_declared_gbk.xml", "http://gbk.example.cn/a/3.html"),  # UTF-8, "GBK" declared
    ],
)
def test_wrongly_declared_chinese_encodings_are_read_as_chinese(name, url):
    (entry,) = read(name).entries
    assert entry.title == "高校思政课建设座谈会召开"
    assert entry.summary == "会议强调，办好思政课关键在教师。"
    assert entry.url == url


def test_the_http_charset_is_a_candidate_too():
    body = "<?xml version='1.0'?><rss version='2.0'><channel><item><title>標題</title>"
    body += "<link>http://a.example.cn/1</link></item></channel></rss>"
    # Big5 bytes are neither UTF-8 nor (always) GB18030 text: only the header's charset reads it.
    data = body.encode("big5")
    (entry,) = read(data, content_type="application/rss+xml; charset=big5").entries
    assert entry.title == "標題"


def test_huge_fields_are_cut_to_the_columns():
    parsed = read(huge_fields_feed())
    (entry,) = parsed.entries  # the entry whose link is too long is skipped
    assert parsed.skipped == 1
    assert len(entry.title) == 200 and entry.title.endswith("…")
    assert len(entry.summary) == 500 and "<" not in entry.summary
    assert len(entry.guid_hash) == 64


def test_a_body_naming_a_local_file_is_not_read_as_that_file(tmp_path):
    feed = tmp_path / "local.xml"
    feed.write_bytes((FEEDS / "rss20.xml").read_bytes())
    # feedparser.parse(bytes) would open this path; the body is a file name, not a feed.
    with pytest.raises(FeedError):
        read(str(feed).encode())


def test_a_big_body_is_still_only_what_it_holds():
    parsed = read(big_feed(300 * 1024))
    (entry,) = parsed.entries
    assert len(entry.summary) == 500


def test_plain_text_and_web_urls():
    assert plain_text("<p>甲<br>乙\n\t丙\u200b丁</p>", 50) == "甲乙 丙丁"
    assert plain_text("&lt;b&gt;粗&lt;/b&gt; &amp;", 50) == "<b>粗</b> &"
    assert plain_text("x" * 10, 5) == "xxxx…"
    assert web_url(" https://news.example.cn/a?b=1 ") == "https://news.example.cn/a?b=1"
    for bad in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "ftp://news.example.cn/a",
        "//news.example.cn/a",
        "/relative",
        "http://",
        "http://user:pw@news.example.cn/",
        "http://news.example.cn/a b",
        "http://news.example.cn:99999/",
        "http://news.example.cn/\x00",
        "http://news.example.cn/" + "a" * 1000,
    ):
        assert web_url(bad) is None, bad
    assert normalise_link("https://News.Example.CN:443/a?utm_medium=x&id=1#c") == normalise_link(
        "http://news.example.cn/a?id=1"
    )
    assert normalise_link("http://news.example.cn/a?id=1") != normalise_link(
        "http://news.example.cn/a?id=2"
    )


def test_as_utf8_rewrites_the_declaration():
    data = as_utf8('<?xml version="1.0" encoding="gbk"?><rss/>'.encode("gbk"))
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    with pytest.raises(FeedError):
        as_utf8(b"\xff\xfe\x00\xd8")  # a UTF-16 BOM, then an unpaired surrogate
    for odd in ("unicode_escape", "base64", "rot13"):  # codecs, not charsets: never used
        with pytest.raises(FeedError):
            as_utf8(f'<?xml version="1.0" encoding="{odd}"?><a>\xff\x80</a>'.encode("latin-1"))

"""Kinds from TOML, and values fitted to WeChat's limits before they are sent."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from server import create_app
from server.config import ConfigError
from server.notify import templates
from server.notify.templates import KINDS, TemplateError, fit, load_kinds, render

TZ = ZoneInfo("Asia/Shanghai")


def test_the_bundled_file_defines_every_kind_with_both_channels():
    kinds = load_kinds()
    assert set(kinds) == set(KINDS)
    for kind in kinds.values():
        assert kind.template is not None and kind.subscribe is not None
        assert kind.needs, kind.name


def test_thing_values_are_cut_to_twenty_characters():
    title = "关于深入学习贯彻党的二十届三中全会精神的专题组织生活会暨民主评议党员大会"
    value = fit("thing1", title, TZ)
    assert len(value) == 20
    assert value.endswith("…")
    assert value.startswith("关于深入学习贯彻党的二十届三中全会精")
    assert fit("thing2", "短标题", TZ) == "短标题"
    assert fit("thing3", "", TZ) == "—"  # WeChat rejects an empty thing
    assert fit("thing4", "两行\n内容", TZ) == "两行 内容"


@pytest.mark.parametrize(
    ("keyword", "value", "expected"),
    [
        ("phrase2", "已批准通过啦啦", "已批准通过"),
        ("name1", "欧阳娜娜娜娜娜娜娜娜娜娜", "欧阳娜娜娜娜娜娜娜…"),
        ("number2", "连续 12 天", "12"),
        ("character_string3", "x" * 40, "x" * 31 + "…"),
        ("amount1", "不受限制的类型" * 10, "不受限制的类型" * 10),
    ],
)
def test_other_keyword_types_have_their_own_limits(keyword, value, expected):
    assert fit(keyword, value, TZ) == expected


def test_times_and_dates_are_formatted_in_beijing_time():
    start = datetime(2026, 12, 1, 11, 0)  # naive = UTC → 19:00 in Beijing
    assert fit("time2", start, TZ) == "2026年12月1日 19:00"
    assert fit("date3", start, TZ) == "2026年12月1日"
    assert fit("date3", date(2027, 1, 5), TZ) == "2027年1月5日"
    late = datetime(2026, 12, 31, 17, 30)  # crosses midnight into the next year locally
    assert fit("time1", late, TZ) == "2027年1月1日 01:30"


def test_render_fills_inbox_text_page_and_both_channels():
    kind = load_kinds()["meeting_notice"]
    out = render(
        kind,
        {
            "title": "支部党员大会" * 5,
            "start_at": datetime(2026, 12, 1, 11, 0),
            "place": "A301",
            "meeting_id": 7,
        },
        TZ,
    )
    assert out.title.startswith("会议通知：支部党员大会")
    assert "12月1日 19:00" in out.body
    assert out.page == "pages/meetings/detail/index?id=7"
    assert len(out.payload["template"]["thing1"]["value"]) == 20
    assert out.payload["template"]["time2"]["value"] == "2026年12月1日 19:00"
    assert out.payload["subscribe"]["thing3"]["value"] == "A301"


def test_page_arguments_are_url_encoded():
    kind = load_kinds()["meeting_notice"]
    out = render(
        kind,
        {"title": "t", "start_at": datetime(2026, 1, 1), "place": "p", "meeting_id": "7&x=1"},
        TZ,
    )
    assert out.page == "pages/meetings/detail/index?id=7%26x%3D1"


def test_a_missing_value_is_a_programming_error():
    kind = load_kinds()["meeting_notice"]
    with pytest.raises(TemplateError, match="place"):
        render(kind, {"title": "t", "start_at": datetime(2026, 1, 1), "meeting_id": 1}, TZ)


def _write(tmp_path, text):
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_templates_file_stops_the_server_naming_the_problem(tmp_path):
    bundled = templates.BUNDLED.read_text(encoding="utf-8")
    broken = bundled.replace('thing1 = "title", time2', 'thing1 = "title", 2time', 1)
    with pytest.raises(ValueError, match="meeting_notice"):
        load_kinds(_write(tmp_path, broken))
    missing = bundled.split("[branch_notice]")[0]
    with pytest.raises(ValueError, match="branch_notice"):
        load_kinds(_write(tmp_path, missing))
    extra = bundled + '\n[party_time]\nlabel = "x"\ntitle = "x"\nbody = "x"\n'
    with pytest.raises(ValueError, match="party_time"):
        load_kinds(_write(tmp_path, extra))
    bad_placeholder = bundled.replace('title = "会议通知：{title}"', 'title = "{title.__class__}"')
    with pytest.raises(ValueError, match="占位符"):
        load_kinds(_write(tmp_path, bad_placeholder))
    with pytest.raises(ConfigError, match="通知模板"):
        create_app(
            {
                "app": {"mode": "test"},
                "database": {"url": "sqlite://"},
                "notifications": {"templates_file": str(tmp_path / "missing.toml")},
            }
        )


def test_an_empty_template_id_switches_that_channel_off(tmp_path):
    bundled = templates.BUNDLED.read_text(encoding="utf-8")
    text = bundled.replace('template = { id = "OA_STUDY_REMINDER"', 'template = { id = ""', 1)
    kinds = load_kinds(_write(tmp_path, text))
    assert kinds["study_reminder"].template is None
    assert kinds["study_reminder"].subscribe is not None

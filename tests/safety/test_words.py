"""The sensitive-word filter: found through the usual evasions (spaces, punctuation, invisible
characters, full-width forms, case, look-alike letters of other scripts), not found in
ordinary text, positions in the original text, and the word lists' checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.safety.words import WordFilter, fold, load, read_list

FILTER = WordFilter(["赌博", "毒品", "代开发票", "casino", "porn"], ["消毒品", "反赌博"])


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.word, m.snippet(text)) for m in FILTER.find(text)]


@pytest.mark.parametrize(
    "text, word, snippet",
    [
        ("周末去赌博", "赌博", "赌博"),
        ("周末去赌 博", "赌博", "赌 博"),
        ("周末去赌　博", "赌博", "赌　博"),  # an ideographic space
        ("赌*博", "赌博", "赌*博"),
        ("赌-_-博", "赌博", "赌-_-博"),
        ("赌\u200b博", "赌博", "赌\u200b博"),  # zero-width space
        ("赌\u200d博", "赌博", "赌\u200d博"),  # zero-width joiner
        ("赌\n博", "赌博", "赌\n博"),
        ("代·开·发·票，联系我", "代开发票", "代·开·发·票"),
        ("ｃａｓｉｎｏ tonight", "casino", "ｃａｓｉｎｏ"),  # full-width
        ("CaSiNo", "casino", "CaSiNo"),
        ("с\u0430sino", "casino", "с\u0430sino"),  # Cyrillic с and а
        ("c a s i n o!", "casino", "c a s i n o"),
        ("p.o.r.n", "porn", "p.o.r.n"),
    ],
)
def test_evasions_are_found_where_they_stand(text, word, snippet):
    assert _found(text) == [(word, snippet)]


@pytest.mark.parametrize(
    "text",
    [
        "本周支部组织学习党章，大家结合工作实际谈了体会，收获很大。",
        "今天学习了《中国共产党纪律处分条例》，要严守政治纪律和组织纪律。",
        "医院的消毒品质量合格，同志们放心。",  # 消毒品 holds 毒品: allowed
        "社区开展反赌博宣传活动。",  # allowed
        "Essex is a county; the casinos close early.",  # inside longer Latin words
        "Pornography and pornographic are longer words than the listed one",
        "",
        "   ",
        "12345 ,.;",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert _found(text) == []


def test_a_banned_word_beside_an_allowed_one_is_still_found():
    assert _found("消毒品和毒品不是一回事") == [("毒品", "毒品")]
    assert [w for w, _ in _found("赌博赌博")] == ["赌博", "赌博"]


SEPARATORS = st.text(
    alphabet=st.sampled_from([" ", "\u3000", "*", "·", "-", "\u200b", "\u200c", "\t", "、", "…"]),
    max_size=3,
)


@given(st.lists(SEPARATORS, min_size=3, max_size=3), st.text(max_size=5), st.text(max_size=5))
def test_any_separators_between_the_characters_are_seen_through(gaps, before, after):
    word = "代开发票"
    spaced = word[0] + "".join(g + c for g, c in zip(gaps, word[1:], strict=True))
    text = f"{before}{spaced}{after}"
    matches = [m for m in FILTER.find(text) if m.word == word]
    assert any(m.snippet(text) == spaced for m in matches), (text, matches)


def test_folding_keeps_where_each_character_came_from():
    folded, where = fold("Ａ b，Ｃ")
    assert folded == "abc" and where == [0, 2, 4]


def test_the_packaged_lists_load_and_bad_lists_name_the_line(tmp_path):
    packaged = load()
    assert packaged and packaged.find("网络 赌场")
    good = tmp_path / "words.txt"
    good.write_text("# 注释\n\n赌博  # 行尾注释\n", encoding="utf-8")
    assert read_list(good) == ["赌博"]
    for content, line in (("赌博\n***\n", 2), ("赌博\n" + "长" * 51 + "\n", 2)):
        bad = tmp_path / "bad.txt"
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(ValueError, match=f"第 {line} 行"):
            read_list(bad)
    with pytest.raises(ValueError, match="无法读取"):
        read_list(tmp_path / "missing.txt")


def test_a_bad_word_list_stops_the_server(tmp_path):
    from server import create_app
    from server.config import ConfigError

    bad = tmp_path / "words.txt"
    bad.write_text("!!!\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="第 1 行"):
        create_app({"safety": {"words_file": str(bad)}, "app": {"mode": "test"}})


def test_an_empty_list_finds_nothing():
    assert WordFilter([]).find("赌博") == [] and not WordFilter([])

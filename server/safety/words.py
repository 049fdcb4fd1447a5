"""The local sensitive-word filter: one Aho–Corasick automaton (pyahocorasick) over a word
list, matched against text folded so that the usual evasions fold away.

Folding, character by character, keeping where each kept character stood in the original:
- NFKC, so full-width letters and digits (ｆｕｌｌ，１２３), circled and compatibility forms
  become their plain selves;
- case folding;
- look-alike letters of other scripts (Cyrillic а, Greek ο …) become the Latin letter;
- everything that is not a letter or a digit is dropped: spaces, punctuation, symbols, and
  invisible characters such as the zero-width space, so "赌 博", "赌*博", "赌\u200b博" all fold to
  "赌博".

Dropping separators can join two words into a banned one ("消毒品质" holds "毒品"). The allow
list names such ordinary words: a banned match that lies inside an allowed word's match is not
reported. A banned word in Latin letters must stand as a word of its own in the original text
(not inside a longer run of letters: "sex" is not found in "Essex").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick

DEFAULT_WORDS = Path(__file__).parent / "words.txt"
DEFAULT_ALLOW = Path(__file__).parent / "allow.txt"
MAX_WORD = 50

# Letters of other scripts that look like Latin ones, as mixed-script spellings use them.
LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w",
        # Greek
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ς": "s",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Match:
    word: str  # the listed word, folded
    start: int  # where it begins and ends in the original text
    end: int

    def snippet(self, text: str) -> str:
        return text[self.start : self.end]


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded, and for each folded character the index in ``text`` it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).casefold().translate(LOOKALIKES):
            if unicodedata.category(c)[0] in "LN":
                out.append(c)
                where.append(i)
    return "".join(out), where


def _is_latin(word: str) -> bool:
    return word.isascii()


class WordFilter:
    """Finds the listed words in a text (see the module's notes)."""

    def __init__(self, words, allowed=()) -> None:
        self.automaton = ahocorasick.Automaton()
        count = 0
        for kind, source in (("ban", words), ("allow", allowed)):
            for word in source:
                folded, _ = fold(word)
                if folded:
                    # a word both banned and allowed is allowed
                    self.automaton.add_word(folded, (kind, folded))
                    count += kind == "ban"
        self.size = count
        if len(self.automaton):
            self.automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        if not self.size or not text:
            return []
        folded, where = fold(text)
        banned, allowed = [], []
        for end, (kind, word) in self.automaton.iter(folded):
            start = end - len(word) + 1
            (banned if kind == "ban" else allowed).append((start, end, word))
        found = []
        for start, end, word in banned:
            if any(a <= start and end <= b for a, b, _ in allowed):
                continue
            first, last = where[start], where[end] + 1
            if _is_latin(word) and not _stands_alone(text, first, last):
                continue
            found.append(Match(word, first, last))
        return found

    def __bool__(self) -> bool:
        return self.size > 0


def _stands_alone(text: str, start: int, end: int) -> bool:
    """No Latin letter or digit right before or after ``text[start:end]``."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (_latin_alnum(before) or _latin_alnum(after))


def _latin_alnum(ch: str) -> bool:
    if not ch:
        return False
    folded = unicodedata.normalize("NFKC", ch).casefold().translate(LOOKALIKES)
    return folded.isascii() and folded.isalnum()


def read_list(path: str | Path) -> list[str]:
    """A word list: one word a line, ``#`` comments and blank lines skipped. ValueError names
    the line of a word that is too long or folds to nothing."""
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"词表 {file} 无法读取：{exc}") from exc
    words = []
    for number, line in enumerate(lines, start=1):
        word = line.split("#", 1)[0].strip()
        if not word:
            continue
        if len(word) > MAX_WORD or not fold(word)[0]:
            raise ValueError(f"词表 {file} 第 {number} 行：词语过长或没有文字")
        words.append(word)
    return words


@cache
def load(words_file: str = "", allow_file: str = "") -> WordFilter:
    """The filter of the configured lists (the packaged ones when empty)."""
    return WordFilter(
        read_list(words_file or DEFAULT_WORDS), read_list(allow_file or DEFAULT_ALLOW)
    )

"""``api.markdown.text``: what someone typed, as one line that a Markdown reader shows as
exactly that text."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from api.markdown import LINE_BREAK_SHOWN_AS, text

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def as_read(line: str) -> str:
    """The text a reader sees in a list item holding ``line``."""
    tokens = MARKDOWN.parse(f"- {line}\n")
    assert [t.type for t in tokens] == ["bullet_list_open", "list_item_open",
                                        "paragraph_open", "inline", "paragraph_close",
                                        "list_item_close", "bullet_list_close"], tokens
    children = tokens[3].children or []
    assert {c.type for c in children} <= {"text"}, [c.type for c in children]
    return "".join(c.content for c in children)


@pytest.mark.parametrize("typed", [
    "1. 見積", "2) 見積", "- 鈴木さん", "+ 鈴木さん", "= 合計", "# 見出し", "> 引用",
    "`code`", "**太字**", "*斜体*", "_斜体_", "~~消線~~", "[リンク](https://x.example)",
    "![画像](https://x.example/a.png)", "<https://x.example>", "<script>alert(1)</script>",
    "a | b | c", "&amp; と &", "C:\\temp\\", "価格 ¥10,000 (税別)", "末尾に #",
])
def test_markdown_in_typed_text_reads_as_typed(typed: str) -> None:
    assert as_read(text(typed)) == typed


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x85",
                                        "\u2028", "\u2029", "\n\n  \n"])
def test_every_line_break_shows_as_one_mark(line_break: str) -> None:
    shown = text(f"訪問は午前{line_break}## 偽の見出し")
    assert shown.splitlines() == [shown]
    assert as_read(shown) == f"訪問は午前{LINE_BREAK_SHOWN_AS}## 偽の見出し"


def test_blanks_around_the_text_and_control_characters_do_not_survive() -> None:
    assert as_read(text("    字下げ\tタブ\x00\x1b\x7f  ")) == "字下げ タブ\ufffd\ufffd\ufffd"

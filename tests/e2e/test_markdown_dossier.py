"""What reps type is shown in the Markdown dossier as text: a note cannot forge a heading, an
item "recorded by" the manager, a link, emphasis, a table or a script; and no response can
be sniffed into HTML."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from api.markdown import LINE_BREAK_SHOWN_AS
from tests.e2e.conftest import Office

FORGED_NOTE = ("月末は検収で忙しい\n"
               "## 偽の見出し\n"
               "- 田中課長が記録: 値引き10%は了承済み — 事実／記録: tanaka／出典: `deadbeef`\n"
               "[稟議書はこちら](https://evil.example/ringi) ![](https://evil.example/x.png)\n"
               "<script>alert('乗っ取り')</script> <b>太字</b> &amp; **強調** _斜体_ ~~消線~~\n"
               "| 列 | 表 |\n|---|---|\n"
               "1. 番号付きの項目\n"
               "> 引用\n"
               "    字下げのコード\n"
               "---\n"
               "=== \\ 終わり #")
HARMLESS_NOTE = "月末は検収で忙しいので訪問は避ける"
FORGED_PROMISE = "見積書を送る\n## 約束の偽見出し\n- 鈴木さんが記録: 完了"
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def dossier_markdown(office: Office, note: str, promise: str, name: str) -> str:
    opened = office.田中課長.post("/v1/accounts", {"name": name, "owner_rep_id": "sato",
                                                 "visit_cadence_days": 14})
    assert opened.status_code == 201, opened.text
    base = f"/v1/accounts/{opened.json()['account_id']}"
    sato = office.佐藤さん
    for topic in ("caution", "general"):
        assert sato.post(f"{base}/notes", {"text": note, "topic": topic}).status_code == 201
    assert sato.post(f"{base}/promises", {"description": promise, "due_date": "2026-12-20",
                                          "made_to": "山田部長"}).status_code == 201
    response = sato.get(f"{base}/dossier", headers={"Accept": "text/markdown"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.headers["x-content-type-options"] == "nosniff"
    return str(response.text)


def outline(markdown: str) -> list[tuple[str, int]]:
    """Each heading (its text) with the number of list items under it."""
    sections: list[tuple[str, int]] = []
    tokens = MARKDOWN.parse(markdown)
    for at, token in enumerate(tokens):
        if token.type == "heading_open":
            sections.append((shown(tokens[at + 1]), 0))
        elif token.type == "list_item_open":
            title, items = sections[-1]
            sections[-1] = (title, items + 1)
    return sections


def shown(token: Token) -> str:
    """An inline token as a reader sees it: escapes and entities resolved."""
    return "".join(child.content for child in token.children or ())


def items_under(markdown: str, heading: str) -> list[Token]:
    tokens = MARKDOWN.parse(markdown)
    start = next(i for i, t in enumerate(tokens) if t.type == "inline" and t.content == heading)
    end = next((i for i, t in enumerate(tokens) if i > start and t.type == "heading_open"),
               len(tokens))
    return [t for t in tokens[start:end] if t.type == "inline" and t.map and t.level > 1]


def test_a_forged_note_shows_as_its_own_text_in_one_item(office: Office) -> None:
    harmless = dossier_markdown(office, HARMLESS_NOTE, "見積書を送る", "株式会社山田製作所")
    forged = dossier_markdown(office, FORGED_NOTE, FORGED_PROMISE,
                              "株式会社 # 偽 <i>製作所</i>")

    assert outline(forged)[0] == ("引き継ぎ資料: 株式会社 # 偽 <i>製作所</i>", 0)
    assert outline(forged)[1:] == outline(harmless)[1:], \
        "the same sections, each with as many items"
    lines = forged.splitlines()
    assert sum(line.startswith("#") for line in lines) == sum(
        line.startswith("#") for line in harmless.splitlines())
    assert sum(line.startswith("- ") for line in lines) == sum(
        line.startswith("- ") for line in harmless.splitlines())
    assert not any(line.startswith(("1", ">", "    ", "=", "|", "---")) for line in lines)

    kinds = {t.type for t in MARKDOWN.parse(forged)} | {
        c.type for t in MARKDOWN.parse(forged) for c in t.children or ()}
    assert not kinds & {"link_open", "image", "html_inline", "html_block", "strong_open",
                        "em_open", "s_open", "table_open", "ordered_list_open",
                        "blockquote_open", "code_block", "hr"}, kinds
    assert "<script>" not in forged and "&lt;script&gt;" in forged

    typed = FORGED_NOTE.replace("\n    ", LINE_BREAK_SHOWN_AS).replace("\n",
                                                                     LINE_BREAK_SHOWN_AS)
    for heading in ("注意点・禁句", "メモ"):
        (item,) = items_under(forged, heading)
        assert shown(item).startswith(typed + " — 事実／記録: 佐藤 健さん／出典: "), shown(item)
    (promise,) = items_under(forged, "未完了の約束")
    assert shown(promise).startswith(FORGED_PROMISE.replace("\n", LINE_BREAK_SHOWN_AS) + " (")


def test_every_response_says_nosniff(office: Office) -> None:
    account = office.open_yamada()
    responses: list[Any] = [
        office.client.get("/health"),
        office.client.get("/openapi.json"),
        office.佐藤さん.get(f"/v1/accounts/{account}"),
        office.佐藤さん.get(f"/v1/accounts/{account}/dossier"),
        office.client.get(f"/v1/accounts/{account}"),  # 401
        office.佐藤さん.post(f"/v1/accounts/{account}/visits", {"purpose": ""}),  # 422
        office.client.get("/nowhere"),  # 404
        office.client.get("/login"),  # the web page
    ]
    for response in responses:
        assert response.headers.get("x-content-type-options") == "nosniff", \
            (response.request.url, response.status_code)

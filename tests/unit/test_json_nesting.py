"""The JSON nesting guard counts brackets in one pass, outside strings only."""

from __future__ import annotations

import json

import pytest

from api.bodies import MAX_JSON_DEPTH, json_nesting_exceeds


def nested(depth: int, opening: str = "[", closing: str = "]") -> bytes:
    return (opening * depth + closing * depth).encode()


@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ('{"a":', "}")])
def test_the_limit_itself_passes_and_one_more_is_refused(opening: str, closing: str) -> None:
    assert not json_nesting_exceeds(nested(MAX_JSON_DEPTH, opening, closing))
    assert json_nesting_exceeds(nested(MAX_JSON_DEPTH + 1, opening, closing))
    assert json_nesting_exceeds(nested(1000, opening, closing))


def test_brackets_inside_strings_do_not_count() -> None:
    body = json.dumps({"text": "[" * 1000 + "{" * 1000, "kind": "fact"}).encode()
    assert not json_nesting_exceeds(body)


def test_an_escaped_quote_does_not_end_a_string() -> None:
    body = json.dumps({"text": '佐藤さん曰く "[[[[' + "[" * 100 + '"'}).encode()
    assert b'\\"' in body
    assert not json_nesting_exceeds(body)


def test_an_escaped_backslash_before_the_closing_quote_does_end_it() -> None:
    body = json.dumps({"path": "C:\\", "note": "[" * 100}).encode()
    assert b'\\\\", ' in body
    assert not json_nesting_exceeds(body), "the next string's brackets are still inside it"


def test_closed_siblings_do_not_add_up() -> None:
    assert not json_nesting_exceeds(b"[" + b"[[]]," * 10_000 + b"[]]")


def test_an_empty_or_flat_body_is_fine() -> None:
    assert not json_nesting_exceeds(b"")
    assert not json_nesting_exceeds(
        '{"description": "年末の在庫確保", "due_date": "2026-12-20"}'.encode())

"""What a person is told when a request is refused: one catalogue, in Japanese and English.

The JSON API answers in Japanese when the client asks for it (``Accept-Language: ja``); the
web pages always do. The domain's refusals take their Japanese from the one domain→HTTP table
(``api.errors.DOMAIN_PROBLEMS``), a few fields a more precise hint (``FIELD_HINTS``); request
validation takes it from the error's type (``invalid_ja``). No message ever quotes a pattern:
a regular expression tells a person nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from domain import errors as domain

STATUS_JA = {
    400: "リクエストを読み取れませんでした。",
    401: "トークンがないか、無効です。Authorization: Bearer <トークン> を送ってください。",
    403: "この操作を行う権限がありません。",
    404: "見つかりません。",
    405: "このURLではその操作はできません。",
    406: "その形式では返せません。",
    408: "送信に時間がかかりすぎました。もう一度送ってください。",
    409: "今の状態ではその操作はできません。",
    412: "ほかの人が先に更新しました。内容を確かめてもう一度送信してください。",
    413: "送信内容が大きすぎます。",
    415: "JSON（Content-Type: application/json）で送ってください。",
    422: "入力内容を確認してください。",
    500: "予期しないエラーが起きました。サーバーのログにこのリクエストIDで記録されています。",
    503: "混み合っているか、保存先が応答しません。少し待ってからもう一度お試しください。",
}

FIELD_HINTS: dict[tuple[type[domain.DomainError], str], str] = {
    (domain.InvalidValue, "concession"): "了承・一部了承のときは、譲歩した内容を入力してください。",
    (domain.InvalidValue, "to_rep_id"): "後任者は今の担当者とは別の人にしてください。",
    (domain.OutOfOrder, "resolved_at"): "受付より前の日時は記録できません。",
}


def wants_japanese(request: Request) -> bool:
    """The client's most preferred language is Japanese (``Accept-Language: ja, en;q=0.5``)."""
    preferred: list[tuple[float, str]] = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            preferred.append((quality, tag.lower()))
    return bool(preferred) and max(preferred, key=lambda p: p[0])[1].startswith("ja")


def invalid_ja(error: Mapping[str, Any], *, codes: bool = True) -> str:
    """A request validation error (pydantic's) in Japanese; ``codes=False`` for a form,
    whose choices a person picks by their words, never by the codes the API takes."""
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "入力してください。"
    if kind == "string_pattern_mismatch":
        return "形式が正しくありません。"
    if kind == "string_too_long":
        return f"{context.get('max_length')}文字以内で入力してください。"
    if kind == "string_too_short":
        return "入力してください。"
    if kind == "too_long":
        return f"{context.get('max_length')}件までにしてください。"
    if kind.startswith("datetime") or kind == "timezone_aware":
        return "日時を正しく入力してください（例: 2026-11-20T14:30:00+09:00）。"
    if kind.startswith("date"):
        return "日付を正しく入力してください（例: 2026-11-27）。"
    if kind.startswith("int"):
        return "整数で入力してください。"
    if kind.startswith("bool"):
        return "true か false で指定してください。"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return "範囲外の値です。"
    if kind in ("literal_error", "enum"):
        if not codes or "expected" not in context:
            return "選択肢から選んでください。"
        return f"次のいずれかを指定してください: {context['expected']}。"
    if kind == "extra_forbidden":
        return "この項目は受け付けていません。"
    if kind == "json_invalid":
        return "JSONとして読み取れません。"
    if kind.startswith(("string", "model", "dict", "list")):
        return "値の種類が正しくありません。"
    return "入力内容を確認してください。"


def invalid_en(error: Mapping[str, Any]) -> str:
    """A request validation error in English, as pydantic says it, but never a pattern."""
    if error["type"] == "string_pattern_mismatch":
        return "does not have the expected form (see the schema's description and examples)"
    return str(error.get("msg", "invalid"))


def refused_ja(error: type[domain.DomainError], field: str, general: str) -> str:
    """A domain refusal of one field, in Japanese: the precise hint where there is one."""
    return FIELD_HINTS.get((error, field), general)

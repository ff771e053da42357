"""Charts as inline SVG drawn on the server: no script, no library, readable when printed.

Each chart has a title and a description for screen readers; pages put the same numbers
in a table beside it for those who would rather read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 18, 34


@dataclass(frozen=True)
class MonthValue:
    month: str  # 2026-11
    value: int | None
    rep_id: str | None = None
    tenure: int | None = None  # which tenure of the account (0 the first) the value is of

    @property
    def line(self) -> tuple[int | None, str | None]:
        """Points of one tenure make one line; another tenure starts another."""
        return self.tenure, self.rep_id

    @property
    def label(self) -> str:
        year, month = self.month.split("-")
        return f"{int(month)}月" if month != "01" else f"{year[2:]}年1月"

    @property
    def long_label(self) -> str:
        year, month = self.month.split("-")
        return f"{year}年{int(month)}月"


def _svg(chart_id: str, title: str, description: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" id="{chart_id}" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _x(index: int, count: int) -> float:
    step = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return LEFT + step * index + step / 2


def _axis(count: int, months: Sequence[MonthValue]) -> list[str]:
    base = HEIGHT - BOTTOM
    parts = [f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}"/>']
    for index, point in enumerate(months):
        parts.append(f'<text x="{_x(index, count):.1f}" y="{base + 16}" '
                     f'text-anchor="middle">{escape(point.label)}</text>')
    return parts


def visits_per_month(months: Sequence[MonthValue]) -> Markup:
    count = len(months)
    peak = max([m.value or 0 for m in months] + [1])
    plot = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(count, 1)
    body = _axis(count, months)
    for index, point in enumerate(months):
        value = point.value or 0
        height = plot * value / peak
        x = _x(index, count) - step * 0.35
        y = HEIGHT - BOTTOM - height
        body.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
                    f'height="{height:.1f}"><title>{escape(point.long_label)}: {value}回'
                    f'</title></rect>')
        body.append(f'<text class="value" x="{_x(index, count):.1f}" y="{y - 4:.1f}" '
                    f'text-anchor="middle">{value}</text>')
    total = sum(m.value or 0 for m in months)
    first, last = (months[0].long_label, months[-1].long_label) if months else ("", "")
    return _svg("visits-chart", "月ごとの訪問回数",
                f"{first}から{last}までの訪問回数。合計{total}回、最も多い月は{peak}回。", body)


def health_over_time(months: Sequence[MonthValue]) -> Markup:
    count = len(months)
    plot = HEIGHT - TOP - BOTTOM

    def y(score: int) -> float:
        return TOP + plot * (100 - score) / 100

    body = []
    for level in (0, 50, 100):
        body.append(f'<line class="grid-line" x1="{LEFT}" y1="{y(level):.1f}" '
                    f'x2="{WIDTH - RIGHT}" y2="{y(level):.1f}"/>')
        body.append(f'<text x="{LEFT - 6}" y="{y(level) + 4:.1f}" '
                    f'text-anchor="end">{level}</text>')
    body += _axis(count, months)
    segment: list[str] = []
    previous: tuple[int | None, str | None] | None = None
    for index, point in enumerate(months):
        x = _x(index, count)
        if point.rep_id and previous and point.line != previous:
            body.append(f'<line class="handover-line" x1="{x - 12:.1f}" y1="{TOP}" '
                        f'x2="{x - 12:.1f}" y2="{HEIGHT - BOTTOM}"/>')
            body.append(f'<text x="{x - 10:.1f}" y="{TOP + 10}">引き継ぎ</text>')
            segment = _flush(body, segment)
        previous = point.line if point.rep_id else previous
        if point.value is None:
            segment = _flush(body, segment)
            continue
        segment.append(f"{x:.1f},{y(point.value):.1f}")
        body.append(f'<circle class="dot" cx="{x:.1f}" cy="{y(point.value):.1f}" r="3.5">'
                    f'<title>{escape(point.long_label)}: {point.value}点</title></circle>')
    _flush(body, segment)
    scored = [m for m in months if m.value is not None]
    said = (f"最新は{scored[-1].long_label}の{scored[-1].value}点。" if scored
            else "まだ点数のつく月はありません。")
    return _svg("health-chart", "健全度の推移（月末時点、担当期間ごと）",
                f"0〜100点。{said}引き継ぎのところで線を分けています。", body)


def _flush(body: list[str], segment: list[str]) -> list[str]:
    if len(segment) > 1:
        body.insert(0, f'<polyline class="line" points="{" ".join(segment)}"/>')
    return []

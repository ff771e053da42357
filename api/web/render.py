"""Templates: one Jinja2 environment, Japanese filters, and the headers every page gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.reads.people import People
from api.reads.warnings import warning_words
from api.web import labels
from api.web.session import CSRF_FIELD, csrf_token, session_token
from domain.values import Actor

TEMPLATES = Path(__file__).with_name("templates")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                               "base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(jst=labels.jst, day=labels.day, yen=labels.yen,
                           headline=labels.headline, shown=labels.shown_value)
environment.globals.update(
    KIND_JA=labels.KIND_JA, KIND_GROUPS=labels.KIND_GROUPS, SEVERITY_JA=labels.SEVERITY_JA,
    COMPLAINT_STATUS_JA=labels.COMPLAINT_STATUS_JA, OUTCOME_JA=labels.OUTCOME_JA,
    REQUEST_KIND_JA=labels.REQUEST_KIND_JA, ANSWER_JA=labels.ANSWER_JA,
    STANCE_JA=labels.STANCE_JA, CHANNEL_JA=labels.CHANNEL_JA, REACTION_JA=labels.REACTION_JA,
    TOPIC_JA=labels.TOPIC_JA, BASIS_JA=labels.BASIS_JA, ROLE_JA=labels.ROLE_JA,
    HEALTH_STATUS_JA=labels.HEALTH_STATUS_JA, COMPONENT_JA=labels.COMPONENT_JA,
    WARNING_SEVERITY_JA=labels.WARNING_SEVERITY_JA, FIELD_JA=labels.FIELD_JA,
    HANDOVER_STEP_JA=labels.HANDOVER_STEP_JA, WEEKDAYS=labels.WEEKDAYS,
    PROPOSAL_KIND_JA=labels.PROPOSAL_KIND_JA, COMPUTED_JA=labels.COMPUTED_JA,
    NOT_COMPARED_JA=labels.NOT_COMPARED_JA, kind_ja=labels.kind_ja,
    shows_score=labels.shows_score, score_words=labels.score_words,
    score_beside_predecessor=labels.score_beside_predecessor,
    tenure_score=labels.tenure_score, SCORING_EXPLAINED=labels.scoring_explained(),
    comparison_words=labels.comparison_words, component_words=labels.component_words,
    baseline_rows=labels.baseline_rows, known_items=labels.known_items,
    warning_words=warning_words,
    CSRF_FIELD=CSRF_FIELD,
)


def render(request: Request, template: str, context: dict[str, Any]) -> Markup:
    actor: Actor | None = getattr(request.state, "actor", None)
    token = session_token(request)
    return Markup(environment.get_template(template).render({
        "request": request, "actor": actor, "person": People(request.app.state.tsunagi),
        "csrf": csrf_token(token) if token and actor else "", **context,
    }))


def render_page(request: Request, template: str, context: dict[str, Any], *,
                status: int = 200) -> HTMLResponse:
    return HTMLResponse(render(request, template, context), status_code=status,
                        headers=SECURITY_HEADERS)

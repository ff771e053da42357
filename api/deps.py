"""What routes receive: the application, the views, the settings and the signed-in actor.

Authentication and role checks are dependencies that run before the body is read (see
``api.auth``, ``api.access``, ``api.bodies``), so a refused request gets 401/403 whatever its
body is, and a refused request appends nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.auth import current_actor
from api.settings import Settings
from domain.application import Tsunagi
from domain.values import Actor
from projections.runner import Views


async def get_app(request: Request) -> Tsunagi:
    return request.app.state.tsunagi  # type: ignore[no-any-return]


async def get_views(request: Request) -> Views:
    return request.app.state.views  # type: ignore[no-any-return]


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


AppDep = Annotated[Tsunagi, Depends(get_app)]
ViewsDep = Annotated[Views, Depends(get_views)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


ActorDep = Annotated[Actor, Depends(current_actor)]

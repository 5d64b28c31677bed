"""Local mode's opt-in "calendar feed reachable on my home network" setting (a form)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from runback.errors import NotFoundError
from runback.services.home_network import feed_on_home_network, set_feed_on_home_network
from runback.services.store import Store
from runback.web.deps import CsrfDep, StoreDep, UserDep

__all__ = ["HomeNetwork", "home_network_view", "router"]

router = APIRouter(tags=["settings"])


class HomeNetwork(BaseModel):
    """What the settings page says about the home-network feed."""

    chosen: bool  # the stored setting
    active: bool  # on since runback started (the setting is read at start)
    address: str | None  # the LAN address the feed is offered on, when active


def home_network_view(request: Request, store: Store, user_id: int) -> HomeNetwork:
    """Return the setting, and whether (and where) it is in effect now."""
    address: str | None = getattr(request.app.state, "lan_address", None)
    return HomeNetwork(
        chosen=feed_on_home_network(store, user_id=user_id),
        active=address is not None,
        address=address,
    )


@router.post("/settings/home-network", response_class=Response)
async def home_network_form(
    request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> Response:
    """Turn the home-network feed on or off (checkbox `on`); it applies at the next start."""
    if request.app.state.settings.mode != "local":
        raise NotFoundError("this setting is only for runback running on your own computer")
    on = (await request.form()).get("on") == "on"
    await run_in_threadpool(set_feed_on_home_network, store, on, user_id=user_id)
    return RedirectResponse("/settings?saved=1#home-network", 303)

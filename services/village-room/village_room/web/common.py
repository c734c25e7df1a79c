"""What the village's pages share: the environment, the staff menu, status names."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from govnet_kit import lifecycle, pages

PAGES = pages.Pages(
    "village_room.web",
    site_zh="村便民服务室",
    site_en="Village service room",
    sign_in_path="/duty/sign-in",
    sign_out_path="/duty/sign-out",
    nav=[("/duty", "今日值班", "Today"), ("/lookup", "办件查询", "Case look-up")],
)
CaseNumber = Annotated[str, Path(max_length=40, pattern=r"^[0-9A-Za-z-]+$")]
OUTCOMES_EN = {
    "open": "open",
    "consulted": "consulted",
    "redirected": "told where to apply",
    "incomplete": "one-time notice",
    "accepted": "accepted",
    "applied_as_agent": "applied as agent",
    "mediated": "mediated",
}


def status_label(status: int, lang: str) -> str:
    if lang == "zh":
        return lifecycle.NAMES_ZH.get(status, lifecycle.name(status))
    return lifecycle.name(status).replace("_", " ")

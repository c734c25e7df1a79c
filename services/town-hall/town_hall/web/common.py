"""What the township's pages share: the environment, the staff menu, status and clock labels."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from govnet_kit import lifecycle, pages

PAGES = pages.Pages(
    "town_hall.web",
    site_zh="乡镇便民服务大厅",
    site_en="Township service hall",
    sign_in_path="/window/sign-in",
    sign_out_path="/window/sign-out",
    nav=[
        ("/window", "窗口收件", "Window inbox"),
        ("/window/apply", "窗口受理", "Walk-in"),
        ("/window/reports", "投诉举报", "Reports"),
        ("/window/notices", "公告管理", "Notices"),
        ("/window/seasonal", "季节性事项", "Seasonal items"),
        ("/window/appointments", "预约登记", "Appointments"),
    ],
)
CaseNumber = Annotated[str, Path(max_length=40, pattern=r"^[0-9A-Za-z-]+$")]
PlaceCode = Annotated[str, Path(pattern=r"^\d{12}$")]
HANDLING = {
    "assisted": ("受理转报（市级决定）", "assisted: forwarded, the city decides"),
    "commitment": ("承诺件", "commitment"),
    "direct": ("即办件", "direct: decided on the spot"),
}


def status_label(status: int, lang: str) -> str:
    if lang == "zh":
        return lifecycle.NAMES_ZH.get(status, lifecycle.name(status))
    return lifecycle.name(status).replace("_", " ")

"""The village's own fee shapes: the provider's callback answer. The fee, the window's forms
and the receipt are the kit's, the same at every tier (govnet_kit.fee_http)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class CallbackOut(BaseModel):
    result: Literal["paid", "declined", "pending", "repeat", "overpaid"]

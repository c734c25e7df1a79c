from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from govnet_kit.personal import MobileNumber


class CodeRequestIn(BaseModel):
    phone: MobileNumber = Field(description="mainland mobile number")
    language: Literal["zh", "en"] = "zh"


class CodeRequestOut(BaseModel):
    expires_at: datetime


class ApplicantSessionIn(BaseModel):
    phone: MobileNumber
    code: str = Field(pattern=r"^\d{6}$", description="the 6-digit code sent by SMS")


class ApplicantSessionOut(BaseModel):
    access_token: str
    expires_at: datetime

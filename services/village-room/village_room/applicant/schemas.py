from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class CodeRequestIn(BaseModel):
    phone: str = Field(min_length=11, max_length=20, description="mainland mobile number")
    language: Literal["zh", "en"] = "zh"


class CodeRequestOut(BaseModel):
    expires_at: datetime


class ApplicantSessionIn(BaseModel):
    phone: str = Field(min_length=11, max_length=20)
    code: str = Field(pattern=r"^\d{6}$", description="the 6-digit code sent by SMS")


class ApplicantSessionOut(BaseModel):
    access_token: str
    expires_at: datetime

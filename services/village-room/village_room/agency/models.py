"""Agency for certificates (代办证照): the room applies for a villager and hands the result over."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

# The kinds the plan names for village agency (T3), with their Chinese names.
AGENCY_KINDS_ZH = {
    "rural_housing_land": "农村宅基地审批",
    "reservoir_migrant_relocation": "水库移民搬迁",
    "disaster_relocation": "灾民搬迁",
    "land_transfer": "土地流转",
    "family_planning": "计划生育",
    "tree_felling_permit": "林木采伐许可",
    "cable_tv_phone": "有线电视、电话",
}


class AgencyRecord(Base):
    __tablename__ = "agency_record"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    applicant_id: Mapped[str] = mapped_column(String(36))
    staff_id: Mapped[str] = mapped_column(String(36))
    visit_id: Mapped[str | None] = mapped_column(String(36))
    # The case, when the kind is an item of the catalog applied for through /applications.
    case_number: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    handed_over_at: Mapped[datetime | None]
    handed_over_by: Mapped[str | None] = mapped_column(String(36))

"""The catalog's fixed vocabulary: tiers, handling, material forms, seasonal modes, categories.

Files and JSON use the lowercase names; the contract uses the enums.
"""

from __future__ import annotations

from dataclasses import dataclass

from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2

TIERS = {
    "city": case_pb2.TIER_CITY,
    "town": case_pb2.TIER_TOWN,
    "village": case_pb2.TIER_VILLAGE,
}
TIER_NAMES = {v: k for k, v in TIERS.items()}
# Lower number, higher tier: an item is accepted at its deciding tier and below it.
TIER_RANK = {"city": 0, "town": 1, "village": 2}
TIER_LABELS = {
    "city": ("市行政服务中心", "city administrative service center"),
    "town": ("乡镇便民服务大厅", "township convenience service hall"),
    "village": ("村便民服务室", "village convenience service room"),
}

HANDLINGS = {
    "direct": catalog_pb2.HANDLING_DIRECT,
    "commitment": catalog_pb2.HANDLING_COMMITMENT,
    "joint": catalog_pb2.HANDLING_JOINT,
    "assisted": catalog_pb2.HANDLING_ASSISTED,
    "agency": catalog_pb2.HANDLING_AGENCY,
}
HANDLING_NAMES = {v: k for k, v in HANDLINGS.items()}
HANDLING_LABELS = {
    "direct": ("即办件（直接办理）", "direct item (decided on the spot)"),
    "commitment": ("承诺件（承诺办理）", "commitment item (decided within the time limit)"),
    "joint": ("联办件（联合办理）", "joint item (decided in a joint meeting)"),
    "assisted": ("上报件（帮助办理）", "assisted (accepted and forwarded)"),
    "agency": ("代办件（代理申办）", "agency (applied for by the village as agent)"),
}
# C3: a tier that decides handles the item directly, by commitment or jointly; a township
# below the deciding tier assists, a village applies as agent.
DECIDING_HANDLINGS = frozenset({"direct", "commitment", "joint"})
LOWER_HANDLING = {"town": "assisted", "village": "agency"}

FORMS = {"original": catalog_pb2.MATERIAL_FORM_ORIGINAL, "copy": catalog_pb2.MATERIAL_FORM_COPY}
FORM_NAMES = {v: k for k, v in FORMS.items()}
FORM_LABELS = {"original": ("原件", "original"), "copy": ("复印件", "copy")}

SEASONAL_MODES = {
    "none": catalog_pb2.SEASONAL_MODE_UNSPECIFIED,
    "retained_window": catalog_pb2.SEASONAL_MODE_RETAINED_WINDOW,
    "fixed_reception_days": catalog_pb2.SEASONAL_MODE_FIXED_RECEPTION_DAYS,
    "appointment": catalog_pb2.SEASONAL_MODE_APPOINTMENT,
}
SEASONAL_MODE_NAMES = {v: k for k, v in SEASONAL_MODES.items()}
SEASONAL_LABELS = {
    "retained_window": ("保留窗口", "a retained window"),
    "fixed_reception_days": ("定期接待日", "fixed reception days"),
    "appointment": ("预约服务", "by appointment"),
}
WEEKDAYS_ZH = ["一", "二", "三", "四", "五", "六", "日"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str


# The plan's items of a township hall: finance, family planning, health, household
# registration, civil affairs, agriculture and forestry, water, urban construction, industry
# and commerce, land, agency items, and items assigned by the city or town government.
CATEGORIES = {
    c.code: c
    for c in (
        Category("finance", "财政", "Finance"),
        Category("family_planning", "计生", "Family planning"),
        Category("health", "卫生", "Health"),
        Category("household_registration", "户籍", "Household registration"),
        Category("civil_affairs", "民政", "Civil affairs"),
        Category("agriculture_forestry", "农林", "Agriculture and forestry"),
        Category("water", "水利", "Water"),
        Category("urban_construction", "城建", "Urban construction"),
        Category("industry_commerce", "工商", "Industry and commerce"),
        Category("land", "国土", "Land"),
        Category("agency", "代办事项", "Agency items"),
        Category("assigned", "市、镇两级政府交办事项", "Items assigned by the city or town"),
    )
}

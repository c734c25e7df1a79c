"""Demo data: the forestry bureau stationed at the center and its tree felling permit (idempotent).

Time limits, fees and materials here are sample values (`sample_values`), not an official schedule.
"""

from __future__ import annotations

from city_center.catalog import service as catalog_service
from city_center.catalog.models import Department
from city_center.config import CityCenterSettings
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit.db import make_engine, make_sessionmaker, transaction

FORESTRY = Department(code="forestry", name_zh="林业局", name_en="Forestry Bureau", stationed=True)

TREE_FELLING_PERMIT = catalog_pb2.CatalogItem(
    code="LY-0001",
    version=1,
    name_zh="林木采伐许可证核发",
    name_en="Tree felling permit",
    department_code="forestry",
    deciding_tier=case_pb2.TIER_CITY,
    handling=[
        catalog_pb2.TierHandling(tier=case_pb2.TIER_CITY, handling=catalog_pb2.HANDLING_COMMITMENT),
        catalog_pb2.TierHandling(tier=case_pb2.TIER_TOWN, handling=catalog_pb2.HANDLING_ASSISTED),
        catalog_pb2.TierHandling(tier=case_pb2.TIER_VILLAGE, handling=catalog_pb2.HANDLING_AGENCY),
    ],
    legal_basis_zh="《中华人民共和国森林法》第五十六条",
    legal_basis_en="Forest Law of the People's Republic of China, article 56",
    materials=[
        catalog_pb2.RequiredMaterial(
            code="application",
            name_zh="林木采伐申请书",
            name_en="Application for tree felling",
            form=catalog_pb2.MATERIAL_FORM_ORIGINAL,
            count=1,
        ),
        catalog_pb2.RequiredMaterial(
            code="id_card",
            name_zh="申请人身份证",
            name_en="Applicant's resident identity card",
            form=catalog_pb2.MATERIAL_FORM_COPY,
            count=1,
        ),
        catalog_pb2.RequiredMaterial(
            code="forest_right",
            name_zh="林权证或其他林木权属证明",
            name_en="Forest right certificate or other proof of ownership of the trees",
            form=catalog_pb2.MATERIAL_FORM_COPY,
            count=1,
        ),
        catalog_pb2.RequiredMaterial(
            code="felling_design",
            name_zh="伐区调查设计或作业设计",
            name_en="Felling area survey or operation design",
            form=catalog_pb2.MATERIAL_FORM_ORIGINAL,
            count=1,
            notes_zh="采伐蓄积15立方米以下的可简化",
            notes_en="May be simplified below 15 cubic metres",
        ),
    ],
    procedure_zh=[
        "村便民服务室代办受理",
        "乡镇便民服务大厅审核转报",
        "市林业局窗口审批",
        "结果送达受理点",
    ],
    procedure_en=[
        "The village service room accepts as agent",
        "The township hall checks and forwards",
        "The forestry bureau window at the city center decides",
        "The result is returned to where the applicant applied",
    ],
    time_limit_days=10,
    fee_basis_zh="不收费",
    fee_basis_en="Free of charge",
    fee_fen=0,
    window_phone="0550-0000001",
    complaint_phone="0550-0000002",
    double_default_document="示例林发〔2026〕1号",
    law_excludes_default=False,
    sample_values=True,
)


async def seed_demo(settings: CityCenterSettings) -> None:
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    async with transaction(sessions) as session:
        if await session.get(Department, FORESTRY.code) is None:
            session.add(
                Department(
                    **{c: getattr(FORESTRY, c) for c in ("code", "name_zh", "name_en", "stationed")}
                )
            )
            await session.flush()
        item = catalog_pb2.CatalogItem()
        item.CopyFrom(TREE_FELLING_PERMIT)
        await catalog_service.publish(session, record=item)
    await engine.dispose()
    print("city-center: forestry bureau and item LY-0001 published")

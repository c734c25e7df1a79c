"""Staff name a villager by ID card number: the domain finds the record of this village by the
keyed hash (nothing decrypted to search); someone registered only at another village, a
malformed number, or no one at all is refused naming the field; the pages show people masked."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import pytest_asyncio

import village_room.models  # noqa: F401 - registers the service's tables
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from tests.dbkit import fresh_sessions
from tests.village_room.roomkit import OTHER_VILLAGE, VILLAGE, an_id_number, new_applicant
from village_room.applicant import service as applicant_service
from village_room.privacy import service as privacy_service

HERE = an_id_number(11, born="19620315")
ELSEWHERE = an_id_number(12, born="19620315")


@pytest_asyncio.fixture(scope="module")
async def room(tmp_path_factory):
    async with fresh_sessions("postgresql", tmp_path_factory.mktemp("lookup")) as sessions:
        yield SimpleNamespace(sessions=sessions)


async def find(room, id_number: str, place: str = VILLAGE) -> str:  # type: ignore[no-untyped-def]
    async with transaction(room.sessions) as s:
        return await applicant_service.here_by_id_number(
            s, id_number=id_number, place_code=place, field="parties"
        )


async def test_an_id_number_finds_the_latest_record_at_this_village(room):
    first = await new_applicant(room, name="孙大山", id_number=HERE)
    latest = await new_applicant(room, name="孙大山", id_number=HERE)
    assert first != latest
    assert await find(room, HERE) == latest
    x_ended = next(an_id_number(n) for n in range(100, 999) if an_id_number(n).endswith("X"))
    person = await new_applicant(room, name="周小", id_number=x_ended)
    assert await find(room, x_ended.lower()) == person  # a lower-case x is the same number


async def test_an_id_registered_at_another_village_is_not_found_here(room):
    theirs = await new_applicant(room, OTHER_VILLAGE, name="吴二", id_number=ELSEWHERE)
    assert await find(room, ELSEWHERE, place=OTHER_VILLAGE) == theirs
    with pytest.raises(InvalidArgument) as refused:
        await find(room, ELSEWHERE)
    assert refused.value.field == "parties"
    assert refused.value.message_zh.startswith("本村无此身份证号的登记")
    assert ELSEWHERE not in refused.value.message_zh  # masked: 3411**********dddd
    assert "no one registered at this village with that ID number" in refused.value.message


async def test_a_malformed_id_number_says_so(room):
    wrong_check = HERE[:17] + ("0" if HERE[17] != "0" else "1")
    for bad in (wrong_check, HERE[:17]):
        with pytest.raises(InvalidArgument) as refused:
            await find(room, bad)
        assert refused.value.message_zh.startswith("身份证号格式不正确"), bad
    assert applicant_service.person_ref_error("not-an-id!") is not None
    assert applicant_service.person_ref_error(HERE) is None


async def test_record_ids_and_id_numbers_resolve_in_order_and_show_masked(room):
    by_record = await new_applicant(room, name="郑三妹", id_number=an_id_number(21))
    by_number = await new_applicant(room, name="王五", id_number=an_id_number(22))
    theirs = await new_applicant(room, OTHER_VILLAGE, name="冯六", id_number=an_id_number(23))
    async with transaction(room.sessions) as s:
        ids = await applicant_service.resolve_here(
            s, [by_record, an_id_number(22)], place_code=VILLAGE, field="parties"
        )
        shown = await privacy_service.masked_people(
            s, [by_record, by_number, theirs], place_code=VILLAGE
        )
    assert ids == [by_record, by_number]
    assert shown[by_record] == privacy_service.MaskedPerson(
        "郑**", an_id_number(21)[:4] + "*" * 10 + an_id_number(21)[-4:]
    )
    assert shown[by_number].name == "王*"
    assert theirs not in shown  # another village's record is not shown here

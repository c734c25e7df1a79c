"""govnet_kit.pages without a browser: the CSRF check, the language cookie, the headers and
the sign-in redirect that every tier's pages rely on (the village's router, no database)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError, field_validator

from govnet_kit.pages import FormErrors
from govnet_kit.personal import IdNumber
from village_room.web.router import router


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    app.include_router(router)
    app.state.runtime = SimpleNamespace(settings=SimpleNamespace(cookie_secure=False))
    return TestClient(app)


def test_a_staff_page_sends_a_signed_out_visitor_to_sign_in(client: TestClient) -> None:
    resp = client.get("/duty", follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/duty/sign-in?next=/duty"


def test_the_sign_in_form_never_sends_anyone_elsewhere(client: TestClient) -> None:
    for target in ("//evil.example", "https://evil.example", "/\\evil.example"):
        page = client.get("/duty/sign-in", params={"next": target}).text
        assert 'name="next" value="/duty"' in page


def test_a_post_without_the_form_token_is_refused(client: TestClient) -> None:
    client.get("/lookup")  # sets the token cookie
    refused = client.post("/lookup", data={"case_number": "x", "query_code": "ABCD"})
    assert refused.status_code == 403
    forged = client.post(
        "/lookup", data={"case_number": "x", "query_code": "ABCD", "csrf": "not-the-cookie"}
    )
    assert forged.status_code == 403


def test_errors_stand_beside_their_fields(client: TestClient) -> None:
    client.get("/lookup")
    resp = client.post(
        "/lookup",
        data={"case_number": "", "query_code": "ab", "csrf": client.cookies["govnet_csrf"]},
    )
    assert resp.status_code == 422
    assert 'aria-describedby="e-case_number"' in resp.text
    assert 'id="e-query_code"' in resp.text
    assert 'value="ab"' in resp.text  # what was typed stays


def test_language_by_query_then_cookie_chinese_by_default(client: TestClient) -> None:
    assert '<html lang="zh-CN">' in client.get("/lookup").text
    english = client.get("/lookup", params={"lang": "en"})
    assert '<html lang="en">' in english.text
    assert "govnet_lang=en" in english.headers["set-cookie"]
    assert '<html lang="en">' in client.get("/lookup").text  # kept by the cookie


def test_pages_carry_strict_cookies_and_headers(client: TestClient) -> None:
    resp = client.get("/lookup")
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert all("SameSite=strict" in c for c in resp.headers.get_list("set-cookie"))
    assert "HttpOnly" in resp.headers.get_list("set-cookie")[-1]  # the CSRF cookie


def test_the_print_stylesheet_is_served(client: TestClient) -> None:
    resp = client.get("/assets/print.css")
    assert resp.status_code == 200 and "size: A4" in resp.text
    assert resp.headers["content-type"].startswith("text/css")


def test_a_validators_two_languages_go_to_their_own_side_in_either_order() -> None:
    """The kit's ID-card and mobile validators say "English / 中文", other validators
    "中文 / English": either way the Chinese page shows Chinese and the English page English."""

    class Form(BaseModel):
        id_number: IdNumber
        title: str

        @field_validator("title")
        @classmethod
        def _title(cls, value: str) -> str:
            raise ValueError("标题过长 / the title is too long")

    try:
        Form(id_number="12345", title="x")
    except ValidationError as exc:
        errors = FormErrors.from_validation(exc)
    zh, en = errors.by_field["id_number"]
    assert zh.startswith("身份证号码应为18位") and en.startswith("id_number must be 18 characters")
    assert errors.by_field["title"] == ("标题过长", "the title is too long")

"""The township's pages without a browser or a database: a signed-out visitor sent to sign in,
a public page refusing a place that is not a township in the visitor's language, and the QR
code the printed documents carry."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import segno
from fastapi import FastAPI
from fastapi.testclient import TestClient

from govnet_kit.pages import qr_svg
from town_hall.web.router import router


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    app.include_router(router)
    app.state.runtime = SimpleNamespace(settings=SimpleNamespace(cookie_secure=False))
    return TestClient(app)


def test_the_window_sends_a_signed_out_visitor_to_sign_in(client: TestClient) -> None:
    for path in ("/window", "/window/cases/341102101201-20261130-0001", "/window/notices"):
        resp = client.get(path, follow_redirects=False)
        assert resp.status_code == 303
        assert resp.headers["location"] == f"/window/sign-in?next={path}"
    form = client.get("/window/sign-in", params={"next": "//evil.example"}).text
    assert 'name="next" value="/window"' in form and 'action="/window/sign-in"' in form


def test_a_public_page_of_a_place_that_is_no_township_says_so(client: TestClient) -> None:
    resp = client.get("/townships/341102101201/notices")  # a village's code
    assert resp.status_code == 422
    assert "乡镇区划代码" in resp.text
    resp = client.get("/townships/341102101201/report", params={"lang": "en"})
    assert resp.status_code == 422 and "not a township" in resp.text


def test_the_qr_code_is_the_case_number() -> None:
    number = "341102101000-20261130-0001"
    svg = qr_svg(number, label="办件编号 " + number)
    assert svg.startswith('<svg role="img" aria-label="办件编号 341102101000-20261130-0001"')
    assert "style=" not in svg  # the pages' CSP allows no inline style
    # The same symbol segno makes for the number: 29 modules and a quiet zone of 2.
    size = segno.make(number, error="m", micro=False).symbol_size(scale=1, border=2)[0]
    assert f'viewBox="0 0 {size} {size}"' in svg

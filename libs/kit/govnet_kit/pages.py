"""Server-rendered pages, written once for every tier (issue 8).

Each service gets a Jinja2 environment over its own templates and the kit's shared layout
(`page_templates/base.html`, `forms.html`). What every page has in common lives here:

- Chinese by default, English by `?lang=en`; the choice is kept in a cookie;
- forms that work without JavaScript: post, then redirect (303) on success, or the same page
  again with each error beside its field (422);
- CSRF: every cookie is SameSite=Strict, and every form carries a token that must match the
  browser's `govnet_csrf` cookie (double submit), renewed at sign-in;
- a signed-out visitor to a staff page is sent to the sign-in form, and a domain error becomes
  a page in the visitor's language rather than JSON;
- the stylesheets (screen, and print for A4) served by the service itself, no CDN;
- `qr_svg(text)`: a printed document's case number as a QR code, inline SVG (no script, no
  image request, nothing inline the CSP would block), beside the number as text.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import grpc
import segno
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from pydantic import ValidationError

from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit.auth import Principal
from govnet_kit.errors import DomainError, PermissionDenied, Unauthenticated, record_refusal
from govnet_kit.grpcutil import domain_error
from govnet_kit.web import SESSION_COOKIE, get_principal, get_runtime, set_session_cookie
from govnet_kit.worktime import SHANGHAI

if TYPE_CHECKING:
    from govnet_kit.runtime import Runtime

LANGUAGES = ("zh", "en")
LANG_COOKIE = "govnet_lang"
CSRF_COOKIE = "govnet_csrf"
CSRF_FIELD = "csrf"
ASSETS = ("screen.css", "print.css")
SECURITY_HEADERS = {
    # Nothing but this service: no inline script, no CDN, no framing; forms post only here.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class SignInRequired(Exception):
    """A staff page opened without a session: the visitor goes to `sign_in_path`."""


class BadForm(Exception):
    """A form whose token does not match the browser's: refused before anything happens."""


@dataclass
class FormErrors:
    """Errors by field name, each (Chinese, English); `""` is the form as a whole."""

    by_field: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, name: str, zh: str, en: str) -> None:
        self.by_field.setdefault(name, (zh, en))

    def __bool__(self) -> bool:
        return bool(self.by_field)

    @classmethod
    def from_validation(
        cls, exc: ValidationError, *, rename: Mapping[str, str] | None = None
    ) -> FormErrors:
        """Pydantic's errors beside the form's fields (the last part of each location)."""
        out = cls()
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]) or ""
            name = (rename or {}).get(name, name.rsplit(".", 1)[-1])
            msg = err["msg"].removeprefix("Value error, ")
            zh, sep, en = msg.partition(" / ")
            if err["type"] == "value_error" and sep:  # a validator's own "中文 / English"
                if _has_han(en) and not _has_han(zh):  # or "English / 中文" (the kit's own)
                    zh, en = en, zh
                out.add(name, zh, en)
            else:
                out.add(name, _zh_validation(err["type"], msg), msg)
        return out

    @classmethod
    def from_domain(
        cls, exc: DomainError, *, rename: Mapping[str, str] | None = None
    ) -> FormErrors:
        out = cls()
        name = exc.field or ""
        out.add((rename or {}).get(name, name), exc.message_zh, exc.message)
        return out


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _zh_validation(kind: str, message: str) -> str:
    return {
        "missing": "必填",
        "string_too_short": "必填",
        "string_too_long": "过长",
        "string_pattern_mismatch": "格式不正确",
        "literal_error": "请从选项中选择",
    }.get(kind, f"格式不正确（{message}）")


def language(request: Request) -> str:
    """`?lang=` first, then the cookie, then Chinese."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    return kept if kept in LANGUAGES else "zh"


def csrf_token(request: Request) -> str:
    """The browser's token, or a new one that the response will set."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(24)
        request.state.new_csrf = token
    return token


async def form_data(request: Request) -> Any:
    """The posted form, once its CSRF token is checked against the cookie."""
    form = await request.form()
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD, "")
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(cookie, sent):
        raise BadForm()
    return form


def _finish(request: Request, response: Response, *, secure: bool) -> Response:
    """Cookies and headers every page response carries."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(
            LANG_COOKIE, asked, max_age=365 * 86400, samesite="strict", secure=secure
        )
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict", secure=secure)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Times as the people of the city read them: Beijing time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SHANGHAI).strftime(fmt)


def qr_svg(text: str, *, label: str = "") -> Markup:
    """`text` as a QR code in inline SVG, for printed documents: error correction M (a slip is
    folded and handled), a quiet zone of two modules, black on white; sized by CSS (`svg.qr`).
    Only attributes, no `style`: the pages' CSP allows no inline style."""
    code = segno.make(text, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None, light="#fff"
    )
    # An image with a name for screen readers: what it encodes, as the text beside it says.
    name = escape(label or text)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1))


class Pages:
    """One service's pages: its templates over the kit's layout, and how to answer."""

    def __init__(
        self,
        package: str,
        *,
        site_zh: str,
        site_en: str,
        sign_in_path: str = "",
        sign_out_path: str = "",
        nav: list[tuple[str, str, str]] | None = None,
    ) -> None:
        self.env = Environment(
            loader=ChoiceLoader(
                [PackageLoader(package, "templates"), PackageLoader("govnet_kit", "page_templates")]
            ),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["local"] = _local
        self.env.globals["qr_svg"] = qr_svg
        self.site = (site_zh, site_en)
        self.sign_in_path = sign_in_path
        self.sign_out_path = sign_out_path
        self.nav = nav or []

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        principal: Principal | None = None,
    ) -> Response:
        lang = language(request)

        def t(zh: str, en: str) -> str:
            return zh if lang == "zh" else en

        def lang_url(code: str) -> str:
            params = {k: v for k, v in request.query_params.items() if k != "lang"}
            params["lang"] = code
            return f"{request.url.path}?{urlencode(params)}"

        values = {
            "request": request,
            "lang": lang,
            "t": t,
            "lang_url": lang_url,
            "site": t(*self.site),
            "nav": [(href, t(zh, en)) for href, zh, en in self.nav] if principal else [],
            "principal": principal,
            "sign_out_path": self.sign_out_path,
            "sign_in_path": self.sign_in_path,
            "csrf_field": CSRF_FIELD,
            "csrf": csrf_token(request),
            "errors": FormErrors(),
            "values": {},
            **(context or {}),
        }
        html = self.env.get_template(template).render(values)
        return _finish(
            request,
            HTMLResponse(html, status_code=status_code),
            secure=get_runtime(request).settings.cookie_secure,
        )

    def redirect(self, request: Request, path: str) -> Response:
        """After a successful post: 303, so reloading the next page never posts twice."""
        return _finish(
            request,
            RedirectResponse(path, status_code=303),
            secure=get_runtime(request).settings.cookie_secure,
        )

    async def staff(self, request: Request) -> Principal:
        """The signed-in staff member (session cookie), or off to the sign-in form."""
        if not request.cookies.get(SESSION_COOKIE):
            raise SignInRequired()
        try:
            return await get_principal(request)
        except Unauthenticated as exc:
            raise SignInRequired() from exc

    def route_class(self) -> type[APIRoute]:
        """Routes whose refusals are pages: sign-in redirects, error pages, a bad form."""
        pages = self

        class PageRoute(APIRoute):
            def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
                handler = super().get_route_handler()

                async def guarded(request: Request) -> Response:
                    try:
                        return await handler(request)
                    except SignInRequired:
                        target = quote(request.url.path, safe="/")
                        return pages.redirect(request, f"{pages.sign_in_path}?next={target}")
                    except BadForm:
                        await record_refusal(request, "form token missing or wrong")
                        return pages.render(
                            request,
                            "error.html",
                            {"status": 403, "bad_form": True},
                            status_code=403,
                        )
                    except DomainError as exc:
                        if isinstance(exc, PermissionDenied | Unauthenticated):
                            await record_refusal(request, exc.message)
                        return pages.render(
                            request,
                            "error.html",
                            {"status": exc.http_status, "error": exc},
                            status_code=exc.http_status,
                        )

                return guarded

        return PageRoute

    def router(self, **kwargs: Any) -> APIRouter:
        return APIRouter(route_class=self.route_class(), include_in_schema=False, **kwargs)

    def sign_in_router(self, *, home: str) -> APIRouter:
        """The staff sign-in form (relayed to identity, decision 8) and sign-out, at
        `sign_in_path` and `sign_out_path`, landing on `next` or `home`; template
        `sign_in.html` (the kit's, unless the service has its own)."""
        router = self.router()
        pages = self

        @router.get(self.sign_in_path)
        async def sign_in_form(request: Request, next: str = home) -> Response:
            return pages.render(request, "sign_in.html", {"next": safe_next(next, home)})

        @router.post(self.sign_in_path)
        async def sign_in(request: Request) -> Response:
            form = await form_data(request)
            username, password = str(form.get("username", "")), str(form.get("password", ""))
            target = safe_next(str(form.get("next", home)), home)
            errors = FormErrors()
            if not username:
                errors.add("username", "请填写用户名", "enter your user name")
            if not password:
                errors.add("password", "请填写密码", "enter your password")
            if not errors:
                response = pages.redirect(request, target)
                try:
                    await staff_sign_in(
                        get_runtime(request),
                        response,
                        username=username[:100],
                        password=password[:200],
                    )
                    return response
                except DomainError as exc:
                    errors = FormErrors.from_domain(exc, rename={"": "password"})
            return pages.render(
                request,
                "sign_in.html",
                {"next": target, "errors": errors, "values": {"username": username}},
                status_code=422,
            )

        @router.post(self.sign_out_path)
        async def sign_out_now(request: Request) -> Response:
            await form_data(request)
            return sign_out(pages.redirect(request, pages.sign_in_path))

        return router


def safe_next(target: str, home: str) -> str:
    """Only a path of this service: a sign-in link must never send anyone elsewhere."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else home


# Scans the upper tiers can open and print (the JSON APIs accept the same types).
UPLOAD_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/tiff")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    code: str
    filename: str
    content_type: str
    content: bytes


def uploads(form: Any, codes: list[str], errors: FormErrors) -> list[Upload]:
    """One file input per required material (`file_<code>`): an empty input is a material not
    brought; a file too large or of another type is an error beside its input."""
    out = []
    for code in codes:
        upload = form.get(f"file_{code}")
        if not hasattr(upload, "filename") or not upload.filename:
            continue
        content = upload.file.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            errors.add(f"file_{code}", "文件超过 20 MiB", "larger than 20 MiB")
        elif upload.content_type not in UPLOAD_TYPES:
            errors.add(
                f"file_{code}",
                "只接受 PDF、JPEG、PNG、TIFF 文件",
                "only PDF, JPEG, PNG or TIFF files are accepted",
            )
        elif content:
            out.append(Upload(code, upload.filename[-200:], upload.content_type, content))
    return out


def assets_router() -> APIRouter:
    """The shared stylesheets at /assets/<name>; cached for a day (old PCs, weak links)."""
    router = APIRouter(include_in_schema=False)
    files = resources.files("govnet_kit") / "page_assets"
    for name in ASSETS:
        body = (files / name).read_bytes()

        def serve(body: bytes = body) -> Response:
            return Response(
                body,
                media_type="text/css; charset=utf-8",
                headers={"Cache-Control": "public, max-age=86400"},
            )

        router.add_api_route(f"/assets/{name}", serve, methods=["GET"])
    return router


async def staff_sign_in(
    runtime: Runtime, response: Response, *, username: str, password: str
) -> identity_pb2.SignInResponse:
    """The sign-in form's relay to identity; the same call and cookie as POST /api/v1/session,
    and a new CSRF token, so a token seen before sign-in is worth nothing after it."""
    stub = identity_pb2_grpc.IdentityServiceStub(runtime.identity_channel)
    try:
        resp = await stub.SignIn(
            identity_pb2.SignInRequest(username=username, password=password), timeout=5.0
        )
    except grpc.aio.AioRpcError as exc:
        raise domain_error(exc) from exc
    set_session_cookie(response, runtime, resp.access_token, resp.expires_at.ToSeconds())
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(24),
        httponly=True,
        samesite="strict",
        secure=runtime.settings.cookie_secure,
    )
    return resp


def sign_out(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response

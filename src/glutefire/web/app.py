"""The application factory: settings in, a FastAPI app out. The database engine, job runner,
cookie signer and rate limiter are created here (never at import) and kept in ``app.state``."""

from __future__ import annotations

import contextlib
import logging
import mimetypes
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from glutefire.errors import GlutefireError
from glutefire.reports.citations import cite_in_words
from glutefire.store.engine import open_database
from glutefire.web.deps import LoginRequired
from glutefire.web.jobs import JobRunner, ScreenFn, screen_videos
from glutefire.web.live_sockets import LiveSockets
from glutefire.web.security import (
    CookieSigner,
    HashGate,
    LoginRateLimiter,
    ServerBusy,
    SignupRateLimiter,
)
from glutefire.web.settings import WebSettings
from glutefire.web.storage import prepare_storage

HERE = Path(__file__).parent
log = logging.getLogger(__name__)
#: Room for the multipart envelope and form fields on top of the clip itself.
FORM_OVERHEAD_BYTES = 64 * 1024


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413, detail=f"expected a clip of at most {limit // (1024 * 1024)} MB"
        )


class BodySizeLimit:
    """Refuses request bodies over the upload limit while they stream in (not after)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes + FORM_OVERHEAD_BYTES
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _plain(send, 413, f"expected a request of at most {limit} bytes")
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted, send)


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_app(
    settings: WebSettings, *, screen: ScreenFn = screen_videos, live_backend_factory: Any = None
) -> FastAPI:
    """Build the app. ``screen`` and ``live_backend_factory`` can be swapped in tests."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        prepare_storage(settings)
        engine = open_database(settings.database_url)
        runner = JobRunner(engine, settings, screen=screen)
        runner.start()  # jobs left by a stopped process are queued again when their lease ends
        app.state.engine = engine
        app.state.jobs = runner
        app.state.login_limiter = LoginRateLimiter(
            engine,
            attempts=settings.login_attempts,
            address_attempts=settings.login_address_attempts,
            window_s=settings.login_window_s,
        )
        app.state.signup_limiter = SignupRateLimiter(
            engine, attempts=settings.signup_address_attempts, window_s=settings.signup_window_s
        )
        try:
            yield
        finally:
            runner.shutdown()
            engine.dispose()

    app = FastAPI(
        title="glutefire", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings
    app.state.signer = CookieSigner(settings.secret_key, settings.session_ttl_s)
    app.state.hash_gate = HashGate(settings.password_hash_slots, settings.password_hash_wait_s)
    app.state.live_sockets = LiveSockets(settings.live_sockets_per_account)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.filters["cite"] = cite_in_words
    app.state.live_backend_factory = live_backend_factory
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    app.middleware("http")(_security_headers)
    # The live page's in-browser pose runtime: an ES module and WebAssembly, which browsers only
    # run with these types (``mimetypes`` depends on the system's tables otherwise).
    mimetypes.add_type("text/javascript", ".mjs")
    mimetypes.add_type("application/wasm", ".wasm")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _add_handlers(app)
    from glutefire.web.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    return app


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # invite tokens in URLs never leave the site
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; "
    "style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'",
}


def response_headers(settings: WebSettings, path: str) -> dict[str, str]:
    """Headers every response carries (500s included): the security headers, ``no-store`` on
    everything but the static files (pages and PDFs hold client data), and HSTS when the
    deployment says it is served over TLS (``hsts_max_age_s``)."""
    headers = dict(SECURITY_HEADERS)
    if not path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
    if settings.hsts_max_age_s is not None:
        headers["Strict-Transport-Security"] = (
            f"max-age={settings.hsts_max_age_s}; includeSubDomains"
        )
    return headers


async def _security_headers(request: Request, call_next) -> Response:
    response = await call_next(request)
    for name, value in response_headers(request.app.state.settings, request.url.path).items():
        response.headers.setdefault(name, value)
    return response


def _add_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if request.headers.get("accept", "").startswith("application/json"):
            return Response("login required", status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(GlutefireError)
    async def _user_error(request: Request, exc: GlutefireError) -> Response:
        return _error_page(request, 400, str(exc))

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        return _error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _bad_form(request: Request, exc: RequestValidationError) -> Response:
        """A missing or malformed field: a readable 400 page, not FastAPI's JSON dump."""
        return _error_page(request, 400, _first_problem(exc))

    @app.exception_handler(ServerBusy)
    async def _busy(request: Request, exc: ServerBusy) -> Response:
        response = _error_page(request, 503, str(exc))
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception) -> Response:
        """A bug: logged with its traceback; the page says nothing of the server's insides and
        carries the same headers as every other response (this handler runs outside the
        middleware that adds them)."""
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        response = _error_page(request, 500, "internal error; it has been logged")
        for name, value in response_headers(app.state.settings, request.url.path).items():
            response.headers.setdefault(name, value)
        return response


def _first_problem(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "expected a complete form; reload the page and try again"
    first = errors[0]
    field = str(first.get("loc", ("", "field"))[-1]).replace("_", " ")
    if first.get("type") == "missing":
        return f"expected a value for {field}, but the form had none"
    return f"expected a valid {field}: {str(first.get('msg', ''))[:120]}"


def _error_page(request: Request, status: int, message: str) -> Response:
    if request.headers.get("accept", "").startswith("application/json"):
        return Response(message, status_code=status, media_type="text/plain")
    templates: Jinja2Templates = request.app.state.templates
    html = templates.get_template("error.html").render(
        status=status, message=message, principal=None
    )
    return HTMLResponse(html, status_code=status)


def app_from_env() -> FastAPI:
    """The app with settings from the environment (``GLUTEFIRE_DATABASE_URL``,
    ``GLUTEFIRE_SECRET_KEY``, ``GLUTEFIRE_WEB_*``), for several server processes:
    ``uvicorn --factory glutefire.web.app:app_from_env --workers 4`` or
    ``gunicorn -k uvicorn_worker.UvicornWorker 'glutefire.web.app:app_from_env()'``."""
    from glutefire.web.settings import load_settings

    return create_app(load_settings())

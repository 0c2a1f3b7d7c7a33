"""Rendering helpers shared by the routes."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from glutefire.result import DISCLAIMER
from glutefire.web.deps import ANON_CSRF_COOKIE, Principal


def page(
    request: Request,
    template: str,
    principal: Principal | None,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A logged-in page; the template gets ``principal`` (with its CSRF token) and the context."""
    return request.app.state.templates.TemplateResponse(
        request,
        template,
        {"principal": principal, "disclaimer": DISCLAIMER, **context},
        status_code=status,
    )


def anonymous_page(
    request: Request, template: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """Login/sign-up style page with a double-submit CSRF token."""
    token = request.cookies.get(ANON_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = page(request, template, None, status=status, anon_csrf=token, **context)
    response.set_cookie(
        ANON_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
    )
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)

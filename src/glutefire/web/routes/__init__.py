"""Route modules; :data:`ROUTERS` is included by the app factory."""

from glutefire.web.routes import (
    auth,
    clients,
    clips,
    health,
    live,
    plans,
    progress,
    reports,
    sessions,
    uploads,
)

ROUTERS = (
    auth.router,
    clients.router,
    uploads.router,
    plans.router,
    sessions.router,
    progress.router,
    reports.router,
    live.router,
    clips.router,
    health.router,
)

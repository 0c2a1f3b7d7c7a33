"""Route modules; :data:`ROUTERS` is included by the app factory."""

from glutefire.web.routes import (
    auth,
    clients,
    compare,
    live,
    plans,
    progress,
    reports,
    sessions,
    training_log,
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
    training_log.router,
    compare.router,
)

"""Route modules; :data:`ROUTERS` is included by the app factory."""

from glutefire.web.routes import (
    auth,
    clients,
    clips,
    compare,
    filmed,
    health,
    live,
    plan_edit,
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
    plan_edit.router,
    sessions.router,
    progress.router,
    reports.router,
    live.router,
    clips.router,
    health.router,
    training_log.router,
    compare.router,
    filmed.router,
)

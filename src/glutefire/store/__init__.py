"""Persistence: people, screenings, intakes, plans, session logs and imported training logs.

Nothing here runs at import time: :func:`glutefire.store.engine.open_database` builds the engine
from a URL (see :mod:`glutefire.store.settings`) and upgrades the schema to the newest revision.
"""

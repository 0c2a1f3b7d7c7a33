"""The web app for trainers and clinics (``glutefire serve``): a thin FastAPI layer over the
library and the database. Build it with :func:`glutefire.web.app.create_app`."""

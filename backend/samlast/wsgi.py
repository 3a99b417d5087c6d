"""The one module-level app, for gunicorn: `gunicorn samlast.wsgi:app`."""

from samlast import create_app

app = create_app()

#!/bin/sh
# Container entry point: apply migrations, then serve with gunicorn.
# One worker per process with threads: Flask-SocketIO's threading mode with
# simple-websocket; scale out with more processes behind sticky sessions and
# REDIS_URL as the Socket.IO message queue (see README.md).
set -e
flask db upgrade
exec gunicorn --bind "0.0.0.0:${PORT:-5000}" --workers 1 --threads "${GUNICORN_THREADS:-100}" \
  --access-logfile - "samlast.wsgi:app"

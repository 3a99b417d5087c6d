#!/bin/sh
# Container entry point: apply migrations, then serve with gunicorn as configured in
# gunicorn.conf.py (one worker process with many threads: Flask-SocketIO's threading mode
# with simple-websocket; scale out with more processes sharing REDIS_URL, see README.md).
set -e
flask db upgrade
exec gunicorn -c gunicorn.conf.py "samlast.wsgi:app"

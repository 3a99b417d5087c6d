"""gunicorn settings for Samlast: `gunicorn -c gunicorn.conf.py samlast.wsgi:app`.

Flask-SocketIO's threading mode with simple-websocket needs ONE worker process
whose threads each hold one connection (a WebSocket keeps its thread for its
lifetime): `-w 1 --threads N` as in Flask-SocketIO's deployment notes. Scale
out with more such processes (on other ports or machines) behind a load
balancer with sticky sessions, all sharing REDIS_URL (Socket.IO message
queue, RQ planning queue, rate-limit counters) and DATABASE_URL (PostgreSQL).
Every setting can be overridden by an environment variable.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '5000')}")
workers = 1  # never more: Socket.IO sessions live in this process (see above)
worker_class = "gthread"
# One thread per connected driver/kitchen/coordinator plus head-room for plain requests.
threads = int(os.environ.get("GUNICORN_THREADS", "500"))
# Connections gunicorn accepts before refusing; must exceed `threads`.
worker_connections = int(os.environ.get("GUNICORN_CONNECTIONS", str(threads + 100)))
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
# WebSockets are long-lived: a sync timeout would kill the worker while it is busy
# serving them; gthread's heartbeat keeps an idle worker alive.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Bounds on request lines and headers (bodies are bounded by MAX_CONTENT_LENGTH in the app).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a TLS-terminating proxy on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "samlast"

# Hundreds of mostly waiting threads: each database or Redis round trip gives the GIL away and
# has to get it back. With CPython's default 5 ms switch interval a request with ~20 round trips
# can wait ~100 ms behind one busy thread (the "convoy effect"); 1 ms keeps the waits short.
switch_interval_ms = float(os.environ.get("GUNICORN_SWITCH_INTERVAL_MS", "1"))


def post_worker_init(worker):
    import sys

    sys.setswitchinterval(switch_interval_ms / 1000)

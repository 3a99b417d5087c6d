#!/usr/bin/env bash
# Starts a throw-away Redis server on loopback (no persistence) and prints the
# REDIS_URL to use. Usage: eval "$(scripts/start-redis.sh)"   Stop: redis-cli -p PORT shutdown
set -euo pipefail

port=${REDIS_PORT_TEST:-63790}
server=$(command -v redis-server || echo /usr/bin/redis-server)
[ -x "$server" ] || { echo "redis-server is not installed (scripts/install-system-packages.sh redis-server)" >&2; exit 1; }

if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  "$server" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --logfile "/tmp/samlast-redis-$port.log" --pidfile "/tmp/samlast-redis-$port.pid" >/dev/null
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
fi
echo "export REDIS_URL=redis://127.0.0.1:$port/0"

"""Load test: simulated drivers against a real gunicorn server on loopback.

    .venv/bin/python bench/load.py --drivers 300 --seconds 60 --json /tmp/load.json

Starts by itself, in a temporary folder (never touching instance/): a redis-server
(Socket.IO message queue, as in production), a SQLite database in WAL mode (or
--database-url, e.g. PostgreSQL), seed data with one driver user and vehicle per
simulated driver, and one gunicorn process with gunicorn.conf.py. Then each driver:

- connects a python-socketio client to /driver (websocket, auth={"token": ...}) and
  receives its routes and pushes,
- sends its position over the socket every --position-every seconds (acknowledged),
- posts a proof of delivery (signature, one photo, receiver, returns) with a fresh
  client_id to POST /api/v1/driver/events every --proof-every seconds. The events are
  for synthetic stops (job_key "bench:..."): the server stores them and flags them as
  not in the current plan, which is the same write path (idempotency check, image
  re-encoding, PDF receipt, one transaction) as a planned stop.

Route push fan-out: --pushes times during the run, a `route_updated` is sent to every
driver's room the way a planning job in an RQ worker does it (the services' notifier,
samlast.realtime.notifier, in a separate process, through Redis); measured from the first
emit to the moment the last driver got it.

With Redis, an RQ worker (`flask samlast worker`) renders the PDF receipts, as in production.

Reported: drivers connected and held, proof latency p50/p95/p99 as the client sees it and the
server's own time (its Server-Timing header), position ack latency, CPU used by the server, the
RQ worker and the bench's clients (share of one core),
fan-out times, server RSS per connection, errors, lost records (acknowledged but not in
the database), and the machine's load average. Stops by itself after --seconds.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import socketio  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from PIL import Image  # noqa: E402
from tests.integration.harness import Redis, Server, Worker, base_env, run_seed  # noqa: E402


def _data_url(fmt: str, size: tuple[int, int]) -> str:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 200, 200))
    for x in range(0, size[0], 7):  # some content, so the encoder has work to do
        image.putpixel((x, (x * 13) % size[1]), (x % 255, 30, 90))
    image.save(buffer, format=fmt)
    mime = {"PNG": "image/png", "JPEG": "image/jpeg"}[fmt]
    return f"data:{mime};base64," + base64.b64encode(buffer.getvalue()).decode()


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_timing_ms(response) -> float | None:
    """The app's own time from the `Server-Timing: app;dur=...` header."""
    for part in response.headers.get("Server-Timing", "").split(","):
        name, _, params = part.strip().partition(";")
        if name == "app" and params.startswith("dur="):
            return float(params[4:])
    return None


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.proof_ms: list[float] = []
        self.proof_server_ms: list[float] = []
        self.position_ms: list[float] = []
        self.errors: list[str] = []
        self.accepted: set[str] = set()
        self.disconnects = 0

    def error(self, message: str) -> None:
        with self.lock:
            if len(self.errors) < 1000:
                self.errors.append(message)


class Driver:
    def __init__(
        self, index: int, user: dict, args, stats: Stats, url: str, today: str, proof: dict
    ):
        self.index, self.user, self.args, self.stats, self.url = index, user, args, stats, url
        self.today, self.proof = today, proof
        self.pushes: dict[int, float] = {}
        self.routes_received = 0
        self.connected_once = False
        self.sio = socketio.Client(
            reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2
        )
        self.sio.on("routes", self._on_routes, namespace="/driver")
        self.sio.on("route_updated", self._on_route_updated, namespace="/driver")
        self.sio.on("disconnect", self._on_disconnect, namespace="/driver")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {user['token']}"

    def _on_routes(self, data):
        self.routes_received += 1

    def _on_route_updated(self, data):
        seq = data.get("bench_seq") if isinstance(data, dict) else None
        if seq is not None:
            self.pushes.setdefault(seq, time.monotonic())

    def _on_disconnect(self, *args):
        with self.stats.lock:
            self.stats.disconnects += 1

    def connect(self) -> bool:
        try:
            self.sio.connect(
                self.url,
                auth={"token": self.user["token"]},
                namespaces=["/driver"],
                transports=["websocket"],
                wait_timeout=30,
            )
            self.connected_once = True
            return True
        except Exception as exc:  # counted as an error
            self.stats.error(f"connect driver {self.index}: {exc!r}")
            return False

    def run(self, stop: threading.Event) -> None:
        rng = random.Random(self.index)
        now = time.monotonic()
        next_position = now + rng.uniform(0, self.args.position_every)
        next_proof = now + rng.uniform(0, self.args.proof_every)
        n = 0
        while not stop.is_set():
            wait = min(next_position, next_proof) - time.monotonic()
            if wait > 0 and stop.wait(wait):
                break
            now = time.monotonic()
            if now >= next_position:
                next_position += self.args.position_every
                self.send_position(rng)
            if now >= next_proof:
                next_proof += self.args.proof_every
                n += 1
                self.send_proof(n)

    def send_position(self, rng: random.Random) -> None:
        if not self.sio.connected:
            return
        body = {
            "lat": 55.8 + rng.random() / 10,
            "lon": 13.3 + rng.random() / 10,
            "speed_mps": 11.0,
            "recorded_at": datetime.now(UTC).isoformat(),
        }
        started = time.perf_counter()
        try:
            answer = self.sio.call("position", body, namespace="/driver", timeout=10)
        except Exception as exc:
            self.stats.error(f"position driver {self.index}: {exc!r}")
            return
        elapsed = (time.perf_counter() - started) * 1000
        if not (isinstance(answer, dict) and answer.get("ok")):
            self.stats.error(f"position driver {self.index}: {answer!r}")
            return
        with self.stats.lock:
            self.stats.position_ms.append(elapsed)

    def send_proof(self, n: int) -> None:
        client_id = uuid.uuid4().hex
        body = {
            "client_id": client_id,
            "kind": "deliver",
            "plan_date": self.today,
            "job_key": f"bench:{self.index}:{n}",
            "recorded_at": datetime.now(UTC).isoformat(),
            "lat": 55.84,
            "lon": 13.31,
            "proof": self.proof,
        }
        started = time.perf_counter()
        try:
            answer = self.http.post(f"{self.url}/api/v1/driver/events", json=body, timeout=30)
        except requests.RequestException as exc:
            self.stats.error(f"proof driver {self.index}: {exc!r}")
            return
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code not in (200, 201):
            self.stats.error(f"proof driver {self.index}: {answer.status_code} {answer.text[:200]}")
            return
        server_ms = server_timing_ms(answer)
        with self.stats.lock:
            self.stats.proof_ms.append(elapsed)
            if server_ms is not None:
                self.stats.proof_server_ms.append(server_ms)
            self.stats.accepted.add(client_id)


PUSHER = """
import json, sys, time
from samlast import create_app
from samlast.services import notify
ids = json.loads(sys.argv[1]); seq = int(sys.argv[2])
app = create_app({"GEOCODING_ENABLED": False})
with app.app_context():
    changes = [{"event": "route_updated", "driver_id": i,
                "payload": {"bench_seq": seq, "route": {"id": 0, "stops": []},
                            "changes": {"added": [], "removed": [], "reordered": False}}}
           for i in ids]
    print("READY", flush=True)
    sys.stdin.readline()
    started = time.time()
    for change in changes:
        notify.now(notify.Event(change["event"], change["payload"], notify.driver(change["driver_id"])))
    print("SENT %.6f %.6f" % (started, time.time()), flush=True)
"""


def push_to_all(
    env: dict, driver_ids: list[int], seq: int, drivers: list[Driver], timeout_s: float = 30
):
    """One route_updated per driver from another process through Redis; returns timings (ms)."""
    import subprocess

    proc = subprocess.Popen(
        [sys.executable, "-c", PUSHER, json.dumps(driver_ids), str(seq)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "READY"
    t0 = time.monotonic()
    proc.stdin.write("go\n")
    proc.stdin.flush()
    sent = proc.stdout.readline().split()
    emit_ms = (float(sent[2]) - float(sent[1])) * 1000
    proc.wait(30)
    deadline = t0 + timeout_s
    targets = [d for d in drivers if d.sio.connected]
    while time.monotonic() < deadline and any(seq not in d.pushes for d in targets):
        time.sleep(0.005)
    arrivals = [(d.pushes[seq] - t0) * 1000 for d in targets if seq in d.pushes]
    return {
        "seq": seq,
        "drivers": len(targets),
        "received": len(arrivals),
        "emit_ms": round(emit_ms, 1),
        "all_received_ms": round(max(arrivals), 1)
        if len(arrivals) == len(targets) and arrivals
        else None,
        "p50_ms": round(statistics.median(arrivals), 1) if arrivals else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drivers", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--position-every", type=float, default=5.0)
    parser.add_argument("--proof-every", type=float, default=30.0)
    parser.add_argument("--pushes", type=int, default=3)
    parser.add_argument("--photo-px", type=int, default=800, help="long side of the proof photo")
    parser.add_argument(
        "--threads", type=int, default=0, help="gunicorn threads (default drivers + 64)"
    )
    parser.add_argument(
        "--database-url", default="", help="default: SQLite (WAL) in the temp folder"
    )
    parser.add_argument("--no-redis", action="store_true", help="single process, no message queue")
    parser.add_argument(
        "--servers", type=int, default=1, help="gunicorn processes (drivers round-robin; Redis)"
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.drivers < 1 or args.drivers > 2000 or args.seconds <= 0 or args.seconds > 3600:
        parser.error("--drivers 1..2000 and --seconds up to 3600")

    workdir = Path(tempfile.mkdtemp(prefix="samlast-load-"))
    redis = None if args.no_redis else Redis(workdir)
    db_url = args.database_url or f"sqlite:///{workdir / 'load.db'}"
    env = base_env(workdir, db_url, redis.url if redis else None, PLANNING_RUNNER="thread")
    if args.servers > 1 and args.no_redis:
        parser.error("--servers > 1 needs Redis")
    threads = args.threads or args.drivers + 64
    servers = [
        Server(f"load-server-{k}", env, workdir, threads=threads) for k in range(args.servers)
    ]
    # With Redis, PDF receipts are rendered by an RQ worker process (as in production).
    worker = None
    stats = Stats()
    drivers: list[Driver] = []
    report: dict = {
        "command": " ".join(sys.argv),
        "servers": args.servers,
        "drivers_requested": args.drivers,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
    }
    try:
        for server in servers:
            server.start(wait=False)
        print(f"Seeding {args.drivers} drivers ...", flush=True)
        seed = run_seed(
            env, "--drivers", str(args.drivers), "--points", "4", "--plan", "--time-limit", "1"
        )
        for server in servers:
            server.wait_ready()
        if redis:
            worker = Worker(env, workdir)
        pids = [server.worker_pid() for server in servers]
        rss_before = sum(rss_kb(pid) for pid in pids)
        proof = {
            "receiver_name": "Kim Köksson",
            "signature": _data_url("PNG", (300, 120)),
            "photos": [_data_url("JPEG", (args.photo_px, args.photo_px * 3 // 4))],
            "lines": [],
            "returns": {"crates": 2, "roll_cages": 0, "pallets": 0},
            "note": "bench",
        }
        drivers = [
            Driver(i, user, args, stats, servers[i % len(servers)].url, seed["today"], proof)
            for i, user in enumerate(seed["drivers"])
        ]
        print(f"Connecting {len(drivers)} drivers ...", flush=True)
        started = time.monotonic()
        with ThreadPoolExecutor(16) as pool:
            connected = sum(pool.map(lambda d: d.connect(), drivers))
        report["connect_s"] = round(time.monotonic() - started, 1)
        time.sleep(1)
        rss_connected = sum(rss_kb(pid) for pid in pids)
        report["connected"] = connected
        report["server_rss_mb_before"] = round(rss_before / 1024, 1)
        report["server_rss_mb_connected"] = round(rss_connected / 1024, 1)
        report["rss_kb_per_connection"] = round((rss_connected - rss_before) / max(connected, 1), 1)
        print(
            f"{connected} connected in {report['connect_s']} s; server RSS "
            f"{report['server_rss_mb_before']} -> {report['server_rss_mb_connected']} MB",
            flush=True,
        )

        stop = threading.Event()
        threads = [threading.Thread(target=d.run, args=(stop,), daemon=True) for d in drivers]
        cpu_before = {
            "server": sum(cpu_s(pid) for pid in pids),
            "rq_worker": cpu_s(worker.proc.pid) if worker else 0.0,
            "bench_clients": time.process_time(),
        }
        run_started = time.monotonic()
        for thread in threads:
            thread.start()
        pushes = []
        driver_ids = [d.user["id"] for d in drivers]
        for k in range(1, args.pushes + 1):
            at = run_started + args.seconds * k / (args.pushes + 1)
            stop.wait(max(0.0, at - time.monotonic()))
            result = push_to_all(env, driver_ids, k, drivers)
            pushes.append(result)
            print(f"push {k}: {result}", flush=True)
        stop.wait(max(0.0, run_started + args.seconds - time.monotonic()))
        report["load_during"] = os.getloadavg()
        run_s = time.monotonic() - run_started
        cpu_after = {
            "server": sum(cpu_s(pid) for pid in pids),
            "rq_worker": cpu_s(worker.proc.pid) if worker else 0.0,
            "bench_clients": time.process_time(),
        }
        # Share of one core each used during the run: the server process is GIL-bound to one.
        report["cpu_core_share"] = {
            name: round((cpu_after[name] - cpu_before[name]) / run_s, 2) for name in cpu_before
        }
        report["server_rss_mb_end"] = round(sum(rss_kb(pid) for pid in pids) / 1024, 1)
        stop.set()
        for thread in threads:
            thread.join(40)
        report["held"] = sum(1 for d in drivers if d.sio.connected)

        engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            stored = set(
                conn.scalars(
                    sa.text("SELECT client_id FROM driver_event WHERE job_key LIKE 'bench:%'")
                )
            )
            proofs = conn.scalar(sa.text("SELECT count(*) FROM proof_of_delivery"))
        engine.dispose()
        lost = stats.accepted - stored

        def ms(values, q):
            value = percentile(values, q)
            return round(value, 1) if value is not None else None

        report.update(
            proofs_sent=len(stats.proof_ms),
            proofs_stored=proofs,
            positions_acked=len(stats.position_ms),
            proof_ms={
                "p50": ms(stats.proof_ms, 50),
                "p95": ms(stats.proof_ms, 95),
                "p99": ms(stats.proof_ms, 99),
                "max": ms(stats.proof_ms, 100),
            },
            proof_server_ms={
                "p50": ms(stats.proof_server_ms, 50),
                "p95": ms(stats.proof_server_ms, 95),
                "p99": ms(stats.proof_server_ms, 99),
            },
            position_ack_ms={
                "p50": ms(stats.position_ms, 50),
                "p95": ms(stats.position_ms, 95),
                "p99": ms(stats.position_ms, 99),
            },
            pushes=pushes,
            push_all_ms_max=max((p["all_received_ms"] or float("inf")) for p in pushes)
            if pushes
            else None,
            errors=len(stats.errors),
            error_samples=stats.errors[:10],
            disconnects=stats.disconnects,
            lost_records=len(lost),
        )
    finally:
        for driver in drivers:
            with contextlib.suppress(Exception):  # already gone
                driver.sio.disconnect()
        for server in servers:
            server.stop()
        if worker:
            worker.stop()
        if redis:
            redis.stop()
    report["load_after"] = os.getloadavg()
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

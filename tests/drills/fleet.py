"""The fault drills' production layout and their simulated drivers.

`Cluster` starts what tests/integration/harness.py starts (redis-server, two gunicorn servers
from gunicorn.conf.py, an RQ worker, a shared database, seed data). `Fleet` runs phones that
behave like the PWA: each proof goes into an outbox with a fresh client id and is sent, in
order, until the server acknowledges it (200/201); a refused or unanswered send stays in the
outbox and is retried. Positions go every few seconds (they may be dropped during an outage,
as the phone's own position buffer does). `Fleet.tally()` then counts in the database:
proofs sent, stored, doubled and lost.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import random
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from PIL import Image

from tests.integration.harness import Redis, Server, Worker, base_env, run_seed

SIGNATURE_SIZE = (300, 120)


def data_url(fmt: str, size: tuple[int, int], noise: bool = False) -> str:
    """An image as the phone sends it; `noise` makes a JPEG that does not compress."""
    if noise:
        image = Image.frombytes("RGB", size, random.Random(size[0]).randbytes(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 200, 200))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=95)
    mime = {"PNG": "image/png", "JPEG": "image/jpeg"}[fmt]
    return f"data:{mime};base64," + base64.b64encode(buffer.getvalue()).decode()


def engine_for(db_url: str) -> sa.Engine:
    return sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))


class Cluster:
    """Two gunicorn servers, an RQ worker, Redis and a database (`db_url`, made by the caller)."""

    def __init__(self, workdir: Path, db_url: str, drivers: int = 6, points: int = 4, **env: str):
        self.workdir, self.db_url = workdir, db_url
        self.redis = Redis(workdir)
        self.env = base_env(workdir, db_url, self.redis.url, **env)
        self.servers = [Server("A", self.env, workdir), Server("B", self.env, workdir)]
        self.worker: Worker | None = None
        for server in self.servers:
            server.start(wait=False)
        self.seed = run_seed(self.env, "--drivers", str(drivers), "--points", str(points), "--plan")
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda s: s.wait_ready(), self.servers))
        self.worker = Worker(self.env, workdir)
        self.engine = engine_for(db_url)

    def coordinator(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.seed['coordinator']['token']}"}

    def request_planning(self, server: Server | None = None) -> requests.Response:
        server = server or self.servers[0]
        body = {"date": self.seed["today"], "reason": "drill", "time_limit_s": 1}
        return requests.post(server.url + "/api/v1/planning/jobs", json=body, headers=self.coordinator(), timeout=30)

    def job(self, job_id: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT status, message, message_params FROM planning_job WHERE id = :id"),
                {"id": job_id},
            ).one()
        return {"status": row.status, "message": row.message, "params": row.message_params}

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.workdir.glob("*.log"))
        )

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        if self.worker:
            self.worker.stop()
        self.redis.stop()
        self.engine.dispose()


@dataclass
class Tally:
    name: str
    sent: int
    acknowledged: int
    stored: int
    doubled: int
    lost: int
    answers: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"DRILL {self.name}: proofs sent={self.sent} stored={self.stored} "
            f"doubled={self.doubled} lost={self.lost} (acknowledged={self.acknowledged}; "
            f"answers {json.dumps(self.answers, sort_keys=True)}; {json.dumps(self.extra, sort_keys=True)})"
        )

    def check(self) -> None:
        print(self.line(), flush=True)
        assert self.stored == self.sent, self.line()
        assert self.doubled == 0, self.line()
        assert self.lost == 0, self.line()


class Phone:
    """One driver's phone: a proof outbox flushed in order, retried until acknowledged."""

    def __init__(self, fleet: Fleet, index: int, token: str, url: str):
        self.fleet, self.index, self.url = fleet, index, url
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.outbox: deque[dict[str, Any]] = deque()
        self.made: list[str] = []
        self.acked: set[str] = set()
        self.n = 0

    def make_proof(self, with_photo: bool | None = None) -> dict[str, Any]:
        self.n += 1
        photo = self.fleet.with_photo(self) if with_photo is None else with_photo
        body = {
            "client_id": uuid.uuid4().hex,
            "kind": "deliver",
            "plan_date": self.fleet.today,
            "job_key": f"drill:{self.index}:{self.n}",
            "recorded_at": (datetime.now(UTC) + self.fleet.clock_offset(self)).isoformat(),
            "lat": 55.84,
            "lon": 13.31,
            "proof": {
                "receiver_name": "Kim Köksson",
                "signature": self.fleet.signature,
                "photos": [self.fleet.photo] if photo else [],
                "lines": [],
                "returns": {"crates": 1, "roll_cages": 0, "pallets": 0},
                "note": "drill",
            },
        }
        self.outbox.append(body)
        self.made.append(body["client_id"])
        return body

    def flush(self) -> None:
        while self.outbox:
            body = self.outbox[0]
            try:
                answer = self.http.post(f"{self.url}/api/v1/driver/events", json=body, timeout=20,
                                        headers=self.clock_header())  # fmt: skip
            except requests.RequestException as exc:
                self.fleet.answer(type(exc).__name__, None)
                return
            self.fleet.answer(str(answer.status_code), answer)
            if answer.status_code in (200, 201):
                self.fleet.acknowledged(self, body, answer.json())
                self.acked.add(body["client_id"])
                self.outbox.popleft()
            else:
                return

    def clock_header(self) -> dict[str, str]:
        """The phone's clock as the request leaves, as the PWA sends it (X-Client-Time)."""
        return {"X-Client-Time": (datetime.now(UTC) + self.fleet.clock_offset(self)).isoformat()}

    def send_position(self, rng: random.Random) -> None:
        body = {
            "positions": [
                {
                    "lat": 55.8 + rng.random() / 10,
                    "lon": 13.3 + rng.random() / 10,
                    "speed_mps": 11.0,
                    "recorded_at": (datetime.now(UTC) + self.fleet.clock_offset(self)).isoformat(),
                }
            ]
        }
        with contextlib.suppress(requests.RequestException):
            answer = self.http.post(f"{self.url}/api/v1/driver/positions", json=body, timeout=10)
            self.fleet.positions[str(answer.status_code)] += 1

    def run(self, stop: threading.Event, proof_every: float, position_every: float) -> None:
        rng = random.Random(self.index)
        next_proof = time.monotonic() + rng.uniform(0, proof_every)
        next_position = time.monotonic() + rng.uniform(0, position_every)
        while not stop.is_set():
            now = time.monotonic()
            if now >= next_proof:
                next_proof += proof_every
                self.make_proof()
            if now >= next_position:
                next_position += position_every
                self.send_position(rng)
            self.flush()
            stop.wait(max(0.05, min(next_proof, next_position) - time.monotonic()) if not self.outbox else 0.5)


class Fleet:
    """The cluster's seeded drivers as phones, spread over the servers; `run()` in the background
    while a drill breaks something, then `finish()` empties every outbox and `tally()` counts."""

    def __init__(
        self,
        cluster: Cluster,
        name: str,
        *,
        proof_every: float = 2.0,
        position_every: float = 3.0,
        photo_every: int = 3,
        photo: str | None = None,
    ):
        self.cluster, self.name = cluster, name
        self.today = cluster.seed["today"]
        self.proof_every, self.position_every = proof_every, position_every
        self.photo_every = photo_every
        self.signature = data_url("PNG", SIGNATURE_SIZE)
        self.photo = photo or data_url("JPEG", (800, 600))
        self.phones = [
            Phone(self, i, d["token"], cluster.servers[i % len(cluster.servers)].url)
            for i, d in enumerate(cluster.seed["drivers"])
        ]
        self.answers: Counter[str] = Counter()
        self.positions: Counter[str] = Counter()
        self.samples: dict[str, dict[str, Any]] = {}
        self.acks: list[dict[str, Any]] = []
        self.offsets: dict[int, timedelta] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.on_ack: Callable[[Phone, dict[str, Any], dict[str, Any]], None] | None = None

    def with_photo(self, phone: Phone) -> bool:
        return self.photo_every > 0 and phone.n % self.photo_every == 0

    def clock_offset(self, phone: Phone) -> timedelta:
        return self.offsets.get(phone.index, timedelta(0))

    def answer(self, status: str, response: requests.Response | None) -> None:
        with self.lock:
            self.answers[status] += 1
            if response is not None and status not in ("200", "201") and status not in self.samples:
                try:
                    self.samples[status] = {
                        "content_type": response.headers.get("Content-Type", ""),
                        "body": response.json(),
                    }
                except ValueError:
                    self.samples[status] = {"content_type": response.headers.get("Content-Type", ""),
                                            "body": response.text[:300]}  # fmt: skip

    def acknowledged(self, phone: Phone, body: dict[str, Any], answer: dict[str, Any]) -> None:
        with self.lock:
            self.acks.append({"phone": phone.index, "body": body, "answer": answer})
        if self.on_ack:
            self.on_ack(phone, body, answer)

    def run(self) -> Fleet:
        self.threads = [
            threading.Thread(target=p.run, args=(self.stop, self.proof_every, self.position_every), daemon=True)
            for p in self.phones
        ]
        for thread in self.threads:
            thread.start()
        return self

    def finish(self, timeout_s: float = 90) -> None:
        """Stop making proofs; flush every outbox until empty (or the timeout)."""
        self.stop.set()
        for thread in self.threads:
            thread.join(30)
        deadline = time.monotonic() + timeout_s
        while any(p.outbox for p in self.phones) and time.monotonic() < deadline:
            for phone in self.phones:
                phone.flush()
            time.sleep(0.5)

    def replay(self) -> None:
        """Send every acknowledged proof once more, as a phone that missed the answers would."""
        for ack in list(self.acks):
            phone = self.phones[ack["phone"]]
            answer = phone.http.post(f"{phone.url}/api/v1/driver/events", json=ack["body"], timeout=20)
            assert answer.status_code == 200, answer.text

    def tally(self, **extra: Any) -> Tally:
        made = [cid for p in self.phones for cid in p.made]
        acked = {cid for p in self.phones for cid in p.acked}
        with self.cluster.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT e.client_id, count(p.id) AS proofs FROM driver_event e "
                    "LEFT JOIN proof_of_delivery p ON p.event_id = e.id "
                    "WHERE e.job_key LIKE 'drill:%' GROUP BY e.client_id"
                )
            ).all()
            events = conn.scalar(sa.text("SELECT count(*) FROM driver_event WHERE job_key LIKE 'drill:%'"))
        per_event = {row.client_id: row.proofs for row in rows}
        stored = sum(1 for cid in made if per_event.get(cid, 0) >= 1)
        doubled = sum(max(0, n - 1) for n in per_event.values()) + (events - len(per_event))
        lost = len(set(made) - set(per_event))  # acknowledged or not: every proof made must arrive
        extra.setdefault("positions", dict(self.positions))
        if self.samples:
            extra.setdefault("refusals", self.samples)
        return Tally(self.name, len(made), len(acked), stored, doubled, lost, dict(self.answers), extra)

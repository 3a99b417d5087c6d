"""Two gunicorn processes, one RQ worker, Redis and a shared database, as in production.

- A driver connected to process A gets `route_updated` when an order added through
  process B triggers a re-plan that runs in the RQ worker (Socket.IO over Redis).
- Process A is SIGKILLed while drivers are connected and posting events; after a
  restart every acknowledged event is stored once, a replay stores nothing twice,
  and the drivers reconnect and get their current routes.

The database is TEST_DATABASE_URL's server (a fresh database) when set, else a
SQLite file in WAL mode shared by both processes.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests
import socketio
import sqlalchemy as sa

from tests.integration.harness import Redis, Server, Worker, base_env, database_url, run_seed
from tests.waiting import wait_until


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("cluster")
    redis = Redis(workdir)
    db_url, drop_database = database_url(workdir)
    env = base_env(workdir, db_url, redis.url)
    servers = [Server("A", env, workdir), Server("B", env, workdir)]
    worker = Worker(env, workdir)
    try:
        # The servers start (imports, app) while the seed writes the database.
        for server in servers:
            server.start(wait=False)
        seed = run_seed(env, "--drivers", "3", "--points", "4", "--plan")
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda s: s.wait_ready(), servers))
        yield {
            "seed": seed,
            "a": servers[0],
            "b": servers[1],
            "db_url": db_url,
            "worker": worker,
            "workdir": workdir,
        }
    finally:
        for server in servers:
            server.stop()
        worker.stop()
        redis.stop()
        drop_database()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class DriverClient:
    """A python-socketio client on /driver that records what it receives."""

    def __init__(self, url: str, token: str):
        self.received: list[tuple[str, dict, float]] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(
            reconnection=True,
            reconnection_delay=0.2,
            reconnection_delay_max=1,
            randomization_factor=0.2,
        )
        for name in ("routes", "route_updated", "route_removed"):
            self.sio.on(name, self._recorder(name), namespace="/driver")
        self.sio.connect(
            url,
            auth={"token": token},
            namespaces=["/driver"],
            transports=["websocket"],
            wait_timeout=15,
        )

    def _recorder(self, name):
        def record(data):
            with self.lock:
                self.received.append((name, data, time.monotonic()))

        return record

    def events(self, name: str) -> list[dict]:
        with self.lock:
            return [data for event, data, _ in self.received if event == name]

    def close(self) -> None:
        self.sio.disconnect()


def test_route_change_through_b_reaches_driver_on_a(cluster):
    seed, a, b = cluster["seed"], cluster["a"], cluster["b"]
    [(driver_id, stops)] = seed["routes"].items()
    token = next(d["token"] for d in seed["drivers"] if str(d["id"]) == driver_id)
    driver = DriverClient(a.url, token)
    try:
        [routes] = wait_until(lambda: driver.events("routes"), 15, "routes on connect")
        assert [s["job_key"] for s in routes["routes"][0]["stops"]] == stops

        order = {
            "external_id": f"O-NEW-{uuid.uuid4().hex[:6]}",
            "delivery_point_id": seed["free_point_id"],
            "supplier_id": seed["supplier_id"],
            "requested_date": seed["today"],
            "lines": [
                {
                    "article": "Ägg",
                    "quantity": 5,
                    "unit": "fp",
                    "weight_kg": 5,
                    "pallet_places": 0.05,
                    "temperature_class": "chilled",
                }
            ],
        }
        response = requests.post(
            f"{b.url}/api/v1/orders/",
            json=order,
            headers=auth(seed["coordinator"]["token"]),
            timeout=30,
        )
        assert response.status_code == 201, response.text

        [update] = wait_until(lambda: driver.events("route_updated"), 60, "route_updated on A")
        new_key = f"dp:{seed['free_point_id']}"
        assert new_key in [s["job_key"] for s in update["route"]["stops"]]
        assert update["changes"]["added"] == [new_key]
    finally:
        driver.close()


def test_kill_a_while_syncing_loses_and_doubles_nothing(cluster):
    seed, a, b, db_url = cluster["seed"], cluster["a"], cluster["b"], cluster["db_url"]
    drivers = [DriverClient(a.url, d["token"]) for d in seed["drivers"]]
    accepted: dict[str, str] = {}  # client_id -> token of the driver it was accepted for
    attempted: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    errors: list[str] = []

    def post_loop(token: str) -> None:
        session = requests.Session()
        n = 0
        while not stop.is_set():
            client_id = uuid.uuid4().hex
            n += 1
            body = {
                "client_id": client_id,
                "kind": "arrive",
                "plan_date": seed["today"],
                "job_key": f"sync-test:{n}",
                "recorded_at": datetime.now(UTC).isoformat(),
            }
            with lock:
                attempted[client_id] = token
            # Like the PWA's outbox: the same client_id is retried until it is acknowledged.
            while not stop.is_set():
                try:
                    answer = session.post(
                        f"{a.url}/api/v1/driver/events", json=body, headers=auth(token), timeout=5
                    )
                except requests.RequestException:
                    time.sleep(0.05)
                    continue
                if answer.status_code in (200, 201):
                    with lock:
                        accepted[client_id] = token
                    break
                if answer.status_code >= 500 or answer.status_code == 429:
                    time.sleep(0.05)
                    continue
                errors.append(f"{answer.status_code} {answer.text[:200]}")
                return

    try:
        for driver in drivers:
            wait_until(lambda d=driver: d.events("routes"), 15, "routes on connect")
        threads = [
            threading.Thread(target=post_loop, args=(d["token"],), daemon=True)
            for d in seed["drivers"]
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        wait_until(lambda: len(accepted) >= 20, 30, "events accepted before the kill")
        a.kill()  # SIGKILL, mid-flight
        before_restart = len(accepted)
        time.sleep(0.5)
        a.start()
        wait_until(
            lambda: len(accepted) >= before_restart + 20, 30, "events accepted after the restart"
        )
        stop.set()
        for thread in threads:
            thread.join(10)
        assert not errors, errors

        # Every driver reconnected by itself and got its current routes again.
        for driver in drivers:
            wait_until(lambda d=driver: len(d.events("routes")) >= 2, 30, "routes after reconnect")
        owner = next(
            d
            for d, s in zip(drivers, seed["drivers"], strict=True)
            if str(s["id"]) in seed["routes"]
        )
        assert owner.events("routes")[-1]["routes"], "the route's driver got an empty route list"

        engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:

            def stored() -> list[str]:
                with engine.connect() as conn:
                    return list(
                        conn.scalars(
                            sa.text(
                                "SELECT client_id FROM driver_event "
                                "WHERE job_key LIKE 'sync-test:%'"
                            )
                        )
                    )

            rows = stored()
            assert len(rows) == len(set(rows))
            missing = set(accepted) - set(rows)
            assert not missing, f"{len(missing)} acknowledged events lost"

            # Replay every acknowledged record (as a phone that never saw the answer would), on B.
            session = requests.Session()
            for client_id, token in accepted.items():
                body = {
                    "client_id": client_id,
                    "kind": "arrive",
                    "plan_date": seed["today"],
                    "job_key": "sync-test:replay",
                    "recorded_at": datetime.now(UTC).isoformat(),
                }
                answer = session.post(
                    f"{b.url}/api/v1/driver/events", json=body, headers=auth(token), timeout=10
                )
                assert answer.status_code == 200 and answer.json()["replay"] is True, answer.text
            assert sorted(stored()) == sorted(rows)
            # In flight at the kill and never acknowledged: stored at most once.
            for client_id in set(attempted) - set(accepted):
                body = {
                    "client_id": client_id,
                    "kind": "arrive",
                    "plan_date": seed["today"],
                    "job_key": "sync-test:late",
                    "recorded_at": datetime.now(UTC).isoformat(),
                }
                answer = session.post(
                    f"{b.url}/api/v1/driver/events",
                    json=body,
                    headers=auth(attempted[client_id]),
                    timeout=10,
                )
                assert answer.status_code in (200, 201), answer.text
            final = stored()
            assert len(final) == len(set(final)) == len(set(attempted))
        finally:
            engine.dispose()
    finally:
        stop.set()
        for driver in drivers:
            driver.close()


def test_revoking_on_b_cuts_the_phone_on_a(cluster):
    """A lost phone connected to process A is revoked through process B."""
    seed, a, b = cluster["seed"], cluster["a"], cluster["b"]
    lost = seed["drivers"][-1]
    phone = socketio.Client(reconnection=False)
    phone.connect(
        a.url,
        auth={"token": lost["token"]},
        namespaces=["/driver"],
        transports=["websocket"],
        wait_timeout=15,
    )
    try:
        assert phone.call("get_routes", {}, namespace="/driver", timeout=10)["ok"] is True
        answer = requests.post(
            f"{b.url}/api/v1/auth/users/{lost['id']}/revoke-tokens",
            headers=auth(seed["coordinator"]["token"]),
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        refused = phone.call("get_routes", {}, namespace="/driver", timeout=10)
        assert refused == {"ok": False, "error": "unauthorized"}
        wait_until(lambda: not phone.connected, 10, "the revoked phone to be disconnected")
        again = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            again.connect(
                a.url,
                auth={"token": lost["token"]},
                namespaces=["/driver"],
                transports=["websocket"],
                wait_timeout=10,
            )
        response = requests.get(
            f"{a.url}/api/v1/driver/routes", headers=auth(lost["token"]), timeout=10
        )
        assert response.status_code == 401
    finally:
        if phone.connected:
            phone.disconnect()


def test_receipt_is_rendered_by_the_rq_worker(cluster):
    """With Redis, the PDF receipt is rendered in the worker process, not in the server."""
    import base64
    import io

    from PIL import Image

    seed, b, db_url = cluster["seed"], cluster["b"], cluster["db_url"]
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (255, 255, 255)).save(buffer, format="PNG")
    signature = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    body = {
        "client_id": uuid.uuid4().hex,
        "kind": "deliver",
        "plan_date": seed["today"],
        "job_key": "receipt-test:1",
        "recorded_at": datetime.now(UTC).isoformat(),
        "proof": {"receiver_name": "Kim", "signature": signature, "photos": [], "lines": []},
    }
    token = seed["drivers"][0]["token"]
    answer = requests.post(
        f"{b.url}/api/v1/driver/events", json=body, headers=auth(token), timeout=10
    )
    assert answer.status_code == 201, answer.text
    # The server reports its own time, so a client can tell it from the network and queueing.
    assert answer.headers["Server-Timing"].startswith("app;dur=")
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    query = sa.text("SELECT receipt_pdf FROM proof_of_delivery WHERE id = :id")

    def rendered():
        with engine.connect() as conn:
            pdf = conn.scalar(query, {"id": answer.json()["proof_id"]})
        return pdf if pdf else None

    try:
        # Nobody asks for the receipt: only the worker can have rendered it.
        pdf = wait_until(rendered, 30, "the worker rendering the receipt")
        assert bytes(pdf).startswith(b"%PDF")
        assert "render_receipt_task" in (cluster["workdir"] / "worker.log").read_text()
    finally:
        engine.dispose()

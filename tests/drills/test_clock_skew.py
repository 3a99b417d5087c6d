"""Drill: phones whose clocks are 2 hours off (one ahead, one behind) among drivers sending
proofs, one of them arriving at and delivering to a planned stop.

The server's time orders events: each event's occurred_at is within seconds of when the server
received it, events sort by it in the order they happened, the planned stop's order is
delivered at the server's time, and the early phone does not make its driver 2 hours later than
the server's clock says (a re-plan names the delay by the server's clock). The phone's time is
kept as the reported time (recorded_at, exactly as sent).
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.drills.fleet import Fleet

pytestmark = pytest.mark.drill

SKEW = timedelta(hours=2)
AHEAD, BEHIND = 0, 1


def aware(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_clock_skew(make_cluster):
    cluster = make_cluster()
    fleet = Fleet(cluster, "phone clocks 2 h off")
    fleet.offsets = {AHEAD: SKEW, BEHIND: -SKEW}
    fleet.run()
    time.sleep(12)

    # The early phone's driver arrives at and delivers to a stop of today's plan.
    driver = next(d for d in cluster.seed["drivers"] if str(d["id"]) in cluster.seed["routes"])
    phone = next(p for p in fleet.phones if p.http.headers["Authorization"].endswith(driver["token"]))
    fleet.offsets[phone.index] = SKEW
    job_key = cluster.seed["routes"][str(driver["id"])][0]
    with cluster.engine.connect() as conn:
        lines = [{"order_line_id": row.id, "delivered_quantity": row.quantity} for row in conn.execute(sa.text(
            "SELECT l.id, l.quantity FROM order_line l JOIN purchase_order o ON o.id = l.order_id "
            "WHERE o.delivery_point_id = :p"), {"p": int(job_key.split(":")[1])})]  # fmt: skip
    planning_jobs_before = cluster_jobs(cluster)
    for kind in ("arrive", "deliver"):
        body = {
            "client_id": uuid.uuid4().hex, "kind": kind, "plan_date": cluster.seed["today"], "job_key": job_key,
            "recorded_at": (datetime.now(UTC) + SKEW).isoformat(), "lat": 55.84, "lon": 13.31,
        }  # fmt: skip
        if kind == "deliver":
            body["proof"] = {"receiver_name": "Kim", "signature": fleet.signature, "photos": [], "lines": lines,
                             "returns": {}, "note": ""}  # fmt: skip
        answer = phone.http.post(f"{phone.url}/api/v1/driver/events", json=body, headers=phone.clock_header(),
                                 timeout=20)  # fmt: skip
        assert answer.status_code == 201, answer.text
        time.sleep(1)
    time.sleep(5)
    fleet.finish()

    with cluster.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT id, client_id, job_key, recorded_at, received_at, occurred_at FROM driver_event ORDER BY id"
        )).all()  # fmt: skip
        replans = conn.execute(sa.text("SELECT reason FROM planning_job ORDER BY created_at")).scalars().all()
        replans = replans[planning_jobs_before:]
        planned = conn.scalar(
            sa.text("SELECT s.planned_arrival FROM stop s JOIN route r ON r.id = s.route_id "
                    "WHERE r.plan_id = :plan AND s.job_key = :key"),
            {"plan": cluster.seed["plan_id"], "key": job_key},
        )  # fmt: skip
        arrived = conn.execute(sa.text(
            "SELECT recorded_at, occurred_at FROM driver_event WHERE job_key = :key AND kind = 'arrive'"),
            {"key": job_key}).one()  # fmt: skip
    sent = {a["body"]["client_id"]: a["body"]["recorded_at"] for a in fleet.acks}
    drill = [r for r in rows if r.client_id in sent]
    kept = sum(1 for r in drill if abs((aware(r.recorded_at) - aware(sent[r.client_id])).total_seconds()) < 0.001)
    skewed = [r for r in drill if int(r.job_key.split(":")[1]) in (AHEAD, BEHIND)]
    worst_s = max(abs((aware(r.occurred_at) - aware(r.received_at)).total_seconds()) for r in drill)
    reported_off_s = [round((aware(r.recorded_at) - aware(r.received_at)).total_seconds() / 3600, 2) for r in skewed]
    # Sorted by the server's time (occurred_at) the events are in the order they reached the
    # server (received_at), up to the moment two requests ran side by side (1 s).
    out_of_order = inversions(rows, "occurred_at")
    phone_out_of_order = inversions(rows, "recorded_at")

    # Behind by the server's clock, not by the phone's (which would say 2 hours more).
    behind_server = round((aware(arrived.occurred_at) - aware(planned)).total_seconds() / 60)
    behind_phone = round((aware(arrived.recorded_at) - aware(planned)).total_seconds() / 60)
    tally = fleet.tally(
        skewed_phone_events=len(skewed), reported_time_kept=f"{kept}/{len(drill)}",
        max_server_time_vs_received_s=round(worst_s, 2), out_of_order_by_server_time=out_of_order,
        out_of_order_by_phone_time=phone_out_of_order, replans=replans, behind_by_phone_clock_min=behind_phone,
        behind_by_server_clock_min=behind_server,
        reported_hours_off=sorted(set(round(h) for h in reported_off_s)),
    )  # fmt: skip
    tally.check()
    assert skewed and kept == len(drill)
    assert worst_s < 5, worst_s
    assert out_of_order == 0
    assert phone_out_of_order > 0  # the phone's clocks alone would have mixed them up
    for reason in replans:
        said = int(reason.split()[1])
        assert abs(said - behind_server) <= 1 and abs(said - behind_phone) > 100, (reason, behind_server)
    delivered = stop_delivered_at(cluster, job_key)
    assert delivered is not None and abs((aware(delivered) - datetime.now(UTC)).total_seconds()) < 120, delivered


def inversions(rows, by: str) -> int:
    """Events that, sorted by `by`, reached the server more than a second before the one
    sorted ahead of them."""
    ordered = sorted(rows, key=lambda r: (aware(getattr(r, by)), r.id))
    return sum(
        1 for a, b in zip(ordered, ordered[1:], strict=False)
        if (aware(a.received_at) - aware(b.received_at)).total_seconds() > 1
    )  # fmt: skip


def cluster_jobs(cluster) -> int:
    with cluster.engine.connect() as conn:
        return conn.scalar(sa.text("SELECT count(*) FROM planning_job"))


def stop_delivered_at(cluster, job_key: str):
    point = int(job_key.split(":")[1]) if job_key.startswith("dp:") else None
    with cluster.engine.connect() as conn:
        return conn.scalar(
            sa.text("SELECT max(delivered_at) FROM purchase_order WHERE delivery_point_id = :p"), {"p": point}
        )

"""A new order on the 623-stop day, end to end: from the coordinator's POST to the driver's phone.

    .venv/bin/python bench/replan_e2e.py                      # scale 4.35, busiest day, 20 tries

Persists the synthetic demo cluster at ``--scale`` (about 1 000 points) in a temporary SQLite
database, holds ``--tries`` delivery points of its busiest weekday out (all their orders that day),
plans the day with the ordinary planner (``--time-limit``), and connects every
vehicle's driver to the /driver Socket.IO namespace (Flask-SocketIO's test client, in process).
Then, one at a time, one order of each held-out point is POSTed to /api/v1/orders as the coordinator; the time
counted is from the request until the ``route_updated`` that puts the order's delivery point on a
route is emitted to the driver's socket (the test client has it then; the bench also checks that
the socket received it). Each pushed plan is checked independently: every stop of
the day once, every earlier stop still there, receiving windows, compartments, shifts, and the
driving time of each trip. The background re-plan each order queues (``--improve-limit`` seconds,
the in-process worker thread) finishes before the next order is sent: orders do not arrive twice a
second. Prints the median, p95 and max.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def check(plan, day, before_keys: set[str], travel) -> None:
    """Independent checks of a stored plan against the day's planner problem."""
    from samlast import clock
    from samlast import planning as pl

    problem = day.problem
    jobs = {j.id: j for j in problem.jobs}
    vehicles = {v.id: v for v in problem.vehicles}
    seen: dict[str, int] = defaultdict(int)
    for route in plan.routes:
        vehicle = vehicles[str(route.vehicle_id)]
        start = clock.seconds_of(plan.plan_date, route.planned_start)
        end = clock.seconds_of(plan.plan_date, route.planned_end)
        assert vehicle.shift_start <= start and end <= vehicle.shift_end, ("shift", route.id)
        places = [problem.terminal] + [pl.Location(s.lat, s.lon) for s in route.stops] + [problem.terminal]
        matrix = travel.matrix(places)
        driving = sum(matrix.durations_s[i][i + 1] for i in range(len(places) - 1))
        assert not vehicle.break_rule or driving <= problem.break_rule.max_driving_s, ("driving", route.id)
        for stop in route.stops:
            seen[stop.job_key] += 1
            served = clock.seconds_of(plan.plan_date, stop.planned_service_start)
            windows = jobs[stop.job_key].delivery.time_windows
            assert not windows or any(w.start <= served <= w.end for w in windows), ("window", stop.job_key)
            for cls, load in (stop.load_after or {}).items():
                assert pl.Load(load["kg"], load["pallets"]).fits_in(vehicle.capacity(cls)), ("load", stop.job_key)
    assert all(n == 1 for n in seen.values()), "a stop twice"
    assert before_keys <= seen.keys(), "an earlier stop was dropped"
    assert not {u["job_key"] for u in plan.unassigned} & seen.keys(), "a stop both planned and unassigned"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=4.35)
    ap.add_argument("--tries", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=30.0, help="planner seconds for the day's first plan")
    ap.add_argument("--improve-limit", type=float, default=5.0, help="seconds of each background re-plan")
    args = ap.parse_args(argv)

    import sqlalchemy as sa

    from samlast import create_app
    from samlast.demo.generator import generate_cluster
    from samlast.extensions import db, socketio
    from samlast.models import Order, Role, User, Vehicle
    from samlast.services import auth, demo, jobs, planning

    sys.path.insert(0, str(REPO / "bench"))
    from municipal import busiest_day

    cluster = generate_cluster(seed=2026, scale=args.scale, start=next_monday(date.today()))
    day = busiest_day(cluster)
    with tempfile.TemporaryDirectory(prefix="samlast-replan-") as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}", "REDIS_URL": None,
                          "RATELIMIT_ENABLED": False, "GEOCODING_ENABLED": False, "OSRM_URL": None,
                          "REPLAN_WHEN_LATE_MIN": 10**6, "PLANNING_RUNNER": "thread",
                          "PLANNING_TIME_LIMIT_S": args.improve_limit})  # fmt: skip
        with app.app_context():
            db.create_all()
            demo._persist(cluster)
            demo._ensure_users()
            db.session.commit()
            # A held-out point has none of its orders that day in the plan; one of them comes back
            # as a new order, which makes a new stop.
            todays = db.session.scalars(sa.select(Order).where(Order.requested_date == day).order_by(Order.id)).all()
            per_point = defaultdict(list)
            for order in todays:
                per_point[order.delivery_point_id].append(order)
            points = sorted(per_point)
            chosen = points[:: max(1, len(points) // args.tries)][: args.tries]
            held = [per_point[point][0] for point in chosen]
            removed = [order for point in chosen for order in per_point[point]]
            bodies = [
                {
                    "external_id": order.external_id,
                    "delivery_point_id": order.delivery_point_id,
                    "supplier_id": order.supplier_id,
                    "requested_date": day.isoformat(),
                    "lines": [
                        {
                            "article": line.article,
                            "quantity": line.quantity,
                            "unit": line.unit,
                            "weight_kg": line.weight_kg,
                            "pallet_places": line.pallet_places,
                            "temperature_class": line.temperature_class.value,
                        }
                        for line in order.lines
                    ],  # fmt: skip
                }
                for order in held
            ]
            for order in removed:
                db.session.delete(order)
            db.session.commit()
            terminal = planning.default_terminal()
            vehicles = db.session.scalars(sa.select(Vehicle).where(Vehicle.terminal_id == terminal.id)).all()
            # A driver for every vehicle before the plan, so each route names its driver.
            for vehicle in vehicles:
                if vehicle.driver_id is None:
                    driver = User(username=f"bench-{vehicle.id}", display_name=vehicle.name, role=Role.DRIVER)
                    driver.set_password("bench-password-1")
                    db.session.add(driver)
                    db.session.flush()
                    vehicle.driver_id = driver.id
            db.session.commit()
            started = time.monotonic()
            plan = planning.plan_day(terminal, day, time_limit_s=args.time_limit)
            stops = sum(len(r.stops) for r in plan.routes)
            print(f"{day}: planned {stops} stops on {len(plan.routes)} trips, {len(plan.unassigned)} unassigned, "
                  f"in {time.monotonic() - started:.0f} s; {len(held)} orders held out")  # fmt: skip

            # Every driver connected to the /driver namespace.
            sockets = []
            for vehicle in vehicles:
                token = auth.issue_token(db.session.get(User, vehicle.driver_id), ttl_hours=2)[0]
                db.session.commit()
                sockets.append(socketio.test_client(app, namespace="/driver", auth={"token": token}))
            assert all(s.is_connected("/driver") for s in sockets)
            for s in sockets:
                s.get_received("/driver")

            # When each route_updated reached the sockets (the in-process test clients get it as it
            # is emitted), so the re-plan the request queues after the push is not counted.
            real = app.extensions["samlast.notifier"]
            delivered: list[tuple[float, dict]] = []

            class Timed:
                def publish(self, event):
                    real.publish(event)
                    if event.name == "route_updated":
                        delivered.append((time.perf_counter(), event.payload))

            app.extensions["samlast.notifier"] = Timed()
            coordinator = auth.login("samordnare", "demo-samordnare", ttl_hours=2)[0]
            client = app.test_client()
            headers = {"Authorization": f"Bearer {coordinator}"}
            travel = planning.travel_model()
            times, placed = [], 0
            for body in bodies:
                jobs.drain(600)  # the previous order's background re-plan is over
                db.session.expire_all()
                before = planning.current_plan(terminal.id, day)
                before_keys = {s.job_key for r in before.routes for s in r.stops}
                for s in sockets:
                    s.get_received("/driver")
                delivered.clear()
                t0 = time.perf_counter()
                response = client.post("/api/v1/orders/", json=body, headers=headers)
                assert response.status_code == 201, response.json
                point = body["delivery_point_id"]
                received = [m for s in sockets for m in s.get_received("/driver")]
                heard = [
                    m for m in received
                    if m["name"] == "route_updated"
                    and any(stop["job_key"] == f"dp:{point}" for stop in m["args"][0]["route"]["stops"])
                ]  # fmt: skip
                pushed = [at for at, payload in delivered
                          if any(stop["job_key"] == f"dp:{point}" for stop in payload["route"]["stops"])]  # fmt: skip
                elapsed = (pushed[0] if pushed else time.perf_counter()) - t0
                db.session.expire_all()
                current = planning.current_plan(terminal.id, day)
                if heard:
                    placed += 1
                    times.append(elapsed)
                    assert current.solver_status == "inserted", current.solver_status
                    check(current, planning.build_day_problem(terminal, day), before_keys, travel)
                else:
                    print(f"  order {body['external_id']} (point {point}) fits no trip as planned: "
                          f"left to the background re-plan")  # fmt: skip
            jobs.drain(600)
            for s in sockets:
                s.disconnect(namespace="/driver")
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))] if times else float("nan")
    print(
        f"order POSTed -> route_updated on the driver's socket: median {1000 * times[len(times) // 2]:.0f} ms, "
        f"p95 {1000 * p95:.0f} ms, max {1000 * times[-1]:.0f} ms over {len(times)} inserted orders "
        f"({placed}/{len(bodies)} inserted at once; every pushed plan checked)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`flask samlast ...` commands: demo data, CSV import, users, backups."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup


def _record_as_command_line() -> None:
    from samlast.services import audit

    click.get_current_context().call_on_close(audit.from_the_command_line())


samlast_cli = AppGroup(
    "samlast", help="Samlast commands: demo data, import, users, backups.", callback=_record_as_command_line
)


@samlast_cli.command("demo")
@click.option("--reset", is_flag=True, help="Delete existing data first.")
@click.option("--seed", default=2026, show_default=True, help="Random seed (deterministic data).")
@click.option(
    "--start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Monday of the first order week (default: the Monday of this week).",
)
@click.option("--plan-today", is_flag=True, help="Also plan today's routes (if today has orders).")
@click.option("--region", type=click.Choice(["skane"]), default=None,
              help="Instead: the synthetic Skåne region for region planning (13 municipalities, 6 sites).")
def demo_command(reset: bool, seed: int, start, plan_today: bool, region: str | None) -> None:
    """Create the synthetic Mellersta Skåne demo cluster (idempotent)."""
    from datetime import timedelta

    from samlast import clock
    from samlast.services import demo, planning, region_demo

    today = clock.today()
    first_monday = start.date() if start else today - timedelta(days=today.weekday())
    try:
        if region:
            logins = region_demo.create_region_demo(seed=seed, reset=reset, start=first_monday)
        else:
            logins = demo.create_demo_data(seed=seed, reset=reset, start=first_monday)
    except demo.DemoDataConflict as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(demo.summary())
    if plan_today and planning.current_plan(planning.default_terminal().id, today) is None:
        click.echo(f"Planning today's routes ({today.isoformat()}) ...")
        plan = planning.plan_day(planning.default_terminal(), today, time_limit_s=10)
        stops = sum(len(route.stops) for route in plan.routes)
        click.echo(f"  {len(plan.routes)} routes, {stops} stops, {len(plan.unassigned)} unassigned.")
    click.echo("\nDemo logins (synthetic data, change before real use):")
    width = max(len(login.password) for login in logins)
    for login in logins:
        click.echo(f"  {login.role:<12} {login.username:<22} {login.password:<{width}}   {login.note}")


def _english(key: str, params: dict | None = None) -> str:
    """A message of the word tables in English (the language of these commands)."""
    from samlast.i18n import has, text

    return text(key, params if params is not None else getattr(key, "params", {}), "en") if has(key) else key


@samlast_cli.command("import")
@click.argument("kind", type=click.Choice(["delivery-points", "suppliers", "vehicles", "orders"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(kind: str, path: Path) -> None:
    """Import a CSV file (all-or-nothing; re-import updates by external_id)."""
    from samlast.services import imports

    result = imports.import_csv(kind.replace("-", "_"), path.read_bytes())
    if not result.ok:
        click.echo(f"Import of {path} failed; nothing was changed:", err=True)
        for error in result.errors:
            cell = f' "{error.value}"' if error.value else ""
            click.echo(f"  row {error.row}, column {error.column}{cell}: {_english(error.message)}", err=True)
        raise SystemExit(1)
    click.echo(f"Imported {path}: {result.created} created, {result.updated} updated.")


@samlast_cli.command("backup", help=_english("backup.cli.backup"))
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_english("backup.cli.to"))
@click.option("--keep", type=click.IntRange(min=1), default=None, help=_english("backup.cli.keep"))
def backup_command(folder: Path | None, keep: int | None) -> None:
    from samlast.services import backup

    with _backup_errors():
        result = backup.create_backup(folder, keep)
    for line in backup.backup_report(result):
        click.echo(_english(line))


@samlast_cli.command("restore", help=_english("backup.cli.restore"))
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help=_english("backup.cli.force"))
def restore_command(archive: Path, force: bool) -> None:
    from samlast.services import backup

    with _backup_errors():
        result = backup.restore_backup(archive, force=force)
    for line in backup.restore_report(archive, result):
        click.echo(_english(line))


@samlast_cli.command("retention", help=_english("retention.cli.help"))
@click.option("--dry-run", is_flag=True, help=_english("retention.cli.dry_run"))
def retention_command(dry_run: bool) -> None:
    from samlast.services import personal_data

    counts = personal_data.apply_retention(dry_run=dry_run)
    for line in personal_data.retention_report(counts, dry_run):
        click.echo(_english(line))


@samlast_cli.command("mail", help=_english("cli.mail.help"))
def mail_command() -> None:
    from samlast.services import mail

    click.echo(_english("cli.mail.done", mail.send_due()))


@samlast_cli.command("inbox", help=_english("cli.inbox.help"))
@click.option(
    "--folder", type=click.Path(file_okay=False, path_type=Path), default=None, help=_english("cli.inbox.folder")
)
@click.option("--once", is_flag=True, help=_english("cli.inbox.once"))
@click.option("--interval", default=10.0, show_default=True, help=_english("cli.inbox.interval"))
@click.option("--settle", default=5.0, show_default=True, help=_english("cli.inbox.settle"))
def inbox_command(folder: Path | None, once: bool, interval: float, settle: float) -> None:
    from flask import current_app

    from samlast.services import inbox

    folder = folder or (Path(current_app.config["INBOX_DIR"]) if current_app.config["INBOX_DIR"] else None)
    if folder is None:
        raise click.UsageError(_english("cli.inbox.no_folder"))
    if not folder.is_dir():
        raise click.UsageError(_english("cli.inbox.not_a_folder", {"folder": str(folder)}))
    returned = inbox.recover(folder)
    if returned:
        click.echo(_english("cli.inbox.recovered", {"n": returned}))
    while True:
        for outcome in inbox.scan(folder, settle_s=settle):
            key = "cli.inbox.imported" if outcome.ok else "cli.inbox.refused"
            click.echo(_english(key, {"file": outcome.file, "n": outcome.documents, "refused": outcome.refused,
                                      "to": str(outcome.moved_to)}))  # fmt: skip
        if once:
            return
        time.sleep(interval)


@samlast_cli.group("person", help=_english("person.cli.help"))
def person_cli() -> None:
    pass


def _person(name: str | None, username: str | None):
    from samlast.services import personal_data

    if not (name or username):
        raise click.UsageError(_english("person.cli.who_needed"))
    person = personal_data.Person(name=name, username=username)
    if username and personal_data.person_records(person)["user"] is None:
        raise click.UsageError(_english("person.cli.no_user", {"username": username}))
    return person


def _person_options(command):
    command = click.option("--user", "username", default=None, help=_english("person.cli.user"))(command)
    return click.option("--name", default=None, help=_english("person.cli.name"))(command)


@person_cli.command("export")
@_person_options
@click.option("--to", "path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_english("person.cli.to"))
def person_export_command(name: str | None, username: str | None, path: Path | None) -> None:
    import json

    from samlast.services import personal_data

    records = personal_data.person_records(_person(name, username))
    document = json.dumps(records, ensure_ascii=False, indent=2)
    if path is None:
        click.echo(document)
    else:
        path.write_text(document + "\n", encoding="utf-8")
        click.echo(_english("person.cli.exported", {"path": str(path)}))


@person_cli.command("erase")
@_person_options
@click.option("--yes", is_flag=True, help=_english("person.cli.yes"))
def person_erase_command(name: str | None, username: str | None, yes: bool) -> None:
    import json

    from samlast.services import personal_data

    person = _person(name, username)
    records = personal_data.person_records(person)
    found = {key: value for key, value in records.items() if key not in ("name", "username") and value}
    if not found:
        click.echo(_english("person.cli.nothing"))
        return
    click.echo(json.dumps(found, ensure_ascii=False, indent=2))
    if not yes:
        click.confirm(_english("person.cli.confirm"), abort=True)
    counts = personal_data.erase_person(person)
    what = ", ".join(f"{key} {count}" for key, count in counts.items() if count)
    click.echo(_english("person.cli.erased", {"what": what or "0"}))


@contextmanager
def _backup_errors() -> Iterator[None]:
    from samlast.i18n import Message
    from samlast.services.backup import BackupError

    try:
        yield
    except BackupError as exc:
        raise click.ClickException(_english(exc.message)) from None
    except OSError as exc:
        raise click.ClickException(_english(Message("backup.error.os", detail=str(exc)))) from None


@samlast_cli.command("plan")
@click.argument("plan_date", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--time-limit", type=float, default=None, help="Solver time limit in seconds.")
@click.option("--terminal-id", type=int, default=None, help="Defaults to the first terminal.")
@click.option("--fresh", is_flag=True, help="Plan from scratch instead of re-planning.")
def plan_command(plan_date, time_limit: float | None, terminal_id: int | None, fresh: bool) -> None:
    """Plan PLAN_DATE (YYYY-MM-DD) now, with a progress bar, and store the plan."""
    from flask import current_app

    from samlast.extensions import db
    from samlast.models import Terminal
    from samlast.services import planning

    terminal = db.session.get(Terminal, terminal_id) if terminal_id else planning.default_terminal()
    if terminal is None:
        raise click.ClickException(f"No terminal with id {terminal_id}.")
    limit = time_limit or current_app.config["PLANNING_TIME_LIMIT_S"]
    with click.progressbar(length=100, label=f"Planning {plan_date.date()}") as bar:
        done = [0]

        def progress(fraction: float, message: str) -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        plan = planning.plan_day(terminal, plan_date.date(), time_limit_s=limit, fresh=fresh, progress=progress)
        bar.update(100 - done[0])
    stops = sum(len(route.stops) for route in plan.routes)
    click.echo(
        f"Plan version {plan.version}: {len(plan.routes)} routes, {stops} stops, "
        f"{plan.total_distance_m / 1000:.1f} km, cost {plan.total_cost:.0f}, "
        f"{len(plan.unassigned)} unassigned ({plan.solver_status}, {plan.wall_time_s:.1f} s)."
    )
    for item in plan.unassigned:
        click.echo(f"  unassigned: {item['label']} ({item['job_key']}): {item['reason']}")


@samlast_cli.command("worker")
@click.option(
    "--queues",
    default="receipts,mail,planning,imports,followup,region,routing",
    show_default=True,
    help="Comma-separated RQ queues, in priority order (a receipt takes ~20 ms, a plan minutes).",
)
def worker_command(queues: str) -> None:
    """Run an RQ worker for PDF receipts, e-mail, planning jobs, imports and region analyses (needs REDIS_URL)."""
    from flask import current_app
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError
    from rq import SimpleWorker

    from samlast.services.followup import QUEUE_NAME as FOLLOWUP
    from samlast.services.impact_workers import QUEUE_NAME as ROUTING
    from samlast.services.import_runs import QUEUE_NAME as IMPORTS
    from samlast.services.jobs import QUEUE_NAME as PLANNING
    from samlast.services.mail import QUEUE_NAME as MAIL
    from samlast.services.receipts import QUEUE_NAME as RECEIPTS
    from samlast.services.region import QUEUE_NAME as REGION

    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.ClickException("Set REDIS_URL to run a worker.")
    names = [name.strip() for name in queues.split(",") if name.strip()]
    known = (RECEIPTS, MAIL, PLANNING, IMPORTS, FOLLOWUP, REGION, ROUTING)
    unknown = sorted(set(names) - set(known))
    if not names or unknown:
        listed = ", ".join(unknown) or "(none)"
        raise click.ClickException(f"Unknown queue(s) {listed}: use {','.join(known)}.")
    from samlast.extensions import db
    from samlast.services.background import sweep_stale_runs

    # Runs left "running" by a worker that was killed are marked failed as this one starts. A
    # database not ready yet (a worker started before the schema) must not stop the worker.
    try:
        sweep_stale_runs()
    except Exception:
        current_app.logger.warning("Stale-run sweep at start failed; the next read sweeps", exc_info=True)
        db.session.rollback()
    # SimpleWorker runs jobs in this process, inside the app context this command has. Redis
    # away (a restart, an outage): wait and work again, rather than exit with the queue unserved.
    wait_s = 1.0
    while True:
        try:
            SimpleWorker(names, connection=Redis.from_url(url)).work()
            return
        except RedisConnectionError as exc:
            click.echo(f"Redis unreachable ({exc}); working again in {wait_s:g} s", err=True)
            time.sleep(wait_s)
            wait_s = min(wait_s * 2, 10.0)


@samlast_cli.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["coordinator", "driver"]), default="coordinator")
@click.password_option()
def create_user_command(username: str, role: str, password: str) -> None:
    """Create a coordinator or driver account."""
    from samlast.services import master_data

    master_data.create(master_data.USERS, {"username": username, "role": role, "password": password})
    click.echo(f"Created {role} {username}.")


@samlast_cli.command("impact")
@click.option("--from", "date_from", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="First order date (YYYY-MM-DD).")
@click.option("--to", "date_to", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Last order date, inclusive.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every figure of the report to this file.")
@click.option("--time-limit", type=float, default=None, help="Solver seconds per planning run.")
@click.option("--shapley-time-limit", type=float, default=None,
              help="Solver seconds per coalition-day of the cost split.")
@click.option("--shapley/--no-shapley", default=True, show_default=True,
              help="Compute the Shapley cost split (2^n - 1 coalition runs a day).")
@click.option("--pattern", "primary_pattern", default=None,
              help="Delivery-day pattern for the headline: as_ordered, fixed_2_per_week, "
                   "by_kind_3_2_1.")
@click.option("--name", default="", help="Name of the stored report.")
def impact_command(date_from, date_to, json_path, time_limit, shapley_time_limit, shapley,
                   primary_pattern, name) -> None:
    """Free delivery vs coordinated distribution for the orders between two dates."""
    import json

    from samlast.errors import DomainError
    from samlast.extensions import db
    from samlast.impact.summary import format_summary
    from samlast.models import ImpactReport, JobStatus
    from samlast.services import impact, planning

    parameters = {"time_limit_s": time_limit, "shapley_time_limit_s": shapley_time_limit,
                  "shapley": shapley, "primary_pattern": primary_pattern}
    try:
        report = impact.create_report(planning.default_terminal(), date_from.date(),
                                      date_to.date(), name=name, parameters=parameters)
    except DomainError as exc:
        from samlast.i18n.validation import render_messages

        fields = render_messages(exc.fields, "en")
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
        raise click.ClickException(f"{_english(exc.message)} {detail}".strip()) from None
    with click.progressbar(length=100, label="Impact analysis") as bar:
        done = [0]

        def progress(fraction: float, message: str) -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        impact.run_report(report.id, progress=progress)
        bar.update(100 - done[0])
    report = db.session.get(ImpactReport, report.id)
    if report.status != JobStatus.SUCCEEDED:
        raise click.ClickException(_english(report.message, report.message_params))
    click.echo(format_summary(report.result))
    click.echo(f"Stored as impact report {report.id}.")
    if json_path:
        json_path.write_text(json.dumps(report.result, indent=2, ensure_ascii=False))
        click.echo(f"Wrote {json_path}.")


@samlast_cli.command("followup")
@click.option("--month", required=True, type=click.DateTime(formats=["%Y-%m"]), help="The month (YYYY-MM).")
@click.option("--rule", default="shapley", show_default=True,
              type=click.Choice(["shapley", "nucleolus", "equal_profit", "per_delivery", "per_kg",
                                 "per_standalone_km"]),
              help="Cost-split rule of the settlement.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the report as PDF (Swedish) to this file.")
def followup_command(month, rule, pdf_path) -> None:
    """The monthly follow-up: what was delivered against free delivery of the same orders."""
    from samlast.extensions import db
    from samlast.models import FollowupReport, JobStatus
    from samlast.services import followup, followup_export, planning

    report = followup.create_report(planning.default_terminal(), month.date(), rule)
    followup.run_report(report.id)
    report = db.session.get(FollowupReport, report.id)
    if report.status != JobStatus.SUCCEEDED:
        raise click.ClickException(_english(report.message, report.message_params))
    totals = report.result["totals"]
    click.echo(followup_export.summary_line(totals, "en"))
    click.echo(f"Stored as follow-up {report.id}.")
    if pdf_path:
        pdf_path.write_bytes(followup_export.report_pdf(report.month, report.result, [], "sv"))
        click.echo(f"Wrote {pdf_path}.")


@samlast_cli.command("simulate")
@click.option("--days", type=int, default=10, show_default=True, help="Weekdays to simulate.")
@click.option("--vehicles", type=int, default=None,
              help="Active vehicles, the first of the pool (default: as --fleet says).")
@click.option("--scale", type=float, default=0.3, show_default=True, help="Demo cluster scale.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the hidden truth.")
@click.option("--time-limit", type=float, default=4.0, show_default=True, help="Solver seconds per day.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the per-day figures to this file.")
@click.option("--database-url", default=None,
              help="An EMPTY database for the simulation (default: a temporary SQLite file).")
@click.option("--fleet", type=click.Choice(["advice", "demo"]), default="advice", show_default=True,
              help="Size the fleet from the day-1 fleet advice, or keep the demo's vehicles.")
@click.option("--advice-each-day/--no-advice-each-day", default=True, show_default=True,
              help="Work out the fleet advice every day with the times learned so far (for the report).")
@click.option("--follow-advice", is_flag=True, default=False,
              help="With --fleet advice: size the fleet from each day's advice, not day 1's only.")
def simulate_command(
    days, vehicles, scale, seed, time_limit, json_path, database_url, fleet, advice_each_day, follow_advice
) -> None:
    """Drive N simulated days through the driver API and learn after each (a digital twin)."""
    import json

    from flask import current_app

    from samlast import simulate

    options = simulate.SimulationOptions(days=days, vehicles=vehicles, scale=scale, seed=seed,
                                         time_limit_s=time_limit, fleet=fleet, advice_each_day=advice_each_day,
                                         follow_advice=follow_advice)
    try:
        reports = simulate.run_isolated(
            options, current_app.extensions["samlast.factory"], database_url, echo=click.echo
        )
    except simulate.SimulationError as exc:
        raise click.ClickException(str(exc)) from None
    if json_path:
        json_path.write_text(json.dumps(simulate.as_json(options, reports), indent=2))
        click.echo(f"Wrote {json_path}.")
    if any(r.problems for r in reports):
        raise click.ClickException("Invariants violated; see the PROBLEMS above.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(samlast_cli)

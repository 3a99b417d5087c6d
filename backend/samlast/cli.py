"""`flask samlast ...` commands: demo data, CSV import, users."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

samlast_cli = AppGroup("samlast", help="Samlast commands: demo data, import, users.")


@samlast_cli.command("demo")
@click.option("--reset", is_flag=True, help="Delete existing data first.")
@click.option("--seed", default=2026, show_default=True, help="Random seed (deterministic data).")
def demo_command(reset: bool, seed: int) -> None:
    """Create the synthetic Mellersta Skåne demo cluster (idempotent)."""
    from samlast.services import demo

    logins = demo.create_demo_data(seed=seed, reset=reset)
    click.echo(demo.summary())
    click.echo("\nDemo logins (synthetic data, change before real use):")
    for login in logins:
        click.echo(f"  {login.role:<12} {login.username:<22} {login.password}   {login.note}")


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
            click.echo(f"  row {error.row}, column {error.column}: {error.message}", err=True)
        raise SystemExit(1)
    click.echo(f"Imported {path}: {result.created} created, {result.updated} updated.")


@samlast_cli.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["coordinator", "driver"]), default="coordinator")
@click.password_option()
def create_user_command(username: str, role: str, password: str) -> None:
    """Create a coordinator or driver account."""
    from samlast.services import inventory

    inventory.create(inventory.USERS, {"username": username, "role": role, "password": password})
    click.echo(f"Created {role} {username}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(samlast_cli)

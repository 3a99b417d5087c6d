"""End-to-end fixtures: the built PWA served by a real Flask process, driven by Chromium.

Nothing is built here: `make` builds pwa/dist first. Each server gets a fresh SQLite
instance directory, is migrated with `flask db upgrade` and seeded through the API.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "pwa" / "dist"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=sv-SE",  # a Swedish browser: date fields as 2026-12-07, not 12/07/2026
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A Flask process serving the API and pwa/dist on 127.0.0.1:<port>."""

    instance: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None
    token: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. PLANNING_TIME_LIMIT_S

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "SAMLAST_"))}
        env.pop("DATABASE_URL", None)
        env.update(
            FLASK_APP="samlast",
            SAMLAST_INSTANCE=str(self.instance),
            PWA_DIST=str(DIST),
            GEOCODING_ENABLED="0",
            LOGIN_RATE_LIMIT="1000 per minute",
            SECRET_KEY="e2e-not-secret",
            PYTHONUNBUFFERED="1",
            STRICT_I18N="1",  # a message without a text fails the request instead of showing a code
        )
        env.update(self.extra_env)
        return env

    def flask(self, *args: str, timeout_s: float = 120) -> None:
        subprocess.run(
            [sys.executable, "-m", "flask", *args],
            env=self.env(),
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=timeout_s,
        )

    def start(self) -> None:
        log = open(self.instance / "server.log", "ab")  # noqa: SIM115 (kept for the process)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "run",
                "--no-reload",
                "--no-debugger",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
            ],
            env=self.env(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"Flask exited; see {self.instance / 'server.log'}")
            with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                return response.status == 200

        wait_until(answers, 30, f"Flask to answer on {self.url}", interval_s=0.2, ignoring=(OSError,))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def api(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        request = urllib.request.Request(
            self.url + "/api/v1" + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        bearer = token if token is not None else self.token
        if bearer:
            request.add_header("Authorization", f"Bearer {bearer}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read().decode()}") from None


#: The servers' time zone (config TIMEZONE's default): "today" is the day there, not on this
#: machine's clock (UTC here), which is yesterday between midnight in Sweden and midnight UTC.
CLUSTER_ZONE = ZoneInfo("Europe/Stockholm")


def cluster_today() -> date:
    return datetime.now(CLUSTER_ZONE).date()


def seed(server: Server) -> dict[str, int]:
    """A small cluster through the real API: two kitchens, two suppliers, one truck, orders."""
    server.flask("samlast", "create-user", "coord", "--role", "coordinator", "--password", PASSWORD)
    server.token = server.api("POST", "/auth/login", {"username": "coord", "password": PASSWORD})[
        "token"
    ]
    today = cluster_today()
    tomorrow = today + timedelta(days=1)

    cluster = server.api("POST", "/clusters/", {"name": "Mellersta Skåne"})
    eslov = server.api("POST", "/municipalities/", {"cluster_id": cluster["id"], "name": "Eslöv"})
    terminal = server.api(
        "POST",
        "/terminals/",
        {"cluster_id": cluster["id"], "name": "Eslöv terminal", "lat": 55.839, "lon": 13.303},
    )
    # Every day of the week, so the tests that plan "today" work on a Saturday too.
    weekdays = [{"weekday": d, "start": "06:30", "end": "10:30"} for d in range(7)]
    berga = server.api(
        "POST",
        "/delivery-points/",
        {
            "external_id": "DP-1",
            "name": "Bergaskolan kök",
            "kind": "school_kitchen",
            "municipality_id": eslov["id"],
            "address": "Bergagatan 1, Eslöv",
            "lat": 55.84,
            "lon": 13.31,
            "unloading_place": "Köksingången",
            "receiving_windows": weekdays,
        },
    )
    ljung = server.api(
        "POST",
        "/delivery-points/",
        {
            "external_id": "DP-2",
            "name": "Ljungbacka äldreboende",
            "kind": "care_home",
            "municipality_id": eslov["id"],
            "lat": 55.85,
            "lon": 13.66,
        },
    )
    wholesaler = server.api(
        "POST",
        "/suppliers/",
        {
            "external_id": "S-1",
            "name": "Grossisten AB",
            "kind": "wholesaler",
            "lat": 55.6,
            "lon": 13.0,
        },
    )
    farm = server.api(
        "POST",
        "/suppliers/",
        {
            "external_id": "S-2",
            "name": "Ågårdens potatis",
            "kind": "local_producer",
            "lat": 55.9,
            "lon": 13.5,
        },
    )
    server.api(
        "POST",
        "/vehicles/",
        {
            "external_id": "V-1",
            "name": "Lastbil 1",
            "terminal_id": terminal["id"],
            "energy_type": "hvo100",
            "co2e_kg_per_km": 0.2,
            "cost_per_km": 12.0,
            "cost_per_hour": 450.0,
            "shift_start": "06:00",
            "shift_end": "15:00",
            "compartments": [
                {"temperature_class": "chilled", "capacity_kg": 4000, "capacity_pallets": 8}
            ],
        },
    )

    def line(article, quantity, unit, kg, temperature):
        return {
            "article": article,
            "quantity": quantity,
            "unit": unit,
            "weight_kg": kg,
            "pallet_places": 0.1,
            "temperature_class": temperature,
        }

    server.api(
        "POST",
        "/orders/",
        {
            "external_id": "O-1",
            "delivery_point_id": berga["id"],
            "supplier_id": wholesaler["id"],
            "requested_date": today.isoformat(),
            "lines": [
                line("Fiskpinnar", 10, "kartong", 50, "frozen"),
                line("Mjölk 1,5 %", 40, "liter", 41, "chilled"),
                line("Vetemjöl", 5, "säck", 25, "ambient"),
            ],
        },
    )
    server.api(
        "POST",
        "/orders/",
        {
            "external_id": "O-2",
            "delivery_point_id": ljung["id"],
            "supplier_id": farm["id"],
            "requested_date": tomorrow.isoformat(),
            "lines": [line("Potatis", 4, "säck", 100, "ambient")],
        },
    )
    server.api(
        "POST",
        "/orders/",
        {
            "external_id": "O-3",
            "delivery_point_id": berga["id"],
            "supplier_id": farm["id"],
            "requested_date": tomorrow.isoformat(),
            "lines": [line("Potatis", 2, "säck", 50, "ambient")],
        },
    )
    for user in (
        {
            "username": "kok-berga",
            "display_name": "Köket Bergaskolan",
            "role": "recipient",
            "delivery_point_ids": [berga["id"]],
        },
        {
            "username": "agarden",
            "display_name": "Anna på Ågården",
            "role": "producer",
            "supplier_id": farm["id"],
        },
        {"username": "forare", "display_name": "Fredrik Förare", "role": "driver"},
    ):
        server.api("POST", "/users/", {**user, "password": PASSWORD})
    return {"berga": berga["id"], "ljung": ljung["id"], "farm": farm["id"]}


@pytest.fixture(scope="session")
def built_pwa() -> Path:
    if not (DIST / "index.html").exists():
        pytest.fail(
            f"{DIST / 'index.html'} is missing: build the PWA first "
            "(`make` or `cd pwa && npm ci && npm run build`).",
            pytrace=False,
        )
    return DIST


def running(request, server: Server) -> Server:
    """Start `server`, stopped when the scope of the fixture asking for it (`request`) ends: a
    test, a module or the session. Every e2e server is started here."""
    request.addfinalizer(server.stop)
    server.start()
    return server


def copy_server(request, *, extra_env: dict[str, str] | None = None) -> Server:
    """A running server of its own on a copy of the shared, seeded one's instance (its data and
    users, logged in as coord), with `extra_env` (e.g. PLANNING_TIME_LIMIT_S); stopped when the
    scope of `request` ends. The shared server is idle between tests, so its SQLite file is
    consistent to copy. Tests and function-scoped fixtures use the `server_copy` fixture."""
    seeded: Server = request.getfixturevalue("server")
    instance = request.getfixturevalue("tmp_path_factory").mktemp("instance")
    shutil.copytree(seeded.instance, instance, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.log"))
    return running(request, Server(instance=instance, token=seeded.token, extra_env=dict(extra_env or {})))


@pytest.fixture(scope="session")
def server(built_pwa, tmp_path_factory, request) -> Server:
    """One seeded server shared by the tests that do not stop it."""
    server = Server(instance=tmp_path_factory.mktemp("instance"))
    server.flask("db", "upgrade")
    running(request, server)
    seed(server)
    return server


@pytest.fixture
def server_copy(request) -> Callable[..., Server]:
    """`server_copy(extra_env=None)`: a running copy of the seeded server, stopped after the test."""
    return functools.partial(copy_server, request)


@pytest.fixture
def own_server(server_copy) -> Server:
    """A server of the test's own, for tests that stop it: a copy of the shared, seeded one."""
    return server_copy()


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail(
            "Chromium is not installed: run `bash scripts/install-system-packages.sh chromium`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Headless Chromium formats date fields by the process locale, not --lang: a Swedish
        # desktop's environment, so a date reads 2026-12-07 as it does for the coordinator.
        swedish = {**os.environ, "LANG": "sv_SE.UTF-8", "LC_ALL": "sv_SE.UTF-8", "LANGUAGE": "sv"}
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, env=swedish)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    """A fresh phone-sized browser profile (no saved token, no service worker)."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="sv-SE",
        # The device clock in UTC: every time of a plan must still show in the cluster's zone.
        timezone_id="UTC",
        service_workers="allow",
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


#: The coordinator's desk.
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def new_page(browser):
    """`new_page(viewport, phone=False, service_workers="block")`: a page in a fresh Swedish browser
    profile, closed after the test. The device clock is in UTC (every time shown must still be the
    cluster's) and map tiles are refused (the pages must work without them)."""
    contexts = []

    def make(viewport: dict, *, phone: bool = False, service_workers: str = "block"):
        context = browser.new_context(
            viewport=viewport, device_scale_factor=2 if phone else 1, is_mobile=phone, has_touch=phone,
            locale="sv-SE", timezone_id="UTC", accept_downloads=True, service_workers=service_workers,
        )  # fmt: skip
        context.set_default_timeout(15_000)
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def desk(new_page):
    """The coordinator's desk, 1280 px wide."""
    return new_page(DESKTOP)


@pytest.fixture
def page(context):
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


DOC_SCREENSHOTS = ROOT / "docs" / "screenshots"


def save_screenshot(page, name: str) -> Path:
    """Screenshot into test-artifacts/ (to look at after a run)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


def save_readme_screenshot(page, name: str) -> Path:
    """A picture of the README: into test-artifacts/, and into docs/screenshots/ when
    UPDATE_SCREENSHOTS=1 (`make screenshots`), so an ordinary run leaves the checkout unchanged.
    tests/e2e/test_swedish.py takes them on the demo cluster's real day; the region, rural-service
    and follow-up tests take theirs (all run by `make screenshots`)."""
    path = save_screenshot(page, name)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_SCREENSHOTS / name)
    return path


def login(page, server: Server, username: str, password: str = PASSWORD) -> None:
    page.goto(server.url + "/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()

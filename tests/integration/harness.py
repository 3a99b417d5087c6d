"""Real processes for the integration tests and bench/load.py: redis-server, gunicorn
servers (gunicorn.conf.py), an RQ worker, a shared database and seed data."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import requests

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Redis:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.start()

    def start(self) -> None:
        """Start (again, on the same port: the fault drills stop and restart it)."""
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
        workdir = self.workdir
        self.proc = subprocess.Popen(
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def ping() -> bool:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")

        wait_until(ping, 10, "redis-server to answer PING", ignoring=(OSError,))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def database_url(workdir: Path) -> tuple[str, object]:
    """TEST_DATABASE_URL's server with a fresh database, else a SQLite file (WAL) in workdir.

    Returns (url, cleanup)."""
    base = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not base:
        return f"sqlite:///{workdir / 'shared.db'}", lambda: None
    import psycopg

    name = f"samlast_it_{uuid.uuid4().hex[:10]}"
    admin = base.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def base_env(workdir: Path, db_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GUNICORN_"))}
    instance = workdir / "instance"
    instance.mkdir(exist_ok=True)
    env.update(
        DATABASE_URL=db_url,
        SAMLAST_INSTANCE=str(instance),
        SECRET_KEY="integration-secret",
        GEOCODING_ENABLED="0",
        PLANNING_TIME_LIMIT_S="1",
        FLASK_APP="samlast",
        PYTHONUNBUFFERED="1",
        PYTHONWARNINGS="ignore",
    )
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def run_seed(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "tests.integration.seed", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if out.returncode != 0:
        raise RuntimeError(f"seed failed:\n{out.stdout}\n{out.stderr}")
    line = next(line for line in out.stdout.splitlines() if line.startswith("SEED "))
    return json.loads(line[5:])


class Server:
    """gunicorn with gunicorn.conf.py on a loopback port; kill() and start() again."""

    def __init__(
        self,
        name: str,
        env: dict[str, str],
        workdir: Path,
        threads: int = 64,
        port: int | None = None,
    ):
        self.name, self.env, self.threads = name, env, threads
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> Server:
        log = open(self.log_path, "ab")  # noqa: SIM115  (kept open for the process)
        env = {**self.env, "GUNICORN_ACCESS_LOG": "", "GUNICORN_LOG_LEVEL": "warning"}
        self.proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--threads",
                str(self.threads),
                "samlast.wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout_s: float = 90) -> None:
        def ready() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_path.read_text()[-3000:]}")
            return requests.get(self.url + "/healthz", timeout=2).status_code == 200

        try:
            wait_until(ready, timeout_s, f"{self.name} to answer /healthz", ignoring=(requests.RequestException,))
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.log_path.read_text()[-3000:]}") from None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the whole process group (gunicorn arbiter and its worker) at once."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(20)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # gunicorn: quick shutdown
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def worker_pid(self) -> int | None:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        pids = [int(p) for p in out.stdout.split()]
        return pids[0] if pids else None


class Worker:
    """`flask samlast worker`: the RQ worker that runs planning jobs."""

    def __init__(self, env: dict[str, str], workdir: Path, queues: str | None = None, name: str = "worker"):
        log = open(workdir / f"{name}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(BIN / "flask"), "samlast", "worker", *(["--queues", queues] if queues else [])],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL, as a machine going away: no clean-up of its job."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

"""A Redis of the test's own: started on a free port, stopped, frozen or started again at will,
so a test can take away the Redis that production depends on without touching the machine's."""

import contextlib
import shutil
import signal
import socket
import subprocess
import time

import pytest

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_it_answers()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _forget_broker_connections(app) -> None:
    """Celery keeps its connection pools for the broker it first met; a test that points the
    app at another Redis must drop them, or its tasks still go to the first one."""
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_on(url: str, **conf):
    """The Celery app on the broker at `url` with the given settings, restored after."""
    from minipilot.celery import app

    names = ["broker_url", *conf]
    previous = {name: getattr(app.conf, name) for name in names}
    app.conf.update(broker_url=url, **conf)
    _forget_broker_connections(app)
    try:
        yield app
    finally:
        app.conf.update(previous)
        _forget_broker_connections(app)

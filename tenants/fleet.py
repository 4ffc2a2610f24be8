"""Migrating the fleet of tenant schemas at a deploy: only those not yet in the code's
migration state, several at once over a bounded number of connections, each failure
reported by name (`manage.py migrate_tenants`, run by `setup_platform`; docs/deploys.md).

- A schema whose stored state (tenants.migration_state) is the code's is skipped without
  being opened: a deploy that brings no tenant migration costs two queries, not a second a
  schema.
- The template schema goes first, alone: it is what new tenants are cloned from, and a
  migration that fails there would fail everywhere, so then no tenant is touched.
- The others run in `workers` forked processes, each with one connection of its own (so
  at most workers + 1 connections, the parent's included). Each schema is one `migrate`,
  whose migrations are each atomic on PostgreSQL: a failure leaves that schema at the last
  migration that succeeded, with its old state recorded, and the next run retries it.
- The state is recorded by the parent as each schema succeeds, so a run killed half-way
  (a deadline) keeps what it finished.
- Tenants provisioned while the run goes (by the previous release, from the template) are
  picked up by a second look at the end.
"""

import contextlib
import io
import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import pre_migrate
from django_tenants.utils import get_tenant_base_migrate_command_class, get_tenant_database_alias

from tenants.migration_state import code_migration_state, migration_state_record
from tenants.models import Tenant

SWEEPS = 3  # the first pass and up to two looks for tenants provisioned meanwhile


@dataclass(frozen=True)
class Outcome:
    schema_name: str
    ok: bool
    seconds: float = 0.0
    applied: tuple[str, ...] = ()  # "app.name" of each migration applied in this schema
    error: str = ""  # one line; `output` has the migrate command's output and the traceback
    output: str = ""


@dataclass
class FleetReport:
    state: str
    skipped: int = 0  # schemas already in the code's state
    migrated: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    not_attempted: list[str] = field(default_factory=list)  # after the template failed
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_attempted


Migrate = Callable[[str], Outcome]


def migrate_fleet(
    *,
    workers: int,
    force: bool = False,
    only: Iterable[str] | None = None,
    migrate: Migrate | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> FleetReport:
    """Bring every stale tenant schema to the code's migration state (see the module).

    workers: processes migrating at once (0: one at a time in this process, on this
    connection). force: ignore the stored states. only: these schema names only.
    """
    started = time.perf_counter()
    migrate = migrate or migrate_schema
    report = FleetReport(state=code_migration_state())
    attempted: set[str] = set()
    for sweep in range(SWEEPS):
        todo, current, missing = _stale(report.state, force=force, only=only, exclude=attempted)
        if sweep == 0:
            report.skipped = current
        for name in missing:
            # A row whose schema is gone or not there yet (a restore dropped it): reported, so
            # that a deploy never calls a fleet migrated that is not.
            report.failed.append(Outcome(name, ok=False, error="the schema does not exist"))
        attempted.update(todo, missing)
        if not todo:
            break
        template = [name for name in todo if name == settings.TENANT_BASE_SCHEMA]
        others = [name for name in todo if name != settings.TENANT_BASE_SCHEMA]
        with _pool(workers, len(todo)) as pool:
            if template and not _run(pool, migrate, template, report, progress):
                report.not_attempted = others
                break
            _run(pool, migrate, others, report, progress)
    report.seconds = time.perf_counter() - started
    return report


def _stale(
    state: str, *, force: bool, only: Iterable[str] | None, exclude: set[str]
) -> tuple[list[str], int, list[str]]:
    """(schemas to migrate, the template first; how many are current; rows without a schema)."""
    tenants = Tenant.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).exclude(
        status=Tenant.Status.PURGED  # its schema is gone on purpose; the row is a tombstone
    )
    if only is not None:
        tenants = tenants.filter(schema_name__in=list(only))
    rows = [
        (name, stored)
        for name, stored in tenants.order_by("-is_template", "id").values_list(
            "schema_name", "migration_state"
        )
        if name not in exclude
    ]
    stale = [name for name, stored in rows if force or stored != state]
    if not stale:
        return [], len(rows), []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [stale])
        present = {name for (name,) in cursor.fetchall()}
    return (
        [name for name in stale if name in present],
        len(rows) - len(stale),
        [name for name in stale if name not in present],
    )


def _run(
    pool: Executor,
    migrate: Migrate,
    names: list[str],
    report: FleetReport,
    progress: Callable[[Outcome], None] | None,
) -> bool:
    futures: dict[Future[Outcome], str] = {pool.submit(migrate, name): name for name in names}
    all_ok = True
    for future in as_completed(futures):
        try:
            outcome = future.result()
        except Exception as exc:  # a worker process died (out of memory, killed)
            outcome = Outcome(futures[future], ok=False, error=f"{type(exc).__name__}: {exc}")
        if outcome.ok:
            migration_state_record(schema_name=outcome.schema_name, state=report.state)
            report.migrated.append(outcome)
        else:
            report.failed.append(outcome)
            all_ok = False
        if progress:
            progress(outcome)
    return all_ok


def migrate_schema(schema_name: str) -> Outcome:
    """`migrate` in one tenant schema, its output kept; never raises (runs in a worker)."""
    started = time.perf_counter()
    output = io.StringIO()
    alias = get_tenant_database_alias()
    db: Any = connections[alias]  # django-tenants' backend, with set_schema
    plans: list[list] = []

    def planned(sender: object, plan: list | None = None, **kwargs: object) -> None:
        plans.append(plan or [])

    # What is applied, from the plan Django sends with pre_migrate: at verbosity 0, because
    # at 1 migrate also runs the autodetector over every model when nothing is to apply
    # (to warn about missing migrations), 0.7 s a schema.
    pre_migrate.connect(planned, weak=False, dispatch_uid="tenants.fleet.planned")
    try:
        # As django-tenants does: django_migrations must exist in the schema itself before
        # public is on the search path, or public's table would be read as this schema's.
        db.set_schema(schema_name, include_public=False)
        MigrationRecorder(db).ensure_schema()
        db.set_schema(schema_name)
        command = get_tenant_base_migrate_command_class()()  # Django's migrate, no checks
        call_command(
            command, database=alias, interactive=False, verbosity=0, stdout=output, stderr=output
        )
    except Exception as exc:
        output.write(traceback.format_exc())
        first_line = (str(exc).strip().splitlines() or [""])[0]
        return Outcome(
            schema_name,
            ok=False,
            seconds=time.perf_counter() - started,
            error=f"{type(exc).__name__}: {first_line}",
            output=output.getvalue(),
        )
    finally:
        pre_migrate.disconnect(dispatch_uid="tenants.fleet.planned")
        db.set_schema_to_public()
        if _IN_WORKER:
            # A fresh backend per schema: one that has opened hundreds of schemas carries
            # their catalogue caches (tens of MB) and slows down.
            db.close()
    return Outcome(
        schema_name,
        ok=True,
        seconds=time.perf_counter() - started,
        applied=tuple(f"{m.app_label}.{m.name}" for m, _backwards in (plans or [[]])[0]),
        output=output.getvalue(),
    )


_IN_WORKER = False


def _worker_started() -> None:
    """In a forked worker: forget the parent's connections without closing them (closing
    would end the parent's session on the shared socket; psycopg does not close a
    connection from another process when it is collected), so each worker opens its own."""
    global _IN_WORKER
    _IN_WORKER = True
    for alias in list(settings.DATABASES):
        with contextlib.suppress(AttributeError):  # never opened in the parent
            del connections[alias]


class _Inline(Executor):
    """Runs each call at once in this process: `--workers 0`, and the tests."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


@contextmanager
def _pool(workers: int, jobs: int) -> Iterator[Executor]:
    if workers <= 0:
        yield _Inline()
        return
    # fork: the workers inherit the loaded apps and settings, as django-tenants' own
    # multiprocessing executor relies on.
    with ProcessPoolExecutor(
        max_workers=min(workers, jobs),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_started,
    ) as pool:
        yield pool

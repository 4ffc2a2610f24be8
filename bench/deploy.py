"""Deploy benchmark: the migrations hook (`setup_platform`) over many tenant schemas, when
nothing is to apply and when one new tenant migration is.

    python bench/deploy.py [COUNTS] [--workers N] [--apply-up-to N] [--full N] [--old N]

COUNTS (default 100,300,1000): fleet sizes, seeded in turn. At each it prints
  - the no-op deploy: `setup_platform` as the Helm hook runs it, whole (public schema's
    migrate, template check, migrate_tenants) and migrate_tenants alone;
  - one new migration: a migration file written into a throwaway tenant app (`deploybench`,
    an AddField on its one small table), then `setup_platform`: the template, then every
    tenant, `--workers` at once (only at counts up to --apply-up-to; above, an estimate
    from the largest measured rate, marked as such).
--old N: django-tenants' `migrate_schemas --tenant` over N schemas with nothing to apply
(the path before), to show what the skip saves.

How the fleet is seeded (fast, and what it is): the template schema is migrated for real
by `setup_platform`. Each seeded tenant is a tenant row (bulk insert, its state the code's)
and a schema holding the tables a migrate reads and writes, copied from the template by one
pg_dump'd script replayed under the new name: django_migrations (every applied migration),
django_content_type and auth_permission (post_migrate's), and the throwaway app's table.
They are not full tenant schemas (replaying all ~75 tables costs ~2.3 s a schema on this
machine, 40 minutes for 1,000); `--full N` also seeds N full ones (the whole template's
DDL) and prints what one migration costs there, to compare.

Runs in a database of its own (`<name>_bench`, dropped at the end) on DATABASE_URL's server.
"""

import argparse
import importlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _harness import run_in_own_database  # bench/ is the script's folder

APP = "deploybench"
LIGHT_TABLES = ("django_migrations", "django_content_type", "auth_permission", f"{APP}_probe")

APP_FILES = {
    "__init__.py": "",
    "apps.py": (
        "from django.apps import AppConfig\n\n\n"
        f"class DeployBenchConfig(AppConfig):\n    name = {APP!r}\n"
        "    default_auto_field = 'django.db.models.BigAutoField'\n"
    ),
    "models.py": (
        "from django.db import models\n\n\n"
        "class Probe(models.Model):\n    name = models.CharField(max_length=20)\n"
    ),
    "migrations/__init__.py": "",
    "migrations/0001_initial.py": (
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n"
        "    operations = [migrations.CreateModel('Probe', [\n"
        "        ('id', models.BigAutoField(primary_key=True)),\n"
        "        ('name', models.CharField(max_length=20)),\n    ])]\n"
    ),
    "settings.py": (
        "from config.settings import *  # noqa: F403\n\n"
        f"TENANT_APPS = [*TENANT_APPS, {APP!r}]  # noqa: F405\n"
        f"INSTALLED_APPS = [*INSTALLED_APPS, {APP!r}]  # noqa: F405\n"
    ),
}


def new_migration(folder: Path, number: int) -> str:
    """Write migration `number` (>= 2) of the throwaway app: one nullable column."""
    name = f"{number:04d}_note_{number}"
    (folder / APP / "migrations" / f"{name}.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [({APP!r}, {previous_migration(folder)!r})]\n"
        f"    operations = [migrations.AddField('probe', 'note_{number}', "
        "models.CharField(max_length=20, null=True))]\n"
    )
    importlib.invalidate_caches()  # the workers fork from this process and must see it
    from tenants.migration_state import code_migration_state

    code_migration_state.cache_clear()
    return name


def previous_migration(folder: Path) -> str:
    return sorted(p.stem for p in (folder / APP / "migrations").glob("0*.py"))[-1]


def seed_script(tables: tuple[str, ...] | None) -> str:
    """The template's tables (all when None) as one SQL script, the schema named __SEED_SCHEMA__."""
    from django.conf import settings

    from tenants import pgtools

    args = [str(pgtools.tool("pg_dump")), "--format=plain", "--no-owner", "--no-privileges"]
    args += ["--inserts", "--rows-per-insert=1000"]
    template = settings.TENANT_BASE_SCHEMA
    if tables is None:
        args += ["--schema", template]
    else:
        for table in tables:
            args += ["--table", f"{template}.{table}"]
    dump = pgtools.run(args)
    lines = [
        line
        for line in dump.splitlines()
        if line.strip() and not line.startswith(("--", "\\"))  # comments, psql's \restrict
    ]
    script = "\n".join(lines).replace(f"{template}.", "__SEED_SCHEMA__.")
    script = script.replace(f"SCHEMA {template};", "SCHEMA __SEED_SCHEMA__;")
    if tables is not None:
        script = "CREATE SCHEMA __SEED_SCHEMA__;\n" + script
    assert template not in script, "the template's name is left somewhere in the script"
    return script


def seed(names: list[str], script: str) -> float:
    """Schemas from the script and their tenant rows, in the code's migration state."""
    import psycopg

    from tenants.exports import conninfo
    from tenants.migration_state import code_migration_state
    from tenants.models import Tenant

    started = time.perf_counter()
    with psycopg.connect(conninfo()) as conn:
        for start in range(0, len(names), 20):  # 20 schemas a transaction: the lock table
            for name in names[start : start + 20]:
                conn.execute(script.replace("__SEED_SCHEMA__", name).encode())
            conn.commit()
    state = code_migration_state()
    Tenant.objects.bulk_create(
        [Tenant(schema_name=name, name=name, migration_state=state) for name in names],
        batch_size=500,
    )
    return time.perf_counter() - started


def timed(command: str, **options: object) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(command, verbosity=0, **options)
    return time.perf_counter() - started


def as_the_hook(folder: Path, workers: int) -> float:
    """`manage.py setup_platform` in a process of its own: Django's start-up included."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(folder)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "setup_platform", f"--workers={workers}", "--verbosity=0"],
        cwd=root,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("counts", nargs="?", default="100,300,1000")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--apply-up-to", type=int, default=1000)
    parser.add_argument("--full", type=int, default=5)
    parser.add_argument("--old", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="deploybench"))
    try:
        for path, text in APP_FILES.items():
            (folder / APP / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / APP / path).write_text(text)
        # bench/ (the script's folder) off the path: no bench script may shadow one of the
        # project's modules when the throwaway settings import the apps.
        here = str(Path(__file__).resolve().parent)
        sys.path[:] = [str(folder)] + [p for p in sys.path if str(Path(p or ".").resolve()) != here]
        os.environ["DJANGO_SETTINGS_MODULE"] = f"{APP}.settings"
        run_in_own_database(lambda: run(args, folder), suffix="_deploybench")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    from django.db import connection

    workers = args.workers
    print(f"deploy bench: {os.cpu_count()} cores, --workers {workers}; {load()}")
    timed("setup_platform", workers=workers)
    light = seed_script(LIGHT_TABLES)
    seeded: list[str] = []
    number = 1
    rate = None  # seconds per schema for one migration, at the largest measured count
    for count in [int(c) for c in args.counts.split(",")]:
        names = [f"t{i:05d}" for i in range(len(seeded), count)]
        seconds = seed(names, light)
        seeded += names
        print(f"\n{count} tenants: seeded {len(names)} light schemas in {seconds:.1f} s")
        connection.close()  # as a fresh hook process: no catalogue cache from the seeding
        noop = timed("setup_platform", workers=workers)
        alone = timed("migrate_tenants", workers=workers)
        hook = as_the_hook(folder, workers)
        print(
            f"  no-op deploy: setup_platform {noop:.1f} s, migrate_tenants alone {alone:.2f} s; "
            f"as the Helm hook (`manage.py setup_platform`, a fresh process) {hook:.1f} s"
        )
        if count <= args.apply_up_to:
            number += 1
            name = new_migration(folder, number)
            applied = timed("setup_platform", workers=workers)
            rate = applied / (count + 1)
            print(
                f"  one new migration ({APP}.{name}) over {count} tenants + the template: "
                f"{applied:.1f} s ({rate * 1000:.0f} ms a schema, {workers} workers); {load()}"
            )
        elif rate is not None:
            print(
                f"  one new migration over {count} tenants: NOT MEASURED; estimate "
                f"{rate * (count + 1):.0f} s from the rate measured above"
            )
    if args.old:
        sample = seeded[: args.old]
        started = time.perf_counter()
        for name in sample:
            timed("migrate_schemas", schema_name=name, tenant=True, interactive=False)
        per = (time.perf_counter() - started) / len(sample)
        print(
            f"\nbefore (django-tenants migrate_schemas, nothing to apply): {per:.2f} s a schema "
            f"over {len(sample)}; {per * 1000 / 60:.1f} min for 1,000 if it stays flat "
            "(it grew with the count in issue 16's measurements)"
        )
    if args.full:
        full = seed_script(None)
        names = [f"full{i:03d}" for i in range(args.full)]
        seconds = seed(names, full)
        print(f"\n{args.full} full schemas (the whole template replayed): {seconds:.1f} s")
        number += 1
        new_migration(folder, number)
        timings = one_by_one(names + seeded[: args.full])
        print(
            f"  one migration, one schema at a time: full schema median "
            f"{statistics.median(timings[: args.full]):.2f} s, light schema median "
            f"{statistics.median(timings[args.full :]):.2f} s"
        )
    print(f"\n{load()}")


def one_by_one(names: list[str]) -> list[float]:
    from tenants.fleet import migrate_schema

    return [migrate_schema(name).seconds for name in names]


if __name__ == "__main__":
    main()

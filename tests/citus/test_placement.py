"""Provisioning twenty tenants lands them on both workers, each tenant whole on one node.

With schema-based sharding every tenant schema is one distributed unit (citus_schemas): all
its tables are single-shard tables co-located in one group, placed on one worker; the
coordinator keeps the public schema. A schema "distributed" with tables left local (what the
clone inside a PL/pgSQL function leaves) fails here.
"""

import statistics

import pytest
from django.db import connection

from tests.citus import requires_citus
from tests.citus.conftest import FLEET, PROVISIONING, fleet_specs

pytestmark = [requires_citus, pytest.mark.django_db]


def rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_it_spreads_twenty_tenants_whole_over_both_workers():
    slugs = [spec["slug"] for spec in fleet_specs()]
    assert len(slugs) == FLEET
    distributed = dict(rows("SELECT schema_name::text, colocation_id FROM citus_schemas"))
    assert set(slugs) <= set(distributed)

    # Every table of each tenant is a Citus table of its schema's co-location group.
    tables = dict(
        rows(
            "SELECT n.nspname, count(*) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(%s) "
            "GROUP BY 1",
            [slugs],
        )
    )
    citus_tables = dict(
        rows(
            "SELECT n.nspname, count(*) FROM pg_dist_partition p JOIN pg_class c "
            "ON c.oid = p.logicalrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = ANY(%s) GROUP BY 1",
            [slugs],
        )
    )
    assert tables == citus_tables and min(tables.values()) > 50

    # Each tenant's shards on exactly one node, a worker; both workers used.
    nodes = rows(
        "SELECT table_name::text, array_agg(DISTINCT nodeport) FROM citus_shards "
        "WHERE citus_table_type = 'schema' GROUP BY 1"
    )
    schema_nodes: dict[str, set[int]] = {}
    for table, ports in nodes:
        schema = table.split(".")[0] if "." in table else "public"
        schema_nodes.setdefault(schema, set()).update(ports)
    workers = {port for (port,) in rows("SELECT node_port FROM citus_get_active_worker_nodes()")}
    assert len(workers) == 2
    assert all(len(schema_nodes[s]) == 1 and schema_nodes[s] <= workers for s in slugs)
    per_worker = {w: sum(schema_nodes[s] == {w} for s in slugs) for w in workers}
    assert all(count >= FLEET // 4 for count in per_worker.values()), per_worker

    if PROVISIONING:
        seconds = sorted(PROVISIONING.values())
        print(
            f"\nprovisioned {len(seconds)} tenants by migrate on Citus: median "
            f"{statistics.median(seconds):.1f} s, max {seconds[-1]:.1f} s; per worker {per_worker}"
        )

#!/usr/bin/env bash
# A local Citus cluster for trying Tovholder past one database (docs/scaling.md): a
# coordinator and two workers, each a PostgreSQL server on 127.0.0.1.
#
#   deploy/citus/cluster.sh up      build Citus if needed, start the nodes, create the database
#   deploy/citus/cluster.sh test    up, a fresh test database, then pytest tests/citus
#                                   (CITUS_KEEP=1 keeps the last one; pytest arguments follow)
#   deploy/citus/cluster.sh down    stop the nodes (the data stays in CITUS_DIR)
#   deploy/citus/cluster.sh url     print the coordinator's DATABASE_URL
#
# `make citus-up` and `make citus-test` call it. The servers run as user postgres when
# started by root (initdb refuses root). Ports CITUS_PORT (coordinator, 5440) and the next
# two; data and logs under CITUS_DIR (/tmp/tovholder-citus).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
PORT="${CITUS_PORT:-5440}"
DIR="${CITUS_DIR:-${TMPDIR:-/tmp}/tovholder-citus}"
DB="${CITUS_DB:-tovholder}"
TEST_DB="${DB}_test"
PG_CONFIG="${PG_CONFIG:-$(command -v pg_config || echo /usr/lib/postgresql/15/bin/pg_config)}"
BIN="$("$PG_CONFIG" --bindir)"
NODES=("$PORT" "$((PORT + 1))" "$((PORT + 2))")  # coordinator, worker, worker

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_on() {  # psql_on PORT DATABASE SQL
    PGOPTIONS="-c client_min_messages=warning" "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d "$2" -tA -c "$3"
}

start_node() {
    local port=$1 data="$DIR/node-$1"
    if [ ! -f "$data/PG_VERSION" ]; then
        as_owner "$BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 \
            --locale=C.UTF-8 >/dev/null
        cat >>"$data/postgresql.conf" <<EOF
# --- deploy/citus/cluster.sh ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$DIR'
shared_preload_libraries = 'citus'
# citus_schema_move copies a schema by logical replication while it is read and written.
wal_level = logical
max_connections = 200
shared_buffers = 128MB
# A throw-away test cluster: durability traded for speed.
fsync = off
synchronous_commit = off
full_page_writes = off
# Between the nodes, on one machine: no TLS.
citus.node_conninfo = 'sslmode=disable'
# Tenant tables keep their row triggers (apps/reports); they only touch their own schema,
# whose tables are co-located on one node (docs/scaling.md).
citus.enable_unsafe_triggers = on
# Every schema created on the coordinator becomes one distributed unit (a tenant).
citus.enable_schema_based_sharding = on
EOF
    fi
    if ! as_owner "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_owner "$BIN/pg_ctl" -D "$data" -l "$DIR/node-$port.log" -w -t 60 start >/dev/null
    fi
}

create_database() {  # create_database NAME: on every node, with the extension, nodes added
    local name=$1 port
    for port in "${NODES[@]}"; do
        psql_on "$port" postgres "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
        psql_on "$port" postgres "CREATE DATABASE \"$name\""
        psql_on "$port" "$name" "CREATE EXTENSION citus"
    done
    psql_on "$PORT" "$name" "SELECT citus_set_coordinator_host('127.0.0.1', $PORT)" >/dev/null
    for port in "${NODES[@]:1}"; do
        psql_on "$PORT" "$name" "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null
    done
}

url() {
    echo "postgres://postgres@127.0.0.1:$PORT/$1"
}

up() {
    bash "$ROOT/deploy/citus/build.sh"
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    for port in "${NODES[@]}"; do start_node "$port"; done
    if [ -z "$(psql_on "$PORT" postgres "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]
    then
        create_database "$DB"
    fi
    echo "citus: coordinator $(url "$DB"), workers on ports ${NODES[1]} and ${NODES[2]}"
}

down() {
    local port
    for port in "${NODES[@]}"; do
        if [ -f "$DIR/node-$port/PG_VERSION" ]; then
            as_owner "$BIN/pg_ctl" -D "$DIR/node-$port" -m fast stop >/dev/null 2>&1 || true
        fi
    done
    echo "citus: stopped"
}

run_tests() {
    up
    # CITUS_KEEP=1: the test database of the last run, with its tenants (faster reruns).
    if [ -z "${CITUS_KEEP:-}" ] || [ -z "$(psql_on "$PORT" postgres \
        "SELECT 1 FROM pg_database WHERE datname = '$TEST_DB'")" ]; then
        create_database "$TEST_DB"
    fi
    local started=$SECONDS code=0
    # The suite uses this database as it is (no test_ copy: a new database would need the
    # extension and the nodes again); one process, the nodes are busy enough.
    # Like `make test` (config.devstack test): a test-only key and plain-http tenant links
    # unless the caller set them (CI exports neither).
    SECRET_KEY="${SECRET_KEY:-test-only-secret}" TENANT_URL_SCHEME="${TENANT_URL_SCHEME:-http}" \
    DATABASE_URL="$(url "$TEST_DB")" CITUS_URL="$(url "$TEST_DB")" \
        "$ROOT/.venv/bin/python" -m pytest -n 0 tests/citus "$@" || code=$?
    echo "citus-test: $((SECONDS - started)) s"
    return $code
}

case "${1:-up}" in
    up) up ;;
    down) down ;;
    test) shift; run_tests "$@" ;;
    url) url "$DB" ;;
    *) echo "usage: $0 up|test|down|url" >&2; exit 2 ;;
esac

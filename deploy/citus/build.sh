#!/usr/bin/env bash
# Builds and installs Citus (vendor/citus/citus-13.2.2.tar.gz) into the PostgreSQL that
# `pg_config` names, unless a citus.so is installed there already (then it does nothing).
# About 10 minutes on two cores. Needs root for apt-get and `make install`; see
# docs/scaling.md. FORCE=1 rebuilds anyway.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
TARBALL="$ROOT/vendor/citus/citus-13.2.2.tar.gz"
BUILD_DIR="${CITUS_BUILD_DIR:-${TMPDIR:-/tmp}/citus-build}"
PG_CONFIG="${PG_CONFIG:-$(command -v pg_config || echo /usr/lib/postgresql/15/bin/pg_config)}"

libdir="$("$PG_CONFIG" --pkglibdir)"
if [ -f "$libdir/citus.so" ] && [ -z "${FORCE:-}" ]; then
    echo "citus: $libdir/citus.so is installed; nothing to build"
    exit 0
fi

# The headers and libraries Citus's configure looks for (Debian package names).
packages=(postgresql-server-dev-15 libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev
          libssl-dev flex bison autoconf make gcc)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "citus: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

rm -rf "$BUILD_DIR"
mkdir -p "$BUILD_DIR"
tar xzf "$TARBALL" -C "$BUILD_DIR" --strip-components=1
cd "$BUILD_DIR"

# PostgreSQL 15.20 exports have_createdb_privilege() from commands/dbcommands.h; Citus
# 13.2.2 defines its own `static inline` copy for PG 15, and C refuses a static definition
# after the extern declaration. Drop Citus's copy when the server headers have theirs.
server_headers="$("$PG_CONFIG" --includedir-server)"
if grep -q "have_createdb_privilege" "$server_headers/commands/dbcommands.h" 2>/dev/null; then
    compat=src/include/pg_version_compat.h
    awk '
        skipping { if ($0 == "}") skipping = 0; next }
        held != "" {
            if ($0 == "have_createdb_privilege(void)") { held = ""; skipping = 1; next }
            print held; held = ""
        }
        $0 == "static inline bool" { held = $0; next }
        { print }
        END { if (held != "") print held }
    ' "$compat" >"$compat.new"
    mv "$compat.new" "$compat"
    if grep -q "^have_createdb_privilege(void)" "$compat"; then
        echo "citus: could not remove have_createdb_privilege from $compat" >&2
        exit 1
    fi
fi

./configure --quiet PG_CONFIG="$PG_CONFIG"
# with_llvm=no: no JIT bitcode (it would double the build, for a feature nothing here uses).
make -s -j"${CITUS_BUILD_JOBS:-2}" with_llvm=no
make -s install with_llvm=no
echo "citus: installed $libdir/citus.so"

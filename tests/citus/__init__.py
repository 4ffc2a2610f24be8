"""The Citus suite (`make citus-test`, deploy/citus/cluster.sh): runs only against a Citus
coordinator named by CITUS_URL, which must also be DATABASE_URL; skipped otherwise."""

import os

import pytest

ON_CITUS = bool(os.environ.get("CITUS_URL")) and os.environ.get("CITUS_URL") == os.environ.get(
    "DATABASE_URL"
)
requires_citus = pytest.mark.skipif(
    not ON_CITUS, reason="needs a Citus coordinator as CITUS_URL = DATABASE_URL (make citus-test)"
)

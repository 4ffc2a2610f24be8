"""Report figures equal the slow reference on a tenant whose tables are shards on a worker:
the fact table's row triggers fire on the shards there (migration 0005) and every write the
reports follow is tested as on one PostgreSQL, imported as it is from tests/apps/reports."""

import pytest

from tests.apps.reports.conftest import world  # noqa: F401 (fixture)
from tests.apps.reports.test_fact import (  # noqa: F401
    test_it_follows_a_deleted_shift,
    test_it_follows_a_shift_moved_to_another_year_and_task,
    test_it_follows_a_sign_up_given_to_another_person,
    test_it_follows_a_task_moved_to_another_event,
    test_it_follows_an_event_to_another_organisation_and_category,
    test_it_follows_attendance_marked_corrected_and_deleted,
    test_it_keeps_one_fact_per_attendance,
)

# Not test_it_keeps_the_facts_in_the_tenants_schema_when_psql_writes_with_search_path_public:
# its `SET starts_at = starts_at + interval '1 day'` is refused by Citus itself (a STABLE
# operator on a column in an UPDATE); the sign-up deletion below is psql's write here.
from tests.apps.reports.test_fact_schema import (  # noqa: F401
    test_it_keeps_the_report_right_when_psql_deletes_sign_ups,
    test_it_needs_nothing_a_citus_worker_lacks,
)
from tests.apps.reports.test_figures import (  # noqa: F401
    test_it_matches_the_reference_for_a_year,
    test_it_matches_the_reference_for_every_year_and_organisation,
)
from tests.citus import requires_citus

pytestmark = [requires_citus, pytest.mark.django_db]

"""The sign-up race and the waitlist on a tenant whose tables are shards on a worker: the
same tests as on one PostgreSQL (tests/apps/shifts/test_concurrency.py), imported as they
are. Row locks and the counters work through the coordinator."""

import pytest

from tests.apps.shifts.test_concurrency import (  # noqa: F401 (fixtures and tests)
    busy_shift,
    test_it_confirms_exactly_capacity_when_everyone_signs_up_at_once,
    test_it_promotes_each_waiting_person_once_under_concurrent_cancellations_and_fills,
    test_it_refuses_the_same_person_twice_even_at_the_same_instant,
)
from tests.apps.shifts.test_waitlist import (  # noqa: F401
    test_it_keeps_counters_equal_to_the_rows,
    test_it_moves_on_when_an_offer_is_declined_and_confirms_an_accepted_one,
    test_it_offers_the_place_for_a_limited_time_and_moves_on_when_it_expires,
    test_it_passes_over_people_busy_elsewhere_but_keeps_their_place,
    test_it_promotes_exactly_once_when_the_fill_task_is_delivered_twice,
    test_it_promotes_the_first_in_line_when_someone_cancels,
    test_it_puts_newcomers_behind_the_line_even_when_a_place_is_free,
    test_it_refuses_an_offer_accepted_too_late,
    test_it_stops_promoting_close_to_the_start_and_tells_the_coordinators,
)
from tests.citus import requires_citus

pytestmark = [requires_citus, pytest.mark.django_db]

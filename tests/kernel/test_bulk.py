"""kernel.bulk_insert: plain rows in one statement per batch, defaults as the ORM sets them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import User
from apps.members.models import Profile
from kernel.bulk import bulk_insert

pytestmark = pytest.mark.django_db


def test_it_inserts_rows_in_order_with_the_orms_defaults(in_nyborg):
    emails = [f"bulk{i}@example.dk" for i in range(5)]
    with CaptureQueriesContext(connection) as queries:
        ids = bulk_insert(
            User,
            {"email": emails, "full_name": ["Bulk"] * 5, "birth_year": [1990, None, 1, 2, 3]},
            batch_size=2,
        )
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 3  # batches of 2, 2 and 1
    users = User.objects.in_bulk(ids)
    assert [users[pk].email for pk in ids] == emails
    first = users[ids[0]]
    assert first.is_active and not first.is_staff and first.phone == ""
    assert abs((first.date_joined - timezone.now()).total_seconds()) < 60
    assert users[ids[1]].birth_year is None
    # A unique field with a callable default gets one value per row.
    assert len({user.calendar_token for user in users.values()}) == 5
    profiles = bulk_insert(Profile, {"user_id": ids, "postcode": ["5800"] * 5})
    default = Profile._meta.get_field("availability").get_default()
    assert Profile.objects.get(pk=profiles[0]).availability == default
    assert bulk_insert(Profile, {"user_id": []}) == []

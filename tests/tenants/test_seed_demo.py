"""`make run`'s demo: every page has something to show, and seeding twice adds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.evaluations.models import Response
from apps.groups.models import Post
from apps.reports.figures import Period, report_figures
from apps.shifts.models import Event
from tenants.management.commands._demo_history import seed_history
from tenants.management.commands._demo_marketplace import seed_marketplace

pytestmark = pytest.mark.django_db


def test_it_seeds_history_for_reports_evaluations_and_groups_once(nyborg):
    with tenant_context(nyborg):
        for _twice in range(2):  # what seed_demo does in each demo tenant
            seed_marketplace(password="demo-password", volunteer_email="frivillig@example.dk")
            seed_history()
        today = timezone.localdate()
        figures = report_figures(Period(today - timedelta(days=100), today))
        totals = figures["totals"]
        assert totals["attended"] > 0 and totals["no_shows"] > 0 and totals["active"] == 5
        assert Response.objects.count() == 12 and Post.objects.count() == 2
        assert Event.objects.filter(title="Havnefest").count() == 1

"""Who may see which programme's funder report, and the report itself.

The programme's own organisation's admins and coordinators, and the system owner's admins
(the municipality, which funds and reports too) — `apps.reports.selectors.report_scope`, as
for every report. A referrer, a volunteer, another organisation's coordinator and anyone of
another tenant have no scope or do not find the programme: 404, as if it did not exist.
"""

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from apps.citizens.models import Programme
from apps.reports.figures import Period
from apps.reports.funder.evaluations import match_evaluations
from apps.reports.funder.figures import funder_figures, grant_period
from apps.reports.funder.suppression import funder_report
from apps.reports.selectors import Scope


def funder_programmes(*, scope: Scope) -> QuerySet[Programme]:
    programmes = Programme.objects.select_related("organisation").order_by(
        "organisation__name", "name", "id"
    )
    if scope.sees_all:
        return programmes
    return programmes.filter(organisation__in=scope.organisations)


def funder_programme(*, scope: Scope, programme_id: int) -> Programme | None:
    return funder_programmes(scope=scope).filter(pk=programme_id).first()


def funder_report_of(
    *, programme: Programme, period: Period, now: datetime | None = None
) -> dict[str, Any]:
    """The suppressed report: one query for the figures, and what the evaluations take."""
    figures = funder_figures(programme, period, now=now)
    figures["evaluation"] = match_evaluations(programme=programme, period=period)
    return funder_report(figures)


def default_period(*, programme: Programme, today: date) -> Period:
    return grant_period(programme, today)

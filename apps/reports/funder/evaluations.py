"""Evaluation scores of ended matches, for the funder report.

Issue 15 asks for a short evaluation from each side when a match ends; until apps.evaluations
(or apps.citizens) records those answers, there is nothing to read and the section says
"none yet". The contract the report needs, whoever builds the evaluation: one row per side
(the volunteer, the citizen) with the number of responses about the programme's matches
that ended in the period and the mean of their 1–5 scale answers. Counts below 3 are shown
as "<3" and their average is not shown (suppression.evaluation_rows).
"""

from typing import Any

from apps.citizens.models import Programme
from apps.reports.figures import Period


def match_evaluations(*, programme: Programme, period: Period) -> list[dict[str, Any]]:
    """Rows of {"key": side, "name": label, "responses": int, "average": float | None}."""
    return []

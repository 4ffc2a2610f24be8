"""Evaluation scores of ended matches, for the funder report.

Issue 15 asks for a short evaluation from each side when a match ends. apps.citizens keeps
the answers anonymously (by programme, side and month the match ended) and reads them for
this report with `apps.citizens.selectors.match_evaluation_scores` (built alongside this
report, on the branch `citizens2`). Until that reader is there, there is nothing to read and
the page says "none"; once it is, this module passes its figures on unchanged: one row per
side with the number of answered evaluations and the mean of their 1-5 answers, of matches
that ended in the months the period touches. Counts below 3 are shown as "<3" and their
mean is not shown (suppression.evaluation_rows).
"""

from typing import Any

from apps.citizens import selectors as citizens
from apps.citizens.models import CitizenMatch, Programme
from apps.reports.figures import Period


def match_evaluations(*, programme: Programme, period: Period) -> list[dict[str, Any]]:
    """Rows of {"key": side, "name": label, "responses": int, "average": float | None};
    none while nobody has answered."""
    scores = getattr(citizens, "match_evaluation_scores", None)
    if scores is None:
        return []
    per_side = scores(programme=programme, period=(period.start, period.end))
    rows = [
        {
            "key": side,
            "name": CitizenMatch.Side(side).label,
            "responses": figures.responses,
            "average": figures.mean,
        }
        for side, figures in per_side.items()
    ]
    return rows if any(row["responses"] for row in rows) else []

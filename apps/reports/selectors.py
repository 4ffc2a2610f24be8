"""Who may see which report, and the report itself (figures plus the evaluation hook)."""

from dataclasses import dataclass
from typing import Any

from apps.accounts.models import User
from apps.evaluations.selectors import evaluation_scores
from apps.organisations.models import Organisation
from apps.organisations.selectors import organisations_coordinated_by
from apps.reports.figures import Period, report_figures


@dataclass(frozen=True)
class Scope:
    """What a person may report on: every organisation (system-owner admin) or their own."""

    organisations: list[Organisation]
    sees_all: bool

    def allows(self, organisation_id: int | None) -> bool:
        if organisation_id is None:
            return self.sees_all
        return any(organisation.pk == organisation_id for organisation in self.organisations)

    def default(self) -> int | None:
        """The tenant for the admin; a coordinator's first organisation otherwise."""
        if self.sees_all or not self.organisations:
            return None
        return self.organisations[0].pk


def report_scope(*, user: User) -> Scope | None:
    """None for people without a coordinating role: they see no reports at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    organisations = organisations_coordinated_by(user=user)
    if user.is_owner_admin:
        return Scope(organisations=organisations, sees_all=True)
    if not organisations:
        return None
    return Scope(organisations=organisations, sees_all=False)


def evaluation_section(*, period: Period, organisation_id: int | None) -> list[dict[str, Any]]:
    """Evaluation scores per event (apps.evaluations): event_id, event_title,
    organisation_id, responses, average. Empty when nobody answered; pages and exports then
    leave the section out."""
    return list(
        evaluation_scores(start=period.start, end=period.end, organisation_id=organisation_id)
    )


def report(*, period: Period, organisation_id: int | None) -> dict[str, Any]:
    """The figures (see apps.reports.figures for what each means) and the evaluation section."""
    figures = report_figures(period, organisation_id=organisation_id)
    figures["evaluation"] = evaluation_section(period=period, organisation_id=organisation_id)
    return figures

"""Reports change nothing; the one write is the audit row for each export."""

from apps.audit.services import audit_record
from apps.citizens.models import Programme
from apps.organisations.models import Organisation
from apps.reports.figures import Period


def report_export_record(
    *, actor: object, file_format: str, period: Period, organisation: Organisation | None
) -> None:
    # Who took a copy of the figures (and the per-volunteer hours in them), and when.
    audit_record(
        actor=actor,
        action="reports.export",
        target=organisation,
        format=file_format,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        scope="organisation" if organisation else "all",
    )


def funder_export_record(
    *, actor: object, file_format: str, programme: Programme, period: Period
) -> None:
    # The funder report holds no names, but who handed which figures out is still worth a row.
    audit_record(
        actor=actor,
        action="reports.funder_export",
        target=programme,
        format=file_format,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
    )

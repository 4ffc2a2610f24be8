"""The funder report as XLSX and PDF, from the suppressed figures only (suppression.py): the
same sections as the page, "<3" and "*" where the page has them, and the note on why."""

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from apps.reports.exports import Section, sections_xlsx
from apps.reports.pdf import _bars, _escape, _logo, _month_chart, _table
from kernel import dates


def notes() -> list[str]:
    return [
        _("No names, aliases or notes: counts only."),
        _(
            "<3: 1 or 2, hidden so that no citizen can be recognised. *: hidden as well, so "
            "that a number below 3 cannot be worked out from the total."
        ),
        _("Hours are not logged for matches, so the report has none."),
    ]


def title(report: dict[str, Any]) -> str:
    period = report["period"]
    return _("%(programme)s, %(start)s–%(end)s") % {
        "programme": report["programme"].name,
        "start": dates.show(period.start, "full_date"),
        "end": dates.show(period.end, "full_date"),
    }


def key_rows(report: dict[str, Any]) -> list[tuple[str, Any]]:
    totals = report["totals"]
    return [
        (_("Referrals received"), totals["received"]),
        (_("Referrals matched"), totals["matched"]),
        (_("Median days from referral to match"), totals["matched_median_days"]),
        (_("Waiting for a match at the end"), totals["waiting"]),
        (_("Median days waited so far"), totals["waiting_median_days"]),
        (_("Active matches in the period"), totals["active"]),
        (_("Active matches at the end"), totals["active_at_end"]),
        (_("Matches ended"), totals["ended"]),
        (_("Volunteers engaged"), totals["volunteers"]),
    ]


def sections(report: dict[str, Any]) -> list[Section]:
    result = [
        Section(
            _("Key figures"),
            [_("Figure"), _("Value")],
            [[label, cell.export] for label, cell in key_rows(report)],
            ["text", "number"],
        ),
        Section(
            _("Per month"),
            [_("Month"), _("Received"), _("Matched"), _("Ended")],
            [
                [
                    dates.show(row["key"], "year_month"),
                    row["received"].export,
                    row["matched"].export,
                    row["ended"].export,
                ]
                for row in report["months"]
            ],
            ["text", "number", "number", "number"],
        ),
        Section(
            _("Referrals per age band"),
            [_("Age"), _("Received")],
            [[str(row["name"]), row["received"].export] for row in report["age_bands"]],
            ["text", "number"],
        ),
        Section(
            _("Ended matches per reason"),
            [_("Reason"), _("Ended")],
            [[str(row["name"]), row["ended"].export] for row in report["reasons"]],
            ["text", "number"],
        ),
    ]
    if report["evaluation"]:
        result.append(
            Section(
                _("Evaluations"),
                [_("Who answered"), _("Responses"), _("Average score")],
                [
                    [str(row["name"]), row["responses"].export, row["average"].export]
                    for row in report["evaluation"]
                ],
                ["text", "number", "hours"],
            )
        )
    result.append(Section(_("About these figures"), [_("Note")], [[n] for n in notes()], ["text"]))
    return result


def funder_xlsx(report: dict[str, Any]) -> bytes:
    return sections_xlsx(sections(report))


def funder_pdf(report: dict[str, Any], *, tenant: Any) -> bytes:
    primary = colors.HexColor(tenant.primary_colour)
    accent = colors.HexColor(tenant.accent_colour)
    styles = getSampleStyleSheet()
    heading = ParagraphStyle("heading", parent=styles["Heading1"], textColor=primary)
    subheading = ParagraphStyle("subheading", parent=styles["Heading2"], textColor=primary)
    body = styles["BodyText"]
    programme = report["programme"]
    story: list[Any] = []
    logo = _logo(tenant)
    if logo is not None:
        story.append(logo)
    story += [
        Paragraph(_escape(tenant.name), styles["Title"]),
        Paragraph(_escape(title(report)), heading),
        Paragraph(
            _escape(
                _("%(organisation)s. Funder: %(funder)s.")
                % {
                    "organisation": programme.organisation.name,
                    "funder": programme.funder or _("none given"),
                }
            ),
            body,
        ),
        Paragraph(
            _escape(
                _("Made %(date)s with Tovholder.")
                % {"date": dates.show(timezone.localdate(), "full_date")}
            ),
            body,
        ),
        Spacer(1, 6 * mm),
    ]
    all_sections = sections(report)
    story += _table(all_sections[0], primary)
    story.append(Spacer(1, 6 * mm))
    months = [{"name": row["key"], "received": row["received"].bar} for row in report["months"]]
    story.append(
        KeepTogether(
            [
                Paragraph(_escape(_("Referrals received per month")), subheading),
                _month_chart(months, primary, "received"),
            ]
        )
    )
    reasons = [{"name": str(row["name"]), "ended": row["ended"].bar} for row in report["reasons"]]
    story.append(
        KeepTogether(
            [
                Paragraph(_escape(_("Ended matches per reason")), subheading),
                _bars(reasons, accent, "ended"),
            ]
        )
    )
    for section in all_sections[1:]:
        story.append(Paragraph(_escape(section.title), subheading))
        story += _table(section, primary)
        story.append(Spacer(1, 4 * mm))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{tenant.name} · {title(report)}",
        author=tenant.name,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    ).build(story)
    return out.getvalue()

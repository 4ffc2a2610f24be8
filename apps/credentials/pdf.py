"""The record as a PDF for people: what the volunteer chose, and a QR code (segno, drawn
as vector squares by reportlab: no image library) to the public check page. The PDF is
not itself the proof; the signed JSON and the check page are."""

import io
from typing import Any
from xml.sax.saxutils import escape

import segno
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from apps.credentials.formatting import show_hours
from apps.credentials.models import IssuedRecord


def _qr(url: str, size: float = 40 * mm) -> Drawing:
    matrix = segno.make(url, error="m").matrix
    border = 4  # the quiet zone scanners need
    cells = len(matrix) + 2 * border
    cell = size / cells
    drawing = Drawing(size, size)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                top = size - (y + border + 1) * cell
                drawing.add(
                    Rect(
                        (x + border) * cell, top, cell, cell, fillColor=colors.black, strokeWidth=0
                    )
                )
    return drawing


def record_pdf(record: IssuedRecord) -> bytes:
    document: dict[str, Any] = record.credential
    subject = document.get("credentialSubject", {})
    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph(_("Volunteer record"), styles["Title"]),
        Paragraph(escape(str(subject.get("name", ""))), styles["Heading2"]),
        Paragraph(
            _("Issued by %(issuer)s on %(day)s.")
            % {
                "issuer": escape(document["issuer"]["name"]),
                "day": record.issued_at.date().isoformat(),
            },
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
    ]
    if subject.get("hours"):
        story.append(Paragraph(_("Hours"), styles["Heading3"]))
        for row in subject["hours"]:
            story.append(
                Paragraph(
                    _("%(hours)s hours in %(organisation)s")
                    % {
                        "hours": show_hours(row["hours"]),
                        "organisation": escape(row["organisation"]),
                    },
                    styles["Normal"],
                )
            )
    if subject.get("roles"):
        story.append(Paragraph(_("Roles"), styles["Heading3"]))
        for row in subject["roles"]:
            text = f"{row['role']}, {row['event']} ({row['organisation']})"
            story.append(Paragraph(escape(text), styles["Normal"]))
    if subject.get("onboarding"):
        story.append(Paragraph(_("Onboarding"), styles["Heading3"]))
        for row in subject["onboarding"]:
            steps = "; ".join(f"{step['step']} ({step['on']})" for step in row["steps"])
            line = f"{row['organisation']}: {steps}"
            story.append(Paragraph(escape(line), styles["Normal"]))
    if subject.get("references"):
        story.append(Paragraph(_("References"), styles["Heading3"]))
        for row in subject["references"]:
            story.append(Paragraph(escape(row["text"]).replace("\n", "<br/>"), styles["Normal"]))
            byline = f"{row['author']}, {row['role']} ({row['organisation']})"
            story.append(Paragraph(escape(byline), styles["Italic"]))
            story.append(Spacer(1, 3 * mm))
    story += [
        Spacer(1, 8 * mm),
        Paragraph(
            _("Check that this record is genuine, unaltered and not withdrawn:"), styles["Normal"]
        ),
        Paragraph(document["id"], styles["Normal"]),
        Spacer(1, 3 * mm),
        _qr(document["id"]),
    ]
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, title=_("Volunteer record"), author=document["issuer"]["name"]
    ).build(story)
    return out.getvalue()

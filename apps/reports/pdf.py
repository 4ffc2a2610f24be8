"""The yearly report for the city council as a PDF: the tenant's name, colours and logo,
the key figures, charts and the tables behind them, in the tenant's language.

reportlab draws the charts itself (no browser, no image files), so the PDF is built in the
request from the same figures as the page.
"""

import io
import logging
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from apps.reports.charts import number, percent
from apps.reports.exports import PERCENT, sections
from kernel import dates

logger = logging.getLogger(__name__)
# A table of a few thousand volunteers would make a council report of a hundred pages.
MAX_TABLE_ROWS = 40
CHART_WIDTH = 170 * mm


def report_pdf(report: dict[str, Any], *, tenant: Any, scope_name: str) -> bytes:
    primary = colors.HexColor(tenant.primary_colour)
    accent = colors.HexColor(tenant.accent_colour)
    styles = getSampleStyleSheet()
    heading = ParagraphStyle("heading", parent=styles["Heading1"], textColor=primary)
    subheading = ParagraphStyle("subheading", parent=styles["Heading2"], textColor=primary)
    body = styles["BodyText"]
    period = report["period"]
    title = (
        _("Volunteering in %(year)s") % {"year": period.start.year}
        if period.is_year
        else _("Volunteering %(start)s–%(end)s")
        % {
            "start": dates.show(period.start, "full_date"),
            "end": dates.show(period.end, "full_date"),
        }
    )
    story: list[Any] = []
    logo = _logo(tenant)
    if logo is not None:
        story.append(logo)
    story += [
        Paragraph(_escape(tenant.name), styles["Title"]),
        Paragraph(_escape(title), heading),
        Paragraph(_escape(scope_name), body),
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
    story.append(
        KeepTogether(
            [
                Paragraph(_escape(_("Hours per month")), subheading),
                _month_chart(report["months"], primary),
            ]
        )
    )
    if report["organisations"]:
        story.append(
            KeepTogether(
                [
                    Paragraph(_escape(_("Hours per organisation")), subheading),
                    _bars(report["organisations"][:10], accent),
                ]
            )
        )
    if report["categories"]:
        story.append(
            KeepTogether(
                [
                    Paragraph(_escape(_("Hours per category")), subheading),
                    _bars(report["categories"][:10], primary),
                ]
            )
        )
    for section in all_sections[1:]:
        story.append(Paragraph(_escape(section.title), subheading))
        story += _table(section, primary)
        story.append(Spacer(1, 4 * mm))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{tenant.name} · {title}",
        author=tenant.name,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    )
    document.build(story)
    return out.getvalue()


def _escape(text: str) -> str:
    # Paragraph reads a small markup language; names are text, not markup.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _logo(tenant: Any) -> Image | None:
    if not tenant.logo:
        return None
    try:
        with tenant.logo.open("rb") as file:
            data = io.BytesIO(file.read())
        image = Image(data)
        scale = min(1.0, (20 * mm) / image.imageHeight)
        image.drawHeight, image.drawWidth = image.imageHeight * scale, image.imageWidth * scale
        image.hAlign = "LEFT"
        return image
    except Exception:  # a missing or broken logo must not cost the council its report
        logger.warning("Logo of %s could not be read for the PDF report", tenant.schema_name)
        return None


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and kind in (PERCENT, "mixed"):
        return percent(value)
    if kind == "hours":
        return number(value, 1)
    return number(value)


def _table(section: Any, primary: colors.Color) -> list[Any]:
    rows = section.rows[:MAX_TABLE_ROWS]
    data = [section.headers] + [
        [_cell(value, kind) for value, kind in zip(row, section.kinds, strict=True)] for row in rows
    ]
    if len(data) == 1:
        data.append([_("Nothing in this period.")] + [""] * (len(section.headers) - 1))
    table = Table(data, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), primary),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
            ]
        )
    )
    result: list[Any] = [table]
    if len(section.rows) > MAX_TABLE_ROWS:
        result.append(
            Paragraph(
                _escape(
                    _("The first %(shown)s of %(count)s rows; the spreadsheet export has them all.")
                    % {"shown": MAX_TABLE_ROWS, "count": len(section.rows)}
                ),
                getSampleStyleSheet()["Italic"],
            )
        )
    return result


def _month_chart(
    months: list[dict[str, Any]], colour: colors.Color, field: str = "hours"
) -> Drawing:
    drawing = Drawing(CHART_WIDTH, 60 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 10 * mm
    chart.width, chart.height = CHART_WIDTH - 16 * mm, 45 * mm
    chart.data = [[float(month[field]) for month in months]]
    chart.categoryAxis.categoryNames = [dates.show(m["name"], "month") for m in months]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def _bars(rows: list[dict[str, Any]], colour: colors.Color, field: str = "hours") -> Drawing:
    height = (len(rows) * 7 + 10) * mm
    drawing = Drawing(CHART_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 55 * mm, 5 * mm
    chart.width, chart.height = CHART_WIDTH - 60 * mm, height - 10 * mm
    # The chart draws from the bottom up; reversed, the biggest comes first as in the table.
    ordered = list(reversed(rows))
    chart.data = [[float(row[field]) for row in ordered]]
    chart.categoryAxis.categoryNames = [(row["name"] or _("No category"))[:32] for row in ordered]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    if not rows:
        drawing.add(String(0, 0, _("Nothing in this period.")))
    return drawing

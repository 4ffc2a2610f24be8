"""The exports open in what people open them with, and say what the page says."""

import csv
import io
import re

import openpyxl
import pypdf

from apps.audit.models import AuditEvent
from apps.reports.figures import Period, report_figures
from tests.conftest import signed_in


def download(client, file_format, **params):
    response = client.get(
        f"/rapporter/eksport/{file_format}/", params, HTTP_HOST="nyborg.localhost"
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content


def test_it_exports_csv_that_danish_excel_reads(client, nyborg, nanna, world):
    signed_in(client, nanna, nyborg)
    body = download(client, "csv", year=2024)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nøgletal"]
    figures = dict(row for row in rows[2:13])
    totals = report_figures(Period.year(2024))["totals"]
    assert figures["Timer"] == str(totals["hours"]).replace(".", ",")
    assert figures["Aktive frivillige"] == str(totals["active"])
    assert ["Pr. organisation"] in rows
    assert any(row and row[0] == "Foreningen Æblehaven" for row in rows)


def test_it_exports_xlsx_with_numbers_as_numbers(client, nyborg, nanna, world):
    signed_in(client, nanna, nyborg)
    body = download(client, "xlsx", year=2024)
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames[:3] == ["Nøgletal", "Pr. måned", "Pr. organisation"]
    report = report_figures(Period.year(2024))
    key = {row[0].value: row[1].value for row in book["Nøgletal"].iter_rows(min_row=2)}
    assert key["Fremmødte vagter"] == report["totals"]["attended"]
    assert float(key["Timer"]) == float(report["totals"]["hours"])
    volunteers = list(book["Pr. frivillig"].iter_rows(min_row=2, values_only=True))
    assert len(volunteers) == len(report["volunteers"])


def test_it_exports_a_pdf_for_the_city_council(client, nyborg, nanna, world):
    signed_in(client, nanna, nyborg)
    body = download(client, "pdf", year=2024)
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Nyborg Kommune" in text
    assert "Frivillighed i 2024" in text
    attended = report_figures(Period.year(2024))["totals"]["attended"]
    assert re.search(rf"Fremmødte vagter\s+{attended}\s", text)
    assert "Foreningen Æblehaven" in text


def test_it_records_every_export_in_the_audit_log(client, nyborg, world, rower):
    signed_in(client, rower, nyborg)
    for file_format in ("csv", "xlsx", "pdf"):
        download(client, file_format, start="2024-03-01", end="2024-08-31")
    events = AuditEvent.objects.filter(action="reports.export").order_by("pk")
    assert [e.data["format"] for e in events] == ["csv", "xlsx", "pdf"]
    assert events[0].actor == rower.email
    assert events[0].target_id == str(world.organisations[0].pk)
    assert events[0].data["start"] == "2024-03-01"


def test_it_exports_nothing_of_another_organisation(client, nyborg, world, rower):
    signed_in(client, rower, nyborg)
    body = download(client, "csv", year=2024)
    text = body.decode("utf-8-sig")
    assert "Nyborg Roklub" in text
    assert "Nyborg Bibliotek" not in text

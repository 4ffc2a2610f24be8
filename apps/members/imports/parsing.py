"""Files into tables: a header row and rows of text, whatever program wrote the file.

CSV in UTF-8 (with or without BOM) or Windows-1252 (older Danish Excel), separated by `;`
(Danish Excel), `,` or tab; XLSX through openpyxl in read-only mode (first sheet).
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 50_000
DELIMITERS = (";", ",", "\t")
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    """Cells as stripped text. `rows[i]` is line `i + 2` of the file (the header is line 1)."""

    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    # Rows in the file below the header; more than `rows` when only the first were read.
    total: int = 0

    def lines(self) -> list[tuple[int, list[str]]]:
        """(line as the spreadsheet shows it, cells), leaving out rows with nothing in them."""
        return [(index + 2, row) for index, row in enumerate(self.rows) if any(row)]


def read_table(data: bytes, filename: str = "", *, first: int | None = None) -> Table:
    """Read an uploaded file; ValidationError says in words why a file cannot be read.

    With `first`, only that many rows are kept: an XLSX is then read no further (its rows
    are counted in the sheet's XML, a fraction of a second for 50,000), which keeps the
    upload and preview requests short; the import reads the whole file in the background.
    """
    if not data.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    if data.startswith(OLD_EXCEL_MAGIC) or filename.lower().endswith(".xls"):
        raise ValidationError(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV."),
            code="xls",
        )
    if data.startswith(XLSX_MAGIC):
        table = _read_xlsx(data, first)
    else:
        table = _read_csv(_decode(data))
        table.total = len(table.rows)
    if not any(table.headers):
        raise ValidationError(
            _("The first line must name the columns, e.g. Name;Email;Phone."), code="no_header"
        )
    if not table.lines():
        raise ValidationError(_("The file has column names but no rows."), code="no_rows")
    if table.total > MAX_ROWS:
        raise ValidationError(
            _("The file has more than %(max)d rows. Split it into smaller files.")
            % {"max": MAX_ROWS},
            code="too_many_rows",
        )
    if first is not None:
        table.rows = table.rows[:first]
    return table


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise ValidationError(
            _("The file is not a text file. Upload CSV (UTF-8 or Windows-1252) or XLSX."),
            code="encoding",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file's characters cannot be read. Save it as CSV UTF-8 and try again."),
            code="encoding",
        ) from None


def _delimiter(text: str) -> str:
    """The separator that splits the header line the most (Danish Excel writes `;`)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(text: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows = [[cell.strip() for cell in row] for row in reader]
    except csv.Error:
        raise ValidationError(
            _("The file is not valid CSV (a quotation mark is never closed)."), code="csv"
        ) from None
    return _table(rows)


def _read_xlsx(data: bytes, first: int | None = None) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(
            _("The file looks like XLSX but cannot be opened. Save it again from Excel."),
            code="xlsx",
        ) from None
    try:
        sheet = book.worksheets[0]
        # Some programs write a wrong size into the sheet; read what is there instead.
        sheet.reset_dimensions()
        # One row beyond the limit is enough to refuse the file.
        cells = islice(
            sheet.iter_rows(values_only=True), MAX_ROWS + 2 if first is None else first + 1
        )
        rows = [[_cell_text(value) for value in row] for row in cells]
        total = _xlsx_rows(sheet) - 1 if first is not None else len(rows) - 1
    finally:
        book.close()
    table = _table(rows)
    table.total = max(total, len(table.rows))
    return table


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _xlsx_rows(sheet: object) -> int:
    """How many rows the sheet's XML holds (header included), without reading their cells.
    Blank rows written as empty elements count too: at worst a file a little under the
    limit is refused, with the limit named."""
    with sheet.parent._archive.open(sheet._worksheet_path) as xml:  # type: ignore[attr-defined]
        return len(_ROW_TAG.findall(xml.read()))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers and postcodes typed as numbers
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _table(rows: list[list[str]]) -> Table:
    if rows and not any(rows[0]):
        # Blank lines above the header would shift every line number; they are refused.
        raise ValidationError(
            _("The first line must name the columns, e.g. Name;Email;Phone."), code="no_header"
        )
    if not rows:
        raise ValidationError(_("The file is empty."), code="empty")
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    return Table(headers=padded[0], rows=padded[1:])

"""Member lists out of Tovholder: CSV that Danish Excel opens as it is, and XLSX.

One query for the whole list, however long. Cells that a spreadsheet would run as a
formula are written as text.
"""

import csv
import io
import re
from datetime import date

from django.utils.translation import gettext as _

from apps.members.models import Membership
from apps.organisations.models import Organisation

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[\d ]+")


def member_rows(organisation: Organisation) -> list[list[str | date]]:
    """Name, email, phone, postcode, status, member since; ordered by name (one query)."""
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user__profile")
        .order_by("user__full_name", "user__email", "pk")
    )
    rows: list[list[str | date]] = []
    for membership in memberships:
        user = membership.user
        profile = getattr(user, "profile", None)
        rows.append(
            [
                user.full_name,
                user.email,
                user.phone,
                profile.postcode if profile else "",
                membership.get_status_display(),
                membership.started_on,
            ]
        )
    return rows


def headers() -> list[str]:
    return [_("Name"), _("Email"), _("Phone"), _("Postcode"), _("Status"), _("Member since")]


def safe_text(value: str) -> str:
    """A leading = + - @ makes a spreadsheet compute the cell; such text gets a quote first.
    Phone numbers (+4512345678) stay as they are."""
    if value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def members_csv(organisation: Organisation) -> bytes:
    """UTF-8 with BOM and `;` between columns: what Danish Excel opens with æøå intact."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for row in member_rows(organisation):
        writer.writerow(
            [value.isoformat() if isinstance(value, date) else safe_text(value) for value in row]
        )
    return out.getvalue().encode("utf-8-sig")


def members_xlsx(organisation: Organisation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Members")[:31])
    sheet.append(headers())
    for row in member_rows(organisation):
        cells = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
            else:
                # Text cells, so a phone number keeps its + and a postcode its leading zero.
                cell = WriteOnlyCell(sheet, value=safe_text(value))
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

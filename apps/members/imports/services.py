"""Volunteers from a file: check every row, show a preview, then write them in one go.

`import_preview` reads and checks without writing; `members_import` checks again (the
register may have changed since the preview) and writes in one transaction with bulk
inserts: a few queries whatever the file's length, never one per row.
"""

import re
import secrets
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.legal.models import Consent
from apps.members.imports.columns import FIELDS, Mapping, check_mapping, guess_mapping
from apps.members.imports.parsing import Table
from apps.members.models import Membership, Profile
from apps.members.services.information import information_notice_send
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from kernel.bulk import bulk_insert
from kernel.phones import normalise_phone

PREVIEW_ROWS = 20
OLDEST_AGE = 110
EMAIL_MAX = User._meta.get_field("email").max_length or 254
NAME_MAX = User._meta.get_field("full_name").max_length or 200
PHONE_MAX = User._meta.get_field("phone").max_length or 30
POSTCODE_MAX = Profile._meta.get_field("postcode").max_length or 10
AREA_MAX = Profile._meta.get_field("area").max_length or 100


@dataclass
class Row:
    """One line of the file, cleaned, with what is wrong with it."""

    line: int
    email: str = ""
    full_name: str = ""
    phone: str = ""
    postcode: str = ""
    area: str = ""
    birth_year: int | None = None
    errors: list[str] = field(default_factory=list)
    existing_user_id: int | None = None
    already_member: bool = False


@dataclass
class Preview:
    filename: str
    table: Table
    mapping: Mapping
    mapping_problems: list[str]
    rows: list[Row]

    @cached_property
    def invalid(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @cached_property
    def valid(self) -> list[Row]:
        return [row for row in self.rows if not row.errors]

    @property
    def first_rows(self) -> list[Row]:
        return self.rows[:PREVIEW_ROWS]

    @property
    def new_people(self) -> int:
        return sum(1 for row in self.valid if row.existing_user_id is None)

    @property
    def existing_people(self) -> int:
        return sum(1 for row in self.valid if row.existing_user_id and not row.already_member)

    @property
    def already_members(self) -> int:
        return sum(1 for row in self.valid if row.already_member)

    @property
    def importable(self) -> bool:
        return not self.mapping_problems and bool(self.valid)


@dataclass
class ImportResult:
    created: int
    joined: int
    already_members: int
    skipped: int


def import_preview(
    *, organisation: Organisation, table: Table, filename: str = "", mapping: Mapping | None = None
) -> Preview:
    """Check the rows of a file read by `parsing.read_table`; writes nothing.

    Without a mapping the columns are matched by their headers.
    """
    mapping = guess_mapping(table.headers) if mapping is None else mapping
    problems = check_mapping(mapping, table.headers)
    rows = [] if problems else check_rows(table, mapping, organisation)
    return Preview(filename, table, mapping, problems, rows)


def members_import(
    *,
    actor: User,
    organisation: Organisation,
    table: Table,
    filename: str = "",
    mapping: Mapping | None = None,
    import_valid_rows: bool = False,
) -> ImportResult:
    """Import the volunteers of a file read by `parsing.read_table` into `organisation`.

    With any row in error nothing is written unless `import_valid_rows`; then the valid rows
    are. New people become users without a password (they sign in by a link) with a profile;
    people already registered under the same email only become members.
    """
    require_coordinator(actor, organisation)
    preview = import_preview(
        organisation=organisation, table=table, filename=filename, mapping=mapping
    )
    if preview.mapping_problems:
        raise ValidationError(preview.mapping_problems, code="mapping")
    if preview.invalid and not import_valid_rows:
        raise ValidationError(
            _("%(count)d rows have errors. Correct them, or choose to import only the valid rows.")
            % {"count": len(preview.invalid)},
            code="row_errors",
        )
    if not preview.valid:
        raise ValidationError(_("No row can be imported."), code="nothing")
    try:
        with transaction.atomic():
            created, joined = rows_write(actor=actor, organisation=organisation, rows=preview.valid)
            result = ImportResult(
                created=created,
                joined=joined,
                already_members=preview.already_members,
                skipped=len(preview.invalid),
            )
            audit_record(
                actor=actor,
                action="members.import",
                target=organisation,
                filename=filename,
                rows=len(preview.rows),
                created=result.created,
                joined=result.joined,
                already_members=result.already_members,
                skipped=result.skipped,
            )
    except IntegrityError:
        # Someone registered one of these emails between the check and the write.
        raise ValidationError(
            _("The register changed while importing. Nothing was imported; please try again."),
            code="conflict",
        ) from None
    return result


def rows_write(*, actor: User, organisation: Organisation, rows: list[Row]) -> tuple[int, int]:
    """Write checked, valid rows (call inside a transaction): new people become users with a
    profile, and everyone not yet a member joins. Returns (created, joined)."""
    # kernel.bulk_insert, not bulk_create: no model instance and no per-field preparation
    # for each of up to 50,000 rows (see bench/members_import.py for the difference).
    new_rows = [row for row in rows if row.existing_user_id is None]
    user_ids = bulk_insert(
        User,
        {
            "email": [row.email for row in new_rows],
            "full_name": [row.full_name for row in new_rows],
            "phone": [row.phone for row in new_rows],
            "birth_year": [row.birth_year for row in new_rows],
            # no password: they sign in by an emailed link
            "password": [_unusable_password() for _row in new_rows],
        },
    )
    bulk_insert(
        Profile,
        {
            "user_id": user_ids,
            "postcode": [row.postcode for row in new_rows],
            "area": [row.area for row in new_rows],
            "status": [Profile.Status.ACTIVE.value] * len(new_rows),
        },
    )
    joining = user_ids + [
        row.existing_user_id for row in rows if row.existing_user_id and not row.already_member
    ]
    bulk_insert(
        Membership,
        {
            "user_id": joining,
            "organisation_id": [organisation.pk] * len(joining),
            "started_on": [timezone.localdate()] * len(joining),
        },
    )
    information_notice_send(
        actor=actor,
        organisation=organisation,
        user_ids=user_ids,
        method=Consent.Method.IMPORT,
    )
    return len(user_ids), len(joining) - len(user_ids)


def _unusable_password() -> str:
    """What set_unusable_password() stores, without the 40 random.choice calls a user that
    make_password(None) takes (a second and a half for 10,000 people)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


# --- checking rows ------------------------------------------------------------------------


def check_rows(table: Table, mapping: Mapping, organisation: Organisation) -> list[Row]:
    """Clean and check every row, then look for duplicates in the file and the register."""
    this_year = timezone.localdate().year
    rows = [clean_row(line, cells, mapping, this_year) for line, cells in table.lines()]
    mark_duplicates(rows)
    mark_registered(rows, organisation)
    return rows


def _cell(cells: list[str], mapping: Mapping, name: str) -> str:
    index = mapping.get(name)
    return cells[index].strip() if index is not None else ""


_BIRTH_YEAR = re.compile(r"(\d{4})(?:-\d{1,2}-\d{1,2})?|\d{1,2}[-./]\d{1,2}[-./](\d{4})")


def clean_row(line: int, cells: list[str], mapping: Mapping, this_year: int | None = None) -> Row:
    """One line cleaned and checked on its own. `this_year` for a whole file: the local
    date costs more than the rest of a row's checks."""
    row = Row(line=line)
    name = _cell(cells, mapping, "full_name") or " ".join(
        part
        for part in (_cell(cells, mapping, "first_name"), _cell(cells, mapping, "last_name"))
        if part
    )
    row.full_name = " ".join(name.split())
    if not row.full_name:
        row.errors.append(_("The name is missing."))
    elif len(row.full_name) > NAME_MAX:
        row.errors.append(_("The name is longer than %(max)d characters.") % {"max": NAME_MAX})

    row.email = _cell(cells, mapping, "email").lower()
    if not row.email:
        row.errors.append(_("The email address is missing."))
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(_("“%(email)s” is not a valid email address.") % {"email": row.email})
        else:
            if len(row.email) > EMAIL_MAX:
                row.errors.append(_("The email address is too long."))

    raw_phone = _cell(cells, mapping, "phone")
    if raw_phone:
        phone = normalise_phone(raw_phone)
        if phone is None:
            row.errors.append(
                _("“%(phone)s” is not a phone number.") % {"phone": raw_phone[:PHONE_MAX]}
            )
        else:
            row.phone = phone

    row.postcode = _cell(cells, mapping, "postcode")
    if len(row.postcode) > POSTCODE_MAX or (row.postcode and not row.postcode.isalnum()):
        row.errors.append(_("“%(postcode)s” is not a postcode.") % {"postcode": row.postcode[:20]})
    row.area = _cell(cells, mapping, "area")
    if len(row.area) > AREA_MAX:
        row.errors.append(_("The town is longer than %(max)d characters.") % {"max": AREA_MAX})

    raw_year = _cell(cells, mapping, "birth_year")
    if raw_year:
        row.birth_year = birth_year(raw_year, this_year)
        if row.birth_year is None:
            row.errors.append(
                _("“%(year)s” is not a plausible birth year.") % {"year": raw_year[:20]}
            )
    return row


def birth_year(value: str, this_year: int | None = None) -> int | None:
    """A year (1990), or the year of a date (1990-05-17, 17-05-1990, 17.5.1990)."""
    match = _BIRTH_YEAR.fullmatch(value)
    if not match:
        return None
    year = int(match.group(1) or match.group(2))
    this_year = this_year or timezone.localdate().year
    return year if this_year - OLDEST_AGE <= year <= this_year else None


def mark_duplicates(
    rows: list[Row],
    first_by_email: dict[str, int] | None = None,
    first_by_phone: dict[str, int] | None = None,
) -> None:
    """A second row with an email or phone of an earlier one is an error. The dicts (value →
    first line) carry what earlier chunks of the same file held."""
    first_by_email = {} if first_by_email is None else first_by_email
    first_by_phone = {} if first_by_phone is None else first_by_phone
    for row in rows:
        if row.email:
            if row.email in first_by_email:
                row.errors.append(
                    _("The same email address as line %(line)d.")
                    % {"line": first_by_email[row.email]}
                )
            else:
                first_by_email[row.email] = row.line
        if row.phone:
            if row.phone in first_by_phone:
                row.errors.append(
                    _("The same phone number as line %(line)d.")
                    % {"line": first_by_phone[row.phone]}
                )
            else:
                first_by_phone[row.phone] = row.line


def mark_registered(rows: list[Row], organisation: Organisation) -> None:
    """People already in the tenant's register, found by email (two queries in all).

    A phone number registered to someone with another email is most likely the same person
    under a new address, so that row is an error rather than a second user.
    """
    emails = [row.email for row in rows if row.email]
    # `= ANY(array)`, not `IN (…)`: one parameter instead of one per row, which Django would
    # prepare one by one (a second of an import's time at 50,000 rows).
    registered: dict[str, int] = dict(
        _select("SELECT lower(email), id FROM {user} WHERE lower(email) = ANY(%s)", [emails])
    )
    members = {
        user_id
        for (user_id,) in _select(
            "SELECT user_id FROM {membership} WHERE organisation_id = %s AND user_id = ANY(%s)",
            [organisation.pk, list(registered.values())],
        )
    }
    phone_owners = _registered_phones({row.phone for row in rows if row.phone})
    for row in rows:
        row.existing_user_id = registered.get(row.email)
        row.already_member = row.existing_user_id in members
        owner = phone_owners.get(row.phone)
        if owner and owner[0] != row.existing_user_id:
            row.errors.append(
                _("The phone number belongs to a registered person with another email (%(email)s).")
                % {"email": owner[1]}
            )


def _registered_phones(phones: set[str]) -> dict[str, tuple[int, str]]:
    """Normalised phone → (user id, email), comparing digits so "12 34 56 78" matches."""
    if not phones:
        return {}
    digits: set[str] = set()
    for phone in phones:
        bare = phone.lstrip("+")
        digits |= {bare, "00" + bare}
        if bare.startswith("45") and len(bare) == 10:
            digits.add(bare[2:])
    users = _select(
        "SELECT id, email, phone FROM {user} WHERE phone <> '' "
        "AND regexp_replace(phone, '[^0-9]', '', 'g') = ANY(%s)",
        [list(digits)],
    )
    owners: dict[str, tuple[int, str]] = {}
    for pk, email, phone in users:
        normalised = normalise_phone(phone)
        if normalised in phones:
            owners.setdefault(normalised, (pk, email))
    return owners


def _select(sql: str, params: list) -> list[tuple]:
    """A query on the user and membership tables (names from the models, in the tenant's
    schema like every query), with arrays as parameters."""
    tables = {"user": User._meta.db_table, "membership": Membership._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(
            sql.format(**{k: connection.ops.quote_name(v) for k, v in tables.items()}), params
        )
        return cursor.fetchall()


def field_labels() -> dict[str, str]:
    return {name: str(label) for name, label in FIELDS.items()}

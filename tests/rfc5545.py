"""A strict check of iCalendar output against the structural rules of RFC 5545 (and RFC 5546
for METHOD:REQUEST), on top of parsing it back with the icalendar library.

The icalendar library is lenient: it parses a calendar without components or a VEVENT without
a UID. This walks the content lines itself, so a test fails on what a strict client refuses.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from icalendar import Calendar

# Properties that may appear at most once in a component (RFC 5545 3.6.1, 3.6.5, 3.7).
_ONCE = {
    "VCALENDAR": {"PRODID", "VERSION", "CALSCALE", "METHOD"},
    "VEVENT": {
        "DTSTAMP",
        "UID",
        "DTSTART",
        "CLASS",
        "CREATED",
        "DESCRIPTION",
        "GEO",
        "LAST-MODIFIED",
        "LOCATION",
        "ORGANIZER",
        "PRIORITY",
        "SEQUENCE",
        "STATUS",
        "SUMMARY",
        "TRANSP",
        "URL",
        "RECURRENCE-ID",
        "DTEND",
        "DURATION",
    },
    "VTIMEZONE": {"TZID", "LAST-MODIFIED", "TZURL"},
    "STANDARD": {"DTSTART", "TZOFFSETTO", "TZOFFSETFROM"},
    "DAYLIGHT": {"DTSTART", "TZOFFSETTO", "TZOFFSETFROM"},
}
_REQUIRED = {
    "VCALENDAR": {"PRODID", "VERSION"},
    "VEVENT": {"DTSTAMP", "UID", "DTSTART"},  # DTSTART: required without METHOD; we always set it
    "VTIMEZONE": {"TZID"},
    "STANDARD": {"DTSTART", "TZOFFSETTO", "TZOFFSETFROM"},
    "DAYLIGHT": {"DTSTART", "TZOFFSETTO", "TZOFFSETFROM"},
}
# Properties a component may have at all (besides X- and IANA-registered extensions we use).
_ALLOWED = {
    "VCALENDAR": {"PRODID", "VERSION", "CALSCALE", "METHOD", "REFRESH-INTERVAL", "NAME"},
    "VTIMEZONE": {"TZID", "LAST-MODIFIED", "TZURL"},
    "STANDARD": {"DTSTART", "TZOFFSETTO", "TZOFFSETFROM", "COMMENT", "RDATE", "RRULE", "TZNAME"},
}
_ALLOWED["DAYLIGHT"] = _ALLOWED["STANDARD"]
_CHILDREN = {
    "VCALENDAR": {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE"},
    "VEVENT": {"VALARM"},
    "VTIMEZONE": {"STANDARD", "DAYLIGHT"},
}
_NAME = re.compile(r"^[A-Za-z0-9-]+")
_UTC_DATETIME = re.compile(r"^\d{8}T\d{6}Z$")
_OFFSET = re.compile(r"^[+-]\d{4}(\d{2})?$")


@dataclass
class _Component:
    name: str
    properties: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    children: list["_Component"] = field(default_factory=list)

    def values(self, name: str) -> list[str]:
        return [value for prop, _, value in self.properties if prop == name]

    def value(self, name: str) -> str | None:
        found = self.values(name)
        return found[0] if found else None


def assert_valid_calendar(ics: bytes | str) -> Calendar:
    """Fail with a list of every rule `ics` breaks; return it parsed by icalendar."""
    if isinstance(ics, str):  # a text/calendar mail attachment comes back decoded
        ics = ics.encode()
    problems: list[str] = []
    root = _content(ics, problems)
    if root is not None:
        _check_calendar(root, problems)
    parsed = Calendar.from_ical(ics)
    for component in parsed.walk():
        problems += [f"icalendar: {component.name}: {error}" for error in component.errors]
    assert not problems, "not valid RFC 5545:\n" + "\n".join(problems)
    return parsed


def _content(ics: bytes, problems: list[str]) -> _Component | None:
    text = ics.decode("utf-8")  # RFC 5545 3.1.4: UTF-8 is the default charset
    if not text.endswith("\r\n") or "\n" in text.replace("\r\n", ""):
        problems.append("content lines must end with CRLF")
    for number, line in enumerate(text.split("\r\n"), 1):
        if len(line.encode()) > 75:
            problems.append(f"line {number} is longer than 75 octets (fold it)")
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    stack: list[_Component] = []
    roots: list[_Component] = []
    for line in unfolded.split("\r\n"):
        if not line:
            continue
        name, params, value = _parse_line(line, problems)
        if name == "BEGIN":
            component = _Component(value.upper())
            (stack[-1].children if stack else roots).append(component)
            stack.append(component)
        elif name == "END":
            if not stack or stack[-1].name != value.upper():
                problems.append(f"END:{value} does not close the open component")
                return None
            stack.pop()
        elif not stack:
            problems.append(f"property {name} outside any component")
        else:
            stack[-1].properties.append((name, params, value))
    if stack:
        problems.append(f"{stack[-1].name} is never closed")
    if len(roots) != 1 or roots[0].name != "VCALENDAR":
        problems.append("the stream must hold exactly one VCALENDAR")
        return None
    return roots[0]


def _parse_line(line: str, problems: list[str]) -> tuple[str, dict[str, str], str]:
    match = _NAME.match(line)
    if match is None:
        problems.append(f"not a content line: {line!r}")
        return "", {}, ""
    name = match.group(0).upper()
    rest = line[match.end() :]
    params: dict[str, str] = {}
    while rest.startswith(";"):
        param = re.match(r';([A-Za-z0-9-]+)=("[^"]*"|[^;:,]*(?:,[^;:,]*)*)', rest)
        if param is None:
            problems.append(f"bad parameter in {line!r}")
            return name, params, ""
        params[param.group(1).upper()] = param.group(2).strip('"')
        rest = rest[param.end() :]
    if not rest.startswith(":"):
        problems.append(f"no value in {line!r}")
        return name, params, ""
    return name, params, rest[1:]


def _check_calendar(calendar: _Component, problems: list[str]) -> None:
    _check_properties(calendar, problems)
    if calendar.value("VERSION") != "2.0":
        problems.append("VERSION must be 2.0")
    if calendar.value("CALSCALE") not in (None, "GREGORIAN"):
        problems.append("CALSCALE must be GREGORIAN")
    if not calendar.children:
        problems.append("VCALENDAR must hold at least one component")
    method = calendar.value("METHOD")
    zones = {zone.value("TZID") for zone in calendar.children if zone.name == "VTIMEZONE"}
    uids: list[str] = []
    for child in calendar.children:
        if child.name == "VEVENT":
            _check_vevent(child, method, problems)
            uids += child.values("UID")
        elif child.name == "VTIMEZONE":
            _check_vtimezone(child, problems)
    if len(uids) != len(set(uids)):
        problems.append("two VEVENTs share a UID")
    for component in _walk(calendar):
        for name, params, _value in component.properties:
            if "TZID" in params and params["TZID"] not in zones:
                problems.append(f"{name} names TZID {params['TZID']} without its VTIMEZONE")


def _check_vevent(vevent: _Component, method: str | None, problems: list[str]) -> None:
    _check_properties(vevent, problems)
    uid = vevent.value("UID") or "?"
    stamp = vevent.value("DTSTAMP")
    if stamp is not None and not _UTC_DATETIME.match(stamp):
        problems.append(f"VEVENT {uid}: DTSTAMP must be a date-time in UTC")
    if vevent.values("DTEND") and vevent.values("DURATION"):
        problems.append(f"VEVENT {uid}: DTEND and DURATION exclude each other")
    start, end = _moment(vevent, "DTSTART"), _moment(vevent, "DTEND")
    if start is not None and end is not None and not end > start:
        problems.append(f"VEVENT {uid}: DTEND must be after DTSTART")
    status = vevent.value("STATUS")
    if status not in (None, "TENTATIVE", "CONFIRMED", "CANCELLED"):
        problems.append(f"VEVENT {uid}: STATUS {status} is not one of a VEVENT's")
    sequence = vevent.value("SEQUENCE")
    if sequence is not None and not sequence.isdigit():
        problems.append(f"VEVENT {uid}: SEQUENCE must be a non-negative integer")
    if method == "REQUEST":  # RFC 5546 3.2.2
        for name in ("ORGANIZER", "ATTENDEE", "SUMMARY"):
            if not vevent.values(name):
                problems.append(f"VEVENT {uid}: a REQUEST needs {name}")


def _check_vtimezone(zone: _Component, problems: list[str]) -> None:
    _check_properties(zone, problems)
    if not any(part.name in ("STANDARD", "DAYLIGHT") for part in zone.children):
        problems.append(f"VTIMEZONE {zone.value('TZID')}: needs a STANDARD or DAYLIGHT part")
    for part in zone.children:
        _check_properties(part, problems)
        for name in ("TZOFFSETFROM", "TZOFFSETTO"):
            value = part.value(name)
            if value is not None and not _OFFSET.match(value):
                problems.append(f"VTIMEZONE {zone.value('TZID')}: bad {name} {value}")


def _check_properties(component: _Component, problems: list[str]) -> None:
    names = [name for name, _, _ in component.properties]
    for name in _REQUIRED.get(component.name, set()) - set(names):
        problems.append(f"{component.name} lacks {name}")
    for name in _ONCE.get(component.name, set()):
        if names.count(name) > 1:
            problems.append(f"{component.name} has {name} more than once")
    allowed = _ALLOWED.get(component.name)
    if allowed is not None:
        for name in set(names) - allowed:
            if not name.startswith("X-"):
                problems.append(f"{component.name} may not have {name}")
    for child in component.children:
        if child.name not in _CHILDREN.get(component.name, set()) and not child.name.startswith(
            "X-"
        ):
            problems.append(f"{component.name} may not hold a {child.name}")


def _moment(component: _Component, name: str) -> datetime | date | None:
    value = component.value(name)
    if value is None:
        return None
    if _UTC_DATETIME.match(value):
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if re.fullmatch(r"\d{8}T\d{6}", value):
        return datetime.strptime(value, "%Y%m%dT%H%M%S")  # noqa: DTZ007 - floating time
    if re.fullmatch(r"\d{8}", value):
        return datetime.strptime(value, "%Y%m%d").date()  # noqa: DTZ007 - a date
    return None


def _walk(component: _Component):
    yield component
    for child in component.children:
        yield from _walk(child)

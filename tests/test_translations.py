"""Danish first: every message has a Danish translation, and the compiled catalogue
(committed, since a fresh machine has no msgfmt) matches the .po file."""

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "da" / "LC_MESSAGES"


def po_entries(path: Path) -> list[dict[str, str]]:
    """Each entry as {"msgid", "msgid_plural"?, "msgstr" or "msgstr[0]", "msgstr[1]"}."""
    entries, entry, key = [], {}, ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgctxt", "msgid", "msgstr")):
            key, value = line.split(" ", 1)
            entry[key] = ast.literal_eval(value)
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
        elif not line.strip():
            if entry.get("msgid"):
                entries.append(entry)
            entry, key = {}, ""
    return entries


def test_it_translates_every_message_into_danish():
    entries = po_entries(LOCALE / "django.po")
    missing = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[1]"))]
    assert len(entries) > 100 and missing == []


def test_it_ships_a_compiled_catalogue_that_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in po_entries(LOCALE / "django.po"):
        if "msgctxt" in e:
            if compiled.pgettext(e["msgctxt"], e["msgid"]) != e["msgstr"]:
                stale.append(e["msgid"])
        elif "msgid_plural" in e:
            got = [compiled.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
            stale += [e["msgid"]] if got != [e["msgstr[0]"], e["msgstr[1]"]] else []
        elif compiled.gettext(e["msgid"]) != e["msgstr"]:
            stale.append(e["msgid"])
    assert stale == [], "run msgfmt -o django.mo django.po in locale/da/LC_MESSAGES"

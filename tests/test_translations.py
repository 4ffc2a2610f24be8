"""Danish first: every message has a Danish translation, and the compiled catalogue
(committed, since a fresh machine has no msgfmt) matches the .po file."""

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "da" / "LC_MESSAGES"


def po_entries(path: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    msgid = msgstr = None
    current = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            msgid, current = ast.literal_eval(line[6:]), "id"
        elif line.startswith("msgstr "):
            msgstr, current = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"') and current == "id":
            msgid += ast.literal_eval(line)
        elif line.startswith('"') and current == "str":
            msgstr += ast.literal_eval(line)
        elif not line.strip() and msgid:
            entries[msgid] = msgstr or ""
            msgid = msgstr = current = None
    return entries


def test_it_translates_every_message_into_danish():
    entries = po_entries(LOCALE / "django.po")
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []


def test_it_ships_a_compiled_catalogue_that_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = {
        msgid: msgstr
        for msgid, msgstr in po_entries(LOCALE / "django.po").items()
        if compiled.gettext(msgid) != msgstr
    }
    assert stale == {}, "run msgfmt -o django.mo django.po in locale/da/LC_MESSAGES"

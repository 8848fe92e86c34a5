#!/usr/bin/env python3
"""Check that the Simplified Chinese catalogue is complete.

Run it after ``makemessages`` (standard library only):

    python locale/check_catalogue.py                 # locale/zh_Hans/LC_MESSAGES/django.po
    python locale/check_catalogue.py path/to/other.po

It lists every entry whose msgstr is empty (for plural entries: any
``msgstr[N]`` empty or missing, per the header's ``nplurals``) or that still
carries a ``#, fuzzy`` flag (``msgfmt`` and ``compilemessages`` drop fuzzy
entries, so they show up in English), and exits 1 if there is any. Obsolete
``#~`` entries are ignored. Exit 0 means every entry is translated.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PO = Path(__file__).resolve().parent / "zh_Hans" / "LC_MESSAGES" / "django.po"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)


def _unquote(token: str, path: Path, lineno: int) -> str:
    try:
        value = ast.literal_eval(token)
    except (SyntaxError, ValueError) as exc:
        raise SystemExit(f"{path}:{lineno}: cannot read string {token!r}: {exc}") from exc
    if not isinstance(value, str):
        raise SystemExit(f"{path}:{lineno}: not a string: {token!r}")
    return value


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header (msgid "") included, obsolete ones left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    last_key: tuple[str, int | None] | None = None
    pending_flags: set[str] = set()
    pending_line: int | None = None

    def finish() -> None:
        nonlocal current, last_key
        if current is not None:
            entries.append(current)
        current, last_key = None, None

    def store(entry: Entry, key: tuple[str, int | None], text: str) -> None:
        name, index = key
        if name == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        elif name == "msgid":
            entry.msgid += text
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        elif index is None:
            entry.msgstr = (entry.msgstr or "") + text
        else:
            entry.msgstr_plural[index] = entry.msgstr_plural.get(index, "") + text

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            pending_flags, pending_line = set(), None
            continue
        if line.startswith("#~"):  # obsolete entry
            continue
        if line.startswith("#"):
            if current is not None and last_key is not None and last_key[0].startswith("msgstr"):
                finish()  # a comment after a msgstr starts the next entry
            if line.startswith("#,"):
                pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            pending_line = pending_line or lineno
            continue
        match = _KEYWORD.match(line)
        if match:
            name, index, token = match.group(1), match.group(2), match.group(3)
            name = "msgstr" if name.startswith("msgstr") else name
            starts_entry = name in ("msgctxt", "msgid") and (
                current is None or (last_key is not None and last_key[0] == "msgstr")
            )
            if name == "msgid" and current is not None and last_key == ("msgctxt", None):
                starts_entry = False
            if starts_entry:
                finish()
                current = Entry(line=pending_line or lineno, flags=pending_flags)
                pending_flags, pending_line = set(), None
            if current is None:
                raise SystemExit(f"{path}:{lineno}: {name} outside an entry")
            last_key = (name, int(index) if index is not None else None)
            store(current, last_key, _unquote(token, path, lineno))
            continue
        if line.startswith('"') and current is not None and last_key is not None:
            store(current, last_key, _unquote(line, path, lineno))
            continue
        raise SystemExit(f"{path}:{lineno}: cannot parse: {raw!r}")
    finish()
    return entries


def nplurals(entries: list[Entry]) -> int:
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            found = re.search(r"nplurals\s*=\s*(\d+)", entry.msgstr or "")
            if found:
                return int(found.group(1))
    return 1


def problems(entries: list[Entry]) -> list[tuple[Entry, str]]:
    wanted = nplurals(entries)
    found: list[tuple[Entry, str]] = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            found.append((entry, "fuzzy"))
        if entry.msgid_plural is not None:
            missing = [i for i in range(wanted) if not entry.msgstr_plural.get(i)]
            if missing:
                forms = ", ".join(f"msgstr[{i}]" for i in missing)
                found.append((entry, f"empty {forms}"))
        elif not entry.msgstr:
            found.append((entry, "empty msgstr"))
    return found


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [DEFAULT_PO]
    status = 0
    for path in paths:
        if not path.is_file():
            print(f"{path}: no such file", file=sys.stderr)
            status = 1
            continue
        entries = parse_po(path)
        found = problems(entries)
        translatable = sum(1 for e in entries if e.msgid)
        for entry, what in found:
            label = "(header)" if entry.msgid == "" else repr(entry.msgid)
            if entry.msgctxt is not None:
                label += f" [context {entry.msgctxt!r}]"
            print(f"{path}:{entry.line}: {what}: {label}")
        if found:
            print(f"{path}: {len(found)} problem(s) in {translatable} entries", file=sys.stderr)
            status = 1
        else:
            print(f"{path}: OK, all {translatable} entries translated")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

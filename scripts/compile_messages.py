"""Compile the project's .po catalogues to .mo (pure Python, no GNU gettext needed).

The .mo files are committed so that a fresh checkout runs in Chinese and English with nothing
else installed. ``--check`` fails when a .mo does not match its .po (someone forgot to compile).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "grassroots" / "locale"


def entries(catalog: polib._BaseFile) -> dict[tuple[str | None, str], str]:
    out = {}
    for entry in catalog:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            out[(entry.msgctxt, entry.msgid)] = "\x00".join(
                entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)
            )
        elif entry.msgstr:
            out[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return out


def main(check: bool) -> int:
    stale = []
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        po = polib.pofile(str(po_path))
        if check:
            if not mo_path.exists() or entries(polib.mofile(str(mo_path))) != entries(po):
                stale.append(str(mo_path))
        else:
            po.save_as_mofile(str(mo_path))
            print(f"compiled {mo_path.relative_to(ROOT.parent.parent)}")
    if stale:
        print("Out of date, run `make messages`:\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))

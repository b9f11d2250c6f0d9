"""The checkout itself: no merge left half done."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = {".py", ".md", ".js", ".css", ".html", ".json", ".toml", ".txt", ".yaml", ".yml"}
MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)


def text_files() -> list[Path]:
    skip = {".git", ".venv", "vendor", "node_modules", "test-artifacts", "instance", "exports"}
    return [
        p
        for p in ROOT.rglob("*")
        if p.is_file() and p.suffix in TEXT and not skip & set(p.relative_to(ROOT).parts)
    ]


def test_the_scan_sees_the_project() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in text_files()}
    assert {"README.md", "CHANGELOG.md", "docs/protocol.md", "static/js/phone.js"} <= names


def test_no_file_holds_a_merge_conflict_marker() -> None:
    marked = [
        p.relative_to(ROOT).as_posix()
        for p in text_files()
        if MARKER.search(p.read_text(encoding="utf-8", errors="replace"))
    ]
    assert marked == []

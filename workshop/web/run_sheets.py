"""The run sheets on disk, for the console's list (titles and lengths only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from workshop.web.answers import usecases

api = Blueprint("run_sheets", __name__, url_prefix="/api")


@api.get("/run-sheets")
def run_sheet_list() -> Any:
    """List the run sheets a workshop can follow, and the files refused with the line to fix."""
    return jsonify({"ok": True, **usecases().run_sheets.available()})

"""The run sheets on disk, for the console's list (titles and lengths only)."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from workshop.usecases.run_sheets import RunSheetService
from workshop.web.views import api


@api.get("/run-sheets")
def run_sheet_list() -> Any:
    """List the run sheets a workshop can follow, and the files refused with the line to fix."""
    runs: RunSheetService = current_app.extensions["workshop.runs"]
    return jsonify({"ok": True, **runs.available()})

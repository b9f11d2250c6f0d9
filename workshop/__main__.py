"""Command line: `python -m workshop export CODE` prints a workshop's Markdown summary."""

from __future__ import annotations

import argparse
import sys

from . import config, export, validation
from .errors import WorkshopError
from .services import WorkshopService
from .store import Store


def main(argv: list[str] | None = None) -> int:
    """Run the command and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m workshop")
    commands = parser.add_subparsers(dest="command", required=True)
    export_cmd = commands.add_parser("export", help="print a workshop's Markdown summary")
    export_cmd.add_argument("code")
    export_cmd.add_argument("--data-dir")
    export_cmd.add_argument("--database-url")
    args = parser.parse_args(argv)
    overrides = {
        k: v for k, v in {"DATA_DIR": args.data_dir, "DATABASE_URL": args.database_url}.items() if v
    }
    settings = config.load(overrides)
    service = WorkshopService(Store(settings["DATABASE_URL"]), join_url_for=lambda c: f"/w/{c}")
    try:
        state = service.snapshot(validation.code(args.code), "facilitator")
    except WorkshopError as error:
        print(error.message, file=sys.stderr)
        return 1
    sys.stdout.write(export.summary(state))
    return 0


if __name__ == "__main__":
    sys.exit(main())

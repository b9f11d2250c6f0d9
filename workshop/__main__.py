"""Command line: `python -m workshop export CODE [--format md|csv|json]` prints a plan."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workshop import config
from workshop.domain import validation
from workshop.domain.errors import WorkshopError
from workshop.exports import formats as export
from workshop.exports import words
from workshop.store.engine import Store
from workshop.usecases import UseCases
from workshop.usecases.documents import Documents
from workshop.usecases.language import Languages


def render(documents: Documents, code: str, fmt: str) -> str:
    """Return the plan of a workshop (of its series, for md and csv) in the format asked."""
    if fmt == "json":
        return (
            json.dumps(documents.workshop(code), indent=2, ensure_ascii=False, sort_keys=True)
            + "\n"
        )
    series = documents.series(code)
    if fmt == "csv":
        return export.csv_rows(series["workshops"])
    if len(series["workshops"]) > 1:
        return export.series_markdown(series)
    return export.markdown(series["workshops"][0])


def main(argv: list[str] | None = None) -> int:
    """Run the command and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m workshop")
    commands = parser.add_subparsers(dest="command", required=True)
    export_cmd = commands.add_parser("export", help="print a workshop's action plan")
    export_cmd.add_argument("code")
    export_cmd.add_argument("--format", choices=["md", "csv", "json"], default="md")
    export_cmd.add_argument("--data-dir")
    export_cmd.add_argument("--database-url")
    purge_cmd = commands.add_parser(
        "purge", help="erase attendee data of workshops closed more than DAYS days ago"
    )
    purge_cmd.add_argument("--days", type=int, required=True)
    purge_cmd.add_argument("--data-dir")
    purge_cmd.add_argument("--database-url")
    args = parser.parse_args(argv)
    overrides = {
        k: v for k, v in {"DATA_DIR": args.data_dir, "DATABASE_URL": args.database_url}.items() if v
    }
    settings = config.load(overrides)
    store = Store(settings["DATABASE_URL"])
    usecases = UseCases.build(store, lambda c: f"/w/{c}", Path(settings["EXPORTS_DIR"]))
    if args.command == "purge":
        erased = usecases.privacy.apply_retention(args.days)
        store.close()
        print(f"Erased the attendee data of {erased} closed workshop(s).")
        return 0
    documents = usecases.documents
    # the plan speaks its workshop's language here too
    words.install(Languages(config.PROJECT_ROOT / "translations").translate)
    try:
        text = render(documents, validation.code(args.code), args.format)
    except WorkshopError as error:
        print(error.message, file=sys.stderr)
        return 1
    finally:
        store.close()
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

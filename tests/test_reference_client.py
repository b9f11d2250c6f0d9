"""bench/reference_client.py, the client docs/protocol.md points to, runs against a real server."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

from tests.servers import ROOT


def test_the_reference_client_joins_votes_and_prints_the_tally_that_counts_its_vote(
    start_server: Callable[..., Any],
) -> None:
    server = start_server()
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reference_client.py"), "--url", server.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("workshop ") and ", vote_id " in lines[0], done.stdout
    vote_id = int(lines[0].rsplit(" ", 1)[1])
    version = int(lines[1].split(";")[0].removeprefix("tally version "))
    assert version >= vote_id
    assert lines[1].endswith("; votes counted: 1; voters: 1")
    # The dot went on the first proposal, which now leads; the other two share rank 2.
    assert lines[2:] == [
        "  1.   1  A stronger community focus",
        "  2.   0  Better communication (tied)",
        "  2.   0  More training (tied)",
    ]
    assert "warning" not in done.stdout

"""Turn load.py's JSON lines into the Markdown table bench/README.md shows.

python bench/load.py --matrix | tee matrix.jsonl
python bench/table.py matrix.jsonl
"""

from __future__ import annotations

import json
import sys


def row(run: dict) -> str:
    name = f"{run['target']} N={run['phones']:,} {run['workload']}"
    if run.get("server_mode", "eventlet") != "eventlet":
        name += f" ({run['server_mode']})"
    if run.get("processes", 1) > 1:
        name += f", {run['processes']} processes"
    if "error" in run or "skipped" in run:
        return f"| {name} | {run.get('error') or run.get('skipped')} |" + " |" * 8
    lat = run["latency_ms"]
    ratio = run.get("votes_per_s_vs_echo")
    return (
        f"| {name} | {run['seat_all_s']:.2f} s / {run['join_p95_ms']:,.0f} ms"
        f" | {run['votes_acked']:,} = {run['final_tally']:,}"
        f" {'yes' if run['tally_exact'] else '**NO**'}"
        f" | {run['votes_per_s']:,.0f}"
        f" | {f'{ratio:.2f}' if ratio is not None else '–'}"
        f" | {lat['p50']:,.0f} / {lat['p95']:,.0f} / {lat['p99']:,.0f} / {lat['max']:,.0f}"
        f" | {run['tally_broadcasts_seen']}"
        f" | {run['server_cpu_s_total']:.1f} ({run['server_cpu_s_voting']:.1f})"
        f" | {run['server_peak_rss_mb']:.0f} MB |"
    )


def main() -> None:
    print(
        "| run | seat all / join p95 | acked = tally | votes/s | vs echo"
        " | latency p50 / p95 / p99 / max (ms) | tallies seen | server CPU s (voting)"
        " | peak RSS |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    echoes: dict[tuple, dict] = {}
    for path in sys.argv[1:]:
        with open(path) as lines:
            for line in lines:
                if not line.startswith("{"):
                    continue
                run = json.loads(line)
                key = (run.get("server_mode"), run["phones"], run["workload"])
                if run["target"] == "echo" and "votes_per_s" in run:
                    echoes[key] = run  # the echo run just before its app run
                elif "votes_per_s" in run and "votes_per_s_vs_echo" not in run and key in echoes:
                    run["votes_per_s_vs_echo"] = run["votes_per_s"] / echoes[key]["votes_per_s"]
                print(row(run))


if __name__ == "__main__":
    main()

"""The "Vote rounds" section of the Markdown plan: every round, overall, by group and balanced."""

from __future__ import annotations

from typing import Any

from workshop.exports.text_escape import escape

SCORE_NAMES = {"dots": "Dots", "approval": "Approvals", "ranking": "Borda", "points": "Points"}
NO_GROUP_LABEL = "No group given"


def _rules_sentence(entry: dict[str, Any]) -> str:
    rules, method = entry["rules"], entry["method"]
    if method == "dots":
        text = f"{rules['dots']} dots each, at most {rules['max_per_proposal']} on one proposal"
        return text + (" (only ballots with every dot placed count)" if rules["spend_all"] else "")
    if method == "approval":
        return "each person ticked every proposal they support"
    if method == "ranking":
        return (
            f"each person ranked up to {rules['top_k']}; Borda points: with n proposals, "
            "first place n-1, second n-2 and so on, unranked 0"
        )
    exact = "exactly" if rules["points_exact"] else "up to"
    return f"each person shared {exact} {rules['points_total']} points"


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rank(row_rank: int, tied: bool) -> str:
    return f"={row_rank}" if tied else str(row_rank)


def _groups_sentence(entry: dict[str, Any], labels: dict[str, str]) -> str:
    parts = [
        f"{escape(labels.get(key, key))}: {count}"
        for key, count in entry["voters_by_group"].items()
        if count
    ]
    counted = f"{entry['voters']} voted" + (f" ({'; '.join(parts)})" if parts else "")
    extra = []
    if entry["paper_voters"]:
        extra.append(f"{entry['paper_voters']} counted on paper or by a show of hands")
    if entry["assisted_ballots"]:
        extra.append(f"{entry['assisted_ballots']} by assisted ballot")
    if extra:
        counted += ", of whom " + " and ".join(extra)
    if entry["incomplete"]:
        counted += f"; {entry['incomplete']} unfinished ballots were not counted"
    return counted + "."


def _table(entry: dict[str, Any], texts: dict[int, str], labels: dict[str, str]) -> list[str]:
    keys = [key for key in entry["voters_by_group"] if entry["voters_by_group"][key]]
    head = ["Rank", "Proposal", SCORE_NAMES.get(entry["method"], "Score")]
    head += [escape(labels.get(key, key)) for key in keys]
    head += ["Balanced rank", "Balanced score"]
    lines = ["| " + " | ".join(head) + " |", "|---:|---|" + "---:|" * (len(head) - 2)]
    for row in entry["results"]:
        text = escape(texts.get(row["id"], "?"))
        if row["merged"]:
            text += " (includes support for merged proposals)"
        cells = [_rank(row["rank"], row["tied"]), text, str(row["score"])]
        cells += [str(row["by_group"].get(key, 0)) for key in keys]
        cells += [_rank(row["balanced_rank"], row["balanced_tied"]), f"{row['balanced']:g}"]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _outcome(entry: dict[str, Any], texts: dict[int, str]) -> list[str]:
    lines = []
    for group in entry["ties"]:
        names = "; ".join(escape(texts.get(pid, "?")) for pid in group)
        lines.append(f"Tied: {names}.")
    if entry["method"] == "ranking":
        winner = entry["condorcet_winner"]
        if winner is not None:
            lines.append(
                f"Condorcet winner (preferred to every other proposal head to head): "
                f"{escape(texts.get(winner, '?'))}."
            )
        else:
            lines.append("No Condorcet winner: no proposal was preferred to every other.")
        order = "; ".join(
            f"{_rank(r['rank'], r['tied'])}. {escape(texts.get(r['id'], '?'))}"
            for r in entry["schulze"] or []
        )
        lines.append(f"Schulze order: {order}.")
    return [*lines, ""] if lines else []


def _paper(entry: dict[str, Any], texts: dict[int, str], labels: dict[str, str]) -> list[str]:
    if not entry["paper"] and not entry["assisted_ballots"]:
        return []
    lines = ["Paper and assisted votes (already counted in the table above):", ""]
    for paper in entry["paper"]:
        group = f", {escape(labels.get(paper['group'], paper['group']))}" if paper["group"] else ""
        counts = "; ".join(
            f"{escape(texts.get(int(pid), '?'))}: {n}" for pid, n in paper["counts"].items()
        )
        lines.append(
            f"- {escape(paper['source_label'])}{group}, {paper['voters']} people: {counts}"
        )
    if entry["assisted_ballots"]:
        support = "; ".join(
            f"{escape(texts.get(row['id'], '?'))}: {row['from_assisted']}"
            for row in entry["results"]
            if row["from_assisted"]
        )
        ballots = (
            "1 assisted ballot"
            if entry["assisted_ballots"] == 1
            else (f"{entry['assisted_ballots']} assisted ballots")
        )
        lines.append(f"- {ballots}: {support or 'no support'}")
    return [*lines, ""]


def rounds_markdown(document: dict[str, Any]) -> list[str]:
    """Return the Markdown lines of every vote round in a plan document ([] if none)."""
    rounds = document.get("rounds") or []
    if not rounds:
        return []
    texts = {p["id"]: p["text"] for p in document["proposals"]}
    labels = {g["key"]: g["label"] for g in document["workshop"]["groups"]}
    labels[""] = NO_GROUP_LABEL
    lines = [
        "## Vote rounds",
        "",
        "The balanced score counts every stakeholder group equally, whatever its size: "
        "it is the average, over the groups, of each group's score per person.",
        "",
    ]
    for entry in rounds:
        title = f"### Round {entry['number']}: {escape(entry['method_label'])}"
        if entry["runoff_of"]:
            title += f" (run-off of round {entry['runoff_of']})"
        elif entry["shortlist"]:
            title += " (on a shortlist)"
        lines += [title, "", _sentence_case(_rules_sentence(entry)) + ". "]
        lines[-1] += _groups_sentence(entry, labels)
        lines += ["", *_table(entry, texts, labels), *_outcome(entry, texts)]
        lines += _paper(entry, texts, labels)
    return lines

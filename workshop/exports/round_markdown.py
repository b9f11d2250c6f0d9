"""The "Vote rounds" section of the Markdown plan: every round, overall, by group and balanced."""

from __future__ import annotations

from typing import Any

from workshop.domain.disclosure import SMALLEST_SHOWN, offline_people, pooled_support
from workshop.domain.errors import N_
from workshop.domain.how_counted import how_counted
from workshop.domain.small_groups import FOLDED_SENTENCE, OTHER_GROUPS, OTHER_GROUPS_LABEL
from workshop.exports.text_escape import escape
from workshop.exports.words import say

SCORE_NAMES = {"dots": N_("Dots"), "approval": N_("Supporters"), "ranking": N_("Points")}
NO_GROUP_LABEL = N_("No group given")


def _rules_sentence(entry: dict[str, Any]) -> str:
    rules, method = entry["rules"], entry["method"]
    if method == "dots":
        text = say(
            "{dots} dots each, at most {most} on one idea",
            dots=rules["dots"],
            most=rules["max_per_proposal"],
        )
        if rules["spend_all"]:
            text += " " + say("(only ballots with every dot placed count)")
        return text
    if method == "approval":
        return say("each person ticked every idea they support")
    if method == "ranking":
        return say(
            "each person put up to {top} ideas in order; a first choice earns the most points",
            top=rules["top_k"],
        )
    if rules["points_exact"]:
        return say("each person shared exactly {total} points", total=rules["points_total"])
    return say("each person shared up to {total} points", total=rules["points_total"])


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
    counted = say("{n} voted", n=entry["voters"])
    counted += " (" + "; ".join(parts) + ")" if parts else ""
    offline = offline_people(entry["paper_voters"], entry["assisted_ballots"])
    if offline:  # one pool: telling paper from help apart could point at one person
        counted += say(", of whom {n} on paper or with help", n=offline)
    if entry["incomplete"]:
        counted += say("; {n} unfinished ballots were not counted", n=entry["incomplete"])
    return counted + "."


def _table(entry: dict[str, Any], texts: dict[int, str], labels: dict[str, str]) -> list[str]:
    # The workshop's groups in its own order, "No group given" last, as every table has them.
    order = [*labels, ""]
    keys = sorted(
        (key for key in entry["voters_by_group"] if entry["voters_by_group"][key]),
        key=lambda key: (order.index(key) if key in order else len(order) - 1, key),
    )
    head = [say("Rank"), say("Idea"), say(SCORE_NAMES.get(entry["method"], N_("Points")))]
    head += [escape(labels.get(key, key)) for key in keys]
    head += [say("Rank, groups equal"), say("Score, groups equal")]
    lines = ["| " + " | ".join(head) + " |", "|---:|---|" + "---:|" * (len(head) - 2)]
    for row in entry["results"]:
        text = escape(texts.get(row["id"], "?"))
        if row["merged"]:
            text += " " + say("(includes support for ideas combined with it)")
        cells = [_rank(row["rank"], row["tied"]), text, str(row["score"])]
        cells += [str(row["by_group"].get(key, 0)) for key in keys]
        cells += [_rank(row["balanced_rank"], row["balanced_tied"]), f"{row['balanced']:g}"]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _outcome(entry: dict[str, Any], texts: dict[int, str]) -> list[str]:
    ties: list[str] = []
    for group in entry["ties"]:
        # One line per idea: four long titles in one sentence cannot be read.
        ties += [say("Tied in round {number}, with the same score:", number=entry["number"]), ""]
        ties += [f"- {escape(texts.get(pid, '?'))}" for pid in group]
        ties.append("")
    lines: list[str] = []
    if entry["method"] == "ranking":
        winner = entry["condorcet_winner"]
        if winner is not None:
            lines.append(
                say(
                    "Ranked first by most people when compared two at a time: {idea}.",
                    idea=escape(texts.get(winner, "?")),
                )
            )
        else:
            lines.append(say("No idea is ranked first by most people when compared two at a time."))
        order = "; ".join(
            f"{_rank(r['rank'], r['tied'])}. {escape(texts.get(r['id'], '?'))}"
            for r in entry["schulze"] or []
        )
        lines.append(say("Order when compared two at a time: {order}.", order=order))
    # one paragraph each: run together, the sentences read as one long list of titles
    return ties + [part for line in lines for part in (line, "")]


def _paper(entry: dict[str, Any], texts: dict[int, str]) -> list[str]:
    people = offline_people(entry["paper_voters"], entry["assisted_ballots"])
    if not people:
        return []
    # Paper counts and ballots filled in with someone are one pool, listed only once it
    # is big enough that nobody in it can be picked out.
    support = pooled_support(
        {str(r["id"]): r["from_paper"] for r in entry["results"]},
        {str(r["id"]): r["from_assisted"] for r in entry["results"]},
        people,
    )
    head = (
        say("Counted on paper or with help (already in the table above): 1 person")
        if people == 1
        else say("Counted on paper or with help (already in the table above): {n} people", n=people)
    )
    if people < SMALLEST_SHOWN:
        return [head + ".", ""]
    shown = "; ".join(f"{escape(texts.get(int(pid), '?'))}: {n}" for pid, n in support.items())
    return [head + ". " + say("Their support: {shown}.", shown=shown or say("none")), ""]


def rounds_markdown(document: dict[str, Any]) -> list[str]:
    """Return the Markdown lines of every vote round in a plan document ([] if none)."""
    rounds = document.get("rounds") or []
    if not rounds:
        return []
    texts = {p["id"]: p["text"] for p in document["proposals"]}
    labels = {g["key"]: g["label"] for g in document["workshop"]["groups"]}
    labels[""] = say(NO_GROUP_LABEL)
    labels[OTHER_GROUPS] = say(OTHER_GROUPS_LABEL)
    lines = [
        "## " + say("Vote rounds"),
        "",
        say(
            'In the columns "groups equal" every stakeholder group counts the same, '
            "whatever its size: the score is the average, over the groups, of each group's "
            "score per person."
        ),
        "",
    ]
    for entry in rounds:
        method = escape(say(entry["method_label"]))
        title = "### " + say("Round {n}: {method}", n=entry["number"], method=method)
        if entry["runoff_of"]:
            title += " " + say(
                "(a second vote on the ideas tied in round {number})", number=entry["runoff_of"]
            )
        elif entry.get("on_themes"):
            title += " " + say("(on themes)")
        elif entry["shortlist"]:
            title += " " + say("(on a shortlist)")
        # A round on themes lists theme headings: its ids are themes', not ideas'.
        names = (
            {row["id"]: row["text"] for row in entry["results"]}
            if entry.get("on_themes")
            else texts
        )
        lines += [title, "", _sentence_case(_rules_sentence(entry)) + ". "]
        lines[-1] += _groups_sentence(entry, labels)
        if OTHER_GROUPS in entry["voters_by_group"]:
            lines[-1] += " " + say(FOLDED_SENTENCE)
        lines += ["", *_table(entry, names, labels), *_outcome(entry, names)]
        lines += _paper(entry, names)
        lines += [how_counted(entry["method"], say), ""]
    return lines

"""A workshop (or its series) as one plain document for exports, and its re-import."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from workshop.domain.actions import Action, ActionStatus
from workshop.domain.model import Group, Stage, Workshop
from workshop.domain.proposals import merged_children
from workshop.domain.small_groups import OTHER_GROUPS
from workshop.domain.tokens import hash_token, new_device_id, new_token
from workshop.domain.voting import counts_for, rank
from workshop.exports.priority_tables import priority_table
from workshop.exports.round_documents import renumbered_rounds, round_document
from workshop.exports.themes import themed_entries
from workshop.store.engine import Tx
from workshop.usecases.core import Core, Created
from workshop.usecases.counting import ballot_items, carried_from, count_round, dot_support


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Documents:
    """Read a workshop (or its whole series) as one plain document for exports."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def workshop(self, code: str) -> dict[str, Any]:
        """Return one workshop's plan document: no names, no device ids, no hidden text."""
        with self.core.store.transaction() as tx:
            return self._document(tx, self.core.workshop_in(tx, code))

    def series(self, code: str) -> dict[str, Any]:
        """Return the document of every workshop in the series, oldest first."""
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code)
            members = tx.workshops.series_members(workshop.series_root_id or workshop.id)
            documents = [self._document(tx, member) for member in members]
        return {
            "format": "workshop-series/1",
            "generated_at": max(d["generated_at"] for d in documents),
            "root_code": documents[0]["workshop"]["code"],
            "title": documents[0]["workshop"]["title"],
            "workshops": documents,
        }

    def _rounds(
        self, tx: Tx, workshop: Workshop, proposals: dict[int, Any]
    ) -> list[dict[str, Any]]:
        rounds = tx.rounds.rounds_of(workshop.id)
        numbers = {round_.id: round_.number for round_ in rounds}
        return [
            round_document(
                count_round(tx, round_, proposals),
                ballot_items(tx, round_, proposals),
                numbers,
            )
            for round_ in rounds
        ]

    def _ranked_at(
        self, tx: Tx, workshop: Workshop, proposals: dict[int, Any], depth: int = 0
    ) -> dict[str, Any] | None:
        """Return how a follow-up's priorities were ranked at the meeting they came from.

        That meeting's published table (its round, each priority's rank and numbers),
        keyed by this meeting's ids, so a follow-up where nobody has voted yet shows its
        ranks beside the numbers of the round that gave them, not beside carried dots.
        """
        source = tx.workshops.find_workshop_by_id(workshop.follows_id or 0)
        origins = {
            p.origin_id: p.id
            for p in proposals.values()
            if p.origin_id is not None and p.priority_rank is not None
        }
        if source is None or not origins or depth > 20:
            return None
        table = priority_table(self._document(tx, source, depth + 1))
        rows = {row.id: row for row in table.rows}
        if table.origin is None or not set(origins) <= set(rows):
            return None
        return {
            **table.origin,
            "priorities": [
                {
                    "id": new_id,
                    "rank": rows[old_id].rank,
                    "score": rows[old_id].score,
                    "by_group": rows[old_id].by_group,
                }
                for old_id, new_id in origins.items()
            ],
        }

    def _document(self, tx: Tx, workshop: Workshop, depth: int = 0) -> dict[str, Any]:
        """Read one workshop as its plan document.

        Long because it builds the flat document field by field, as the export format
        lists them; split, the format would scatter.
        """
        proposals = tx.board.proposals(workshop.id)
        # The plan's support is in dots, from the last dot round (see results.dot_support).
        counted = dot_support(tx, workshop.id, proposals)
        support = counted.published  # small groups folded: exports are public
        totals = support.totals
        by_group: dict[int, dict[str, int]] = {}
        for key, scores in support.by_group.items():
            for proposal_id, points in scores.items():
                if points:
                    by_group.setdefault(proposal_id, {})[key] = points
        children = merged_children(proposals)
        attendance = tx.attendees.attendance(workshop.id)
        visible = [p.id for p in proposals.values() if counts_for(p.id, proposals) == p.id]
        ranked = rank({pid: totals.get(pid, 0) for pid in visible})

        def merged_texts(proposal_id: int) -> list[str]:
            found, stack = [], list(children.get(proposal_id, []))
            while stack:
                child = proposals[stack.pop(0)]
                if not child.hidden:
                    found.append(child.text)
                    stack.extend(children.get(child.id, []))
            return found

        entries = [
            {
                "id": row.proposal_id,
                "text": proposals[row.proposal_id].text,
                "points": row.points,
                "rank": row.rank,
                "tied": row.tied,
                "priority_rank": proposals[row.proposal_id].priority_rank,
                "carried_points": proposals[row.proposal_id].carried_points,
                "origin_id": proposals[row.proposal_id].origin_id,
                "by_group": dict(sorted(by_group.get(row.proposal_id, {}).items())),
                "merged": merged_texts(row.proposal_id),
            }
            for row in ranked
        ]
        document_themes = themed_entries(entries, tx.themes.themes(workshop.id), proposals)
        live = {p["id"] for p in entries}
        actions = [
            {
                "id": a.id,
                "priority_id": a.priority_id,
                "text": a.text,
                "owner": a.owner,
                "due_on": a.due_on.isoformat() if a.due_on else None,
                "partners": a.partners,
                "resources": a.resources,
                "success": a.success,
                "status": a.status.value,
                "volunteers": len(a.volunteers),
                "carried_from": a.carried_from,
            }
            for a in tx.plans.actions(workshop.id).values()
            if a.merged_into is None and a.priority_id in live
        ]
        return {
            "format": "workshop-plan/1",
            "generated_at": _iso(tx.workshops.last_change(workshop.id)),
            "workshop": {
                "code": workshop.code,
                "title": workshop.title,
                "place": workshop.place,
                "held_on": workshop.held_on.isoformat() if workshop.held_on else None,
                "stage": workshop.stage.value,
                "dots": workshop.dots,
                "max_per_proposal": workshop.max_per_proposal,
                "groups": [{"key": g.key, "label": g.label} for g in workshop.groups],
                "attendance": dict(sorted(attendance.items())),
                "joined": sum(attendance.values()),
                "carried_from": carried_from(tx, workshop),
                "folded_groups": sorted(counted.folded),
                "language": workshop.language,
            },
            "support_round": counted.round.number,
            "ranked_at": self._ranked_at(tx, workshop, proposals, depth),
            "proposals": entries,
            "themes": document_themes,
            "actions": actions,
            "rounds": tx.workshops.archived_rounds(workshop.id)
            or self._rounds(tx, workshop, proposals),
        }


def import_document(core: Core, document: Any) -> Created:
    """Recreate an exported workshop in this instance: same plan, no people.

    Attendees come back as anonymous stand-ins, one per person counted in each group;
    each group's dots are put on its first stand-in, so tallies, per-group support and
    the Markdown are reproduced (offers of help and links to earlier meetings are not).

    Long because it is one transaction that must recreate the workshop, its people,
    proposals, merges and votes together, in the order their ids depend on each other.
    """
    from workshop.exports.import_check import checked_document

    doc = checked_document(document)
    info = doc["workshop"]
    created_at = int(
        datetime.strptime(doc["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
        * 1000
    )
    token = new_token()
    with core.store.transaction() as tx:
        code = tx.workshops.unused_code()
        workshop = Workshop(
            id=0,
            code=code,
            title=info["title"],
            stage=Stage(info["stage"]),
            dots=info["dots"],
            max_per_proposal=info["max_per_proposal"],
            groups=[Group(g["key"], g["label"]) for g in info["groups"]],
            proposals_revealed=True,
            results_revealed=True,
            place=info["place"],
            held_on=date.fromisoformat(info["held_on"]) if info["held_on"] else None,
            language=info["language"],
        )
        workshop.id = tx.workshops.insert_workshop(workshop, hash_token(token), created_at)
        round_one = workshop.current_round_id
        assert round_one is not None  # insert_workshop makes round 1
        # Random device ids: nobody can rejoin as a stand-in and take its dots back.
        stand_ins: dict[str, list[int]] = {
            key: [
                tx.attendees.insert_participant(
                    workshop.id, new_device_id(), None, key or None, created_at
                )
                for _ in range(count)
            ]
            for key, count in info["attendance"].items()
        }
        folded = [key for key in info.get("folded_groups", []) if stand_ins.get(key)]
        support = SpreadSupport()

        def voters_for(key: str) -> list[int]:
            # "Other groups" support goes to at most two stand-ins of each folded group,
            # so the copy folds the same groups and shows no split the original hid.
            if key == OTHER_GROUPS and folded:
                return [voter for group in folded for voter in stand_ins[group][:2]]
            return stand_ins.get(key, [])

        new_ids: dict[int, int] = {}
        theme_ids = {
            t["heading"]: tx.themes.insert_theme(workshop.id, t["heading"], position, created_at)
            for position, t in enumerate(doc.get("themes") or [], start=1)
        }
        for p in sorted(doc["proposals"], key=lambda p: p["id"]):
            new_ids[p["id"]] = tx.board.insert_proposal(
                workshop.id,
                None,
                p["text"],
                created_at,
                priority_rank=p["priority_rank"],
                carried_points=p["carried_points"],
                theme_id=theme_ids.get(p.get("theme") or ""),
            )
            for text in p["merged"]:
                child = tx.board.insert_proposal(workshop.id, None, text, created_at)
                tx.board.update_proposal(child, merged_into=new_ids[p["id"]])
            for key, points in p["by_group"].items():
                if not voters_for(key):  # support from a group nobody is counted in
                    stand_ins[key] = [
                        tx.attendees.insert_participant(
                            workshop.id, new_device_id(), None, key or None, created_at
                        )
                    ]
                for voter, share in support.shares(key, voters_for(key), points):
                    tx.board.insert_vote(
                        workshop.id,
                        round_one,
                        voter,
                        new_ids[p["id"]],
                        share,
                        created_at,
                    )
        for a in doc["actions"]:
            action = Action(
                0,
                new_ids[a["priority_id"]],
                a["text"],
                a["owner"],
                date.fromisoformat(a["due_on"]) if a["due_on"] else None,
                a["partners"],
                a["resources"],
                a["success"],
                ActionStatus(a["status"]),
            )
            tx.plans.insert_action(workshop.id, action, created_at)
        # Earlier rounds cannot be replayed without their ballots: their results are kept
        # as exported, with the proposal ids of this copy.
        tx.workshops.archive_rounds(workshop.id, renumbered_rounds(doc["rounds"], new_ids))
        tx.workshops.bump_version(workshop.id, created_at)
    return Created(code, token)


class SpreadSupport:
    """Deal a group's dots out over its stand-ins, one at a time, carrying on across proposals.

    A copy with each group's dots on one stand-in would count one voter per group and
    fold every group into "other groups"; dealt out, a group that had enough voters to
    be shown on its own has enough in the copy too.
    """

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def shares(self, key: str, voters: list[int], points: int) -> list[tuple[int, int]]:
        """Return (stand-in, dots) for `points` dots of group `key`."""
        dealt: dict[int, int] = {}
        start = self.next.get(key, 0)
        for n in range(points):
            voter = voters[(start + n) % len(voters)]
            dealt[voter] = dealt.get(voter, 0) + 1
        self.next[key] = (start + points) % len(voters)
        return sorted(dealt.items())

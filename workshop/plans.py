"""Use cases of action planning: actions, offers of help, follow-up meetings and series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from .domain import stages
from .domain.actions import Action, ActionStatus, check_action_merge, check_priority
from .domain.model import Group, Stage, Workshop
from .domain.planning import merged_children
from .domain.voting import counts_for, fold_totals, rank
from .errors import Forbidden, LimitReached, NotFound
from .events import Answer, Event, PersonalChanged, StateChanged
from .services import Created, WorkshopService
from .store import Tx
from .tokens import hash_token, new_token

MAX_ACTIONS_PER_WORKSHOP = 500
MAX_SUGGESTIONS_PER_ATTENDEE = 30


@dataclass(frozen=True)
class ActionFields:
    """The editable fields of an action; None leaves a field as it is."""

    text: str | None = None
    owner: str | None = None
    due_on: date | bool | None = False  # False: unchanged; None: clear the date
    partners: str | None = None
    resources: str | None = None
    success: str | None = None
    status: ActionStatus | None = None

    def apply(self, action: Action) -> None:
        """Write the given fields onto an action."""
        for name in ("text", "owner", "partners", "resources", "success", "status"):
            value = getattr(self, name)
            if value is not None:
                setattr(action, name, value)
        if self.due_on is not False:
            action.due_on = self.due_on  # type: ignore[assignment]


def priority_ids(tx: Tx, workshop: Workshop) -> set[int]:
    """Return the ids of the workshop's visible priorities."""
    proposals = tx.proposals(workshop.id)
    return {
        p.id
        for p in proposals.values()
        if p.priority_rank is not None and counts_for(p.id, proposals) == p.id
    }


class PlanService:
    """Action planning over the same store as the workshop use cases."""

    def __init__(self, core: WorkshopService) -> None:
        self.core = core

    # -- attendees -------------------------------------------------------------

    def suggest_action(
        self, code: str, participant_id: int, priority_id: int, text: str, request_id: str
    ) -> Answer:
        """Add an attendee's suggested action under a priority, as `proposed`."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code)
            stages.require_planning_open(workshop.stage)
            tx.lock_participant(participant_id)
            check_priority(priority_id, priority_ids(tx, workshop))
            actions = tx.actions(workshop.id)
            mine = [a for a in actions.values() if a.participant_id == participant_id]
            if len(mine) >= MAX_SUGGESTIONS_PER_ATTENDEE:
                raise LimitReached(
                    f"You have suggested {MAX_SUGGESTIONS_PER_ATTENDEE} actions, the most one "
                    "person can: talk to the facilitator to add more."
                )
            self._check_room(actions)
            action = Action(0, priority_id, text, participant_id=participant_id)
            action_id = tx.insert_action(workshop.id, action, self.core.clock())
            tx.bump_version(workshop.id, self.core.clock())
            return Answer(
                {"ok": True, "action_id": action_id},
                [
                    StateChanged(workshop.id, code),
                    PersonalChanged(workshop.id, code, (participant_id,)),
                ],
            )

        return self.core.once(f"p:{participant_id}", request_id, command)

    def volunteer(
        self,
        code: str,
        participant_id: int,
        action_id: int,
        helping: bool,
        show_name: bool,
        request_id: str,
    ) -> Answer:
        """Offer (or withdraw) help with an action; a name shows only if the attendee says so."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code)
            stages.require_planning_open(workshop.stage)
            tx.lock_participant(participant_id)
            action = tx.actions(workshop.id).get(action_id)
            if action is None or action.merged_into is not None:
                raise NotFound("That action is no longer on the plan: refresh and pick another.")
            if action.status is ActionStatus.DROPPED and helping:
                raise NotFound("That action was dropped: offer help with another one.")
            tx.set_volunteer(action_id, participant_id, helping, show_name, self.core.clock())
            tx.bump_version(workshop.id, self.core.clock())
            return Answer(
                {"ok": True},
                [
                    StateChanged(workshop.id, code),
                    PersonalChanged(workshop.id, code, (participant_id,)),
                ],
            )

        return self.core.once(f"p:{participant_id}", request_id, command)

    # -- facilitator -----------------------------------------------------------

    @staticmethod
    def _check_room(actions: dict[int, Action]) -> None:
        if len(actions) >= MAX_ACTIONS_PER_WORKSHOP:
            raise LimitReached(
                f"This plan has {MAX_ACTIONS_PER_WORKSHOP} actions, the most it can hold: "
                "merge or drop some first."
            )

    def add_action(
        self, code: str, priority_id: int, fields: ActionFields, request_id: str
    ) -> Answer:
        """Add an action under a priority (agreed unless a status is given)."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code, for_update=True)
            stages.require_not_closed(workshop.stage)
            check_priority(priority_id, priority_ids(tx, workshop))
            self._check_room(tx.actions(workshop.id))
            action = Action(0, priority_id, fields.text or "", status=ActionStatus.AGREED)
            fields.apply(action)
            action_id = tx.insert_action(workshop.id, action, self.core.clock())
            tx.bump_version(workshop.id, self.core.clock())
            return Answer({"ok": True, "action_id": action_id}, [StateChanged(workshop.id, code)])

        return self.core.once(f"f:{code}", request_id, command)

    def edit_action(self, code: str, action_id: int, fields: ActionFields) -> Answer:
        """Change any of an action's fields or its status."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            action = tx.actions(workshop.id).get(action_id)
            if action is None:
                raise NotFound("That action does not exist in this workshop.")
            fields.apply(action)
            tx.save_action(action)
            tx.bump_version(workshop.id, self.core.clock())
            return self._personal(workshop, action)

        return self.core.facilitator_change(code, change)

    def merge_actions(self, code: str, survivor_id: int, absorbed_id: int) -> Answer:
        """Merge a duplicate action into a survivor, which keeps both sets of helpers."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            actions = tx.actions(workshop.id)
            survivor, absorbed = actions.get(survivor_id), actions.get(absorbed_id)
            check_action_merge(survivor, absorbed)
            assert absorbed is not None and survivor is not None
            absorbed.merged_into = survivor_id
            tx.save_action(absorbed)
            tx.move_volunteers(absorbed_id, survivor_id)
            tx.bump_version(workshop.id, self.core.clock())
            return self._personal(workshop, absorbed)

        return self.core.facilitator_change(code, change)

    @staticmethod
    def _personal(workshop: Workshop, action: Action) -> list[Event]:
        people = set(action.volunteers)
        if action.participant_id is not None:
            people.add(action.participant_id)
        if not people:
            return []
        return [PersonalChanged(workshop.id, workshop.code, tuple(sorted(people)))]

    def set_details(
        self, code: str, place: str | None, held_on: date | bool | None, plan_public: bool | None
    ) -> Answer:
        """Record where and when the workshop is held, and whether its plan is public."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            if place is not None:
                workshop.place = place
            if held_on is not False:
                workshop.held_on = held_on  # type: ignore[assignment]
            if plan_public is not None:
                workshop.plan_public = plan_public
            tx.save_workshop(workshop, self.core.clock())
            return []

        return self.core.facilitator_change(code, change)

    # -- follow-ups and series -------------------------------------------------

    def create_follow_up(
        self, code: str, token: str, title: str | None, place: str, held_on: date | None
    ) -> Created:
        """Create a follow-up meeting: priorities with their support, and open actions, come too."""
        self.core.check_facilitator(code, token)
        new_token_value = new_token()
        with self.core.store.transaction() as tx:
            source = self.core.workshop_in(tx, code)
            new = Workshop(
                id=0,
                code=tx.unused_code(),
                title=title or source.title,
                stage=Stage.LOBBY,
                dots=source.dots,
                max_per_proposal=source.max_per_proposal,
                groups=list(source.groups),
                proposals_revealed=True,
                place=place,
                held_on=held_on,
            )
            now = self.core.clock()
            new.id = tx.insert_workshop(new, hash_token(new_token_value), now)
            tx.set_series(new.id, source.series_root_id or source.id, source.id)
            proposals = tx.proposals(source.id)
            raw, _ = tx.points_by_proposal(source.id)
            totals = fold_totals(raw, proposals)
            carried: dict[int, int] = {}
            for proposal in sorted(
                (p for p in proposals.values() if p.id in priority_ids(tx, source)),
                key=lambda p: p.priority_rank or 0,
            ):
                carried[proposal.id] = tx.insert_proposal(
                    new.id,
                    None,
                    proposal.text,
                    now,
                    priority_rank=proposal.priority_rank,
                    carried_points=(proposal.carried_points or 0) + totals.get(proposal.id, 0),
                    origin_id=proposal.id,
                )
            for action in tx.actions(source.id).values():
                if (
                    action.status.is_open
                    and action.merged_into is None
                    and action.priority_id in carried
                ):
                    copy = Action(
                        0,
                        carried[action.priority_id],
                        action.text,
                        action.owner,
                        action.due_on,
                        action.partners,
                        action.resources,
                        action.success,
                        action.status,
                        None,
                        action.id,
                    )
                    tx.insert_action(new.id, copy, now)
        return Created(new.code, new_token_value)

    def series_codes(self, code: str) -> list[str]:
        """Return the codes of every workshop in the series `code` belongs to, oldest first."""
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code)
            return [w.code for w in tx.series_members(workshop.series_root_id or workshop.id)]

    def is_public(self, code: str) -> bool:
        """Say whether the organiser has published this workshop's plan."""
        with self.core.store.transaction() as tx:
            return self.core.workshop_in(tx, code).plan_public

    def require_public(self, code: str) -> Workshop:
        """Return the workshop if its organiser has published its plan, or refuse."""
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code)
        if not workshop.plan_public:
            raise Forbidden("This plan has not been published yet: ask the organiser.")
        return workshop


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PlanDocuments:
    """Read a workshop (or its whole series) as one plain document for exports."""

    def __init__(self, core: WorkshopService) -> None:
        self.core = core

    def workshop(self, code: str) -> dict[str, Any]:
        """Return one workshop's plan document: no names, no device ids, no hidden text."""
        with self.core.store.transaction() as tx:
            return self._document(tx, self.core.workshop_in(tx, code))

    def series(self, code: str) -> dict[str, Any]:
        """Return the document of every workshop in the series, oldest first."""
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code)
            members = tx.series_members(workshop.series_root_id or workshop.id)
            documents = [self._document(tx, member) for member in members]
        return {
            "format": "workshop-series/1",
            "generated_at": max(d["generated_at"] for d in documents),
            "root_code": documents[0]["workshop"]["code"],
            "title": documents[0]["workshop"]["title"],
            "workshops": documents,
        }

    def _document(self, tx: Tx, workshop: Workshop) -> dict[str, Any]:
        proposals = tx.proposals(workshop.id)
        raw, _ = tx.points_by_proposal(workshop.id)
        totals = fold_totals(raw, proposals)
        by_group: dict[int, dict[str, int]] = {}
        for proposal_id, groups in tx.points_by_group(workshop.id).items():
            target = counts_for(proposal_id, proposals)
            if target is not None:
                for key, points in groups.items():
                    slot = by_group.setdefault(target, {})
                    slot[key] = slot.get(key, 0) + points
        children = merged_children(proposals)
        attendance = tx.attendance(workshop.id)
        ranked = rank(totals)

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
            for a in tx.actions(workshop.id).values()
            if a.merged_into is None and a.priority_id in live
        ]
        return {
            "format": "workshop-plan/1",
            "generated_at": _iso(tx.last_change(workshop.id)),
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
            },
            "proposals": entries,
            "actions": actions,
        }


def import_document(core: WorkshopService, document: dict[str, Any]) -> Created:
    """Recreate an exported workshop in this instance: same plan, no people.

    Attendees come back as anonymous stand-ins, one per person counted in each group,
    carrying the group's dots, so tallies and per-group support are reproduced.
    """
    from .import_check import checked_document

    doc = checked_document(document)
    info = doc["workshop"]
    created_at = int(
        datetime.strptime(doc["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
        * 1000
    )
    token = new_token()
    with core.store.transaction() as tx:
        code = tx.unused_code()
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
        )
        workshop.id = tx.insert_workshop(workshop, hash_token(token), created_at)
        stand_ins: dict[str, list[int]] = {}
        for key, count in info["attendance"].items():
            stand_ins[key] = [
                tx.insert_participant(
                    workshop.id, f"imported-{key or 'none'}-{n:06d}", None, key or None, created_at
                )
                for n in range(count)
            ]
        new_ids: dict[int, int] = {}
        for p in sorted(doc["proposals"], key=lambda p: p["id"]):
            new_ids[p["id"]] = tx.insert_proposal(
                workshop.id,
                None,
                p["text"],
                created_at,
                priority_rank=p["priority_rank"],
                carried_points=p["carried_points"],
            )
            for text in p["merged"]:
                child = tx.insert_proposal(workshop.id, None, text, created_at)
                tx.update_proposal(child, merged_into=new_ids[p["id"]])
            for key, points in p["by_group"].items():
                voter = (
                    stand_ins.get(key)
                    or stand_ins.setdefault(
                        key,
                        [
                            tx.insert_participant(
                                workshop.id,
                                f"imported-{key or 'none'}-x",
                                None,
                                key or None,
                                created_at,
                            )
                        ],
                    )
                )[0]
                tx.insert_vote(workshop.id, voter, new_ids[p["id"]], points, created_at)
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
            tx.insert_action(workshop.id, action, created_at)
        tx.bump_version(workshop.id, created_at)
    return Created(code, token)

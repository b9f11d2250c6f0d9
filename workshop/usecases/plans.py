"""Use cases of action planning: actions, offers of help, follow-up meetings and series."""

from __future__ import annotations

from datetime import date

from workshop.domain import stages
from workshop.domain.actions import (
    Action,
    ActionFields,
    ActionStatus,
    check_action_merge,
    check_priority,
)
from workshop.domain.errors import Forbidden, LimitReached, NotFound
from workshop.domain.model import Stage, Workshop
from workshop.domain.review import check_shared_at_once
from workshop.domain.tokens import hash_token, new_token
from workshop.domain.voting import counts_for
from workshop.store.engine import Tx
from workshop.usecases.core import Core, Created
from workshop.usecases.counting import dot_support
from workshop.usecases.events import Answer, Event, PersonalChanged, StateChanged
from workshop.usecases.room import require_present

MAX_ACTIONS_PER_WORKSHOP = 500
MAX_SUGGESTIONS_PER_ATTENDEE = 30


def priority_ids(tx: Tx, workshop: Workshop) -> set[int]:
    """Return the ids of the workshop's visible priorities."""
    proposals = tx.board.proposals(workshop.id)
    return {
        p.id
        for p in proposals.values()
        if p.priority_rank is not None and counts_for(p.id, proposals) == p.id
    }


class Plans:
    """Action planning over the same store as the workshop use cases."""

    def __init__(self, core: Core) -> None:
        self.core = core

    # -- attendees -------------------------------------------------------------

    def suggest_action(
        self, code: str, participant_id: int, priority_id: int, text: str, request_id: str
    ) -> Answer:
        """Add an attendee's suggested action under a priority, as `proposed`."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code)
            stages.require_planning_open(workshop.stage)
            require_present(tx.attendees.lock_participant(participant_id))
            check_priority(priority_id, priority_ids(tx, workshop))
            actions = tx.plans.actions(workshop.id)
            mine = [a for a in actions.values() if a.participant_id == participant_id]
            if len(mine) >= MAX_SUGGESTIONS_PER_ATTENDEE:
                raise LimitReached(
                    "You have suggested {max_suggestions_per_attendee} actions, the most one "
                    "person can: talk to the facilitator to add more.",
                    max_suggestions_per_attendee=MAX_SUGGESTIONS_PER_ATTENDEE,
                )
            self._check_room(actions)
            check_shared_at_once(text, self.core.today().year)
            action = Action(0, priority_id, text, participant_id=participant_id)
            action_id = tx.plans.insert_action(workshop.id, action, self.core.clock())
            tx.workshops.bump_version(workshop.id, self.core.clock())
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
            require_present(tx.attendees.lock_participant(participant_id))
            action = tx.plans.actions(workshop.id).get(action_id)
            if action is None or action.merged_into is not None:
                raise NotFound("That action is no longer on the plan: refresh and pick another.")
            if action.status is ActionStatus.DROPPED and helping:
                raise NotFound("That action was dropped: offer help with another one.")
            tx.plans.set_volunteer(action_id, participant_id, helping, show_name, self.core.clock())
            tx.workshops.bump_version(workshop.id, self.core.clock())
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
                "This plan has {max_actions_per_workshop} actions, the most it can hold: "
                "merge or drop some first.",
                max_actions_per_workshop=MAX_ACTIONS_PER_WORKSHOP,
            )

    def add_action(
        self, code: str, priority_id: int, fields: ActionFields, request_id: str
    ) -> Answer:
        """Add an action under a priority (proposed unless a status is given)."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code, for_update=True)
            stages.require_not_closed(workshop.stage)
            check_priority(priority_id, priority_ids(tx, workshop))
            self._check_room(tx.plans.actions(workshop.id))
            action = Action(0, priority_id, fields.text or "", status=ActionStatus.PROPOSED)
            fields.apply(action)
            action_id = tx.plans.insert_action(workshop.id, action, self.core.clock())
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return Answer({"ok": True, "action_id": action_id}, [StateChanged(workshop.id, code)])

        return self.core.once(f"f:{code}", request_id, command)

    def edit_action(self, code: str, action_id: int, fields: ActionFields) -> Answer:
        """Change any of an action's fields or its status."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            action = tx.plans.actions(workshop.id).get(action_id)
            if action is None:
                raise NotFound("That action does not exist in this workshop.")
            fields.apply(action)
            tx.plans.save_action(action)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return self._personal(workshop, action)

        return self.core.facilitator_change(code, change)

    def merge_actions(self, code: str, survivor_id: int, absorbed_id: int) -> Answer:
        """Merge a duplicate action into a survivor, which keeps both sets of helpers."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            actions = tx.plans.actions(workshop.id)
            survivor, absorbed = actions.get(survivor_id), actions.get(absorbed_id)
            check_action_merge(survivor, absorbed)
            assert absorbed is not None and survivor is not None
            absorbed.merged_into = survivor_id
            tx.plans.save_action(absorbed)
            tx.plans.move_volunteers(absorbed_id, survivor_id)
            tx.workshops.bump_version(workshop.id, self.core.clock())
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
            if not isinstance(held_on, bool):  # False: unchanged
                workshop.held_on = held_on
            if plan_public is not None:
                workshop.plan_public = plan_public
            tx.workshops.save_workshop(workshop, self.core.clock())
            return []

        return self.core.facilitator_change(code, change)

    # -- follow-ups and series -------------------------------------------------

    def create_follow_up(
        self, code: str, token: str, title: str | None, place: str, held_on: date | None
    ) -> Created:
        """Create a follow-up meeting: priorities with their support, and open actions, come too.

        Long because the new meeting, its carried priorities and carried actions are
        created in one transaction.
        """
        self.core.check_facilitator(code, token)
        new_token_value = new_token()
        with self.core.store.transaction() as tx:
            source = self.core.workshop_in(tx, code)
            new = Workshop(
                id=0,
                code=tx.workshops.unused_code(),
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
            new.id = tx.workshops.insert_workshop(new, hash_token(new_token_value), now)
            tx.workshops.set_series(new.id, source.series_root_id or source.id, source.id)
            proposals = tx.board.proposals(source.id)
            chosen = priority_ids(tx, source)
            totals = dot_support(tx, source.id, proposals).result.totals
            carried: dict[int, int] = {}
            for proposal in sorted(
                (p for p in proposals.values() if p.id in chosen),
                key=lambda p: p.priority_rank or 0,
            ):
                carried[proposal.id] = tx.board.insert_proposal(
                    new.id,
                    None,
                    proposal.text,
                    now,
                    priority_rank=proposal.priority_rank,
                    carried_points=(proposal.carried_points or 0) + totals.get(proposal.id, 0),
                    origin_id=proposal.id,
                )
            for action in tx.plans.actions(source.id).values():
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
                    tx.plans.insert_action(new.id, copy, now)
        return Created(new.code, new_token_value)

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

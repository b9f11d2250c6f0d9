"""Use cases of themes and the spotlight: group proposals under headings, take attendees'
suggestions, and put one proposal or theme on the wall for discussion."""

from __future__ import annotations

from workshop.domain import stages, themes
from workshop.domain.errors import N_, Conflict, Forbidden, LimitReached, NotFound, WrongStage
from workshop.domain.model import Stage, Workshop
from workshop.domain.voting import counts_for
from workshop.store.engine import Tx
from workshop.usecases.core import Core
from workshop.usecases.events import Answer, Event, StateChanged

MAX_SUGGESTIONS_PER_ATTENDEE = 30
SUGGESTIONS_CLOSED = N_(
    "The facilitator is not taking theme suggestions right now: tell them in the room instead."
)


class Themes:
    """Themes, suggestions and the spotlight, over the same store as the workshop use cases."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def _change(self, code: str, change: object) -> Answer:
        return self.core.facilitator_change(code, change)  # type: ignore[arg-type]

    # -- themes ------------------------------------------------------------------

    def create_theme(
        self, code: str, heading: str, proposal_ids: list[int], request_id: str
    ) -> Answer:
        """Make a new theme (a column on the wall), optionally moving proposals straight in."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code, for_update=True)
            stages.require_not_closed(workshop.stage)
            board = tx.themes.themes(workshop.id)
            themes.check_new_theme(heading, board)
            proposals = tx.board.proposals(workshop.id)
            for pid in proposal_ids:
                themes.check_move(pid, None, proposals, board)
            position = max((t.position for t in board.values()), default=0) + 1
            theme_id = tx.themes.insert_theme(workshop.id, heading, position, self.core.clock())
            for pid in proposal_ids:
                tx.board.update_proposal(pid, theme_id=theme_id)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return Answer({"ok": True, "theme_id": theme_id}, [StateChanged(workshop.id, code)])

        return self.core.once(f"f:{code}", request_id, command)

    def rename_theme(self, code: str, theme_id: int, heading: str) -> Answer:
        """Change a theme's heading."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            board = tx.themes.themes(workshop.id)
            themes.get_theme(theme_id, board)
            themes.check_heading(heading, board, renaming=theme_id)
            tx.themes.update_theme(theme_id, heading=heading)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self._change(code, change)

    def move_to_theme(self, code: str, proposal_ids: list[int], theme_id: int | None) -> Answer:
        """Move proposals into a theme (None: out of any theme). No ballot is touched."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            board = tx.themes.themes(workshop.id)
            proposals = tx.board.proposals(workshop.id)
            for pid in proposal_ids:
                themes.check_move(pid, theme_id, proposals, board)
            for pid in proposal_ids:
                tx.board.update_proposal(pid, theme_id=theme_id)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self._change(code, change)

    def dissolve_theme(self, code: str, theme_id: int, dissolved: bool) -> Answer:
        """Dissolve a theme (its proposals stand alone) or restore it with them, like unmerging."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            board = tx.themes.themes(workshop.id)
            theme = themes.get_theme(theme_id, board)
            if theme.dissolved == dissolved:
                raise Conflict(
                    N_("That theme is already dissolved.")
                    if dissolved
                    else N_("That theme is not dissolved.")
                )
            if not dissolved:
                themes.check_new_theme(theme.heading, board)
            tx.themes.update_theme(theme_id, dissolved=dissolved)
            settings = tx.themes.settings(workshop.id)
            if dissolved and (settings.spotlight_kind, settings.spotlight_id) == (
                "theme",
                theme_id,
            ):
                settings.spotlight_kind = settings.spotlight_id = None
                tx.themes.save_settings(workshop.id, settings, self.core.clock())
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self._change(code, change)

    def order_themes(self, code: str, theme_ids: list[int]) -> Answer:
        """Put the theme columns in a new order."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            themes.check_order(theme_ids, tx.themes.themes(workshop.id))
            for position, theme_id in enumerate(theme_ids, start=1):
                tx.themes.update_theme(theme_id, position=position)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self._change(code, change)

    # -- attendees' suggestions ----------------------------------------------------

    def allow_theme_suggestions(self, code: str, allowed: bool) -> Answer:
        """Let attendees suggest a theme for a proposal from their phones, or stop them."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            settings = tx.themes.settings(workshop.id)
            settings.suggestions_open = allowed
            tx.themes.save_settings(workshop.id, settings, self.core.clock())
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self._change(code, change)

    def suggest_theme(
        self, code: str, participant_id: int, proposal_id: int, heading: str, request_id: str
    ) -> Answer:
        """Record an attendee's suggestion; only the facilitator sees it, and decides."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code)
            if workshop.stage is not Stage.GROUP:
                raise WrongStage("Themes are suggested while ideas are being grouped: not now.")
            if not tx.themes.settings(workshop.id).suggestions_open:
                raise Forbidden(SUGGESTIONS_CLOSED)
            tx.attendees.lock_participant(participant_id)
            proposals = tx.board.proposals(workshop.id)
            proposal = proposals.get(proposal_id)
            own = proposal is not None and proposal.participant_id == participant_id
            if (
                proposal is None
                or counts_for(proposal_id, proposals) != proposal_id
                or not (workshop.proposals_revealed or own)
            ):
                raise NotFound("That proposal is no longer on the list: refresh and pick another.")
            if tx.themes.count_suggestions_by(participant_id) >= MAX_SUGGESTIONS_PER_ATTENDEE:
                raise LimitReached(
                    "You have made {max_suggestions_per_attendee} suggestions, the most one "
                    "person can: thank you.",
                    max_suggestions_per_attendee=MAX_SUGGESTIONS_PER_ATTENDEE,
                )
            suggestion_id = tx.themes.insert_suggestion(
                workshop.id, participant_id, proposal_id, heading, self.core.clock()
            )
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return Answer(
                {"ok": True, "suggestion_id": suggestion_id}, [StateChanged(workshop.id, code)]
            )

        return self.core.once(f"p:{participant_id}", request_id, command)

    def answer_suggestion(self, code: str, suggestion_id: int, accept: bool) -> Answer:
        """Accept a suggestion (into the theme of that heading, made if needed) or dismiss it."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            pending = {s.id: s for s in tx.themes.suggestions(workshop.id)}
            suggestion = pending.get(suggestion_id)
            if suggestion is None:
                raise NotFound("That suggestion was already answered: refresh the console.")
            if accept:
                board = tx.themes.themes(workshop.id)
                proposals = tx.board.proposals(workshop.id)
                themes.check_move(suggestion.proposal_id, None, proposals, board)
                wanted = suggestion.heading.casefold()
                found = [t for t in themes.live(board) if t.heading.casefold() == wanted]
                if found:
                    theme_id = found[0].id
                else:
                    themes.check_new_theme(suggestion.heading, board)
                    position = max((t.position for t in board.values()), default=0) + 1
                    theme_id = tx.themes.insert_theme(
                        workshop.id, suggestion.heading, position, self.core.clock()
                    )
                tx.board.update_proposal(suggestion.proposal_id, theme_id=theme_id)
            tx.themes.set_suggestion_status(suggestion_id, "accepted" if accept else "dismissed")
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self._change(code, change)

    # -- the spotlight -------------------------------------------------------------

    def spotlight(self, code: str, kind: str | None, target_id: int | None) -> Answer:
        """Put one proposal or theme on the wall and every phone for discussion (None: clear)."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            settings = tx.themes.settings(workshop.id)
            if kind is not None and target_id is not None:
                themes.spotlight_target(
                    kind, target_id, tx.board.proposals(workshop.id), tx.themes.themes(workshop.id)
                )
            settings.spotlight_kind, settings.spotlight_id = kind, target_id
            tx.themes.save_settings(workshop.id, settings, self.core.clock())
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self._change(code, change)

    def spotlight_step(self, code: str, kind: str | None, direction: int) -> Answer:
        """Move the spotlight to the next (or previous) proposal or theme, with one key."""
        found: dict[str, object] = {}

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            settings = tx.themes.settings(workshop.id)
            use = kind or settings.spotlight_kind or "proposal"
            order = themes.spotlight_order(
                use, tx.board.proposals(workshop.id), tx.themes.themes(workshop.id)
            )
            current = settings.spotlight_id if settings.spotlight_kind == use else None
            settings.spotlight_kind = use
            settings.spotlight_id = themes.step(order, current, direction)
            found.update(kind=use, id=settings.spotlight_id)
            tx.themes.save_settings(workshop.id, settings, self.core.clock())
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        answer = self._change(code, change)
        return Answer({"ok": True, "spotlight": dict(found)}, answer.events)

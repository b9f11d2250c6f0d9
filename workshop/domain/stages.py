"""The stage machine: which stage allows which command, in words people understand."""

from __future__ import annotations

from workshop.domain.errors import N_, InvalidInput, WrongStage
from workshop.domain.model import Stage

CLOSED_SENTENCE = N_("This workshop has closed: thank you for taking part.")


def parse_stage(value: object) -> Stage:
    """Return the Stage named by value, or refuse with the list of stages."""
    for stage in Stage:
        if value == stage.value:
            return stage
    names = ", ".join(stage.value for stage in Stage)
    raise InvalidInput("There is no stage called that: choose one of {names}.", names=names)


def require_proposals_open(stage: Stage) -> None:
    """Refuse a proposal unless the workshop is collecting them."""
    if stage is Stage.PROPOSE:
        return
    if stage is Stage.LOBBY:
        raise WrongStage("Sharing ideas has not started yet: wait for the facilitator to start.")
    if stage is Stage.CLOSED:
        raise WrongStage(CLOSED_SENTENCE)
    raise WrongStage(
        "Sharing ideas has closed: the workshop has moved on to {value}.", value=stage.label.lower()
    )


def require_voting_open(stage: Stage) -> None:
    """Refuse a vote unless the workshop is in the vote stage."""
    if stage is Stage.VOTE:
        return
    if stage in (Stage.LOBBY, Stage.PROPOSE, Stage.GROUP):
        raise WrongStage("Voting has not started yet: wait for the facilitator.")
    if stage is Stage.CLOSED:
        raise WrongStage(CLOSED_SENTENCE)
    raise WrongStage("Voting has closed: the results are being shared.")


def require_not_closed(stage: Stage) -> None:
    """Refuse a facilitator edit while the workshop is closed."""
    if stage is Stage.CLOSED:
        raise WrongStage("This workshop is closed: move it back to an earlier stage to change it.")


def reveals_proposals(stage: Stage) -> bool:
    """Say whether entering this stage must show the proposals (people vote on what they see)."""
    return stage is Stage.VOTE


def reveals_results(stage: Stage) -> bool:
    """Say whether entering this stage shows the results ("Next: Results" means show them)."""
    return stage is Stage.RESULTS


def require_planning_open(stage: Stage) -> None:
    """Refuse an attendee's action or offer of help unless the workshop is planning."""
    if stage is Stage.PLAN:
        return
    if stage is Stage.CLOSED:
        raise WrongStage(CLOSED_SENTENCE)
    raise WrongStage("Action planning has not started yet: wait for the facilitator.")

"""How much one workshop and one attendee may hold: limits a real room never reaches."""

MAX_PROPOSALS_PER_ATTENDEE = 50
MAX_ATTENDEES_PER_WORKSHOP = 5000

"""Every write to events goes through these services (one module per aggregate)."""

from civicdata.events.services.agenda import (
    add_survey_question,
    answer_survey,
    choose_topic,
    propose_topic,
    remove_survey_question,
    vote_for_topic,
    withdraw_vote,
)
from civicdata.events.services.checkin import check_in, register_walk_in, undo_check_in
from civicdata.events.services.feedback import give_feedback, transcribe_card
from civicdata.events.services.registrations import (
    accept_offer,
    cancel_registration,
    decline_offer,
    expire_offers,
    register,
)

__all__ = [
    "accept_offer",
    "add_survey_question",
    "answer_survey",
    "cancel_registration",
    "check_in",
    "choose_topic",
    "decline_offer",
    "expire_offers",
    "give_feedback",
    "propose_topic",
    "register",
    "register_walk_in",
    "remove_survey_question",
    "transcribe_card",
    "undo_check_in",
    "vote_for_topic",
    "withdraw_vote",
]

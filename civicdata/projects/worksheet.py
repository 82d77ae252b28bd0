"""Refine-step self-assessment worksheet: its sections, prompts and the pitch it produces.

Staff answer the prompts section by section; :func:`build_pitch` assembles the answers into a short
paragraph they can share. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from civicdata.projects.method import REFINE_TACTICS, gettext_noop, tactic


@dataclass(frozen=True, slots=True)
class WorksheetSection:
    """One box of the worksheet with the questions that help fill it in."""

    key: str
    title: str
    prompts: tuple[str, ...]


WORKSHEET_SECTIONS: tuple[WorksheetSection, ...] = (
    WorksheetSection(
        key="focus_area",
        title="Focus area",
        prompts=(gettext_noop("Which focus area are you working on (the one chosen in Find, or a trial one)?"),),
    ),
    WorksheetSection(
        key="data_supply",
        title="Data supply",
        prompts=(
            gettext_noop("Which data on this topic does the city already collect?"),
            gettext_noop("What else could the city start collecting?"),
            gettext_noop("Which departments hold or maintain it?"),
        ),
    ),
    WorksheetSection(
        key="data_requesters",
        title="Data requesters",
        prompts=(
            gettext_noop("Who outside city hall uses, or could use, this data?"),
            gettext_noop("Where do requests on this topic usually end up?"),
            gettext_noop("How could this data help the work of those people and groups?"),
        ),
    ),
    WorksheetSection(
        key="past_activities",
        title="Past activities",
        prompts=(
            gettext_noop("Is this data handed out through records requests or another channel? If not, why not?"),
            gettext_noop("In what form do requesters receive it today?"),
            gettext_noop("What have residents done with it before?"),
            gettext_noop("Where does supply fall short of what people ask for?"),
        ),
    ),
    WorksheetSection(
        key="tactics",
        title="Tactics",
        prompts=(
            gettext_noop("Which Refine tactics would you use to start specific conversations on this topic?"),
            gettext_noop("Which information gaps do you already know about?"),
            gettext_noop("What could stakeholders tell you that you cannot learn on your own?"),
        ),
    ),
    WorksheetSection(
        key="next_steps",
        title="Next steps",
        prompts=(
            gettext_noop("Which outside partners could help carry out those tactics?"),
            gettext_noop("Is the plan realistic? If not, what stands in the way?"),
            gettext_noop("How will you encourage people to take part?"),
            gettext_noop("How could the city act on what it hears?"),
        ),
    ),
    WorksheetSection(
        key="potential_impacts",
        title="Potential impacts",
        prompts=(
            gettext_noop("How could staff benefit from following up on what data users say?"),
            gettext_noop("How might residents benefit if the city helped them use this data?"),
        ),
    ),
)

SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in WORKSHEET_SECTIONS)


class WorksheetError(ValueError):
    """Raised for answers naming a section or tactic that does not exist."""


def missing_sections(answers: Mapping[str, str]) -> list[str]:
    """Return the keys of worksheet sections left blank, in worksheet order."""
    return [key for key in SECTION_KEYS if not (answers.get(key) or "").strip()]


def build_pitch(answers: Mapping[str, str], *, tactic_codes: list[str] | None = None) -> str:
    """Assemble the worksheet answers into a one-paragraph pitch.

    Blank sections appear as bracketed placeholders so the gap is visible rather than hidden.
    ``tactic_codes`` (Refine tactic codes) name the chosen tactics; when empty, the free-text
    ``tactics`` answer is used instead. Raises :class:`WorksheetError` on unknown keys or codes.
    """
    unknown = sorted(set(answers) - set(SECTION_KEYS))
    if unknown:
        raise WorksheetError(f"Unknown worksheet sections: {', '.join(unknown)}")
    refine_codes = {t.code for t in REFINE_TACTICS}
    for code in tactic_codes or []:
        if code not in refine_codes:
            raise WorksheetError(f"Not a Refine tactic: {code}")

    def part(key: str, placeholder: str) -> str:
        value = " ".join((answers.get(key) or "").split())
        return value.rstrip(".") if value else f"[{placeholder}]"

    if tactic_codes:
        tactics_text = _join([tactic(code).label.lower() for code in tactic_codes])
    else:
        tactics_text = part("tactics", "refining tactic")
    return (
        f"Residents could use information held by the city to make progress on "
        f"{part('focus_area', 'focus area')}, which matters because "
        f"{part('potential_impacts', 'impact')}. "
        f"We will {tactics_text} to listen to {part('data_requesters', 'data requesters')} "
        f"and find concrete ways for them to use {part('data_supply', 'our data supply')}. "
        f"Then we will {part('next_steps', 'next steps')}, adjusting the plan to what we hear."
    )


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

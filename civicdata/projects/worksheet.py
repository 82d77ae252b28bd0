"""Refine-step self-assessment worksheet: its sections, prompts and the pitch it produces.

Staff answer the prompts section by section; :func:`build_pitch` assembles the answers into a short
paragraph they can share. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


PITCH_TEMPLATE = gettext_noop(
    "Residents could use information held by the city to make progress on {focus_area}, which matters "
    "because {potential_impacts}. We will {tactics} to listen to {data_requesters} and find concrete ways "
    "for them to use {data_supply}. Then we will {next_steps}, adjusting the plan to what we hear."
)
PLACEHOLDERS = {
    "focus_area": gettext_noop("focus area"),
    "potential_impacts": gettext_noop("impact"),
    "tactics": gettext_noop("refining tactic"),
    "data_requesters": gettext_noop("data requesters"),
    "data_supply": gettext_noop("our data supply"),
    "next_steps": gettext_noop("next steps"),
}


def build_pitch(
    answers: Mapping[str, str],
    *,
    tactic_codes: list[str] | None = None,
    translate: Callable[[str], str] = lambda text: text,
    conjunction: str = "and",
) -> str:
    """Assemble the worksheet answers into a one-paragraph pitch.

    Blank sections appear as bracketed placeholders so the gap is visible rather than hidden.
    ``tactic_codes`` (Refine tactic codes) name the chosen tactics; when empty, the free-text
    ``tactics`` answer is used instead. ``translate`` localises the template, placeholders and tactic
    names (pages pass Django's gettext). Raises :class:`WorksheetError` on unknown keys or codes.
    """
    unknown = sorted(set(answers) - set(SECTION_KEYS))
    if unknown:
        raise WorksheetError(f"Unknown worksheet sections: {', '.join(unknown)}")
    refine_codes = {t.code for t in REFINE_TACTICS}
    for code in tactic_codes or []:
        if code not in refine_codes:
            raise WorksheetError(f"Not a Refine tactic: {code}")

    def part(key: str) -> str:
        value = " ".join((answers.get(key) or "").split())
        return value.rstrip(".") if value else f"[{translate(PLACEHOLDERS[key])}]"

    values = {key: part(key) for key in PLACEHOLDERS}
    if tactic_codes:
        names = [translate(tactic(code).label).lower() for code in tactic_codes]
        values["tactics"] = _join(names, conjunction)
    # str.format only substitutes; braces typed by a person are in the values, never in the template.
    return translate(PITCH_TEMPLATE).format(**values)


def _join(items: list[str], conjunction: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]

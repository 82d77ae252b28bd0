"""`civicdata catalog validate FILE|URL`, shared by the management command and the quick console path.

The console command (``civicdata.cli``) runs ``main`` directly: no ``django.setup()``, and not even
Django's management package, whose system-check framework alone imports the mail and async machinery
(a quarter of the start-up). The management command ``catalog_validate`` wraps the same two functions,
so both print the same reports and exit with the same status: 0 valid (warnings allowed), 1 invalid,
2 unreadable (or not found / not downloadable).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable
from typing import Any

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
HELP = "Validate a data.json file or URL against DCAT-US (exit 0 valid, 1 invalid, 2 unreadable)."


def add_arguments(parser: Any) -> None:
    from civicdata.catalog.tools.validation.profiles import PROFILES

    parser.add_argument("source", help="Path to a data.json file, an http(s) URL, or - for standard input.")
    parser.add_argument(
        "--profile",
        choices=list(PROFILES),
        default=None,
        help="Schema profile; detected from conformsTo and the root type when omitted.",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text", help="Output format.")
    parser.add_argument(
        "--max-datasets", type=int, default=200, help="Text format: list findings of at most this many datasets."
    )


def dumps_json(payload: Any) -> str:
    """Indented JSON, non-ASCII text as is (UTF-8): orjson, ten times quicker than the standard library on a
    report of 100,000 findings; the standard library only for text orjson refuses (lone surrogates)."""
    import orjson

    try:
        return orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return json.dumps(payload, indent=2, ensure_ascii=False)


# A look at the machine's idle time shorter than this many clock ticks (all cores together) says too little.
MIN_IDLE_SAMPLE_TICKS = 20


def cpu_ticks() -> tuple[int, int] | None:
    """(idle, all) clock ticks the machine's cores have spent since boot (Linux ``/proc/stat``), else None."""
    try:
        with open("/proc/stat", "rb") as fh:
            fields = fh.readline().split()
    except OSError:
        return None
    if len(fields) < 9 or fields[0] != b"cpu":
        return None
    ticks = [int(x) for x in fields[1:9]]  # user nice system idle iowait irq softirq steal
    return ticks[3] + ticks[4], sum(ticks)


def processes_for_this_machine(since: tuple[int, int] | None = None) -> int:
    """How many processes check a large catalog: one per core left idle by the rest of the machine.

    A forked checker costs CPU of its own (copied memory pages, findings sent back), which only pays when
    a core would otherwise sit idle; on a busy machine one process finishes as soon and spends less.
    ``since`` (``cpu_ticks()`` taken before reading the catalog) measures the idle cores right now, while
    this process reads on one of them; without it, the one-minute load average is the guess, which lags:
    it still counts a program that ended seconds ago.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    now = cpu_ticks() if since is not None else None
    if since is not None and now is not None and now[1] - since[1] >= MIN_IDLE_SAMPLE_TICKS:
        idle_cores = (os.cpu_count() or 1) * (now[0] - since[0]) / (now[1] - since[1])
        # Ourselves plus each core that sat idle at least three quarters of the time.
        return max(1, min(cores, 4, 1 + int(idle_cores + 0.25)))
    try:
        busy = os.getloadavg()[0]
    except OSError:
        busy = 0.0
    return max(1, min(cores, 4, int(cores - busy + 0.5)))


def _orjson_report(source: str, read: Any, report: Any) -> bytes | None:
    """The JSON report as ``dumps_json`` writes it, as one line of UTF-8 bytes (None when orjson refuses
    the text: then ``dumps_json`` falls back to the standard library)."""
    import orjson

    payload = {"source": source, "read": read.to_dict(), "report": report.to_dict(finding_objects=True)}
    try:
        return orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return None


def run(
    options: dict[str, Any],
    write: Callable[[str], Any],
    *,
    write_bytes: Callable[[bytes], Any] | None = None,
    keep: list[Any] | None = None,
) -> int:
    """Read, validate and report; returns the exit status. ``write`` takes one whole message; ``write_bytes``,
    when given, takes the JSON report as UTF-8 bytes (no text copy of a report that can weigh 70 MB).
    ``keep`` receives the parsed catalog and the report (see ``main``)."""
    from civicdata.catalog.tools.inputs import read_source
    from civicdata.catalog.tools.text import read_problems_text, report_text
    from civicdata.catalog.tools.validation import validate_catalog

    # The process ends after one report and creates no reference cycles worth collecting; the
    # collector would otherwise walk the whole parsed catalog again and again (a third of the time).
    gc.disable()
    source = options["source"]
    ticks = cpu_ticks()
    read = read_source(source, stdin=sys.stdin.buffer if source == "-" else None, note_redaction=True)
    if not read.ok:
        if options["format"] == "json":
            write(json.dumps({"source": source, "read": read.to_dict(), "report": None}, indent=2))
        else:
            write(read_problems_text(source, read))
        return EXIT_UNREADABLE
    # A large catalog is checked in one process per idle core (this command is single-threaded, so it may fork).
    report = validate_catalog(
        read.document,
        profile=options["profile"],
        processes=processes_for_this_machine(since=ticks),
        redaction_free=read.redaction_free,
    )
    if keep is not None:
        keep += [read, report]
    if options["format"] == "json":
        data = _orjson_report(source, read, report) if write_bytes is not None else None
        if data is not None and write_bytes is not None:
            write_bytes(data)
        else:
            write(dumps_json({"source": source, "read": read.to_dict(), "report": report.to_dict()}))
    else:
        if read.warnings:
            write(read_problems_text(source, read))
        write(report_text(source, report, max_datasets=options["max_datasets"]))
    return EXIT_VALID if report.valid else EXIT_INVALID


def _write_line(text: str) -> None:
    # As Django's OutputWrapper does for the management command: every message ends a line.
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _write_bytes(data: bytes) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # standard output replaced by a text-only stream
        sys.stdout.write(data.decode())
        return
    sys.stdout.flush()
    buffer.write(data)


def main(argv: list[str]) -> None:
    """``argv`` as Django gives it: [program, "catalog_validate", arguments...]. Exits with the status."""
    parser = argparse.ArgumentParser(prog=f"{os.path.basename(argv[0])} catalog validate", description=HELP)
    add_arguments(parser)
    # Django's common options, accepted so that scripts written for the management command keep working.
    parser.add_argument("-v", "--verbosity", type=int, choices=[0, 1, 2, 3], default=1, help=argparse.SUPPRESS)
    parser.add_argument("--settings", help=argparse.SUPPRESS)
    parser.add_argument("--pythonpath", help=argparse.SUPPRESS)
    for flag in ("--traceback", "--no-color", "--force-color"):
        parser.add_argument(flag, action="store_true", help=argparse.SUPPRESS)
    options = vars(parser.parse_args(argv[2:]))
    if options["settings"]:
        os.environ["DJANGO_SETTINGS_MODULE"] = options["settings"]
    if options["pythonpath"]:
        sys.path.insert(0, options["pythonpath"])
    keep: list[Any] = []
    status = run(options, _write_line, write_bytes=_write_bytes, keep=keep)
    sys.stdout.flush()
    leave_to_the_system(keep)
    raise SystemExit(status)


def leave_to_the_system(objects: list[Any]) -> None:
    """Let the process end without freeing ``objects`` one by one (a quarter of a second per 100,000
    datasets of parsed catalog): a list that holds itself is only ever freed by the garbage collector,
    and ``gc.freeze`` puts everything alive out of its reach. The operating system takes the memory back
    at exit; exit handlers and ``finally`` blocks still run."""
    objects.append(objects)
    gc.freeze()

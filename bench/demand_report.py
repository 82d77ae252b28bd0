"""Shared helpers of the demand benchmarks: machine description, a Django set-up on a scratch
database, and writing results into the "Demand" section of docs/benchmarks.md.

Run directly to print the machine line: .venv/bin/python bench/demand_report.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from machine import describe  # noqa: E402  (bench/machine.py)

BENCHMARKS = ROOT / "docs" / "benchmarks.md"
SECTION = "Demand"


def machine() -> str:
    """Cores, RAM, CPU model and Python version of this machine."""
    return describe()


def load_note() -> str:
    """The 1-minute load average: the machine is shared, so timings depend on what else runs."""
    try:
        return f"load average {os.getloadavg()[0]:.1f} during the run"
    except OSError:
        return "load average unknown"


def setup_django(*, scratch: str | None = None) -> str:
    """Configure Django on a scratch database (DATABASE_URL if set, else SQLite in a temp folder),
    migrate it, and return a description of the database."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATA_DIR"] = scratch or tempfile.mkdtemp(prefix="demand-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdata.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, skip_checks=True)
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def write_result(name: str, text: str) -> None:
    """Replace this benchmark's block inside the Demand section (creating both when missing)."""
    content = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    start, end = f"<!-- {SECTION}: start -->", f"<!-- {SECTION}: end -->"
    if start not in content:
        content = content.rstrip("\n") + f"\n\n{start}\n## {SECTION}\n{end}\n"
    head, rest = content.split(start, 1)
    body, tail = rest.split(end, 1)
    block_start, block_end = f"<!-- {SECTION} {name}: start -->", f"<!-- {SECTION} {name}: end -->"
    block = f"{block_start}\n{text.strip()}\n{block_end}"
    if block_start in body:
        before, after = body.split(block_start, 1)
        body = before + block + after.split(block_end, 1)[1]
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    BENCHMARKS.write_text(head + start + body + end + tail)


if __name__ == "__main__":
    print(machine())

"""Describe the machine a benchmark ran on, for the figures in docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path


def describe(*, with_load: bool = False) -> str:
    """Cores, RAM, CPU model and Python version (and the load average, which skews shared machines)."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ram_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
        ram = f"{ram_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, TypeError):
        ram = "RAM unknown"
    text = f"{os.cpu_count()} cores, {ram}, {cpu}, Python {platform.python_version()}"
    if with_load:
        text += "; load average at start " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return text


if __name__ == "__main__":
    print(describe(with_load=True))

"""Demo events (see `civicdata demo`): filled in as the events services land."""

from __future__ import annotations

import random
from typing import Any


def load(rng: random.Random, out: Any) -> None:
    """Load the demo events (nothing yet)."""

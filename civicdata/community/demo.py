"""Demo community content (see `civicdata demo`): filled in as the community services land."""

from __future__ import annotations

import random
from typing import Any


def load(rng: random.Random, out: Any) -> None:
    """Load the demo stories, reuses, quality reports, challenges, discussions and news (nothing yet)."""

"""Rendered page fragments kept by what they show, so a busy page does not render the same HTML again.

`cached_fragment(parts, render)` returns the HTML `render()` gives, kept under a key made of `parts`: the
caller passes *everything the fragment shows* (model rows' field values, counts, the language, ...), so a
change to any of it makes a new key and the old HTML is simply never asked for again. Nothing is ever
invalidated, so nothing can be served stale; what is kept is never personal (callers render per-person
parts, such as staff buttons or CSRF tokens, outside the fragment).

Two layers: a small least-recently-used dict in the process (no query at all on a hit) and Django's
cache (`CACHES`: the database cache or Redis in production), shared by every process. The key also holds
the language and a stamp of the code (the sizes and modification times of its files), so a new release
never serves HTML rendered by the previous one.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.core.cache import cache as shared_cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

#: How long the shared cache keeps a fragment nobody asks for (a day); the process keeps the newest few.
TIMEOUT = 24 * 3600
LOCAL_SIZE = 256
PREFIX = "fragment:"

_local: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()


@cache
def code_stamp() -> str:
    """Changes with every release: the size and modification time of every file of the package's code,
    templates and translations (read once per process, a fraction of a second)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html", ".mo"):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def fragment_key(name: str, parts: Iterable[Any]) -> str:
    """The cache key of fragment `name` showing `parts` in the current language with the current code."""
    digest = hashlib.sha256(repr((code_stamp(), get_language(), name, tuple(parts))).encode()).hexdigest()
    return f"{PREFIX}{name}:{digest}"


def _remember(key: str, html: str) -> None:
    with _lock:
        _local[key] = html
        _local.move_to_end(key)
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)


class NotKept(str):
    """What a fragment's `render()` returns for HTML that must not be kept (e.g. it shows a passing error)."""

    __slots__ = ()


def cached_fragment(name: str, parts: Iterable[Any], render: Callable[[], str]) -> SafeString:
    """The HTML of fragment `name` for `parts` (see the module's docstring); `render()` runs only when
    neither cache has it, and what it returns is kept unless it is a `NotKept`."""
    key = fragment_key(name, parts)
    with _lock:
        html = _local.get(key)
        if html is not None:
            _local.move_to_end(key)
            return mark_safe(html)
    html = shared_cache.get(key)
    if html is None:
        rendered = render()
        if isinstance(rendered, NotKept):
            return mark_safe(str(rendered))
        html = str(rendered)
        shared_cache.set(key, html, timeout=TIMEOUT)
    _remember(key, html)
    return mark_safe(html)


def clear_local() -> None:
    """Forget the fragments kept in this process (tests)."""
    with _lock:
        _local.clear()

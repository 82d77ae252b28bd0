"""Run one ingest in a child process whose address space is capped, so that a reader that runs away
(a parser bug, a file built to exhaust memory) ends that child, never the worker or the host.

The child needs no Django: it gets the file, the store folder and the limits, loads a new version file
(never swapping it in) and sends progress and the result back over a pipe. The parent turns a child
that died into an IngestError and removes any version file the child left.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..store import TableStore
from .errors import IngestError
from .load import IngestResult, Progress, ingest_file

#: How often the parent checks that the child is still alive while it waits for a message.
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class ChildReport:
    """What the child measured about itself: peak resident memory in kilobytes (ru_maxrss)."""

    peak_rss_kb: int


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(pipe: Connection, path: str, store_root: str, relation: str, address_space_mb: int, options: dict) -> None:
    """The child's whole life: cap the address space, load, report; every outcome is one message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a load stops
    if address_space_mb > 0:
        limit = address_space_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def progress(stage: str, fraction: float) -> None:
        pipe.send(("progress", stage, fraction))

    try:
        result = ingest_file(path, store=TableStore(store_root), relation=relation, progress=progress, **options)
    except IngestError as exc:
        pipe.send(("refused", exc.as_dict(), _peak_rss_kb()))
    except MemoryError:
        pipe.send(("memory", None, _peak_rss_kb()))
    except RuntimeError as exc:
        # Under the address-space cap a thread's stack may not fit either.
        kind = "memory" if "can't start new thread" in str(exc) else "error"
        pipe.send((kind, f"{type(exc).__name__}: {exc}", _peak_rss_kb()))
    except Exception as exc:  # every failure must reach the parent as a message
        pipe.send(("error", f"{type(exc).__name__}: {exc}", _peak_rss_kb()))
    else:
        pipe.send(("done", result, _peak_rss_kb()))
    finally:
        pipe.close()


def _out_of_memory(address_space_mb: int, *, ended: str = "") -> IngestError:
    how = f" (the reading process ended with {ended})" if ended else ""
    return IngestError(
        f"Reading this file needed more than the {address_space_mb:,} MB of memory a load may use, so it "
        f"was stopped{how}. Check that the file is a plain table (no deeply nested or enormous values), or "
        "ask an administrator to raise DATASTORE_INGEST_PROCESS_MB. The table keeps its previous version.",
        code="ingest_out_of_memory",
    )


def _died(exitcode: int | None, address_space_mb: int) -> IngestError:
    """The error for a child that ended without a message: a memory failure (an allocator that aborts,
    or the kernel's out-of-memory killer) or another signal or exit."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if -exitcode in (signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS):
            return _out_of_memory(address_space_mb, ended=name)
        how = f"was stopped by {name}"
    else:
        how = f"ended with status {exitcode}"
    return IngestError(
        f"The process reading the file {how} before it finished. The table keeps its previous version.",
        code="ingest_crashed",
    )


def _discard_leftovers(store: TableStore, relation: str, before: set[int]) -> None:
    current = store.current_version(relation)
    for version in set(store.versions(relation)) - before:
        if version != current:
            store.discard(relation, version)


def ingest_isolated(
    path: Path | str,
    *,
    store: TableStore,
    relation: str,
    address_space_mb: int,
    progress: Progress,
    report: list[ChildReport] | None = None,
    **options: Any,
) -> IngestResult:
    """`ingest_file(path, store=store, relation=relation, swap=False, **options)` in a child process
    limited to `address_space_mb` of address space. Raises IngestError for bad input, for a child that
    ran out of memory and for one that died; the store keeps no file of a failed load. When `report`
    is a list, the child's ChildReport is appended to it."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    receiver, sender = context.Pipe(duplex=False)
    before = set(store.versions(relation))
    child = context.Process(
        target=_child,
        args=(sender, str(path), str(store.root), relation, address_space_mb, {**options, "swap": False}),
        name=f"civicdata-ingest-{relation}",
        daemon=True,
    )
    child.start()
    sender.close()
    outcome: tuple | None = None
    try:
        while outcome is None:
            if receiver.poll(POLL_SECONDS):
                try:
                    message = receiver.recv()
                except (EOFError, OSError):
                    break
                if message[0] == "progress":
                    progress(message[1], message[2])
                else:
                    outcome = message
            elif not child.is_alive():
                break
        child.join(timeout=30)
    except BaseException:
        # The worker is stopping (or the progress writer failed): the child must not outlive the job.
        child.kill()
        child.join()
        _discard_leftovers(store, relation, before)
        raise
    finally:
        receiver.close()
    if child.is_alive():
        child.kill()
        child.join()
    if outcome is None:
        _discard_leftovers(store, relation, before)
        raise _died(child.exitcode, address_space_mb)
    kind, payload, peak = outcome
    if report is not None:
        report.append(ChildReport(peak_rss_kb=peak))
    if kind == "done":
        return payload
    _discard_leftovers(store, relation, before)
    if kind == "refused":
        error = IngestError(
            payload["message"],
            code=payload["code"],
            row=payload["row"],
            column=payload["column"],
            details=payload["details"],
        )
        raise error
    if kind == "memory":
        raise _out_of_memory(address_space_mb)
    raise IngestError(f"The load stopped unexpectedly: {payload}", code="internal")

"""Benchmark: 200 people vote for one request at the same moment, each from their own thread and
database connection; every one also tries to vote a second time. Exactly 200 votes must count.

Uses PostgreSQL when DATABASE_URL points to one, SQLite (in a scratch folder) otherwise.
Run: .venv/bin/python bench/demand_votes.py [--voters 200]
     DATABASE_URL=postgres://… .venv/bin/python bench/demand_votes.py
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from _common import arguments, check, header, write_section
from _demand import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voters", type=int, default=200)
    args = arguments(parser)
    if args.smoke:
        args.voters = 20
    database = setup_django()
    from django.db import connection

    from civicdata.accounts.models import User
    from civicdata.demand import services
    from civicdata.demand.models import DataRequest, Vote

    stamp = time.time_ns()
    requester = User.objects.create_user(f"requester-{stamp}@example.org", "x" * 12, is_staff=True)
    request = services.create_request(by=requester, title="Concurrent votes", description="Benchmark")
    voters = [User.objects.create_user(f"voter-{stamp}-{i}@example.org", "x" * 12) for i in range(args.voters)]
    connection.close()

    barrier = threading.Barrier(args.voters)
    latencies: list[float] = []
    outcomes: list[bool] = []
    errors: list[str] = []
    lock = threading.Lock()

    def vote_twice(user: User) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            for _attempt in range(2):
                started = time.perf_counter()
                added = services.vote(request, by=user)
                with lock:
                    latencies.append(time.perf_counter() - started)
                    outcomes.append(added)
        except Exception as exc:  # reported, and the run fails below
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=vote_twice, args=(user,)) for user in voters]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    request.refresh_from_db()
    rows = Vote.objects.filter(request=request).count()
    counted = DataRequest.objects.get(pk=request.pk).vote_count
    accepted = sum(outcomes)
    ok = rows == counted == accepted == args.voters and not errors
    p95 = statistics.quantiles(latencies, n=20)[18] * 1000 if len(latencies) > 1 else 0
    print(
        f"{database}: {args.voters} voters × 2 attempts in {wall:.2f} s; rows={rows} counter={counted} "
        f"accepted={accepted} errors={len(errors)} p95={p95:.0f} ms → {'OK' if ok else 'FAILED'}"
    )
    for error in errors[:5]:
        print("  ", error)
    check(ok, f"{args.voters} votes expected: rows={rows} counter={counted} accepted={accepted} errors={errors[:3]}")
    if args.no_write:
        return
    write_section(
        f"Demand votes-{database.lower()}",
        f"""## Demand: concurrent votes ({database})

{header("demand_votes.py", database)}

{args.voters} people vote for the same request at the same moment (one thread and one database
connection each), and each immediately tries a second vote.

| attempts | accepted | vote rows | counter | errors | wall time | p95 per vote |
|---|---|---|---|---|---|---|
| {len(outcomes) + len(errors)} | {accepted} | {rows} | {counted} | {len(errors)} | {wall:.2f} s | {p95:.0f} ms |

Target: exactly {args.voters} counted, none lost or doubled — {"met" if ok else "NOT met"}. The unique
constraint on (request, voter) decides races; the counter moves in the same transaction as the row.""",
    )


if __name__ == "__main__":
    main()

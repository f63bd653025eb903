"""Benchmark: N deadlines falling due at once, escalated by the real sweep in two workers.

    .venv/bin/python bench/escalations.py [--n 100000] [--stream-seconds 60] [--stream-rate 100]

What it does, on its own PostgreSQL database (`fraudops_bench`, created and dropped here):

1. migrates, builds the demo bank, and bulk-creates N open incidents, each with one open
   playbook task and its clock (created directly in bulk; filing 100,000 incidents through
   the services would measure filing, not escalation);
2. starts two Celery worker processes (`--pool solo`, queue `clocks`) and Celery beat, which
   sends the real `clocks.tasks.clocks_sweep` every CLOCK_SWEEP_SECONDS (5 s), exactly as
   in production; the broker is Redis when REDIS_URL is set, else the embedded file-system
   broker in a temporary folder;
3. burst: sets every deadline to the same instant T0 in one UPDATE and waits until every
   clock has fired its `overdue` stage; `seconds` is from T0 to the last escalation;
4. stream: clocks falling due continuously (`--stream-rate` per second for
   `--stream-seconds`), to measure lateness in steady operation;
5. a baseline in the same run: one process running the sweep directly on a burst of
   `--baseline-n` clocks, for the per-clock cost without Celery in the way.

Duplicates are counted from the escalations and from their audit events (one per clock and
stage, or it is a duplicate); missed are clocks that never fired. The last line printed is
one JSON object: n, fired, duplicates, missed, seconds, lateness_p50_s, lateness_p99_s (the
burst), plus "stream" and "baseline" objects.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import ROOT, admin_sql, database_urls, log, percentile, setup_django

FAR = datetime.timedelta(days=3650)


def _p(values: list[float], q: float) -> float | None:
    value = percentile(values, q)
    return round(value, 3) if value is not None else None


def _create(n: int, *, kind_marker: str, grace: int) -> list[int]:
    """Bulk-create `n` open incidents, one open task each, and a clock per task that is not
    due yet (far in the future). Returns the clock ids."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from clocks.models import Clock
    from fraudops.core.choices import Level
    from fraudops.core.models import OrgUnit
    from incidents.models import Incident, Task
    from workflows.models import IncidentType

    now = timezone.now()
    incident_type = IncidentType.objects.get(code="telecom_fraud")
    playbook = incident_type.current_playbook()
    step = playbook.steps.filter(level=Level.BRANCH, deadline_minutes__isnull=False).first()
    branches = list(OrgUnit.objects.filter(level=Level.BRANCH).order_by("code"))
    task_type = ContentType.objects.get_for_model(Task)
    far = now + FAR
    clock_ids: list[int] = []
    chunk = 5000
    start = Incident.objects.count()
    for offset in range(0, n, chunk):
        size = min(chunk, n - offset)
        with transaction.atomic():
            incidents = Incident.objects.bulk_create(
                [
                    Incident(
                        number=f"FI-BENCH-{kind_marker}{start + offset + i:07d}",
                        incident_type=incident_type,
                        playbook=playbook,
                        state="branch_handling",
                        unit=branches[(offset + i) % len(branches)],
                        occurred_at=now,
                        filed_at=now,
                        summary="bench",
                    )
                    for i in range(size)
                ]
            )
            tasks = Task.objects.bulk_create(
                [
                    Task(
                        incident=incident,
                        step=step,
                        level=Level.BRANCH,
                        unit=incident.unit,
                        owner_role=step.owner_role,
                        order=step.order,
                        status="open",
                        opened_at=now,
                        due_at=far,
                    )
                    for incident in incidents
                ]
            )
            clocks = Clock.objects.bulk_create(
                [
                    Clock(
                        subject_type=task_type,
                        subject_id=task.pk,
                        kind="task",
                        unit=task.unit,
                        owner_role=task.owner_role,
                        thread=f"incident:{task.incident_id}",
                        title_zh=f"{task.incident.number} {step.title_zh}",
                        title_en=f"{task.incident.number} {step.title_en}",
                        url=f"/incidents/{task.incident.number}/",
                        started_at=now,
                        due_at=far,
                        grace_minutes=grace,
                        next_stage="overdue",
                        next_at=far,
                    )
                    for task in tasks
                ]
            )
        clock_ids.extend(clock.pk for clock in clocks)
    return clock_ids


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _set_due(clock_ids: list[int], due_at_for) -> None:
    """Make clocks due: `due_at_for(index)` gives each one's deadline (one UPDATE per 5,000)."""
    from django.db import connection

    for offset in range(0, len(clock_ids), 5000):
        ids = clock_ids[offset : offset + 5000]
        values = [(pk, due_at_for(offset + i)) for i, pk in enumerate(ids)]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE workflows_clock AS c SET due_at = v.due, next_at = v.due "
                "FROM (VALUES " + ",".join(["(%s::bigint, %s::timestamptz)"] * len(values)) + ") "
                "AS v(id, due) WHERE c.id = v.id",
                [item for pair in values for item in pair],
            )


def _measure(clock_ids: list[int]) -> dict:
    from clocks.models import Escalation
    from fraudops.core.models import AuditEvent

    wanted = set(clock_ids)
    rows = [
        row
        for row in Escalation.objects.filter(
            clock_id__gte=min(clock_ids), clock_id__lte=max(clock_ids), stage="overdue"
        ).values_list("clock_id", "scheduled_at", "fired_at")
        if row[0] in wanted
    ]
    fired_clocks = {clock_id for clock_id, _s, _f in rows}
    duplicate_escalations = len(rows) - len(fired_clocks)
    audits = AuditEvent.objects.filter(
        action="clock.escalated", data__stage="overdue", target__startswith="clock:"
    ).values_list("target", flat=True)
    per_clock = Counter(int(target.split(":")[1]) for target in audits.iterator())
    duplicate_audits = sum(count - 1 for pk, count in per_clock.items() if pk in wanted)
    lateness = [(fired - scheduled).total_seconds() for _c, scheduled, fired in rows]
    return {
        "n": len(clock_ids),
        "fired": len(fired_clocks),
        "duplicates": duplicate_escalations + duplicate_audits,
        "missed": len(clock_ids) - len(fired_clocks),
        "last_fired_at": max((f for _c, _s, f in rows), default=None),
        "lateness_p50_s": _p(lateness, 0.50),
        "lateness_p99_s": _p(lateness, 0.99),
        "lateness_max_s": _p(lateness, 1.0),
    }


def _wait_fired(clock_ids: list[int], *, timeout: float) -> None:
    """Poll until every clock has fired, cheaply (an id range, not 100,000 ids, so that the
    poll does not take CPU from the workers being measured)."""
    from clocks.models import Escalation

    low, high = min(clock_ids), max(clock_ids)
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        fired = Escalation.objects.filter(
            clock_id__gte=low, clock_id__lte=high, stage="overdue"
        ).count()
        if fired != last:
            log(f"  fired {fired}/{len(clock_ids)}")
            last = fired
        if fired >= len(clock_ids):
            return
        time.sleep(1.0)


def _start_celery(env: dict, var_dir: str, workers: int) -> list[subprocess.Popen]:
    celery = [sys.executable, "-m", "celery", "-A", "fraudops"]
    processes = []
    for index in range(workers):
        logfile = open(Path(var_dir) / f"worker{index}.log", "w")  # noqa: SIM115
        processes.append(
            subprocess.Popen(
                [
                    *celery,
                    "worker",
                    "--pool",
                    "solo",
                    "--queues",
                    "clocks",
                    "--hostname",
                    f"bench{index}@%h",
                    "--loglevel",
                    "WARNING",
                    "--without-mingle",
                    "--without-gossip",
                ],
                env=env,
                cwd=ROOT,
                stdout=logfile,
                stderr=subprocess.STDOUT,
            )
        )
    logfile = open(Path(var_dir) / "beat.log", "w")  # noqa: SIM115
    processes.append(
        subprocess.Popen(
            [
                *celery,
                "beat",
                "--loglevel",
                "WARNING",
                "--schedule",
                str(Path(var_dir) / "celerybeat-schedule"),
            ],
            env=env,
            cwd=ROOT,
            stdout=logfile,
            stderr=subprocess.STDOUT,
        )
    )
    return processes


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _baseline(n: int) -> dict:
    """The sweep called directly in this process (no Celery, one worker)."""
    from django.utils import timezone

    from clocks.sweep import clocks_sweep

    ids = _create(n, kind_marker="B", grace=100_000)
    _analyze()
    t0 = timezone.now()
    _set_due(ids, lambda _i: t0)
    started = time.monotonic()
    while clocks_sweep(budget_seconds=600).claimed:
        pass
    elapsed = time.monotonic() - started
    result = _measure(ids)
    return {
        "n": n,
        "fired": result["fired"],
        "duplicates": result["duplicates"],
        "seconds": round(elapsed, 2),
        "per_second": round(result["fired"] / elapsed, 1) if elapsed else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stream-seconds", type=int, default=60)
    parser.add_argument("--stream-rate", type=int, default=100, help="deadlines per second")
    parser.add_argument("--baseline-n", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=180.0, help="per phase, seconds")
    parser.add_argument(
        "--lead-seconds", type=float, default=15.0, help="T0 is this far after the setup"
    )
    parser.add_argument("--database", default="fraudops_bench")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    admin_url, bench_url = database_urls(args.database)
    var_dir = tempfile.mkdtemp(prefix="fraudops-bench-")
    processes: list[subprocess.Popen] = []
    log(f"database {args.database}; temporary folder {var_dir}")
    admin_sql(
        admin_url,
        f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)',
        f'CREATE DATABASE "{args.database}"',
    )
    try:
        setup_django(bench_url, var_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.utils import timezone

        from fraudops.core.demo_bank import demo_bank_build

        broker = "redis" if settings.REDIS_URL else "filesystem"
        call_command("migrate", verbosity=0)
        demo_bank_build()

        baseline = _baseline(args.baseline_n) if args.baseline_n else None
        if baseline:
            log(f"baseline (one process, no Celery): {baseline}")

        log(f"creating {args.n} incidents, tasks and clocks")
        started = time.monotonic()
        burst_ids = _create(args.n, kind_marker="", grace=100_000)
        stream_n = args.stream_seconds * args.stream_rate
        stream_ids = _create(stream_n, kind_marker="S", grace=100_000) if stream_n else []
        _analyze()
        log(f"created in {time.monotonic() - started:.1f} s")

        env = {**os.environ, "LOG_LEVEL": "WARNING"}
        connections.close_all()
        processes = _start_celery(env, var_dir, args.workers)
        time.sleep(3)  # let the workers connect before the deadlines fall due

        # Burst: every deadline at the same instant T0, a little in the future so that the
        # UPDATE setting them has committed before they fall due.
        t0 = timezone.now() + datetime.timedelta(seconds=args.lead_seconds)
        _set_due(burst_ids, lambda _i: t0)
        ready = timezone.now()
        if ready > t0:
            late = (ready - t0).total_seconds()
            log(f"warning: the deadlines were set only {late:.1f} s after T0")
        log(f"burst: {args.n} deadlines due at T0 = {t0:%H:%M:%S} UTC")
        _wait_fired(burst_ids, timeout=args.timeout)
        burst = _measure(burst_ids)
        last = burst.pop("last_fired_at")
        burst["seconds"] = round((last - t0).total_seconds(), 2) if last else None

        # Stream: deadlines spread evenly from a little in the future.
        stream = None
        if stream_ids:
            t1 = timezone.now() + datetime.timedelta(seconds=2)
            step = datetime.timedelta(seconds=1 / args.stream_rate)
            _set_due(stream_ids, lambda i: t1 + i * step)
            log(f"stream: {stream_n} deadlines over {args.stream_seconds} s")
            time.sleep(args.stream_seconds + 2)
            _wait_fired(stream_ids, timeout=args.timeout)
            stream = _measure(stream_ids)
            stream.pop("last_fired_at")
            stream["rate_per_s"] = args.stream_rate
            stream["seconds"] = args.stream_seconds
    finally:
        _stop(processes)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up if migrate failed
            pass
        if not args.keep:
            admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        shutil.rmtree(var_dir, ignore_errors=True)

    result = {
        **{key: burst[key] for key in ("n", "fired", "duplicates", "missed", "seconds")},
        "lateness_p50_s": burst["lateness_p50_s"],
        "lateness_p99_s": burst["lateness_p99_s"],
        "workers": args.workers,
        "broker": broker,
        "sweep_every_s": settings.CLOCK_SWEEP_SECONDS,
        "stream": stream,
        "baseline": baseline,
    }
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

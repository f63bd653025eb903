"""Benchmark: K concurrent HTTP approvals of one request, then of K different requests.

    .venv/bin/python bench/approvals.py [--concurrent 50] [--workers 4] [--threads 4]

What it does, on its own PostgreSQL database (`fraudops_bench_approvals`, created and
dropped here; the server from BENCH_DATABASE_URL or DATABASE_URL, else the local one):

1. migrates, builds the demo bank, adds K operations monitors to the Beijing sub-branch,
   files incidents through the real services and raises, through the real services, one
   stop-payment request ("shared") and K more ("independent"), all awaiting approval by
   Beijing's monitors; every monitor gets a signed-in session;
2. starts the app under gunicorn (gthread workers) on 127.0.0.1:8113 with production
   settings (DEBUG off), the Celery broker on Redis when REDIS_URL is set, and warms it up
   (reads, then two bursts of K approvals of other requests, so that every worker thread
   has approved before the measurement, as in a server in service);
3. floor and baseline, for comparison in the same run: K threads GET the cheapest signed-in
   answer (`/api/v1/org-units/`) at the same instant, then K threads read K different
   requests (`GET /api/v1/control-requests/<number>/`). Whatever the approvals cost beyond
   these is ours; what these cost is the machine's and the framework's;
4. shared: K threads, each with its own keep-alive connection and its own monitor, POST
   `/api/v1/control-requests/<shared>/approve/` at the same instant (a barrier). Exactly one
   may succeed (200); every other one must be a clean 409 conflict;
5. independent: K threads approve K different requests at the same instant; all must
   succeed; then some approvals one after another, without contention.

Latency is measured by the client, from sending the request to reading the whole answer.
`errors` counts anything that is neither a success nor a 409 conflict (5xx, 4xx, network).
The last line printed is one JSON object: concurrent, successes, conflicts, errors, p50_ms,
p99_ms for the independent approvals; baseline_p50_ms / baseline_p99_ms (the reads),
floor_p99_ms, target_p99_ms and meets_target; "floor", "baseline", "shared", "independent"
and "sequential" objects with the same keys for each phase (plus the server's CPU time per
request); and "server" describing how it ran. `ok` says the answers were right (one
success, K-1 conflicts, no errors); `meets_target` adds the latency target.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT, admin_sql, database_urls, log, percentile

DATABASE = "fraudops_bench_approvals"
TARGET_P99_MS = 100  # issue 4: p99 of K concurrent independent approvals
WARMUP_ROUNDS = 2
HOST = "127.0.0.1"


def _flush_broker(url: str) -> None:
    """Drop the relay kicks nobody consumed (no Celery worker runs in this benchmark)."""
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=2).flushdb()
    except Exception as exc:  # noqa: BLE001 - best effort clean-up
        log(f"could not empty the broker database: {exc}")


# --- data -------------------------------------------------------------------------------------


def build_data(k: int, sequential: int, warmup: int) -> dict:
    """Everything through the real services, except the bench monitors' sessions."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connections
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone

    from controls.choices import ControlKind
    from controls.services import control_requests_create
    from fraudops.core.actors import Actor
    from fraudops.core.choices import Role
    from fraudops.core.demo_bank import demo_bank_build
    from fraudops.core.models import OrgUnit, User
    from fraudops.core.services import user_set_roles
    from incidents.services import incident_file

    log("migrating")
    call_command("migrate", verbosity=0)
    demo_bank_build()
    region = OrgUnit.objects.get(code="SB-BJ")
    monitors = []
    for index in range(k):
        user, _ = User.objects.get_or_create(
            username=f"bench_monitor_{index:03d}",
            defaults={"unit": region, "display_name": f"Bench monitor {index}"},
        )
        user.set_unusable_password()
        user.save()
        user_set_roles(user=user, roles=[Role.SUB_BRANCH_MONITOR])
        monitors.append(user)
    teller = Actor.for_user(User.objects.select_related("unit").get(username="teller_bj_hd"))

    def file_incident(index: int):
        return incident_file(
            actor=teller,
            data={
                "incident_type": "telecom_fraud",
                "occurred_at": (timezone.now() - datetime.timedelta(minutes=30)).isoformat(),
                "summary": f"基准测试事件 {index}：客户被骗转账至诈骗账户。",
                "amount_lost": "50000.00",
                "parties": [{"role": "victim", "name": "王秀英", "phone": "13800138000"}],
            },
        )

    log(f"raising 1 + {k} stop-payment requests")
    shared_incident = file_incident(0)
    [shared] = control_requests_create(
        actor=teller,
        incident_id=shared_incident.pk,
        kind=ControlKind.STOP_PAYMENT,
        targets=[{"number": "6217000010000000001", "opening_unit": "BR-BJ-CY"}],
    )
    independent = []
    batch = 20
    total = k + sequential + warmup
    for start in range(0, total, batch):
        incident = file_incident(start + 1)
        targets = [
            {"number": f"62170000100{i:08d}", "opening_unit": "BR-BJ-CY"}
            for i in range(start + 1, min(start + batch, total) + 1)
        ]
        independent.extend(
            c.number
            for c in control_requests_create(
                actor=teller,
                incident_id=incident.pk,
                kind=ControlKind.STOP_PAYMENT,
                targets=targets,
            )
        )
    sessions = []
    for user in monitors:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append({"session": store.session_key, "csrf": _get_new_csrf_string()})
    cookie_names = {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME}
    connections.close_all()
    return {
        "shared": shared.number,
        "independent": independent[:k],
        "sequential": independent[k : k + sequential],
        "warmup": independent[k + sequential :],
        "sessions": sessions,
        "cookies": cookie_names,
    }


# --- server -----------------------------------------------------------------------------------


def start_server(*, env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "fraudops.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU time used so far by gunicorn's workers (from /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # Fields after the command: state, ppid, ... utime is the 12th, stime the 13th.
        if int(fields[1]) == server.pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# --- load -------------------------------------------------------------------------------------


class Caller:
    """One monitor. Each request gets a fresh connection, opened before the clock starts (a
    kept-alive connection may have been closed by the server while idle)."""

    def __init__(self, *, port: int, session: dict, cookies: dict):
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.headers = {
            "Cookie": f"{cookies['session']}={session['session']}; "
            f"{cookies['csrf']}={session['csrf']}",
            "X-CSRFToken": session["csrf"],
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Connection": "close",
        }

    def prepare(self) -> None:
        self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        self.connection.connect()

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, float, bytes]:
        if self.connection is None:
            self.prepare()
        connection, self.connection = self.connection, None
        try:
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=self.headers)
            response = connection.getresponse()
            content = response.read()
            return response.status, (time.perf_counter() - started) * 1000, content
        finally:
            connection.close()

    def send(self, path: str, method: str = "POST") -> tuple[int | None, float, str]:
        """POST an approval (or GET, for the baseline); (status, ms, error code) - never
        raises."""
        try:
            status, elapsed, content = self.call(method, path, b"{}" if method == "POST" else None)
        except Exception as exc:  # noqa: BLE001 - a network failure is counted as an error
            return None, 0.0, f"{exc.__class__.__name__}: {exc}"
        code = ""
        if status >= 400:
            try:
                code = json.loads(content)["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = content[:80].decode("utf-8", "replace")
        return status, elapsed, code


def warm_up(callers: list[Caller], rounds: int = 3) -> None:
    """Every worker thread imports the code paths and opens its database connection."""

    def run(caller: Caller) -> None:
        for _ in range(rounds):
            caller.call("GET", "/api/v1/control-requests/?page_size=1")
            caller.call("GET", "/api/v1/freeze-instructions/?status=pending")

    threads = [threading.Thread(target=run, args=(c,)) for c in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def fire(
    callers: list[Caller], paths: list[str], method: str = "POST"
) -> list[tuple[int | None, float, str]]:
    """Every caller sends its request at the same instant; returns (status, ms, error code)."""
    barrier = threading.Barrier(len(callers))
    results: list = [None] * len(callers)

    def run(index: int) -> None:
        caller = callers[index]
        try:
            caller.prepare()
        except OSError as exc:
            results[index] = (None, 0.0, f"{exc.__class__.__name__}: {exc}")
        barrier.wait()
        if results[index] is None:
            results[index] = caller.send(paths[index], method)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(callers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summarise(results: list[tuple[int | None, float, str]]) -> dict:
    latencies = [ms for status, ms, _code in results if status is not None]
    successes = sum(1 for status, _ms, _code in results if status == 200)
    conflicts = sum(1 for status, _ms, _code in results if status == 409)
    errors = len(results) - successes - conflicts
    p50 = percentile(latencies, 0.5)
    p99 = percentile(latencies, 0.99)
    codes: dict[str, int] = {}
    for status, _ms, code in results:
        if status != 200:
            codes[f"{status} {code}"] = codes.get(f"{status} {code}", 0) + 1
    return {
        "concurrent": len(results),
        "successes": successes,
        "conflicts": conflicts,
        "errors": errors,
        "p50_ms": round(p50, 1) if p50 is not None else None,
        "p99_ms": round(p99, 1) if p99 is not None else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "answers": codes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrent", "-k", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8113)
    parser.add_argument(
        "--sequential", type=int, default=20, help="approvals sent one at a time, for reference"
    )
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    k = args.concurrent

    maintenance, url = database_urls(DATABASE)
    admin_sql(maintenance, f'DROP DATABASE IF EXISTS "{DATABASE}"', f'CREATE DATABASE "{DATABASE}"')
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "fraudops.settings.prod",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-approvals-not-a-real-secret-0123456789"),
        "SESSION_COOKIE_SECURE": "0",
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        # The after-commit relay kick publishes to a real broker, as in production; our own
        # Redis database by default, emptied afterwards.
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        "FRAUDOPS_VAR_DIR": tempfile.mkdtemp(prefix="bench-approvals-"),
    }
    os.environ.update(env)
    server = None
    try:
        load_before = os.getloadavg()
        data = build_data(k, args.sequential, WARMUP_ROUNDS * k)
        log(f"starting gunicorn: {args.workers} workers x {args.threads} threads on :{args.port}")
        server = start_server(env=env, port=args.port, workers=args.workers, threads=args.threads)
        callers = [
            Caller(port=args.port, session=session, cookies=data["cookies"])
            for session in data["sessions"]
        ]
        warm_up(callers)
        # A server in service has long been warm: each worker thread has approved before
        # (translations of both languages loaded, broker connection open, code paths
        # imported). Without this the first burst measures start-up, not approvals.
        for round_ in range(WARMUP_ROUNDS):
            batch = data["warmup"][round_ * k : (round_ + 1) * k]
            fire(callers, [f"/api/v1/control-requests/{number}/approve/" for number in batch])

        log(f"floor: {k} concurrent GET /api/v1/org-units/ (the cheapest signed-in API answer)")
        cpu = server_cpu_seconds(server)
        floor = summarise(fire(callers, ["/api/v1/org-units/"] * k, method="GET"))
        floor["server_cpu_ms_per_request"] = round((server_cpu_seconds(server) - cpu) * 1000 / k, 1)
        log(f"floor: {floor}")
        log(f"baseline: {k} concurrent reads of {k} different requests (GET, same sessions)")
        cpu = server_cpu_seconds(server)
        baseline = summarise(
            fire(
                callers,
                [f"/api/v1/control-requests/{number}/" for number in data["independent"]],
                method="GET",
            )
        )
        baseline["server_cpu_ms_per_request"] = round(
            (server_cpu_seconds(server) - cpu) * 1000 / k, 1
        )
        log(f"baseline: {baseline}")
        log(f"shared: {k} concurrent approvals of {data['shared']}")
        cpu = server_cpu_seconds(server)
        shared = summarise(
            fire(callers, [f"/api/v1/control-requests/{data['shared']}/approve/"] * k)
        )
        shared["server_cpu_ms_per_request"] = round(
            (server_cpu_seconds(server) - cpu) * 1000 / k, 1
        )
        log(f"shared: {shared}")
        log(f"independent: {k} concurrent approvals of {k} different requests")
        cpu = server_cpu_seconds(server)
        independent = summarise(
            fire(
                callers,
                [f"/api/v1/control-requests/{number}/approve/" for number in data["independent"]],
            )
        )
        independent["server_cpu_ms_per_request"] = round(
            (server_cpu_seconds(server) - cpu) * 1000 / k, 1
        )
        log(f"independent: {independent}")
        log(f"sequential: {args.sequential} approvals one after another (no contention)")
        one = callers[0]
        cpu = server_cpu_seconds(server)
        sequential = summarise(
            [
                one.send(f"/api/v1/control-requests/{number}/approve/")
                for number in data["sequential"]
            ]
        )
        sequential["server_cpu_ms_per_request"] = round(
            (server_cpu_seconds(server) - cpu) * 1000 / max(len(data["sequential"]), 1), 1
        )
        log(f"sequential: {sequential}")
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep_database:
            from django.db import connections

            connections.close_all()
            admin_sql(maintenance, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        _flush_broker(env["REDIS_URL"])
        shutil.rmtree(env["FRAUDOPS_VAR_DIR"], ignore_errors=True)

    ok = (
        shared["successes"] == 1
        and shared["conflicts"] == k - 1
        and shared["errors"] == 0
        and independent["successes"] == k
        and independent["errors"] == 0
    )
    print(
        json.dumps(
            {
                "concurrent": k,
                "successes": independent["successes"],
                "conflicts": independent["conflicts"],
                "errors": independent["errors"],
                "p50_ms": independent["p50_ms"],
                "p99_ms": independent["p99_ms"],
                "baseline_p50_ms": baseline["p50_ms"],
                "baseline_p99_ms": baseline["p99_ms"],
                "floor_p99_ms": floor["p99_ms"],
                "target_p99_ms": TARGET_P99_MS,
                "meets_target": ok and independent["p99_ms"] < TARGET_P99_MS,
                "floor": floor,
                "baseline": baseline,
                "shared": shared,
                "independent": independent,
                "sequential": sequential,
                "server": {
                    "wsgi": "gunicorn gthread",
                    "workers": args.workers,
                    "threads": args.threads,
                    "cpus": os.cpu_count(),
                    "database": "postgresql",
                    "loadavg_before": [round(x, 2) for x in load_before],
                },
                "ok": ok,
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

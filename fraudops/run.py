"""`make run`: the web server, a Celery worker and beat in one foreground command.

On the embedded default the broker is the file system under $FRAUDOPS_VAR_DIR/celery (var/
by default), so nothing else needs to be running: the worker consumes both queues (`celery`
for side effects, `clocks` for the escalation sweep) and beat sends the sweep every
CLOCK_SWEEP_SECONDS, so a demo incident left alone escalates on its own. With REDIS_URL set,
Redis is the broker instead. Ctrl-C stops all three.

The terminal stays quiet: the worker and beat log at WARNING (no banner, no line per task),
runserver logs only requests that went wrong (4xx as warnings, 5xx as errors, with their
tracebacks), and the address is printed once the server answers. LOG_LEVEL=INFO
(or `--verbose`) brings every line back.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands(*, host: str, port: str, var_dir: Path, level: str = "WARNING") -> list[list[str]]:
    python = sys.executable
    quiet = level != "INFO"
    # --quiet drops Celery's start-up banner; the log level drops the line per task and beat's
    # "Sending due task" twice every few seconds. Warnings and errors still show.
    celery = [python, "-m", "celery", "-A", "fraudops", *(["--quiet"] if quiet else [])]
    return [
        [python, "manage.py", "runserver", f"{host}:{port}", "--noreload", "--skip-checks"],
        # Threads, not processes: SQLite and the file-system broker prefer one process.
        [*celery, "worker", "--loglevel", level, "--concurrency", "2", "--pool", "threads"],
        [
            *celery,
            "beat",
            "--loglevel",
            level,
            "--schedule",
            str(var_dir / "celerybeat-schedule"),
        ],
    ]


def _wait_until_serving(host: str, port: str, processes, *, timeout: float = 30.0) -> bool:
    """Whether the web server accepts connections within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(p.poll() is None for p in processes):
        try:
            with socket.create_connection((host, int(port)), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _manage(env: dict[str, str], *args: str) -> str:
    """Run a management command quietly; its output only if it fails, warnings always."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(done.returncode)
    if done.stderr:
        sys.stderr.write(done.stderr)  # warnings stay visible
    return done.stdout


def _seed(env: dict[str, str]) -> str:
    """Load the playbook files and build (or top up) the demo data before anything runs;
    return the list of demo logins, to print under the address."""
    _manage(env, "playbooks_load")
    seeded = _manage(env, "seed_demo")
    _before, marker, after = seeded.partition("Demo logins")
    return f"{marker}{after}".strip() + "\n" if marker else ""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument(
        "--verbose", action="store_true", help="Every Celery and request line (LOG_LEVEL=INFO)."
    )
    args = parser.parse_args()
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "fraudops.settings.dev")
    level = "INFO" if args.verbose or env.get("LOG_LEVEL", "").upper() == "INFO" else "WARNING"
    # Read by the settings: runserver's per-request lines only when something went wrong.
    env.setdefault("DJANGO_SERVER_LOG_LEVEL", "INFO" if level == "INFO" else "WARNING")
    var_dir = Path(env.get("FRAUDOPS_VAR_DIR", ROOT / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    logins = _seed(env)
    # runserver's banner (stdout) says what the line below says; its errors go to stderr.
    banner = None if level == "INFO" else subprocess.DEVNULL
    processes = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=banner if i == 0 else None)
        for i, command in enumerate(
            commands(host=args.host, port=args.port, var_dir=var_dir, level=level)
        )
    ]
    if _wait_until_serving(args.host, args.port, processes):
        print(
            f"\nFraudOps is serving at http://{args.host}:{args.port}/  (Ctrl-C to stop)\n{logins}",
            flush=True,
        )
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

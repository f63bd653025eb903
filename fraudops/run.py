"""`make run`: the web server, a Celery worker and beat in one foreground command.

On the embedded default the broker is the file system under $FRAUDOPS_VAR_DIR/celery (var/
by default), so nothing else needs to be running: the worker consumes both queues (`celery`
for side effects, `clocks` for the escalation sweep) and beat sends the sweep every
CLOCK_SWEEP_SECONDS, so a demo incident left alone escalates on its own. With REDIS_URL set,
Redis is the broker instead. Ctrl-C stops all three.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands(*, host: str, port: str, var_dir: Path) -> list[list[str]]:
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "fraudops"]
    return [
        [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
        # Threads, not processes: SQLite and the file-system broker prefer one process.
        [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2", "--pool", "threads"],
        [
            *celery,
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(var_dir / "celerybeat-schedule"),
        ],
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "fraudops.settings.dev")
    var_dir = Path(env.get("FRAUDOPS_VAR_DIR", ROOT / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    processes = [
        subprocess.Popen(command, env=env, cwd=ROOT)
        for command in commands(host=args.host, port=args.port, var_dir=var_dir)
    ]
    print(f"\nFraudOps is serving at http://{args.host}:{args.port}/  (Ctrl-C to stop)\n")
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

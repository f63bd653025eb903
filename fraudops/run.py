"""`make run`: the web server, a Celery worker and beat in one foreground command.

On the embedded default the broker is the file system under var/celery, so nothing else
needs to be running. Ctrl-C stops all three.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "fraudops.settings.dev")
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "fraudops"]
    commands = [
        [python, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
        [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2", "--pool", "threads"],
        [*celery, "beat", "--loglevel", "INFO", "--schedule", "var/celerybeat-schedule"],
    ]
    processes = [subprocess.Popen(command, env=env) for command in commands]
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

"""What every benchmark script shares: its own PostgreSQL database, Django set up on it,
percentiles, and a log on stderr (the JSON figures alone go to stdout)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


def database_urls(name: str) -> tuple[str, str]:
    """(maintenance URL, the benchmark's own database URL) from BENCH_DATABASE_URL or
    DATABASE_URL (default: the local PostgreSQL)."""
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not base.startswith(("postgres://", "postgresql://")):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(base)
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{name}")),
    )


def admin_sql(url: str, *statements: str) -> None:
    """Run statements outside a transaction (CREATE / DROP DATABASE)."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) with linear interpolation between the nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def setup_django(bench_url: str, var_dir: str, *, broker: bool = True) -> None:
    """Django on the benchmark's database, without a query log; `broker=False` keeps the
    process off Redis (its relay kicks would only pile up unconsumed)."""
    os.environ["DATABASE_URL"] = bench_url
    os.environ["FRAUDOPS_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "fraudops.settings.dev"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "0"
    if not broker:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()

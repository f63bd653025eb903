"""The one counter service: gap-free and monotonic in commit order, for readable numbers and
for the watch list's change feed (blocks of positions)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from fraudops.core.models import Sequence
from fraudops.core.services import sequence_next


@pytest.mark.django_db
def test_first_use_starts_at_one_and_counts_per_name_and_year():
    assert sequence_next(name="incident", year=2026) == 1
    assert sequence_next(name="incident", year=2026) == 2
    assert sequence_next(name="incident", year=2027) == 1
    assert sequence_next(name="control", year=2026) == 1


@pytest.mark.django_db
def test_a_block_of_values_returns_its_first():
    assert sequence_next(name="feed", count=3) == 1  # 1, 2, 3
    assert sequence_next(name="feed") == 4
    assert sequence_next(name="feed", count=5) == 5  # 5..9
    assert Sequence.objects.get(name="feed", year=0).value == 9
    with pytest.raises(ValueError):
        sequence_next(name="feed", count=0)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_gives_its_values_back():
    assert sequence_next(name="incident", year=2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert sequence_next(name="incident", year=2026, count=2) == 2
        raise RuntimeError("the filing failed")
    assert sequence_next(name="incident", year=2026) == 2  # no gap


def _race(calls, *, timeout=60):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_uses_and_blocks_are_gap_free_and_committed_in_order():
    """Twelve writers at once on a counter that does not exist yet, each taking a block of 2
    and holding its transaction a moment: the blocks tile 1..24 exactly, and each writer
    commits before the next one's block is handed out (the row lock is held to commit)."""
    committed: list[tuple[int, float]] = []
    lock = threading.Lock()

    def writer():
        with transaction.atomic():
            first = sequence_next(name="feed", count=2)
            got = time.monotonic()
            time.sleep(0.02)
        with lock:
            committed.append((first, got))
        return first

    firsts = _race([writer] * 12)
    assert sorted(firsts) == list(range(1, 25, 2))
    by_value = [got for _first, got in sorted(committed)]
    assert by_value == sorted(by_value)  # handed out in order, one holder at a time
    assert Sequence.objects.get(name="feed", year=0).value == 24

"""The committed drawing of the incident state machine matches the code."""

import re
from pathlib import Path

from incidents.models import Incident

DOT = Path(__file__).resolve().parent.parent / "docs" / "incident-state-machine.dot"


def _edges_in_code() -> set[tuple[str, str, str]]:
    field = Incident._meta.get_field("state")
    edges = set()
    for transition in field.get_all_transitions(Incident):
        edges.add((str(transition.source), str(transition.target), transition.name))
    return edges


def test_committed_state_machine_drawing_matches_the_transitions():
    text = DOT.read_text()
    drawn = {
        (source, target, name)
        for source, target, name in re.findall(
            r'"incidents\.incident\.state\.(\w+)" -> "incidents\.incident\.state\.(\w+)" '
            r"\[label=(\w+)\]",
            text,
        )
    }
    assert drawn == _edges_in_code(), "Regenerate with: make docs"

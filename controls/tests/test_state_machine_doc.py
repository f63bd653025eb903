"""The committed drawing of the account-control state machine matches the code."""

import re
from pathlib import Path

from controls.models import ControlRequest

DOT = Path(__file__).resolve().parents[2] / "docs" / "control-state-machine.dot"


def test_committed_state_machine_drawing_matches_the_transitions():
    field = ControlRequest._meta.get_field("state")
    in_code = {
        (str(t.source), str(t.target), t.name) for t in field.get_all_transitions(ControlRequest)
    }
    drawn = set(
        re.findall(
            r'"controls\.account_control_request\.state\.(\w+)" -> '
            r'"controls\.account_control_request\.state\.(\w+)" \[label=(\w+)\]',
            DOT.read_text(),
        )
    )
    assert drawn == in_code, "Regenerate: see docs/account-control.md, 'State machine'"

"""The demo bank's English names follow the product's level names: a 支行 is a branch and a
分行 a sub-branch (the demo once showed "Branch: Beijing Haidian Sub-branch")."""

from __future__ import annotations

import pytest

from fraudops.core.choices import Level
from fraudops.core.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_english_unit_names_follow_the_level_names(bank):
    units = list(OrgUnit.objects.all())
    assert units
    for unit in units:
        if unit.level == Level.BRANCH:
            assert unit.name_zh.endswith("支行")
            assert unit.name_en.endswith(" Branch"), unit.name_en
        elif unit.level == Level.SUB_BRANCH:
            assert unit.name_zh.endswith("分行")
            assert unit.name_en.endswith(" Sub-branch"), unit.name_en

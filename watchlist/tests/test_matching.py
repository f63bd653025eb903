"""The Chinese-aware name matcher on its own: which variants match, by which rule, and which
clearly different names do not (no database)."""

import pytest

from watchlist import matching
from watchlist.choices import MatchRule as R


def _score(query: str, entry: str, *, organisation: bool = False):
    stored = matching.stored_profile(
        **matching.stored_fields(entry, organisation=organisation), organisation=organisation
    )
    q = matching.name_query(query)
    profile = q.organisation if organisation else q.person
    result = matching.name_score(profile, stored)
    shares_key = bool(q.keys & matching.index_keys(stored))
    return result, shares_key


@pytest.mark.parametrize(
    ("query", "entry", "rule"),
    [
        ("王小明", "王小明", R.EXACT_NAME),
        ("王 小明", "王小明", R.EXACT_NAME),
        ("汪小明", "王小明", R.HOMOPHONE_SURNAME),
        ("章伟", "张伟", R.HOMOPHONE_SURNAME),
        ("王晓明", "王小明", R.HOMOPHONE_GIVEN_NAME),
        ("王小铭", "王小明", R.HOMOPHONE_GIVEN_NAME),
        ("陳建國", "陈建国", R.TRADITIONAL_SIMPLIFIED),
        ("歐陽娜娜", "欧阳娜娜", R.TRADITIONAL_SIMPLIFIED),
        ("Wang Xiaoming", "王小明", R.PINYIN),
        ("WANGXIAOMING", "王小明", R.PINYIN),
        ("wang xiao ming", "王小明", R.PINYIN),
        ("Xiaoming Wang", "王小明", R.WORD_ORDER),
        ("xiao ming wang", "王小明", R.WORD_ORDER),
        ("Wáng Xiǎomíng", "王小明", R.PINYIN),
        ("Zeng Guofan", "曾国藩", R.PINYIN),
        ("Ouyang Nana", "欧阳娜娜", R.PINYIN),
        ("王小敏", "王小明", R.TYPO),  # min / ming
        ("王下明", "王小明", R.TYPO),  # xia / xiao
        ("李春南", "李春兰", R.TYPO),  # n / l
        ("wang xiaomng", "王小明", R.TYPO),
        ("王小明", "Wang Xiaoming", R.PINYIN),
        ("John Smith", "John Smith", R.EXACT_NAME),
        ("SMITH, John", "John Smith", R.WORD_ORDER),
        ("Jhon Smith", "John Smith", R.TYPO),
        ("John Smyth", "John Smith", R.TYPO),
        ("José García", "Jose Garcia", R.EXACT_NAME),
        ("LUANCHEN", "卢安辰", R.PINYIN),  # lu-an-chen, not luan-chen
        ("Robert Rsamussen", "Robert Rasmussen", R.TYPO),  # the typo changes the sort order
        ("Rsamussen Robert", "Robert Rasmussen", R.TYPO),
    ],
)
def test_variant_is_found_by_an_index_key_and_scored_by_its_rule(query, entry, rule):
    result, shares_key = _score(query, entry)
    assert shares_key, "the candidate would never be looked up"
    assert result is not None
    score, matched = result
    assert matched == rule
    assert 0.75 <= score <= 1.0


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        ("李小明", "王小明"),  # another surname is another person
        ("王明", "王小明"),  # a character missing is not a typo we accept
        ("王伟", "王强"),  # two-character names: one different character is a different name
        ("张三", "李四"),
        ("王大朋", "王小明"),  # two characters different
        ("Li Xiaoming", "王小明"),
        ("Jane Smith", "John Smith"),
        ("John Smith", "王小明"),
        ("陈建华", "陈国庆"),
    ],
)
def test_clearly_different_names_do_not_match(query, entry):
    result, _shares = _score(query, entry)
    assert result is None


@pytest.mark.parametrize(
    ("query", "entry", "expected"),
    [
        # ü is pinyin v, as chinese.name_keys reads it: 吕 (lü) is lv, 卢/陆 is lu.
        ("Lü Bu", "Lv Bu", (1.0, R.EXACT_NAME)),
        ("LÜ BU", "Lv Bu", (1.0, R.EXACT_NAME)),
        ("Lǚ Bù", "Lü Bu", (1.0, R.EXACT_NAME)),
        ("Lv Bu", "Lü Bu", (1.0, R.EXACT_NAME)),
        ("Lü Bu", "吕布", (0.9, R.PINYIN)),
        ("Lyu Bu", "Lü Bu", (0.9, R.PINYIN)),  # the passport spelling: same syllables
        ("Lu Bu", "Lü Bu", None),
        ("Lü Bu", "Lu Bu", None),
        ("Lu Bu", "吕布", None),
        # Not pinyin: ü is only an accent (Müller is Muller).
        ("Müller Hans", "Muller Hans", (1.0, R.EXACT_NAME)),
        ("Muller Hans", "Müller Hans", (1.0, R.EXACT_NAME)),
    ],
)
def test_u_umlaut_is_pinyin_v_in_pinyin_and_an_accent_elsewhere(query, entry, expected):
    result, shares_key = _score(query, entry)
    assert result == expected
    if expected is not None:
        assert shares_key


def test_homophone_scores_above_typo_and_below_exact():
    exact, _ = _score("王小明", "王小明")
    homophone, _ = _score("汪小明", "王小明")
    typo, _ = _score("王小朋", "王小明")
    assert exact[0] > homophone[0] > typo[0]


def test_organisation_names_ignore_legal_form_and_region_and_allow_a_typo():
    assert _score("某某贸易有限公司", "某某贸易公司", organisation=True)[0][1] == R.EXACT_NAME
    assert _score("某某（北京）贸易有限公司", "某某贸易有限公司", organisation=True)[0][1] == (
        R.EXACT_NAME
    )
    result, shares = _score("宏达商贸有限公司", "宏远商贸有限公司", organisation=True)
    assert shares and result[1] == R.TYPO
    assert _score("ACME Trading Co., Ltd.", "Acme Trading Limited", organisation=True)[0][1] == (
        R.EXACT_NAME
    )


def test_latin_keys_are_a_deletion_index():
    keys = {v for _k, v in matching.index_keys(matching.profile("John Smith"))}
    assert "johnsmith" in keys and "jonsmith" in keys
    assert len(keys) == len("johnsmith") + 1


def test_wildcard_keys_never_open_the_surname():
    keys = {v for k, v in matching.index_keys(matching.profile("王小明")) if k == "pw"}
    assert keys == {"wang * ming", "wang xiao *"}


def test_within_one_edit():
    assert matching.within_one_edit("johnsmith", "jhonsmith")
    assert matching.within_one_edit("abc", "abcd")
    assert matching.within_one_edit("abc", "abd")
    assert not matching.within_one_edit("abc", "bca")
    assert not matching.within_one_edit("abc", "abcde")


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("ming", "min", True),
        ("xiao", "xia", True),
        ("zhang", "zang", True),
        ("shi", "si", True),
        ("lan", "nan", True),
        ("feng", "hen", True),
        ("huang", "fuan", True),
        ("ming", "peng", False),
        ("xiao", "da", False),
        ("li", "wang", False),
    ],
)
def test_near_syllables_are_the_input_method_fuzzy_pairs(a, b, near):
    assert matching.near_syllables(a, b) is near


def test_any_other_one_character_difference_scores_below_the_default_threshold():
    (score, rule), shares = _score("王小朋", "王小明")
    assert rule == R.TYPO and score == pytest.approx(0.7)
    assert shares
    (near_score, _rule), _ = _score("王小敏", "王小明")
    assert near_score == pytest.approx(0.8)

"""Chinese-aware name matching for the watch list: index keys, then scoring with a named rule.

Plain trigram similarity scores 王小明 against 汪小明 at 0.14: to a character-based measure
two homophone surnames are simply different characters. Here a name is compared the way a
Chinese reader compares it: character by character with each character's tone-less pinyin
beside it, or syllable by syllable when one side is written in pinyin.

Two steps, so that a million entries never have to be scanned:

1. **Candidate keys** (stored per entry in `NameKey`, looked up by index):
   - ``py``: the tone-less syllables in the canonical rotation of `chinese.name_keys`
     (persons) or in written order (organisations). Homophones, Traditional/Simplified,
     pinyin with or without spaces and surname-first or surname-last spellings all share it.
   - ``pw``: the same with one given-name syllable replaced by ``*``, for names of three or
     more syllables: a one-character typo in the given name shares one of these. The
     surname is never opened (李小明 is not a typo of 王小明; a homophone surname is already
     covered by ``py``). Organisation names (four syllables or more) open any position.
   - ``lt``: for names not written in Han characters, the folded words in sorted order run
     together (``johnsmith``) and every string with one letter deleted (a SymSpell
     deletion index): word order, case, accents and one-letter typos share a key.
   A query computes the same keys (plus, for a Latin word that is not pinyin, the pinyin
   words one edit away, so "Wang Xiaomng" still looks up ``wang xiao ming``).

2. **Scoring** each candidate in Python (`name_score`), returning a score in 0..1 and the
   rule that matched: exact name, Traditional/Simplified, homophone surname, homophone given
   name, pinyin, word order, typo. Anything else is not a match at all (None), so the
   threshold head office sets only chooses how much doubt to accept.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from fraudops.core import chinese

from .choices import MatchRule, NameKeyKind

R = MatchRule

_HAN_RE = chinese.HAN_RE
_HAN_ONLY_RE = re.compile(f"[{chinese.HAN}]+")
_SEPARATORS_RE = re.compile("[\\s\u00b7'\\-]+")
_LATIN_WORD_RE = re.compile(r"[^\W\d_]+")
# Punctuation a screening request may carry around a name ("SMITH, John").
_NAME_PUNCTUATION_RE = re.compile(r"[,;:/\\()\[\]\"“”‘’<>!?\.，；：、（）【】《》]+")

# Legal forms and other words that do not tell one organisation from another.
_ORG_SUFFIXES_HAN = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "分公司",
    "总公司",
    "公司",
    "集团",
    "有限合伙",
    "合伙企业",
    "工作室",
    "经营部",
    "商行",
)
_ORG_WORDS_LATIN = frozenset(
    {
        "co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited",
        "llc", "plc", "gmbh", "sa", "ag", "bv", "group", "holdings", "holding",
    }
)  # fmt: skip
_ORG_PAREN_RE = re.compile(r"\([^)]*\)")

# Scores of the rules. Exact and Traditional/Simplified are the same name; a homophone or a
# pinyin spelling loses what the characters would have told; a typo is the weakest.
SCORE_EXACT = 1.0
SCORE_TRADITIONAL = 0.98
SCORE_WORD_ORDER_LATIN = 0.95
SCORE_PINYIN = 0.9
SCORE_HOMOPHONE = 0.92
SCORE_HOMOPHONE_STEP = 0.04  # less for each further homophone character
SCORE_HOMOPHONE_MIN = 0.82
SCORE_TYPO = 0.8  # a near-homophone slip (模糊音, a final letter dropped or added)
SCORE_TYPO_FAR = 0.7  # any other single character: below the default threshold
SCORE_TYPO_LATIN = 0.82

_MIN_LATIN_KEY = 4  # shorter Latin names get their exact key only
_MIN_LATIN_DELETIONS = 6  # ... and deletion keys from this length on


@dataclass(frozen=True, slots=True)
class NameProfile:
    """Everything the matcher compares about one name."""

    simplified: str  # cleaned, Simplified (organisations: without the legal form)
    traditional: bool  # the input had Traditional characters
    han: bool  # written (at least partly) in Han characters
    chars: tuple[str, ...]  # its Han characters when it is purely Han, else ()
    syllables: tuple[str, ...]  # tone-less pinyin in written order; () if not pinyin
    canonical: tuple[str, ...]  # persons: the canonical rotation; organisations: written order
    latin: str  # not Han: folded words sorted and run together ("johnsmith")
    latin_written: str  # not Han: folded words in written order run together
    latin_words: tuple[str, ...]  # not Han: the folded words in written order
    organisation: bool
    surname_len: int  # leading syllables that are the surname (0 for organisations)


@functools.lru_cache(maxsize=8192)
def _fold_word(word: str) -> str:
    """A Latin word as compared: lower case, accents dropped; ü is written v when the word
    is pinyin (Lü, LÜ, Lǚ -> lv, as `chinese.name_keys` reads it: 吕 is lv, 卢 is lu) and u
    otherwise (Müller -> muller)."""
    plain = chinese.strip_accents(word)
    pinyin = chinese.fold_pinyin(word)
    if pinyin != plain and chinese.segment_pinyin(pinyin) is not None:
        return pinyin
    return plain


def _latin_words(simplified: str, *, organisation: bool) -> list[str]:
    words = [_fold_word(w) for w in _LATIN_WORD_RE.findall(simplified)]
    if organisation:
        words = [w for w in words if w not in _ORG_WORDS_LATIN] or words
    return words


def organisation_core(simplified: str) -> str:
    """An organisation's name without its legal form or bracketed region.

    ``某某（北京）贸易有限公司`` -> ``某某贸易``; ``ACME Trading Co., Ltd.`` -> ``ACME Trading``.
    """
    text = _ORG_PAREN_RE.sub("", simplified).strip()
    changed = True
    while changed:
        changed = False
        for suffix in _ORG_SUFFIXES_HAN:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
    if not _HAN_RE.search(text):
        words = [w for w in re.split(r"[\s,\.]+", text) if w]
        kept = [w for w in words if w.lower() not in _ORG_WORDS_LATIN]
        text = " ".join(kept or words)
    return text.strip() or simplified


def _surname_len(syllables: tuple[str, ...]) -> int:
    if len(syllables) >= 3 and tuple(syllables[:2]) in chinese.COMPOUND_SURNAME_PINYIN:
        return 2
    return 1


def _clean_input(name: str) -> str:
    return _NAME_PUNCTUATION_RE.sub(" ", chinese.fold(name)).strip()


@functools.lru_cache(maxsize=4096)
def profile(name: str, *, organisation: bool = False) -> NameProfile:
    """Profile a name as typed (query side, or when an entry is written). Never raises."""
    folded = chinese.fold(name)
    if organisation:
        folded = _ORG_PAREN_RE.sub("", folded)
    raw = _clean_input(folded)
    keys = chinese.name_keys(raw)
    full = keys["simplified"]
    raw_han = _HAN_RE.findall(raw)
    full_han = _HAN_RE.findall(full)
    traditional = len(raw_han) == len(full_han) and raw_han != full_han
    simplified = organisation_core(full) if organisation else full
    syllables = tuple(chinese.name_syllables(simplified))
    canonical = syllables if organisation else tuple(keys["pinyin"].split())
    return _build(
        simplified=simplified,
        syllables=syllables,
        canonical=canonical,
        organisation=organisation,
        traditional=traditional,
    )


def _build(
    *,
    simplified: str,
    syllables: tuple[str, ...],
    canonical: tuple[str, ...],
    organisation: bool,
    traditional: bool = False,
) -> NameProfile:
    han = _HAN_RE.search(simplified) is not None
    compact = _SEPARATORS_RE.sub("", simplified)
    chars: tuple[str, ...] = ()
    if han and len(compact) == len(syllables) and _HAN_ONLY_RE.fullmatch(compact):
        chars = tuple(compact)
    latin = latin_written = ""
    words: list[str] = []
    if not han:
        words = _latin_words(simplified, organisation=organisation)
        latin = "".join(sorted(words))
        latin_written = "".join(words)
    return NameProfile(
        simplified=simplified,
        traditional=traditional,
        han=han,
        chars=chars,
        syllables=syllables,
        canonical=canonical,
        latin=latin,
        latin_written=latin_written,
        latin_words=tuple(words),
        organisation=organisation,
        surname_len=0 if organisation or not syllables else _surname_len(syllables),
    )


def stored_fields(name: str, *, organisation: bool) -> dict[str, str]:
    """What an entry stores so that scoring never has to run pypinyin again."""
    p = profile(name, organisation=organisation)
    return {
        "match_name": p.simplified,
        "match_syllables": " ".join(p.syllables),
        "match_canonical": " ".join(p.canonical),
    }


@functools.lru_cache(maxsize=50_000)
def stored_profile(
    match_name: str, match_syllables: str, match_canonical: str, *, organisation: bool
) -> NameProfile:
    """Rebuild an entry's profile from its stored fields (no pinyin lookups). Cached by
    the stored values themselves, so a cached profile can never be out of date."""
    return _build(
        simplified=match_name,
        syllables=tuple(match_syllables.split()),
        canonical=tuple(match_canonical.split()),
        organisation=organisation,
    )


# --- keys --------------------------------------------------------------------------------


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def _wildcards(syllables: tuple[str, ...], start: int) -> set[str]:
    return {
        " ".join((*syllables[:i], "*", *syllables[i + 1 :])) for i in range(start, len(syllables))
    }


def _fuzzy_keys(syllables: tuple[str, ...], start: int) -> set[str]:
    """One syllable replaced by its fuzzy form and by that form less its last letter: two
    names share one of these exactly when that syllable is a near-homophone slip
    (`near_syllables`) and the others are the same: zhang/zang -> "zan", xiao/xia -> "xia",
    ming/min -> "min"."""
    keys = set()
    for i in range(start, len(syllables)):
        fuzzy = _fuzzy(syllables[i])
        for form in (fuzzy, fuzzy[:-1]):
            keys.add(" ".join((*syllables[:i], "~" + form, *syllables[i + 1 :])))
    return keys


def index_keys(p: NameProfile) -> set[tuple[str, str]]:
    """The keys an entry's name is stored under (see the module docstring)."""
    keys: set[tuple[str, str]] = set()
    if p.canonical:
        keys.add((NameKeyKind.PINYIN, " ".join(p.canonical)))
        n = len(p.syllables)
        orders: list[tuple[tuple[str, ...], int]] = []
        if p.organisation and n >= 4:
            orders = [(p.syllables, 0)]
        elif not p.organisation and n >= 3:
            orders = [(order, _surname_len(order)) for order in {p.syllables, p.canonical}]
        for order, start in orders:
            keys |= {(NameKeyKind.PINYIN_WILDCARD, k) for k in _wildcards(order, start)}
            keys |= {(NameKeyKind.PINYIN_FUZZY, k) for k in _fuzzy_keys(order, start)}
    if len(p.latin) >= _MIN_LATIN_KEY:
        keys.add((NameKeyKind.LATIN, p.latin))
        if len(p.latin) >= _MIN_LATIN_DELETIONS:
            keys |= {(NameKeyKind.LATIN, d) for d in _deletions(p.latin)}
    return {(kind, value[:200]) for kind, value in keys}


_PINYIN_LETTERS = "abcdefghijklmnopqrstuwxyz"
_MAX_CORRECTIONS = 24


def _edits(word: str) -> Iterable[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]
            if len(right) > 1:
                yield left + right[1] + right[0] + right[2:]
            for ch in _PINYIN_LETTERS:
                yield left + ch + right[1:]
        for ch in _PINYIN_LETTERS:
            yield left + ch + right


@functools.lru_cache(maxsize=2048)
def pinyin_corrections(latin_name: str) -> tuple[str, ...]:
    """Canonical pinyin keys of the spellings one letter away from a Latin name whose
    words are almost all pinyin ("wang xiaomng" -> "wang xiao ming"). Query side only."""
    words = [_fold_word(w) for w in _LATIN_WORD_RE.findall(latin_name)]
    if not words or len(words) > 4:
        return ()
    failing = [i for i, w in enumerate(words) if not chinese.name_syllables(w)]
    if len(failing) != 1 or len(words[failing[0]]) < 3 or len(words) - len(failing) < 1:
        return ()
    index = failing[0]
    found: list[str] = []
    for variant in dict.fromkeys(_edits(words[index])):
        if variant and chinese.segment_pinyin(variant) is not None:
            fixed = [*words[:index], variant, *words[index + 1 :]]
            key = chinese.name_keys(" ".join(fixed))["pinyin"]
            if key and key not in found:
                found.append(key)
                if len(found) >= _MAX_CORRECTIONS:
                    break
    return tuple(found)


_MAX_READINGS = 8


def _other_segmentations(words: tuple[str, ...]) -> set[str]:
    """Canonical pinyin keys of the other readings of pinyin written without apostrophes
    ("LUANCHEN": lu-an-chen as well as luan-chen). Query side only."""
    options = [chinese.pinyin_segmentations(word)[:3] for word in words]
    if not words or len(words) > 4 or not all(options):
        return set()
    keys: set[str] = set()
    for combination in itertools.islice(itertools.product(*options), _MAX_READINGS):
        syllables = [s for part in combination for s in part]
        keys.add(chinese.name_keys(" ".join(syllables))["pinyin"])
    return keys


def _latin_order_keys(p: NameProfile) -> set[tuple[str, str]]:
    """Latin deletion keys of the words in every order (up to three words): a typo can move
    a word in the sorted order ("Rsamussen" sorts after "Robert"). Query side only."""
    words = p.latin_words
    if not 2 <= len(words) <= 3:
        return set()
    keys: set[tuple[str, str]] = set()
    for order in itertools.permutations(words):
        joined = "".join(order)
        if joined == p.latin or len(joined) < _MIN_LATIN_DELETIONS:
            continue
        keys.add((NameKeyKind.LATIN, joined[:200]))
        keys |= {(NameKeyKind.LATIN, d[:200]) for d in _deletions(joined)}
    return keys


@dataclass(frozen=True, slots=True)
class NameQuery:
    person: NameProfile
    organisation: NameProfile
    keys: frozenset[tuple[str, str]]


def name_query(name: str) -> NameQuery | None:
    """Profiles and lookup keys of a screened name; None if there is nothing to match."""
    person = profile(name)
    if not person.simplified:
        return None
    if organisation_core(person.simplified) == person.simplified and "(" not in chinese.fold(name):
        # No legal form to strip: the same syllables, read in written order, no surname.
        organisation = _build(
            simplified=person.simplified,
            syllables=person.syllables,
            canonical=person.syllables,
            organisation=True,
        )
    else:
        organisation = profile(name, organisation=True)
    keys = index_keys(person) | index_keys(organisation)
    if not person.han:
        if person.syllables:
            keys |= {(NameKeyKind.PINYIN, k) for k in _other_segmentations(person.latin_words)}
        else:
            keys |= {(NameKeyKind.PINYIN, k) for k in pinyin_corrections(person.simplified)}
        keys |= _latin_order_keys(person)
    if not keys:
        return None
    return NameQuery(person=person, organisation=organisation, keys=frozenset(keys))


# --- scoring -----------------------------------------------------------------------------


def within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance of at most one (insert, delete, substitute, swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = []
        for i in range(la):
            if a[i] != b[i]:
                diffs.append(i)
                if len(diffs) > 2:
                    return False
        if len(diffs) == 1:
            return True
        first, second = diffs
        return second == first + 1 and a[first] == b[second] and a[second] == b[first]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j",
             "q", "x", "r", "z", "c", "s", "y", "w")  # fmt: skip
# The fuzzy-pinyin pairs Chinese input methods offer (模糊音): speakers of many dialects do
# not tell these apart, so a name typed by ear slips between them.
_FUZZY_INITIAL = {"zh": "z", "ch": "c", "sh": "s", "n": "l", "h": "f", "r": "l"}
_FUZZY_FINAL = {"ang": "an", "eng": "en", "ing": "in", "iang": "ian", "uang": "uan"}


@functools.lru_cache(maxsize=4096)
def _fuzzy(syllable: str) -> str:
    initial = next((i for i in _INITIALS if syllable.startswith(i)), "")
    final = syllable[len(initial) :]
    return _FUZZY_INITIAL.get(initial, initial) + _FUZZY_FINAL.get(final, final)


@functools.lru_cache(maxsize=65536)
def near_syllables(a: str, b: str) -> bool:
    """Two tone-less syllables a pinyin typist slips between: a fuzzy-pinyin pair
    (zh/z, ch/c, sh/s, n/l, h/f, r/l; ang/an, eng/en, ing/in, iang/ian, uang/uan) or one
    final letter dropped or added (xiao/xia, ming/min)."""
    if a == b or _fuzzy(a) == _fuzzy(b):
        return True
    return a[:-1] == b or b[:-1] == a


def _score_han(q: NameProfile, c: NameProfile) -> tuple[float, str] | None:
    """Both names in Han characters: align them character by character."""
    if not (q.chars and c.chars) or len(q.chars) != len(c.chars):
        return None
    protected = c.surname_len
    homophones: list[int] = []
    different: list[int] = []
    for i, (qc, cc) in enumerate(zip(q.chars, c.chars, strict=True)):
        if qc == cc:
            continue
        if q.syllables[i] == c.syllables[i]:
            homophones.append(i)
        else:
            different.append(i)
    n = len(c.chars)
    if not different:
        if not homophones:  # same characters, different separators
            return SCORE_EXACT, R.EXACT_NAME
        score = max(
            SCORE_HOMOPHONE_MIN, SCORE_HOMOPHONE - SCORE_HOMOPHONE_STEP * (len(homophones) - 1)
        )
        surname = any(i < protected for i in homophones)
        return score, R.HOMOPHONE_SURNAME if surname else R.HOMOPHONE_GIVEN_NAME
    minimum = 4 if c.organisation else 3
    if len(different) == 1 and different[0] >= protected and n >= minimum:
        i = different[0]
        base = SCORE_TYPO if near_syllables(q.syllables[i], c.syllables[i]) else SCORE_TYPO_FAR
        return max(0.6, base - SCORE_HOMOPHONE_STEP * len(homophones)), R.TYPO
    return None


def _rotations(syllables: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [syllables[i:] + syllables[:i] for i in range(len(syllables))]


def _one_syllable_apart(a: tuple[str, ...], b: tuple[str, ...], protected: int) -> float:
    """SCORE_TYPO (near syllable) or SCORE_TYPO_FAR when exactly one unprotected syllable
    differs; 0 otherwise."""
    if len(a) != len(b) or len(a) < 3:
        return 0.0
    found = -1
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            if found >= 0:
                return 0.0
            found = i
    if found < protected:
        return 0.0
    return SCORE_TYPO if near_syllables(a[found], b[found]) else SCORE_TYPO_FAR


def _score_pinyin(q: NameProfile, c: NameProfile) -> tuple[float, str] | None:
    """At least one side is written in Latin letters: compare tone-less syllables."""
    if q.syllables and c.syllables:
        if q.canonical == c.canonical:
            if not q.han and not c.han:
                if q.latin_written == c.latin_written:
                    return SCORE_EXACT, R.EXACT_NAME
                if q.latin == c.latin:
                    return SCORE_WORD_ORDER_LATIN, R.WORD_ORDER
            if q.syllables == c.syllables or c.organisation:
                return SCORE_PINYIN, R.PINYIN
            return SCORE_PINYIN, R.WORD_ORDER
        protected = 0 if c.organisation else c.surname_len
        best = max(
            _one_syllable_apart(mine, order, protected)
            for mine in {q.syllables, q.canonical}
            for order in {c.syllables, c.canonical}
        )
        if best:
            return best, R.TYPO
    # The same letters read another way ("LUANCHEN" for 卢安辰), or one letter off a pinyin
    # spelling ("Wang Xiaomng"): compare the run-together letters with the candidate's
    # syllables in each rotation.
    typed = q.latin_written if not q.han else ""
    if c.syllables and typed:
        rotations = [c.syllables] if c.organisation else _rotations(c.syllables)
        for index, rotation in enumerate(rotations):
            if typed == "".join(rotation):
                return SCORE_PINYIN, R.PINYIN if index == 0 else R.WORD_ORDER
        if len(typed) >= 6:
            for rotation in rotations:
                if within_one_edit(typed, "".join(rotation)):
                    return SCORE_TYPO, R.TYPO
    return None


def _score_latin(q: NameProfile, c: NameProfile) -> tuple[float, str] | None:
    """Both names in Latin letters that are not pinyin: compare folded words."""
    if not (q.latin and c.latin):
        return None
    if q.latin == c.latin:
        if q.latin_written == c.latin_written:
            return SCORE_EXACT, R.EXACT_NAME
        return SCORE_WORD_ORDER_LATIN, R.WORD_ORDER
    if min(len(q.latin), len(c.latin)) < _MIN_LATIN_DELETIONS:
        return None
    if within_one_edit(q.latin, c.latin) or within_one_edit(q.latin_written, c.latin_written):
        return SCORE_TYPO_LATIN, R.TYPO
    if 2 <= len(q.latin_words) <= 3 and any(
        within_one_edit("".join(order), c.latin_written)
        for order in itertools.permutations(q.latin_words)
    ):
        return SCORE_TYPO_LATIN, R.TYPO
    return None


def name_score(q: NameProfile, c: NameProfile) -> tuple[float, str] | None:
    """How well a screened name matches an entry's, and by which rule; None: no match."""
    if q.simplified == c.simplified and q.simplified:
        if q.traditional:
            return SCORE_TRADITIONAL, R.TRADITIONAL_SIMPLIFIED
        return SCORE_EXACT, R.EXACT_NAME
    if q.han and c.han:
        result = _score_han(q, c)
        if result is not None and q.traditional and result[1] == R.EXACT_NAME:
            return SCORE_TRADITIONAL, R.TRADITIONAL_SIMPLIFIED
        return result
    if q.han != c.han or q.syllables or c.syllables:
        result = _score_pinyin(q, c)
        if result is not None:
            return result
    if not q.han and not c.han:
        return _score_latin(q, c)
    return None

"""Benchmark: screening against 1,000,000 active watch-list entries, under a real WSGI server.

    .venv/bin/python bench/screening.py [--entries 1000000] [--seconds 15] [--keep]

What it does, on its own PostgreSQL database (`fraudops_bench_screening`, created here and
dropped at the end unless --keep):

1. migrates, builds the demo bank and an API client with the `screening` and
   `watchlist:read` scopes;
2. generates `--entries` active entries in two processes and loads them with COPY: 45 %
   Chinese persons (surnames by Faker zh_CN's frequency table, given names of one or two
   characters from ~300 common given-name characters, valid resident ID numbers), 5 %
   persons with Latin names (Faker en_US) and passports, 5 % organisations (Faker zh_CN
   company names, valid unified social credit codes), 25 % accounts, 15 % phones, 5 %
   websites. Their identifier and name keys are computed by the app's own code
   (watchlist.subjects, watchlist.matching), so they are exactly what a published entry
   gets. Indexes are dropped for the load and built afterwards, then VACUUM ANALYZE;
3. builds a labelled set of name queries: variants of listed names (homophone surname,
   homophone given name, Traditional characters, pinyin with and without spaces,
   given-name-first pinyin, a near-homophone typing slip, spaces; Latin names in another
   order, with one letter wrong, in capitals without accents; organisations with another
   legal form) that must find their entry, and different names that must find nothing.
   A different name is kept only if no listed name is one variant step away from it
   (checked against the loaded keys and, for Latin names, by edit distance), so a
   "different" name that happens to collide with one of the million entries is not
   mislabelled;
4. starts the app under gunicorn (gthread workers, DEBUG off, persistent database
   connections) on 127.0.0.1:8114 and measures, in the same run, with a keep-alive asyncio
   client in its own process:
   - latency (`*_p50_ms`, `*_p99_ms`) with one connection (a client waiting for each
     answer, as a payment flow does; `--latency-connections` to change it): exact-identifier
     screening (one party with an ID number, account, phone, credit code or web address,
     half of them listed) and name screening (one party with a name from the labelled set);
   - throughput (`exact_rps`, `baseline_rps`) with 16 concurrent connections: exact
     screening, and the baseline `GET /api/v1/watchlist/entries/<id>` (authentication, one
     primary-key read, DRF serialization);
   - recall and precision of the labelled set through `POST /api/v1/screening` (10 parties
     per request): a variant counts as found when it is flagged (review or hit) and its
     listed name is among the hits: the entry it was made from or a namesake (two listed
     王伟 cannot be told apart by name, and a common name has dozens); precision counts
     every flagged query that does not find its listed name, and every flagged different
     name, as a false positive;
   - publication latency: a nomination approved through the real services is screened
     over HTTP until it hits (printed, target < 5 s).

The last line printed is one JSON object with exactly: entries, exact_p50_ms, exact_p99_ms,
exact_rps, baseline_rps, name_p50_ms, name_p99_ms, recall, precision.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import io
import itertools
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, admin_sql, database_urls, log, percentile, setup_django

DB_NAME = "fraudops_bench_screening"
HOST, PORT = "127.0.0.1", 8114

# ~300 characters common in given names.
GIVEN_POOL = sorted(
    set(
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉玲建国志文云梅海林亮成"
        "波宇浩凯健俊帆帅旭宁龙欢佳阳峰晨瑞兵雷东博彬坤婷雪琳慧颖倩晶燕莉琴鑫斌荣新春清晓小"
        "嘉子梓涵欣怡雨思诗若一可家泽宸睿轩皓逸昊天然铭宏毅峻伦翔鸿飞鹤程立振庆胜利福贵财金"
        "银宝珠琪璐瑶露蕾薇蓉芬芝莲菊凤鸣丹青山川江河湖洪涌泉溪淼森松柏杨柳桃杏竹菲蓓蔚茜"
        "茹萌蒙蕊岚岩崇嵩巍威武卫保安康乐喜祥吉德仁义礼智信忠孝廉勤俭恭良善美真诚和正方圆"
        "长久永恒远大中少多高昌盛兴旺隆发达通顺畅晖曦昕昱晟晔暄朗月星辰光耀灿烁炜煜熙焕烨"
        "炎石玮琦瑜璇璟琛瑾珺珊珍琼瑛莹滢澜潇澄洁沁沐润渊源泓淳学书艺雅韵歌舞声音瑟笛箫鼎"
        "钧锋锐铮钰镇铁钢锦绣绮纯素紫黛碧翠蓝白墨"
    )
)
REGIONS = [
    "110101", "110105", "110108", "120101", "130102", "140105", "150102", "210102", "220102",
    "230102", "310101", "310104", "310115", "320102", "330102", "340102", "350102", "360102",
    "370102", "410102", "420102", "430102", "440103", "440106", "440305", "450102", "460105",
    "500103", "510104", "520102", "530102", "610102", "620102", "630102", "640104", "650102",
    "441900", "442000", "350203", "330212",
]  # fmt: skip
WORDS = [
    "secure", "verify", "bank", "pay", "login", "refund", "tax", "gov", "service", "help",
    "account", "online", "mobile", "card", "credit", "loan", "cash", "safe", "check", "update",
]  # fmt: skip
TLDS = ["com", "cn", "com.cn", "net", "top", "xyz", "net.cn", "vip"]

MIX = [  # (kind, share)
    ("person_zh", 0.45),
    ("person_latin", 0.05),
    ("organisation", 0.05),
    ("account", 0.25),
    ("phone", 0.15),
    ("website", 0.05),
]


def _p(values: list[float], q: float) -> float | None:
    value = percentile(values, q)
    return round(value, 2) if value is not None else None


# --- generation (runs in worker processes) ---------------------------------------------------


def _surnames():
    from faker.providers.person.zh_CN import Provider

    table = Provider.last_names
    if isinstance(table, dict):
        return list(table.keys()), list(table.values())
    return list(table), [1.0] * len(table)


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")


def _permute(i: int, modulus: int) -> int:
    """A fixed bijection of 0..modulus-1 that scatters consecutive indexes."""
    return (i * 2654435761 + 12345) % modulus


def _kind_of(i: int, total: int) -> str:
    position = (i * 7919) % total / total  # interleave kinds over the id range
    cumulative = 0.0
    for kind, share in MIX:
        cumulative += share
        if position < cumulative:
            return kind
    return MIX[-1][0]


def _generate_chunk(task: tuple[int, int, int, str, str]) -> dict:
    """Rows for entries start..stop-1 as COPY text, plus samples for the queries."""
    start, stop, total, bench_url, var_dir = task
    setup_django(bench_url, var_dir, broker=False)
    from faker import Faker
    from stdnum.cn import ric, uscc

    from fraudops.core import chinese
    from watchlist import subjects

    rng = random.Random(start)
    zh = Faker("zh_CN")
    zh.seed_instance(start)
    en = Faker("en_US")
    en.seed_instance(start + 1)
    surnames, weights = _surnames()
    today = "2026-01-01"
    review = "2027-01-01"
    entries, keys, names = io.StringIO(), io.StringIO(), io.StringIO()
    sample: dict[str, list] = {
        "person_zh": [],
        "person_latin": [],
        "organisation": [],
        "id": [],
        "account": [],
        "phone": [],
        "url": [],
        "org": [],
        "entry_ids": [],
    }
    blank = dict.fromkeys(subjects.SUBJECT_FIELDS, "")
    for i in range(start, stop):
        entry_id = i + 1
        kind = _kind_of(i, total)
        data = {**blank, "documents": [], "match_whole_domain": True, "domain": ""}
        exact: list[tuple[str, str]] = []
        if kind == "person_zh":
            given = "".join(rng.choice(GIVEN_POOL) for _ in range(1 if rng.random() < 0.25 else 2))
            name = rng.choices(surnames, weights)[0] + given
            # A bijection of the index onto (region, birth date, sequence): unique IDs.
            region = REGIONS[i % len(REGIONS)]
            rest = i // len(REGIONS)
            born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rest % 18000)
            birth = born.strftime("%Y%m%d")
            seq = f"{(rest // 18000) % 1000:03d}"
            body = region + birth + seq
            id_number = body + ric.calc_check_digit(body + "0")
            data.update(name=name, id_number=id_number)
            entry_kind, value_key = "person", f"person:id:{id_number}"
            exact.append(("id", id_number))
            if rng.random() < 0.01:
                sample["person_zh"].append((entry_id, name, id_number))
            if rng.random() < 0.03:
                sample["id"].append(id_number)
        elif kind == "person_latin":
            name = f"{en.first_name()} {en.last_name()}"
            passport = f"E{_permute(i, 10**8):08d}"
            data.update(name=name, documents=[{"type": "passport", "number": passport}])
            entry_kind, value_key = "person", f"person:doc:passport:{passport}"
            exact.append(("doc", passport))
            if rng.random() < 0.05:
                sample["person_latin"].append((entry_id, name))
        elif kind == "organisation":
            name = zh.company()
            body = "91" + REGIONS[i % len(REGIONS)] + f"{_permute(i, 10**9):09d}"
            code = body + uscc.calc_check_digit(body)
            data.update(name=name, org_code=code)
            entry_kind, value_key = "organisation", f"organisation:org:{code}"
            exact += [("org", code), ("org", code[8:17])]
            if rng.random() < 0.05:
                sample["organisation"].append((entry_id, name))
            if rng.random() < 0.1:
                sample["org"].append(code)
        elif kind == "account":
            number = "6217" + f"{_permute(i, 10**15):015d}"
            data.update(account_number=number)
            entry_kind, value_key = "account", f"account:{number}"
            exact.append(("account", number))
            if rng.random() < 0.02:
                sample["account"].append(number)
        elif kind == "phone":
            number = f"+861{3 + i % 7}{_permute(i, 10**9):09d}"
            data.update(phone=number)
            entry_kind, value_key = "phone", f"phone:{number}"
            exact.append(("phone", number))
            if rng.random() < 0.03:
                sample["phone"].append(number)
        else:
            host = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}{i}.{rng.choice(TLDS)}"
            url, domain = chinese.normalize_url(f"https://www.{host}/login")
            data.update(url=url, domain=domain)
            entry_kind, value_key = "website", f"website:{url}"
            exact += [("url", url), ("domain", domain)]
            if rng.random() < 0.05:
                sample["url"].append(url)
        name = data["name"]
        match = subjects.match_fields(entry_kind, name)
        for key_kind, value in subjects.name_index_keys(entry_kind, name):
            names.write(f"{entry_id}\t{key_kind}\t{_copy_text(value)}\n")
        for key_kind, value in exact:
            keys.write(f"{entry_id}\t{key_kind}\t{_copy_text(value)}\n")
        row = [
            entry_id,
            entry_kind,
            name,
            data["id_number"],
            json.dumps(data["documents"]),
            data["org_code"],
            data["account_number"],
            "",
            "",
            data["phone"],
            data["url"],
            data["domain"],
            "t",
            "",
            "",
            value_key,
            "active",
            "基准测试生成的条目",
            today,
            review,
            today,
            "",
            match["match_name"],
            match["match_syllables"],
            match["match_canonical"],
        ]
        entries.write("\t".join(_copy_text(v) for v in row) + "\n")
        if rng.random() < 0.01:
            sample["entry_ids"].append(entry_id)
    return {
        "entries": entries.getvalue(),
        "keys": keys.getvalue(),
        "names": names.getvalue(),
        "sample": sample,
    }


ENTRY_COLUMNS = (
    "id, kind, name, id_number, documents, org_code, account_number, holder_name, bank_name, "
    "phone, url, domain, match_whole_domain, reference_number, features, value_key, status, "
    "reason, published_at, review_on, updated_at, removal_reason, match_name, "
    "match_syllables, match_canonical"
)
TABLES = ("watchlist_entry", "watchlist_entrykey", "watchlist_namekey")


def _drop_indexes(cursor) -> list[str]:
    """Drop the secondary indexes and constraints of the three tables (not their primary
    keys); return the statements that rebuild them."""
    rebuild: list[str] = []
    for table in TABLES:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
            [table],
        )
        constraints = cursor.fetchall()
        constraint_names = {c[0] for c in constraints}
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT LIKE %s",
            [table, "%_pkey"],
        )
        for name, definition in cursor.fetchall():
            if name in constraint_names:
                continue
            cursor.execute(f'DROP INDEX "{name}"')
            rebuild.append(definition)
        for name, definition, _type in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    # Unique and check constraints first, foreign keys last (they need the others).
    rebuild.sort(key=lambda s: "FOREIGN KEY" in s)
    return rebuild


def load(total: int, bench_url: str, var_dir: str) -> dict[str, list]:
    from django.db import connection

    chunk = 20_000
    tasks = [
        (start, min(start + chunk, total), total, bench_url, var_dir)
        for start in range(0, total, chunk)
    ]
    samples: dict[str, list] = {}
    with connection.cursor() as cursor:
        rebuild = _drop_indexes(cursor)
    connection.close()
    import psycopg2

    raw = psycopg2.connect(bench_url)
    raw.autocommit = True
    done = 0
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool, raw.cursor() as cursor:
        for result in pool.imap_unordered(_generate_chunk, tasks):
            cursor.copy_expert(
                f"COPY watchlist_entry ({ENTRY_COLUMNS}) FROM STDIN",
                io.StringIO(result["entries"]),
            )
            cursor.copy_expert(
                "COPY watchlist_entrykey (entry_id, kind, value) FROM STDIN",
                io.StringIO(result["keys"]),
            )
            cursor.copy_expert(
                "COPY watchlist_namekey (entry_id, kind, value) FROM STDIN",
                io.StringIO(result["names"]),
            )
            for key, values in result["sample"].items():
                samples.setdefault(key, []).extend(values)
            done += result["entries"].count("\n")
            if done % 200_000 < chunk:
                log(f"  {done:,} entries loaded")
    with raw.cursor() as cursor:
        log("building indexes and constraints")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in rebuild:
            cursor.execute(statement)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('watchlist_entry', 'id'), "
            "(SELECT max(id) FROM watchlist_entry))"
        )
        log("VACUUM ANALYZE")
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("SELECT count(*) FROM watchlist_entrykey")
        key_count = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM watchlist_namekey")
        name_count = cursor.fetchone()[0]
    raw.close()
    log(f"loaded {total:,} entries, {key_count:,} identifier keys, {name_count:,} name keys")
    return samples


def samples_from_db() -> dict[str, list]:
    """The same samples as a load returns, drawn from an existing benchmark database."""
    from django.db import connection

    def rows(sql: str) -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    table = "watchlist_entry TABLESAMPLE BERNOULLI (2) REPEATABLE (7)"
    person = "kind = 'person' AND status = 'active'"
    return {
        "person_zh": rows(
            f"SELECT id, name, id_number FROM {table} WHERE {person} AND id_number <> ''"
        ),
        "person_latin": rows(f"SELECT id, name FROM {table} WHERE {person} AND id_number = ''"),
        "organisation": rows(f"SELECT id, name FROM {table} WHERE kind = 'organisation'"),
        "id": [r[0] for r in rows(f"SELECT id_number FROM {table} WHERE id_number <> ''")],
        "account": [
            r[0] for r in rows(f"SELECT account_number FROM {table} WHERE kind = 'account'")
        ],
        "phone": [r[0] for r in rows(f"SELECT phone FROM {table} WHERE kind = 'phone'")],
        "url": [r[0] for r in rows(f"SELECT url FROM {table} WHERE kind = 'website'")],
        "org": [r[0] for r in rows(f"SELECT org_code FROM {table} WHERE kind = 'organisation'")],
        "entry_ids": [r[0] for r in rows(f"SELECT id FROM {table} LIMIT 10000")],
    }


# --- the labelled set ------------------------------------------------------------------------


def _homophones() -> dict[str, list[str]]:
    """Characters by tone-less reading: candidates for homophone variants."""
    from pypinyin import lazy_pinyin

    pool = set(GIVEN_POOL) | {s for s in _surnames()[0] if len(s) == 1}
    pool |= set(
        "汪章黎程刘柳吴伍周邹孙徐许朱诸杨阳洋黄皇何贺林琳郭国高郜罗骆郑正梁良谢"
        "宋送唐汤韩寒冯峰邓登曹操彭蓬曾增萧肖田甜董东袁元潘盘蔡菜蒋江余于鱼杜"
        "叶夜程成魏卫苏素吕旅丁定任仁沈申钟中崔翠谭潭陆路范凡廖姚瑶石时金今贾"
        "夏霞付傅方芳邱秋侯厚熊雄孟梦秦琴尹殷薛雪闫严段端雷蕾龙隆史施陶桃毛茂"
        "郝好顾谷龚宫邵少万钱千戴代莫墨孔洪红晓小笑校孝铭名茗鸣民敏闵下夏侠霞"
    )
    by_reading: dict[str, list[str]] = {}
    for ch in sorted(pool):
        by_reading.setdefault(lazy_pinyin(ch)[0], []).append(ch)
    return by_reading


def build_labelled(samples: dict[str, list], rng: random.Random, per_type: int):
    """[(query name, expected entry id or None, variant type)]."""
    from opencc import OpenCC
    from pypinyin import lazy_pinyin

    from fraudops.core import chinese
    from watchlist import matching

    s2t = OpenCC("s2t")
    readings = _homophones()
    positives: list[tuple[str, int, str]] = []
    people = samples["person_zh"]
    rng.shuffle(people)

    def reading(ch: str) -> str:
        return lazy_pinyin(ch)[0]

    def homophone(ch: str) -> str | None:
        options = [c for c in readings.get(reading(ch), []) if c != ch]
        return rng.choice(options) if options else None

    # A surname has its own reading (长 is Cháng, 薄 is Bó, 曾 is Zēng as surnames).
    by_surname_reading: dict[str, list[str]] = {}
    for chars in readings.values():
        for ch in chars:
            by_surname_reading.setdefault(chinese.name_syllables(ch)[0], []).append(ch)

    def homophone_surname(ch: str) -> str | None:
        options = [c for c in by_surname_reading.get(chinese.name_syllables(ch)[0], []) if c != ch]
        return rng.choice(options) if options else None

    def near_char(ch: str) -> str | None:
        syllable = reading(ch)
        options = [
            c
            for r, chars in readings.items()
            if r != syllable and matching.near_syllables(r, syllable)
            for c in chars
        ]
        return rng.choice(options) if options else None

    def pinyin_words(name: str) -> tuple[str, str]:
        syllables = matching.profile(name).syllables
        surname_len = 2 if tuple(syllables[:2]) in matching.chinese.COMPOUND_SURNAME_PINYIN else 1
        return "".join(syllables[:surname_len]), "".join(syllables[surname_len:])

    makers = {
        "homophone_surname": lambda n: (h + n[1:]) if (h := homophone_surname(n[0])) else None,
        "homophone_given_name": lambda n: (n[:-1] + h) if (h := homophone(n[-1])) else None,
        "traditional": lambda n: t if (t := s2t.convert(n)) != n else None,
        "pinyin_spaced": lambda n: " ".join(w.capitalize() for w in matching.profile(n).syllables),
        "pinyin_compact": lambda n: "".join(matching.profile(n).syllables).upper(),
        "pinyin_given_first": lambda n: "{1} {0}".format(
            *(w.capitalize() for w in pinyin_words(n))
        ),
        "typo_near_homophone": lambda n: (
            (n[:-1] + c) if len(n) >= 3 and (c := near_char(n[-1])) else None
        ),
        "spaced": lambda n: " ".join(n),
    }
    for variant, make in makers.items():
        made = 0
        for entry_id, name, _id in people:
            if made >= per_type:
                break
            query = make(name)
            if query and query != name:
                positives.append((query, entry_id, variant))
                made += 1
    latin = samples["person_latin"]
    rng.shuffle(latin)

    def typo(name: str) -> str | None:
        first, last = name.split(" ", 1)
        word = last if len(last) >= 4 else first
        if len(word) < 4:
            return None
        i = rng.randrange(1, len(word) - 1)
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if swapped == word:
            return None
        return name.replace(word, swapped, 1)

    latin_makers = {
        "latin_word_order": lambda n: "{1}, {0}".format(*n.split(" ", 1)).upper(),
        "latin_typo": typo,
        "latin_case": lambda n: n.lower(),
    }
    for variant, make in latin_makers.items():
        made = 0
        for entry_id, name in latin:
            if made >= per_type:
                break
            query = make(name)
            if query and query != name:
                positives.append((query, entry_id, variant))
                made += 1
    organisations = samples["organisation"]
    rng.shuffle(organisations)
    for entry_id, name in organisations[:per_type]:
        core = matching.organisation_core(name)
        positives.append((f"{core}（深圳）有限责任公司", entry_id, "organisation_legal_form"))
    return positives


def build_negatives(samples: dict[str, list], rng: random.Random, count: int):
    """Names no listed name is one variant step from (checked against the loaded keys)."""
    from faker import Faker

    from watchlist import matching
    from watchlist.models import Entry, NameKey

    surnames, weights = _surnames()
    en = Faker("en_US")
    en.seed_instance(99)
    candidates: list[tuple[str, str]] = []
    people = samples["person_zh"]
    for _ in range(count * 3):
        kind = rng.random()
        if kind < 0.4:  # another surname for a listed given name: a near miss
            _id, name, _n = rng.choice(people)
            other = rng.choices(surnames, weights)[0]
            candidates.append((other + name[1:], "zh_other_surname"))
        elif kind < 0.75:  # a plausible name of the same shape
            given = "".join(rng.choice(GIVEN_POOL) for _ in range(rng.choice((1, 2, 2))))
            candidates.append((rng.choices(surnames, weights)[0] + given, "zh_random"))
        else:
            candidates.append((f"{en.first_name()} {en.last_name()}", "latin_random"))
    negatives: list[tuple[str, None, str]] = []
    for start in range(0, len(candidates), 500):
        batch = candidates[start : start + 500]
        queries = [(name, variant, matching.name_query(name)) for name, variant in batch]
        wanted = set().union(*(q.keys for _n, _v, q in queries if q))
        found: dict[tuple[str, str], set[int]] = {}
        rows = NameKey.objects.none()
        for kind in ("py", "pw", "lt"):
            values = [v for k, v in wanted if k == kind]
            rows = NameKey.objects.filter(kind=kind, value__in=values).values_list(
                "kind", "value", "entry_id"
            )
            for k, v, entry_id in rows:
                found.setdefault((k, v), set()).add(entry_id)
        ids = set().union(*found.values()) if found else set()
        stored = {
            pk: matching.stored_profile(n, s, c, organisation=kind in ("organisation",))
            for pk, kind, n, s, c in Entry.objects.filter(pk__in=ids).values_list(
                "pk", "kind", "match_name", "match_syllables", "match_canonical"
            )
        }
        for name, variant, query in queries:
            if query is None:
                continue
            related = set().union(*(found.get(key, set()) for key in query.keys))
            # A listed name one variant step away makes this a variant, not a negative.
            # The rules decide what a step is; for Latin names, edit distance one.
            if any(_is_variant(query, stored[pk]) for pk in related if pk in stored):
                continue
            negatives.append((name, None, variant))
            if len(negatives) >= count:
                return negatives
    return negatives


def _is_variant(query, stored) -> bool:
    """True when the listed name is a homophone, pinyin, order or typing-slip variant of
    the query by the definitions of the issue (the py and pw keys encode exactly those for
    Han names; Latin names are variants within one edit)."""
    from watchlist import matching

    if query.person.han and stored.han:
        if len(query.person.chars) != len(stored.chars):
            return False
        if query.person.canonical == stored.canonical:
            return True
        apart = [
            i
            for i in range(len(stored.syllables))
            if i < len(query.person.syllables) and query.person.syllables[i] != stored.syllables[i]
        ]
        return (
            len(stored.chars) >= 3
            and len(apart) == 1
            and apart[0] >= stored.surname_len
            and matching.near_syllables(
                query.person.syllables[apart[0]], stored.syllables[apart[0]]
            )
        )
    if not query.person.han and not stored.han:
        if query.person.latin and stored.latin:
            # One letter apart, the words in any order.
            orders = itertools.permutations(query.person.latin_words[:3])
            return matching.within_one_edit(query.person.latin, stored.latin) or any(
                matching.within_one_edit("".join(order), stored.latin_written) for order in orders
            )
        return query.person.canonical == stored.canonical
    return bool(query.person.canonical) and query.person.canonical == stored.canonical


# --- the HTTP client (its own process) -------------------------------------------------------


def _request(method: str, path: str, token: str, body: bytes = b"") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n"
        "Connection: keep-alive\r\n"
    )
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


async def _connection(requests, deadline, latencies, errors, offset):
    reader = writer = None
    i = offset
    while time.perf_counter() < deadline:
        if writer is None:
            reader, writer = await asyncio.open_connection(HOST, PORT)
        request = requests[i % len(requests)]
        i += 1
        started = time.perf_counter()
        writer.write(request)
        await writer.drain()
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer = None
            continue
        lower = head.lower()
        length = int(lower.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        await reader.readexactly(length)
        latencies.append((time.perf_counter() - started) * 1000)
        if not head.startswith(b"HTTP/1.1 200"):
            errors.append(head.split(b"\r\n", 1)[0].decode())
        if b"connection: close" in lower:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


def _load_process(requests, concurrency, seconds, queue):
    async def run():
        latencies: list[float] = []
        errors: list[str] = []
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _connection(requests, deadline, latencies, errors, k * len(requests) // concurrency)
                for k in range(concurrency)
            )
        )
        return latencies, errors, time.perf_counter() - started

    queue.put(asyncio.run(run()))


def drive(requests: list[bytes], *, concurrency: int, seconds: float) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_load_process, args=(requests, concurrency, seconds, queue))
    process.start()
    latencies, errors, elapsed = queue.get()
    process.join()
    if errors:
        log(f"  {len(errors)} non-200 answers, e.g. {errors[0]}")
    return {
        "count": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50": _p(latencies, 0.50),
        "p99": _p(latencies, 0.99),
        "errors": len(errors),
    }


def alternate(first: list[bytes], second: list[bytes], *, concurrency: int, seconds: float):
    """Drive two request sets in alternating slices; totals over all slices of each."""
    slices = 5
    totals: list[list[dict]] = [[], []]
    for _ in range(slices):
        for index, requests in enumerate((first, second)):
            totals[index].append(drive(requests, concurrency=concurrency, seconds=seconds / slices))
    summaries = []
    for runs in totals:
        count = sum(r["count"] for r in runs)
        elapsed = sum(r["count"] / r["rps"] for r in runs if r["rps"])
        summaries.append(
            {
                "count": count,
                "rps": round(count / elapsed, 1) if elapsed else 0.0,
                "errors": sum(r["errors"] for r in runs),
            }
        )
    return summaries


def _post_json(path: str, token: str, payload: dict) -> dict:
    import http.client

    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    body = json.dumps(payload).encode()
    connection.request(
        "POST",
        path,
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    data = json.loads(response.read())
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {data}")
    return data


# --- main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=15.0, help="per measured phase")
    parser.add_argument("--per-type", type=int, default=150, help="labelled variants per type")
    parser.add_argument("--negatives", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--latency-connections", type=int, default=1, help="concurrent requests for latency"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn worker class (gthread or sync)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database a --keep run left (no load; implies --keep)",
    )
    args = parser.parse_args()

    maintenance_url, bench_url = database_urls(DB_NAME)
    var_dir = tempfile.mkdtemp(prefix="fraudops-bench-screening-")
    server = None
    try:
        if args.reuse:
            args.keep = True
            log(f"reusing database {DB_NAME}")
            setup_django(bench_url, var_dir, broker=False)
        else:
            log(f"creating database {DB_NAME}")
            admin_sql(
                maintenance_url,
                f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)",
                f"CREATE DATABASE {DB_NAME}",
            )
            setup_django(bench_url, var_dir, broker=False)
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            from fraudops.core.demo_bank import demo_bank_build

            demo_bank_build()
        from fraudops.core.choices import ApiScope
        from fraudops.core.models import ApiClient, OrgUnit

        client = ApiClient(
            name=f"bench-core-banking-{int(time.time())}",
            unit=OrgUnit.objects.get(code="HO"),
            scopes=[ApiScope.SCREENING, ApiScope.WATCHLIST_READ],
        )
        token = client.issue_key()
        client.save()

        if args.reuse:
            from watchlist.models import Entry

            args.entries = Entry.objects.filter(status="active").count()
            samples = samples_from_db()
        else:
            log(f"generating and loading {args.entries:,} entries (2 processes, COPY)")
            started = time.monotonic()
            samples = load(args.entries, bench_url, var_dir)
            log(f"load took {time.monotonic() - started:.0f} s")

        rng = random.Random(2026)
        positives = build_labelled(samples, rng, args.per_type)
        negatives = build_negatives(samples, rng, args.negatives)
        kinds: dict[str, int] = {}
        for _q, _e, variant in positives + negatives:
            kinds[variant] = kinds.get(variant, 0) + 1
        log(f"labelled set: {len(positives)} variants, {len(negatives)} different names {kinds}")

        env = {
            **os.environ,
            "DATABASE_URL": bench_url,
            "DJANGO_SETTINGS_MODULE": "fraudops.settings.prod",
            "SECRET_KEY": "bench-screening-" + "x" * 40,
            "FRAUDOPS_VAR_DIR": var_dir,
            "DB_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "0",
        }
        env.pop("REDIS_URL", None)
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [
            gunicorn,
            "fraudops.wsgi:application",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ]
        log(
            f"starting gunicorn ({args.worker_class}, {args.workers} workers × {args.threads} "
            f"threads) on :{PORT}"
        )
        server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        check = urllib.request.Request(
            f"http://{HOST}:{PORT}/api/v1/watchlist/entries/1",
            headers={"Authorization": f"Bearer {token}"},
        )
        try:
            urllib.request.urlopen(check, timeout=10)
        except OSError as exc:
            raise RuntimeError(f"the server refused the bench's API client: {exc}") from None

        # Request sets.
        exact_requests = []
        for i in range(4000):
            pick = i % 5
            listed = i % 2 == 0
            if pick == 0:
                value = rng.choice(samples["id"])
                party = {
                    "id_number": value
                    if listed
                    else value[:-1] + ("0" if value[-1] != "0" else "1")
                }
            elif pick == 1:
                value = rng.choice(samples["account"])
                party = {"account": value if listed else "6228" + value[4:]}
            elif pick == 2:
                value = rng.choice(samples["phone"])
                party = {"phone": value if listed else "+86199" + value[6:]}
            elif pick == 3:
                value = rng.choice(samples["org"])
                party = {"org_code": value if listed else value[:17] + "0"}
            else:
                value = rng.choice(samples["url"])
                party = {
                    "url": ("https://" + value) if listed else f"https://other-{i}.example.org/"
                }
            body = json.dumps({"parties": [party]}).encode()
            exact_requests.append(_request("POST", "/api/v1/screening", token, body))
        # Names for the latency runs: the labelled set plus listed names as typed in Han
        # characters and in pinyin and names of the same shape, all distinct, so that a
        # measured request is never served from a per-process cache of a repeated name.
        from watchlist import matching

        name_queries = [q for q, _e, _v in positives + negatives]
        surnames, weights = _surnames()
        for _entry_id, name, _id in samples["person_zh"]:
            name_queries.append(name)
            name_queries.append(" ".join(w.capitalize() for w in matching.profile(name).syllables))
            given = "".join(rng.choice(GIVEN_POOL) for _ in range(rng.choice((1, 2, 2, 2))))
            name_queries.append(rng.choices(surnames, weights)[0] + given)
        name_queries = list(dict.fromkeys(name_queries))
        rng.shuffle(name_queries)
        warmup_names, name_queries = name_queries[:1000], name_queries[1000:]
        log(f"{len(name_queries)} distinct names for the name-screening runs")

        def name_request(query: str) -> bytes:
            body = json.dumps({"parties": [{"name": query}]}, ensure_ascii=False).encode()
            return _request("POST", "/api/v1/screening", token, body)

        name_requests = [name_request(q) for q in name_queries]
        warmup_name_requests = [name_request(q) for q in warmup_names]
        baseline_requests = [
            _request("GET", f"/api/v1/watchlist/entries/{entry_id}", token)
            for entry_id in samples["entry_ids"]
        ]

        log("warming up")
        drive(exact_requests, concurrency=4, seconds=3)
        drive(warmup_name_requests, concurrency=4, seconds=3)
        drive(baseline_requests, concurrency=4, seconds=3)

        log("machine load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        log(f"exact screening: latency ({args.latency_connections} connection(s))")
        exact_latency = drive(
            exact_requests, concurrency=args.latency_connections, seconds=args.seconds
        )
        log(f"  {exact_latency}")
        log(f"name screening: latency ({args.latency_connections} connection(s))")
        name_latency = drive(
            name_requests, concurrency=args.latency_connections, seconds=args.seconds
        )
        log(f"  {name_latency}")
        log("baseline: latency, for reference (same connections)")
        baseline_latency = drive(
            baseline_requests, concurrency=args.latency_connections, seconds=args.seconds
        )
        log(f"  {baseline_latency}")
        log(
            "throughput (16 connections): exact screening and the baseline "
            "GET /api/v1/watchlist/entries/<id>, alternating in slices so that a change in "
            "the machine's other load hits both alike"
        )
        exact_load, baseline_load = alternate(
            exact_requests, baseline_requests, concurrency=16, seconds=args.seconds
        )
        log(f"  exact: {exact_load}")
        log(f"  baseline: {baseline_load}")

        log("recall and precision of the labelled set")
        from watchlist.models import Entry

        # A variant is found when its listed name is among the hits: the entry it was made
        # from, or a namesake (a name cannot tell two 王伟 apart).
        wanted_ids = {expected for _q, expected, _v in positives}
        listed_name = dict(Entry.objects.filter(pk__in=wanted_ids).values_list("pk", "match_name"))
        labelled = positives + negatives
        tp = fp = fn = incomplete = 0
        misses: dict[str, int] = {}
        for start in range(0, len(labelled), 10):
            batch = labelled[start : start + 10]
            results = _post_json(
                "/api/v1/screening", token, {"parties": [{"name": q} for q, _e, _v in batch]}
            )["results"]
            hit_ids = {hit["entry_id"] for result in results for hit in result["hits"]}
            hit_name = dict(Entry.objects.filter(pk__in=hit_ids).values_list("pk", "match_name"))
            for (_query, expected, variant), result in zip(batch, results, strict=True):
                flagged = result["decision"] != "clear"
                incomplete += not result["complete"]
                names = {hit_name.get(hit["entry_id"]) for hit in result["hits"]}
                if expected is not None and flagged and listed_name[expected] in names:
                    tp += 1
                    continue
                if expected is not None:
                    fn += 1
                if flagged:
                    fp += 1
                if expected is not None or flagged:
                    misses[variant] = misses.get(variant, 0) + 1
        recall = round(tp / (tp + fn), 4) if tp + fn else None
        precision = round(tp / (tp + fp), 4) if tp + fp else None
        log(
            f"  tp={tp} fn={fn} fp={fp}; not finished in the time budget: {incomplete}; "
            f"misses by type: {misses}"
        )

        log("publication latency: approve a nomination, screen over HTTP until it hits")
        from fraudops.core.actors import Actor
        from fraudops.core.models import User
        from watchlist import services

        def actor(username):
            return Actor.for_user(User.objects.select_related("unit").get(username=username))

        from stdnum.cn import ric

        # A region the generator does not use, and a birth date and sequence of this run.
        born = datetime.date(1970, 1, 1) + datetime.timedelta(days=int(time.time()) % 15000)
        body = f"110102{born:%Y%m%d}{random.randrange(1000):03d}"
        new_id = body + ric.calc_check_digit(body + "0")
        nomination = services.nomination_create(
            actor=actor("monitor_bj"),
            kind="person",
            data={"name": "测试新增", "id_number": new_id},
            reason="基准测试：发布后可筛查的时延",
        )
        approved = time.monotonic()
        services.nomination_approve(
            actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="基准测试"
        )
        publish_ms = None
        while time.monotonic() - approved < 10:
            result = _post_json("/api/v1/screening", token, {"parties": [{"id_number": new_id}]})[
                "results"
            ][0]
            if result["decision"] == "hit":
                publish_ms = round((time.monotonic() - approved) * 1000, 1)
                break
        log(f"  screenable {publish_ms} ms after the approval was called (target < 5000 ms)")

        summary = {
            "exact_latency": exact_latency,
            "name_latency": name_latency,
            "baseline_latency": baseline_latency,
            "exact_throughput": exact_load,
            "baseline_throughput": baseline_load,
            "labelled": {"variants": len(positives), "different": len(negatives), **kinds},
            "publish_to_hit_ms": publish_ms,
            "server": f"gunicorn {args.worker_class} {args.workers}x{args.threads}",
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
        print(json.dumps(summary, ensure_ascii=False))
        result = {
            "entries": args.entries,
            "exact_p50_ms": exact_latency["p50"],
            "exact_p99_ms": exact_latency["p99"],
            "exact_rps": exact_load["rps"],
            "baseline_rps": baseline_load["rps"],
            "name_p50_ms": name_latency["p50"],
            "name_p99_ms": name_latency["p99"],
            "recall": recall,
            "precision": precision,
        }
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - cleanup must go on
            pass
        if not args.keep:
            log(f"dropping database {DB_NAME}")
            admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        shutil.rmtree(var_dir, ignore_errors=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the incident search box over 1,000,000 incidents on PostgreSQL.

    .venv/bin/python bench/search.py [--incidents 1000000] [--queries 1000] [--reload] [--drop]

What it does, on its own PostgreSQL database (`fraudops_searchbench`; the server from
BENCH_DATABASE_URL or DATABASE_URL, else the local one):

1. unless the database already holds exactly `--incidents` incidents with their search
   keys (then the load is skipped; `--reload` forces it), creates it, migrates, builds the
   demo bank, and loads in two processes with COPY: `--incidents` incidents (all seven
   types, at every branch) with, per incident, a victim (Chinese name, valid resident ID
   number, mobile), a payee account at this bank with its holder's name, and half the time
   a named payee with a phone and half the time a fraud vehicle (phishing web address or
   fraud phone): about 3 parties, accounts and vehicles per incident. Names come from a
   pool of 200,000 (common surnames and given-name characters), so a name is shared by
   about ten incidents, as common names are. Every search key is computed by the app's own
   code (`incidents.search.incident_keys`), so the keys are exactly what filing writes.
   Secondary indexes are dropped for the load, rebuilt after it, then VACUUM ANALYZE;
2. measures in one process, through the real code path (Django's test client: URL
   routing, API-client authentication, the list view, `selectors.incident_filter`, DRF
   pagination and serialization), interleaving the three kinds of request so that they
   share the machine's conditions:
   - identifier search: `GET /api/v1/incidents/?q=<id>` with a resident ID number (a
     quarter typed in full-width digits), a mobile (typed with spaces), an account number,
     a web address, a domain or an incident number of a loaded incident;
   - name search: `GET /api/v1/incidents/?q=<name>` with a loaded name in Simplified or
     Traditional characters or in pinyin ("Zhang Xiulan");
   - baseline: `GET /api/v1/incidents/<number>/`, the bare primary-key read of one
     incident (authentication, one keyed read with its prefetches, serialization).
   Each search is checked to find the incident it was made from.

The last line printed is one JSON object with: incidents, id_p99_ms, name_p99_ms,
baseline_p99_ms (plus p50s, the ratios, the keys loaded and whether the targets are met:
identifier p99 <= 2 x baseline, name p99 <= 4 x baseline). The database is kept for the
next run (`--drop` drops it at the end).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import io
import json
import multiprocessing
import random
import shutil
import sys
import tempfile
import time
from types import SimpleNamespace
from urllib.parse import quote

from _common import admin_sql, database_urls, log, percentile, setup_django

DB_NAME = "fraudops_searchbench"
TABLES = (
    "incidents_incident",
    "incidents_party",
    "incidents_account",
    "incidents_vehicle",
    "incidents_searchkey",
)
INCIDENT_COLUMNS = (
    "id, number, incident_type_id, playbook_id, state, unit_id, external_reference, "
    "occurred_at, filed_at, summary, channel, fraud_script, fraud_script_detail, amount_lost, "
    "amount_recovered, amount_prevented, outcome, serious, state_reason, updated_at"
)
PARTY_COLUMNS = "id, incident_id, role, name, id_type, id_number, phone, staff_role, notes"
ACCOUNT_COLUMNS = (
    "id, incident_id, party_id, role, kind, number, holder_name, bank_name, at_this_bank, "
    "opening_unit_id"
)
VEHICLE_COLUMNS = "id, incident_id, kind, value, normalized, notes"
KEY_COLUMNS = "incident_id, kind, key"
NAME_POOL = 200_000
PER_YEAR = 500_000  # incident numbers FI-<year>-<6 digits>
ID_TARGET_RATIO, NAME_TARGET_RATIO = 2.0, 4.0

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉玲建国志文云梅海林亮成波宇浩凯"
    "健俊帆帅旭宁龙欢佳阳峰晨瑞兵雷东博彬坤婷雪琳慧颖倩晶燕莉琴鑫斌荣新春清晓小嘉子梓涵欣怡雨思"
    "诗若一可家泽宸睿轩皓逸昊天然铭宏毅峻伦翔鸿飞鹤程立振庆胜利福贵财金银宝珠琪璐瑶露蕾薇蓉芬芝"
    "莲菊凤鸣丹青山川江河湖洪涌泉溪淼森松柏杨柳桃杏竹菲蓓蔚茜茹萌蒙蕊岚岩崇嵩巍威武卫保安康乐喜"
)
REGIONS = ["110101", "110105", "110108", "310101", "310104", "440103", "440305", "510104"]
WORDS = ["secure", "verify", "bank", "pay", "login", "refund", "tax", "service", "help", "card"]
TLDS = ["com", "cn", "com.cn", "net", "top", "xyz", "vip"]
CHANNELS = ["counter", "atm", "online_banking", "mobile_banking", "phone_banking"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _p(values: list[float], q: float) -> float | None:
    value = percentile(values, q)
    return round(value, 2) if value is not None else None


def _name(i: int) -> str:
    rng = random.Random(i * 7919 + 17)
    given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.25 else 2))
    return SURNAMES[min(int(rng.expovariate(1 / 18)), len(SURNAMES) - 1)] + given


def _resident_id(rng: random.Random) -> str:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000))
    body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _mobile(rng: random.Random) -> str:
    return f"+861{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _generate_chunk(task: tuple[int, int, dict, str, str]) -> dict:
    """COPY text for incidents start..stop-1 and their rows, plus samples for the queries."""
    start, stop, refs, bench_url, var_dir = task
    setup_django(bench_url, var_dir, broker=False)
    from fraudops.core import chinese
    from incidents import search
    from incidents.search import incident_keys

    # A name's keys are a pure function of the name: compute each of the pool's once.
    if not hasattr(search.name_pairs, "cache_info"):
        search.name_pairs = functools.lru_cache(maxsize=None)(search.name_pairs)
    rng = random.Random(start)
    out = {table: io.StringIO() for table in TABLES}
    samples: dict[str, list] = {"id": [], "name": []}
    filed0 = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    span = 2 * 365 * 86400
    for i in range(start, stop):
        pk = i + 1
        year = 2024 + i // PER_YEAR
        number = f"FI-{year}-{i % PER_YEAR + 1:06d}"
        kind, playbook = refs["types"][i % len(refs["types"])]
        unit = refs["branches"][(i * 31) % len(refs["branches"])]
        filed = filed0 + datetime.timedelta(seconds=(i * span) // refs["total"])
        reference = f"CB{year}{i:08d}" if i % 3 == 0 else ""
        incident = SimpleNamespace(number=number, external_reference=reference)
        out["incidents_incident"].write(
            f"{pk}\t{number}\t{kind}\t{playbook}\tbranch_handling\t{unit}\t{reference}\t"
            f"{filed.isoformat()}\t{filed.isoformat()}\t客户被冒充公检法人员诱骗转账\t"
            f"{CHANNELS[i % len(CHANNELS)]}\t\t\t{(i % 997) * 100}.00\t0.00\t0.00\tunknown\t"
            f"{'t' if i % 10 == 0 else 'f'}\t\t{filed.isoformat()}\n"
        )
        victim = SimpleNamespace(
            name=_name(rng.randrange(NAME_POOL)),
            id_type="resident_id",
            id_number=_resident_id(rng),
            phone=_mobile(rng),
        )
        parties = [victim]
        out["incidents_party"].write(
            f"{pk * 2}\t{pk}\tvictim\t{victim.name}\tresident_id\t{victim.id_number}\t"
            f"{victim.phone}\t\t\n"
        )
        holder = _name(rng.randrange(NAME_POOL))
        account = SimpleNamespace(number=f"6217{rng.randrange(10**15):015d}", holder_name=holder)
        out["incidents_account"].write(
            f"{pk}\t{pk}\t\\N\tpayee\taccount\t{account.number}\t{holder}\t本行\tt\t{unit}\n"
        )
        vehicles = []
        if i % 2 == 0:
            payee = SimpleNamespace(name=holder, id_type="", id_number="", phone=_mobile(rng))
            parties.append(payee)
            out["incidents_party"].write(
                f"{pk * 2 + 1}\t{pk}\tpayee\t{holder}\t\t\t{payee.phone}\t\t\n"
            )
        else:
            if i % 4 == 1:
                host = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}{i}.{rng.choice(TLDS)}"
                value = f"https://www.{host}/login"
                normalized = chinese.normalize_url(value)[0]
                vehicle = SimpleNamespace(kind="phishing_url", value=value, normalized=normalized)
            else:
                phone = _mobile(rng)
                vehicle = SimpleNamespace(kind="fraud_phone", value=phone, normalized=phone)
            vehicles.append(vehicle)
            out["incidents_vehicle"].write(
                f"{pk}\t{pk}\t{vehicle.kind}\t{vehicle.value}\t{vehicle.normalized}\t\n"
            )
        for key_kind, key in sorted(
            incident_keys(incident, parties=parties, accounts=[account], vehicles=vehicles)
        ):
            out["incidents_searchkey"].write(f"{pk}\t{key_kind}\t{key}\n")
        if i % refs["sample_every"] == 0:
            full_width = victim.id_number.translate(
                {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}
            )
            which = (i // refs["sample_every"]) % 6
            typed = [
                victim.id_number,
                full_width,
                f"{victim.phone[3:6]} {victim.phone[6:10]} {victim.phone[10:]}",
                account.number,
                number,
                vehicles[0].value if vehicles and vehicles[0].kind == "phishing_url" else number,
            ][which]
            samples["id"].append((typed, number))
            samples["name"].append((victim.name, number))
    return {
        "copy": {table: buffer.getvalue() for table, buffer in out.items()},
        "samples": samples,
    }


def _drop_indexes(cursor) -> list[str]:
    """Drop the secondary indexes and constraints of the loaded tables (not their primary
    keys); return the statements that rebuild them."""
    rebuild: list[str] = []
    for table in TABLES:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f', 'c') ORDER BY contype DESC",
            [table],
        )
        constraints = cursor.fetchall()
        names = {c[0] for c in constraints}
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT LIKE %s",
            [table, "%_pkey"],
        )
        for name, definition in cursor.fetchall():
            if name not in names:
                cursor.execute(f'DROP INDEX "{name}"')
                rebuild.append(definition)
        for name, definition, _type in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    rebuild.sort(key=lambda s: "FOREIGN KEY" in s)
    return rebuild


def sample_every(total: int, queries: int) -> int:
    return max(1, total // (queries + queries // 10 + 1))


def load(total: int, queries: int, bench_url: str, var_dir: str) -> dict[str, list]:
    from django.db import connection

    from fraudops.core.choices import Level
    from fraudops.core.models import OrgUnit
    from workflows.models import Playbook

    refs = {
        "total": total,
        "sample_every": sample_every(total, queries),
        "types": [
            (p.incident_type.code, p.pk)
            for p in Playbook.objects.filter(is_current=True).select_related("incident_type")
        ],
        "branches": list(OrgUnit.objects.filter(level=Level.BRANCH).values_list("pk", flat=True)),
    }
    with connection.cursor() as cursor:
        rebuild = _drop_indexes(cursor)
    connection.close()
    import psycopg2

    chunk = 20_000
    tasks = [
        (start, min(start + chunk, total), refs, bench_url, var_dir)
        for start in range(0, total, chunk)
    ]
    columns = {
        "incidents_incident": INCIDENT_COLUMNS,
        "incidents_party": PARTY_COLUMNS,
        "incidents_account": ACCOUNT_COLUMNS,
        "incidents_vehicle": VEHICLE_COLUMNS,
        "incidents_searchkey": KEY_COLUMNS,
    }
    samples: dict[str, list] = {"id": [], "name": []}
    raw = psycopg2.connect(bench_url)
    raw.autocommit = True
    done = 0
    with multiprocessing.get_context("spawn").Pool(2) as pool, raw.cursor() as cursor:
        for result in pool.imap_unordered(_generate_chunk, tasks):
            for table in TABLES:
                cursor.copy_expert(
                    f"COPY {table} ({columns[table]}) FROM STDIN",
                    io.StringIO(result["copy"][table]),
                )
            for key, values in result["samples"].items():
                samples[key].extend(values)
            done += chunk
            if done % 100_000 < chunk:
                log(f"  {min(done, total):,} incidents loaded")
    with raw.cursor() as cursor:
        log("building indexes and constraints")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in rebuild:
            cursor.execute(statement)
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        log("VACUUM ANALYZE")
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    raw.close()
    return samples


def samples_from_db(total: int, count: int) -> dict[str, list]:
    """Queries from a database a previous run loaded (the load is skipped)."""
    from django.db import connection

    samples: dict[str, list] = {"id": [], "name": []}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.number, p.name, p.id_number, p.phone, a.number, v.value "
            "FROM incidents_incident i "
            "JOIN incidents_party p ON p.incident_id = i.id AND p.role = 'victim' "
            "JOIN incidents_account a ON a.incident_id = i.id "
            "LEFT JOIN incidents_vehicle v ON v.incident_id = i.id AND v.kind = 'phishing_url' "
            "WHERE i.id %% %s = 1 ORDER BY i.id LIMIT %s",
            [sample_every(total, count), count],
        )
        for n, (number, name, id_number, phone, account, url) in enumerate(cursor.fetchall()):
            full_width = id_number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
            typed = [
                id_number,
                full_width,
                f"{phone[3:6]} {phone[6:10]} {phone[10:]}",
                account,
                number,
                url or number,
            ][n % 6]
            samples["id"].append((typed, number))
            samples["name"].append((name, number))
    return samples


def _name_variants(samples: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each name as typed three ways: Simplified, Traditional, pinyin ("Zhang Xiulan")."""
    from opencc import OpenCC

    from fraudops.core import chinese

    s2t = OpenCC("s2t")
    variants = []
    for n, (name, number) in enumerate(samples):
        way = n % 3
        if way == 0:
            typed = name
        elif way == 1:
            typed = s2t.convert(name)
        else:
            syllables = chinese.name_syllables(name)
            typed = f"{syllables[0].title()} {''.join(syllables[1:]).title()}"
        variants.append((typed, number))
    return variants


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000, help="requests of each kind")
    parser.add_argument("--reload", action="store_true", help="load again even if loaded")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()

    maintenance_url, bench_url = database_urls(DB_NAME)
    var_dir = tempfile.mkdtemp(prefix="fraudops-bench-search-")
    try:
        loaded = 0
        if not args.reload:
            try:
                import psycopg2

                probe = psycopg2.connect(bench_url)
                with probe.cursor() as cursor:
                    cursor.execute(
                        "SELECT (SELECT count(*) FROM incidents_incident), "
                        "(SELECT count(*) > 0 FROM incidents_searchkey) AND EXISTS "
                        "(SELECT 1 FROM pg_indexes WHERE indexname = 'searchkey_key_kind')"
                    )
                    count, has_keys = cursor.fetchone()
                    loaded = count if has_keys else 0
                probe.close()
            except psycopg2.Error:  # no database yet, or not migrated: load it
                loaded = 0
        if loaded == args.incidents:
            log(f"{DB_NAME} already holds {loaded:,} incidents: skipping the load")
            setup_django(bench_url, var_dir, broker=False)
            samples = samples_from_db(loaded, args.queries)
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
            log(f"generating and loading {args.incidents:,} incidents (2 processes, COPY)")
            started = time.monotonic()
            samples = load(args.incidents, args.queries, bench_url, var_dir)
            log(f"load took {time.monotonic() - started:.0f} s")

        from django.db import connection
        from django.test import Client

        from fraudops.core.choices import ApiScope
        from fraudops.core.models import ApiClient, OrgUnit

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM incidents_party), "
                "(SELECT count(*) FROM incidents_account), "
                "(SELECT count(*) FROM incidents_vehicle), "
                "(SELECT reltuples::bigint FROM pg_class WHERE relname = 'incidents_searchkey')"
            )
            parties, accounts, vehicles, keys = cursor.fetchone()
        log(
            f"{parties:,} parties, {accounts:,} accounts, {vehicles:,} vehicles "
            f"({parties + accounts + vehicles:,} in all), ~{keys:,} search keys"
        )
        api_client = ApiClient(
            name=f"bench-search-{int(time.time())}",
            unit=OrgUnit.objects.get(code="HO"),
            scopes=[ApiScope.INCIDENTS_READ],
        )
        token = api_client.issue_key()
        api_client.save()
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="application/json")

        rng = random.Random(2026)
        id_queries = samples["id"][: args.queries]
        name_queries = _name_variants(samples["name"][: args.queries])
        numbers = [number for _typed, number in samples["id"]]
        rng.shuffle(id_queries)
        rng.shuffle(name_queries)
        rng.shuffle(numbers)

        def timed(url: str) -> tuple[float, dict]:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")
            return elapsed, response.json()

        def search_url(text: str) -> str:
            return f"/api/v1/incidents/?q={quote(text)}"

        log("warming up")
        for typed, number in id_queries[:50] + name_queries[:50]:
            timed(search_url(typed))
            timed(f"/api/v1/incidents/{number}/")
        times: dict[str, list[float]] = {"id": [], "name": [], "baseline": []}
        missed: dict[str, list[str]] = {"id": [], "name": []}
        hits: dict[str, list[int]] = {"id": [], "name": []}
        log(f"measuring {len(id_queries)} + {len(name_queries)} searches and as many reads")
        rounds = max(len(id_queries), len(name_queries))
        for n in range(rounds):
            for kind, queries in (("id", id_queries), ("name", name_queries)):
                if n < len(queries):
                    typed, number = queries[n]
                    elapsed, body = timed(search_url(typed))
                    times[kind].append(elapsed)
                    found = [row["number"] for row in body["results"]]
                    hits[kind].append(body["count"])
                    if number not in found and body["count"] <= len(found):
                        missed[kind].append(typed)
            elapsed, _body = timed(f"/api/v1/incidents/{numbers[n % len(numbers)]}/")
            times["baseline"].append(elapsed)

        baseline = _p(times["baseline"], 0.99) or 0.0
        result = {
            "incidents": loaded if loaded == args.incidents else args.incidents,
            "id_p99_ms": _p(times["id"], 0.99),
            "name_p99_ms": _p(times["name"], 0.99),
            "baseline_p99_ms": baseline,
            "id_p50_ms": _p(times["id"], 0.5),
            "name_p50_ms": _p(times["name"], 0.5),
            "baseline_p50_ms": _p(times["baseline"], 0.5),
            "id_ratio": round((_p(times["id"], 0.99) or 0) / baseline, 2) if baseline else None,
            "name_ratio": round((_p(times["name"], 0.99) or 0) / baseline, 2) if baseline else None,
            "parties_accounts_vehicles": parties + accounts + vehicles,
            "search_keys": keys,
            "id_missed": len(missed["id"]),
            "name_missed": len(missed["name"]),
            "name_hits_p50": _p([float(h) for h in hits["name"]], 0.5),
            "name_hits_max": max(hits["name"], default=0),
        }
        result["meets_target"] = bool(
            baseline
            and result["id_p99_ms"] <= ID_TARGET_RATIO * baseline
            and result["name_p99_ms"] <= NAME_TARGET_RATIO * baseline
        )
        log(
            f"identifier search p50 {result['id_p50_ms']} ms, p99 {result['id_p99_ms']} ms "
            f"({result['id_ratio']}x baseline; target <= {ID_TARGET_RATIO}x)"
        )
        log(
            f"name search       p50 {result['name_p50_ms']} ms, p99 {result['name_p99_ms']} ms "
            f"({result['name_ratio']}x baseline; target <= {NAME_TARGET_RATIO}x)"
        )
        log(
            f"baseline read     p50 {result['baseline_p50_ms']} ms, p99 {baseline} ms "
            f"(GET /api/v1/incidents/<number>/)"
        )
        if missed["id"] or missed["name"]:
            log(f"searches that missed their incident: {missed['id'][:5]} {missed['name'][:5]}")
        print(json.dumps(result), flush=True)
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)
        if args.drop:
            admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())

"""Credit projection catch-up over a realistic credit log, with row checks and a write floor
(run through `python -m bench.credit --only catch_up`).

The log, per entity: a penalty case opened, decided and published (a quarter also pay the fine
and fulfil the decision, half of those then have the penalty repaired: a repair applied and
approved); a commitment accepted and verified (a tenth found false); an abnormal listing (a ground
arisen and listed; a third get a second ground; half are cured and so removed, a tenth removed by
repair with their open grounds closed); one in twenty penalties is heavier and puts the entity
through the serious-list procedure (notice, half with a statement and its answer, listed with the
legal representative; a third then removed). Events no credit projection handles (the
aggregates' `Opened`) are recorded too and skipped by the runner's topic filter.

Row checks: the rows of each table the credit projections write equal what the aggregates that
recorded the events say (keys, statuses, dates, versions), the dump after each catch-up from 0
equals the first one, and the write floor's rows equal the runner's.

References in the same run: the write floor (the runner's rows, dumped, written again with raw
SQL into the same emptied tables, same keys and indexes, in as many transactions as the runner
committed, each with its tracking updates: executemany on SQLite, COPY on PostgreSQL as the
runner's long insert runs use) and the raw read-and-fold (read every notification the runner
reads, decode it).
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from uuid import NAMESPACE_URL, uuid5

import sqlalchemy as sa

from bench.common import Timer, fresh_platform, report
from credit.commitments.commitment import Commitment, CommitmentData
from credit.commitments.tables import commitments
from credit.lists.abnormal import AbnormalListing
from credit.lists.serious import ListingNotice, SeriousListing
from credit.lists.tables import abnormal_grounds, abnormal_listings, serious_listings
from credit.penalties.case import Decision, PenaltyCase
from credit.penalties.tables import penalties
from credit.persons.tables import listing_persons
from credit.repair.case import RepairCase
from credit.repair.tables import repair_applications
from credit.rules import DEFAULT_RULES

RULES = DEFAULT_RULES
TODAY = date(2030, 1, 1)
# every table the credit log's events of this mix write, and the columns the row check reads
CHECKED = {
    penalties: ("case_id", "status", "heavier_penalty", "published_on", "fine_paid_on",
                "fulfilled_on", "repaired_on", "version"),
    commitments: ("commitment_id", "status", "verified_on", "version"),
    abnormal_listings: ("listing_id", "cycle", "status", "listed_on", "removed_on",
                        "removal_reason", "version"),
    abnormal_grounds: ("listing_id", "ground_key", "status", "cured_on"),
    repair_applications: ("repair_id", "attempt", "record_key", "status", "decided_on",
                          "version"),
    serious_listings: ("listing_id", "cycle", "status", "statement_on", "answered_on",
                       "listed_on", "removed_on", "version"),
    listing_persons: ("listing_id", "cycle", "name"),
}
WRITTEN = tuple(CHECKED)


def _uuid(kind: str, i: int):  # noqa: ANN202
    return uuid5(NAMESPACE_URL, f"bench:{kind}:{i}")


def entity_aggregates(i: int, expect: dict[str, set]) -> list:
    """The aggregates of entity `i`, their events pending, and the rows they imply."""
    code, rules, heavy = f"91{i:016d}", RULES, i % 20 == 0
    case = PenaltyCase(id=_uuid("p", i), uscc=code, department="market_regulation",
                       opened_on=date(2025, 9, 1), inspection_task_id=None, notes="")
    case.decide(Decision(f"罚{i}", "v", "b", ["fine"], "ordinary", date(2025, 9, 26), heavy,
                         Decimal(200_000), None), rules.publicity, TODAY)
    case.publish(date(2025, 10, 9), rules.publicity, TODAY)
    out: list = [case]
    repaired_on = None
    if i % 4 == 1:
        case.pay_fine(date(2025, 10, 20), TODAY)
        case.fulfil(date(2025, 10, 21), TODAY)
        if i % 8 == 1 and not heavy:
            target = case.repair_target(rules, date(2026, 2, 2))
            repair = RepairCase.open(target)
            repair.apply(target, date(2026, 2, 2), "承诺守信", ["已整改"], TODAY)
            repaired_on = date(2026, 2, 20)
            repair.decide(True, repaired_on, "审核人", "同意", TODAY)
            out.append(repair)
            expect["repair_applications"].add((repair.id.hex, 1, case.id.hex, "approved",
                                               repaired_on, repair.version))
    expect["penalties"].add((case.id.hex, "published", heavy, date(2025, 10, 9),
                             case.fine_paid_on, case.fulfilled_on, repaired_on, case.version))

    c = Commitment.accept(CommitmentData(code, "permit", "c", "d", date(2025, 3, 3)), rules)
    false = i % 10 == 3
    c.verify("false" if false else "fulfilled", date(2025, 4, 1), "online",
             "虚假承诺" if false else "", TODAY)
    out.append(c)
    expect["commitments"].add((c.id.hex, "false" if false else "fulfilled", date(2025, 4, 1),
                               c.version))

    a = AbnormalListing(id=_uuid("a", i), uscc=code, marked=False)
    lid = a.id.hex
    a.raise_ground("annual_report:2025", "annual_report", date(2026, 7, 1),
                   rules.abnormal_list, TODAY)
    keys = ["annual_report:2025"]
    if i % 3 == 0:
        a.raise_ground(f"result:{i}", "unreachable", date(2026, 7, 2), rules.abnormal_list, TODAY)
        keys.append(f"result:{i}")
    a.list_if_due(TODAY, rules.abnormal_list)
    listed_on = a.listed_on
    grounds = dict.fromkeys(keys, ("open", None))
    if i % 2 == 0:   # every ground cured: removed as cured
        for key in keys:
            a.cure(key, date(2026, 8, 3), "filed", rules.abnormal_list, TODAY)
            grounds[key] = ("cured", date(2026, 8, 3))
        removal = ("removed", date(2026, 8, 3), "cured")
    elif i % 10 == 1:   # removed by repair: its open grounds close with it
        a.remove(date(2026, 9, 1), "repaired", TODAY)
        grounds = dict.fromkeys(keys, ("closed", None))
        removal = ("removed", date(2026, 9, 1), "repaired")
    else:
        removal = ("listed", None, None)
    out.append(a)
    expect["abnormal_listings"].add((lid, 1, removal[0], listed_on, removal[1], removal[2],
                                     a.version))
    expect["abnormal_grounds"].update((lid, k, s, on) for k, (s, on) in grounds.items())

    if heavy:
        s = SeriousListing(id=_uuid("s", i), uscc=code)
        s.give_notice(ListingNotice(f"告{i}", "heavier_penalty", "较重处罚",
                                    date(2025, 11, 3), case.id), TODAY)
        stated = answered = None
        if i % 40 == 0:
            stated, answered = date(2025, 11, 5), date(2025, 11, 10)
            s.record_statement(stated, "陈述", False, TODAY)
            s.answer_statement(answered, "不予采纳", False, "审核人", TODAY)
        s.decide(True, f"列{i}", date(2025, 12, 15), "", RULES, TODAY,
                 representative={"uscc": code, "name": f"法人{i}", "person_key": f"k{i}",
                                 "id_masked": "1101**********1234"})
        removed_on = None
        if i % 60 == 0:
            removed_on = date(2026, 3, 1)
            s.remove(removed_on, "decision_revoked", TODAY)
        out.append(s)
        expect["serious_listings"].add((s.id.hex, 1, "removed" if removed_on else "listed",
                                        stated, answered, date(2025, 12, 15), removed_on,
                                        s.version))
        expect["listing_persons"].add((s.id.hex, 1, f"法人{i}"))
    return out


def record_log(p, n_events: int, handled: set[type]) -> tuple[int, int, dict[str, set]]:  # noqa: ANN001
    """About `n_events` events on the credit log: (recorded, handled by a projection, the rows
    they imply per table)."""
    expect: dict[str, set] = {t.name: set() for t in WRITTEN}
    made = kept = i = 0
    while made < n_events:
        batch = []
        for _ in range(100):
            i += 1
            batch += entity_aggregates(i, expect)
        for agg in batch:
            for e in agg.pending_events:
                made += 1
                kept += type(e) in handled
        p.credit.save(*batch)
    return made, kept, expect


def dump(conn: sa.Connection) -> dict[str, list[tuple]]:
    return {t.name: [tuple(r) for r in conn.execute(
        sa.select(t).order_by(*t.primary_key.columns))] for t in WRITTEN}


def check_rows(conn: sa.Connection, expect: dict[str, set]) -> None:
    """Each table's rows, in the checked columns, equal what the aggregates recorded."""
    for table, columns in CHECKED.items():
        got = {tuple(r) for r in conn.execute(sa.select(*[table.c[c] for c in columns]))}
        want = expect[table.name]
        assert got == want, (table.name, len(got), len(want), sorted(got ^ want)[:4])


def read_and_fold_seconds(app, topics: list[str]) -> float:  # noqa: ANN001
    """Read every notification the runner reads (same topic filter), decode it."""
    with Timer() as t:
        start = 0
        while batch := app.recorder.select_notifications(start=start, limit=500, topics=topics,
                                                         inclusive_of_start=False):
            for note in batch:
                app.mapper.to_domain_event(note)
            start = batch[-1].id
    return t.seconds


def write_floor_seconds(p, dumped: dict[str, list[tuple]], transactions: int,  # noqa: ANN001
                        names: list[str]) -> float:
    """The runner's rows written again with raw SQL into the emptied tables, in as many
    transactions as the runner committed, each with the runner's tracking updates."""
    engine = p.engine
    with engine.begin() as conn:
        for t in reversed(WRITTEN):
            conn.execute(t.delete())
    pg = engine.dialect.name == "postgresql"
    style = "%s" if pg else "?"
    columns = {t.name: ", ".join(f'"{c.name}"' for c in t.columns) for t in WRITTEN}
    sqls = {t.name: f"INSERT INTO {t.name} ({columns[t.name]}) VALUES "
                    f"({', '.join([style] * len(t.columns))})" for t in WRITTEN}
    track = f"UPDATE projection_tracking SET position = {style} WHERE projection = {style}"
    # the driver's values (SQLite takes no Decimal), converted before the clock starts
    bound = {}
    for t in WRITTEN:
        procs = [c.type._cached_bind_processor(engine.dialect) for c in t.columns]
        bound[t.name] = [tuple(v if f is None or v is None else f(v) for f, v in zip(procs, r))
                         for r in dumped[t.name]]
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with Timer() as t:
            for i in range(transactions):
                for table in WRITTEN:
                    part = bound[table.name]
                    size = -(-len(part) // transactions)
                    if not (chunk := part[i * size:(i + 1) * size]):
                        continue
                    if pg:
                        with cur.copy(f"COPY {table.name} ({columns[table.name]}) "
                                      "FROM STDIN") as copy:
                            for row in chunk:
                                copy.write_row(row)
                    else:
                        cur.executemany(sqls[table.name], chunk)
                for name in names:
                    cur.execute(track, (i + 1, name))
                raw.commit()
    finally:
        raw.close()
    return t.seconds


def _best_catch_up(p, runner, kept: int, expect: dict[str, set],  # noqa: ANN001
                   dumped: dict | None) -> tuple[float, int, dict]:
    """The best of three catch-ups from position 0: (seconds, transactions, rows dumped);
    every one's rows checked (against the aggregates, or the first dump)."""
    best, txns = float("inf"), 0
    for _ in range(3):   # a shared machine is noisy
        runner.reset()
        batches: list[int] = []
        start = time.perf_counter()
        assert runner.catch_up(on_progress=batches.append) == kept
        best, txns = min(best, time.perf_counter() - start), len(batches)
        with p.engine.connect() as conn:
            if dumped is None:
                check_rows(conn, expect)
                dumped = dump(conn)
            else:
                assert dump(conn) == dumped, "a catch-up from 0 wrote other rows"
    return best, txns, dumped


def bench_catch_up(backend: str, n_events: int) -> list[str]:
    lines = []
    with fresh_platform(backend) as p:
        runner = p.runners["credit"]
        handled = {t for pr in runner.projections for t in pr._handlers}
        made, kept, expect = record_log(p, n_events, handled)
        fold = min(read_and_fold_seconds(p.credit, runner.topics) for _ in range(3))
        dumped = None
        # the runner's own batch sizes (the whole backlog, up to its maximum, when far
        # behind), then 500 events a transaction as near the head of the log
        for batch in (None, 500):
            if batch is not None:
                runner.batch_size = runner.max_batch_size = batch
            best, txns, dumped = _best_catch_up(p, runner, kept, expect, dumped)
            floor = min(write_floor_seconds(p, dumped, txns, runner.names) for _ in range(3))
            with p.engine.connect() as conn:
                assert dump(conn) == dumped
            rows = sum(len(v) for v in dumped.values())
            what = (f"[{backend}] credit catch-up ({kept:,} events handled of {made:,}, "
                    f"{rows:,} rows in {len(WRITTEN)} tables, {txns} txns"
                    f"{'' if batch is None else f' of {batch}'}, best of 3)")
            lines += [report(what, kept, best, "write floor (same rows, tables, txns)", floor),
                      report(what, kept, best, "raw read-and-fold", fold)]
    return lines

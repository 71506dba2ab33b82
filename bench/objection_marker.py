"""Same-run cost of the 异议 section in the public credit record's one statement.

    python -m bench.objection_marker sqlite postgres

2,000 entities, 400 published penalties, 200 open objections; 3,000 lookups of the record's
OneTrip six times each, with the objections section and without it (the reference), alternating
in the same process and connection.
"""
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from credit.objections.aggregate import RecordRef
from credit.record import public as pub
from kernel.clock import today_in_china
from kernel.db import OneTrip
from opencheck.bootstrap import bootstrap
from opencheck.migrate import upgrade
from tests.conftest import make_settings, postgres_schema
from tests.factories import decision, entity


def run(backend):
    tmp = Path(tempfile.mkdtemp())
    gen = postgres_schema() if backend == "postgres" else iter([None])
    schema = next(gen)
    s = make_settings(backend, tmp, schema)
    upgrade(s); p = bootstrap(s)
    t = today_in_china()
    N = 2000
    p.supervision.register_entities([entity(i) for i in range(N)]); p.settle()
    codes = [entity(i).uscc for i in range(N)]
    for i in range(0, 400):
        case = p.credit.open_penalty(codes[i], "market_regulation", t - timedelta(days=30), t)
        p.credit.decide_penalty(case, decision(i + 1, decided_on=t - timedelta(days=20)), t)
        p.credit.publish_penalty(case, t - timedelta(days=10), t)
    p.catch_up()
    for i in range(0, 400, 2):
        p.credit.file_objection(RecordRef("penalty", codes[i], decision(i + 1).decision_no),
                                "x", "n", "13800000000", t)
    p.catch_up()
    from credit.lists.public import ENTRIES_OF
    from credit.objections.views import OPEN_OF_ENTITY
    from credit.penalties.views import PUBLIC_PENALTIES_OF
    from supervision.directory.views import PUBLIC_ENTITY
    from supervision.tasks.views import PUBLISHED_OF_ENTITY
    base = dict(entity=(PUBLIC_ENTITY, ()), **{n: ENTRIES_OF[n] for n in pub.LISTS},
                inspections=PUBLISHED_OF_ENTITY, penalties=PUBLIC_PENALTIES_OF,
                false_commitments=pub._FALSE_COMMITMENTS)
    ref = OneTrip(**base, positions=pub._POSITIONS)
    full = OneTrip(**base, objections=OPEN_OF_ENTITY, positions=pub._POSITIONS)
    rng = random.Random(1); sample = [rng.choice(codes[:800]) for _ in range(3000)]
    timings = {"with objections": 0.0, "reference (without)": 0.0}
    with p.engine.connect() as conn:
        for trip in (full, ref):
            trip.run(conn, pub.record_params(sample[0], t))
        for k in range(6):
            for name, trip in (("with objections", full), ("reference (without)", ref)):
                start = time.perf_counter()
                for c in sample:
                    trip.run(conn, pub.record_params(c, t))
                timings[name] += time.perf_counter() - start
    per = {k: v / (6 * len(sample)) * 1e3 for k, v in timings.items()}
    print(backend, {k: round(v, 3) for k, v in per.items()}, "ratio",
          round(per["with objections"] / per["reference (without)"], 3))
    p.close()
    for _ in gen: pass

for b in sys.argv[1:]:
    run(b)

"""`record_penalties` (a history's cases in one write) records, per case, the events that
opening, deciding and publishing one command at a time record, and refuses a write with a
decision number used twice (in it or before it) or an unknown entity, writing nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest

from credit.penalties.case import PenaltyCase
from credit.penalties.use_cases import PastPenalty
from kernel.errors import Conflict, NotFound
from tests.factories import decision, entity
from tests.integration.credit_helpers import register

OPENED = date(2025, 9, 1)
DECIDED, PUBLISHED = date(2025, 9, 26), date(2025, 9, 30)


def _events(platform, case_id) -> list[tuple[str, dict]]:
    out = []
    for e in platform.credit.recorder.select_events(case_id):
        state = json.loads(e.state)
        for varying in ("timestamp", "originator_id", "id", "uscc", "decision_no"):
            state.pop(varying, None)
        out.append((e.topic.rsplit(".", 1)[-1], state))
    return out


class RecordPenaltiesScenario:
    backend = "sqlite"

    def test_one_write_records_what_three_commands_record(self, platform):
        register(platform, [1, 2, 3])
        credit, (a, b, c) = platform.credit, (entity(i).uscc for i in (1, 2, 3))
        single = credit.open_penalty(a, "market_regulation", OPENED, OPENED)
        credit.decide_penalty(single, decision(1), DECIDED)
        credit.publish_penalty(single, PUBLISHED, PUBLISHED)
        head = credit.recorder.max_notification_id()
        unknown = PastPenalty(entity(9).uscc, "market_regulation", OPENED, decision(9))
        also = PastPenalty(entity(8).uscc, "market_regulation", OPENED, decision(8))
        reads = []
        missing = credit.lookups.missing_entities
        credit.lookups.missing_entities = lambda codes: reads.append(codes) or missing(codes)
        try:
            with pytest.raises(NotFound) as gone:   # the first missing one is named
                credit.record_penalties([PastPenalty(b, "market_regulation", OPENED,
                                                     decision(2)), unknown, also])
        finally:
            del credit.lookups.missing_entities
        assert entity(9).uscc in gone.value.message and gone.value.field == "uscc"
        assert len(reads) == 1 and len(reads[0]) == 3   # the directory read once for all
        twice = [PastPenalty(b, "market_regulation", OPENED, decision(3)),
                 PastPenalty(c, "market_regulation", OPENED, decision(3))]
        with pytest.raises(Conflict) as shared:
            credit.record_penalties(twice)
        assert shared.value.field == "decision_no"
        with pytest.raises(Conflict):   # the number the single case holds
            credit.record_penalties([PastPenalty(b, "market_regulation", OPENED, decision(1))])
        assert credit.recorder.max_notification_id() == head   # nothing written
        ids = credit.record_penalties([
            PastPenalty(b, "market_regulation", OPENED, decision(4), PUBLISHED),
            PastPenalty(c, "market_regulation", OPENED, decision(5), None, "task-7")])
        # opened, decided, published: the same events as the three commands (numbers aside)
        assert _events(platform, ids[0]) == _events(platform, single)
        unpublished = credit.get_existing(PenaltyCase, ids[1], "penalty case")
        assert unpublished.status == "decided" and unpublished.inspection_task_id == "task-7"
        with pytest.raises(Conflict):   # the same inspection task's case again
            credit.record_penalties([PastPenalty(c, "market_regulation", OPENED, decision(6),
                                                 None, "task-7")])
        assert credit.get_existing(PenaltyCase, ids[0], "penalty case").status == "published"


class TestRecordPenaltiesOnSQLite(RecordPenaltiesScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestRecordPenaltiesOnPostgres(RecordPenaltiesScenario):
    backend = "postgres"

"""Use cases recording the jobs' derived facts (a mixin of CreditApplication): the red list of a
day and an A–D classification run. Both are idempotent: a day or run recorded before, or by a
concurrent run meanwhile (the store's uniqueness), records nothing and answers False."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import IntegrityError

from credit.rating.evaluations import (
    ClassChange,
    ClassChanges,
    ClassificationRun,
    RedListChanges,
    RedListDay,
    RiskClassChange,
    classification_run_id,
    red_list_day_id,
)


class EvaluationUseCases:
    """Mixed into CreditApplication (which provides find, recorder and save)."""

    find: Any
    recorder: Any
    save: Any

    def record_red_list_day(self, changes: RedListChanges) -> bool:
        """守信激励 Record an evaluation of the red list; False if it records nothing new."""
        day = self.find(RedListDay, red_list_day_id(changes.on))
        if day is None:
            day = RedListDay.evaluate(changes)
        elif not day.reevaluate(changes):
            return False
        try:
            self.save(day)
        except IntegrityError:   # another run recorded this day meanwhile: it is done
            return False
        return True

    def is_classified(self, on: date) -> bool:
        """Whether the A–D classification as of `on` is recorded (without loading it)."""
        return bool(self.recorder.select_events(classification_run_id(on), limit=1))

    def record_class_change(self, change: ClassChange) -> bool:
        """企业信用风险分类 Record one entity's reactive class change; False if its cause
        already recorded one (a replayed reaction)."""
        try:
            self.save(RiskClassChange.record(change))
        except IntegrityError:
            return False
        return True

    def record_classification(self, changes: ClassChanges) -> bool:
        """企业信用风险分类 Record one classification run; False if that day's is recorded."""
        try:
            self.save(ClassificationRun.record(changes))
        except IntegrityError:
            return False
        return True

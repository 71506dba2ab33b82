"""行政许可决定 Licensing decisions under NDRC 双公示: granted → published, changed, ended.

A decision is recorded by the licensing department (谁许可、谁公示) and must be online within the
双公示 deadline (credit.licensing.rules, counted in working days from the decision); the daily job
records a publication past its deadline (PublicationOverdue). A decision ended (撤销/注销/撤回)
after publication stays public with its end, as the data standard's 当前状态 (有效/无效) shows it;
one ended before publication never becomes public.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.common import credit_id, document_number, one_of, past_date, required_text
from credit.licensing.rules import CATEGORIES, END_GROUNDS, LicensingRules
from credit.publicity_rules import PublicityRules
from kernel.errors import Conflict, InvalidInput
from kernel.uscc import checked_uscc
from kernel.workdays import add_workdays


def licence_id(decision_no: str) -> UUID:
    """A decision number (行政许可决定文书号) names one decision: recording it twice conflicts."""
    return credit_id("licence", document_number(decision_no, "decision_no"))


@dataclass(frozen=True)
class LicenceTerms:
    """The fields of the national 双公示 data standard for a licensing decision."""

    uscc: str
    document_name: str          # 行政许可决定文书名称
    decision_no: str            # 行政许可决定文书号
    category: str               # 许可类别
    licence_name: str           # 许可证书名称
    licence_no: str             # 许可编号 (may be empty: not every decision issues a certificate)
    content: str                # 许可内容
    decided_on: date            # 许可决定日期
    valid_from: date            # 有效期自
    valid_to: date | None       # 有效期至 (None: 长期 no end)
    department: str             # 许可机关 (a configured department code)

    def validated(self, today: date) -> LicenceTerms:
        one_of(self.category, CATEGORIES, "category")
        decided = past_date(self.decided_on, today, "decided_on")
        if self.valid_from < decided:
            raise InvalidInput("有效期自不得早于许可决定日期 valid_from must not be before "
                               "decided_on", field="valid_from")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise InvalidInput("有效期至不得早于有效期自 valid_to must not be before valid_from",
                               field="valid_to")
        return replace(self, uscc=checked_uscc(self.uscc),
                       document_name=required_text(self.document_name, "document_name"),
                       decision_no=document_number(self.decision_no, "decision_no"),
                       licence_name=required_text(self.licence_name, "licence_name"),
                       licence_no=self.licence_no.strip(),
                       content=required_text(self.content, "content"))


class LicensingDecision(Aggregate):
    """行政许可决定 One licensing decision for one market entity."""

    @event("Granted")
    def __init__(self, id: UUID, uscc: str, document_name: str, decision_no: str,  # noqa: A002
                 category: str, licence_name: str, licence_no: str, content: str,
                 decided_on: date, valid_from: date, valid_to: date | None, department: str,
                 authority: str, publication_due_on: date, publication_due_basis: str) -> None:
        self.terms = LicenceTerms(uscc, document_name, decision_no, category, licence_name,
                                  licence_no, content, decided_on, valid_from, valid_to,
                                  department)
        self.uscc, self.department = uscc, department
        self.publication_due_on = publication_due_on
        self.published_on: date | None = None
        self.overdue_on: date | None = None
        self.ended: str | None = None

    @classmethod
    def grant(cls, terms: LicenceTerms, authority: str, rules: LicensingRules,
              publicity: PublicityRules, today: date) -> LicensingDecision:
        """准予许可 Record the decision; it must be published within the 双公示 deadline."""
        t = terms.validated(today)
        days, basis = rules.publication_deadline(publicity)
        return cls(id=licence_id(t.decision_no), uscc=t.uscc, document_name=t.document_name,
                   decision_no=t.decision_no, category=t.category, licence_name=t.licence_name,
                   licence_no=t.licence_no, content=t.content, decided_on=t.decided_on,
                   valid_from=t.valid_from, valid_to=t.valid_to, department=t.department,
                   authority=authority, publication_due_on=add_workdays(t.decided_on, days),
                   publication_due_basis=basis)

    @property
    def status(self) -> str:
        return self.ended or ("published" if self.published_on else "granted")

    def _in_force(self, what: str) -> None:
        if self.ended:
            raise Conflict(f"许可已{END_GROUNDS[self.ended][:2]} the decision was {self.ended}; "
                           f"it cannot be {what}", field="decision_no")

    def publish(self, published_on: date, today: date) -> None:
        """公示 Put the decision online (late publication is allowed and recorded as late)."""
        self._in_force("published")
        if self.published_on:
            raise Conflict(f"已于{self.published_on}公示 already published on "
                           f"{self.published_on}", field="published_on")
        past_date(published_on, today, "published_on", not_before=self.terms.decided_on,
                  what="the decision")
        self._published(published_on=published_on,
                        late=published_on > self.publication_due_on)

    @event("Published")
    def _published(self, published_on: date, late: bool) -> None:
        self.published_on = published_on

    def change(self, content: str, valid_to: date | None, changed_on: date, reason: str,
               today: date) -> None:
        """变更 (行政许可法 Art 49): new content or validity; a published decision shows it."""
        self._in_force("changed")
        past_date(changed_on, today, "changed_on", not_before=self.terms.decided_on,
                  what="the decision")
        if valid_to is not None and valid_to < self.terms.valid_from:
            raise InvalidInput("有效期至不得早于有效期自 valid_to must not be before valid_from",
                               field="valid_to")
        self._changed(content=required_text(content, "content"), valid_to=valid_to,
                      changed_on=changed_on, reason=required_text(reason, "reason"))

    @event("Changed")
    def _changed(self, content: str, valid_to: date | None, changed_on: date,
                 reason: str) -> None:
        self.terms = replace(self.terms, content=content, valid_to=valid_to)

    def end(self, ground: str, effective_on: date, reason: str, today: date) -> None:
        """撤销/注销/撤回 End the licence; a published one stays public as 无效 with its end."""
        self._in_force(ground)
        one_of(ground, END_GROUNDS, "ground")
        past_date(effective_on, today, "effective_on", not_before=self.terms.decided_on,
                  what="the decision")
        self._ended(ground=ground, effective_on=effective_on,
                    reason=required_text(reason, "reason"),
                    was_published=self.published_on is not None)

    @event("Ended")
    def _ended(self, ground: str, effective_on: date, reason: str, was_published: bool) -> None:
        self.ended = ground

    def flag_publication_overdue(self, today: date) -> bool:
        """The daily job: once per decision, when its deadline passed unpublished."""
        if self.ended or self.published_on or self.overdue_on or today <= self.publication_due_on:
            return False
        self._overdue(publish_by=self.publication_due_on, flagged_on=today, uscc=self.uscc,
                      department=self.department, decision_no=self.terms.decision_no)
        return True

    @event("PublicationOverdue")
    def _overdue(self, publish_by: date, flagged_on: date, uscc: str, department: str,
                 decision_no: str) -> None:
        self.overdue_on = flagged_on

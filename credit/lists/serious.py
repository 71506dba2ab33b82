"""严重违法失信名单 The serious illegal and dishonest list (SAMR Order 44), one file per entity.

Each entity has one `SeriousListing` aggregate (id from the USCC) that runs the procedure
prior notice (告知) → statement / hearing request (陈述申辩、听证) → decision (listed or not) →
removal, and may run it again later; `cycle` numbers the procedures. Keeping one aggregate per
entity lets the commitment pre-check read the entity's list status consistently by id. The
abnormal list and red list (a later issue) follow the same shape in this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.authority import Authority
from credit.common import credit_id, document_number, one_of, past_date, required_text
from credit.repair.case import RepairTarget
from credit.rules import Rules
from kernel.errors import Conflict, InvalidInput
from kernel.uscc import checked_uscc
from kernel.workdays import add_workdays, add_years

ORDER_44 = "《市场监督管理严重违法失信名单管理办法》(SAMR Order 44)"
GROUNDS = {
    "heavier_penalty": "实施严重违法失信行为且受到较重行政处罚 serious violation with a heavier penalty",
    "abnormal_three_years": "列入经营异常名录届满3年仍未履行相关义务 abnormal list for 3 years",
}
# Removal reasons: the period ran out, the decision it rests on was revoked, or credit repair.
REMOVAL_REASONS = {"expired": "期满移出 expired", "decision_revoked": "撤销 decision revoked",
                   "repaired": "信用修复提前移出 repaired early"}


def serious_listing_id(uscc: str) -> UUID:
    return credit_id("serious-listing", uscc)


def decision_possible_on(noticed_on: date, statement_workdays: int) -> date:
    """The first working day after the statement period that follows a notice (SAMR Order 44)."""
    return add_workdays(noticed_on, statement_workdays + 1)


def first_decision_day(noticed_on: date, statement_on: date | None, answered_on: date | None,
                       statement_workdays: int) -> date | None:
    """The first day a decision may be taken on a noticed listing: the day a recorded
    statement was answered, else the day after the statement period; None while a statement
    awaits its answer (SAMR Order 44 Art 13-14). The aggregate and the read model's view both
    ask this."""
    if answered_on is not None:
        return answered_on
    if statement_on is not None:
        return None
    return decision_possible_on(noticed_on, statement_workdays)


@dataclass(frozen=True)
class ListingNotice:
    """列入严重违法失信名单告知书 The prior notice of an intended listing."""

    notice_no: str
    ground: str
    facts: str
    noticed_on: date
    penalty_case_id: UUID | None = None


class SeriousListing(Aggregate):
    """One entity's serious-dishonest-list file: clear → noticed → listed → clear, repeatable."""

    @event("Opened")
    def __init__(self, id: UUID, uscc: str) -> None:  # noqa: A002
        self.uscc = uscc
        self.status, self.cycle = "clear", 0
        self._reset()

    def _reset(self) -> None:
        self.noticed_on: date | None = None
        self.statement_on: date | None = None
        self.answered_on: date | None = None
        self.penalty_case_id: UUID | None = None
        self.ground: str | None = None
        self.listed_on: date | None = None
        self.auto_removal_on: date | None = None
        self.repair_possible_on: date | None = None

    @classmethod
    def open(cls, uscc: str) -> SeriousListing:
        uscc = checked_uscc(uscc)
        return cls(id=serious_listing_id(uscc), uscc=uscc)

    def is_listed(self, on: date) -> bool:
        """On the list on day `on` (removed automatically on `auto_removal_on`)."""
        return (self.status == "listed" and self.listed_on is not None
                and self.auto_removal_on is not None
                and self.listed_on <= on < self.auto_removal_on)

    def give_notice(self, notice: ListingNotice, today: date,
                    authority: Authority = Authority()) -> None:
        """告知 Tell the entity the intended listing, its ground and its right to be heard; the
        heavier-penalty ground names the penalty case it rests on (SAMR Order 44 Art 2)."""
        if self.status != "clear":
            raise Conflict(f"entity {self.uscc} is already {self.status} "
                           f"(procedure {self.cycle})")
        ground = one_of(notice.ground, GROUNDS, "ground")
        if (ground == "heavier_penalty") != (notice.penalty_case_id is not None):
            raise InvalidInput("较重行政处罚的列入须引用该处罚案件 penalty_case_id is required with, "
                               "and only with, the heavier_penalty ground", field="penalty_case_id")
        self._noticed(cycle=self.cycle + 1, uscc=self.uscc,
                      notice_no=document_number(notice.notice_no, "notice_no"),
                      ground=ground, facts=required_text(notice.facts, "facts"),
                      noticed_on=past_date(notice.noticed_on, today, "noticed_on"),
                      penalty_case_id=notice.penalty_case_id,
                      department=authority.department, authority=authority.name)

    @event("NoticeGiven")
    def _noticed(self, cycle: int, uscc: str, notice_no: str, ground: str, facts: str,
                 noticed_on: date, penalty_case_id: UUID | None, department: str = "",
                 authority: str = "") -> None:
        self._reset()
        self.status, self.cycle, self.ground, self.noticed_on = "noticed", cycle, ground, noticed_on
        self.penalty_case_id = penalty_case_id

    def record_statement(self, received_on: date, statement: str, hearing_requested: bool,
                         today: date) -> None:
        """陈述、申辩或听证申请 The entity's statement or hearing request (SAMR Order 44)."""
        if self.status != "noticed":
            raise Conflict(f"no listing notice is pending for {self.uscc}")
        if self.statement_on is not None:
            raise Conflict(f"the statement was already recorded on {self.statement_on}")
        self._statement(cycle=self.cycle, received_on=past_date(received_on, today, "received_on",
                                              self.noticed_on, "the notice"),
                        statement=statement.strip(), hearing_requested=hearing_requested)

    @event("StatementRecorded")
    def _statement(self, cycle: int, received_on: date, statement: str,
                   hearing_requested: bool) -> None:
        self.statement_on = received_on

    def answer_statement(self, answered_on: date, reply: str, adopted: bool, by: str,
                         today: date) -> None:
        """陈述申辩的复核答复 The department's answer to the statement or hearing (SAMR Order 44
        Art 14: the department reviews what the party states before it decides)."""
        if self.status != "noticed" or self.statement_on is None:
            raise Conflict(f"no statement of {self.uscc} awaits an answer", field="statement")
        if self.answered_on is not None:
            raise Conflict(f"the statement was already answered on {self.answered_on}",
                           field="statement")
        self._answered(cycle=self.cycle, answered_on=past_date(
            answered_on, today, "answered_on", self.statement_on, "the statement"),
            reply=required_text(reply, "reply"), adopted=adopted, by=by)

    @event("StatementAnswered")
    def _answered(self, cycle: int, answered_on: date, reply: str, adopted: bool,
                  by: str) -> None:
        self.answered_on = answered_on

    def decision_possible_on(self, rules: Rules) -> date | None:
        """The first day a decision may be taken (`first_decision_day`)."""
        assert self.noticed_on is not None
        return first_decision_day(self.noticed_on, self.statement_on, self.answered_on,
                                  rules.serious_list.statement_period_workdays)

    def check_procedure(self, decided_on: date, rules: Rules) -> None:
        """SAMR Order 44 Art 13-14: notice → statement period (or statement answered) → decision."""
        if self.statement_on is not None and self.answered_on is None:
            raise Conflict(f"{self.statement_on.isoformat()}收到的陈述申辩尚未答复，不得作出决定 the "
                           f"statement received on {self.statement_on.isoformat()} is not answered "
                           f"yet: answer it first (POST …/statement/answer)", field="decided_on")
        possible = self.decision_possible_on(rules)
        assert possible is not None   # a statement awaiting its answer was refused above
        if decided_on < possible:
            raise Conflict(f"陈述申辩期未届满，最早可于{possible.isoformat()}作出决定 the statement "
                           f"period ({rules.serious_list.statement_period_workdays} working days "
                           f"from {self.noticed_on.isoformat()}) has not ended: a decision is "
                           f"possible from {possible.isoformat()}", field="decided_on")

    def decide(self, listed: bool, decision_no: str, decided_on: date, reason: str,
               rules: Rules, today: date, authority: Authority = Authority(),
               representative: dict | None = None) -> None:
        """列入决定 List the entity (for N years) or decide not to, after the procedure;
        `representative`: the legal representative on the decision day (credit.persons)."""
        if self.status != "noticed":
            raise Conflict(f"no listing notice is pending for {self.uscc}")
        past_date(decided_on, today, "decided_on", self.statement_on or self.noticed_on,
                  "the notice and the statement")
        self.check_procedure(decided_on, rules)
        number = document_number(decision_no, "decision_no")
        if not listed:
            self._not_listed(cycle=self.cycle, decision_no=number, decided_on=decided_on,
                             reason=required_text(reason, "reason"),
                             department=authority.department, authority=authority.name)
            return
        years = rules.serious_list
        self._listed(cycle=self.cycle, decision_no=number, listed_on=decided_on, ground=self.ground,
                     legal_basis=ORDER_44, reason=reason.strip(),
                     auto_removal_on=add_years(decided_on, years.duration_years),
                     repair_possible_on=add_years(decided_on, years.early_repair_after_years),
                     legal_representative=representative,
                     department=authority.department, authority=authority.name)

    @event("Listed")
    def _listed(self, cycle: int, decision_no: str, listed_on: date, ground: str, legal_basis: str,
                reason: str, auto_removal_on: date, repair_possible_on: date,
                legal_representative: dict | None = None,
                department: str = "", authority: str = "") -> None:
        self.status, self.listed_on = "listed", listed_on
        # 法定代表人 at the decision {uscc, name, person_key, id_masked}: joint punishment
        self.legal_representative = legal_representative
        self.auto_removal_on, self.repair_possible_on = auto_removal_on, repair_possible_on

    @event("NotListed")
    def _not_listed(self, cycle: int, decision_no: str, decided_on: date, reason: str,
                    department: str = "", authority: str = "") -> None:
        self.status = "clear"

    def remove(self, removed_on: date, reason: str, today: date) -> None:
        """移出 Remove: at expiry, when the decision is revoked, or early by credit repair."""
        if self.status != "listed":
            raise Conflict(f"entity {self.uscc} is not on the serious dishonest list")
        one_of(reason, REMOVAL_REASONS, "reason")
        past_date(removed_on, today, "removed_on", self.listed_on, "the listing")
        if reason == "expired" and removed_on < self.auto_removal_on:
            raise Conflict(f"the listing expires on {self.auto_removal_on.isoformat()} "
                           f"(SAMR Order 44: 3 years)", field="removed_on")
        if reason == "repaired" and removed_on < self.repair_possible_on:
            raise Conflict(f"early removal by credit repair is possible from "
                           f"{self.repair_possible_on.isoformat()} (SAMR Order 44: 1 year)",
                           field="removed_on")
        self._removed(cycle=self.cycle, removed_on=removed_on, reason=reason)

    @event("Removed")
    def _removed(self, cycle: int, removed_on: date, reason: str) -> None:
        self.status = "clear"
        self._reset()

    def repair_key(self) -> str:
        return f"{self.uscc}#{self.cycle}"

    def repair_target(self, rules: Rules, on: date) -> RepairTarget:
        """SAMR Order 44/107: early removal after at least 1 year on the list."""
        if not self.is_listed(on):
            raise Conflict(f"entity {self.uscc} is not on the serious dishonest list on {on}")
        wait = rules.serious_list.early_repair_after_years
        return RepairTarget("serious_listing", self.repair_key(), self.uscc, True,
                            self.repair_possible_on,
                            f"SAMR Order 44: {wait} year(s) after listing")

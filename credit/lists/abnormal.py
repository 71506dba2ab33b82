"""经营异常名录 The abnormal operation list (企业信息公示暂行条例; SAIC Order 68), one file per entity.

Each entity has one `AbnormalListing` aggregate (id from the USCC). A ground arises (年报未公示,
责令公示逾期, 公示信息弄虚作假, 住所无法联系) → the entity is listed on the last day of the decision
window (N working days after the ground) unless every ground is cured first → removed when the
last ground is cured, by credit repair, or when it is moved to the serious list after 3 years.
Individual businesses are *marked* (标记经营异常状态) instead of listed and never escalated.
`cycle` numbers the listing periods; ground keys are deterministic (`annual_report:2025`,
`result:<task>:<department>`), so recording the same ground twice does nothing. Time-driven
steps run in date order whatever day the command comes (`list_if_due(until)`), so a late run
after downtime ends in the state an on-time run would have reached.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from credit.authority import Authority
from credit.common import credit_id, one_of, past_date, required_text
from credit.repair.case import RepairTarget
from credit.rules import AbnormalListRules
from kernel.errors import Conflict, InvalidInput
from kernel.uscc import checked_uscc
from kernel.workdays import add_workdays, add_years

LIST_BASIS = "《企业信息公示暂行条例》;《企业经营异常名录管理暂行办法》(SAIC Order 68) Art 4"
MARK_BASIS = "《个体工商户年度报告暂行办法》: 标记为经营异常状态 marked abnormal"
GROUNDS = {
    "annual_report": "未按规定期限公示年度报告 annual report not publicised by 30 June",
    "publicity_order": "未在责令的期限内公示有关企业信息 information not publicised within the "
                       "ordered deadline",
    "false_information": "公示企业信息隐瞒真实情况、弄虚作假 false information publicised",
    "unreachable": "通过登记的住所或者经营场所无法联系 unreachable at the registered address",
}
REMOVAL_REASONS = {"cured": "相关情形消除 ground cured", "repaired": "信用修复 credit repair",
                   "escalated": "届满3年列入严重违法失信名单 moved to the serious list"}
MAX_KEY = 120


def abnormal_listing_id(uscc: str) -> UUID:
    return credit_id("abnormal-listing", uscc)


def listing_decision_no(uscc: str, cycle: int, listed_on: date) -> str:
    """列入决定书文号 of a listing the platform decides on its deadline: one per entity and cycle."""
    return f"异常列入〔{listed_on.year}〕{uscc}-{cycle}号"


class AbnormalListing(Aggregate):
    """One entity's abnormal-list file: clear → pending (ground) → listed → clear, repeatable."""

    @event("Opened")
    def __init__(self, id: UUID, uscc: str, marked: bool) -> None:  # noqa: A002
        self.uscc, self.marked = uscc, marked
        self.status, self.cycle = "clear", 0
        # key -> {"ground", "cycle", "arose_on", "decide_by", "cured_on", "closed"}
        self.grounds: dict[str, dict[str, Any]] = {}
        self.listed_on: date | None = None
        self.escalation_on: date | None = None
        self.escalation_noticed_on: date | None = None

    @classmethod
    def open(cls, uscc: str, marked: bool) -> AbnormalListing:
        uscc = checked_uscc(uscc)
        return cls(id=abnormal_listing_id(uscc), uscc=uscc, marked=marked)

    def open_grounds(self) -> dict[str, dict[str, Any]]:
        """Grounds of the current cycle neither cured nor closed."""
        return {k: g for k, g in self.grounds.items() if g["cycle"] == self.cycle
                and g["cured_on"] is None and not g["closed"]}

    def is_listed(self, on: date) -> bool:
        return self.status == "listed" and self.listed_on is not None and self.listed_on <= on

    def decide_by(self) -> date | None:
        """While pending: the day the listing is decided (the earliest open ground's deadline)."""
        if self.status != "pending":
            return None
        return min((g["decide_by"] for g in self.open_grounds().values()), default=None)

    # -- grounds ---------------------------------------------------------------------------------
    def raise_ground(self, key: str, ground: str, arose_on: date, rules: AbnormalListRules,
                     today: date, authority: Authority = Authority()) -> bool:
        """A ground arose; False if this ground (its key) was already recorded."""
        key = required_text(key, "key")
        if len(key) > MAX_KEY:
            raise InvalidInput(f"key must have at most {MAX_KEY} characters", field="key")
        if key in self.grounds:
            return False
        one_of(ground, GROUNDS, "ground")
        past_date(arose_on, today, "arose_on")
        self.list_if_due(arose_on - timedelta(days=1), rules, authority)
        new_cycle = self.status == "clear"
        self._ground_arisen(cycle=self.cycle + 1 if new_cycle else self.cycle,
                            new_cycle=new_cycle, key=key, ground=ground, arose_on=arose_on,
                            decide_by=add_workdays(arose_on, rules.listing_deadline_workdays),
                            uscc=self.uscc, marked=self.marked)
        return True

    @event("GroundArisen")
    def _ground_arisen(self, cycle: int, new_cycle: bool, key: str, ground: str, arose_on: date,
                       decide_by: date, uscc: str, marked: bool) -> None:
        if new_cycle:
            self.cycle, self.status = cycle, "pending"
            self.listed_on = self.escalation_on = self.escalation_noticed_on = None
        self.grounds = {**self.grounds, key: {"ground": ground, "cycle": cycle,
                                              "arose_on": arose_on, "decide_by": decide_by,
                                              "cured_on": None, "closed": False}}

    def cure(self, key: str, cured_on: date, cure: str, rules: AbnormalListRules,
             today: date, authority: Authority = Authority()) -> bool:
        """相关情形消除 The ground was cured (report filed, info publicised, address reachable);
        the last cure of a listed cycle removes the listing. False if nothing to cure."""
        g = self.grounds.get(key)
        if g is None or g["cured_on"] is not None or g["closed"]:
            return False
        past_date(cured_on, today, "cured_on", g["arose_on"], "the ground")
        # A listing due before the cure happened first (as a daily run would have done it).
        self.list_if_due(cured_on - timedelta(days=1), rules, authority)
        remaining = len(self.open_grounds()) - 1
        self._cured(cycle=g["cycle"], key=key, cured_on=cured_on, cure=cure.strip()[:200],
                    removal_due_on=add_workdays(cured_on, rules.removal_deadline_workdays),
                    open_grounds=remaining, cleared=self.status == "pending" and remaining == 0)
        if self.status == "listed" and remaining == 0:
            self._removed(cycle=self.cycle, removed_on=max(cured_on, self.listed_on),
                          reason="cured", closed_grounds=[])
        return True

    @event("GroundCured")
    def _cured(self, cycle: int, key: str, cured_on: date, cure: str, removal_due_on: date,
               open_grounds: int, cleared: bool) -> None:
        self.grounds = {**self.grounds, key: {**self.grounds[key], "cured_on": cured_on}}
        if cleared:
            self.status = "clear"

    # -- time-driven steps -----------------------------------------------------------------------
    def list_if_due(self, until: date, rules: AbnormalListRules,
                    authority: Authority = Authority()) -> bool:
        """列入 List on the last day of the decision window, if that day is not after `until`;
        the listing decision carries its number and deciding authority (公示: GSXT shows both)."""
        due = self.decide_by()
        if due is None or due > until:
            return False
        open_ = sorted(self.open_grounds().items(), key=lambda kv: (kv[1]["arose_on"], kv[0]))
        self._listed(cycle=self.cycle, listed_on=due, keys=[k for k, _ in open_],
                     grounds=list(dict.fromkeys(g["ground"] for _, g in open_)),
                     marked=self.marked, legal_basis=MARK_BASIS if self.marked else LIST_BASIS,
                     escalation_on=None if self.marked
                     else add_years(due, rules.escalation_years),
                     decision_no=listing_decision_no(self.uscc, self.cycle, due),
                     department=authority.department, authority=authority.name)
        return True

    @event("Listed")
    def _listed(self, cycle: int, listed_on: date, keys: list[str], grounds: list[str],
                marked: bool, legal_basis: str, escalation_on: date | None,
                decision_no: str = "", department: str = "", authority: str = "") -> None:
        self.status, self.listed_on, self.escalation_on = "listed", listed_on, escalation_on

    def escalation_due(self, until: date) -> bool:
        """Listed for N years and not yet put to the serious-list procedure (not for marks)."""
        return (self.status == "listed" and self.escalation_on is not None
                and self.escalation_noticed_on is None and self.escalation_on <= until)

    def note_escalation(self, notice_no: str) -> None:
        """The serious-list notice (SAMR Order 44) was given for this cycle: once per cycle."""
        if not self.escalation_due(self.escalation_on or date.max):
            raise Conflict("this listing is not due for escalation")
        self._escalation_noticed(cycle=self.cycle, noticed_on=self.escalation_on,
                                 notice_no=notice_no)

    @event("EscalationNoticed")
    def _escalation_noticed(self, cycle: int, noticed_on: date, notice_no: str) -> None:
        self.escalation_noticed_on = noticed_on

    def remove(self, removed_on: date, reason: str, today: date) -> None:
        """移出 by credit repair, or when moved to the serious list (cures remove by themselves)."""
        if self.status != "listed":
            raise Conflict(f"entity {self.uscc} is not on the abnormal operation list")
        if one_of(reason, REMOVAL_REASONS, "reason") == "cured":
            raise InvalidInput("a listing is removed as cured when its last ground is cured",
                               field="reason")
        past_date(removed_on, today, "removed_on", self.listed_on, "the listing")
        self._removed(cycle=self.cycle, removed_on=removed_on, reason=reason,
                      closed_grounds=sorted(self.open_grounds()))

    @event("Removed")
    def _removed(self, cycle: int, removed_on: date, reason: str,
                 closed_grounds: list[str]) -> None:
        # grounds still open when the listing ends otherwise than by cure end with it
        self.status = "clear"
        self.grounds = {k: {**g, "closed": g["closed"] or k in closed_grounds}
                        for k, g in self.grounds.items()}

    # -- credit repair (SAMR Order 107) ----------------------------------------------------------
    def repair_key(self) -> str:
        return f"{self.uscc}#{self.cycle}"

    def repair_target(self, on: date) -> RepairTarget:
        """An abnormal listing may be repaired once the obligation is done: no waiting period."""
        if not self.is_listed(on):
            raise Conflict(f"entity {self.uscc} is not on the abnormal operation list on {on}")
        return RepairTarget("abnormal_listing", self.repair_key(), self.uscc, False,
                            self.listed_on, "SAMR Order 107: once the obligation is fulfilled")

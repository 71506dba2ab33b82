"""Commit, then reveal: the random value a draw may use is named before it exists.

Publishing a plan (and each redraw) freezes the pool and roster and commits to a *future* value
the bureau does not control:

* ``drand``: a round of the League of Entropy's quicknet beacon that starts at least
  ``commit_delay_minutes`` after the commitment; its BLS signature is checked offline against
  the chain's public key (supervision.plans.beacon) and the randomness is sha256(signature);
* ``lottery``: an announced public draw (a named lottery issue at a named date and time, e.g.
  福彩3D 2026330期 at 21:15 Beijing time), entered after it by one user and confirmed by a
  second (four-eyes).

The draw accepts only the committed value and cannot run before it exists. Pure: the moment
``at`` is always passed in (UTC-aware).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kernel.errors import Conflict, InvalidInput
from supervision.plans import beacon

# Beijing time (as kernel.clock.CHINA; the domain reads no clock module)
CHINA = ZoneInfo("Asia/Shanghai")
SOURCES = ("drand", "lottery")
CHAINS = {beacon.QUICKNET.name: beacon.QUICKNET}


@dataclass(frozen=True)
class RandomSource:
    """The random source a plan names when it is drafted (part of its terms)."""

    source: str = "drand"
    chain: str = beacon.QUICKNET.name
    lottery: str = ""           # e.g. 福彩3D
    issue: str = ""             # the lottery's issue number, e.g. 2026330期
    draw_date: date | None = None
    pattern: str = r"^\d{3}$"   # the shape of the published result
    draw_time: time = time(21, 15)   # Beijing time of the drawing (福彩3D: 21:15)

    @property
    def draws_at(self) -> datetime:
        assert self.draw_date is not None
        return datetime.combine(self.draw_date, self.draw_time, CHINA)

    def validated(self, today: date) -> RandomSource:
        if self.source not in SOURCES:
            raise InvalidInput(f"随机数来源 random source must be one of {', '.join(SOURCES)}",
                               field="randomness.source")
        if self.source == "drand":
            if self.chain not in CHAINS:
                raise InvalidInput(f"unknown drand chain {self.chain!r}; known: "
                                   f"{', '.join(CHAINS)}", field="randomness.chain")
            return RandomSource("drand", self.chain)
        lottery, issue = self.lottery.strip(), self.issue.strip()
        if not lottery or not issue:
            raise InvalidInput("公开摇号须注明彩票名称和期号（如 福彩3D、2026330期） "
                               "a lottery source names the lottery and its issue", field="randomness.lottery")
        if self.draw_date is None or self.draw_date < today:
            raise InvalidInput("the lottery's draw date must be today or later",
                               field="randomness.draw_date")
        try:
            re.compile(self.pattern)
        except re.error as error:
            raise InvalidInput(f"pattern is not a regular expression: {error}",
                               field="randomness.pattern") from None
        return RandomSource("lottery", "", lottery, issue, self.draw_date, self.pattern,
                            self.draw_time)

    def to_event(self) -> dict[str, Any]:
        if self.source == "drand":
            return {"source": "drand", "chain": self.chain}
        assert self.draw_date is not None
        return {"source": "lottery", "lottery": self.lottery, "issue": self.issue,
                "draw_date": self.draw_date.isoformat(), "pattern": self.pattern,
                "draw_time": self.draw_time.isoformat("minutes")}

    @classmethod
    def from_event(cls, data: dict[str, Any] | None) -> RandomSource:
        data = data or {"source": "drand", "chain": beacon.QUICKNET.name}
        if data["source"] == "drand":
            return cls("drand", data["chain"])
        return cls("lottery", "", data["lottery"], data["issue"],
                   date.fromisoformat(data["draw_date"]), data["pattern"],
                   time.fromisoformat(data["draw_time"]))


def commit(source: RandomSource, at: datetime, delay: timedelta,
           after: dict[str, Any] | None = None) -> dict[str, Any]:
    """The public commitment to a value that does not exist yet at ``at``; ``after`` is the
    commitment of the draw being superseded (a redraw needs a strictly later value)."""
    if source.source == "drand":
        chain = CHAINS[source.chain]
        round_no = beacon.first_round_after(chain, at, delay)
        if after and after.get("round") is not None:
            round_no = max(round_no, int(after["round"]) + 1)
        return {"source": "drand", "chain": chain.name, "chain_hash": chain.chain_hash,
                "public_key": chain.public_key, "round": round_no,
                "round_time": beacon.round_time(chain, round_no).isoformat(),
                "committed_at": at.isoformat()}
    if at >= source.draws_at:
        raise Conflict(f"the lottery {source.lottery} {source.issue} is drawn at "
                       f"{source.draws_at.isoformat()}: commit before that, or name a later "
                       "issue (承诺须早于开奖)", field="randomness.draw_date")
    if after and after.get("source") == "lottery" and after.get("issue") == source.issue:
        raise Conflict("a redraw needs a new lottery issue, not the superseded one",
                       field="randomness.issue")
    return {**source.to_event(), "draws_at": source.draws_at.isoformat(),
            "committed_at": at.isoformat()}


def reveal_drand(commitment: dict[str, Any], round_no: int, signature: str,
                 at: datetime) -> str:
    """The committed drand round's randomness (hex), once it exists and its signature holds."""
    if commitment["source"] != "drand":
        raise Conflict("this plan committed to a lottery result: enter and confirm it",
                       field="source")
    if round_no != commitment["round"]:
        raise InvalidInput(f"the plan committed to drand round {commitment['round']}, not "
                           f"{round_no} (只接受承诺的轮次)", field="round")
    due = datetime.fromisoformat(commitment["round_time"])
    if at < due:
        raise Conflict(f"drand round {round_no} is produced at {due.isoformat()}: "
                       "the draw cannot run before its random value exists", field="round")
    return beacon.verify_round(CHAINS[commitment["chain"]], round_no, signature)


def check_lottery_entry(commitment: dict[str, Any], value: str, at: datetime) -> str:
    """A lottery result may be entered only after its draw date, in its published shape."""
    if commitment["source"] != "lottery":
        raise Conflict("this plan committed to a drand round: submit the round's signature",
                       field="source")
    draws_at = datetime.fromisoformat(commitment["draws_at"])
    if at <= draws_at:
        raise Conflict(f"{commitment['lottery']} {commitment['issue']} is drawn at "
                       f"{draws_at.isoformat()}: enter its result after that", field="value")
    return beacon.LotterySource(commitment["lottery"], commitment["issue"],
                                date.fromisoformat(commitment["draw_date"]),
                                commitment["pattern"]).checked_value(value)

"""API schemas of plans, draws and tasks."""

from __future__ import annotations

from datetime import date, time
from typing import Any, Literal

from pydantic import BaseModel, Field

from kernel.http.api import Body, Proved
from supervision.directory.schemas import EntityType
from supervision.plans.commitment import RandomSource
from supervision.plans.plan import PlanScope, PlanTerms
from supervision.tasks.schemas import PublishedInspection

RISK_CLASS_DOC = "per credit risk class A–D (国市监信发〔2022〕6号)"


class ScopeIn(Body):
    region_prefix: str = Field("", max_length=6, pattern=r"^\d{0,6}$",
                               description="GB/T 2260 prefix: 33 province, 3307 city")
    industries: list[str] = Field([], max_length=50, description="GB/T 4754 prefixes; [] = all")
    entity_types: list[EntityType] = Field([], description="[] = all (undirected 不定向)")


class RandomnessIn(Body):
    """The future random value the plan commits to at publication (随机数来源)."""

    source: Literal["drand", "lottery"] = Field(
        ..., description="drand: a League of Entropy quicknet round, verified offline; lottery: "
                         "an announced public draw, entered by one user and confirmed by another")
    chain: str = Field("quicknet", max_length=40)
    lottery: str = Field("", max_length=50, description="e.g. 福彩3D")
    issue: str = Field("", max_length=50, description="the lottery issue, e.g. 2026330期")
    draw_date: date | None = Field(None, description="the day the lottery is drawn")
    pattern: str = Field(r"^\d{3}$", max_length=100,
                         description="the shape of the published result (regular expression)")
    draw_time: time = Field(time(21, 15), description="Beijing time of the drawing")

    def to_source(self) -> RandomSource:
        return RandomSource(self.source, self.chain, self.lottery, self.issue, self.draw_date,
                            self.pattern, self.draw_time)


class PlanCreate(Body):
    """A spot-check plan (抽查计划); omitted numbers take the configured rules' defaults."""

    name: str = Field(..., min_length=1, max_length=200)
    lead_department: str = Field(..., max_length=50)
    departments: list[str] = Field([], max_length=10, description="joint plan: other departments")
    check_items: list[str] = Field(..., min_length=1, max_length=100)
    scope: ScopeIn = ScopeIn()
    ratios: dict[str, float] | None = Field(None, description=f"sampling ratio {RISK_CLASS_DOC}")
    targeted: list[str] = Field([], max_length=10_000,
                                description="USCCs with complaints etc. (own stratum)")
    targeted_ratio: float | None = Field(None, ge=0, le=1)
    cool_off_days: dict[str, int] | None = Field(None, description=f"days {RISK_CLASS_DOC}")
    inspectors_per_task: int | None = Field(None, ge=0, le=10, description="at least 2")
    cross_station: bool = Field(True, description="所所交叉: prefer inspectors of another station")
    jurisdiction_digits: int = Field(4, ge=0, le=6,
                                     description="inspectors share the first N region digits")
    due_on: date
    randomness: RandomnessIn | None = Field(None, description="default: the configured source")
    control_share: float | None = Field(None, ge=0, lt=1,
                                        description="uniform control sample, share of the "
                                                    "plan's expected size (对照样本)")

    def to_terms(self, draw_rules: Any) -> PlanTerms:
        return PlanTerms(
            name=self.name, lead_department=self.lead_department,
            departments=tuple(self.departments), check_items=tuple(self.check_items),
            scope=PlanScope(self.scope.region_prefix, tuple(self.scope.industries),
                            tuple(self.scope.entity_types)),
            ratios=self.ratios if self.ratios is not None else draw_rules.ratios.model_dump(),
            targeted=tuple(t.strip().upper() for t in self.targeted),
            targeted_ratio=(self.targeted_ratio if self.targeted_ratio is not None
                            else draw_rules.targeted_ratio),
            cool_off_days=(self.cool_off_days if self.cool_off_days is not None
                           else draw_rules.cooloff_days.model_dump()),
            inspectors_per_task=(self.inspectors_per_task if self.inspectors_per_task is not None
                                 else draw_rules.min_inspectors),
            cross_station=self.cross_station, jurisdiction_digits=self.jurisdiction_digits,
            due_on=self.due_on,
            randomness=(self.randomness.to_source() if self.randomness is not None
                        else RandomSource(draw_rules.randomness_source)),
            control_share=(self.control_share if self.control_share is not None
                           else draw_rules.control_share))


class DrawRecordPublic(Proved):
    draw_no: int
    drawn_on: date
    reason: str = Field(description="why this draw replaced the previous one ('' for the first)")
    drawn: int
    unassigned: int
    commitment_no: int
    superseded: bool
    record: dict[str, Any]


class CommitmentPublic(BaseModel):
    """公开承诺 Made at publication (and at each redraw), before the random value exists."""

    model_config = {"extra": "allow"}
    commitment_no: int
    committed_at: str
    source: Literal["drand", "lottery"]
    algorithm_version: str
    public_pool_digest: str
    pool_digest: str = Field(description="salted: commits to the classes without revealing them")
    salt_commitment: str
    pool_size: int
    roster_size: int
    value_entered: bool
    value_confirmed: bool


class PlanPublic(Proved):
    plan_id: str
    name: str
    lead_department: str
    departments: list[str]
    check_items: list[str]
    region_prefix: str
    directed: bool
    status: Literal["drafted", "published", "drawn", "closed"]
    published_on: date | None
    due_on: date
    closed_on: date | None
    commitments: list[CommitmentPublic]
    draw_records: list[DrawRecordPublic]


class PlanRecord(PlanPublic):
    """The supervisor's view: adds the full terms."""

    terms: dict[str, Any]
    drafted_by: str
    drafted_on: date


class DrawRequest(Body):
    """The committed random value's proof, for a drand plan; nothing for a lottery plan (its
    confirmed result is used)."""

    round: int | None = Field(None, ge=1, description="the committed drand round")
    signature: str | None = Field(None, min_length=2, max_length=400,
                                  pattern=r"^[0-9a-fA-F]+$",
                                  description="the round's BLS signature (hex), as published")
    accept_shortfall: bool = Field(False, description="draw even though the roster cannot "
                                   "staff every task (409 otherwise); the draw record keeps the "
                                   "shortfall, which is published")


class RandomValueIn(Body):
    value: str = Field(..., min_length=1, max_length=100,
                       description="the lottery's published result, e.g. 381")


class RedrawRequest(Body):
    reason: str = Field(..., min_length=1, max_length=1000)
    randomness: RandomnessIn | None = Field(None, description="a lottery plan names its new "
                                                              "issue; drand commits a later round")


class VerificationPublic(BaseModel):
    plan_id: str
    draw_no: int
    verified: bool
    differences: list[str]
    commitment: dict[str, Any]


class AuditVerification(VerificationPublic):
    algorithm_version: str
    randomness: str
    fingerprint: str


class PublicVerification(VerificationPublic):
    record: dict[str, Any]


class PublicPool(BaseModel):
    plan_id: str
    commitment_no: int
    public_pool_digest: str
    usccs: list[str]


class DrawnEntity(BaseModel):
    uscc: str
    name: str


class PublicPlanDetail(PlanPublic):
    drawn_entities: list[DrawnEntity]
    published_results: list[PublishedInspection] = []


class DepartmentCoveragePublic(BaseModel):
    department: str
    entities: int = Field(description="active entities in the object scope of the department's "
                                      "items on the check-item list")
    drawn: int = Field(description="distinct entities of that scope drawn by plans the "
                                   "department led in the year")
    ratio: float | None = Field(description="drawn / entities; null when the scope is empty")
    floor: float
    below_floor: bool = Field(description="warning: the ratio is under the national floor")


class CoveragePublic(BaseModel):
    """The yearly spot-check coverage of each department against the national floor."""

    year: int
    region_prefix: str
    floor: float
    floor_source: str
    departments: list[DepartmentCoveragePublic]

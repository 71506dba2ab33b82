"""联合惩戒 Joint punishment reaching the legal representative: which measures follow the person
to the other entities they represent while one of them is on the serious dishonest list.

A section of credit.rules (``Rules.joint_punishment``), overridable per deployment like the rest.
"""

from __future__ import annotations

from pydantic import Field

from kernel.rulebook import RuleSection

BASIS_33 = "《关于建立完善守信联合激励和失信联合惩戒制度的指导意见》(国发〔2016〕33号)"
ORDER_44_ART_13 = "《市场监督管理严重违法失信名单管理办法》(SAMR Order 44) 第十三条"


class JointMeasure(RuleSection):
    """One measure: on or off, and the rule it rests on."""

    enabled: bool = Field(True, description="Apply the measure.")
    basis: str = Field(description="The rule the measure rests on.")


class JointPunishmentRules(RuleSection):
    """Measures applied to an entity whose legal representative (by person key, i.e. the same
    resident ID number) was the legal representative of an entity on the serious dishonest list
    at its listing decision, or represents one now, while that listing runs."""

    no_commitment: JointMeasure = Field(
        default_factory=lambda: JointMeasure(basis=(
            f"{ORDER_44_ART_13}: 不适用告知承诺制 for the listed entity; {BASIS_33}: 对严重失信"
            "主体的法定代表人、主要负责人实施联合惩戒. Extending it to the other entities the "
            "person represents is local practice (assumed).")),
        description="告知承诺 A commitment of the person's other entity is refused (409 naming "
        "the listed entity).",
    )
    no_commendation: JointMeasure = Field(
        default_factory=lambda: JointMeasure(basis=(
            f"{ORDER_44_ART_13}: 不予授予荣誉称号等表彰奖励 for the listed entity; {BASIS_33}: "
            "对失信主体的法定代表人…实施联合惩戒, 限制参评评优. Extending it to the other entities "
            "the person represents is local practice (assumed).")),
        description="诚信典型 The person's other entity may not be commended (409 naming the "
        "listed entity).",
    )
    # 联合惩戒 other departments check their applicants in bulk (GET /api/v1/credit/batch-lookup);
    # issue 20 asks for up to 100 codes per request (assumed: a page of a department's queue)
    batch_lookup_max_codes: int = Field(
        100, ge=1, le=1000, description="Most codes one batch lookup may ask for (422 above).")

    def measure(self, name: str) -> JointMeasure:
        return getattr(self, name)

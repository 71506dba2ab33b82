"""行政许可 rule numbers and codes (a section of ``credit.rules.Rules``): the publication deadline
of licensing decisions (NDRC 双公示), the licence categories and the grounds that end a licence."""

from __future__ import annotations

from pydantic import Field

from credit.publicity_rules import PublicityRules
from kernel.rulebook import RuleSection, Workdays

# 许可类别 as the national 双公示 data standard codes them (国家公共信用信息中心, 行政许可信息
# 数据标准: 普通/特许/认可/核准/登记/其他).
CATEGORIES = {"ordinary": "普通 ordinary", "special": "特许 special permission",
              "recognition": "认可 recognition", "approval": "核准 approval",
              "registration": "登记 registration", "other": "其他 other"}
# What ends a licence (行政许可法): 撤销 Art 69, 注销 Art 70, 撤回 Art 8.
END_GROUNDS = {"revoked": "撤销 revoked (行政许可法 Art 69)",
               "cancelled": "注销 cancelled (行政许可法 Art 70)",
               "withdrawn": "撤回 withdrawn (行政许可法 Art 8)"}


class LicensingRules(RuleSection):
    """双公示 of licensing decisions (行政许可): when a decision must be online."""

    publication_workdays: Workdays | None = Field(
        None,
        description="Publish a licensing decision within N working days of the decision; None: "
        "publicity.double_publicity_workdays (NDRC 双公示: 7 working days, 发改办财金〔2016〕"
        "1900号 / 国办发〔2019〕35号).",
    )

    def publication_deadline(self, publicity: PublicityRules) -> tuple[int, str]:
        """(working days, the rule that sets them)."""
        if self.publication_workdays is not None:
            return self.publication_workdays, (f"licensing.publication_workdays: "
                                               f"{self.publication_workdays} working days")
        days = publicity.double_publicity_workdays
        return days, f"NDRC 双公示: {days} working days"

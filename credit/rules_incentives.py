"""Rule numbers of the red list's incentives (守信激励) on the credit side; the draw's incentive
(a lower class for red-listed entities) is supervision's `draw.red_list_class`."""

from __future__ import annotations

from pydantic import Field

from kernel.rulebook import RuleSection


class RedListIncentiveRules(RuleSection):
    """守信激励 What a red-listed entity gains (国发〔2016〕33号; DOMAIN §6)."""

    documents_to_follow: bool = Field(
        True,
        description="容缺受理: a notification–commitment by an applicant on the red list on the "
        "commitment's day is accepted with non-key documents to follow (国发〔2016〕33号: "
        "绿色通道 and 容缺受理 for the trustworthy; local practice).",
    )

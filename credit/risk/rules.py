"""Rule numbers of risk measurement: inherent hazard (likelihood × magnitude, OECD Regulatory
Enforcement and Inspections Toolkit, criterion 4) and when a learned model may feed a draw."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from kernel.rulebook import RuleSection

SECTIONS = "ABCDEFGHIJKLMNOPQRST"   # GB/T 4754 sections, entity_pool.industry_section 0..19


class HazardRules(RuleSection):
    """固有风险 Inherent hazard: what an entity's activity could harm, before its record says
    anything. Points are added to the A–D score when ``in_score`` (assumed values, to be
    calibrated per province against the outcomes by class)."""

    in_score: bool = Field(
        False, description="Add the hazard points to the A–D score (default off: the national "
        "scheme classifies on conduct; turn on once the outcomes by class support it).")
    industry_points: dict[str, float] = Field(
        {"B": 6.0, "C": 5.0, "D": 4.0, "E": 4.0, "F": 6.0, "G": 2.0, "H": 6.0, "Q": 4.0},
        description="Points by GB/T 4754 section letter (mining, manufacturing, utilities, "
        "construction, trade, food and lodging, health; assumed); others 0.")
    enterprise_points: float = Field(
        2.0, description="Size: an enterprise or cooperative rather than an individual business "
        "(more people and goods exposed; assumed).")
    licence_points: float = Field(
        3.0, ge=0, description="Per licensed activity held under 告知承诺 or approval (a "
        "licensed activity is a regulated hazard; assumed).")
    max_licences: int = Field(3, ge=0, description="Licensed activities counted at most.")


class ModelStratumRules(RuleSection):
    """When a learned risk score may feed a draw stratum (issue: model beside the rules)."""

    enabled: bool = Field(False, description="Let the latest recorded model that beat the rules "
                          "out of sample raise entities into a higher class stratum.")
    top_share: float = Field(0.02, gt=0, lt=1, description="Share of the pool, highest model "
                             "score first, raised to `raise_to` (assumed).")
    raise_to: Literal["B", "C", "D"] = Field(
        "C", description="The class stratum the model's highest-scored entities are drawn in "
        "(never lowered: an entity already higher keeps its class).")


def hazard_points(section: np.ndarray, individual: np.ndarray, licences: np.ndarray,
                  rules: HazardRules) -> np.ndarray:
    """Hazard points per entity (vectorised) from section index, individual flag, licences."""
    table = np.array([rules.industry_points.get(s, 0.0) for s in SECTIONS])
    section = np.clip(np.asarray(section, np.int64), 0, len(SECTIONS) - 1)
    return (table[section] + np.where(np.asarray(individual, bool), 0.0, rules.enterprise_points)
            + rules.licence_points * np.minimum(np.asarray(licences), rules.max_licences))

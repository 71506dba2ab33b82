"""Scope is law: what the check-item list (抽查事项清单) lets a plan do, as pure rules.

A plan may only name items on the list, of its own departments (抽查主体); a general (一般) item
limits the sampling ratio, a key (重点) item does not (DOMAIN §2); each item's object scope
decides whom the plan may draw and which items each task carries. The list itself comes through
the `CheckItemCatalogue` port (supervision.plans.item_reads in SQL, configured at bootstrap).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kernel.errors import InvalidInput
from supervision.plans.plan import RISK_CLASSES, PlanTerms


@dataclass(frozen=True)
class CatalogueEntry:
    """One item of the check-item list as a plan's rules read it."""

    code: str
    department: str                       # 抽查主体, the responsible department
    category: str                         # "key" 重点 / "general" 一般
    default_ratio: float
    frequency_per_year: int
    object_scope_types: tuple[str, ...]
    object_scope_industries: tuple[str, ...] = ()   # () = every industry
    withdrawn: bool = False               # 取消: taken off the list


# codes -> the list's entries of those codes (codes not on the list are simply absent)
CheckItemCatalogue = Callable[[Sequence[str]], Mapping[str, CatalogueEntry]]


def check_plan_items(terms: PlanTerms, entries: Mapping[str, CatalogueEntry],
                     general_max_ratio: float) -> None:
    """Refuse (422) a plan whose items are not on the list, withdrawn, of a department outside
    the plan, outside the plan's scope, or sampled above a general item's limit."""
    unknown = [c for c in terms.check_items if c not in entries]
    if unknown:
        codes = ", ".join(unknown)
        raise InvalidInput(f"抽查事项清单中没有 {codes} (not on the check-item list: {codes})",
                           field="check_items")
    items = [entries[c] for c in terms.check_items]
    for item in items:
        if item.withdrawn:
            raise InvalidInput(f"抽查事项 {item.code} 已取消 (check item {item.code} is "
                               "withdrawn from the list)", field="check_items")
        if item.department not in terms.departments:
            raise InvalidInput(
                f"抽查事项 {item.code} 属于 {item.department}，不是本计划的部门 (check item "
                f"{item.code} belongs to {item.department}, not to the plan's departments "
                f"{', '.join(terms.departments)})", field="check_items")
        if not _meets_plan_scope(item, terms):
            raise InvalidInput(
                f"抽查事项 {item.code} 的检查对象不在计划范围内 (the object scope of check item "
                f"{item.code} does not meet the plan's scope)", field="check_items")
    for item in items:
        cap = general_cap(item, general_max_ratio)
        over = [k for k in RISK_CLASSES if cap is not None and terms.ratios[k] > cap + 1e-12]
        if over:
            raise InvalidInput(
                f"一般抽查事项 {item.code} 的抽查比例不得超过 {cap:.0%} (general check item "
                f"{item.code} caps every class ratio at {cap:.0%}; class "
                f"{', '.join(over)} asks {', '.join(f'{terms.ratios[k]:.0%}' for k in over)})",
                field="ratios")


def general_cap(item: CatalogueEntry, general_max_ratio: float) -> float | None:
    """The highest class ratio a plan with this item may set; None: no limit.

    DOMAIN §2: a key (重点) item has no upper limit on its sampling ratio, a general (一般)
    item's ratio is strictly limited. The limit is the configured rule
    (``DirectoryRules.general_item_max_ratio``), not the item's own default_ratio: a default is
    what a plan starts from, and for disclosure checks it is the national 3 % floor (企业公示信息
    抽查办法 Art 4) which a ceiling at the default would turn into a ceiling as well, leaving no
    room for risk-differentiated ratios (国市监信发〔2022〕6号). The targeted stratum (key
    supervision targets named on the plan) is not a class ratio and stays unlimited.
    """
    return general_max_ratio if item.category == "general" else None


def _meets_plan_scope(item: CatalogueEntry, terms: PlanTerms) -> bool:
    """Some entity could be in both the item's object scope and the plan's scope."""
    plan = terms.scope
    if plan.entity_types and not set(plan.entity_types) & set(item.object_scope_types):
        return False
    if plan.industries and item.object_scope_industries:
        return any(a.startswith(b) or b.startswith(a)
                   for a in plan.industries for b in item.object_scope_industries)
    return True

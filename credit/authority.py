"""谁决定、谁负责 Who may act on a credit record: the deciding department's own officers, an
administrator, or a department the deciding one delegated to (rules.authority.delegations).

A penalty, commitment or commendation is decided by the department recorded on it; the abnormal
and serious lists by the list department (market regulation: 企业信息公示暂行条例; SAMR Order 44).
Departments are the configured ones (rules.directory.departments), never free text. ``actor``
None is the platform itself (the daily job, imports, the demo): it acts under the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import Field

from kernel.errors import Forbidden, InvalidInput
from kernel.rulebook import RuleSection

# Areas of credit commands a delegation may cover (one per sub-domain with write commands).
AREAS = ("penalties", "serious_list", "abnormal_list", "commitments", "commendations", "repair",
         "licensing", "objections", "complaints")
ADMIN = "admin"


@dataclass(frozen=True)
class Authority:
    """作出决定机关 A deciding department as a decision records it: its code and its configured
    Chinese name (the public label; the name at the time of the decision)."""

    department: str = ""
    name: str = ""


class Acting(Protocol):
    """Who acts (kernel.http.auth.User has these)."""

    username: str
    role: str
    department: str | None


class Delegation(RuleSection):
    """委托 One department acting for another in some areas (行政处罚法 Art 20: 委托 in writing,
    within the law's limits, published)."""

    from_department: str = Field(description="The deciding department (its code).")
    to_department: str = Field(description="The department that may act for it (its code).")
    areas: tuple[str, ...] = Field(
        (), description=f"Areas delegated, of {', '.join(AREAS)}; empty: every area.")
    commands: tuple[str, ...] = Field(
        (), description="Commands delegated (use-case names, e.g. publish_penalty); empty: every "
        "command of the areas.")
    source: str = Field(min_length=1, description="The delegation's basis, e.g. the 委托书's "
                        "文号 (行政处罚法 Art 20).")

    def covers(self, department: str, acting: str, area: str, command: str) -> bool:
        return (self.from_department == department and self.to_department == acting
                and (not self.areas or area in self.areas)
                and (not self.commands or command in self.commands))


class AuthorityRules(RuleSection):
    """Which department decides which credit record, and delegations between departments."""

    list_department: str | None = Field(
        None, description="The department deciding the abnormal and serious lists (企业信息公示"
        "暂行条例 Art 17; SAMR Order 44 Art 2: market regulation departments); None: "
        "market_regulation, or the configured department named 市场监督管理/市场监管.")
    delegations: tuple[Delegation, ...] = Field(
        (), description="Delegations (委托) between configured departments (行政处罚法 Art 20; "
        "default none: each department acts on its own decisions only).")

    def resolved_list_department(self, departments: tuple[Any, ...]) -> str:
        """The list department's code among `departments` (ValueError for an unknown one)."""
        codes = [d.code for d in departments]
        if self.list_department is not None:
            if self.list_department not in codes:
                raise ValueError(f"authority.list_department {self.list_department!r} is not a "
                                 f"configured department ({', '.join(codes)})")
            return self.list_department
        if "market_regulation" in codes:
            return "market_regulation"
        for d in departments:
            if "市场监督管理" in d.name_zh or "市场监管" in d.name_zh:
                return d.code
        # None configured (a deployment of other departments only): an administrator decides
        return "market_regulation"

    def check(self, departments: tuple[Any, ...]) -> None:
        """Every delegation names configured departments and known areas."""
        codes = {d.code for d in departments}
        for d in self.delegations:
            unknown = sorted({d.from_department, d.to_department} - codes)
            if unknown:
                raise ValueError(f"delegation names unknown departments {unknown}")
            if set(d.areas) - set(AREAS):
                raise ValueError(f"delegation areas must be of {', '.join(AREAS)}")
        self.resolved_list_department(departments)


def _department(rules: Any, code: str | None) -> Any:
    return next((d for d in rules.directory.departments if d.code == code), None)


def department_zh(rules: Any, code: str | None) -> str:
    """The configured Chinese name (the public label) of a department code."""
    found = _department(rules, code)
    return found.name_zh if found else (code or "")


def _both(rules: Any, code: str | None) -> tuple[str, str]:
    found = _department(rules, code)
    if found is None:
        return (code or "未指定部门", code or "no department")
    return found.name_zh, f"{found.name_en} ({found.code})"


def checked_department(rules: Any, code: str, field: str = "department") -> str:
    """A configured department's code, else 422 (free text such as 市场监管局 is refused)."""
    value = (code or "").strip()
    codes = sorted(rules.directory.department_codes)
    if value not in codes:
        raise InvalidInput(f"部门须为已配置的部门代码 department must be a configured department "
                           f"code, one of {', '.join(codes)} (got {value!r})", field=field)
    return value


def authorise(actor: Acting | None, department: str, area: str, command: str,
              rules: Any) -> None:
    """403 unless `actor` belongs to `department`, is an administrator, or holds a delegation."""
    if actor is None or actor.role == ADMIN or actor.department == department:
        return
    if actor.department and any(d.covers(department, actor.department, area, command)
                                for d in rules.authority.delegations):
        return
    (dz, den), (az, aen) = _both(rules, department), _both(rules, actor.department)
    raise Forbidden(f"此项由{dz}决定，{az}无权办理（谁决定、谁负责） only {den} decides this "
                    f"({area}: {command}); {actor.username} belongs to {aen}",
                    field="department")

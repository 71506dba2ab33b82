"""Rule numbers of the supervision context (the draw, result codes, the directory), each citing
its source; part of the one rules tree (``credit.rules.Rules``) a deployment overrides.

Defaults follow the domain rulebook (shared/DOMAIN.md). Provincial practice is marked
"(local, <place>)" and numbers no regulation fixes are marked "(assumed)".
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from kernel.calendar_rules import CalendarRules
from kernel.rulebook import RISK_CLASSES, Ratio, RuleSection, UnknownResultCode


class ClassRatios(RuleSection):
    """A sampling ratio per credit risk class."""

    A: Ratio = Field(0.03, description="Class A, low risk (local, 林甸: ≤ 5 %).")
    B: Ratio = Field(0.05, description="Class B, general risk (local, 林甸: 5–20 %).")
    C: Ratio = Field(0.20, description="Class C, relatively high risk (local, 林甸: 21–60 %).")
    D: Ratio = Field(1.00, description="Class D, high risk (local, 林甸: 61–100 %).")

    def for_class(self, risk_class: str) -> float:
        """The ratio for risk class ``risk_class`` (A–D)."""
        if risk_class not in RISK_CLASSES:
            raise KeyError(risk_class)
        return getattr(self, risk_class)


class ClassDays(RuleSection):
    """A number of days per credit risk class."""

    A: int = Field(365, ge=0, description="Class A: not re-checked within a year (local, 广东 2025).")
    B: int = Field(0, ge=0, description="Class B: no cool-off (local, 广东 2025).")
    C: int = Field(0, ge=0, description="Class C: no cool-off (local, 广东 2025).")
    D: int = Field(0, ge=0, description="Class D: no cool-off (local, 广东 2025).")

    def for_class(self, risk_class: str) -> int:
        """The days for risk class ``risk_class`` (A–D)."""
        if risk_class not in RISK_CLASSES:
            raise KeyError(risk_class)
        return getattr(self, risk_class)


class DrawRules(RuleSection):
    """双随机, the random draw of entities and inspectors."""

    ratios: ClassRatios = Field(
        default_factory=ClassRatios,
        description="Sampling ratio per credit risk class (国市监信发〔2022〕6号; local, 林甸).",
    )
    targeted_ratio: Ratio = Field(
        1.0,
        description="Ratio for key supervision targets (many complaints, abnormal list, serious "
        "violation records): up to 100 % (国市监信发〔2022〕6号).",
    )
    cooloff_days: ClassDays = Field(
        default_factory=ClassDays,
        description="Days before the same department re-checks an entity, per class "
        "(local, 广东 2025).",
    )
    min_inspectors: int = Field(
        2,
        ge=2,
        description="Inspectors drawn per task; enforcement needs at least 2 officers "
        "(行政处罚法 Art 42).",
    )
    inspectors_per_department: int = Field(
        2,
        ge=1,
        description="Joint checks (部门联合): inspectors of each participating department per "
        "task; each department enforces with at least 2 officers of its own (行政处罚法 Art 42).",
    )
    national_floor_ratio: Ratio = Field(
        0.03,
        description="Yearly floor for enterprise disclosure checks (企业公示信息抽查办法 Art 4).",
    )
    randomness_source: Literal["drand", "lottery"] = Field(
        "drand",
        description="The future random value a published plan commits to when its draft names "
        "none: a drand quicknet round (League of Entropy, verifiable offline) or an announced "
        "lottery result (assumed).",
    )
    commit_delay_minutes: int = Field(
        60,
        ge=1,
        le=7 * 24 * 60,
        description="The committed drand round starts at least this long after publication, so "
        "the commitment is public before the value exists (assumed).",
    )
    max_redraws: int = Field(
        2,
        ge=0,
        le=10,
        description="Redraws allowed per plan; each needs a reason and a fresh commitment "
        "(assumed).",
    )
    control_share: Ratio = Field(
        0.10,
        description="Share of a plan's expected size drawn as a uniform control sample across "
        "all classes, so risk classes can be judged against findings (assumed, OSHA-style).",
    )
    red_list_class: Literal["A", "B", "C", "D"] | None = Field(
        "A",
        description="守信激励 An entity the credit context has on the red list when the pool is "
        "frozen is drawn in this class at most (its class lowered to it, never raised), so at "
        "that class's ratio and cool-off: 国发〔2016〕33号 (守信联合激励: 在日常检查、专项检查中"
        "优化检查频次, fewer checks for the trustworthy); which class is local practice. None: "
        "no incentive.",
    )
    public_class_counts_min: int | None = Field(
        None,
        ge=1,
        description="Publish per-class stratum counts only when every stratum holds at least "
        "this many entities; None never publishes them (privacy of the internal class).",
    )



# The directory statuses an inspection result may record (supervision.directory.entities.STATUSES
# but "active").
EntityStatusFound = Literal["deregistered", "revoked", "cancelled", "moved_out"]


class FollowUp(StrEnum):
    """Default follow-up of an inspection result."""

    NONE = "none"
    ORDER_PUBLICISE = "order_publicise"  # 责令公示
    ORDER_CORRECT = "order_correct"  # 责令改正
    ABNORMAL_GROUND = "abnormal_ground"  # propose abnormal listing
    PUBLICISE_REFUSAL = "publicise_refusal"
    MAY_OPEN_PENALTY = "may_open_penalty"
    TERMINAL_STATUS = "terminal_status"  # entity no longer operates under this registration


class ResultCategory(RuleSection):
    """One inspection result category (DOMAIN §4)."""

    code: str = Field(min_length=1, description="Result code as the provincial system keys it.")
    name_zh: str
    name_en: str
    follow_up: FollowUp = FollowUp.NONE
    problem_found: bool
    abnormal_list_ground: bool = Field(
        False, description="The result itself is a ground for the abnormal list "
        "(企业信息公示暂行条例: false information, unreachable at the registered address).",
    )
    entity_status: EntityStatusFound | None = Field(
        None, description="The directory status the result records (DOMAIN §4, results 9–12: "
        "注销 / 吊销 / 撤销 / 迁出): the entity leaves future draw pools.",
    )


def _cat(
    code: str, zh: str, en: str, follow_up: FollowUp, problem: bool, abnormal: bool = False,
    entity_status: EntityStatusFound | None = None,
) -> ResultCategory:
    return ResultCategory(
        code=code, name_zh=zh, name_en=en, follow_up=follow_up,
        problem_found=problem, abnormal_list_ground=abnormal, entity_status=entity_status,
    )


DEFAULT_RESULT_CATALOGUE: tuple[ResultCategory, ...] = (
    _cat("1", "未发现问题", "no problem found", FollowUp.NONE, False),
    _cat("B", "未按规定公示应当公示的信息", "failed to publicise required information",
         FollowUp.ORDER_PUBLICISE, True),
    _cat("C", "公示信息隐瞒真实情况、弄虚作假", "false information publicised",
         FollowUp.ORDER_CORRECT, True, abnormal=True),
    _cat("6", "通过登记的住所（经营场所）无法联系", "unreachable at registered address",
         FollowUp.ABNORMAL_GROUND, True, abnormal=True),
    _cat("E", "发现问题经责令已改正", "problem found, corrected on order", FollowUp.NONE, True),
    _cat("8", "不配合检查情节严重", "serious refusal to cooperate",
         FollowUp.PUBLICISE_REFUSAL, True),
    _cat("F", "未发现开展本次抽查涉及的经营活动", "no relevant business activity",
         FollowUp.NONE, False),
    _cat("A", "发现问题待后续处理", "problem found, pending further action",
         FollowUp.MAY_OPEN_PENALTY, True),
    _cat("7", "已关闭停业或正在组织清算", "closed or liquidating", FollowUp.NONE, False),
    _cat("9", "注销", "deregistered", FollowUp.TERMINAL_STATUS, False,
         entity_status="deregistered"),
    _cat("10", "被吊销", "revoked", FollowUp.TERMINAL_STATUS, False, entity_status="revoked"),
    _cat("11", "被撤销", "cancelled", FollowUp.TERMINAL_STATUS, False,
         entity_status="cancelled"),
    _cat("12", "迁出", "moved out", FollowUp.TERMINAL_STATUS, False, entity_status="moved_out"),
)


class ResultRules(RuleSection):
    """The inspection result catalogue (DOMAIN §4; codes as in a provincial system)."""

    catalogue: tuple[ResultCategory, ...] = Field(
        DEFAULT_RESULT_CATALOGUE,
        min_length=1,
        description="Result categories; an override replaces the whole catalogue "
        "(codes as coded in a provincial system, configurable).",
    )
    _by_code: dict[str, ResultCategory] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_unique_codes(self) -> ResultRules:
        codes = [c.code for c in self.catalogue]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"duplicate result codes: {duplicates}")
        return self

    def model_post_init(self, __context: Any) -> None:
        self._by_code = {c.code: c for c in self.catalogue}

    def get(self, code: str) -> ResultCategory:
        """The category for ``code``; raises ``UnknownResultCode``."""
        try:
            return self._by_code[str(code).strip()]
        except KeyError:
            raise UnknownResultCode(
                f"unknown inspection result code {code!r}; known: {sorted(self._by_code)}"
            ) from None


class Department(RuleSection):
    """One department that runs random checks (抽查主体) and the qualifications it grants."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,49}$",
                      description="Department code, e.g. market_regulation (deployment data).")
    name_zh: str = Field(min_length=1, description="Chinese name, e.g. 市场监管局.")
    name_en: str = Field(min_length=1, description="English name.")
    qualifications: tuple[str, ...] = Field(
        (), description="Enforcement-qualification codes (执法资格) this department grants, "
        "e.g. Q-MARKET; a check item may require one of them.",
    )


# Seeded from opencheck.demo.check_items.DEPARTMENTS and its check items (a unit test keeps them equal).
DEFAULT_DEPARTMENTS: tuple[Department, ...] = (
    Department(code="market_regulation", name_zh="市场监管局", name_en="market regulation",
               qualifications=("Q-MARKET",)),
    Department(code="ecology_environment", name_zh="生态环境局", name_en="ecology and environment",
               qualifications=("Q-ECOLOGY",)),
    Department(code="emergency_management", name_zh="应急管理局", name_en="emergency management",
               qualifications=("Q-SAFETY",)),
    Department(code="health", name_zh="卫生健康委", name_en="health",
               qualifications=("Q-HEALTH",)),
)


class DirectoryRules(RuleSection):
    """一单两库 The check-item list and the inspector directory: which codes are known.

    Known qualification codes are the configured departments' ``qualifications`` plus the
    department codes themselves (a department-wide remit); the inspector directory further
    accepts check-item codes of the current list as per-item qualifications.
    """

    departments: tuple[Department, ...] = Field(
        DEFAULT_DEPARTMENTS,
        min_length=1,
        description="Departments that join random checks (部门联合双随机); an override replaces "
        "the whole list (deployment data, assumed defaults from the synthetic province).",
    )
    general_item_max_ratio: Ratio = Field(
        0.20,
        description="Highest default sampling ratio of a general (一般) check item; key (重点) "
        "items have no upper limit (DOMAIN §2: general ratio strictly limited; cap assumed).",
    )

    @model_validator(mode="after")
    def _check_unique_codes(self) -> DirectoryRules:
        codes = [d.code for d in self.departments]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"duplicate department codes: {duplicates}")
        return self

    @property
    def department_codes(self) -> frozenset[str]:
        return frozenset(d.code for d in self.departments)

    @property
    def qualification_codes(self) -> frozenset[str]:
        """Codes a check item may require: granted qualifications and department codes."""
        return frozenset(q for d in self.departments for q in d.qualifications) | self.department_codes


class AttachmentRules(RuleSection):
    """检查附件 Photos and documents attached to an inspection result (检查记录的佐证材料)."""

    media_types: tuple[Literal["image/jpeg", "image/png", "application/pdf"], ...] = Field(
        ("image/jpeg", "image/png", "application/pdf"),
        description="Accepted types, recognised by their first bytes, never the file name "
        "(photos of the premises, scanned records: assumed).")
    max_bytes: int = Field(
        10 * 1024 * 1024, ge=1, le=200 * 1024 * 1024,
        description="Largest attachment in bytes (assumed: 10 MiB holds a phone photo or a "
        "scanned record of a few pages).")
    max_per_result: int = Field(
        10, ge=0, le=100, description="Attachments one department's result may carry (assumed).")


class SupervisionRules(RuleSection):
    """The supervision context's rule numbers."""

    draw: DrawRules = Field(default_factory=DrawRules)
    results: ResultRules = Field(default_factory=ResultRules)
    directory: DirectoryRules = Field(default_factory=DirectoryRules)
    calendar: CalendarRules = Field(default_factory=CalendarRules)
    attachments: AttachmentRules = Field(default_factory=AttachmentRules)

    def result(self, code: str) -> ResultCategory:
        """The inspection result category for ``code``; raises ``UnknownResultCode``."""
        return self.results.get(code)


DEFAULT_SUPERVISION_RULES = SupervisionRules()

"""Bilingual labels (Chinese first, English after): the one place OpenCheck names things on a
screen (dashboard, public pages, exports)."""

from __future__ import annotations

from typing import Any

from kernel.regions import COUNTIES, PREFECTURES, PROVINCES

ENTITY_TYPES = {"enterprise": "企业 Enterprise", "individual": "个体工商户 Individual business",
                "cooperative": "农民专业合作社 Farmers' cooperative"}
ENTITY_STATUSES = {"active": "存续 Active", "deregistered": "注销 Deregistered",
                   "revoked": "吊销 Revoked", "moved_out": "迁出 Moved out",
                   "cancelled": "撤销 Registration cancelled"}
# GB/T 4754-2017 国民经济行业分类, sections A–T.
INDUSTRY_SECTIONS = {
    "A": "农、林、牧、渔业 Agriculture, forestry, husbandry, fishery", "B": "采矿业 Mining",
    "C": "制造业 Manufacturing", "D": "电力、热力、燃气及水 Utilities", "E": "建筑业 Construction",
    "F": "批发和零售业 Wholesale and retail", "G": "交通运输、仓储和邮政业 Transport and post",
    "H": "住宿和餐饮业 Accommodation and catering", "I": "信息传输、软件和信息技术服务业 IT services",
    "J": "金融业 Finance", "K": "房地产业 Real estate", "L": "租赁和商务服务业 Leasing and business",
    "M": "科学研究和技术服务业 Research and technical", "N": "水利、环境和公共设施管理业 Public facilities",
    "O": "居民服务、修理和其他服务业 Resident services", "P": "教育 Education",
    "Q": "卫生和社会工作 Health and social work", "R": "文化、体育和娱乐业 Culture and sports",
    "S": "公共管理、社会保障和社会组织 Public administration", "T": "国际组织 International organisations",
}
SECTION_LETTERS = tuple(INDUSTRY_SECTIONS)
PLAN_STATUSES = {"drafted": "草拟 Drafted", "published": "已发布 Published",
                 "drawn": "已抽取 Drawn", "closed": "已结束 Closed"}
TASK_STATUSES = {"assigned": "已分派 Assigned", "unstaffed": "人员不足 Unstaffed",
                 "in_progress": "检查中 In progress", "inspected": "已检查 Inspected",
                 "published": "已公示 Published", "cancelled": "已取消 Cancelled"}
COMMITMENT_STATUSES = {"awaiting": "待核查 Awaiting verification",
                       "overdue": "逾期未核查 Verification overdue",
                       "fulfilled": "承诺属实 Fulfilled", "false": "虚假承诺 False commitment"}
LISTING_STATUSES = {"noticed": "已告知 Noticed", "listed": "已列入 Listed",
                    "not_listed": "不予列入 Not listed", "removed": "已移出 Removed"}
PENALTY_STATUSES = {"opened": "已立案 Opened", "decided": "已决定 Decided",
                    "published": "已公示 Published", "changed": "已变更 Changed",
                    "revoked": "已撤销 Revoked", "invalid": "已确认无效 Found invalid"}
FOLLOW_UP_KINDS = {"order_publicise": "责令公示 Order to publicise",
                   "order_correct": "责令改正 Order to correct"}
FOLLOW_UP_OUTCOMES = {"open": "办理中 Open", "satisfied": "已履行 Satisfied",
                      "overdue": "逾期未履行 Overdue"}
LISTING_GROUNDS = {"heavier_penalty": "较重行政处罚 Heavier penalty (SAMR Order 44 Art 2)",
                   "abnormal_three_years": "列入经营异常名录满三年 Abnormal list for 3 years"}
LISTS = {"abnormal": "经营异常名录 Abnormal operation list",
         "serious": "严重违法失信名单 Serious illegal and dishonest list",
         "red": "守信激励名单 Red list (good credit)"}
MARKED_ABNORMAL = "经营异常状态 Marked abnormal (individual business)"
# What an entity's credit file lists, by kind of record.
RECORD_KINDS = {"penalty": "行政处罚 Penalty", "commitment": "告知承诺 Commitment",
                "serious": LISTS["serious"], "abnormal": LISTS["abnormal"],
                "repair": "信用修复 Credit repair", "red": LISTS["red"],
                "commendation": "诚信典型 Commendation", "risk": "信用风险分类 Risk class (internal)",
                "inspection": "抽查检查 Inspection", "annual_report": "年度报告 Annual report",
                "licence": "行政许可 Licensing decision", "objection": "异议 Objection"}
# 行政处罚法 Art 9, in the order a decision lists them.
PENALTY_KINDS = {
    "warning": "警告 warning",
    "circulated_criticism": "通报批评 circulated criticism",
    "fine": "罚款 fine",
    "confiscation": "没收违法所得、非法财物 confiscation",
    "licence_suspended": "暂扣许可证件 licence suspended",
    "licence_downgraded": "降低资质等级 qualification downgraded",
    "licence_revoked": "吊销许可证件 licence revoked",
    "business_restricted": "限制开展生产经营活动 business restricted",
    "business_closed": "责令停产停业、责令关闭 business suspended or closed",
}
RISK_CLASSES = {"A": "A 低风险 Low", "B": "B 一般风险 General",
                "C": "C 较高风险 Relatively high", "D": "D 高风险 High"}
STRATA = {"A": "A类 Class A", "B": "B类 Class B", "C": "C类 Class C", "D": "D类 Class D",
          "targeted": "重点对象 Targeted"}
ROLES = {"inspector": "执法检查人员 Inspector", "supervisor": "监管人员 Supervisor",
         "admin": "管理员 Administrator", "auditor": "审计人员 Auditor"}
PUBLICATION = {"on_time": "按时公示 Published on time", "late": "逾期公示 Published late",
               "overdue": "逾期未公示 Overdue, unpublished",
               "pending": "期限内待公示 Pending, within deadline"}


def region_label(code: str) -> str:
    """婺城区 330702 style: the name where the embedded table knows it, else the code; a prefix
    ("3307") is named as its division ("金华市 3307")."""
    full = code.ljust(6, "0")
    name = COUNTIES.get(full) or PREFECTURES.get(full)
    if name is None and full.endswith("0000"):
        name = PROVINCES.get(full[:2])
    return f"{name} {code}" if name else code


def region_options() -> list[dict[str, str]]:
    """Prefectures, each followed by its counties (the filter's choices, as GB/T 2260 prefixes)."""
    options = []
    for pref, name in PREFECTURES.items():
        options.append({"label": f"{name} {pref}", "value": pref[:4]})
        options += [{"label": f"　{cname} {code}", "value": code}
                    for code, cname in COUNTIES.items() if code[:4] == pref[:4]]
    return options


def department_labels(rules: Any) -> dict[str, str]:
    return {d.code: f"{d.name_zh} {d.name_en.capitalize()}" for d in rules.directory.departments}


def result_labels(rules: Any) -> dict[str, str]:
    """Official result catalogue: code → "1 未发现问题 no problem found"."""
    return {c.code: f"{c.code} {c.name_zh} {c.name_en}" for c in rules.results.catalogue}


def options(labels: dict[str, str]) -> list[dict[str, str]]:
    return [{"label": v, "value": k} for k, v in labels.items()]


# 随机抽查事项清单 columns (国办发〔2019〕5号 附件: 抽查类别 重点/一般, 抽查方式).
CHECK_CATEGORIES = {"key": "重点检查事项 Key item", "general": "一般检查事项 General item"}
CHECK_METHODS = {"on_site": "现场检查 On site", "documents": "书面检查 Documents",
                 "online": "网络监测 Online"}
DRAW_SOURCES = {"drand": "drand 公共随机信标 Public randomness beacon",
                "lottery": "福利彩票开奖号码 Welfare lottery draw"}


def until_label(until: Any, today: Any) -> str:
    """A list entry's end: "届满移出 Expires on <date>" while it lies ahead, "已移出 Removed on
    <date>" once passed (an entry the public pages show is in force, so normally the former)."""
    if until is None:
        return ""
    if str(until) > str(today):
        return f"届满移出 Expires on {until}"
    return f"已移出 Removed on {until}"


def department_label(rules: Any, code: str | None) -> str:
    """市场监管局 Market regulation for a configured department code; an unknown code as it is."""
    if not code:
        return ""
    return department_labels(rules).get(code, code)


# 风险分类指标 The indicators of the A–D risk score (credit.rules.RISK_INDICATORS), as a file
# shows the reasons for a class.
RISK_INDICATOR_LABELS = {
    "serious_list": "列入严重违法失信名单 on the serious dishonest list",
    "abnormal_list": "列入经营异常名录 on the abnormal operation list",
    "heavy_penalty": "较重行政处罚 a heavier penalty in force",
    "penalty_recent": "近期行政处罚 a recent penalty in force",
    "penalty_older": "较早行政处罚 an older penalty in force",
    "minor_penalty": "轻微处罚 a minor penalty",
    "false_commitment": "虚假承诺 a false commitment",
    "negative_result": "抽查发现问题 an inspection found a problem",
    "clean_result": "最近抽查未发现问题 latest inspection clean",
    "annual_report_missing": "未按时公示年报 annual report not filed on time",
    "annual_reports_on_time": "年报按时公示 annual reports filed on time",
    "new_entity": "新设主体 newly registered",
    "established": "成立多年 long established",
}


def risk_reason(reason: dict) -> str:
    """"近期行政处罚 a recent penalty in force +12" (a floor, if any, after it)."""
    name = RISK_INDICATOR_LABELS.get(reason["indicator"], reason["indicator"])
    floor = reason.get("floor")
    return f"{name} {reason['points']:+g}" + (f" (≥ {floor:g})" if floor is not None else "")

"""The demo province's check-item list (抽查事项清单, 一单): items per department, as plain rows
in the import format (``opencheck.importing``), each citing its legal basis."""

from __future__ import annotations

from collections.abc import Iterable

# Departments that join random checks in the demo province (codes as in supervision.rules).
DEPARTMENTS: dict[str, str] = {
    "market_regulation": "市场监管局",
    "ecology_environment": "生态环境局",
    "emergency_management": "应急管理局",
    "health": "卫生健康委",
}
_ALL_TYPES, _FIRMS = "enterprise;individual;cooperative", "enterprise"

_CHECK_ITEMS: dict[str, tuple[str, tuple[tuple, ...]]] = {
    "market_regulation": ("Q-MARKET", (
        ("SJ-001", "企业公示信息的检查", "年度报告公示信息的检查",
         "《企业信息公示暂行条例》第十四条", _FIRMS, "", "documents", "general", 0.05, 1),
        ("SJ-002", "企业公示信息的检查", "即时公示信息的检查",
         "《企业信息公示暂行条例》第十四条", _FIRMS, "", "online", "general", 0.03, 1),
        ("SJ-003", "个体工商户年度报告信息的检查", "年度报告信息的检查",
         "《个体工商户年度报告暂行办法》", "individual", "", "online", "general", 0.03, 1),
        ("SJ-004", "农民专业合作社年度报告公示信息的检查", "年度报告公示信息的检查",
         "《农民专业合作社年度报告公示暂行办法》", "cooperative", "A", "documents", "general",
         0.03, 1),
        ("SJ-005", "食品销售者的检查", "食品经营许可及经营过程的检查",
         "《中华人民共和国食品安全法》第一百一十条", "enterprise;individual", "F", "on_site",
         "key", 0.10, 2),
        ("SJ-006", "餐饮服务提供者的检查", "餐饮服务食品安全的检查",
         "《中华人民共和国食品安全法》第一百一十条", "enterprise;individual", "H", "on_site",
         "key", 0.10, 2),
        ("SJ-007", "产品质量的检查", "生产企业产品质量的检查",
         "《中华人民共和国产品质量法》第十五条", _FIRMS, "C", "on_site", "key", 0.10, 1),
        ("SJ-008", "价格行为的检查", "明码标价的检查", "《中华人民共和国价格法》第三十四条",
         "enterprise;individual", "F;H;O", "on_site", "general", 0.03, 1),
        ("SJ-009", "广告发布行为的检查", "互联网广告的检查",
         "《中华人民共和国广告法》第四十九条", _FIRMS, "F;I;L", "online", "general", 0.03, 1),
    )),
    "ecology_environment": ("Q-ECOLOGY", (
        ("HB-001", "排污许可的检查", "排污许可证执行情况的检查", "《排污许可管理条例》",
         _FIRMS, "C", "on_site", "key", 0.10, 1),
        ("HB-002", "建设项目环境保护的检查", "环境保护设施“三同时”的检查",
         "《建设项目环境保护管理条例》", _FIRMS, "C;E", "documents", "general", 0.05, 1),
        ("HB-003", "大气污染防治的检查", "大气污染物排放的检查",
         "《中华人民共和国大气污染防治法》第二十九条", _FIRMS, "C;E;O", "on_site", "key",
         0.10, 1),
        ("HB-004", "水污染防治的检查", "水污染物排放的检查",
         "《中华人民共和国水污染防治法》第三十条", "enterprise;individual;cooperative",
         "A;C;H", "on_site", "general", 0.05, 1),
        ("HB-005", "固体废物污染环境防治的检查", "危险废物规范化管理的检查",
         "《中华人民共和国固体废物污染环境防治法》", _FIRMS, "C;O;Q", "on_site", "key",
         0.10, 1),
        ("HB-006", "噪声污染防治的检查", "工业及社会生活噪声的检查",
         "《中华人民共和国噪声污染防治法》", "enterprise;individual", "C;E;H", "on_site",
         "general", 0.03, 1),
    )),
    "emergency_management": ("Q-SAFETY", (
        ("YJ-001", "安全生产的检查", "工贸企业安全生产条件的检查",
         "《中华人民共和国安全生产法》第六十五条", _FIRMS, "C", "on_site", "key", 0.10, 1),
        ("YJ-002", "危险化学品经营的检查", "危险化学品经营许可及储存的检查",
         "《危险化学品安全管理条例》", _FIRMS, "F", "on_site", "key", 0.10, 2),
        ("YJ-003", "生产安全事故应急的检查", "应急预案编制及演练的检查",
         "《生产安全事故应急条例》", _FIRMS, "C;F;H", "documents", "general", 0.05, 1),
        ("YJ-004", "安全生产培训的检查", "从业人员安全培训的检查", "《安全生产培训管理办法》",
         _FIRMS, "C;E", "documents", "general", 0.03, 1),
        ("YJ-005", "粉尘防爆安全的检查", "粉尘涉爆企业的检查", "《工贸企业粉尘防爆安全规定》",
         _FIRMS, "C", "on_site", "key", 0.10, 1),
    )),
    "health": ("Q-HEALTH", (
        ("WJ-001", "公共场所卫生的检查", "住宿、美容美发场所卫生的检查",
         "《公共场所卫生管理条例》", "enterprise;individual", "H;O", "on_site", "general",
         0.05, 1),
        ("WJ-002", "生活饮用水卫生的检查", "涉及饮用水卫生安全产品的检查",
         "《生活饮用水卫生监督管理办法》", _FIRMS, "C", "on_site", "general", 0.03, 1),
        ("WJ-003", "职业卫生的检查", "用人单位职业病危害防治的检查",
         "《中华人民共和国职业病防治法》", _FIRMS, "C;E", "on_site", "key", 0.10, 1),
        ("WJ-004", "医疗机构依法执业的检查", "医疗机构执业资质的检查", "《医疗机构管理条例》",
         _FIRMS, "Q", "on_site", "key", 0.10, 1),
        ("WJ-005", "放射诊疗的检查", "放射诊疗许可及防护的检查", "《放射诊疗管理规定》",
         _FIRMS, "Q", "on_site", "general", 0.05, 1),
        ("WJ-006", "传染病防治的检查", "医疗机构传染病防治的检查",
         "《中华人民共和国传染病防治法》", _FIRMS, "Q", "on_site", "key", 0.10, 1),
    )),
}
CHECK_ITEM_FIELDS = ("code", "name", "sub_item", "legal_basis", "department", "object_scope_types",
                     "object_scope_industries", "method", "category", "default_ratio",
                     "frequency_per_year", "qualification")


def generate_check_items(departments: Iterable[str] = tuple(DEPARTMENTS)) -> list[dict]:
    """The check-item list (抽查事项清单) for `departments`, in the order given."""
    rows = []
    for dept in departments:
        if dept not in _CHECK_ITEMS:
            raise ValueError(f"unknown department: {dept}")
        qualification, items = _CHECK_ITEMS[dept]
        for code, name, sub, basis, types, sections, method, category, ratio, freq in items:
            rows.append(dict(zip(CHECK_ITEM_FIELDS, (
                code, name, sub, basis, dept, types, sections, method, category, ratio, freq,
                qualification))))
    return rows

"""Administrative division codes (GB/T 2260, 行政区划代码) for the synthetic province.

Zhejiang (330000) is embedded in full, as of the 2021 Hangzhou and 2019 Longgang changes:
11 prefecture-level cities and their 90 county-level divisions. Any other province's codes are
accepted by structure only (`is_valid_region_code`), since real entities and inspectors can be
registered anywhere in China.
"""
from __future__ import annotations

import re

PROVINCE = ("330000", "浙江省")

# Province-level prefixes (GB/T 2260 first two digits): 31 mainland units plus 71, 81, 82.
PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

PREFECTURES: dict[str, str] = {
    "330100": "杭州市", "330200": "宁波市", "330300": "温州市", "330400": "嘉兴市",
    "330500": "湖州市", "330600": "绍兴市", "330700": "金华市", "330800": "衢州市",
    "330900": "舟山市", "331000": "台州市", "331100": "丽水市",
}

COUNTIES: dict[str, str] = {
    # 杭州市 (2021: 下城 merged into 拱墅, 江干 dissolved, 临平 and 钱塘 created)
    "330102": "上城区", "330105": "拱墅区", "330106": "西湖区", "330108": "滨江区",
    "330109": "萧山区", "330110": "余杭区", "330111": "富阳区", "330112": "临安区",
    "330113": "临平区", "330114": "钱塘区", "330122": "桐庐县", "330127": "淳安县",
    "330182": "建德市",
    # 宁波市
    "330203": "海曙区", "330205": "江北区", "330206": "北仑区", "330211": "镇海区",
    "330212": "鄞州区", "330213": "奉化区", "330225": "象山县", "330226": "宁海县",
    "330281": "余姚市", "330282": "慈溪市",
    # 温州市
    "330302": "鹿城区", "330303": "龙湾区", "330304": "瓯海区", "330305": "洞头区",
    "330324": "永嘉县", "330326": "平阳县", "330327": "苍南县", "330328": "文成县",
    "330329": "泰顺县", "330381": "瑞安市", "330382": "乐清市", "330383": "龙港市",
    # 嘉兴市
    "330402": "南湖区", "330411": "秀洲区", "330421": "嘉善县", "330424": "海盐县",
    "330481": "海宁市", "330482": "平湖市", "330483": "桐乡市",
    # 湖州市
    "330502": "吴兴区", "330503": "南浔区", "330521": "德清县", "330522": "长兴县",
    "330523": "安吉县",
    # 绍兴市
    "330602": "越城区", "330603": "柯桥区", "330604": "上虞区", "330624": "新昌县",
    "330681": "诸暨市", "330683": "嵊州市",
    # 金华市
    "330702": "婺城区", "330703": "金东区", "330723": "武义县", "330726": "浦江县",
    "330727": "磐安县", "330781": "兰溪市", "330782": "义乌市", "330783": "东阳市",
    "330784": "永康市",
    # 衢州市
    "330802": "柯城区", "330803": "衢江区", "330822": "常山县", "330824": "开化县",
    "330825": "龙游县", "330881": "江山市",
    # 舟山市
    "330902": "定海区", "330903": "普陀区", "330921": "岱山县", "330922": "嵊泗县",
    # 台州市
    "331002": "椒江区", "331003": "黄岩区", "331004": "路桥区", "331022": "三门县",
    "331023": "天台县", "331024": "仙居县", "331081": "温岭市", "331082": "临海市",
    "331083": "玉环市",
    # 丽水市
    "331102": "莲都区", "331121": "青田县", "331122": "缙云县", "331123": "遂昌县",
    "331124": "松阳县", "331125": "云和县", "331126": "庆元县", "331127": "景宁畲族自治县",
    "331181": "龙泉市",
}

_SIX_DIGITS = re.compile(r"\d{6}")


def is_valid_region_code(code: str) -> bool:
    """True if `code` is a structurally valid GB/T 2260 code under a known province."""
    if not isinstance(code, str) or not _SIX_DIGITS.fullmatch(code):
        return False
    province, prefecture, county = code[:2], code[2:4], code[4:]
    if province not in PROVINCES:
        return False
    # A province-level code ends in 0000; there is no county under prefecture "00".
    return not (prefecture == "00" and county != "00")


def prefecture_of(code: str) -> str:
    """The 6-digit prefecture-level code containing `code` (e.g. 330782 -> 330700)."""
    if not is_valid_region_code(code):
        raise ValueError(f"not a GB/T 2260 region code: {code!r}")
    if code.endswith("0000"):
        raise ValueError(f"{code} is a province-level code; it has no prefecture")
    return code[:4] + "00"


def region_name(code: str, full: bool = False) -> str:
    """Name of a Zhejiang division or any province; `full` prefixes its parents (浙江省金华市义乌市)."""
    if code.endswith("0000") and code[:2] in PROVINCES:
        return PROVINCES[code[:2]]
    name = COUNTIES.get(code) or PREFECTURES.get(code)
    if name is None:
        raise KeyError(f"no name known for region code {code!r}")
    if not full:
        return name
    parents = PROVINCES[code[:2]] + (PREFECTURES[prefecture_of(code)] if code in COUNTIES else "")
    return parents + name

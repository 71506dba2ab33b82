"""Deterministic synthetic province: market entities, inspectors and check items as plain rows.

Every generator is a pure function of its seed (numpy Generator + a seeded faker zh_CN for name
pools; a given faker version gives byte-identical rows). Entity row i depends only on (seed, i),
so a shorter run is a prefix of a longer one, and rows stream in chunks: 10 M rows never sit in
memory at once.

Calibration (DOMAIN.md §12):
- entity mix: China 2025 ≈ 190 M entities, ≈ 127 M individual businesses (67 %) and ≈ 60 M
  enterprises (32 %); Jinhua 2021 Q1: 894 k individual (68 %), 412 k enterprises (31 %) of 1.313 M.
  Hence 67 % individual, 30 % enterprise, 3 % farmers' cooperatives.
- city weights: rough relative stock of market entities across Zhejiang's 11 cities (Jinhua's
  1.3 M of ≈ 9 M province-wide ≈ 14 %); counties share their city's weight equally.
- registrations over 2006-2025 grow ≈ 12 % a year (stock growth of China's market entities);
  cooperatives start 2007-07-01 (农民专业合作社法 in force).
- industries (GB/T 4754-2017): wholesale and retail (F) dominate individual businesses and
  enterprises, then catering (H), resident services (O), business services (L), software (I),
  manufacturing (C); cooperatives are agriculture (A).
- check items: modelled on the SAMR and provincial 随机抽查事项清单 (5-10 per department here;
  Hezhou ran 975 matters with 3,507 sub-items). Key items get 10 %, general items 3-5 %
  (企业公示信息抽查办法 floor: 3 %).
- USCC: pre-2015-10-01 enterprises and cooperatives keep a numeric 8-digit GB 11714 body, later
  ones get an "MA" body; individual businesses always got new "MA" codes.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from faker import Faker
from stdnum.cn import ric

from kernel.regions import COUNTIES, PREFECTURES, PROVINCE, prefecture_of
from kernel.uscc import ALPHABET
from opencheck.demo.check_items import DEPARTMENTS, generate_check_items

ENTITY_TYPES = ("individual", "enterprise", "cooperative")
ENTITY_TYPE_SHARES = (0.67, 0.30, 0.03)
_KIND_CHAR = {"individual": "2", "enterprise": "1", "cooperative": "3"}  # USCC position 2

INSPECTOR_STATUSES = (("active", 0.92), ("on_leave", 0.05), ("retired", 0.03))

_CHUNK = 8192
_FIRST_DAY, _DAYS = np.datetime64("2006-01-01"), 7305  # 20 years before 2026-01-01
_COOP_FIRST_OFFSET = int((np.datetime64("2007-07-01") - _FIRST_DAY).astype(int))
_USCC_ERA_OFFSET = int((np.datetime64("2015-10-01") - _FIRST_DAY).astype(int))
_GROWTH = np.log(1.12) / 365.25

_CITY_WEIGHTS = {"330100": 17, "330200": 13, "330300": 14, "330400": 7, "330500": 4.5,
                 "330600": 8, "330700": 14, "330800": 3.5, "330900": 1.8, "331000": 10,
                 "331100": 3.5}

# code, weight for (individual, enterprise, cooperative), shop words for individual businesses,
# trade words for enterprises (product phrases for cooperatives).
_Industry = tuple[str, tuple[float, float, float], tuple[str, ...], tuple[str, ...]]
_INDUSTRIES: tuple[_Industry, ...] = (
    ("F5213", (14, 0, 0), ("便利店", "超市", "小卖部"), ()),
    ("F5211", (6, 0, 0), ("百货商店", "日用百货店", "百货商行"), ()),
    ("F5212", (0, 2, 0), (), ("超市", "连锁超市")),
    ("F5223", (7, 0, 0), ("水果店", "果蔬店", "蔬菜店"), ()),
    ("F5224", (5, 0, 0), ("鲜肉店", "水产店", "禽蛋店"), ()),
    ("F5227", (3, 0, 0), ("烟酒店", "烟酒商行"), ()),
    ("F5232", (8, 0, 0), ("服装店", "服饰店", "女装店"), ()),
    ("F5281", (4, 0, 0), ("五金店", "五金商行"), ()),
    ("F5292", (6, 6, 0), ("网店", "电子商务商行"), ("电子商务", "网络科技")),
    ("F5132", (3, 3, 0), ("服装商行",), ("服饰", "服装")),
    ("F5174", (2, 4, 0), ("五金经营部",), ("五金", "工具")),
    ("F5199", (0, 10, 0), (), ("商贸", "贸易", "进出口")),
    ("F5265", (0, 0.5, 0), (), ("石油", "能源")),
    ("H6210", (3, 3, 0), ("饭店", "餐馆", "酒家"), ("餐饮管理", "餐饮")),
    ("H6220", (6, 0, 0), ("快餐店",), ()),
    ("H6291", (6, 0, 0), ("小吃店", "面馆", "早餐店"), ()),
    ("H6110", (0, 1, 0), (), ("酒店管理", "大酒店")),
    ("H6130", (1, 0, 0), ("民宿",), ()),
    ("O8040", (6, 1, 0), ("理发店", "美容店", "美发店"), ("美容", "美发")),
    ("O8030", (1, 0, 0), ("洗衣店", "干洗店"), ()),
    ("O8111", (3, 1, 0), ("汽车修理店", "汽车美容店"), ("汽车服务",)),
    ("G5431", (4, 3, 0), ("货运部",), ("物流", "货运")),
    ("E5012", (3, 4, 0), ("装修队", "装饰工作室"), ("装饰工程",)),
    ("E4710", (0, 2, 0), (), ("建设", "建筑工程")),
    ("C1411", (2, 1, 0), ("糕点店", "面包房"), ("食品",)),
    ("C2110", (1, 2, 0), ("家具厂",), ("家具",)),
    ("C2927", (1, 3, 0), ("塑料加工厂",), ("塑业", "塑料制品")),
    ("C3351", (0, 2, 0), (), ("五金制品",)),
    ("C3670", (0, 3, 0), (), ("汽车部件", "汽配")),
    ("C3872", (0, 2, 0), (), ("照明电器",)),
    ("C1711", (0, 2, 0), (), ("纺织",)),
    ("I6513", (0, 6, 0), (), ("网络科技", "软件")),
    ("I6531", (0, 3, 0), (), ("信息技术",)),
    ("L7299", (0, 8, 0), (), ("企业管理咨询", "商务服务")),
    ("M7519", (0, 4, 0), (), ("科技",)),
    ("K7020", (0, 2, 0), (), ("物业管理",)),
    ("K7030", (0, 1, 0), (), ("房地产经纪",)),
    ("Q8425", (0, 0.5, 0), (), ("口腔门诊部", "医疗管理")),
    ("A0164", (0, 0.5, 20), (), ("茶叶", "白茶", "高山茶")),
    ("A0141", (0, 0, 20), (), ("蔬菜", "果蔬种植")),
    ("A0153", (0, 0, 10), (), ("柑橘", "蜜桔", "胡柚")),
    ("A0151", (0, 0, 8), (), ("杨梅", "水蜜桃")),
    ("A0111", (0, 0, 8), (), ("粮食", "水稻种植")),
    ("A0171", (0, 0, 6), (), ("中药材",)),
    ("A0142", (0, 0, 5), (), ("食用菌", "香菇")),
    ("A0143", (0, 0, 4), (), ("花卉苗木",)),
    ("A0161", (0, 0, 4), (), ("山核桃", "香榧")),
    ("A0313", (0, 0, 5), (), ("生猪养殖",)),
    ("A0321", (0, 0, 4), (), ("家禽养殖", "土鸡养殖")),
    ("A0412", (0, 0, 6), (), ("水产养殖", "甲鱼养殖")),
)
_TRADE_NAME_CHARS = "鑫恒源泰盛隆兴达宏华信诚天瑞丰祥福永昌金凯腾飞宇新顺和安佳美嘉汇博通明升利荣德康洪浩亿豪"
_PLACE_CHARS = "山溪桥塘岭坑湖源石口坞前后下上新龙凤白青东西南北高田岙岩埠港"


def _short(name: str) -> str:
    """Drop the administrative suffix: 景宁畲族自治县 -> 景宁, 义乌市 -> 义乌."""
    for suffix in ("畲族自治县", "区", "县", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _county_prefix(code: str) -> str:
    """How a county-level unit is named in an office: 金华市婺城区, but plain 义乌市 / 磐安县."""
    county = COUNTIES[code]
    return PREFECTURES[prefecture_of(code)] + county if county.endswith("区") else county


class _Pools:
    """Name parts drawn once from faker; rows combine them by index (faker per row is slow)."""

    def __init__(self, seed: int) -> None:
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        self.surnames = [fake.last_name() for _ in range(2000)]  # keeps faker's frequency weighting
        self.given = [fake.first_name() for _ in range(2000)]
        self.streets = sorted({fake.street_name() for _ in range(3000)})
        self.trade_names = [a + b for a in _TRADE_NAME_CHARS for b in _TRADE_NAME_CHARS if a != b]
        self.places = [a + b for a in _PLACE_CHARS for b in _PLACE_CHARS if a != b]


def _feistel(x: np.ndarray, base: int, keys: np.ndarray) -> np.ndarray:
    """Keyed bijection on [0, base²): balanced Feistel rounds over two base-`base` halves."""
    b = np.uint64(base)
    left, right = x // b, x % b
    for k in keys:
        f = right * np.uint64(0x9E3779B97F4A7C15) + k
        f ^= f >> np.uint64(29)
        f *= np.uint64(0xBF58476D1CE4E5B9)
        f ^= f >> np.uint64(32)
        left, right = right, (left + f % b) % b
    return left * b + right


def _digits(values: np.ndarray, radix: int, width: int) -> np.ndarray:
    """Most-significant-first digits of `values` in `radix`, shape (len, width)."""
    out = np.empty((len(values), width), dtype=np.uint64)
    v = values.copy()
    for col in range(width - 1, -1, -1):
        out[:, col] = v % np.uint64(radix)
        v //= np.uint64(radix)
    return out


_ASCII_ALPHABET = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
_USCC_INDEX = np.zeros(128, dtype=np.int64)
_USCC_INDEX[_ASCII_ALPHABET] = np.arange(len(ALPHABET))
_GB11714_VALUE = np.zeros(128, dtype=np.int64)
_GB11714_VALUE[48:58] = np.arange(10)
_GB11714_VALUE[65:91] = np.arange(10, 36)
_GB11714_CHECK = np.frombuffer(b"0123456789X0", dtype=np.uint8)  # index 11 - (sum mod 11)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)


def _usccs(kind_chars: np.ndarray, regions: np.ndarray, bodies: np.ndarray) -> list[str]:
    """Vectorised make_uscc: ASCII arrays in, both check characters computed, strings out."""
    chars = np.empty((len(kind_chars), 18), dtype=np.uint8)
    chars[:, 0] = ord("9")  # market regulation registers all three entity kinds
    chars[:, 1] = kind_chars
    chars[:, 2:8] = regions
    chars[:, 8:16] = bodies
    c9 = 11 - (_GB11714_VALUE[bodies] @ _ORG_WEIGHTS) % 11
    chars[:, 16] = _GB11714_CHECK[c9]
    total = _USCC_INDEX[chars[:, :17]] @ _USCC_WEIGHTS
    chars[:, 17] = _ASCII_ALPHABET[(31 - total % 31) % 31]
    return chars.view("S18").ravel().astype("U18").tolist()


def _cumulative(weights: Iterable[float]) -> np.ndarray:
    w = np.asarray(list(weights), dtype=float)
    cum = np.cumsum(w / w.sum())
    cum[-1] = 1.0
    return cum


def _pick(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    # side="right" never lands on a zero-weight entry.
    return np.searchsorted(cum, u, side="right")


_COUNTY_CODES = list(COUNTIES)
_COUNTY_ASCII = np.frombuffer("".join(_COUNTY_CODES).encode(), dtype=np.uint8).reshape(-1, 6)
_COUNTIES_IN = {p: sum(prefecture_of(c) == p for c in _COUNTY_CODES) for p in PREFECTURES}
_COUNTY_CUM = _cumulative(_CITY_WEIGHTS[prefecture_of(c)] / _COUNTIES_IN[prefecture_of(c)]
                          for c in _COUNTY_CODES)
_PREF_NAME = [PREFECTURES[prefecture_of(c)] for c in _COUNTY_CODES]
_COUNTY_NAME = [COUNTIES[c] for c in _COUNTY_CODES]
_OFFICE = [_county_prefix(c) for c in _COUNTY_CODES]
# An enterprise name starts with the province, the city, or a county-level city / county.
_FIRM_PLACES = [(PROVINCE[1][:2], _short(p), _short(p) if c.endswith("区") else c)
                for p, c in zip(_PREF_NAME, _COUNTY_NAME)]
_INDUSTRY_CODES = [code for code, *_ in _INDUSTRIES]
_INDUSTRY_WORDS = [(shop, firm, firm) for _, _, shop, firm in _INDUSTRIES]  # by entity kind
_INDUSTRY_CUM = [_cumulative(w[k] for _, w, *_ in _INDUSTRIES) for k in range(3)]
_KIND_CUM = _cumulative(ENTITY_TYPE_SHARES)
_KIND_ASCII = np.frombuffer("".join(_KIND_CHAR[t] for t in ENTITY_TYPES).encode(), np.uint8)


class _OrgBodies:
    """Issues unique 8-character organisation-code bodies: a keyed bijection of a counter."""

    def __init__(self, seed: int) -> None:
        keys = np.random.default_rng([seed, 0]).integers(0, 2**63, size=(2, 4), dtype=np.uint64)
        self.numeric_keys, self.ma_keys = keys
        self.numeric_issued = self.ma_issued = 0

    def issue(self, numeric: np.ndarray) -> np.ndarray:
        """ASCII bodies, shape (len, 8): 8 digits where `numeric`, else "MA" + 6 characters."""
        seq = np.where(numeric, self.numeric_issued + np.cumsum(numeric) - 1,
                       self.ma_issued + np.cumsum(~numeric) - 1).astype(np.uint64)
        self.numeric_issued += int(numeric.sum())
        self.ma_issued += int((~numeric).sum())
        bodies = np.empty((len(numeric), 8), dtype=np.uint8)
        values = _feistel(seq[numeric], 10**4, self.numeric_keys)
        bodies[numeric] = _digits(values, 10, 8) + ord("0")
        values = _feistel(seq[~numeric], 31**3, self.ma_keys)
        bodies[~numeric, :2] = (ord("M"), ord("A"))
        bodies[~numeric, 2:] = _ASCII_ALPHABET[_digits(values, 31, 6)]
        return bodies


def _draw_chunk(rng: np.random.Generator, m: int) -> tuple[np.ndarray, ...]:
    """Kind, county, industry, day offset and 10 raw picks for `m` rows (always drawn full-size)."""
    kind = _pick(_KIND_CUM, rng.random(_CHUNK))[:m]
    county = _pick(_COUNTY_CUM, rng.random(_CHUNK))[:m]
    u = rng.random(_CHUNK)[:m]
    industry = np.empty(m, dtype=np.int64)
    for k in range(3):
        industry[kind == k] = _pick(_INDUSTRY_CUM[k], u[kind == k])
    u = rng.random(_CHUNK)[:m]  # inverse CDF of exponential growth over the 20 years
    offset = np.minimum((np.log1p(u * np.expm1(_GROWTH * _DAYS)) / _GROWTH).astype(np.int64),
                        _DAYS - 1)
    coop = kind == 2
    offset[coop] = _COOP_FIRST_OFFSET + offset[coop] * (_DAYS - _COOP_FIRST_OFFSET) // _DAYS
    picks = rng.integers(0, 1 << 30, size=(_CHUNK, 10))[:m]
    return kind, county, industry, offset, picks


# One entity in SERIAL_EVERY is represented by one of SERIAL_PERSONS people who run several
# entities, so the search by person and joint punishment (credit.persons) show in the demo.
SERIAL_EVERY, SERIAL_PERSONS = 40, 60


def resident_id(region: str, n: int) -> str:
    """A synthetic 居民身份证号码 (GB 11643) with a valid check digit: birth 1955–1999."""
    body = f"{region}{1955 + n % 45}{n // 45 % 12 + 1:02d}{n // 540 % 28 + 1:02d}{n % 997:03d}"
    return body + ric.calc_check_digit(body + "0")


def _entity_row(pools: _Pools, uscc: str, registered_on: str, k: int, c: int, ind: int,
                p: list[int]) -> dict:
    surname = pools.surnames[p[0] % len(pools.surnames)]
    person = surname + pools.given[p[1] % len(pools.given)]
    person_id = resident_id(_COUNTY_CODES[c], p[1] ^ p[6])
    if p[5] % SERIAL_EVERY == 0:
        j = p[2] % SERIAL_PERSONS
        surname = pools.surnames[j % len(pools.surnames)]
        person = surname + pools.given[(7 * j) % len(pools.given)]
        person_id = resident_id(_COUNTY_CODES[j % len(_COUNTY_CODES)], 7919 * j)
    words = _INDUSTRY_WORDS[ind][k]
    word = words[p[2] % len(words)]
    address = (f"{PROVINCE[1]}{_PREF_NAME[c]}{_COUNTY_NAME[c]}"
               f"{pools.places[p[3] % len(pools.places)]}{'镇' if p[4] % 3 else '街道'}"
               f"{pools.streets[p[5] % len(pools.streets)]}{p[6] % 300 + 1}号")
    authority = _OFFICE[c] + "市场监督管理局"
    trade_name = pools.trade_names[p[8] % len(pools.trade_names)]
    if k == 0:
        style = p[7] % 4
        trade = (person, surname + "记", "小" + surname, trade_name)[style]
        name = f"{_OFFICE[c]}{trade}{word}"
    elif k == 1:
        name = f"{_FIRM_PLACES[c][p[7] % 3]}{trade_name}{word}有限公司"
        address += f"{p[9] % 20 + 1}幢{p[9] % 9 + 1}{p[4] % 20 + 1:02d}室"
        if p[9] % 5 == 0:  # larger firms register with the city bureau
            authority = _PREF_NAME[c] + "市场监督管理局"
    else:
        name = f"{_OFFICE[c]}{pools.places[p[8] % len(pools.places)]}{word}专业合作社"
    return {"uscc": uscc, "name": name, "entity_type": ENTITY_TYPES[k],
            "legal_representative": person, "legal_representative_id": person_id,
            "region_code": _COUNTY_CODES[c],
            "industry_code": _INDUSTRY_CODES[ind], "registered_on": registered_on,
            "address": address, "registering_authority": authority}


def generate_entities(seed: int, n: int) -> Iterator[dict]:
    """Stream `n` market-entity rows for the Zhejiang directory, deterministic by `seed`."""
    if not 0 <= n <= 10**8:  # the numeric org-code space (10^8) bounds guaranteed uniqueness
        raise ValueError("n must be between 0 and 100,000,000")
    pools, bodies = _Pools(seed), _OrgBodies(seed)
    for chunk_no, start in enumerate(range(0, n, _CHUNK)):
        m = min(_CHUNK, n - start)
        kind, county, industry, offset, picks = _draw_chunk(
            np.random.default_rng([seed, 1, chunk_no]), m)
        # Pre-USCC firms kept their numeric GB 11714 code; individual businesses got new ones.
        numeric = (kind != 0) & (offset < _USCC_ERA_OFFSET)
        usccs = _usccs(_KIND_ASCII[kind], _COUNTY_ASCII[county], bodies.issue(numeric))
        dates = (_FIRST_DAY + offset.astype("timedelta64[D]")).astype(str).tolist()
        for i, (k, c, ind, p) in enumerate(zip(kind.tolist(), county.tolist(),
                                               industry.tolist(), picks.tolist())):
            yield _entity_row(pools, usccs[i], dates[i], k, c, ind, p)


_STATION_SUFFIX = {"market_regulation": "市场监管所", "ecology_environment": "生态环境分局",
                   "emergency_management": "应急管理局", "health": "卫生监督所"}


def _station(department: str, code: str) -> str:
    """Field office of `department` for a county, e.g. 金华市婺城区市场监管所, 金华市生态环境局婺城分局."""
    if department == "ecology_environment":
        return f"{PREFECTURES[prefecture_of(code)]}生态环境局{_short(COUNTIES[code])}分局"
    return _county_prefix(code) + _STATION_SUFFIX[department]


def generate_inspectors(seed: int, n_per_station: int,
                        departments: Iterable[str] = tuple(DEPARTMENTS),
                        region_codes: Iterable[str] | None = None) -> Iterator[dict]:
    """Stream inspector rows: `n_per_station` per department field office in every county."""
    departments = list(departments)
    unknown = [d for d in departments if d not in DEPARTMENTS]
    if unknown:
        raise ValueError(f"unknown department(s): {', '.join(unknown)}")
    regions = list(COUNTIES if region_codes is None else region_codes)
    if n_per_station * len(departments) > 9999:  # 4-digit serial per county
        raise ValueError("at most 9,999 inspectors per county")
    items = {d: [i["code"] for i in generate_check_items([d])] for d in departments}
    pools = _Pools(seed)
    rng = np.random.default_rng([seed, 2])
    status_cum = _cumulative(w for _, w in INSPECTOR_STATUSES)
    for code in regions:
        serial = 0
        for dept in departments:
            for _ in range(n_per_station):
                serial += 1
                year = int(rng.integers(2008, 2026))
                held = [c for c in items[dept] if rng.random() < 0.85] or [items[dept][0]]
                yield {
                    "credential_no": f"{code}{year}{serial:04d}",
                    "name": pools.surnames[rng.integers(2000)] + pools.given[rng.integers(2000)],
                    "department": dept, "region_code": code, "station": _station(dept, code),
                    "qualifications": held,
                    "status": INSPECTOR_STATUSES[int(_pick(status_cum, rng.random()))][0],
                }


# code, name, sub-item, legal basis, object types, industry sections ("" = all), method,
# category, default ratio, checks per year. Bases without an article cite the whole instrument.
def write_csv(rows: Iterable[dict], path: str | Path) -> int:
    """Stream `rows` to a UTF-8 CSV with a header from the first row; lists become ';'-joined."""
    count = 0
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        writer = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(f, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({k: ";".join(v) if isinstance(v, (list, tuple)) else v
                             for k, v in row.items()})
            count += 1
    return count

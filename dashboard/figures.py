"""Plotly figures of the overview (plotly.graph_objects only: plotly.express would need pandas).

Every builder returns ``None`` when there is nothing to draw; the page then shows an explanatory
empty state instead of a chart of zeros.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go

from kernel.labels import (
    COMMITMENT_STATUSES,
    ENTITY_STATUSES,
    ENTITY_TYPES,
    INDUSTRY_SECTIONS,
    LISTS,
    PUBLICATION,
    RISK_CLASSES,
)

FONT = "WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
BLUE, ORANGE, GREEN, RED, GREY = "#1f5fa8", "#e8871e", "#2e9e5b", "#c8372d", "#8a8f98"


def _crowded(data: list) -> bool:
    """Category labels that would overlap side by side (about 7 px per character, 600 px)."""
    labels = {str(x) for trace in data if isinstance(trace, go.Bar) and trace.x is not None
              for x in trace.x}
    return sum(len(x) for x in labels) * 7 > 600


def _figure(data: Any, title: str, height: int = 300, **layout: Any) -> go.Figure:
    """One figure, validated once (update_layout and add_hline validate again on each call)."""
    data = data if isinstance(data, list) else [data]
    if _crowded(data) and "tickangle" not in layout.get("xaxis", {}):
        layout["xaxis"] = {"tickangle": -30, **layout.get("xaxis", {})}
    layout = {"title": {"text": title, "font": {"size": 14}}, "height": height,
              "margin": {"l": 50, "r": 20, "t": 45, "b": 40}, "font": {"family": FONT},
              "paper_bgcolor": "white", "plot_bgcolor": "white", **layout,
              # labels are never clipped: the margins grow to fit tick labels and titles
              "xaxis": {"automargin": True, **layout.get("xaxis", {})},
              "yaxis": {"gridcolor": "#eceff3", "automargin": True, **layout.get("yaxis", {})}}
    return go.Figure(data=data, layout=layout)


def _hline(y: float, colour: str, dash: str, text: str, below: bool = False) -> tuple[dict, dict]:
    """A reference line across the plot and its label (shape, annotation)."""
    return ({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": y, "y1": y,
             "line": {"color": colour, "dash": dash, "width": 1.5}},
            {"xref": "paper", "x": 1, "y": y, "text": text, "showarrow": False,
             "xanchor": "right", "yanchor": "top" if below else "bottom",
             "font": {"color": colour, "size": 11}})


def section_name(letter: str) -> str:
    """Short axis label of a GB/T 4754 section: "F 批发和零售业"."""
    return f"{letter} {INDUSTRY_SECTIONS.get(letter, '').split(' ', 1)[0]}"


def entity_status(by_status: dict[str, int]) -> go.Figure | None:
    if not by_status:
        return None
    keys = [k for k in ENTITY_STATUSES if k in by_status]
    return _figure(go.Bar(x=[ENTITY_STATUSES[k] for k in keys], y=[by_status[k] for k in keys],
                          marker_color=BLUE), "市场主体状态 Entities by status")


def entity_types(by_type: dict[str, int]) -> go.Figure | None:
    if not by_type:
        return None
    keys = [k for k in ENTITY_TYPES if k in by_type]
    return _figure(go.Pie(labels=[ENTITY_TYPES[k] for k in keys],
                          values=[by_type[k] for k in keys], hole=0.45, sort=False),
                   "存续主体类型 Active entities by type")


def coverage(rates: list[dict[str, Any]], title: str, floor: float,
             planned: float | None, names: Callable[[str], str]) -> go.Figure | None:
    """Actual coverage per group against the national floor and the plans' planned ratio."""
    rows = [r for r in rates if r["ratio"] is not None]
    if not rows:
        return None
    bar = go.Bar(x=[names(r["group"]) for r in rows], y=[r["ratio"] for r in rows],
                 customdata=[[r["drawn"], r["active"]] for r in rows], marker_color=BLUE,
                 hovertemplate="%{x}<br>%{y:.2%} (%{customdata[0]} / %{customdata[1]})"
                               "<extra></extra>", name="实际 Actual")
    lines = [_hline(floor, RED, "dash", f"国家下限 National floor {floor:.0%}")]
    if planned is not None:
        lines.append(_hline(planned, GREEN, "dot", f"计划比例 Planned {planned:.1%}", below=True))
    return _figure(bar, title, yaxis={"tickformat": ".0%", "rangemode": "tozero"},
                   shapes=[s for s, _ in lines], annotations=[a for _, a in lines])


def results_by_code(by_code: dict[str, int], labels: dict[str, str]) -> go.Figure | None:
    if not by_code:
        return None
    keys = [k for k in labels if k in by_code] + sorted(set(by_code) - set(labels))
    return _figure(go.Bar(y=[labels.get(k, k) for k in keys], x=[by_code[k] for k in keys],
                          orientation="h", marker_color=ORANGE),
                   "检查结果类别 Results by category", height=360,
                   margin={"l": 260, "r": 20, "t": 45, "b": 40})


def problem_rate(by_section: list[dict[str, Any]]) -> go.Figure | None:
    if not by_section:
        return None
    return _figure(go.Bar(
        x=[section_name(r["section"]) for r in by_section],
        y=[r["rate"] for r in by_section], marker_color=RED,
        customdata=[[r["problems"], r["results"]] for r in by_section],
        hovertemplate="%{x}<br>%{y:.1%} (%{customdata[0]} / %{customdata[1]})<extra></extra>"),
        "行业发现问题率 Problem-found rate by industry", yaxis={"tickformat": ".0%"})


def publication(pub: dict[str, dict[str, int]]) -> go.Figure | None:
    if not any(sum(v.values()) for v in pub.values()):
        return None
    kinds = {"results": "检查结果 Inspection results", "penalties": "行政处罚 Penalties"}
    colours = {"on_time": GREEN, "late": ORANGE, "overdue": RED, "pending": GREY}
    bars = [go.Bar(name=PUBLICATION[s], x=list(kinds.values()), y=[pub[k][s] for k in kinds],
                   marker_color=colours[s]) for s in PUBLICATION]
    return _figure(bars, "公示及时性 Publication timeliness", barmode="stack",
                   legend={"orientation": "h", "y": -0.15})


def commitments(counts: dict[str, int]) -> go.Figure | None:
    if not sum(counts.values()):
        return None
    colours = {"awaiting": BLUE, "overdue": RED, "fulfilled": GREEN, "false": ORANGE}
    return _figure(go.Bar(x=[COMMITMENT_STATUSES[k] for k in counts], y=list(counts.values()),
                          marker_color=[colours[k] for k in counts]),
                   "告知承诺核查 Commitment verification")


def month_range(months: list[str]) -> list[str]:
    """Every 'YYYY-MM' from the earliest to the latest given, in order, empty months included."""
    if not months:
        return []
    (y, m), (last_y, last_m) = (map(int, min(months).split("-")), map(int, max(months).split("-")))
    out = []
    while (y, m) <= (last_y, last_m):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def list_trend(lists: dict[str, dict[str, Any]]) -> go.Figure | None:
    """Entries (solid) and removals (dotted) per month of each credit list, on one month axis:
    every month from the first to the last in order, a month without moves drawn as 0."""
    colours = {"abnormal": ORANGE, "serious": RED}
    months = month_range([t["month"] for key in colours for t in lists[key]["trend"]])
    lines = []
    for key in colours:
        trend = {t["month"]: t for t in lists[key]["trend"]}
        if not trend:
            continue
        short = LISTS[key].split(" ", 1)[0]
        lines += [go.Scatter(x=months, y=[trend.get(m, {}).get("listed", 0) for m in months],
                             name=f"{short} 列入 in", mode="lines+markers",
                             line={"color": colours[key]}),
                  go.Scatter(x=months, y=[trend.get(m, {}).get("removed", 0) for m in months],
                             name=f"{short} 移出 out", mode="lines+markers",
                             line={"color": colours[key], "dash": "dot"})]
    if not lines:
        return None
    return _figure(lines, "信用名单变动 List entries and removals by month", height=340,
                   legend={"orientation": "h", "y": -0.3, "yanchor": "top"},
                   margin={"l": 50, "r": 20, "t": 45, "b": 80},
                   xaxis={"type": "category", "categoryorder": "array", "categoryarray": months,
                          "tickangle": -45, "automargin": True})


def risk_classes(data: dict[str, Any] | None) -> go.Figure | None:
    """A–D classes at each monthly classification, stacked (internal: never on a public page)."""
    if not data or not sum(data["counts"].values()):
        return None
    colours = {"A": GREEN, "B": BLUE, "C": ORANGE, "D": RED}
    days = [str(h["day"]) for h in data["history"]]
    bars = [go.Bar(name=RISK_CLASSES[k], x=days, y=[h[k] for h in data["history"]],
                   marker_color=colours[k]) for k in colours]
    return _figure(bars, f"信用风险分类 Risk classes A–D (内部 internal; latest {data['classified_on']})",
                   barmode="stack", xaxis={"type": "category"},
                   legend={"orientation": "h", "y": -0.2})


def red_list(red: dict[str, Any]) -> go.Figure | None:
    """守信激励 Members at each month start and on the latest count."""
    if len(red["members"]) < 2:
        return None
    return _figure(go.Scatter(x=[str(m["day"]) for m in red["members"]],
                              y=[m["members"] for m in red["members"]], mode="lines+markers",
                              line={"color": GREEN}),
                   "守信激励名单 Red list members", xaxis={"type": "category"})


def workload(people: list[dict[str, Any]]) -> go.Figure | None:
    if not people:
        return None
    spread = Counter(p["tasks"] for p in people)
    xs = sorted(spread)
    bar = go.Bar(x=xs, y=[spread[x] for x in xs], marker_color=BLUE,
                 hovertemplate="%{x} 项任务 tasks: %{y} 人 inspectors<extra></extra>")
    return _figure(bar, "检查人员工作量分布 Inspector workload (tasks per inspector)",
                   xaxis={"title": "任务数 Tasks", "dtick": 1 if xs and xs[-1] < 20 else None},
                   yaxis={"title": "人数 Inspectors"})

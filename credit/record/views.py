"""The internal credit file of one entity (信用档案) and its timeline as of any date.

Time travel (`as_of`): "in force on D, as known on D". A fact belongs to the record on day D
when its *effective* date (decided, published, listed, removed, cured…) is on or before D, and,
where the read model keeps the day it was *recorded* (`recorded_on`: the abnormal list and its
grounds, the red list, inspection results, the entity's status changes), that day is on or
before D too. So `as_of` shows the record as the platform showed it on D: a later-dated change
(revocation, repair, removal) does not yet appear, and a back-dated entry recorded after D does
not appear either where that is known. Penalties, commitments, the serious list, commendations
and repairs keep no recorded date: a decision keyed in after D but dated on or before D does
appear (their effective dates are the legal ones; the event log keeps when they were entered).
Licensing decisions and objections (异议, the objector's contact masked) are
sections too. The whole file (`credit_file`, sections by `credit.record.asof`) and the timeline follow the
same rule. Supervisors only: the file holds the internal A–D class. The public record takes no
`as_of` (credit.record.public): a past day would bring back records repaired or expired since.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa

from credit.commitments.tables import commitments
from credit.commitments.views import list_commitments
from credit.licensing.tables import licences
from credit.licensing.views import list_licences
from credit.lists.abnormal import GROUNDS
from credit.lists.tables import (
    abnormal_grounds,
    abnormal_listings,
    commendations,
    serious_listings,
)
from credit.lists.views import list_commendations
from credit.objections.rules import STATUSES
from credit.objections.tables import objections
from credit.objections.views import list_objections
from credit.penalties.tables import penalties
from credit.penalties.views import list_penalties
from credit.rating.tables import as_of_run, red_list, risk_class_history, risk_classes
from credit.record import asof
from credit.repair.tables import repair_applications
from credit.repair.views import list_repair_applications
from credit.rules import Rules
from kernel.rulebook import RISK_CLASSES
from kernel.workdays import provisional
from supervision.directory.views import annual_reports, entities, entity_profile_on
from supervision.tasks.views import task_results

Item = dict[str, Any]


def risk_of(conn: sa.Connection, entity_no: int, rules: Rules,
            as_of: date | None = None) -> dict[str, Any]:
    """The entity's class, score and reasons (as of a day: the newest change classified on or
    before it); never classified: class B, no score."""
    if as_of is None:
        row = conn.execute(sa.select(*[c for c in risk_classes.c if c.key != "classified_on"],
                                     as_of_run(risk_classes.c.classified_on)
                                     .label("classified_on"))
                           .where(risk_classes.c.entity_no == entity_no)).first()
    else:
        h = risk_class_history.c
        row = conn.execute(sa.select(risk_class_history)
                           .where(h.entity_no == entity_no, h.classified_on <= as_of)
                           .order_by(h.classified_on.desc()).limit(1)).first()
    if row is None:
        return {"risk_class": "B", "score": None, "reasons": [], "classified_on": None}
    weights = rules.risk_scoring.indicators
    reasons = [{"indicator": n, "points": weights[n].points, "floor": weights[n].floor,
                "basis": type(rules.risk_scoring).model_fields[n].description or ""}
               for n in row.reasons.split(",") if n in weights]
    return {"risk_class": RISK_CLASSES[row._mapping["class"]], "score": row.score,
            "reasons": reasons, "classified_on": row.classified_on}


def _rows(conn: sa.Connection, table: sa.Table, uscc: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(sa.select(table)
                                                   .where(table.c.uscc == uscc))]


_RESULT_COLUMNS = tuple(task_results.c[n] for n in (
    "task_id", "department", "result_code", "result_name_zh", "result_name_en", "follow_up",
    "problem_found", "abnormal_list_ground", "inspected_on", "recorded_on", "publish_by",
    "published_on", "late", "withdrawn_on"))


def inspections_of(conn: sa.Connection, uscc: str) -> list[dict[str, Any]]:
    """The entity's inspection results, one per task and department, the newest first."""
    rows = conn.execute(sa.select(*_RESULT_COLUMNS).where(task_results.c.uscc == uscc)
                        .order_by(task_results.c.inspected_on.desc(), task_results.c.task_id,
                                  task_results.c.department))
    return [provisional(dict(r._mapping), {"publish_by": "inspected_on"}) for r in rows]


def credit_file(conn: sa.Connection, uscc: str, rules: Rules, today: date,
                as_of: date | None = None) -> dict | None:
    """Everything credit knows about one entity, internal fields included, as it stood on
    `as_of` (default today; see the module doc); None if unknown."""
    day = as_of or today
    profile = entity_profile_on(conn, uscc, day)
    if profile is None:
        return None
    grounds = sorted(_rows(conn, abnormal_grounds, uscc), key=lambda g: (g["cycle"],
                                                                         g["arose_on"]))
    abnormal = []
    for listing in sorted(_rows(conn, abnormal_listings, uscc), key=lambda r: r["cycle"]):
        mine = [provisional(g, {"decide_by": "arose_on"}) for g in grounds
                if g["listing_id"] == listing["listing_id"] and g["cycle"] == listing["cycle"]]
        if (row := asof.abnormal(listing, mine, day)) is not None:
            abnormal.append(row)
    return {
        "as_of": day,
        "entity": profile,
        "risk": risk_of(conn, profile["entity_no"], rules, as_of),
        "lists": lists_on(conn, uscc, day),
        "abnormal_listings": abnormal,
        "serious_listings": asof.kept(sorted(_rows(conn, serious_listings, uscc),
                                             key=lambda r: r["cycle"]), asof.serious, day),
        "red_list": asof.kept(sorted(_rows(conn, red_list, uscc), key=lambda r: r["since"]),
                              asof.red_period, day),
        "commendations": asof.kept(list_commendations(conn, today=day, uscc=uscc, limit=500)[1],
                                   asof.commendation, day),
        "penalties": asof.kept(list_penalties(conn, today=day, uscc=uscc, limit=500)[1],
                               asof.penalty, day),
        "inspections": asof.kept(inspections_of(conn, uscc), asof.inspection, day),
        "commitments": asof.kept(list_commitments(conn, today=day, uscc=uscc, limit=500)[1],
                                 asof.commitment, day),
        "repairs": asof.kept(list_repair_applications(conn, uscc=uscc, limit=500)[1],
                             asof.repair, day),
        "licences": asof.kept(list_licences(conn, today=day, uscc=uscc, limit=500)[1],
                              asof.licence, day),
        # contacts masked (credit.objections.views): the file is every supervisor's
        "objections": asof.kept(list_objections(conn, today=day, uscc=uscc, limit=500)[1],
                                asof.objection, day),
    }


def lists_on(conn: sa.Connection, uscc: str, day: date) -> dict[str, bool]:
    """On which lists the entity was on `day` (effective dates; recorded dates where kept)."""
    a, s, r = abnormal_listings.c, serious_listings.c, red_list.c
    abnormal = conn.execute(sa.select(sa.func.count()).where(
        a.uscc == uscc, a.listed_on <= day, a.listed_recorded_on <= day,
        sa.or_(a.removed_on.is_(None), a.removed_on > day,
               a.removed_recorded_on > day))).scalar_one()
    serious = conn.execute(sa.select(sa.func.count()).where(
        s.uscc == uscc, s.listed_on <= day,
        sa.func.coalesce(s.removed_on, s.auto_removal_on) > day)).scalar_one()
    red = conn.execute(sa.select(sa.func.count()).where(
        r.uscc == uscc, r.since <= day, r.recorded_on <= day,
        sa.or_(r.until.is_(None), r.until > day))).scalar_one()
    return {"abnormal": abnormal > 0, "serious": serious > 0, "red": red > 0}


# -- the timeline ---------------------------------------------------------------------------------
Spec = tuple[str, str, Callable[[dict], str], str | None]   # date column, kind, text, recorded


def _penalty_text(what: str) -> Callable[[dict], str]:
    return lambda r: f"{what} {r['decision_no'] or ''} {r['violation_type'] or ''}".strip()


SOURCES: list[tuple[sa.Table, str, list[Spec]]] = [
    (penalties, "case_id", [
        ("opened_on", "penalty.opened", lambda r: f"立案 case opened by {r['department']}", None),
        ("decided_on", "penalty.decided", _penalty_text("处罚决定 decided"), None),
        ("published_on", "penalty.published", _penalty_text("公示 published"), None),
        ("revoked_on", "penalty.revoked",
         lambda r: f"变更/撤销 {r['revocation_ground']} {r['decision_no']}", None),
        ("fine_paid_on", "penalty.fine_paid", lambda r: "缴纳罚款 fine paid", None),
        ("fulfilled_on", "penalty.fulfilled", lambda r: "履行完毕 obligations fulfilled", None),
        ("repaired_on", "penalty.repaired", _penalty_text("信用修复 repaired"), None)]),
    (commitments, "commitment_id", [
        ("committed_on", "commitment.accepted", lambda r: f"告知承诺 {r['permit_type']}", None),
        ("verified_on", "commitment.verified",
         lambda r: f"核查 verified: {r['status']} ({r['permit_type']})", None),
        ("overdue_on", "commitment.overdue", lambda r: "逾期未核查 verification overdue", None),
        ("repaired_on", "commitment.repaired", lambda r: "虚假承诺已修复 repaired", None)]),
    (serious_listings, "listing_id", [
        ("noticed_on", "serious.noticed", lambda r: f"列严告知 notice {r['notice_no']}", None),
        ("statement_on", "serious.statement", lambda r: "陈述申辩 statement received", None),
        ("decided_on", "serious.decided",
         lambda r: f"列入决定 {r['decision_no']}: {r['status']}", None),
        ("removed_on", "serious.removed", lambda r: f"移出 removed: {r['removal_reason']}", None)]),
    (abnormal_grounds, "ground_key", [
        ("arose_on", "abnormal.ground", lambda r: f"列异情形 ground: {GROUNDS[r['ground']]}",
         "recorded_on"),
        ("cured_on", "abnormal.cured", lambda r: f"情形消除 cured: {r['cure']}", None)]),
    (abnormal_listings, "listing_id", [
        ("listed_on", "abnormal.listed",
         lambda r: ("标记经营异常 marked abnormal" if r["marked"]
                    else "列入经营异常名录 listed"), "listed_recorded_on"),
        ("removed_on", "abnormal.removed", lambda r: f"移出 removed: {r['removal_reason']}",
         "removed_recorded_on")]),
    (repair_applications, "repair_id", [
        ("applied_on", "repair.applied", lambda r: f"信用修复申请 {r['record_kind']}", None),
        ("decided_on", "repair.decided",
         lambda r: f"信用修复 {r['status']} ({r['record_kind']})", None)]),
    (commendations, "document_no", [
        ("granted_on", "commendation.granted", lambda r: f"诚信典型 commended: {r['title']} "
         f"({r['department']}, {r['document_no']})", None),
        ("revoked_on", "commendation.revoked", lambda r: f"撤销荣誉 commendation revoked: "
         f"{r['title']}", None)]),
    (licences, "licence_id", [
        ("decided_on", "licence.decided",
         lambda r: f"行政许可 licensing decision {r['decision_no']} {r['licence_name']}", None),
        ("published_on", "licence.published", lambda r: f"许可公示 published {r['decision_no']}",
         None),
        ("changed_on", "licence.changed", lambda r: f"许可变更 changed {r['decision_no']}", None),
        ("ended_on", "licence.ended",
         lambda r: f"许可终止 ended ({r['end_ground']}) {r['decision_no']}", None)]),
    (objections, "objection_id", [
        ("filed_on", "objection.filed",
         lambda r: f"异议 objection to {r['record_kind']} {r['record_key']}", None),
        ("handled_on", "objection.handled",
         lambda r: f"异议处理 objection handled: {STATUSES.get(r['status'], r['status'])}",
         None)]),
    (red_list, "entity_no", [
        ("since", "red.joined", lambda r: "列入守信激励名单 joined the red list", "recorded_on"),
        ("until", "red.left", lambda r: "移出守信激励名单 left the red list", None)]),
]


def timeline(conn: sa.Connection, uscc: str, as_of: date) -> list[Item]:
    """Credit facts of one entity on or before `as_of`, oldest first (see the module doc)."""
    items: list[Item] = []
    for table, ref, specs in SOURCES:
        for row in _rows(conn, table, uscc):
            for column, kind, text, recorded in specs:
                on, rec = row.get(column), row.get(recorded) if recorded else None
                if on is None or on > as_of or (rec is not None and rec > as_of):
                    continue
                items.append({"on": on, "kind": kind, "text": text(row),
                              "ref": str(row[ref]), "recorded_on": rec})
    items += _supervision_items(conn, uscc, as_of)
    items += _risk_items(conn, uscc, as_of)
    return sorted(items, key=lambda i: (i["on"], step_of(i["kind"]), i["ref"]))


# Same-day facts in the order they happen: a case is opened before it is decided and published,
# a result is recorded before it is withdrawn (the order of SOURCES, then supervision's kinds).
STEPS = {kind: n for n, kind in enumerate(
    ["annual_report.filed", "inspection.result", *[k for _, _, specs in SOURCES
                                                    for _, k, _, _ in specs],
     "inspection.withdrawn", "risk.classified"])}


def step_of(kind: str) -> int:
    """The rank of a kind of fact within one day (unknown kinds last)."""
    return STEPS.get(kind, len(STEPS))


def _risk_items(conn: sa.Connection, uscc: str, as_of: date) -> list[Item]:
    """企业信用风险分类 Each classification that changed the entity's class, score or reasons."""
    h = risk_class_history.c
    rows = conn.execute(sa.select(h.classified_on, h["class"], h.score)
                        .join(entities, entities.c.entity_no == h.entity_no)
                        .where(entities.c.uscc == uscc, h.classified_on <= as_of))
    return [{"on": r.classified_on, "kind": "risk.classified", "ref": str(r.classified_on),
             "text": f"信用风险分类 risk class {RISK_CLASSES[r._mapping['class']]} "
                     f"(score {r.score:g})", "recorded_on": None} for r in rows]


def _supervision_items(conn: sa.Connection, uscc: str, as_of: date) -> list[Item]:
    """Inspection results and annual reports from supervision's read models."""
    t = task_results.c
    results = conn.execute(sa.select(task_results).where(t.uscc == uscc, t.inspected_on <= as_of,
                                                         t.recorded_on <= as_of)).all()
    out = [{"on": r.inspected_on, "kind": "inspection.result", "ref": r.task_id,
            "text": f"抽查检查 inspection ({r.department}): {r.result_code} {r.result_name_zh}",
            "recorded_on": r.recorded_on} for r in results]
    out += [{"on": r.withdrawn_on, "kind": "inspection.withdrawn", "ref": r.task_id,
             "text": f"信用修复后撤下公示 result withdrawn from publicity after repair "
                     f"({r.department}): {r.result_code}", "recorded_on": None}
            for r in results if r.withdrawn_on is not None and r.withdrawn_on <= as_of]
    r = annual_reports.c
    out += [{"on": row.filed_on, "kind": "annual_report.filed", "ref": str(row.year),
             "text": f"{row.year}年度报告公示 annual report filed", "recorded_on": None}
            for row in conn.execute(sa.select(r.year, r.filed_on)
                                    .join(entities, entities.c.entity_no == r.entity_no)
                                    .where(entities.c.uscc == uscc, r.filed_on <= as_of))]
    return out

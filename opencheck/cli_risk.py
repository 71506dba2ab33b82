"""`opencheck risk …` and `opencheck policy-lab`: outcomes by class against the control sample,
the learned model against the rules out of sample, and what-if draw policies."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated, Optional

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from kernel.errors import DomainError

risk_app = typer.Typer(help="风险 Risk measured: outcomes by class, the model against the rules.",
                       no_args_is_help=True)
out = Console()


def _day(value: Optional[str], field: str, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        raise DomainError(f"日期格式应为 YYYY-MM-DD, expected an ISO date, not {value!r}",
                          field=field) from None


def _pct(x: float | None) -> str:
    return "–" if x is None or x != x else f"{100 * x:.1f} %"


def _num(x: float | None) -> str:
    return "–" if x is None or x != x else f"{x:.2f}"


def outcome_table(title: str, groups) -> Table:  # noqa: ANN001
    t = Table(title=title)
    for c in ("group", "inspected", "found", "rate (95 % Wilson)", "lift over control "
              "(95 % bootstrap)"):
        t.add_column(c)
    for g in groups:
        t.add_row(g.group, str(g.inspected), str(g.found),
                  f"{_pct(g.rate)} [{_pct(g.rate_low)}, {_pct(g.rate_high)}]",
                  "–" if g.lift is None else
                  f"{_num(g.lift)} [{_num(g.lift_low)}, {_num(g.lift_high)}]")
    return t


@risk_app.command("outcomes")
def outcomes(plan: Annotated[Optional[str], typer.Option(help="one plan id")] = None,
             as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Per plan: problem-found rate per class and for the random control sample, and lift."""
    from credit.risk.queries import plan_outcomes, pooled_outcomes
    from opencheck.cli import _platform

    platform = _platform()
    try:
        with platform.engine.connect() as conn:
            plans = plan_outcomes(conn, plan)
            pooled = pooled_outcomes(conn) if plan is None else None
    finally:
        platform.close()
    if as_json:
        print(json.dumps({"plans": [{**{k: str(v) for k, v in p.items()},
                                     "groups": [g.to_dict() for g in gs]} for p, gs in plans],
                          "all_plans": [g.to_dict() for g in pooled or []]}, default=str))
        return
    if not plans:
        out.print("no plan with a draw yet")
    for p, gs in plans:
        out.print(outcome_table(f"{p['name']} ({p['plan_id']}, drawn {p['drawn_on']}, "
                                f"{p['inspected']} of {p['drawn']} inspected)", gs))
    if pooled is not None:
        out.print(outcome_table("all plans", pooled))


@risk_app.command("evaluate")
def evaluate(
        as_of: Annotated[Optional[str], typer.Option(
            help="evaluation cut-off (default: today − period): the model trains on the "
                 "period before it and is judged on the period after")] = None,
        period_days: Annotated[int, typer.Option(min=30)] = 365,
        budget_share: Annotated[float, typer.Option(min=0.01, max=1.0)] = 0.2,
        record: Annotated[bool, typer.Option(help="record the evaluation as an event")] = False,
        synthetic: Annotated[Optional[int], typer.Option(
            min=1000, help="a synthetic province of N entities with a planted truth instead "
                           "of the store")] = None,
) -> None:
    """Rules and model out of sample: ROC AUC, problems found at the same budget, days
    earlier; and the control sample's lift per class."""
    from credit.risk import experiment
    from credit.risk.queries import load_history, pooled_outcomes
    from kernel.clock import today_in_china
    from opencheck.cli import _platform

    if synthetic:
        _evaluate_synthetic(synthetic, budget_share)
        return
    today = today_in_china()
    cut = _day(as_of, "as_of", today - timedelta(days=period_days))
    platform = _platform()
    try:
        rules = platform.rules
        with platform.engine.connect() as conn:
            h = load_history(conn, rules, today)
            pooled = pooled_outcomes(conn)
        ev = experiment.run(h, cut - timedelta(days=period_days), cut, period_days,
                            rules.risk_scoring, rules.abnormal_list, budget_share,
                            rules.hazard.in_score)
        if record:
            platform.credit.record_model_evaluation(ev.model.version, ev.model.to_dict(),
                                                    ev.to_dict(), today)
    finally:
        platform.close()
    print_evaluation(ev.to_dict())
    out.print(outcome_table("control sample: lift per class (all plans)", pooled))


@risk_app.command("explain")
def explain(uscc: Annotated[str, typer.Argument(help="统一社会信用代码 USCC")],
            as_of: Annotated[Optional[str], typer.Option(help="day (default today)")] = None,
            top: Annotated[int, typer.Option(min=1, max=40)] = 6) -> None:
    """One entity's score under the latest recorded model and the features that moved it,
    beside its A–D rules score (INTERNAL)."""
    from credit.risk.features import feature_matrix
    from credit.risk.model import RiskModel
    from credit.risk.queries import load_history
    from credit.risk.views import latest_model
    from kernel.clock import today_in_china
    from kernel.uscc import checked_uscc
    from opencheck.cli import _platform
    from supervision.directory.views import entities

    code = checked_uscc(uscc)
    on = _day(as_of, "as_of", today_in_china())
    platform = _platform()
    try:
        rules = platform.rules
        with platform.engine.connect() as conn:
            found = latest_model(conn) or latest_model(conn, beating_rules=False)
            no = conn.execute(entities.select().with_only_columns(entities.c.entity_no)
                              .where(entities.c.uscc == code)).scalar()
            h = load_history(conn, rules, on) if found is not None and no is not None else None
    finally:
        platform.close()
    if no is None:
        raise DomainError(f"no market entity with code {code}", field="uscc")
    if found is None or h is None:
        raise DomainError("no risk model recorded yet: run `opencheck risk evaluate --record`",
                          field="model")
    model = RiskModel.from_dict(found["model"])
    x, rule_score, known = feature_matrix(h, on, rules.risk_scoring, rules.abnormal_list,
                                          rules.hazard.in_score)
    i = int(np.searchsorted(h.facts.entity_no, no))
    if not known[i]:
        raise DomainError(f"{code} was not registered on {on}", field="as_of")
    p = float(model.predict(x[i:i + 1])[0])
    out.print(f"{code} on {on}: model {model.version} {100 * p:.1f} % "
              f"(beat the rules: {'yes' if found['beats_rules'] else 'no'}); "
              f"A–D rules score {rule_score[i]:.1f}")
    t = Table(title="features that moved the score (log-odds against an average entity)")
    for c in ("feature", "value", "contribution"):
        t.add_column(c)
    for e in model.explain(x[i], top=top):
        t.add_row(e["feature"], f"{e['value']:g}", f"{e['contribution']:+.3f}")
    out.print(t)


def _evaluate_synthetic(n: int, budget_share: float) -> None:
    from credit.risk import experiment
    from credit.risk.stats import class_outcomes
    from credit.risk.synthetic import generate
    from credit.rules import DEFAULT_RULES as R

    p = generate(n)
    ev = experiment.run(p.history, p.train_as_of, p.eval_as_of, p.period_days, R.risk_scoring,
                        R.abnormal_list, budget_share)
    print_evaluation(ev.to_dict())
    d = p.draws
    out.print(outcome_table("control sample: lift per class (the province's draws)",
                            class_outcomes(d["class"], d["control"].astype(bool),
                                           d["problem"].astype(bool))))


def print_evaluation(d: dict) -> None:
    t = Table(title=f"out of sample: trained as of {d['train_as_of']}, judged on "
                    f"{d['inspections']} inspections from {d['eval_as_of']} "
                    f"({d['problems']} with problems)")
    for c in ("score", "ROC AUC", f"problems found in the first {d['budget']}",
              "mean day a problem is found"):
        t.add_column(c)
    t.add_row("A–D rules (reference)", _num(d["rules_auc"]), str(d["rules_found"]),
              _num(d["rules_mean_day"]))
    t.add_row(f"model {d['model_version']}", _num(d["model_auc"]), str(d["model_found"]),
              _num(d["model_mean_day"]))
    out.print(t)
    out.print(f"model finds problems {d['days_earlier']:.1f} days earlier on average; "
              f"beats the rules: {'yes' if d['beats_rules'] else 'no'}")


def policy_lab(
        ratio: Annotated[Optional[list[str]], typer.Option(
            help="CLASS=SHARE, e.g. --ratio A=0.03 (repeatable; others as configured)")] = None,
        control_share: Annotated[Optional[float], typer.Option(min=0.0, max=0.99)] = None,
        budget_days: Annotated[Optional[float], typer.Option(
            min=1.0, help="inspector-days available: ratios scaled down to fit")] = None,
        team_size: Annotated[int, typer.Option(min=2)] = 2,
        days_per_inspection: Annotated[float, typer.Option(min=0.05)] = 0.5,
        synthetic: Annotated[Optional[int], typer.Option(
            min=100, help="a synthetic province of N entities instead of the store")] = None,
) -> None:
    """政策实验室 Replay the population under other ratios, control share or budget: expected
    problems found against inspector-days, beside the configured policy."""
    from dataclasses import replace

    from credit.risk import policy as lab

    if synthetic:
        k, p, base = _synthetic_population(synthetic)
    else:
        k, p, base = _store_population()
    alt = replace(base, ratios=lab.parse_ratios(ratio, base.ratios),
                  control_share=base.control_share if control_share is None else control_share,
                  budget_days=budget_days, team_size=team_size,
                  days_per_inspection=days_per_inspection)
    base = replace(base, team_size=team_size, days_per_inspection=days_per_inspection)
    t = Table(title=f"policy lab over {k.size} entities")
    for c in ("policy", "ratios A/B/C/D", "control", "inspections", "inspector-days",
              "expected problems", "per 100 days"):
        t.add_column(c)
    for name, pol in (("configured", base), ("what-if", alt)):
        o = lab.evaluate(k, p, pol).to_dict()
        t.add_row(name, "/".join(f"{v:.3g}" for v in o["ratios"].values()),
                  _pct(o["control_share"]), f"{o['inspections']:.0f}",
                  f"{o['inspector_days']:.0f}", f"{o['problems']:.1f}",
                  f"{o['problems_per_100_days']:.2f}")
    out.print(t)


def _store_population():  # noqa: ANN202
    from credit.risk.queries import lab_population
    from opencheck.cli import _platform

    platform = _platform()
    try:
        with platform.engine.connect() as conn:
            k, p, base, _ = lab_population(conn, platform.rules)
    finally:
        platform.close()
    return k, p, base


def _synthetic_population(n: int):  # noqa: ANN202
    from credit.rating.scoring import classify
    from credit.risk import policy as lab
    from credit.risk.synthetic import generate
    from credit.rules import DEFAULT_RULES as R

    prov = generate(n)
    k = classify(prov.history.facts, R.risk_scoring, R.abnormal_list,
                 prov.eval_as_of).risk_class.astype(np.int64)
    r = R.draw
    return k, prov.propensity, lab.Policy(ratios=(r.ratios.A, r.ratios.B, r.ratios.C,
                                                  r.ratios.D), control_share=r.control_share)

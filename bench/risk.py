"""Risk measured on a synthetic province with a planted truth (issue 22), and the policy lab.

    python -m bench.risk [--entities 200000] [--lab-entities 1000000] [--seed 7]

1. The province (credit.risk.synthetic): hidden propensities, three years of class-driven draws
   with a 10 % control sample, then a uniform evaluation sample in the fourth year.
2. Outcomes by class from the history's draws: rate per class and control, lift over control.
3. The model trained on year 3 and judged on year 4 against the A–D rules' score (the same-run
   reference), the rules with the hazard points in the score, and the planted truth (ceiling).
4. The policy lab at city size: expected problems and inspector-days for the configured policy
   and a what-if (A 3 %, 20 % control) over `--lab-entities`, timed against one numpy pass.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from credit.rating.scoring import classify
from credit.risk import experiment
from credit.risk import policy as lab
from credit.risk.evaluation import compare, roc_auc
from credit.risk.stats import class_outcomes
from credit.risk.synthetic import generate
from credit.rules import DEFAULT_RULES as R


def _line(name: str, auc: float, found: int, day: float) -> str:
    return f"  {name:<34} ROC AUC {auc:.3f} | problems in budget {found:>5} | mean day {day:6.1f}"


def province(n: int, seed: int) -> None:
    t = time.perf_counter()
    p = generate(n, seed=seed)
    print(f"province: {n:,} entities, {p.history.facts.results['entity'].size:,} inspections, "
          f"{p.history.complaints['entity'].size:,} complaints ({time.perf_counter() - t:.1f} s)")
    d = p.draws
    print("outcomes by class in the history's draws (rate, Wilson 95 %; lift, bootstrap 95 %):")
    for g in class_outcomes(d["class"], d["control"].astype(bool), d["problem"].astype(bool)):
        lift = "" if g.lift is None else (f" lift {g.lift:.2f}" + (
            "" if g.lift_low is None else f" [{g.lift_low:.2f}, {g.lift_high:.2f}]"))
        print(f"  {g.group:<8} {g.inspected:>7} inspected {g.found:>6} found "
              f"{100 * g.rate:5.1f} % [{100 * g.rate_low:.1f}, {100 * g.rate_high:.1f}]{lift}")
    t = time.perf_counter()
    ev = experiment.run(p.history, p.train_as_of, p.eval_as_of, p.period_days,
                        R.risk_scoring, R.abnormal_list)
    fit_s = time.perf_counter() - t
    c = ev.comparison
    hz = experiment.run(p.history, p.train_as_of, p.eval_as_of, p.period_days,
                        R.risk_scoring, R.abnormal_list, hazard_in_score=True).comparison
    truth = compare(p.eval_problem, ev.rules_score, p.propensity[ev.eval_rows])
    print(f"out of sample: trained as of {p.train_as_of}, judged on {c.inspections:,} uniform "
          f"inspections from {p.eval_as_of} ({c.problems:,} problems), budget {c.budget:,} "
          f"(first {100 * c.budget / c.inspections:.0f} %), model fit + scoring {fit_s:.1f} s")
    print(_line("A–D rules (reference)", c.rules_auc, c.rules_found, c.rules_mean_day))
    print(_line("A–D rules + hazard points", hz.rules_auc, hz.rules_found, hz.rules_mean_day))
    print(_line(f"model {ev.model.version}", c.model_auc, c.model_found, c.model_mean_day))
    print(_line("planted truth (ceiling)", truth.model_auc, truth.model_found,
                truth.model_mean_day))
    print(f"model vs rules: AUC +{c.model_auc - c.rules_auc:.3f}, problems found in budget "
          f"{c.model_found / max(c.rules_found, 1):.2f}x, {c.days_earlier:.1f} days earlier; "
          f"beats the rules: {c.beats_rules}")
    top = ev.model.explain(ev.features[int(np.argmax(ev.model_score))], top=4)
    print("highest-scored entity, features that moved its score: " + ", ".join(
        f"{e['feature']}={e['value']:g} ({e['contribution']:+.2f})" for e in top))
    assert roc_auc(p.eval_problem, ev.rules_score) == c.rules_auc


def policy(n: int, seed: int) -> None:
    p = generate(min(n, 50_000), seed=seed)
    k0 = classify(p.history.facts, R.risk_scoring, R.abnormal_list, p.eval_as_of).risk_class
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, k0.size, n)                 # a city of n entities like the province
    k, prob = k0[pick].astype(np.int64), p.propensity[pick]
    r = R.draw.ratios
    base = lab.Policy(ratios=(r.A, r.B, r.C, r.D), control_share=R.draw.control_share)
    alt = lab.Policy(ratios=(0.05, r.B, r.C, r.D), control_share=0.20)
    t = time.perf_counter()
    outs = [lab.evaluate(k, prob, base), lab.evaluate(k, prob, alt),
            lab.evaluate(k, prob, lab.Policy(ratios=base.ratios,
                                             budget_days=base.team_size * 0.5 * 0.04 * n))]
    curve = lab.frontier(k, prob, base)
    sims = lab.simulate(k, prob, base, runs=3)
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    ref = float(np.bincount(k, weights=prob, minlength=4).sum())   # one weighted pass
    ref_s = time.perf_counter() - t
    for name, o in zip(("configured", "A 5 %, control 20 %", "budget 4 % of entities"), outs):
        d = o.to_dict()
        print(f"  {name:<24} ratios {'/'.join(f'{v:.3g}' for v in d['ratios'].values())} "
              f"control {d['control_share']:.2f}: {d['inspections']:>9,.0f} inspections, "
              f"{d['inspector_days']:>9,.0f} inspector-days, {d['problems']:>8,.0f} problems "
              f"({d['problems_per_100_days']:.2f} per 100 days)")
    print(f"  simulated draws (configured): {', '.join(f'{s:,.0f}' for s in sims)} problems; "
          f"frontier of {len(curve)} points up to {curve[-1][0]:,.0f} inspector-days")
    print(f"policy lab at {n:,} entities: {seconds:.2f} s for 3 policies + frontier + 3 "
          f"simulated draws | reference one numpy weighted bincount: {ref_s * 1000:.1f} ms "
          f"(Σp = {ref:,.0f}) | ratio {seconds / ref_s:.0f}x")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=200_000)
    ap.add_argument("--lab-entities", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    province(a.entities, a.seed)
    policy(a.lab_entities, a.seed)


if __name__ == "__main__":
    main()

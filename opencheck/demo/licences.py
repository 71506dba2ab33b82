"""Demo 双公示 and 异议: the licences the demo's notification–commitments were issued for
(告知承诺: the permit on the spot), mostly published within the 7 working days, a few late or
still unpublished, a few cancelled; objections from the public, some handled, some open."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa

from credit.commitments.views import READ_RELATIONS as COMMITMENT_RELATIONS
from credit.licensing.aggregate import LicenceTerms
from credit.objections.aggregate import RecordRef
from kernel.errors import DomainError
from kernel.workdays import add_workdays
from opencheck.bootstrap import Platform

_c = COMMITMENT_RELATIONS[0].c


def load_licences(platform: Platform, rng: np.random.Generator, today: date,
                  progress: Any) -> None:
    """One food business licence per accepted commitment; objections to a few published ones."""
    platform.settle("credit")
    with platform.engine.connect() as conn:
        accepted = conn.execute(sa.select(_c.uscc, _c.committed_on)
                                .order_by(_c.committed_on, _c.uscc)).all()
    published: list[tuple[str, str, date]] = []
    for n, (uscc, decided) in enumerate(accepted, start=1):
        number = f"浙市监许〔{decided.year}〕{n}号"
        try:
            found = platform.credit.grant_licence(LicenceTerms(
                uscc=uscc, document_name="准予行政许可决定书", decision_no=number,
                category="ordinary", licence_name="食品经营许可证 food business licence",
                licence_no=f"JY1330702{n:07d}", content="预包装食品销售 sale of prepackaged food",
                decided_on=decided, valid_from=decided,
                valid_to=date(decided.year + 5, decided.month, min(decided.day, 28)),
                department="market_regulation"), decided)
        except DomainError:
            continue
        # 双公示: 7 working days; 1 in 8 late, a few not yet published (flagged by the daily job)
        on = add_workdays(decided, int(rng.integers(1, 11)))
        if on <= today and rng.random() < 0.97:
            platform.credit.publish_licence(found, on, on)
            published.append((uscc, number, on))
            if rng.random() < 0.03 and add_workdays(on, 20) <= today:
                platform.credit.end_licence(found, "cancelled", add_workdays(on, 20),
                                            "主动申请注销 cancelled on application", today)
    platform.settle("credit")
    # objections two working days after publication: every second one handled, the rest open
    # (those older than the handling deadline are flagged by the daily job)
    for k, (uscc, number, on) in enumerate(published[-12::3]):
        filed = add_workdays(on, 2)
        if filed > today:
            continue
        objection = platform.credit.file_objection(
            RecordRef("licence", uscc, number), "许可内容登记有误 the licensed content is wrong",
            "演示用户 demo citizen", "13800000000", filed)
        handled = add_workdays(filed, 5)
        if k % 2 and handled <= today:
            platform.credit.handle_objection(objection, "upheld", handled,
                                             "经核实登记无误 verified, no error", today)
    progress("licences and objections", len(published), len(published))

"""一处失信、处处受制: the listing records the legal representative, and the joint-punishment
rules reach the other entities of that person, on both backends."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from stdnum.cn import ric

from credit.commitments.commitment import CommitmentData
from credit.lists.commendations import CommendationData
from credit.lists.serious import SeriousListing, serious_listing_id
from credit.persons import views as person_views
from credit.persons.rules import JointMeasure, JointPunishmentRules
from credit.persons.tables import listing_persons
from kernel.errors import Conflict
from tests.factories import entity, heavier_penalty, listing_notice

TODAY = date(2026, 12, 3)
LI_SI = "33070219800101123"   # first 17 digits; the check digit is computed
WANG_WU = "33070219900202456"


def rid(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def _commitment(uscc: str, on: date, permit: str = "食品经营许可 food business permit"):
    return CommitmentData(uscc=uscc, permit_type=permit, department="market_regulation",
                          content="本单位承诺符合许可条件 we meet the permit's conditions",
                          committed_on=on)


def _commendation(uscc: str, on: date, no: int):
    return CommendationData(uscc, "守合同重信用企业 contract-abiding enterprise",
                            "market_regulation", f"市监信用〔2026〕{no}号", on)


class LegalRepresentativesScenario:
    backend = "sqlite"

    def test_joint_punishment_follows_the_person(self, platform):
        sup, credit = platform.supervision, platform.credit
        # 李四 represents X and Y; 王五 represents Z
        x, y, z = (entity(i, legal_representative=who, legal_representative_id=rid(n))
                   .validated(TODAY)
                   for i, who, n in ((1, "李四", LI_SI), (2, "李四", LI_SI), (3, "王五", WANG_WU)))
        sup.register_entities([x, y, z])
        platform.settle()
        # X is put on the serious list: the decision records 李四 (masked, keyed)
        case = heavier_penalty(credit, x.uscc, 1, date(2026, 2, 2), TODAY)
        credit.give_listing_notice(x.uscc, listing_notice(1, noticed_on=date(2026, 3, 2),
                                                          penalty_case_id=case), TODAY)
        credit.decide_listing(x.uscc, True, "婺市监失信〔2026〕1号", date(2026, 4, 1), "", TODAY)
        platform.settle_all()
        listing = credit.find(SeriousListing, serious_listing_id(x.uscc))
        key = sup.person_keyer.key(rid(LI_SI))
        assert listing.legal_representative == {"uscc": x.uscc, "name": "李四",
                                                "person_key": key,
                                                "id_masked": "330702********" + rid(LI_SI)[-4:]}
        with platform.engine.connect() as conn:
            row = conn.execute(sa.select(listing_persons)).one()
        assert (row.uscc, row.person_key, row.name) == (x.uscc, key, "李四")

        # Y, the same person's other company: no commitment, no commendation (409 naming X)
        on = date(2026, 5, 6)
        for attempt in (lambda: credit.accept_commitment(_commitment(y.uscc, on), on),
                        lambda: credit.grant_commendation(_commendation(y.uscc, on, 1), on)):
            with pytest.raises(Conflict) as refused:
                attempt()
            assert x.uscc in refused.value.message and "联合惩戒" in refused.value.message
            assert rid(LI_SI) not in refused.value.message
        # Z (another person) is not touched
        credit.accept_commitment(_commitment(z.uscc, on), on)
        credit.grant_commendation(_commendation(z.uscc, on, 2), on)

        # 李四 leaves X: the listing recorded him, so Y stays restricted
        sup.change_entity_details(x.uscc, {"legal_representative": "赵六",
                                           "effective_on": date(2026, 5, 10)}, TODAY)
        platform.settle_all()
        later = date(2026, 5, 12)
        with pytest.raises(Conflict):
            credit.accept_commitment(_commitment(y.uscc, later), later)

        # with the measures switched off, both work
        rules = credit.rules
        off = JointPunishmentRules(
            no_commitment=JointMeasure(enabled=False, basis="off"),
            no_commendation=JointMeasure(enabled=False, basis="off"))
        credit.rules = rules.model_copy(update={"joint_punishment": off})
        try:
            credit.accept_commitment(_commitment(y.uscc, later), later)
            credit.grant_commendation(_commendation(y.uscc, later, 3), later)
        finally:
            credit.rules = rules

        # X leaves the list (its decision revoked): Y may commit and be commended again
        credit.remove_from_serious_list(x.uscc, date(2026, 6, 1), "decision_revoked", TODAY)
        platform.settle_all()
        after = date(2026, 6, 2)
        credit.accept_commitment(_commitment(y.uscc, after), after)
        credit.grant_commendation(_commendation(y.uscc, after, 4), after)

        # the search by person finds both companies, masked numbers only
        with platform.engine.connect() as conn:
            found = person_views.persons(conn, person_key=key, today=after)
            by_name = person_views.persons(conn, name="李", today=after)
        assert len(found) == 1 and found[0]["id_masked"].startswith("330702********")
        assert {e["uscc"] for e in found[0]["entities"]} == {x.uscc, y.uscc}
        left = next(e for e in found[0]["entities"] if e["uscc"] == x.uscc)
        assert (left["to_on"], left["current"], left["recorded_on_listing"]) == \
            (date(2026, 5, 10), False, True)
        assert by_name == found
        assert rid(LI_SI) not in repr(found)


class TestLegalRepresentativesOnSQLite(LegalRepresentativesScenario):
    backend = "sqlite"


@pytest.mark.postgres
class TestLegalRepresentativesOnPostgres(LegalRepresentativesScenario):
    backend = "postgres"

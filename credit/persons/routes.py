"""HTTP route of the search by person (法定代表人, supervisors only)."""

from __future__ import annotations

from fastapi import APIRouter

from credit.persons import views
from credit.persons.schemas import PersonPublic, PersonSearch
from kernel.clock import today_in_china
from kernel.errors import InvalidInput
from kernel.http.api import PlatformDep, ReadConn, errors
from kernel.http.auth import Supervisor
from supervision.directory.persons import checked_resident_id

router = APIRouter(tags=["credit"], responses=errors(401, 403))


@router.post("/persons/search", response_model=list[PersonPublic])
def search_persons(body: PersonSearch, p: PlatformDep, conn: ReadConn,
                   _: Supervisor) -> list[dict]:
    """法定代表人查询 Persons by name or ID number, with their entities' list status."""
    today = today_in_china()
    name = (body.name or "").strip() or None
    key = None
    if body.id_number and body.id_number.strip():
        number = checked_resident_id(body.id_number, today, field="id_number")
        if p.supervision.person_keyer is None:
            raise InvalidInput("no person key configured", field="id_number")
        key = p.supervision.person_keyer.key(number)
    if not name and not key:
        raise InvalidInput("姓名或身份证号码至少填一项 give a name or an ID number", field="name")
    return views.persons(conn, name=name, person_key=key, today=today)

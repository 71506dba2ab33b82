"""HTTP routes of the inspector directory and the check-item list (一单两库)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from kernel.clock import today_in_china
from kernel.errors import NotFound
from kernel.http.api import (
    Page,
    PageDep,
    PlatformDep,
    PublicConn,
    ReadConn,
    UsccPath,
    errors,
    page_of,
)
from kernel.http.auth import Supervisor
from kernel.uscc import checked_uscc
from supervision.directory import views
from supervision.directory.check_items import KnownCodes
from supervision.directory.inspectors import normalized_credential
from supervision.directory.schemas import (
    Category,
    CheckItemChange,
    CheckItemCreate,
    CheckItemRecord,
    CheckItemWithdraw,
    CheckListPublish,
    CheckListRecord,
    ConflictCreate,
    ConflictRecord,
    InspectorCreate,
    InspectorRecord,
    InspectorStatus,
    InspectorStatusChange,
    Method,
    PublishedCheckItem,
)

router = APIRouter(responses=errors(401, 403))
public_router = APIRouter()  # mounted under the public router (tag "public")

CredentialPath = Annotated[str, Path(description="执法证号 Credential number", max_length=40)]
CodePath = Annotated[str, Path(description="事项编码 Check-item code", max_length=40)]
DepartmentPath = Annotated[str, Path(description="Department code", max_length=50)]
Department = Annotated[str | None, Query(max_length=50)]


def _known(p) -> KnownCodes:  # noqa: ANN001
    return KnownCodes.from_rules(p.rules)



def _inspector(p, credential_no: str) -> dict:  # noqa: ANN001
    with p.engine.connect() as conn:
        record = views.inspector_record(conn, normalized_credential(credential_no))
    if record is None:
        raise NotFound(f"no inspector with credential number {credential_no}", field="credential_no")
    return record


# -- 执法检查人员名录库 inspector directory ------------------------------------------------------
@router.post("/inspectors", status_code=201, response_model=InspectorRecord,
             responses=errors(409), tags=["inspectors"])
def register_inspector(body: InspectorCreate, p: PlatformDep, _: Supervisor) -> dict:
    """Register an inspector (执法检查人员) in the inspector directory."""
    p.supervision.register_inspector(body.to_data(), today_in_china(), _known(p))
    return _inspector(p, body.credential_no)


@router.get("/inspectors", response_model=Page[InspectorRecord], tags=["inspectors"])
def list_inspectors(conn: ReadConn, page: PageDep, _: Supervisor, department: Department = None,
                    region: Annotated[str | None, Query(max_length=6, pattern=r"^\d{2,6}$")] = None,
                    status: InspectorStatus | None = None,
                    qualification: Annotated[str | None, Query(max_length=50)] = None) -> dict:
    """List inspectors by department, station region prefix, status or qualification held."""
    total, items = views.list_inspectors(conn, department=department, region_prefix=region,
                                         status=status, qualification=qualification,
                                         offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/inspectors/{credential_no}", response_model=InspectorRecord,
            responses=errors(404), tags=["inspectors"])
def get_inspector(credential_no: CredentialPath, p: PlatformDep, _: Supervisor) -> dict:
    """One inspector's directory record."""
    return _inspector(p, credential_no)


@router.post("/inspectors/{credential_no}/status", response_model=InspectorRecord,
             responses=errors(404, 409), tags=["inspectors"])
def change_inspector_status(credential_no: CredentialPath, body: InspectorStatusChange,
                            p: PlatformDep, _: Supervisor) -> dict:
    """Put an inspector on leave, back to active, or retire them."""
    p.supervision.change_inspector_status(credential_no, body.status, body.effective_on,
                                          body.reason, today_in_china())
    return _inspector(p, credential_no)


@router.post("/inspectors/{credential_no}/conflicts", status_code=201,
             response_model=list[ConflictRecord], responses=errors(404, 409), tags=["inspectors"])
def declare_conflict(credential_no: CredentialPath, body: ConflictCreate, p: PlatformDep,
                     _: Supervisor) -> list[dict]:
    """回避 Declare a conflict of interest with a registered entity; returns those in force."""
    today = today_in_china()
    p.supervision.declare_conflict(credential_no, checked_uscc(body.uscc), body.reason,
                                   body.from_on or today, body.to_on, today)
    with p.engine.connect() as conn:
        return views.list_conflicts(conn, normalized_credential(credential_no)) or []


@router.get("/inspectors/{credential_no}/conflicts", response_model=list[ConflictRecord],
            responses=errors(404), tags=["inspectors"])
def list_conflicts(credential_no: CredentialPath, conn: ReadConn, _: Supervisor,
                   include_withdrawn: bool = False) -> list[dict]:
    """An inspector's declared conflicts of interest, newest first."""
    found = views.list_conflicts(conn, normalized_credential(credential_no), include_withdrawn)
    if found is None:
        raise NotFound(f"no inspector with credential number {credential_no}", field="credential_no")
    return found


@router.delete("/inspectors/{credential_no}/conflicts/{uscc}",
               response_model=list[ConflictRecord], responses=errors(404), tags=["inspectors"])
def withdraw_conflict(credential_no: CredentialPath, uscc: UsccPath, p: PlatformDep,
                      _: Supervisor,
                      reason: Annotated[str, Query(max_length=500)] = "") -> list[dict]:
    """Withdraw the declaration about an entity (kept in history); returns those in force."""
    p.supervision.withdraw_conflict(credential_no, checked_uscc(uscc), reason, today_in_china())
    with p.engine.connect() as conn:
        return views.list_conflicts(conn, normalized_credential(credential_no)) or []


# -- 抽查事项清单 check-item list ----------------------------------------------------------------
def _item(p, code: str) -> dict:  # noqa: ANN001
    with p.engine.connect() as conn:
        record = views.check_item_record(conn, code.strip().upper())
    if record is None:
        raise NotFound(f"no check item {code}", field="code")
    return record


@router.post("/check-items", status_code=201, response_model=CheckItemRecord,
             responses=errors(409), tags=["check items"])
def add_check_item(body: CheckItemCreate, p: PlatformDep, _: Supervisor) -> dict:
    """Add an item (抽查事项) to its department's check-item list (unpublished until published)."""
    data = body.to_data().validated(_known(p))
    p.supervision.add_check_item(data, _known(p))
    return _item(p, data.code)


@router.get("/check-items", response_model=Page[CheckItemRecord], tags=["check items"])
def list_check_items(conn: ReadConn, page: PageDep, _: Supervisor, department: Department = None,
                     category: Category | None = None, method: Method | None = None,
                     include_withdrawn: bool = False) -> dict:
    """The working check-item list, filtered by department, category or method."""
    total, items = views.list_check_items(conn, department=department, category=category,
                                          method=method, include_withdrawn=include_withdrawn,
                                          offset=page.offset, limit=page.limit)
    return page_of(page, total, items)


@router.get("/check-items/{code}", response_model=CheckItemRecord, responses=errors(404),
            tags=["check items"])
def get_check_item(code: CodePath, p: PlatformDep, _: Supervisor) -> dict:
    """One check item of the working list."""
    return _item(p, code)


@router.patch("/check-items/{code}", response_model=CheckItemRecord,
              responses=errors(404, 409), tags=["check items"])
def change_check_item(code: CodePath, body: CheckItemChange, p: PlatformDep,
                      _: Supervisor) -> dict:
    """Change a check item's fields (code and department stay)."""
    p.supervision.change_check_item(code.strip().upper(), _known(p), body.changes())
    return _item(p, code)


@router.post("/check-items/{code}/withdraw", response_model=CheckItemRecord,
             responses=errors(404, 409), tags=["check items"])
def withdraw_check_item(code: CodePath, body: CheckItemWithdraw, p: PlatformDep,
                        _: Supervisor) -> dict:
    """取消 Take an item off the list; the next publication leaves it out."""
    p.supervision.withdraw_check_item(code.strip().upper(), body.reason)
    return _item(p, code)


@router.get("/check-lists", response_model=list[CheckListRecord], tags=["check items"])
def list_check_lists(conn: ReadConn, _: Supervisor) -> list[dict]:
    """Each department's list: newest published version and its date."""
    return views.list_check_lists(conn)


@router.post("/check-lists/{department}/publish", status_code=201,
             response_model=CheckListRecord, responses=errors(404, 409), tags=["check items"])
def publish_check_list(department: DepartmentPath, body: CheckListPublish, p: PlatformDep,
                       _: Supervisor) -> dict:
    """公开 Publish the department's current items as the next version of the public list."""
    today = today_in_china()
    p.supervision.publish_check_list(department, body.published_on or today, today, _known(p))
    with p.engine.connect() as conn:
        record = views.check_list_record(conn, department)
    if record is None:
        raise NotFound(f"no check items for {department} yet", field="department")
    return record


@public_router.get("/check-items", response_model=Page[PublishedCheckItem])
def public_check_items(conn: PublicConn, page: PageDep, department: Department = None,
                       category: Category | None = None) -> dict:
    """随机抽查事项清单 The published check-item lists (no login)."""
    total, items = views.published_items(conn, department=department, category=category,
                                         offset=page.offset, limit=page.limit)
    return page_of(page, total, items)

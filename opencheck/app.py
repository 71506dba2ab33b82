"""create_app(settings): the API, the dashboard and the public pages in one ASGI app."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from kernel import failures, i18n, workdays
from kernel.clock import china_date
from kernel.errors import DomainError
from kernel.http import auth, idempotency
from kernel.http.api import PlainRoute, PlatformDep, close_read_pool
from kernel.http.idempotency import IdempotencyMiddleware
from kernel.http.public import PublicRateLimit
from kernel.http.read_your_writes import ReadYourWritesMiddleware
from kernel.http.storable import StorableTextMiddleware
from kernel.labels import department_labels
from kernel.settings import Settings
from opencheck import audited, metrics, observability
from opencheck.bootstrap import API_RUNNERS, Platform, bootstrap

log = logging.getLogger(__name__)


class FailurePublic(BaseModel):
    runner: str
    application: str | None = None
    projection: str | None = None
    position: int | None = None
    error: str
    since: datetime | None = None
    last_attempt_at: datetime | None = None
    attempts: int = 0


class CalendarPublic(BaseModel):
    """What working-day deadlines rest on (kernel.workdays.coverage)."""

    this_year: str | None             # rules: <notice> | chinese-calendar <v> | None: Mon–Fri
    next_year: str | None
    next_year_missing: bool
    message: str | None = None


class HealthPublic(BaseModel):
    status: str                       # ok | degraded (a runner is failing or unreadable)
    database: str
    projections: dict[str, int]       # runner -> events not yet projected (-1: unknown)
    failing: list[FailurePublic] = []
    calendar: CalendarPublic | None = None


def create_app(settings: Settings | None = None, platform: Platform | None = None) -> FastAPI:
    """Build the ASGI app; the platform is created in the lifespan unless one is given."""
    settings = settings or (platform.settings if platform else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        own = platform is None
        app.state.platform = platform or bootstrap(settings)
        metrics.instrument_draw(app.state.platform)
        scheduling = None
        if own and settings.projections_in_process:
            app.state.platform.start_projections()
        if own and settings.scheduler_in_process:
            from opencheck import scheduler as jobs

            # every worker stands by; one leads (opencheck.scheduler.Leadership)
            stop_scheduling = threading.Event()
            scheduling = threading.Thread(target=jobs.lead_or_stand_by, name="scheduler",
                                          args=(app.state.platform, stop_scheduling), daemon=True)
            scheduling.start()
        try:
            yield
        finally:
            await close_read_pool(app)
            if scheduling is not None:
                stop_scheduling.set()
                scheduling.join(timeout=10)
            if own:
                app.state.platform.close()

    app = FastAPI(title="OpenCheck 双随机、一公开", version="0.1.0", lifespan=lifespan,
                  description="Random inspections, penalties, commitments and the credit record.",
                  docs_url=None, redoc_url=None)   # served from the package (opencheck.docs)
    if platform is not None:
        app.state.platform = platform
    _install_error_handlers(app)

    @app.get("/api/v1/health", response_model=HealthPublic, tags=["system"])
    def health(p: PlatformDep, request: Request,
               token: Annotated[str | None, Depends(auth.oauth2_scheme)] = None) -> HealthPublic:
        """Liveness, each runner's lag behind its log, and the runners failing (never a 500).
        An error's text can quote stored data: only a supervisor or an admin sees it; anyone
        else sees its kind."""
        report = _health(p)
        if not _may_read_errors(request, token):
            for f in report.failing:
                f.error = f.error.split(":", 1)[0]
        return report

    from credit.record import public_routes

    # First in the routing table: the public lookup is the busiest route, and Starlette tries the
    # routes in order (matching through every router before it cost 18 % of a lookup). Served
    # by a plain route (kernel.http.api.PlainRoute); FastAPI's describes it in the OpenAPI.
    app.router.routes.insert(0, PlainRoute("/api/v1/public/credit/{uscc}",
                                           public_routes.served_plainly, methods=["GET"]))
    app.include_router(public_routes.router, prefix="/api/v1/public")

    from kernel.http import login

    app.include_router(login.router, prefix="/api/v1")   # sign-in, password change, users

    from supervision.directory.routes import public_router as supervision_public
    from supervision.directory.routes import router as supervision_router

    app.include_router(supervision_router, prefix="/api/v1")
    app.include_router(supervision_public, prefix="/api/v1/public")

    from supervision.plans import routes as plan_routes

    app.include_router(plan_routes.router, prefix="/api/v1")
    app.include_router(plan_routes.inbox_router, prefix="/api/v1")
    app.include_router(plan_routes.public_router, prefix="/api/v1/public")

    from supervision.tasks import document_routes, notification_routes
    from supervision.tasks import routes as task_routes

    app.include_router(task_routes.router, prefix="/api/v1")
    app.include_router(document_routes.router, prefix="/api/v1")
    app.include_router(notification_routes.router, prefix="/api/v1")

    from credit.commitments import routes as commitment_routes
    from credit.licensing import routes as licence_routes
    from credit.lists import routes as list_routes
    from credit.objections import routes as objection_routes
    from credit.penalties import routes as penalty_routes
    from credit.persons import routes as person_routes
    from credit.repair import routes as repair_routes

    app.include_router(penalty_routes.router, prefix="/api/v1")
    app.include_router(commitment_routes.router, prefix="/api/v1")
    app.include_router(list_routes.router, prefix="/api/v1")
    app.include_router(repair_routes.router, prefix="/api/v1")
    app.include_router(person_routes.router, prefix="/api/v1")
    app.include_router(penalty_routes.public_router, prefix="/api/v1/public")
    app.include_router(licence_routes.router, prefix="/api/v1")
    app.include_router(licence_routes.public_router, prefix="/api/v1/public")
    app.include_router(objection_routes.router, prefix="/api/v1")
    app.include_router(objection_routes.public_router, prefix="/api/v1/public")
    app.include_router(commitment_routes.public_router, prefix="/api/v1/public")

    from credit.rating import routes as class_routes
    from credit.record import routes as file_routes

    app.include_router(class_routes.router, prefix="/api/v1")
    from credit.risk import routes as risk_routes

    app.include_router(risk_routes.router, prefix="/api/v1")
    app.include_router(file_routes.router, prefix="/api/v1")
    app.include_router(file_routes.public_router, prefix="/api/v1/public")

    from credit.opendata import routes as open_data_routes
    from credit.reports import routes as report_routes

    app.include_router(report_routes.public_router, prefix="/api/v1/public")
    app.include_router(open_data_routes.public_router, prefix="/api/v1/public")

    from credit.record import batch as batch_routes

    app.include_router(batch_routes.router, prefix="/api/v1")   # 联合惩戒 batch lookup

    from opencheck import log_routes

    app.include_router(log_routes.router, prefix="/api/v1/public")   # the tamper-evident record

    from opencheck import docs, public_pages, web, web_open, web_records

    app.include_router(web.router)
    app.include_router(public_pages.router)
    app.include_router(web_records.router)
    app.include_router(web_open.router)   # report verification, open data
    docs.install(app)
    audited.install(app)   # 审计: which reads leave a record (opencheck.audited)

    from a2wsgi import WSGIMiddleware

    from dashboard.app import build_dashboard

    # Dash (Flask) under /dashboard/ through a2wsgi: its callbacks run in a2wsgi's thread pool and
    # reach the platform through this reference, set in the lifespan (STACK.md, "Dash 4").
    from opencheck.importing import IMPORTERS

    app.mount("/dashboard", WSGIMiddleware(build_dashboard(lambda: app.state.platform,
                                                           IMPORTERS).server))
    # Every authenticated command, whichever router it is on: read-your-writes inside,
    # the Idempotency-Key around it (a replay runs nothing); the last added runs first.
    app.add_middleware(ReadYourWritesMiddleware, runners=API_RUNNERS)
    app.add_middleware(IdempotencyMiddleware)
    idempotency.declare_header(app)
    app.add_middleware(PublicRateLimit, per_minute=settings.public_rate_limit_per_minute)
    # a NUL in a path or query never reaches a route (kernel.text)
    app.add_middleware(StorableTextMiddleware)
    # outermost: the request id, its log line and the metrics (opencheck.observability)
    observability.install(app, settings)
    return app


def _may_read_errors(request: Request, token: str | None) -> bool:
    if not token:
        return False
    try:
        return auth.user_from_token(request, token).role in ("supervisor", "admin")
    except HTTPException:   # a bad token on a public endpoint: answered as anonymous
        return False


def _health(p: Platform) -> HealthPublic:
    lags, failing = {}, []
    for name, runner in p.runners.items():
        try:
            lags[name] = runner.lag()
        except Exception as error:  # noqa: BLE001  (health reports, it does not fail)
            lags[name] = -1
            failing.append(FailurePublic(runner=name, application=runner.app.name,
                                         error=f"lag unknown: {type(error).__name__}: {error}"))
    try:
        with p.engine.connect() as conn:
            failing += [FailurePublic(**vars(f)) for f in failures.stored(conn)]
    except Exception as error:  # noqa: BLE001
        failing.append(FailurePublic(runner="*", error=f"failures unreadable: {error}"))
        # this process's own runners still know their last failure
        failing += [FailurePublic(runner=r.name, application=r.app.name,
                                  projection=r.failure.projection, position=r.failure.position,
                                  error=r.failure.error)
                    for r in p.runners.values() if r.failure is not None]
    threshold = p.settings.ready_max_lag   # the same rule as /readyz
    failing += [FailurePublic(runner=name, application=p.runners[name].app.name,
                              error=f"lagging: {lag} events behind (threshold {threshold})")
                for name, lag in lags.items() if lag > threshold]
    calendar = CalendarPublic(**workdays.coverage(china_date(p.clock()),
                                                  p.rules.calendar.warn_days_before_year_end))
    return HealthPublic(status="degraded" if failing else "ok",
                        database="postgresql" if p.settings.is_postgres else "sqlite",
                        projections=lags, failing=failing, calendar=calendar)


def _lang(request: Request) -> str:
    return i18n.language(request.headers.get("accept-language"))


def _names(request: Request) -> dict[str, str]:
    """Configured codes a message may quote (departments), with their Chinese names."""
    platform = getattr(request.app.state, "platform", None)
    return department_labels(platform.rules) if platform is not None else {}


def _install_error_handlers(app: FastAPI) -> None:
    """Every error a user sees in Chinese with English alongside, or in English alone when
    Accept-Language prefers it (kernel.i18n); the JSON shape stays {detail, field}."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        said = i18n.translated(exc.message, exc.field, exc.status_code, _names(request))
        lang = _lang(request)
        if exc.status_code == 422:
            loc = ["body", exc.field] if exc.field else ["body"]
            return JSONResponse({"detail": [{"loc": loc, "msg": said.render(lang),
                                             "type": "value_error", "msg_zh": said.zh,
                                             "msg_en": said.en}],
                                 "field": exc.field,
                                 "field_label": i18n.field_label(exc.field) or None},
                                status_code=422, headers={"Content-Language": lang})
        retry_after = getattr(exc, "retry_after", None)   # 429 TooManyAttempts
        headers = {"Content-Language": lang}
        if retry_after:
            headers["Retry-After"] = str(retry_after)
        return JSONResponse({"detail": said.render(lang), "field": exc.field,
                             "field_label": i18n.field_label(exc.field) or None},
                            status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang, details = _lang(request), []
        for e in exc.errors():
            said = i18n.validation_error(e, _names(request))
            details.append({"loc": list(e.get("loc", ())), "msg": said.render(lang),
                            "type": e.get("type", ""), "msg_zh": said.zh, "msg_en": said.en})
        # the first offending field by name, as the domain's own 422s give it
        field = next((str(d["loc"][-1]) for d in details if d["loc"]), None)
        return JSONResponse({"detail": details, "field": field,
                             "field_label": i18n.field_label(field) or None},
                            status_code=422, headers={"Content-Language": lang})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if isinstance(detail, str):
            detail = i18n.translated(detail, None, exc.status_code,
                                     _names(request)).render(_lang(request))
        return JSONResponse({"detail": detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

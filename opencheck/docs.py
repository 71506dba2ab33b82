"""/docs (Swagger UI) and /redoc from assets inside the installed packages: the API's manual
works with no internet (FastAPI's own pages load them from a CDN).

The assets are the ones the `fastapi-offline` wheel ships (MIT; Swagger UI Apache-2.0, ReDoc
MIT, their licence notices are at the top of each bundle); OpenCheck uses only its files.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = "/static/docs"
ASSETS = files("fastapi_offline") / "static"


def install(app: FastAPI) -> None:
    """Serve the docs pages and their assets (build the app with docs_url/redoc_url None)."""
    app.mount(STATIC, StaticFiles(directory=str(ASSETS)), name="docs-assets")
    title, openapi, oauth = app.title, app.openapi_url or "/openapi.json", "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        # validatorUrl None: Swagger UI would otherwise send the schema to an online validator
        return get_swagger_ui_html(
            openapi_url=openapi, title=f"{title} · Swagger UI", oauth2_redirect_url=oauth,
            swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None})

    @app.get(oauth, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=openapi, title=f"{title} · ReDoc",
                              redoc_js_url=f"{STATIC}/redoc.standalone.js",
                              redoc_favicon_url=f"{STATIC}/favicon.png",
                              with_google_fonts=False)

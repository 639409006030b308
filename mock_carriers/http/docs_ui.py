"""Swagger UI served from the installed package, so ``/docs`` and ``/<carrier>/_docs`` work offline.

FastAPI's default page loads Swagger UI from a CDN (blank without a network). The page here is
FastAPI's own HTML pointed at ``<docs>/assets/…``, which serves the files vendored in
``mock_carriers/static/swagger-ui/`` (swagger-ui-dist, Apache-2.0; version and checksums in that
folder's SOURCES.md). Only the files listed in ``ASSETS`` are served — never a path from the request.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

STATIC_DIR = Path(__file__).parent / "static" / "swagger-ui"
#: The files the page loads, with their media types.
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
#: No validator badge: Swagger UI would load it from validator.swagger.io.
UI_PARAMETERS = {"validatorUrl": None}


def add_swagger_ui(app: FastAPI, docs_url: str, openapi_url: str, title: str) -> None:
    """Serve Swagger UI at ``docs_url`` for the document at ``openapi_url`` (both below the app's
    mount point, which the page adds from ``root_path``)."""
    assets_url = f"{docs_url}/assets"

    async def page(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=title,
            swagger_js_url=f"{root}{assets_url}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{assets_url}/swagger-ui.css",
            swagger_favicon_url=f"{root}{assets_url}/favicon-32x32.png",
            oauth2_redirect_url=None,
            swagger_ui_parameters=UI_PARAMETERS,
        )

    async def asset(name: str) -> FileResponse:
        media_type = ASSETS.get(name)
        if media_type is None:
            raise HTTPException(404, f"no such asset {name[:80]!r}")
        return FileResponse(
            STATIC_DIR / name, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"}
        )

    app.add_api_route(docs_url, page, methods=["GET"], include_in_schema=False)
    app.add_api_route(assets_url + "/{name}", asset, methods=["GET"], include_in_schema=False)

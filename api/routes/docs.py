"""`GET /api/docs`: interactive API documentation (Swagger UI) served from this server alone.

Swagger UI's files come from the `swagger-ui-bundle-v2` package (Apache-2.0), our own start-up
script from `web/static/api-docs.js`: no CDN, no inline script. The page has a policy of its own
(`DOCS_POLICY`, stricter than the site's: nothing is allowed that is not named), applied by
`api.privacy.PrivacyHeaders`.
"""

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from api.privacy import page_policy
from web.rendering import render

DOCS_PATH = "/api/docs"
ASSETS = Path(swagger_ui_path)
SERVED = frozenset({"swagger-ui-bundle.js", "swagger-ui.css"})
"""The only Swagger UI files the page needs (the package's own index and initializer point at
an example API on another site: never served)."""
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

router = APIRouter(include_in_schema=False)
page_policy(DOCS_PATH, DOCS_POLICY)


@router.get(DOCS_PATH, response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    return HTMLResponse(render("api_docs.html", lang="en", assets=f"{DOCS_PATH}/assets"))


@router.get(f"{DOCS_PATH}/assets/{{name}}")
def api_docs_asset(name: str) -> FileResponse:
    if name not in SERVED:
        raise HTTPException(status_code=404)
    return FileResponse(ASSETS / name)

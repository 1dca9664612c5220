"""The web application: routes over the `search` API, rendered by auto-escaping Jinja templates."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from index import (
    IndexLockedError,
    IndexMissingError,
    IndexUnusableError,
    IssueNotFoundError,
    NewsletterSearchError,
)
from search import Location, QueryError, open_searcher, parse_query
from search.options import SORTS
from web import views
from web.issues import indexed_document, load_issue, raw_text
from web.params import LIMIT_CHOICES, read_params

HERE = Path(__file__).resolve().parent
# HTTP status of each library error: the reader's fault (400, 404) or the index's state (503).
STATUS = (
    (QueryError, 400),
    (IssueNotFoundError, 404),
    ((IndexMissingError, IndexUnusableError, IndexLockedError), 503),
)
# What would put an index error right, in the page's words (the CLI words its own remedies).
REMEDIES = {
    "build": "No index has been built here yet: index a folder of issues into it, then reload.",
    "rebuild": "Rebuild the index from its folder, then reload this page.",
    "sync": "Index the folder again to finish or update the index, then reload this page.",
}
SIMILAR_SHOWN = 5
# Pages load nothing from outside and run no script but our own file (no inline script): this
# also keeps any markup that slipped through from running or loading anything.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
        "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


class _SecurityHeaders:
    """Adds SECURITY_HEADERS to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.extend((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items())
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _templates() -> Jinja2Templates:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        # Issue text is untrusted: everything is escaped unless a template says otherwise.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["marked"] = views.snippet_segments
    environment.globals.update(
        hit_url=views.hit_url,
        issue_url=views.issue_url,
        raw_url=views.raw_url,
        facet_titles=views.FACET_TITLES,
        sorts=SORTS,
        limit_choices=LIMIT_CHOICES,
    )
    return Jinja2Templates(env=environment)


def _status(error: Exception) -> int:
    for kinds, status in STATUS:
        if isinstance(error, kinds):
            return status
    return 500


def as_location(where: str | os.PathLike[str] | Location | None) -> Location:
    """An index's Location, from a Location or a local index directory (None: the default)."""
    if isinstance(where, Location):
        return where
    from search import default_index_dir

    return Location(index_dir=str(Path(where or default_index_dir()).expanduser()))


def create_app(index_dir: str | os.PathLike[str] | Location | None = None) -> Starlette:
    """The web page over the index at `index_dir`: a local directory (default: the CLI's default
    index) or any engine's Location."""
    location = as_location(index_dir)
    templates = _templates()

    def page(request: Request, name: str, code: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=code)

    def home_or_results(request: Request) -> Response:
        params = read_params(request.query_params)
        if any(not value for _, value in request.query_params.multi_items()):
            # The form sends its empty filter fields too: show the same search at its short URL.
            return RedirectResponse(params.url(page=params.page), status_code=303)
        if not params.q:
            with open_searcher(location) as searcher:
                stats = searcher.stats()
            return page(request, "home.html", params=params, stats=stats)
        with open_searcher(location) as searcher:
            results = searcher.search(params.q, facets=True, **params.options())
        return page(
            request,
            "results.html",
            params=params,
            results=results,
            facets=views.facet_links(results, params),
            pages=views.page_numbers(results.page, results.pages),
        )

    def api_search(request: Request) -> Response:
        params = read_params(request.query_params)
        if not params.q:
            raise QueryError("Give a query: /api/search?q=words")
        facets = request.query_params.get("facets", "") in ("1", "true", "on", "yes")
        with open_searcher(location) as searcher:
            results = searcher.search(params.q, facets=facets, **params.options())
        # The same dict as `newsletter-search search --json`.
        return JSONResponse(results.to_json())

    def issue(request: Request) -> Response:
        doc_id = request.path_params["issue_id"]
        query = request.query_params.get("q", "").strip()
        with open_searcher(location) as searcher:
            doc = indexed_document(searcher, doc_id)
            if doc.get("kind") == "story":
                # A story is read in its issue: go there, at the story.
                target = views.issue_url(doc["issue_id"], query, views.story_number(doc_id))
                return RedirectResponse(target, status_code=303)
            data, note = load_issue(doc, searcher)
            parsed = None
            if query:
                try:
                    parsed = parse_query(query)
                except QueryError:
                    parsed = None  # a query that cannot be read marks nothing; the page still shows
            view = views.issue_view(data, parsed)
            similar = searcher.similar(doc_id, limit=SIMILAR_SHOWN)
        return page(request, "issue.html", issue=view, note=note, similar=similar, query=query)

    def raw(request: Request) -> Response:
        with open_searcher(location) as searcher:
            text = raw_text(searcher, request.path_params["issue_id"])
        # Shown as text, never as a page of its own: a sandbox forbids anything active.
        return PlainTextResponse(text, headers={"content-security-policy": "sandbox"})

    async def on_error(request: Request, error: Exception) -> Response:
        hint = ""
        if isinstance(error, HTTPException):
            status, message = error.status_code, str(error.detail)
        else:
            status, message = _status(error), str(error)
            if isinstance(error, NewsletterSearchError):
                hint = REMEDIES.get(error.remedy or "", "")
            else:
                message = f"Something went wrong on the server ({type(error).__name__})."
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        return page(request, "error.html", status, message=message, status=status, hint=hint)

    routes = [
        Route("/", home_or_results, name="home"),
        Route("/api/search", api_search, name="api_search"),
        Route("/issue/{issue_id:path}", issue, name="issue"),
        Route("/raw/{issue_id:path}", raw, name="raw"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(_SecurityHeaders)],
        exception_handlers={
            NewsletterSearchError: on_error,
            HTTPException: on_error,
            Exception: on_error,
        },
    )

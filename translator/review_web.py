"""The ``translator review`` web app: Starlette routes over :class:`~.review.Review`,
served by uvicorn.

Safe by default:

* bound to 127.0.0.1; bound anywhere else only with a token, printed in the
  URL at start and required on every request (kept in a cookie after the first);
* the ``Host`` header must name this server (no DNS rebinding);
* a write must come from the page itself: same origin (``Origin`` or
  ``Sec-Fetch-Site``) and the page's CSRF token in a header;
* every text goes through Jinja2's autoescaping, the script fills the page with
  ``textContent`` only, and a Content-Security-Policy allows nothing but the
  app's own script and style sheet (every asset is served by the app: it works
  offline).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .errors import InputError, UsageError
from .review import Review
from .variants import templates

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
COOKIE = "translator_review"
MAX_BODY = 1 << 20  # a save is one segment
STATIC = {"review.js": "text/javascript", "review.css": "text/css"}


def is_loopback(host: str) -> bool:
    """Whether *host* is a loopback address (or ``localhost``).

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Server:
    """Where the app listens and what it asks of every request."""

    host: str
    port: int
    token: str | None  # required on every request when not bound to loopback
    csrf: str  # the page's token for writes

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/" + (f"?token={self.token}" if self.token else "")

    def host_allowed(self, header: str) -> bool:
        names = {self.host, "localhost", "127.0.0.1", "[::1]"}
        if self.host not in ("0.0.0.0", "::"):
            return header in {f"{n}:{self.port}" for n in names}
        # bound to every address: any name, on this port (the token guards it)
        return header.rsplit(":", 1)[-1] == str(self.port)


def _guard(server: Server) -> type[BaseHTTPMiddleware]:
    class Guard(BaseHTTPMiddleware):
        async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
            response = _refused(server, request)
            if response is None:
                if server.token and request.query_params.get("token") == server.token:
                    # the token from the printed URL: kept in a cookie, dropped from the URL
                    response = RedirectResponse(request.url.path, status_code=303)
                    response.set_cookie(COOKIE, server.token, httponly=True, samesite="strict")
                else:
                    response = await call_next(request)
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Cache-Control"] = "no-store"
            return response

    return Guard


def _refused(server: Server, request: Request) -> Response | None:
    """Why *request* is refused (as the response), or None."""
    if not server.host_allowed(request.headers.get("host", "")):
        return Response("unknown Host header\n", 403, media_type="text/plain")
    if server.token:
        given = request.cookies.get(COOKIE) or request.query_params.get("token") or ""
        if not hmac.compare_digest(given.encode(), server.token.encode()):
            return Response(
                "a token is required: open the URL translator review printed\n",
                403,
                media_type="text/plain",
            )
    if request.method not in ("GET", "HEAD"):
        origin = request.headers.get("origin")
        if origin is not None:
            if urlsplit(origin).netloc != request.headers.get("host"):
                return JSONResponse({"ok": False, "message": "cross-origin write refused"}, 403)
        elif request.headers.get("sec-fetch-site") not in ("same-origin", None):
            return JSONResponse({"ok": False, "message": "cross-site write refused"}, 403)
        token = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(token.encode(), server.csrf.encode()):
            return JSONResponse({"ok": False, "message": "missing or wrong CSRF token"}, 403)
    return None


def create_app(review: Review, server: Server) -> Starlette:
    """The app: the overview, an article view per article and locale, saves, assets."""
    env = templates()

    def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = env.get_template(name).render(csrf=server.csrf, **values)
        return HTMLResponse(html, status)

    async def overview(request: Request) -> Response:
        data = await run_in_threadpool(review.overview)
        return page("review_overview.html", o=data)

    async def article(request: Request) -> Response:
        sid, tag = request.path_params["sid"], request.path_params["tag"]
        try:
            view = await run_in_threadpool(review.article, sid, tag)
        except UsageError as exc:
            return page("review_error.html", 404, message=str(exc))
        except InputError as exc:
            return page("review_error.html", 422, message=str(exc))
        return page("review_article.html", a=view)

    async def save(request: Request) -> Response:
        sid, tag, uid = (request.path_params[k] for k in ("sid", "tag", "uid"))
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"ok": False, "message": "too large for one segment"}, 413)
        try:
            data = await request.json()
            text, base = data["text"], data["base"]
            reviewed = bool(data.get("reviewed", False))
            if not isinstance(text, str) or not isinstance(base, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"ok": False, "message": "a save needs text and base"}, 400)
        try:
            result = await run_in_threadpool(
                review.save, sid, tag, uid, text, base, reviewed=reviewed
            )
        except UsageError as exc:
            return JSONResponse({"ok": False, "message": str(exc)}, 404)
        except InputError as exc:
            return JSONResponse({"ok": False, "message": str(exc)}, 422)
        return JSONResponse(result.as_dict(), result.status)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found\n", 404, media_type="text/plain")
        body = resources.files("translator").joinpath("static", name).read_bytes()
        return Response(body, media_type=STATIC[name])

    return Starlette(
        routes=[
            Route("/", overview),
            Route("/article/{sid}/{tag}", article),
            Route("/article/{sid}/{tag}/segment/{uid}", save, methods=["POST"]),
            Route("/static/{name}", static),
        ],
        middleware=[Middleware(_guard(server))],
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on *host*:*port* (0: a free port); a port in use is one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(64)
    return sock


def prepare(host: str, port: int) -> tuple[Server, socket.socket]:
    """The server's settings and its socket: a token unless bound to loopback."""
    sock = bind(host, port)
    token = None if is_loopback(host) else secrets.token_urlsafe(24)
    return Server(host, sock.getsockname()[1], token, secrets.token_urlsafe(24)), sock


def serve(review: Review, server: Server, sock: socket.socket) -> None:
    """Serve until interrupted."""
    import uvicorn

    config = uvicorn.Config(
        create_app(review, server), log_level="warning", access_log=False, lifespan="off"
    )
    uvicorn.Server(config).run(sockets=[sock])

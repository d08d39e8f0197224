"""The ``translator review`` web app: Starlette routes over :class:`~.review.Review`,
served by uvicorn.

Safe by default:

* bound to 127.0.0.1; bound anywhere else only with a token, printed in the
  URL at start and required on every request (kept in a cookie named after the
  port after the first; a token in the URL wins over an old cookie);
* a body is limited to MAX_BODY while it is read (413 before it is buffered)
  and a save's JSON to MAX_DEPTH levels; every response, errors included,
  carries the security headers, and no request gets a traceback;
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
import json
import logging
import secrets
import socket
from dataclasses import dataclass
from functools import partial
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
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


SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]
MAX_DEPTH = 16  # how deep a save's JSON may nest (it is one flat object)
log = logging.getLogger("translator.review")


class _TooLarge(Exception):
    pass


def cookie_name(port: int) -> str:
    """The token's cookie, one per port: cookies ignore ports, and two servers
    on one host (or a restart on another port) must not shadow each other."""
    return f"{COOKIE}_{port}"


class Guard:
    """The app's one gate, as plain ASGI around it: every response, errors
    included, carries the security headers; a request is refused before it
    reaches a route (``_refused``); a body over MAX_BODY is answered 413 while
    it is read, before it is buffered; an unexpected error is a plain 500 and
    one log line, never a traceback."""

    def __init__(self, app: Any, server: Server) -> None:
        self.app, self.server = app, server

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def secured(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name for name, _ in SECURITY_HEADERS}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": headers + SECURITY_HEADERS}
            await send(message)

        request = Request(scope)
        response = _refused(self.server, request)
        if response is None and self.server.token:
            given = request.query_params.get("token")
            if given is not None:  # the printed URL's token: kept in a cookie, dropped from the URL
                response = RedirectResponse(request.url.path, status_code=303)
                response.set_cookie(
                    cookie_name(self.server.port), given, httponly=True, samesite="strict"
                )
        if response is None and _declared_length(request) > MAX_BODY:
            response = _too_large()
        if response is not None:
            await response(scope, receive, secured)
            return
        read = 0

        async def bounded() -> Any:
            nonlocal read
            message = await receive()
            read += len(message.get("body", b""))
            if read > MAX_BODY:
                raise _TooLarge
            return message

        try:
            await self.app(scope, bounded, secured)
        except _TooLarge:
            if not started:
                await _too_large()(scope, receive, secured)
        except Exception as exc:  # noqa: BLE001 - a client must never see a traceback
            log.warning(
                "review: %s %s failed: %s", request.method, request.url.path, type(exc).__name__
            )
            if not started:
                error = Response("the server could not answer this request\n", 500,
                                 media_type="text/plain")  # fmt: skip
                await error(scope, receive, secured)


def _declared_length(request: Request) -> int:
    try:
        return int(request.headers.get("content-length", "0"))
    except ValueError:
        return 0


def _too_large() -> Response:
    return JSONResponse({"ok": False, "message": "too large for one segment"}, 413)


def json_depth(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text *body* nests at most *limit* deep (strings skipped):
    checked before parsing, which recurses once per level.

    >>> json_depth(b'{"a": [1, {"b": "[[["}]}'), json_depth(b"[" * 100 + b"]" * 100)
    (True, False)
    """
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def _refused(server: Server, request: Request) -> Response | None:
    """Why *request* is refused (as the response), or None."""
    if not server.host_allowed(request.headers.get("host", "")):
        return Response("unknown Host header\n", 403, media_type="text/plain")
    if server.token:
        # the URL's token wins over a cookie an earlier server left
        given = request.query_params.get("token") or request.cookies.get(cookie_name(server.port))
        if not hmac.compare_digest((given or "").encode(), server.token.encode()):
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
        body = await request.body()  # the guard stops it at MAX_BODY
        if not json_depth(body):
            return JSONResponse({"ok": False, "message": "a save is one flat JSON object"}, 400)
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise TypeError
            text, base = data["text"], data["base"]
            reviewed = bool(data.get("reviewed", False))
            version = data.get("version")
            if not isinstance(text, str) or not isinstance(base, str):
                raise TypeError
            if version is not None and not isinstance(version, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"ok": False, "message": "a save needs text and base"}, 400)
        try:
            result = await run_in_threadpool(
                partial(review.save, sid, tag, uid, text, base, reviewed=reviewed, version=version)
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
        middleware=[Middleware(Guard, server=server)],
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

"""The review server under hostile requests, driven in-process through ASGI
(no socket at all): tokens and their cookies, body limits while reading, JSON
depth, the security headers on every response, and a fuzz test."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import SAMPLES

HOST = "10.0.0.5"
PORT = 8765
TOKEN = "t0ken-of-this-run"
CSRF = "csrf-of-this-page"
HEADERS = {
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "cache-control",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A review app over one localized article, bound (in name) to a LAN address:
    every request needs the token."""
    import os

    from click.testing import CliRunner

    from translator.cli import cli
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions
    from translator.review_web import Server, create_app

    root = tmp_path_factory.mktemp("review-server")
    (root / "samples").mkdir()
    (root / ".translator").mkdir()
    shutil.copy(SAMPLES / "council-budget.html", root / "samples")
    cache = root / "m.sqlite3"
    here = os.getcwd()
    os.chdir(root)
    try:
        done = CliRunner().invoke(cli, ["localize", "samples/", "--to", "fr", "--engine", "pseudo",
                                        "--out", "build/", "--cache", str(cache)])  # fmt: skip
        assert done.exit_code == 0, done.output
        review = Review(
            [str(root / "samples")],
            ReviewOptions(
                parse_locales("fr"), out=str(root / "build"), cache=str(cache), engine="pseudo"
            ),  # fmt: skip
        )
        app = create_app(review, Server(HOST, PORT, TOKEN, CSRF))
        yield app, review, cache
    finally:
        os.chdir(here)


def call(
    app: Any,
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    chunks: list[bytes] | None = None,
    host: str = f"{HOST}:{PORT}",
) -> tuple[int, dict[str, str], bytes, int]:
    """One request through the app: (status, headers, body, body chunks it read)."""
    pending = list(chunks or [b""])
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        if not pending:
            return {"type": "http.disconnect"}
        read += 1
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw = [(b"host", host.encode("latin-1"))]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": query.encode("latin-1"), "root_path": "", "headers": raw,
        "client": ("10.0.0.9", 50000), "server": (HOST, PORT),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    names = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]}
    return start["status"], names, body, read


def _cookie(port: int = PORT, value: str = TOKEN) -> dict[str, str]:
    return {"cookie": f"translator_review_{port}={value}"}


def _writer(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**_cookie(), "origin": f"http://{HOST}:{PORT}", "x-csrf-token": CSRF,
            "content-type": "application/json", **(extra or {})}  # fmt: skip


def test_the_urls_token_wins_over_an_old_cookie_and_cookies_carry_the_port(served):
    app, _review, _cache = served
    stale = {"cookie": "translator_review_8765=token-of-the-last-run"}
    status, headers, _body, _read = call(app, "GET", "/", query=f"token={TOKEN}", headers=stale)
    assert status == 303, status  # was 403 "a token is required" after a restart
    assert headers["set-cookie"].startswith(f"translator_review_{PORT}={TOKEN}")
    assert call(app, "GET", "/", headers=_cookie())[0] == 200
    # another server's cookie on this host (another port) does not open this one
    assert call(app, "GET", "/", headers=_cookie(PORT + 1))[0] == 403
    assert call(app, "GET", "/", headers=stale)[0] == 403


def test_a_body_over_the_limit_is_refused_while_it_is_read(served):
    from translator.review_web import MAX_BODY

    app, _review, _cache = served
    chunk = b"x" * 65536
    chunks = [chunk] * (300 * 16)  # 300 MiB offered, no Content-Length
    status, headers, _body, read = call(
        app, "POST", "/article/0/fr/segment/s1", headers=_writer(), chunks=chunks
    )
    assert status == 413 and HEADERS <= set(headers)
    assert read <= MAX_BODY // len(chunk) + 2  # it stopped reading at the limit
    declared = _writer({"content-length": str(300 << 20)})
    status, _h, _b, read = call(app, "POST", "/article/0/fr/segment/s1", headers=declared,
                                chunks=[chunk])  # fmt: skip
    assert status == 413 and read == 0  # refused on its declared length, nothing read


def test_json_nested_a_hundred_thousand_deep_is_a_400_with_the_headers(served):
    app, _review, _cache = served
    deep = b"[" * 100_000 + b"]" * 100_000
    status, headers, body, _read = call(
        app, "POST", "/article/0/fr/segment/s1", headers=_writer(), chunks=[deep]
    )
    assert status == 400 and HEADERS <= set(headers)
    assert b"Traceback" not in body and b"RecursionError" not in body


def test_an_unexpected_error_is_a_plain_500_with_the_headers_and_no_traceback(
    served, monkeypatch, caplog
):
    app, review, _cache = served

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug deep inside")

    monkeypatch.setattr(review, "overview", broken)
    status, headers, body, _read = call(app, "GET", "/", headers=_cookie())
    assert status == 500 and HEADERS <= set(headers)
    assert b"a bug deep inside" not in body and b"Traceback" not in body
    assert "Traceback" not in caplog.text and "RuntimeError" in caplog.text


def _human_rows(cache: Path) -> int:
    with sqlite3.connect(cache) as db:
        return db.execute("SELECT COUNT(*) FROM memory WHERE origin = 'human'").fetchone()[0]


METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
PATHS = st.one_of(
    st.sampled_from(["/", "/article/0/fr", "/article/0/fr/segment/x", "/static/review.js",
                     "/static/../../etc/passwd", "/article/9/zz", "/article/0/fr/segment/"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40).map(
        lambda s: "/" + s
    ),
)  # fmt: skip
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
BODIES = st.one_of(
    st.binary(max_size=300),
    JSON.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"text": st.text(max_size=40), "base": st.text(max_size=20)},
        optional={"reviewed": st.one_of(st.booleans(), st.text(max_size=3))},
    ).map(lambda v: json.dumps(v).encode()),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(
    method=METHODS,
    path=PATHS,
    token=st.sampled_from(["good", "bad", "none", "query"]),
    csrf=st.sampled_from(["good", "bad", "none"]),
    origin=st.sampled_from(["same", "other", "none"]),
    host=st.sampled_from([f"{HOST}:{PORT}", f"evil.example:{PORT}", "", f"{HOST}:1"]),
    body=BODIES,
)
def test_fuzzed_requests_never_crash_always_carry_the_headers_and_never_write_unasked(
    served, method, path, token, csrf, origin, host, body
):
    app, _review, cache = served
    headers: dict[str, str] = {"content-type": "application/json"}
    query = ""
    if token == "good":
        headers.update(_cookie())
    elif token == "bad":
        headers.update(_cookie(value="guess"))
    elif token == "query":
        query = f"token={TOKEN}"
    if csrf != "none":
        headers["x-csrf-token"] = CSRF if csrf == "good" else "guess"
    if origin != "none":
        headers["origin"] = f"http://{HOST}:{PORT}" if origin == "same" else "http://evil.example"
    before = _human_rows(cache)
    status, names, response, _read = call(app, method, path, query=query, headers=headers,
                                          chunks=[body], host=host)  # fmt: skip
    assert status < 500, (status, response[:200])
    assert HEADERS <= set(names), names
    assert b"Traceback" not in response
    allowed = token == "good" and csrf == "good" and origin == "same" and host == f"{HOST}:{PORT}"
    if _human_rows(cache) != before:
        assert allowed and method == "POST", (method, path, token, csrf, origin, host)

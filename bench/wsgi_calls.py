"""Requests sent straight into Django's WSGI handler, in process, for the bench scripts that
measure the server's own CPU per request (bench/profile.py, bench/metrics_cost.py)."""

import io
import sys

from django.core.handlers.wsgi import WSGIHandler


def environ(path: str, body: bytes = b"", headers: dict | None = None) -> dict:
    """A WSGI environ for `path` (with its query, if any): a GET, or a JSON POST of `body`."""
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": "POST" if body else "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
    }
    if body:
        env.update(CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(body)))
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def send(app: WSGIHandler, env: dict) -> str:
    """The reply's status line, the body read and closed as a server would."""
    status = []
    body = app(env, lambda s, h, *a: status.append(s))
    b"".join(body)
    body.close()
    return status[0]

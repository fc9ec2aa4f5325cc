"""Where JSON enters and leaves: parsed once with limits, rendered without crashing.

A JSON body is refused (a 400 naming the problem) when it nests deeper than
MAX_JSON_DEPTH or carries a NUL character or a lone surrogate in any string:
PostgreSQL stores neither, and a lone surrogate cannot be encoded as UTF-8. DRF
parses the API's bodies with JSONParser; the middleware (config/middleware.py)
applies the same check to every JSON body before any view runs, allauth's headless
views (which read request.body themselves) and views that ignore their body included.
"""

import json

from django.conf import settings
from rest_framework import parsers, renderers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


class JSONRejected(ValueError):
    """The body is not JSON we accept; the message says why, for the client."""


class JSONMalformed(JSONRejected):
    """The body is not JSON at all."""


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text (a NUL or a lone surrogate), or None."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate, which is not valid Unicode"
    return None


def printable(value: str) -> str:
    """`value` safe to echo in an error message."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def json_loads_checked(raw: bytes | str):
    """Parse a JSON body, refusing deep nesting, NUL characters and lone surrogates."""
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise JSONRejected(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.") from error
    except ValueError as error:
        raise JSONMalformed(f"JSON parse error - {printable(str(error))}") from error
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_JSON_DEPTH:
            raise JSONRejected(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
        if isinstance(value, dict):
            for key, item in value.items():
                if problem := text_problem(key):
                    raise JSONRejected(f"A key in the JSON body {problem}.")
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and (problem := text_problem(value)):
            raise JSONRejected(f"A string in the JSON body {problem}.")
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with the limits above."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            raw = stream.read().decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - the body is not {encoding}.") from error
        try:
            return json_loads_checked(raw)
        except JSONRejected as error:
            raise ParseError(str(error)) from error


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer; text that cannot be UTF-8 (a lone surrogate) is \\u-escaped
    instead of failing the response."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            self.ensure_ascii = True
            return super().render(data, accepted_media_type, renderer_context)

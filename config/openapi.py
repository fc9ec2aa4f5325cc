"""The error replies every operation can give, added to the OpenAPI schema in one place.

drf-spectacular documents the success of each view; the errors come from the one exception
handler (config/api.py) and from server_error (config/views.py), in one shape, so they are
described here from what each operation takes: a body or query can be a 400, a path
parameter or a page a 404, and so on.
"""

ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "field": {"type": "string", "nullable": True},
        "errors": {
            "type": "object",
            "additionalProperties": True,
            "description": "Every field's messages, on a validation error.",
        },
    },
    "required": ["detail", "code", "field"],
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
WHY = {
    "400": "The input breaks a rule; `field` names it.",
    "401": "No valid session token (or session cookie).",
    "403": "Signed in, but not allowed to do this (or the browser's CSRF token is missing).",
    "404": "No such resource (or page) for the caller.",
    "409": "The shop's state forbids it now (out of stock, slot full, wrong status...).",
    "413": "The body is larger than the shop accepts.",
    "414": "The address (path and query string) is longer than the server reads (4094 bytes).",
    "429": "Too many requests; try again later.",
    "503": "The shop cannot reach its database; try again after Retry-After.",
}
UNSAFE = {"post", "put", "patch", "delete"}


def error_responses(result, generator, request, public):
    """A drf-spectacular postprocessing hook: each operation's possible error replies."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            for status in _statuses(method, operation):
                reply = {
                    "description": WHY[status],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
                if status in {"429", "503"}:
                    reply["headers"] = RETRY_AFTER
                operation["responses"].setdefault(status, reply)
    return result


def _statuses(method: str, operation: dict) -> list[str]:
    parameters = operation.get("parameters", [])
    signed_in = any(requirement for requirement in operation.get("security", [{}]))
    statuses = {"429", "503"}
    if signed_in:
        statuses |= {"401", "403"}
    if method in UNSAFE:
        statuses |= {"400", "403", "409", "413"}
    if any(p["in"] in {"query", "header"} for p in parameters):
        statuses.add("400")
    # A path or query parameter can be made longer than gunicorn reads in a request line.
    if any(p["in"] in {"query", "path"} for p in parameters):
        statuses.add("414")
    if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
        statuses.add("404")
    return sorted(statuses)

"""Gzip pages, scripts and styles: a cheap phone on weak venue Wi-Fi loads a third as much."""

from __future__ import annotations

import gzip
from functools import lru_cache

from flask import Response, request

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/markdown",
    "text/plain",
}
SMALLEST = 512  # below this the gzip header costs more than it saves


@lru_cache(maxsize=64)
def _compressed(key: tuple[str, str], data: bytes) -> bytes:
    """Compress a static file once per version (the key carries its ETag)."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def gzip_response(response: Response) -> Response:
    """Compress the response when the client accepts gzip and it is worth it."""
    if (
        response.status_code != 200
        or response.mimetype not in COMPRESSIBLE
        or "Content-Encoding" in response.headers
        or "gzip" not in request.headers.get("Accept-Encoding", "")
    ):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < SMALLEST:
        return response
    etag = response.headers.get("ETag")
    if request.path.startswith("/static/") and etag:
        body = _compressed((request.path, etag), data)
    else:
        body = gzip.compress(data, compresslevel=6)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(body))
    response.vary.add("Accept-Encoding")
    if etag:  # a compressed body is a different representation
        response.headers["ETag"] = etag.rstrip('"') + '-gz"'
    return response

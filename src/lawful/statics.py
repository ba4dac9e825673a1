"""The static files (the banner's script and style, the pages' style): compressed once, versioned by content.

Each file is read, hashed and compressed (gzip and brotli) once per process, on the first request; a request
then only picks the encoding the client accepts (Accept-Encoding). A file has two URLs:

- `/static/banner.<hash>.js`, what lawful's own pages and the banner itself use (`static()` in templates):
  it never changes, so browsers keep it a year (`immutable`);
- `/static/banner.js`, the stable URL that websites paste once into their pages: cached briefly and
  revalidated with its ETag, so a new release reaches every visitor within `STABLE_SECONDS`.

banner.js loads banner.css itself: the script is served with the stylesheet's versioned URL written in,
so a new stylesheet is a new script too and neither outlives the other in a cache.
"""

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import brotli  # type: ignore[import-untyped]  # no type hints shipped
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

STATIC = Path(__file__).parent / "static"
PREFIX = "/static/"
STABLE_SECONDS = 3600
IMMUTABLE = "public, max-age=31536000, immutable"
STABLE = f"public, max-age={STABLE_SECONDS}"
COMPRESSIBLE = (".js", ".css", ".html", ".svg", ".json", ".txt")
_VERSIONED = re.compile(r"^(?P<stem>[\w./-]+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.\w+)$")
_LINKS = {"banner.js": ("banner.css",)}  # a file that names another: the other's versioned URL is written in


@dataclass(frozen=True)
class Asset:
    name: str  # banner.js
    versioned: str  # banner.0123456789ab.js
    media_type: str
    bodies: dict[str, bytes]  # by content coding: identity, gzip, br

    @property
    def etag(self) -> str:
        return self.versioned.split(".")[-2]


def url(name: str) -> str:
    """The versioned URL of a static file, for templates: `{{ static("lawful.css") }}`."""
    return PREFIX + assets()[name].versioned


@cache
def assets() -> dict[str, Asset]:
    """Every static file, read and compressed once; linked files after the files they name."""
    found: dict[str, Asset] = {}
    # vendor/ holds libraries copied in unmodified with their licences (static/vendor/README.md)
    names = sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file())
    for name in sorted(names, key=lambda n: n in _LINKS):
        data = (STATIC / name).read_bytes()
        for other in _LINKS.get(name, ()):
            data = data.replace(f"{PREFIX}{other}".encode(), f"{PREFIX}{found[other].versioned}".encode())
        found[name] = _asset(name, data)
    return found


def _asset(name: str, data: bytes) -> Asset:
    digest = hashlib.sha256(data).hexdigest()[:12]
    stem, dot, suffix = name.rpartition(".")
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if suffix == "js":
        media = "text/javascript"
    bodies = {"identity": data}
    if name.endswith(COMPRESSIBLE):
        bodies["gzip"] = gzip.compress(data, 9, mtime=0)
        bodies["br"] = brotli.compress(data, quality=11)
    return Asset(name, f"{stem}.{digest}{dot}{suffix}", media, bodies)


def find(path: str) -> tuple[Asset, bool] | None:
    """The file a path under /static names, and whether the URL was the versioned one."""
    found = assets()
    if path in found:
        return found[path], False
    match = _VERSIONED.match(path)
    if match is None:
        return None
    asset = found.get(f"{match['stem']}{match['suffix']}")
    return (asset, True) if asset is not None and asset.etag == match["hash"] else None


def coding(accept_encoding: str, offered: dict[str, bytes]) -> str:
    """The smallest coding the client accepts (q > 0); identity when it accepts none of ours."""
    accepted: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        token, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if token:
            accepted[token] = quality
    usable = [c for c in ("br", "gzip") if c in offered and accepted.get(c, accepted.get("*", 0.0)) > 0]
    return min(usable, key=lambda c: len(offered[c])) if usable else "identity"


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",") if tag.strip()}


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI app mounted at /static."""
    if scope["method"] not in ("GET", "HEAD"):
        raise HTTPException(405, headers={"Allow": "GET, HEAD"})
    found = find(scope["path"].removeprefix(scope.get("root_path", "")).lstrip("/"))
    if found is None:
        raise HTTPException(404)
    asset, versioned = found
    await answer(asset, Headers(scope=scope), versioned=versioned)(scope, receive, send)


def answer(asset: Asset, asked: Headers, *, versioned: bool) -> Response:
    """The file in the smallest coding the client accepts, or 304 when its ETag is the client's."""
    chosen = coding(asked.get("accept-encoding", ""), asset.bodies)
    headers = {
        "Cache-Control": IMMUTABLE if versioned else STABLE,
        "ETag": f'"{asset.etag}"' if chosen == "identity" else f'"{asset.etag}-{chosen}"',
        "Vary": "Accept-Encoding",
    }
    known = {tag.split("-")[0] for tag in _etags(asked.get("if-none-match", ""))}
    if asset.etag in known or "*" in known:
        return Response(status_code=304, headers=headers)
    if chosen != "identity":
        headers["Content-Encoding"] = chosen
    return Response(asset.bodies[chosen], media_type=asset.media_type, headers=headers)

"""The simulated CRM's REST API: the generator's CRM customers behind cursor pagination.

    GET /customers?updated_since=<ISO time>&cursor=<opaque>&limit=<1..1000>
        -> 200 {"data": [...], "count": n, "next_cursor": "..."|null, "next": "/customers?..."|null}
    GET /customers/{id}
        -> 200 {record} | 404

Records are served in `(updated_at, id)` order; `updated_since` is inclusive; the
cursor (base64url of the last `updated_at|id` served, the format of the generator's
`next_cursor`) resumes strictly after that record. `CrmApi.handle` takes an API
Gateway proxy event (REST v1 or HTTP API v2) and returns a proxy response, so
the same code is the `crm_api` Lambda, an in-process API for the local
pipeline, and — through `serve` — an HTTP server on 127.0.0.1 for the demo.

Faults (`Faults`) make it behave like a real SaaS API on a bad day: 429 with
Retry-After, 5xx, slow answers, truncated bodies, a page served twice. They are
counted per request, so a run with the same faults fails the same way.

Standard library only: the Lambda zip carries no numpy or pyarrow.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from c360.json_text import loads

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

Record = dict[str, Any]
Response = dict[str, Any]


class BadRequest(ValueError):
    """A client error: answered with 400 and this message."""


def encode_cursor(updated_at: str, record_id: str) -> str:
    """Opaque continuation token (same format as the generator's `next_cursor`)."""
    raw = f"{updated_at}|{record_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(token: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest(f"cursor {token!r} is not valid") from None
    updated_at, sep, record_id = raw.partition("|")
    if not sep or not record_id:
        raise BadRequest(f"cursor {token!r} is not valid")
    return updated_at, record_id


def normalize_time(text: str) -> str:
    """An ISO-8601 time as the CRM writes it (`YYYY-MM-DDTHH:MM:SSZ`, UTC)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadRequest(f"updated_since {text!r} is not an ISO-8601 time") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Faults:
    """Injected misbehaviour; each `*_every` fault hits every N-th request (0 = off).

    Faults are checked in field order and at most one applies per request.
    `repeat_page` serves the N-th page of a listing twice: the first time its
    `next` link points back at the page itself.
    """

    rate_limit_every: int = 0
    retry_after_seconds: float = 1.0
    server_error_every: int = 0
    slow_every: int = 0
    slow_seconds: float = 2.0
    truncate_every: int = 0
    repeat_page: int = 0

    def __post_init__(self) -> None:
        for name in ("rate_limit_every", "server_error_every", "slow_every", "truncate_every"):
            value = getattr(self, name)
            if value == 1 or value < 0:
                raise ValueError(
                    f"Faults.{name} must be 0 (off) or >= 2, got {value}"
                    " (1 would fail every request forever)"
                )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Faults:
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(
                f"unknown CRM fault(s): {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(known))}"
            )
        return cls(**values)

    @classmethod
    def from_json(cls, text: str | None) -> Faults:
        """`C360_CRM_FAULTS` as JSON, e.g. `{"rate_limit_every": 3}`; empty → no faults."""
        return cls.from_mapping(json.loads(text)) if text and text.strip() else cls()


class CustomerStore:
    """The CRM's customers, kept in `(updated_at, id)` order; changeable for tests and demos."""

    def __init__(self, records: Iterable[Record] = ()) -> None:
        self._by_id: dict[str, Record] = {}
        self._lock = threading.Lock()
        self._order: list[tuple[str, str]] = []
        for record in records:
            self._by_id[str(record["id"])] = record
        self._reindex()

    @classmethod
    def from_pages(cls, folder: Path) -> CustomerStore:
        """Load the generator's `crm/customers/page-*.json` (or a folder holding them)."""
        pages = sorted(folder.glob("page-*.json"))
        if not pages:
            raise FileNotFoundError(f"crm: no page-*.json files in {folder}")
        records: list[Record] = []
        for page in pages:
            records.extend(loads(page.read_bytes())["data"])
        return cls(records)

    @classmethod
    def from_page_bodies(cls, bodies: Iterable[bytes]) -> CustomerStore:
        records: list[Record] = []
        for body in bodies:
            records.extend(loads(body)["data"])
        return cls(records)

    def _reindex(self) -> None:
        self._order = sorted((str(r["updated_at"]), key) for key, r in self._by_id.items())

    def upsert(self, record: Record) -> None:
        """Create or change a customer (the caller sets a newer `updated_at`)."""
        with self._lock:
            self._by_id[str(record["id"])] = record
            self._reindex()

    def get(self, record_id: str) -> Record | None:
        return self._by_id.get(record_id)

    def all(self) -> list[Record]:
        """Every current record, in `(updated_at, id)` order."""
        return [self._by_id[key] for _, key in self._order]

    def page(
        self, updated_since: str | None, after: tuple[str, str] | None, limit: int
    ) -> tuple[list[Record], bool]:
        """Up to `limit` records changed since `updated_since`, after `after`; more left?"""
        import bisect

        order = self._order
        start = 0
        if updated_since is not None:
            start = bisect.bisect_left(order, (updated_since, ""))
        if after is not None:
            start = max(start, bisect.bisect_right(order, after))
        chunk = order[start : start + limit]
        return [self._by_id[key] for _, key in chunk], start + limit < len(order)


class CrmApi:
    """The API: routes proxy events, applies faults, counts requests."""

    def __init__(
        self,
        store: CustomerStore,
        faults: Faults | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.faults = faults or Faults()
        self.sleep = sleep
        self.requests = 0
        self.faults_served: dict[str, int] = {}
        self._repeated: set[str] = set()
        self._lock = threading.Lock()

    # -- the Lambda entry -----------------------------------------------------------
    def handle(self, event: Mapping[str, Any]) -> Response:
        """API Gateway proxy event → proxy response."""
        method, path, query = _parse_event(event)
        with self._lock:
            self.requests += 1
            number = self.requests
        fault = self._fault_for(number)
        if fault == "rate_limit":
            return _response(
                429,
                {"error": "too many requests"},
                {"Retry-After": _seconds(self.faults.retry_after_seconds)},
            )
        if fault == "server_error":
            return _response(503 if number % 2 else 500, {"error": "upstream unavailable"})
        if fault == "slow":
            self.sleep(self.faults.slow_seconds)
        try:
            response = self._route(method, path, query)
        except BadRequest as exc:
            return _response(400, {"error": str(exc)})
        if fault == "truncate" and response["statusCode"] == 200:
            body = response["body"]
            response = {**response, "body": body[: max(1, len(body) // 2)]}
        return response

    def _fault_for(self, number: int) -> str | None:
        f = self.faults
        for name, every in (
            ("rate_limit", f.rate_limit_every),
            ("server_error", f.server_error_every),
            ("slow", f.slow_every),
            ("truncate", f.truncate_every),
        ):
            if every and number % every == 0:
                with self._lock:
                    self.faults_served[name] = self.faults_served.get(name, 0) + 1
                return name
        return None

    def _route(self, method: str, path: str, query: Mapping[str, str]) -> Response:
        parts = [p for p in path.split("/") if p]
        if parts[:1] != ["customers"] or len(parts) > 2:
            return _response(404, {"error": f"no route {path}"})
        if method != "GET":
            return _response(405, {"error": f"{method} not allowed"}, {"Allow": "GET"})
        if len(parts) == 2:
            record = self.store.get(parts[1])
            if record is None:
                return _response(404, {"error": f"customer {parts[1]} not found"})
            return _response(200, record)
        return self._list(query)

    def _list(self, query: Mapping[str, str]) -> Response:
        unknown = set(query) - {"updated_since", "cursor", "limit"}
        if unknown:
            raise BadRequest(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        since = normalize_time(query["updated_since"]) if query.get("updated_since") else None
        cursor = query.get("cursor") or None
        after = decode_cursor(cursor) if cursor else None
        try:
            limit = int(query.get("limit") or DEFAULT_LIMIT)
        except ValueError:
            raise BadRequest(f"limit {query.get('limit')!r} is not an integer") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
        records, more = self.store.page(since, after, limit)
        next_cursor = (
            encode_cursor(str(records[-1]["updated_at"]), str(records[-1]["id"]))
            if records and more
            else None
        )
        if next_cursor and self._repeat_now(since, after, limit):
            next_cursor = cursor or ""  # the same page again ("" = first page)
        next_link = None
        if next_cursor is not None:
            params = {
                k: v
                for k, v in (
                    ("updated_since", query.get("updated_since")),
                    ("cursor", next_cursor),
                    ("limit", str(limit)),
                )
                if v
            }
            next_link = "/customers" + ("?" + urlencode(params) if params else "")
        body = {
            "data": records,
            "count": len(records),
            "next_cursor": next_cursor,
            "next": next_link,
        }
        return _response(200, body)

    def _repeat_now(self, since: str | None, after: tuple[str, str] | None, limit: int) -> bool:
        """True once for the configured page number of a listing."""
        if not self.faults.repeat_page:
            return False
        before = 0
        if after is not None:
            before = sum(
                1
                for key in self.store._order
                if key <= after and (since is None or key[0] >= since)
            )
        page_number = before // limit + 1
        key = f"{since}|{after}|{limit}"
        with self._lock:
            if page_number != self.faults.repeat_page or key in self._repeated:
                return False
            self._repeated.add(key)
            self.faults_served["repeat"] = self.faults_served.get("repeat", 0) + 1
        return True


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def _parse_event(event: Mapping[str, Any]) -> tuple[str, str, dict[str, str]]:
    """(method, path, query) from an API Gateway REST (v1) or HTTP API (v2) proxy event."""
    http = (event.get("requestContext") or {}).get("http") or {}
    method = str(event.get("httpMethod") or http.get("method") or "GET").upper()
    path = str(event.get("rawPath") or event.get("path") or "/")
    query = {
        str(k): str(v)
        for k, v in (event.get("queryStringParameters") or {}).items()
        if v is not None
    }
    return method, path, query


def api_event(
    path: str, query: Mapping[str, str] | None = None, method: str = "GET"
) -> dict[str, Any]:
    """A REST (v1) proxy event, as API Gateway or a Lambda invoke would send it."""
    return {"httpMethod": method, "path": path, "queryStringParameters": dict(query or {}) or None}


# -- local HTTP server -----------------------------------------------------------------


class RunningServer:
    """A `CrmApi` behind `ThreadingHTTPServer` on 127.0.0.1; `stop()` (or `with`) ends it."""

    def __init__(self, api: CrmApi, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"the simulated CRM listens on loopback only, not {host!r}")
        self.api = api
        handler = _handler_class(api)
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="crm-api", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        port = self.httpd.server_address[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(api: CrmApi, port: int = 0) -> RunningServer:
    """Start the API on 127.0.0.1 (a free port by default)."""
    return RunningServer(api, port=port)


def _handler_class(api: CrmApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            split = urlsplit(self.path)
            event = api_event(split.path, dict(parse_qsl(split.query)))
            response = api.handle(event)
            body = response["body"].encode("utf-8")
            try:
                self.send_response(response["statusCode"])
                for name, value in response["headers"].items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a slow-response fault): nothing to answer

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    return Handler


def api_from_environment(env: Mapping[str, str], read: Callable[[str], Iterable[bytes]]) -> CrmApi:
    """The Lambda's API: pages from `C360_CRM_DATA_URI` (read by `read`), faults from
    `C360_CRM_FAULTS`."""
    uri = env.get("C360_CRM_DATA_URI")
    if not uri:
        raise ValueError(
            "C360_CRM_DATA_URI is not set: where the CRM's customer pages live "
            "(s3://bucket/prefix/ or a folder with page-*.json)"
        )
    return CrmApi(
        CustomerStore.from_page_bodies(read(uri)), Faults.from_json(env.get("C360_CRM_FAULTS"))
    )

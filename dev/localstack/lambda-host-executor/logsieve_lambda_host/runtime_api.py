"""The Lambda Runtime API (2018-06-01) served on 127.0.0.1 for one execution environment.

The runtime client polls ``GET /runtime/invocation/next``; the executor hands it one invocation at
a time and waits for ``…/{id}/response`` or ``…/{id}/error``. ``POST /runtime/init/error`` reports a
failed init. Every accepted socket gets TCP_NODELAY: without it Nagle's algorithm and delayed ACKs
add some 40 ms to every small response (warm p50 95 ms instead of 40 ms here).
"""

import json
import queue
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"
# A request body larger than this is refused (Lambda's own limit on a response is 6 MB).
MAX_BODY_BYTES = 16 * 1024 * 1024


@dataclass
class PendingInvocation:
    """One invocation handed to the runtime; `done` is set by its response, its error, or the runtime's exit."""

    request_id: str
    payload: bytes
    invoked_function_arn: str
    trace_id: str
    deadline_ms: int
    done: threading.Event = field(default_factory=threading.Event)
    result: bytes | None = None
    is_error: bool = False
    # The runtime said it exits after this error (uncaught exception): it is replaced before the next invoke.
    runtime_exiting: bool = False
    exit_status: str | None = None


class RuntimeSession:
    """What one runtime process sees: its queue of invocations and whether its init finished."""

    def __init__(self) -> None:
        self.invocations: "queue.Queue[PendingInvocation | None]" = queue.Queue(maxsize=1)
        self.ready = threading.Event()
        self.init_error: bytes | None = None
        self.closed = False

    def close(self) -> None:
        """Wakes a blocked /next (its runtime is gone) and any waiter on the init."""
        self.closed = True
        self.ready.set()
        try:
            self.invocations.put_nowait(None)
        except queue.Full:
            pass


class RuntimeApiServer:
    """A threaded HTTP server on 127.0.0.1:<free port>; `session` is replaced for every new runtime process."""

    def __init__(self) -> None:
        self.session = RuntimeSession()
        self.current: PendingInvocation | None = None
        self._lock = threading.Lock()
        api = self

        class Handler(_RuntimeApiHandler):
            server_api = api

        self._server = _NoDelayServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="host-node-runtime-api", daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def new_session(self) -> RuntimeSession:
        with self._lock:
            self.session.close()
            self.session = RuntimeSession()
            return self.session

    def enqueue(self, invocation: PendingInvocation) -> None:
        with self._lock:
            self.current = invocation
            if not self.session.closed:
                try:
                    self.session.invocations.put_nowait(invocation)
                    return
                except queue.Full:
                    pass
            # The runtime ended just before the hand-over (its session is closed): nothing will answer.
            invocation.exit_status = invocation.exit_status or "runtime ended before the invocation"
            invocation.done.set()

    def complete(self, request_id: str, body: bytes, is_error: bool, exiting: bool) -> bool:
        with self._lock:
            invocation = self.current
            if invocation is None or invocation.request_id != request_id or invocation.done.is_set():
                return False
            invocation.result = body
            invocation.is_error = is_error
            invocation.runtime_exiting = exiting
            invocation.done.set()
            return True

    def abort_current(self, exit_status: str) -> None:
        """The runtime process ended: the invocation it held (if any) ends with Runtime.ExitError."""
        with self._lock:
            invocation = self.current
            if invocation is not None and not invocation.done.is_set():
                invocation.exit_status = exit_status
                invocation.done.set()

    def shutdown(self) -> None:
        self.session.close()
        self._server.shutdown()
        self._server.server_close()


class _NoDelayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A runtime killed (timeout, crash, stop) while its connection was open: nothing to report.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def get_request(self):
        conn, addr = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, addr


class _RuntimeApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_api: RuntimeApiServer

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:
        if self.path != f"{PREFIX}/invocation/next":
            return self._reply(HTTPStatus.NOT_FOUND, {"errorMessage": f"no route {self.path}"})
        session = self.server_api.session
        # The first /next of a runtime means its init is done.
        session.ready.set()
        invocation = session.invocations.get()
        if invocation is None:
            # This runtime is being replaced or stopped; it gets no more work.
            return self._reply(HTTPStatus.GONE, {"errorMessage": "runtime is shutting down"})
        headers = {
            "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
            "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": invocation.invoked_function_arn,
            "Lambda-Runtime-Trace-Id": invocation.trace_id,
        }
        self._send(HTTPStatus.OK, invocation.payload, headers)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            return self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"errorMessage": f"body over {MAX_BODY_BYTES} bytes"})
        body = self.rfile.read(length) if length else b""
        parts = self.path.removeprefix(PREFIX).strip("/").split("/")
        if parts == ["init", "error"]:
            session = self.server_api.session
            session.init_error = body or b'{"errorType":"Runtime.Unknown","errorMessage":"init failed"}'
            session.ready.set()
            return self._reply(HTTPStatus.ACCEPTED, {"status": "OK"})
        if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
            exiting = self.headers.get("X-Host-Executor-Runtime-Exiting") == "1"
            if self.server_api.complete(parts[1], body, parts[2] == "error", exiting):
                return self._reply(HTTPStatus.ACCEPTED, {"status": "OK"})
            return self._reply(HTTPStatus.BAD_REQUEST, {"errorMessage": f"no invocation {parts[1]} in progress"})
        self._reply(HTTPStatus.NOT_FOUND, {"errorMessage": f"no route {self.path}"})

    def _reply(self, status: HTTPStatus, body: dict) -> None:
        self._send(status, json.dumps(body).encode(), {"Content-Type": "application/json"})

    def _send(self, status: HTTPStatus, body: bytes, headers: dict[str, str]) -> None:
        # Status line, headers and body in one write: one segment for a small response.
        lines = [f"HTTP/1.1 {status.value} {status.phrase}", f"Content-Length: {len(body)}", f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime())}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

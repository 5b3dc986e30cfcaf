"""LocalStack RuntimeExecutor that runs a Node.js function as a process on the host.

One executor is one execution environment: a Runtime API server on 127.0.0.1 and one `node`
process running runtime_client.mjs, which imports the handler from the unzipped code. The
executor enforces the timeout (kills the process group, `Task timed out after N.NN seconds`),
replaces a runtime that crashed or timed out before the next invocation, and returns each
invocation's output as its logs, which LocalStack writes to CloudWatch Logs.

Not like AWS: the host's Node.js runs whatever `nodejs*` runtime the function names, as the
user LocalStack runs as, on the host's architecture, with no memory limit; no layers, no
extensions, no container images.
"""

import json
import logging
import os
import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from localstack import config
from localstack.services.lambda_.invocation.executor_endpoint import StatusErrorException
from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.runtime_executor import LambdaRuntimeException, RuntimeExecutor

from logsieve_lambda_host.node_runtime import NodeRuntime
from logsieve_lambda_host.runtime_api import PendingInvocation, RuntimeApiServer

LOG = logging.getLogger(__name__)

# Node.js binary: LOGSIEVE_LAMBDA_NODE, else `node` on the PATH.
NODE_ENV = "LOGSIEVE_LAMBDA_NODE"
# Bound on reading the rest of an invocation's output after its response arrived.
LOG_DRAIN_SECONDS = 2.0


def node_binary() -> str | None:
    return os.environ.get(NODE_ENV) or shutil.which("node")


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _error_payload(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


class HostNodeRuntimeExecutor(RuntimeExecutor):
    def __init__(self, id: str, function_version: FunctionVersion) -> None:
        super().__init__(id=id, function_version=function_version)
        self._api: RuntimeApiServer | None = None
        self._runtime: NodeRuntime | None = None
        self._env: dict[str, str] = {}
        self._invoke_lock = threading.Lock()
        self._stopped = threading.Event()
        self._init_ms: float | None = None
        self._history: list[str] = []

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, env_vars: dict[str, str]) -> None:
        self._api = RuntimeApiServer()
        code_dir = str(self.function_version.config.code.get_unzipped_code_location())
        env = {k: str(v) for k, v in env_vars.items()}
        env.update(
            {
                "AWS_LAMBDA_RUNTIME_API": self._api.address,
                "LAMBDA_TASK_ROOT": code_dir,
                "LAMBDA_RUNTIME_DIR": os.path.dirname(__file__),
            }
        )
        env.setdefault("PATH", os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"))
        env.setdefault("LANG", "C.UTF-8")
        self._env = env
        self._code_dir = code_dir
        error = self._spawn()
        if error is not None:
            payload, lines = error
            self._history.extend(lines)
            raise StatusErrorException("Environment startup failed", payload=payload)

    def stop(self) -> None:
        self._stopped.set()
        runtime, self._runtime = self._runtime, None
        if self._api:
            self._api.session.close()
            self._api.abort_current("stopped")
        if runtime:
            runtime.kill()
            self._history.extend(runtime.log.history)
        if self._api:
            self._api.shutdown()

    # -- invocations -----------------------------------------------------------------------

    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        request_id = payload["invoke-id"]
        with self._invoke_lock:
            if self._stopped.is_set():
                raise LambdaRuntimeException(f"executor {self.id} is stopped")
            runtime = self._runtime
            if runtime is None or not runtime.alive:
                # The last runtime crashed or timed out: a fresh one, with its own init.
                error = self._spawn()
                if error is not None:
                    body, lines = error
                    return InvocationResult(request_id, body, is_error=True, logs="\n".join(lines) + "\n")
                runtime = self._runtime
            return self._invoke_on(runtime, payload)

    def _invoke_on(self, runtime: NodeRuntime, payload: dict[str, str]) -> InvocationResult:
        request_id = payload["invoke-id"]
        timeout = float(self.function_version.config.timeout)
        init_lines = runtime.log.take()
        started = time.monotonic()
        invocation = PendingInvocation(
            request_id=request_id,
            payload=payload["payload"].encode() if isinstance(payload["payload"], str) else payload["payload"],
            invoked_function_arn=payload["invoked-function-arn"],
            trace_id=payload.get("trace-id") or "",
            deadline_ms=int(time.time() * 1000 + timeout * 1000),
        )
        self._api.enqueue(invocation)
        if not runtime.alive:
            # It ended between the check and the hand-over: its exit callback found nothing to abort.
            self._api.abort_current(runtime.exit_status or "exit status unknown")
        finished = invocation.done.wait(timeout)
        duration_ms = (time.monotonic() - started) * 1000
        max_rss = runtime.max_rss_mib()

        if not finished:
            runtime.kill()
            body = _error_payload("Sandbox.Timedout", f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds")
            tail = [f"{_now_iso()} {request_id} Task timed out after {timeout:.2f} seconds"]
        elif invocation.exit_status is not None:
            runtime.wait_exit(LOG_DRAIN_SECONDS)
            message = f"RequestId: {request_id} Error: Runtime exited with error: {invocation.exit_status}"
            body = _error_payload("Runtime.ExitError", message)
            tail = [message]
        else:
            runtime.log.wait_mark(request_id, LOG_DRAIN_SECONDS)
            body = invocation.result or b"null"
            tail = []
            if invocation.runtime_exiting:
                # An uncaught exception: the runtime exits after reporting it; the next invoke gets a new one.
                runtime.wait_exit(LOG_DRAIN_SECONDS)
                runtime.kill()
        self._api.current = None
        is_error = invocation.is_error or not finished or invocation.exit_status is not None
        logs = [
            *init_lines,
            f"START RequestId: {request_id} Version: {self.function_version.id.qualifier}",
            *runtime.log.take(),
            *tail,
            f"END RequestId: {request_id}",
            self._report(request_id, duration_ms, max_rss),
        ]
        return InvocationResult(request_id, body, is_error=is_error, logs="\n".join(logs) + "\n")

    def _report(self, request_id: str, duration_ms: float, max_rss: int | None) -> str:
        parts = [
            f"REPORT RequestId: {request_id}",
            f"Duration: {duration_ms:.2f} ms",
            f"Billed Duration: {int(duration_ms) + 1} ms",
            f"Memory Size: {self.function_version.config.memory_size} MB",
            f"Max Memory Used: {max_rss if max_rss is not None else '?'} MB",
        ]
        if self._init_ms is not None:
            parts.append(f"Init Duration: {self._init_ms:.2f} ms")
            self._init_ms = None
        return "\t".join(parts)

    def _spawn(self) -> tuple[bytes, list[str]] | None:
        """Starts a runtime and waits for its init: None when it polls for work, else (error payload, log lines)."""
        node = node_binary()
        if node is None:
            return _error_payload("Runtime.InvalidEntrypoint", f"no node binary: set {NODE_ENV} or put node on the PATH"), []
        session = self._api.new_session()
        started = time.monotonic()
        api = self._api

        def on_exit(status: str) -> None:
            # Ends the invocation it held (Runtime.ExitError) and wakes a wait for its init.
            api.abort_current(status)
            session.close()

        runtime = NodeRuntime(node, self._code_dir, self._env, on_exit=on_exit)
        self._runtime = runtime
        # Woken by the first /next, by /init/error, or by the process ending (on_exit).
        session.ready.wait(config.LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT)
        if session.init_error is None and not session.closed and session.ready.is_set():
            self._init_ms = (time.monotonic() - started) * 1000
            LOG.debug("host-node runtime %s of %s ready in %.0f ms", runtime.pid, self.function_version.qualified_arn, self._init_ms)
            return None
        # Init failed, the process died, or it never polled: no runtime left behind either way.
        init_error = session.init_error
        runtime.wait_exit(LOG_DRAIN_SECONDS if init_error else 0)
        runtime.kill()
        self._runtime = None
        lines = runtime.log.take()
        if init_error is not None:
            return init_error, lines
        if self._stopped.is_set():
            return _error_payload("Runtime.Stopped", "the execution environment was stopped during init"), lines
        if runtime.exit_status and runtime.exit_status != "signal: killed":
            return _error_payload("Runtime.ExitError", f"Runtime exited with error: {runtime.exit_status}"), lines
        return _error_payload("Runtime.InitTimeout", f"the runtime did not start within {config.LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT} s"), lines

    # -- what LocalStack asks about --------------------------------------------------------

    def get_address(self) -> str:
        return "127.0.0.1"

    def get_endpoint_from_executor(self) -> str:
        host = config.GATEWAY_LISTEN[0].host
        return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host

    def get_runtime_endpoint(self) -> str:
        return f"http://{self.get_endpoint_from_executor()}:{config.GATEWAY_LISTEN[0].port}/_localstack_lambda/{self.id}"

    def get_logs(self) -> str:
        lines = list(self._history)
        if self._runtime:
            lines += list(self._runtime.log.history)
        return "\n".join(lines)

    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        runtime = function_version.config.runtime or ""
        if not runtime.startswith("nodejs"):
            raise LambdaRuntimeException(
                f"the host-node executor runs Node.js zip functions only, not {runtime or 'container images'}"
            )
        if function_version.config.layers:
            raise LambdaRuntimeException("the host-node executor does not support layers")
        if node_binary() is None:
            raise LambdaRuntimeException(f"no node binary: set {NODE_ENV} or put node on the PATH")
        function_version.config.code.prepare_for_execution()
        code_dir = Path(function_version.config.code.get_unzipped_code_location())
        outer = next((p for p in code_dir.parents if (p / "package.json").is_file()), None)
        if outer is not None and not (code_dir / "package.json").is_file():
            # Node.js would take it for the function's own ("type" decides ESM or CommonJS for .js).
            LOG.warning("host-node: %s has a package.json above it (%s); AWS's /var/task has none", code_dir, outer)

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        pass

    @classmethod
    def validate_environment(cls) -> bool:
        if node_binary() is None:
            LOG.warning("host-node Lambda executor: no node binary (set %s or put node on the PATH)", NODE_ENV)
            return False
        return True

"""One runtime process: `node runtime_client.mjs` in its own process group, its output as log lines."""

import collections
import os
import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

CLIENT = Path(__file__).with_name("runtime_client.mjs")
# The client writes this after each invocation's output (stdout and stderr share one pipe), so the
# executor knows every line of that invocation has been read before it hands the logs over.
END_MARK = "\x1eLOGSIEVE_HOST_END "
# Bound on one invocation's captured output; lines beyond it are counted and dropped.
MAX_INVOCATION_LOG_BYTES = 4 * 1024 * 1024
# Bound on the lines kept for get_logs() (LocalStack prints them when a start fails).
HISTORY_LINES = 2000
# Bound on reading one line: a longer one arrives as several lines.
READ_CHUNK = 256 * 1024


class InvocationLog:
    """Lines read from the runtime since the last take(), at most MAX_INVOCATION_LOG_BYTES."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._lines: list[str] = []
        self._bytes = 0
        self._dropped_lines = 0
        self._dropped_bytes = 0
        self._marks: set[str] = set()
        self.history: "collections.deque[str]" = collections.deque(maxlen=HISTORY_LINES)
        self.closed = False

    def add(self, line: str) -> None:
        with self._cond:
            if line.startswith(END_MARK):
                self._marks.add(line[len(END_MARK):].strip("\x1e"))
                self._cond.notify_all()
                return
            if not line:
                # CloudWatch Logs takes no empty events (the end mark starts with a newline, too).
                return
            self.history.append(line)
            size = len(line) + 1
            if self._bytes + size > MAX_INVOCATION_LOG_BYTES:
                self._dropped_lines += 1
                self._dropped_bytes += size
                return
            self._lines.append(line)
            self._bytes += size

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait_mark(self, request_id: str, timeout: float) -> bool:
        """True once the client's end mark for `request_id` was read (or the pipe closed) within `timeout`."""
        with self._cond:
            ok = self._cond.wait_for(lambda: request_id in self._marks or self.closed, timeout)
            self._marks.discard(request_id)
            return ok

    def take(self) -> list[str]:
        with self._cond:
            lines = self._lines
            if self._dropped_lines:
                lines.append(
                    f"[host-node] {self._dropped_lines} lines ({self._dropped_bytes} bytes) of output dropped: "
                    f"more than {MAX_INVOCATION_LOG_BYTES} bytes in one invocation"
                )
            self._lines, self._bytes, self._dropped_lines, self._dropped_bytes = [], 0, 0, 0
            return lines


class NodeRuntime:
    """Spawns the runtime client; `on_exit(status)` runs once when the process has ended."""

    def __init__(self, node: str, code_dir: str, env: dict[str, str], on_exit: Callable[[str], None]) -> None:
        self.log = InvocationLog()
        self.exit_status: str | None = None
        self._exited = threading.Event()
        # Own session and process group: a kill reaches whatever the handler spawned too. The client
        # exits (and kills its group) when its stdin closes or its parent changes, so killing
        # LocalStack leaves nothing behind.
        self._proc = subprocess.Popen(
            [node, str(CLIENT)],
            cwd=code_dir,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
        self.pid = self._proc.pid
        self._on_exit = on_exit
        self._reader = threading.Thread(target=self._read, name=f"host-node-log-{self.pid}", daemon=True)
        self._reader.start()

    @property
    def alive(self) -> bool:
        return not self._exited.is_set()

    def wait_exit(self, timeout: float) -> bool:
        return self._exited.wait(timeout)

    def max_rss_mib(self) -> int | None:
        """Peak resident set of the node process (VmHWM), for the REPORT line."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
        except (OSError, ValueError):
            return None
        return None

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if self._proc.stdin:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
        self._exited.wait(5)

    def _read(self) -> None:
        stream = self._proc.stdout
        pending = b""
        try:
            while chunk := stream.readline(READ_CHUNK):
                if not chunk.endswith(b"\n") and len(chunk) < READ_CHUNK:
                    pending += chunk
                    continue
                line = (pending + chunk).rstrip(b"\r\n").decode("utf-8", "replace")
                pending = b""
                self.log.add(line)
            if pending:
                self.log.add(pending.decode("utf-8", "replace"))
        finally:
            code = self._proc.wait()
            # The whole group goes with the client: nothing the handler started outlives it.
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.exit_status = f"signal: {signal.Signals(-code).name.removeprefix('SIG').lower()}" if code < 0 else f"exit status {code}"
            self.log.close()
            self._exited.set()
            self._on_exit(self.exit_status)

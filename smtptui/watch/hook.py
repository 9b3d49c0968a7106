"""`--on-change CMD`: run a command per state change, no shell, the change as JSON on
its stdin. Bounded: a few at once (more are dropped, said on stderr), each killed after
a timeout, and all killed (their whole process group) when the watch ends."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys

HOOK_TIMEOUT = 30.0
MAX_RUNNING = 4


class ChangeHook:
    def __init__(self, argv: list[str], *, timeout: float = HOOK_TIMEOUT,
                 max_running: int = MAX_RUNNING) -> None:
        self.argv = argv
        self.timeout = timeout
        self.max_running = max_running
        self._tasks: set[asyncio.Task[None]] = set()
        self._procs: set[asyncio.subprocess.Process] = set()

    def fire(self, payload: bytes) -> None:
        if len(self._tasks) >= self.max_running:
            _say(f"--on-change: {self.max_running} still running; this change not passed on")
            return
        task = asyncio.create_task(self._run(payload))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, payload: bytes) -> None:
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.argv, stdin=asyncio.subprocess.PIPE, stdout=sys.stderr.fileno(),
                start_new_session=True)
        except OSError as exc:
            _say(f"--on-change: cannot run {self.argv[0]}: {exc.strerror}")
            return
        self._procs.add(proc)
        try:
            await asyncio.wait_for(proc.communicate(payload), self.timeout)
        except TimeoutError:
            _say(f"--on-change: {self.argv[0]} still running after {self.timeout:g} s; killed")
        finally:
            _kill(proc)
            await proc.wait()
            self._procs.discard(proc)
        if proc.returncode not in (0, -signal.SIGKILL):
            _say(f"--on-change: {self.argv[0]} exited with {proc.returncode}")

    async def wait(self) -> None:
        """Let running hooks finish (each within its timeout)."""
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        """Kill whatever is still running."""
        for proc in list(self._procs):
            _kill(proc)
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


def _say(text: str) -> None:
    print(f"smtptui watch: {text}", file=sys.stderr, flush=True)

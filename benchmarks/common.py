"""What the benchmarks share: a sandbox in its own process, one way to time a step (``measure``,
in milliseconds), its median and p99, and the pyperf runner of the micro-benchmarks."""

from __future__ import annotations

import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pyperf  # type: ignore[import-untyped]


@contextmanager
def sandbox_process() -> Iterator[str]:
    """Run ``levelup-pos sandbox`` on a free loopback port; yield its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    command = [str(Path(sys.executable).with_name("levelup-pos")), "sandbox", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{url}/sandbox/seed", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("the sandbox did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)


def measure(step: Callable[[], object], rounds: int, warmup: int = 100) -> list[float]:
    """Milliseconds per call of ``step``, sorted."""
    for _ in range(warmup):
        step()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        step()
        samples.append((time.perf_counter() - start) * 1000)
    return sorted(samples)


def interleaved(
    steps: dict[str, Callable[[], object]], rounds: int, warmup: int = 100
) -> dict[str, list[float]]:
    """Milliseconds per call of each of ``steps``, sorted, called in turn (one of each per
    round) so that every step meets the same conditions as the others."""
    for _ in range(warmup):
        for step in steps.values():
            step()
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: sorted(values) for name, values in samples.items()}


def p50(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def p99(samples: Sequence[float]) -> float:
    """The 99th percentile of ``samples`` (``statistics.quantiles``, inclusive: never outside
    what was measured; the one sample of a single one)."""
    if len(samples) < 2:
        return max(samples)
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def pyperf_runner(module: str) -> Any:
    """A ``pyperf.Runner`` whose worker processes run ``python -m MODULE``, as the benchmark
    itself was started (from the repository root). pyperf's own options apply: ``--fast``,
    ``--rigorous``, ``-o FILE``, ``--help``."""
    return pyperf.Runner(program_args=("-m", module))

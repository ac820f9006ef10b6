"""What a fleet tool waits for: ``levelup-pos status --json`` against a register on the
sandbox, ``drain`` of a set-up register idle at its sign-in (SIGTERM to exit), and ``backup``
then ``restore`` of a journal of a few hundred checks. Each a real ``levelup-pos`` process.

Run from the repository root: ``.venv/bin/python -m benchmarks.fleet [ROUNDS]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import p50, p99, sandbox_process

SCRIPT = str(Path(sys.executable).with_name("levelup-pos"))
PASSPHRASE = "benchmark passphrase"


def run(env: dict[str, str], *args: str) -> float:
    """Seconds ``levelup-pos ARGS`` took (it must succeed)."""
    start = time.perf_counter()
    subprocess.run([SCRIPT, *args], env=env, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - start


def drain_once(env: dict[str, str], data: Path) -> float:
    """Start the window, wait for it to be up, and time ``drain`` until it has exited."""
    log = data / "logs" / "levelup-pos.log"
    ups = log.read_text().count("window is up") if log.exists() else 0
    window = subprocess.Popen([SCRIPT, "--data-dir", str(data)], env=env, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (log.exists() and log.read_text().count("window is up") > ups):
            if time.monotonic() > deadline or window.poll() is not None:
                raise SystemExit("the register window did not come up")
            time.sleep(0.05)
        time.sleep(0.5)  # the sign-in dialog is open
        took = run(env, "drain", "--data-dir", str(data))
        if window.wait(timeout=5) != 0:
            raise SystemExit("the drained register did not exit cleanly")
        return took
    finally:
        window.kill()
        window.wait()


def main(rounds: int) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="fleet-bench-"))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(scratch / "config"),
        "LEVELUP_POS_BACKUP_PASSPHRASE": PASSPHRASE,
    }
    data = scratch / "register"
    with sandbox_process() as url:
        demo = ["demo", "--headless", "--checks", "300", "--sandbox-url", url]
        built = run(env, *demo, "--data-dir", str(data))
        print(f"journal of 300 checks built in {built:.1f} s")
        status = sorted(
            run(env, "status", "--json", "--data-dir", str(data)) for _ in range(rounds)
        )
        print(f"status --json ({rounds} runs): median {p50(status):.2f} s, p99 {p99(status):.2f} s")
        backups, restores = [], []
        for index in range(rounds):
            target = scratch / f"backup-{index}"
            backups.append(run(env, "backup", str(target), "--data-dir", str(data)))
            restore_env = {**env, "XDG_CONFIG_HOME": str(scratch / f"other-{index}")}
            restores.append(
                run(restore_env, "restore", str(target), "--data-dir", str(scratch / f"r{index}"))
            )
        size = (scratch / "backup-0").stat().st_size
        print(
            f"backup ({size:,} bytes): median {p50(sorted(backups)):.2f} s, p99 "
            f"{p99(sorted(backups)):.2f} s; restore: median {p50(sorted(restores)):.2f} s, "
            f"p99 {p99(sorted(restores)):.2f} s"
        )
        run(env, "config", "set", "levelup.demo", "false", "--data-dir", str(data))
        drains = sorted(drain_once(env, data) for _ in range(rounds))
        print(
            f"drain of a register at its sign-in ({rounds} runs): median {p50(drains):.2f} s, "
            f"p99 {p99(drains):.2f} s"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)

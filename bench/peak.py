"""A Python command's wall time and peak memory, in a process of its own.

The peak is the child's own high-water mark of resident memory (VmHWM, read from
/proc/self/status as it exits). Not the maximum resident set size that wait4 reports:
Linux carries that over from the parent across fork and exec, so a child of a large
process (pytest, say) would seem to peak at its parent's size.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs the script given after the peak file's name, then writes VmHWM (KB) there.
LAUNCHER = """
import atexit, runpy, sys

peak_file = sys.argv.pop(1)


def write_peak():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    with open(peak_file, "w") as out:
        out.write(line.split()[1])


atexit.register(write_peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run(script: Path, *args: str, env: dict | None = None) -> tuple[float, float]:
    """Run `script` with `args` under this Python: (seconds, peak MB). Raises
    CalledProcessError if it fails."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        command = [sys.executable, "-c", LAUNCHER, peak.name, str(script), *args]
        started = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        seconds = time.perf_counter() - started
        return seconds, int(Path(peak.name).read_text()) / 1024


if __name__ == "__main__":  # python bench/peak.py manage.py check
    seconds, peak_mb = run(Path(sys.argv[1]), *sys.argv[2:], env=dict(os.environ))
    print(f"{seconds:.1f} s, {peak_mb:.0f} MB")

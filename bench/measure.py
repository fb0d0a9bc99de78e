"""Measuring a command in a child process: wall time, CPU time (user + sys)
and peak resident memory of that run alone, with the machine's load.

The command runs under a small launcher process (`python -m bench.measure
FIGURES CMD...`, this module), which times it and takes its rusage from
wait4: CPU time (user + sys, the same as the delta of the launcher's
getrusage(RUSAGE_CHILDREN), so it includes the worker processes the command
started and waited for) and peak memory (ru_maxrss: the largest resident set
of the command or of a process it waited for, a worker; not their sum).
Why a launcher: a process started by a large one (the bench, pytest) begins
with its parent's resident set as its high-water mark, which exec keeps, so
a one-abstract build started from the bench would report the bench's memory.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    wall: float          # seconds
    cpu: float           # seconds, user + sys of the child and its waited-for children
    peak_mb: float       # ru_maxrss of the child or its largest waited-for child
    load: float          # 1-minute load average when the run began
    load_after: float
    stdout: str = ""

    def figures(self) -> dict:
        d = asdict(self)
        d.pop("stdout")
        return {k: round(v, 4) for k, v in d.items()}


def load() -> float:
    return os.getloadavg()[0]


def run(cmd: list[str], cwd: Path = ROOT) -> Run:
    """Run `cmd` to its end; RuntimeError with the end of its stderr if it fails."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        figures, out, err = Path(tmp) / "run.json", Path(tmp) / "stdout", Path(tmp) / "stderr"
        l0 = load()
        with open(out, "wb") as o, open(err, "wb") as e:
            proc = subprocess.run([sys.executable, "-m", "bench.measure", str(figures), *map(str, cmd)],
                                  cwd=cwd, stdin=subprocess.DEVNULL, stdout=o, stderr=e)
        stdout, stderr = out.read_text(errors="replace"), err.read_text(errors="replace")
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{stderr[-3000:]}")
        f = json.loads(figures.read_text())
    return Run(f["wall"], f["cpu"], f["peak_mb"], l0, load(), stdout)


def _launch(figures: Path, cmd: list[str]) -> int:
    """Run `cmd` from this small process; its wall, CPU and peak RSS into `figures`."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    figures.write_text(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                                   "peak_mb": usage.ru_maxrss / 1024}))
    return proc.returncode


def median_run(runs: list[Run]) -> dict:
    """The medians of wall and CPU (each on its own), the largest peak, the
    loads seen."""
    return {"wall": round(statistics.median(r.wall for r in runs), 4),
            "cpu": round(statistics.median(r.cpu for r in runs), 4),
            "peak_mb": round(max(r.peak_mb for r in runs), 1),
            "walls": [round(r.wall, 3) for r in runs], "cpus": [round(r.cpu, 3) for r in runs],
            "loads": [round(r.load, 2) for r in runs] + [round(runs[-1].load_after, 2)]}


if __name__ == "__main__":
    sys.exit(_launch(Path(sys.argv[1]), sys.argv[2:]))

"""`make demo` runs examples/tour.py: it must run cleanly and print the seeds' values."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOUR = ROOT / "examples" / "tour.py"


def test_tour_runs_and_prints_the_seed_values():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # also without an installed jaxlite
    out = subprocess.run(
        [sys.executable, str(TOUR)], capture_output=True, text=True, timeout=300, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no warnings: JAX computes inf/nan silently
    lines = out.stdout.splitlines()
    assert "(Array(1.68, dtype=float32), Array(1.08, dtype=float32))" in lines
    assert "ERROR! can't apply forward-mode autodiff (jvp) to a custom_vjp function." in lines
    assert lines[-4:] == [
        "1.4142135",
        "[1.        1.4142135 1.7320509 2.       ]",
        "0.35355338",
        "-0.088388346",
    ]

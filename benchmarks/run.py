"""Benchmarks: jaxlite against NumPy by hand, JAX, autograd and PyTorch (`make bench`).

Every cell is the median time of one call; results are checked against the NumPy-by-hand
reference before timing. Columns for libraries that are not installed print "n/a".

    python benchmarks/run.py            # everything (about a minute or two)
    python benchmarks/run.py --quick    # shorter timing budget per cell
    python benchmarks/run.py --only mlp # workload families whose name contains "mlp"
    python benchmarks/run.py --cpu-time # process CPU time instead of wall time (busy machine)
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings

# One compute thread everywhere (NumPy's BLAS, PyTorch, XLA): the workloads are small, the
# ratios are about per-call overhead, and threaded BLAS on a busy machine times the scheduler.
# Set these variables yourself to override.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault(
    "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
)

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.append(os.path.dirname(_HERE))  # the checkout, when jaxlite is not installed

import _harness  # noqa: E402
import _libs  # noqa: E402
import chain  # noqa: E402
import elementwise  # noqa: E402
import fixed_point_scaling  # noqa: E402
import mlp  # noqa: E402
import numpy as np  # noqa: E402
import pending  # noqa: E402

FAMILIES = {
    "elementwise": elementwise.run,
    "mlp": mlp.run,
    "chain": chain.run,
    "pending": pending.run,
    "fixed_point scaling (implicit vs unrolled, jit(grad), time and peak memory)": (
        fixed_point_scaling.run
    ),
}

TARGETS = """\
targets (jaxlite): eager elementwise n=100 <= 2.5x NumPy; eager grad MLP <= 1.5x NumPy by hand;
  jit(grad) MLP <= 1.1x NumPy by hand; first call of jit(grad(chain200)) <= 12 ms;
  eager grad of the chain >= 10x faster than JAX eager (jl/jax <= 0.1)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timing budget per cell")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time with time.process_time (CPU time of this process) instead of wall time",
    )
    parser.add_argument("--only", default="", help="run families whose name contains this")
    args = parser.parse_args(argv)
    if args.quick:
        _harness.SETTINGS.budget = 0.15
        _harness.SETTINGS.min_repeats = 3

    if args.cpu_time:
        _harness.SETTINGS.clock = time.process_time
    start = time.perf_counter()
    libs = _libs.load()
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} cpus (load average {os.getloadavg()[0]:.1f}), "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}"
    )
    for name in ("jaxlite", "jax", "autograd", "torch"):
        version = libs.versions.get(name)
        print(f"  {name}: {version if version else 'n/a (' + libs.missing.get(name, '') + ')'}")
    if libs.jaxlite is not None and libs.jlnp is None:
        print(f"  jaxlite.numpy: missing ({libs.missing.get('jaxlite')})")
    print()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for family, run in FAMILIES.items():
            if args.only and args.only not in family:
                continue
            print(f"[{family}]", flush=True)
            run(libs)

    report = _harness.REPORT
    print()
    clock = "CPU time (process_time)" if args.cpu_time else "wall time"
    print(f"median {clock} per call; jl/X = jaxlite time / X time (below 1x: jaxlite faster)")
    _harness.print_table(report.rows)
    print()
    print(TARGETS)
    notes = [f"{r.name}: {r.note}" for r in report.rows if r.note]
    if notes or report.notes:
        print("\nnotes:")
        for line in notes + report.notes:
            print(f"  {line}")
    if report.wrong:
        print("\nWRONG RESULTS (not timed):")
        for line in report.wrong:
            print(f"  {line}")
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return 1 if report.wrong else 0


if __name__ == "__main__":
    sys.exit(main())

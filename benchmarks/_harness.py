"""Timing, correctness checks and the results table shared by the benchmark workloads.

Every workload row compares one computation across implementations. Each implementation is
a zero-argument callable (inputs converted beforehand, so conversion is not timed) that
returns its result; the harness checks the result against the NumPy-by-hand reference with
float32 tolerances before timing it, so a wrong computation is reported as WRONG, never as a
time.
"""

from __future__ import annotations

import gc
import statistics
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Column keys, in table order, and their headers.
COLUMNS = ("numpy", "jaxlite", "jax", "autograd", "torch")
HEADERS = {
    "numpy": "NumPy",
    "jaxlite": "jaxlite",
    "jax": "JAX",
    "autograd": "autograd",
    "torch": "PyTorch",
}
RATIOS = ("numpy", "jax", "autograd", "torch")
RATIO_HEADERS = {"numpy": "jl/np", "jax": "jl/jax", "autograd": "jl/ag", "torch": "jl/torch"}


class Unavailable(Exception):
    """An implementation that cannot run here (library missing, feature pending)."""


@dataclass
class Settings:
    budget: float = 1.0  # seconds of timed calls per cell (at least `min_repeats` repeats)
    min_repeats: int = 7
    max_repeats: int = 200
    # a timed batch lasts at least this long: well above the timer resolution, well below a
    # scheduler time slice (so on a busy machine most batches run uninterrupted)
    batch_time: float = 5e-4
    # time.perf_counter (wall time, the default); `--cpu-time` uses time.process_time, which
    # ignores time spent descheduled on a busy machine (counts all threads of this process)
    clock: Callable[[], float] = time.perf_counter


SETTINGS = Settings()


@dataclass
class Cell:
    """One implementation's outcome in a row: a median time, or why there is none."""

    seconds: float | None = None
    text: str = "n/a"


@dataclass
class Target:
    """A goal: `kind` is "ratio" (jaxlite / `against` <= limit) or "abs" (seconds <= limit)."""

    kind: str
    limit: float
    against: str = "numpy"
    label: str = ""

    def evaluate(self, cells: dict[str, Cell]) -> tuple[str, bool | None]:
        jl = cells["jaxlite"].seconds
        if self.kind == "abs":
            if jl is None:
                return f"{self.label}: n/a", None
            return f"{self.label}", jl <= self.limit
        other = cells[self.against].seconds
        if jl is None or other is None:
            return f"{self.label}: n/a", None
        return f"{self.label}", jl / other <= self.limit


@dataclass
class Row:
    name: str
    cells: dict[str, Cell] = field(default_factory=dict)
    target: Target | None = None
    note: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


REPORT = Report()


# ----------------------------------------------------------------------------------------------
# Timing


def median_time(fn: Callable[[], Any], *, warmup: int = 2, fresh: bool = False) -> float:
    """Median seconds per call of `fn` after `warmup` calls.

    Fast calls are timed in batches (each batch at least `batch_time` long) and the per-call
    time of each batch is one sample. `fresh=True` is for first-call measurements: no warm-up
    and one call per sample (`fn` must build whatever is fresh itself).
    """
    s = SETTINGS
    if not fresh:
        for _ in range(warmup):
            fn()
    clock = s.clock
    gc.collect()
    t0 = clock()
    fn()
    single = max(clock() - t0, 1e-9)
    inner = 1 if fresh else max(1, int(s.batch_time / single))
    repeats = int(s.budget / (single * inner))
    repeats = min(max(repeats, s.min_repeats), s.max_repeats)
    samples = []
    for _ in range(repeats):
        t0 = clock()
        for _ in range(inner):
            fn()
        samples.append((clock() - t0) / inner)
    return statistics.median(samples)


# ----------------------------------------------------------------------------------------------
# Correctness


def to_leaves(x: Any) -> list[np.ndarray]:
    """Flattens nested lists/tuples/dicts of arrays (any library) into NumPy arrays."""
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in to_leaves(x[k])]
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in to_leaves(item)]
    if hasattr(x, "detach"):  # torch tensor
        x = x.detach().cpu().numpy()
    return [np.asarray(x)]


def check_close(got: Any, ref: Any, rtol: float, atol_scale: float) -> str | None:
    """None when `got` matches `ref` (float32 tolerances), else a description of the gap.

    The absolute tolerance is relative to the largest reference magnitude of each leaf, so
    tiny gradients (long chains) are judged on their own scale.
    """
    g, r = to_leaves(got), to_leaves(ref)
    if len(g) != len(r):
        return f"{len(g)} outputs, expected {len(r)}"
    for i, (a, b) in enumerate(zip(g, r)):
        if a.shape != b.shape:
            return f"output {i}: shape {a.shape}, expected {b.shape}"
        if a.dtype != b.dtype and not (a.dtype.kind == b.dtype.kind == "f"):
            return f"output {i}: dtype {a.dtype}, expected {b.dtype}"
        scale = float(np.max(np.abs(b))) if b.size else 0.0
        atol = atol_scale * scale
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        if not np.allclose(a64, b64, rtol=rtol, atol=atol, equal_nan=False):
            err = float(np.max(np.abs(a64 - b64)))
            return f"output {i}: max abs error {err:.3g} (reference scale {scale:.3g})"
    return None


# ----------------------------------------------------------------------------------------------
# Running a row


def _short_error(e: BaseException) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {msg}"[:160]


def run_row(
    name: str,
    impls: dict[str, Callable[[], Callable[[], Any]] | str | None],
    *,
    reference: Any,
    rtol: float = 1e-4,
    atol_scale: float = 1e-5,
    target: Target | None = None,
    fresh: set[str] | None = None,
    reuse: dict[str, Cell] | None = None,
    note: str = "",
) -> Row:
    """Checks and times every implementation of one workload and records the row.

    `impls` maps a column to a builder returning the thunk to time (the builder may raise
    `Unavailable`), to a string shown instead of a time (e.g. "pending (issue 3)"), or None
    (n/a). `reference` is the expected result (NumPy by hand; None skips checking, for
    first-call rows whose thunk returns nothing comparable). `reuse` carries cells already
    measured in another row (same computation). Columns in `fresh` are first-call timings.
    """
    row = Row(name, target=target, note=note)
    for col in COLUMNS:
        if reuse and col in reuse:
            row.cells[col] = reuse[col]
            continue
        spec = impls.get(col)
        if spec is None:
            row.cells[col] = Cell(text="n/a")
            continue
        if isinstance(spec, str):
            row.cells[col] = Cell(text=spec)
            continue
        try:
            thunk = spec()
            if reference is not None:
                problem = check_close(thunk(), reference, rtol, atol_scale)
                if problem is not None:
                    row.cells[col] = Cell(text="WRONG")
                    REPORT.wrong.append(f"{name} [{HEADERS[col]}]: {problem}")
                    continue
            secs = median_time(thunk, fresh=bool(fresh and col in fresh))
            row.cells[col] = Cell(seconds=secs, text=fmt_time(secs))
        except Unavailable as e:
            row.cells[col] = Cell(text="n/a")
            if str(e):
                REPORT.notes.append(f"{name} [{HEADERS[col]}]: {e}")
        except Exception as e:  # an implementation failing must not stop the other columns
            row.cells[col] = Cell(text="error")
            REPORT.notes.append(f"{name} [{HEADERS[col]}]: {_short_error(e)}")
            if col == "jaxlite":
                tb = traceback.extract_tb(e.__traceback__)
                if tb:
                    last = tb[-1]
                    REPORT.notes.append(f"    at {last.filename}:{last.lineno} ({last.name})")
    REPORT.rows.append(row)
    print_row_progress(row)
    return row


def pending_row(name: str, text: str) -> Row:
    row = Row(name, cells={c: Cell(text=text if c == "jaxlite" else "n/a") for c in COLUMNS})
    REPORT.rows.append(row)
    print_row_progress(row)
    return row


# ----------------------------------------------------------------------------------------------
# Printing


def fmt_time(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:.3g} us"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def fmt_ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    r = a / b
    return f"{r:.3g}x" if r < 1000 else f"{r:.0f}x"


def print_row_progress(row: Row) -> None:
    cells = ", ".join(f"{HEADERS[c]} {row.cells[c].text}" for c in COLUMNS)
    print(f"  measured {row.name}: {cells}", flush=True)


def _target_text(row: Row) -> str:
    if row.target is None:
        return ""
    label, ok = row.target.evaluate(row.cells)
    if ok is None:
        return label
    return f"{label} {'ok' if ok else 'MISS'}"


def print_table(rows: Sequence[Row]) -> None:
    name_w = max([len("workload"), *(len(r.name) for r in rows)])
    time_w = 11
    ratio_w = 9
    head = [f"{'workload':<{name_w}}"]
    head += [f"{HEADERS[c]:>{time_w}}" for c in COLUMNS]
    head += [f"{RATIO_HEADERS[c]:>{ratio_w}}" for c in RATIOS]
    head.append("  target (jaxlite)")
    line = " ".join(head)
    print(line)
    print("-" * len(line))
    for row in rows:
        parts = [f"{row.name:<{name_w}}"]
        parts += [f"{row.cells[c].text:>{time_w}}" for c in COLUMNS]
        jl = row.cells["jaxlite"].seconds
        parts += [f"{fmt_ratio(jl, row.cells[c].seconds):>{ratio_w}}" for c in RATIOS]
        parts.append("  " + _target_text(row))
        print(" ".join(parts).rstrip())

"""Shared helpers of the jaxlite.numpy / jaxlite.nn tests (no tests here).

`check_vs_jax` runs one call in JAX and in jaxlite on the same inputs and compares the
outcome: both raise (the same exception type), or both return results with equal shapes,
dtypes, weak types and values. Inputs are written once: `arr(np_value)` marks an array (built
with each library's `asarray`), anything else (Python scalars, dtypes, tuples) is passed as is.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import jaxlite.numpy as lnp


class arr:  # noqa: N801  (reads as a constructor in tables)
    """An array argument: converted with `asarray` of the library under test."""

    def __init__(self, value: Any, dtype: Any = None):
        self.value = np.asarray(value, dtype)

    def __repr__(self):
        return f"{self.value.dtype.name}{list(self.value.shape)}"


def convert(x: Any, np_mod: Any) -> Any:
    if isinstance(x, arr):
        return np_mod.asarray(x.value)
    if isinstance(x, list):
        return [convert(v, np_mod) for v in x]
    if isinstance(x, tuple) and any(isinstance(v, (arr, list)) for v in x):
        return tuple(convert(v, np_mod) for v in x)
    return x


def run(fn: Any, np_mod: Any, args: tuple, kwargs: dict) -> tuple[Any, BaseException | None]:
    f = getattr(np_mod, fn) if isinstance(fn, str) else fn(np_mod)
    try:
        return f(
            *convert(list(args), np_mod), **{k: convert(v, np_mod) for k, v in kwargs.items()}
        ), None
    except Exception as e:  # noqa: BLE001
        return None, e


def _leaves(x: Any) -> list:
    return list(x) if isinstance(x, (tuple, list)) else [x]


def tolerance(dt: np.dtype) -> float:
    """Relative and absolute tolerance of value comparisons for dtype `dt`."""
    return {2: 2e-3, 4: 5e-6, 8: 1e-12 if dt.kind == "f" else 5e-6, 16: 1e-12}[dt.itemsize]


def assert_same(
    want: Any, got: Any, what: str, *, check_weak: bool = True, rtol: float | None = None
) -> None:
    """`got` (jaxlite) has `want`'s (JAX's) shape, dtype, weak type and values."""
    ws, gs = _leaves(want), _leaves(got)
    assert len(ws) == len(gs), f"{what}: {len(ws)} results from JAX, {len(gs)} from jaxlite"
    for w, g in zip(ws, gs):
        wd, gd = np.dtype(w.dtype), np.dtype(g.dtype)
        assert np.shape(w) == np.shape(g), f"{what}: shape {np.shape(g)}, JAX {np.shape(w)}"
        assert wd == gd, f"{what}: dtype {gd}, JAX {wd}"
        if check_weak:
            ww, gw = bool(getattr(w, "weak_type", False)), bool(getattr(g, "weak_type", False))
            assert ww == gw, f"{what}: weak_type {gw}, JAX {ww}"
        wn, gn = np.asarray(w), np.asarray(g)
        if wd.kind in "fc":
            tol = rtol if rtol is not None else tolerance(wd)
            np.testing.assert_allclose(gn, wn, rtol=tol, atol=tol, equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(gn, wn, err_msg=what)


_SCATTER_CAST = "scatter inputs have incompatible types"


def check_vs_jax(
    jnp: Any,
    fn: Any,
    args: tuple,
    kwargs: dict | None = None,
    *,
    check_weak: bool = True,
    rtol: float | None = None,
) -> None:
    """Compares one call of `fn` (a jnp name, or `lambda np_mod: callable`) in both libraries."""
    kwargs = kwargs or {}
    with warnings.catch_warnings(record=True) as wrec:
        warnings.simplefilter("ignore")
        warnings.filterwarnings("always", _SCATTER_CAST, FutureWarning)
        want, werr = run(fn, jnp, args, kwargs)
    with warnings.catch_warnings(record=True) as grec:
        warnings.filterwarnings("always", _SCATTER_CAST, FutureWarning)
        got, gerr = run(fn, lnp, args, kwargs)
    what = f"{fn if isinstance(fn, str) else 'fn'}{tuple(args)}{kwargs or ''}"
    # The FutureWarning of an update whose values the operand's dtype cannot hold: given by
    # jaxlite exactly when JAX gives it.
    wwarn, gwarn = (any(issubclass(w.category, FutureWarning) for w in r) for r in (wrec, grec))
    assert wwarn == gwarn, f"{what}: scatter cast FutureWarning from JAX {wwarn}, jaxlite {gwarn}"
    if werr is not None or gerr is not None:
        assert werr is not None and gerr is not None, (
            f"{what}: JAX {'raised ' + repr(werr) if werr else 'returned'}, jaxlite "
            f"{'raised ' + repr(gerr) if gerr else 'returned'}"
        )
        ok = (
            isinstance(gerr, type(werr))
            or isinstance(werr, type(gerr))
            or (
                isinstance(werr, (TypeError, ValueError))
                and isinstance(gerr, (TypeError, ValueError))
            )
        )
        assert ok, f"{what}: JAX raised {werr!r}, jaxlite {gerr!r}"
        return
    assert_same(want, got, what, check_weak=check_weak, rtol=rtol)

"""Numerical checks of transformations, as `jax.test_util` (plus two jaxlite extensions).

`check_grads(f, args, order)` compares forward mode with central finite differences along one
random direction, and reverse mode with forward mode through the inner-product identity
`<v, J u> == <J^T v, u>`; higher orders repeat both checks on the first-order JVP and VJP
functions. Tolerances default per dtype to JAX's values and, as in JAX, grow with the number
of elements compared. Run gradient checks with `jax_enable_x64` on: finite differences in
float32 are only good to about three digits.

`check_batching` (vmap against a Python loop over the mapped axis) and `check_jit` (jit
against eager evaluation) are jaxlite extensions used by the test suite. `check_rule` (also an
extension) checks a custom_jvp / custom_vjp rule in one call and returns a report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import dtypes
from jaxlite._src.custom_derivatives.check_rule import RuleReport, check_rule
from jaxlite._src.tree_util import tree_flatten, tree_structure, tree_unflatten

__all__ = [
    "RuleReport",
    "check_batching",
    "check_grads",
    "check_jit",
    "check_jvp",
    "check_rule",
    "check_vjp",
]

EPS = 1e-4

Tolerance = float | dict | None

# Tolerances of value comparisons (JAX's `default_tolerance`): exact for non-floats.
_VALUE_TOL = {
    np.dtype(np.float16): 1e-3,
    np.dtype(np.float32): 1e-6,
    np.dtype(np.float64): 1e-15,
    np.dtype(np.complex64): 1e-6,
    np.dtype(np.complex128): 1e-15,
}
# Tolerances of derivative comparisons (JAX's `default_gradient_tolerance`).
_GRAD_TOL = {
    np.dtype(np.float16): 1e-2,
    np.dtype(np.float32): 2e-3,
    np.dtype(np.float64): 1e-5,
    np.dtype(np.complex64): 1e-3,
    np.dtype(np.complex128): 1e-5,
}


def _tol(dtype: np.dtype, tol: Tolerance, default: dict) -> float:
    """The tolerance for `dtype`: a number applies to all dtypes, a dict overrides defaults."""
    if tol is not None and not isinstance(tol, dict):
        return float(tol)
    table = dict(default)
    if tol:
        table.update({np.dtype(k): v for k, v in tol.items()})
    if dtype in table:
        return table[dtype]
    return _VALUE_TOL.get(dtype, 0.0)


# ----------------------------------------------------------------------------------------------
# Leaves as NumPy values


_PY_SCALARS = (bool, int, float, complex)


def _is_py_scalar(x: Any) -> bool:
    # Exact types: np.float64 subclasses float but is a strongly typed NumPy scalar.
    return type(x) in _PY_SCALARS


def _dtype_of(x: Any) -> np.dtype:
    if _is_py_scalar(x):
        return dtypes.weak_scalar_dtype(x)
    return np.dtype(x.dtype) if hasattr(x, "dtype") else np.asarray(x).dtype


def _is_weak(x: Any) -> bool:
    if _is_py_scalar(x):
        return True
    return bool(getattr(x, "weak_type", False))


def _numpy(x: Any) -> np.ndarray:
    return np.asarray(x)


def _is_float0(dt: np.dtype) -> bool:
    return dt == dtypes.float0


def _inexact(x: Any) -> bool:
    return _dtype_of(x).kind in "fc"


# ----------------------------------------------------------------------------------------------
# Comparisons


def _assert_close(
    got: Any, want: Any, atol: Tolerance, rtol: Tolerance, default: dict, what: str
) -> None:
    """Leafwise closeness of two pytrees; raises AssertionError naming `what` and the error."""
    g_leaves, g_tree = tree_flatten(got)
    w_leaves, w_tree = tree_flatten(want)
    if g_tree != w_tree:
        raise AssertionError(f"{what}: tree structures differ: {g_tree} vs {w_tree}")
    for i, (g, w) in enumerate(zip(g_leaves, w_leaves, strict=True)):
        where = f"{what}, leaf {i}" if len(g_leaves) > 1 else what
        gd, wd = _dtype_of(g), _dtype_of(w)
        g, w = _numpy(g), _numpy(w)
        if g.shape != w.shape:
            raise AssertionError(f"{where}: shapes differ: {g.shape} vs {w.shape}")
        if _is_float0(gd) or _is_float0(wd):
            continue  # float0 carries no values
        # As in JAX: the looser of the two dtypes' tolerances, scaled by the element count.
        n = max(g.size, 1)
        a = max(_tol(gd, atol, default), _tol(wd, atol, default)) * n
        r = max(_tol(gd, rtol, default), _tol(wd, rtol, default)) * n
        gv = g.astype(np.complex128 if g.dtype.kind == "c" else np.float64)
        wv = w.astype(np.complex128 if w.dtype.kind == "c" else np.float64)
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is compared below
            err = np.abs(gv - wv)
            bound = a + r * np.abs(wv)
        same_nonfinite = (gv == wv) | (np.isnan(gv) & np.isnan(wv))
        bad = ~((err <= bound) | same_nonfinite)
        if np.any(bad):
            idx = (
                np.unravel_index(int(np.argmax(np.where(bad, err, -1.0))), g.shape)
                if g.ndim
                else ()
            )
            max_err = float(np.max(np.where(bad, err, 0.0)))
            raise AssertionError(
                f"{where}: max abs error {max_err:.3g} exceeds atol={a:.3g} + rtol={r:.3g} * "
                f"|want| ({int(np.sum(bad))} of {g.size} elements); at index "
                f"{tuple(map(int, idx))} got {gv[idx]!r}, want {wv[idx]!r}"
            )


def _check_tangent_dtypes(primals: Any, tangents: Any, what: str) -> None:
    """Tangent outputs have the tangent dtype of the primal outputs (float0 for integers)."""
    for i, (p, t) in enumerate(
        zip(tree_flatten(primals)[0], tree_flatten(tangents)[0], strict=True)
    ):
        want = dtypes.tangent_dtype(_dtype_of(p))
        got = _dtype_of(t)
        if got != want:
            raise AssertionError(
                f"{what}: output tangent {i} has dtype {got.name}, but the primal output has "
                f"dtype {_dtype_of(p).name} (expected tangent dtype {want.name})"
            )


# ----------------------------------------------------------------------------------------------
# Random directions and finite differences


def _rand_like(rng: np.random.RandomState, x: Any) -> Any:
    """A standard-normal array like `x`; float0 zeros where `x` is not inexact."""
    dt = _dtype_of(x)
    shape = np.shape(x)
    if dt.kind not in "fc":
        return np.zeros(shape, dtypes.float0)
    val = rng.randn(*shape)
    if dt.kind == "c":
        val = val + 1j * rng.randn(*shape)
    val = np.asarray(val, dt)
    if type(x) in (float, complex):  # keep Python scalars weakly typed
        return val.item()
    return val


def _axpy(alpha: float, xs: Any, ys: Any) -> Any:
    """`ys + alpha * xs` on inexact leaves of `ys` (others unchanged), keeping their dtypes."""

    def one(x, y):
        if not _inexact(y):
            return y
        if type(y) is complex:
            return y + alpha * complex(x)
        if type(y) is float:
            return y + alpha * float(x)
        dt = _dtype_of(y)
        return np.asarray(np.asarray(y) + alpha * np.asarray(x), dt)

    x_leaves = tree_flatten(xs)[0]
    y_leaves, tree = tree_flatten(ys)
    return tree_unflatten(tree, [one(x, y) for x, y in zip(x_leaves, y_leaves, strict=True)])


def numerical_jvp(
    f: Callable, primals: Sequence[Any], tangents: Sequence[Any], eps: float = EPS
) -> Any:
    """Central difference `(f(x + eps t) - f(x - eps t)) / (2 eps)`, leafwise over outputs."""
    f_pos = f(*_as_arrays(_axpy(eps, tuple(tangents), tuple(primals))))
    f_neg = f(*_as_arrays(_axpy(-eps, tuple(tangents), tuple(primals))))
    pos, tree = tree_flatten(f_pos)
    neg = tree_flatten(f_neg)[0]
    out = []
    for p, n in zip(pos, neg, strict=True):
        dt = _dtype_of(p)
        if dt.kind not in "fc":
            out.append(np.zeros(np.shape(p), dtypes.float0))
        else:
            diff = (np.asarray(p) - np.asarray(n)) * (0.5 / eps)
            out.append(np.asarray(diff, dt))
    return tree_unflatten(tree, out)


def _inner(xs: Any, ys: Any) -> float:
    """Real part of `sum(conj(x) * y)` over inexact leaf pairs (float0 leaves count as zero)."""
    total = 0.0
    for x, y in zip(tree_flatten(xs)[0], tree_flatten(ys)[0], strict=True):
        xa, ya = _numpy(x), _numpy(y)
        if _is_float0(xa.dtype) or _is_float0(ya.dtype):
            continue
        total += float(np.real(np.vdot(xa.reshape(-1), ya.reshape(-1))))
    return total


def _conj(tree: Any) -> Any:
    leaves, t = tree_flatten(tree)
    return tree_unflatten(t, [np.conj(x) if _dtype_of(x).kind == "c" else x for x in leaves])


def _ip_dtype(*trees: Any) -> np.dtype:
    """The widest inexact dtype among the leaves: the precision of an inner product."""
    dts = [_dtype_of(x) for t in trees for x in tree_flatten(t)[0] if _inexact(x)]
    if not dts:
        return np.dtype(np.float64)
    return max(dts, key=lambda d: d.itemsize if d.kind == "f" else d.itemsize // 2)


# ----------------------------------------------------------------------------------------------
# Public checks


def check_jvp(
    f: Callable,
    f_jvp: Callable,
    args: Sequence[Any],
    atol: Tolerance = None,
    rtol: Tolerance = None,
    eps: float = EPS,
    err_msg: str = "",
) -> None:
    """Checks `f_jvp(args, tangents) -> (f(*args), J tangents)` against finite differences.

    Args:
      f: the function.
      f_jvp: a function of `(primals, tangents)` returning `(primal_out, tangent_out)`, such as
        `functools.partial(jaxlite.jvp, f)`.
      args: the point (a tuple of arguments).
      atol, rtol: absolute and relative tolerances (number, or dict from dtype to number).
      eps: finite-difference step.
    """
    what = err_msg or "JVP"
    rng = np.random.RandomState(0)
    args = _as_arrays(tuple(args))
    tangents = _map_leaves(lambda x: _rand_like(rng, x), args)
    v_out, t_out = f_jvp(args, tangents)
    _check_tangent_dtypes(v_out, t_out, what)
    _assert_close(v_out, f(*args), atol, rtol, _GRAD_TOL, f"{what}: primal output")
    t_want = numerical_jvp(f, args, tangents, eps=eps)
    _assert_close(
        t_out,
        t_want,
        atol,
        rtol,
        _GRAD_TOL,
        f"{what}: tangent output vs central differences (eps={eps:g})",
    )


def check_vjp(
    f: Callable,
    f_vjp: Callable,
    args: Sequence[Any],
    atol: Tolerance = None,
    rtol: Tolerance = None,
    eps: float = EPS,
    err_msg: str = "",
) -> None:
    """Checks `f_vjp(*args) -> (f(*args), vjp_fun)` through `<v, J u> == <J^T v, u>`.

    `J u` comes from finite differences along a random `u`; `v` is a random cotangent.
    """
    what = err_msg or "VJP"
    rng = np.random.RandomState(0)
    args = _as_arrays(tuple(args))
    v_out, vjp_fun = f_vjp(*args)
    _assert_close(v_out, f(*args), atol, rtol, _GRAD_TOL, f"{what}: primal output")
    u = _map_leaves(lambda x: _rand_like(rng, x), args)
    ju = numerical_jvp(f, args, u, eps=eps)
    v = _map_leaves(lambda x: _rand_like(rng, x), v_out)
    jtv = _conj(vjp_fun(_conj(v)))
    got = _inner(u, jtv)
    want = _inner(ju, v)
    dt = _ip_dtype(args, v_out)
    _assert_close(
        np.asarray(got, dt),
        np.asarray(want, dt),
        atol,
        rtol,
        _GRAD_TOL,
        f"{what}: <J^T v, u> vs <v, J u> (finite differences, eps={eps:g})",
    )


def check_grads(
    f: Callable,
    args: Sequence[Any],
    order: int,
    modes: Sequence[str] = ("fwd", "rev"),
    atol: Tolerance = None,
    rtol: Tolerance = None,
    eps: float | None = None,
) -> None:
    """Checks derivatives of `f` at `args` up to `order` in forward and/or reverse mode.

    Args:
      f: function of the positional arguments `args`.
      args: tuple of arguments (pytrees of arrays or scalars).
      order: highest derivative order checked (1: JVP/VJP; 2: also their derivatives; ...).
      modes: any of "fwd" (JVP vs finite differences) and "rev" (VJP vs JVP).
      atol, rtol: tolerances (number, or dict from dtype to number); default per dtype.
      eps: finite-difference step (default 1e-4).

    Raises:
      AssertionError naming the mode chain (e.g. "VJP of JVP"), the order and the error.

    >>> from jaxlite import lax
    >>> check_grads(lax.sin, (0.5,), order=2)
    """
    from jaxlite._src.api import jvp, vjp  # noqa: PLC0415  (api sits above this helper)

    for m in modes:
        if m not in ("fwd", "rev"):
            raise ValueError(f"check_grads modes must be 'fwd' or 'rev', got {m!r}")
    eps = eps or EPS
    fun_name = getattr(f, "__name__", repr(f))

    def rec(fun: Callable, fargs: tuple, left: int, chain: str) -> None:
        level = order - left + 1
        if "fwd" in modes:
            msg = f"JVP of {chain}" if chain else "JVP"
            check_jvp(
                fun,
                lambda p, t: jvp(fun, p, t),
                fargs,
                atol,
                rtol,
                eps,
                f"check_grads({fun_name}) {msg} (order {level} of {order})",
            )
            if left > 1:
                rec(lambda p, t: jvp(fun, p, t), (fargs, fargs), left - 1, msg)
        if "rev" in modes:
            msg = f"VJP of {chain}" if chain else "VJP"
            check_vjp(
                fun,
                lambda *a: vjp(fun, *a),
                fargs,
                atol,
                rtol,
                eps,
                f"check_grads({fun_name}) {msg} (order {level} of {order})",
            )
            if left > 1:

                def pullback_at_output(*a):
                    out, pullback = vjp(fun, *a)
                    return pullback(out)

                rec(pullback_at_output, fargs, left - 1, msg)

    rec(f, _as_arrays(tuple(args)), order, "")


def _map_leaves(fn: Callable, tree: Any) -> Any:
    leaves, t = tree_flatten(tree)
    return tree_unflatten(t, [fn(x) for x in leaves])


# ----------------------------------------------------------------------------------------------
# jaxlite extensions: batching and jit against eager evaluation


def _broadcast_axes(prefix: Any, tree: Any) -> list:
    """One axis (or None) per leaf of `tree`, from an in_axes-style tree prefix."""
    p_leaves, p_tree = tree_flatten(prefix, is_leaf=lambda x: x is None)
    subtrees = p_tree.flatten_up_to(tree)
    out = []
    for p, sub in zip(p_leaves, subtrees, strict=True):
        out += [p] * tree_structure(sub).num_leaves
    return out


def _compare_exact_types(got: Any, want: Any, what: str) -> None:
    g_leaves, g_tree = tree_flatten(got)
    w_leaves, w_tree = tree_flatten(want)
    if g_tree != w_tree:
        raise AssertionError(f"{what}: output trees differ: {g_tree} vs {w_tree}")
    for i, (g, w) in enumerate(zip(g_leaves, w_leaves, strict=True)):
        gd, wd = _dtype_of(g), _dtype_of(w)
        if gd != wd:
            raise AssertionError(f"{what}: output {i} has dtype {gd.name}, expected {wd.name}")
        if _is_weak(g) != _is_weak(w):
            raise AssertionError(
                f"{what}: output {i} has weak_type={_is_weak(g)}, expected {_is_weak(w)}"
            )


def check_batching(
    f: Callable,
    args: Sequence[Any],
    in_axes: Any = 0,
    atol: Tolerance = None,
    rtol: Tolerance = None,
) -> None:
    """Checks `vmap(f, in_axes)(*args)` against calling `f` per index and stacking on axis 0.

    Compares tree structure, dtypes, weak types and values (default tolerances as for
    values: tight, exact for integers).
    """
    from jaxlite._src.api import vmap  # noqa: PLC0415

    args = tuple(args)
    axes_prefix = in_axes if not isinstance(in_axes, list) else tuple(in_axes)
    if not isinstance(axes_prefix, tuple):
        axes_prefix = (axes_prefix,) * len(args)
    leaves, tree = tree_flatten(args)
    axes = _broadcast_axes(axes_prefix, args)
    sizes = {np.shape(x)[a] for x, a in zip(leaves, axes, strict=True) if a is not None}
    if len(sizes) != 1:
        raise ValueError(f"check_batching needs one mapped size, got sizes {sorted(sizes)}")
    (size,) = sizes
    got = vmap(f, in_axes=in_axes)(*args)
    rows = []
    for i in range(size):
        sliced = [x if a is None else _take(x, i, a) for x, a in zip(leaves, axes, strict=True)]
        rows.append(f(*_as_arrays(tree_unflatten(tree, sliced))))
    row_leaves = [tree_flatten(r)[0] for r in rows]
    want_tree = tree_structure(rows[0])
    want = tree_unflatten(
        want_tree,
        [_stack([r[j] for r in row_leaves]) for j in range(len(row_leaves[0]))],
    )
    what = f"check_batching({getattr(f, '__name__', f)!s}, in_axes={in_axes!r})"
    g_leaves, g_tree = tree_flatten(got)
    if g_tree != want_tree:
        raise AssertionError(f"{what}: output trees differ: {g_tree} vs {want_tree}")
    for j, (g, w) in enumerate(zip(g_leaves, tree_flatten(want)[0], strict=True)):
        ref = row_leaves[0][j]
        if _dtype_of(g) != _dtype_of(ref) or _is_weak(g) != _is_weak(ref):
            raise AssertionError(
                f"{what}: output {j} is {_dtype_of(g).name} (weak_type={_is_weak(g)}) but the "
                f"unbatched function gives {_dtype_of(ref).name} (weak_type={_is_weak(ref)})"
            )
        _assert_close(g, w, atol, rtol, _VALUE_TOL, f"{what}: output {j}")


def _as_arrays(tree: Any) -> Any:
    """NumPy leaves as jaxlite Arrays, so eager reference runs use jaxlite's operators (a
    NumPy array's `+` would compute in NumPy, with NumPy's promotion)."""
    from jaxlite._src.array import Array  # noqa: PLC0415

    return _map_leaves(lambda x: Array(x) if isinstance(x, (np.ndarray, np.generic)) else x, tree)


def _take(x: Any, i: int, axis: int) -> Any:
    """Index `i` of axis `axis` of a leaf, keeping jaxlite Arrays (and their weak type)."""
    from jaxlite._src.array import Array  # noqa: PLC0415

    val = np.take(np.asarray(x), i, axis=axis)
    if isinstance(x, Array):
        return Array(np.asarray(val), weak_type=x.weak_type)
    return val


def _stack(xs: list) -> np.ndarray:
    arrs = [np.asarray(x) for x in xs]
    return np.stack(arrs)


def check_jit(
    f: Callable,
    args: Sequence[Any],
    static_argnums: Sequence[int] = (),
    atol: Tolerance = None,
    rtol: Tolerance = None,
) -> None:
    """Checks `jit(f)(*args)` against `f(*args)`: tree structure, dtypes, weak types, values;
    then calls the jitted function again and checks the cached path gives the same."""
    from jaxlite._src.jit import jit  # noqa: PLC0415

    args = tuple(args)
    statics = {i % len(args) for i in static_argnums} if args else set()
    args = tuple(a if i in statics else _as_arrays(a) for i, a in enumerate(args))
    want = f(*args)
    jf = jit(f, static_argnums=tuple(static_argnums))
    what = f"check_jit({getattr(f, '__name__', f)!s})"
    for attempt in ("first call", "cached call"):
        got = jf(*args)
        _compare_exact_types(got, want, f"{what} {attempt}")
        _assert_close(got, want, atol, rtol, _VALUE_TOL, f"{what} {attempt}")

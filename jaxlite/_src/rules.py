"""Rule combinators: one signature per rule kind, and the symbolic-zero handling for all.

A primitive is declared in one block: `standard_primitive` (or `unop`/`binop`) builds it with
its implementation and abstract evaluation, then `defjvp`/`deflinear`/`defbilinear`/
`defjvp_zero` set forward mode (and transposition), and `defvectorized`/`defbroadcasting`/
`defreducer` set batching.

Partial JVP functions all take `(g, ans, *primals, **params)`: the input tangent `g`, the
primal output `ans`, the primal inputs. Transpose rules take `(ct, *args, **params)` where
linear arguments are `UndefinedPrimal`s, and return one cotangent (or None) per argument.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import Primitive, ShapedArray, get_aval
from jaxlite._src.interpreters.ad import (
    UndefinedPrimal,
    Zero,
    add_tangents,
    instantiate_zeros,
)
from jaxlite._src.interpreters.batching import moveaxis, not_mapped

JvpRule = Callable[..., tuple[Any, Any]]
TransposeRule = Callable[..., Sequence[Any]]
BatchRule = Callable[..., tuple[Any, Any]]
AbstractEvalRule = Callable[..., ShapedArray]


_all_weak = core.all_weak


def standard_primitive(
    name: str,
    impl: Callable,
    shape_rule: Callable,
    dtype_rule: Callable,
    weak_type_rule: Callable | None = None,
) -> Primitive:
    """A single-result primitive whose abstract value comes from shape, dtype, weak-type rules."""
    prim = Primitive(name)
    prim.impl = impl
    weak_rule = weak_type_rule or _all_weak
    prim.weak_type_rule = weak_rule

    def abstract_eval(*avals, **params):
        return ShapedArray(
            shape_rule(*avals, **params),
            dtype_rule(*avals, **params),
            weak_rule(*[a.weak_type for a in avals], **params),
        )

    prim.abstract_eval = abstract_eval
    prim.eval_impl = core.eager_impl(prim)
    prim.cached_linearize = True
    return prim


def multi_result_primitive(
    name: str, impl: Callable, abstract_eval: Callable, weak_type_rule: Callable
) -> Primitive:
    prim = Primitive(name, multiple_results=True)
    prim.impl = impl
    prim.abstract_eval = abstract_eval
    prim.weak_type_rule = weak_type_rule
    prim.eval_impl = core.eager_impl(prim)
    prim.cached_linearize = True
    return prim


# ----------------------------------------------------------------------------------------------
# Elementwise primitives

_KIND_NAMES = {
    "f": "floating",
    "c": "complexfloating",
    "i": "signedinteger",
    "u": "unsignedinteger",
    "b": "bool",
}
FLOAT = "fc"
INEXACT = "fc"
REAL_FLOAT = "f"
NUMBER = "fciu"
INTEGER = "iu"
ANY = "fciub"
BOOL_OR_INT = "iub"


def _check_kinds(name: str, dtype: np.dtype, kinds: str) -> None:
    if dtype.kind not in kinds:
        accepted = ", ".join(_KIND_NAMES[k] for k in kinds)
        raise TypeError(
            f"{name} does not accept dtype {dtype.name}. Accepted dtypes are subtypes of "
            f"{accepted}."
        )


def broadcasting_shape(name: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """Elementwise shape rule, as lax's: rank-0 operands broadcast; the others need one rank,
    with each dimension equal or 1."""
    full = [tuple(s) for s in shapes if s]
    if not full:
        return ()
    ranks = {len(s) for s in full}
    if len(ranks) > 1:
        raise TypeError(f"{name}: arrays must have the same number of dimensions, got {set(ranks)}")
    out = []
    for dims in zip(*full, strict=True):
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1:
            shown = ", ".join(str(tuple(x)) for x in shapes)
            raise TypeError(f"{name} got incompatible shapes for broadcasting: {shown}.")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


# NumPy's float32 kernels for these are a few ulps off XLA's, which are close to correctly
# rounded: computing in float64 and rounding reproduces the digits JAX prints (measured on
# 200k points: exp 61% -> 90% identical to JAX, sin/cos 84% -> 99%, tan 75% -> 96%). Functions
# where rounding does not bring us closer to XLA (tanh, sinh, arctan, log1p, ...) keep NumPy's
# faster float32 kernels.
_TRANSCENDENTAL = {
    np.exp,
    np.expm1,
    np.log,
    np.sin,
    np.cos,
    np.tan,
    np.arcsin,
    np.arccos,
    np.cbrt,
}
_LOW_FLOATS = (np.dtype(np.float32), np.dtype(np.float16))


def _rounded_from_f64(ufunc: Callable) -> Callable:
    f64, ndarray, low = np.float64, np.ndarray, _LOW_FLOATS

    def impl(x):
        dt = x.dtype
        if dt in low:
            if x.ndim and type(x) is ndarray:
                # One float64 buffer, computed in place: faster at every size than a second
                # temporary (and than `out=` a float32 array, which takes NumPy's buffered
                # casting loop). 0-d and NumPy scalar inputs keep the route below, which
                # gives a NumPy scalar as eager results of rank 0 are elsewhere.
                y = x.astype(f64)
                return ufunc(y, y).astype(dt)
            return ufunc(x, dtype=f64).astype(dt)
        return ufunc(x)

    impl.__name__ = ufunc.__name__
    impl.rounded_ufunc = ufunc  # type: ignore[attr-defined]  (jnp's eager path inlines it)
    return impl


def float_to_int(x: Any, dtype: np.dtype) -> Any:
    """XLA's float-to-integer conversion: truncate toward zero, saturate at the integer
    range, NaN to 0 (a plain NumPy cast wraps around or gives INT_MIN)."""
    info = np.iinfo(dtype)
    t = np.trunc(x)
    hi = t >= float(info.max) + 1.0  # 2**bits or 2**(bits-1): exact in every float type
    lo = t < float(info.min)
    bad = hi | lo | np.isnan(t)
    if not bad.any():
        return t.astype(dtype)
    out = np.where(bad, 0, t).astype(dtype)
    return np.where(hi, info.max, np.where(lo, info.min, out)).astype(dtype)


def unop(
    name: str,
    impl: Callable,
    kinds: str,
    *,
    result_dtype: Callable[[np.dtype], np.dtype] | None = None,
    weak_type_rule: Callable | None = None,
) -> Primitive:
    """A unary elementwise primitive, batched elementwise."""
    if impl in _TRANSCENDENTAL:
        impl = _rounded_from_f64(impl)

    def dtype_rule(x, **params):
        _check_kinds(name, x.dtype, kinds)
        return x.dtype if result_dtype is None else result_dtype(x.dtype)

    prim = standard_primitive(name, impl, lambda x, **p: x.shape, dtype_rule, weak_type_rule)
    defvectorized(prim)
    return prim


def binop(
    name: str,
    impl: Callable,
    kinds: str,
    *,
    result_dtype: np.dtype | None = None,
    weak_type_rule: Callable | None = None,
) -> Primitive:
    """An n-ary elementwise primitive on operands of one dtype, batched with broadcasting."""

    def dtype_rule(*avals, **params):
        dts = {a.dtype for a in avals}
        if len(dts) > 1:
            got = ", ".join(a.dtype.name for a in avals)
            raise TypeError(f"{name} requires arguments to have the same dtypes, got {got}.")
        (dt,) = dts
        _check_kinds(name, dt, kinds)
        return dt if result_dtype is None else result_dtype

    def shape_rule(*avals, **params):
        return broadcasting_shape(name, *[a.shape for a in avals])

    prim = standard_primitive(name, impl, shape_rule, dtype_rule, weak_type_rule)
    defbroadcasting(prim)
    return prim


def bool_result(*weak, **params) -> bool:
    """Weak-type rule for comparisons and predicates: never weak."""
    return False


# ----------------------------------------------------------------------------------------------
# JVP combinators


def _zero_out(ans) -> Zero:
    return Zero(get_aval(ans).to_tangent_aval())


def _fit(t: Any, ans: Any) -> Any:
    """Broadcasts a contribution from an implicitly broadcast operand to the output's shape."""
    try:
        ta, aa = t.aval, ans.aval
    except AttributeError:
        ta, aa = get_aval(t), get_aval(ans)
    if ta.shape != aa.shape:
        dims = () if ta.ndim == 0 else tuple(range(ta.ndim))
        return core.ops.broadcast_in_dim(t, aa.shape, dims)
    return t


def defjvp(prim: Primitive, *fns: Callable | None) -> None:
    """Forward mode from one partial per argument: `fn(g, ans, *primals, **params)`; None
    means the output does not depend on that argument differentiably."""

    if len(fns) == 1 and fns[0] is not None:
        (fn,) = fns

        # The common one-partial case without the loop (other arguments, if any, are not
        # differentiable).
        def jvp_unary(primals, tangents, **params):
            ans = prim.bind(*primals, **params)
            t = tangents[0]
            if type(t) is Zero:
                return ans, _zero_out(ans)
            return ans, _fit(fn(t, ans, *primals, **params), ans)

        prim.jvp = jvp_unary
        return

    def jvp(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        out = None
        for fn, t in zip(fns, tangents, strict=False):
            if fn is None or type(t) is Zero:
                continue
            contrib = _fit(fn(t, ans, *primals, **params), ans)
            out = contrib if out is None else add_tangents(out, contrib)
        return ans, _zero_out(ans) if out is None else out

    prim.jvp = jvp


def defjvp_zero(prim: Primitive) -> None:
    """Outputs are piecewise constant (comparisons, floor, argmax): zero tangents."""

    def jvp(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        if prim.multiple_results:
            return ans, [_zero_out(a) for a in ans]
        return ans, _zero_out(ans)

    prim.jvp = jvp


def deflinear(
    prim: Primitive, transpose_rule: Callable, linear_argnums: Sequence[int] | None = None
) -> None:
    """The primitive is linear in the arguments `linear_argnums` (all by default); the others
    (indices, predicates) are passed through as primals. `transpose_rule(ct, *args, **params)`
    is only called with a nonzero cotangent."""

    def jvp(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        lin = range(len(primals)) if linear_argnums is None else linear_argnums
        if all(type(tangents[i]) is Zero for i in lin):
            return ans, [_zero_out(a) for a in ans] if prim.multiple_results else _zero_out(ans)
        args = list(primals)
        for i in lin:
            args[i] = instantiate_zeros(tangents[i])
        return ans, prim.bind(*args, **params)

    def transpose(ct, *args, **params):
        if type(ct) is Zero or (isinstance(ct, list) and all(type(c) is Zero for c in ct)):
            return [None] * len(args)
        return transpose_rule(ct, *args, **params)

    prim.jvp = jvp
    prim.transpose = transpose


def defbilinear(prim: Primitive, lhs_rule: Callable, rhs_rule: Callable) -> None:
    """`prim(x, y)` is linear in each argument. `lhs_rule(ct, x, y, **params)` gives the
    cotangent of x (x is an UndefinedPrimal), `rhs_rule` that of y."""

    def jvp(primals, tangents, **params):
        x, y = primals
        tx, ty = tangents
        ans = prim.bind(x, y, **params)
        out = None
        if type(tx) is not Zero:
            out = _fit(prim.bind(tx, y, **params), ans)
        if type(ty) is not Zero:
            out = add_tangents(
                out if out is not None else Zero(None), _fit(prim.bind(x, ty, **params), ans)
            )
        return ans, out

    def transpose(ct, x, y, **params):
        if type(ct) is Zero:
            return [None, None]
        if type(x) is UndefinedPrimal and type(y) is UndefinedPrimal:
            raise core.InternalError(f"internal: {prim.name} transposed in both arguments")
        if type(x) is UndefinedPrimal:
            return [lhs_rule(ct, x, y, **params), None]
        return [None, rhs_rule(ct, x, y, **params)]

    prim.jvp = jvp
    prim.transpose = transpose


def unbroadcast(aval: ShapedArray, ct: Any) -> Any:
    """Sums `ct` down to the operand's shape where it was broadcast implicitly (a rank-0
    operand, or size-1 dimensions)."""
    ca = ct.aval if type(ct) is core.Array else get_aval(ct)
    if ca.shape == aval.shape:
        return ct
    if aval.ndim == 0:
        return core.ops.reduce_sum(ct, tuple(range(ca.ndim)))
    axes = tuple(i for i, (a, c) in enumerate(zip(aval.shape, ca.shape, strict=True)) if a != c)
    return core.ops.reshape(core.ops.reduce_sum(ct, axes), aval.shape)


# ----------------------------------------------------------------------------------------------
# Batching combinators


def defvectorized(prim: Primitive) -> None:
    """Unary elementwise: the batch dimension passes straight through."""

    def batch(axis_size, vals, dims, **params):
        return prim.bind(*vals, **params), dims[0]

    prim.batch = batch


def broadcast_batcher(prim: Primitive, axis_size: int, vals, dims, **params):
    """Elementwise n-ary batching, as JAX does it. Operands of one shape batched along one
    axis (rank-0 operands aside) go to the primitive as they are. Otherwise batched operands
    get the batch axis first, unbatched ones a size-1 axis in front (rank-0 ones stay as they
    are), and a batched operand of lower rank than the others size-1 axes at the end: the
    primitive broadcasts size-1 axes itself, so nothing is materialised at full size."""
    avals = [get_aval(v) for v in vals]
    shape, dim = next((a.shape, d) for a, d in zip(avals, dims) if d is not not_mapped)
    if all(a.shape == shape and d == dim for a, d in zip(avals, dims) if a.shape):
        return prim.bind(*vals, **params), dim
    new = []
    for v, a, d in zip(vals, avals, dims, strict=True):
        if d is not not_mapped:
            v = moveaxis(v, d, 0)
        elif a.shape:
            # np.int64 dimensions, as JAX's batching computes (and prints) them.
            dims_out = tuple(np.arange(1, a.ndim + 1))
            v = core.ops.broadcast_in_dim(v, (1, *a.shape), dims_out)
        new.append(v)
    ndim = max(a.ndim + (d is not_mapped) for a, d in zip(avals, dims) if a.shape)
    for i, (a, d) in enumerate(zip(avals, dims)):
        if d is not not_mapped and a.ndim < ndim:
            front = (a.shape[d], *a.shape[:d], *a.shape[d + 1 :])
            shape_out = (*front, *[1] * (ndim - a.ndim))
            new[i] = core.ops.broadcast_in_dim(new[i], shape_out, tuple(range(a.ndim)))
    return prim.bind(*new, **params), 0


def defbroadcasting(prim: Primitive) -> None:
    prim.batch = lambda axis_size, vals, dims, **params: broadcast_batcher(
        prim, axis_size, vals, dims, **params
    )


def defreducer(prim: Primitive, axes_param: str = "axes") -> None:
    """Reductions over `params[axes_param]`: move the batch axis to the front, shift axes."""

    def batch(axis_size, vals, dims, **params):
        (x,), (d,) = vals, dims
        x = moveaxis(x, d, 0)
        axes = tuple(a + 1 for a in params[axes_param])
        return prim.bind(x, **{**params, axes_param: axes}), 0

    prim.batch = batch


def canonical_dtype_rule(dtype: Any) -> np.dtype:
    return dtypes.canonicalize_dtype(dtype)

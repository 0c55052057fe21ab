"""Contractions: dot_general (and its wrappers dot, batch_matmul).

`dimension_numbers = ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))`. The output has
the batch dimensions first, then the free dimensions of lhs, then those of rhs, each in their
operand's order.
"""

from __future__ import annotations

import enum
import functools
import math
import operator
from collections.abc import Callable, Sequence
from operator import methodcaller
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import get_aval
from jaxlite._src.interpreters.batching import not_mapped
from jaxlite._src.lax import elementwise as _ew
from jaxlite._src.lax.lowering import NEW_C, Lowered
from jaxlite._src.lax.reductions import _checked
from jaxlite._src.lax.shape import transpose
from jaxlite._src.rules import defbilinear, standard_primitive

__all__ = [
    "Precision",
    "batch_matmul",
    "dot",
    "dot_general",
    "dot_general_p",
]

DimensionNumbers = tuple[
    tuple[tuple[int, ...], tuple[int, ...]], tuple[tuple[int, ...], tuple[int, ...]]
]


class Precision(enum.Enum):
    """Requested matmul precision (accepted for compatibility; NumPy always computes at the
    operands' precision)."""

    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2

    def __repr__(self):
        return f"Precision.{self.name}"

    __str__ = __repr__


_PRECISION_NAMES = {
    "default": Precision.DEFAULT,
    "fastest": Precision.DEFAULT,
    "bfloat16": Precision.DEFAULT,
    "high": Precision.HIGH,
    "tensorfloat32": Precision.HIGH,
    "bfloat16_3x": Precision.HIGH,
    "highest": Precision.HIGHEST,
    "float32": Precision.HIGHEST,
}


def _canonicalize_precision(precision: Any) -> tuple[Precision, Precision] | None:
    if precision is None:
        return None
    if isinstance(precision, str):
        p = _PRECISION_NAMES.get(precision.lower())
        if p is None:
            raise ValueError(f"Unrecognized precision string {precision!r}")
        return (p, p)
    if isinstance(precision, Precision):
        return (precision, precision)
    if isinstance(precision, (tuple, list)) and len(precision) == 2:
        pair = tuple(
            Precision.DEFAULT if p is None else _canonicalize_precision(p)[0] for p in precision
        )
        return None if all(p is None for p in precision) else pair
    raise ValueError(
        f"Precision argument must be None, a string, a Precision or a pair of "
        f"them, got {precision!r}"
    )


def _canonicalize_dims(dimension_numbers: Any) -> DimensionNumbers:
    try:
        # Dimension numbers seen before (as hashable tuples): their canonical form.
        return _canonical_dims[dimension_numbers]
    except (KeyError, TypeError):
        pass
    dims = _canonicalize_dims_uncached(dimension_numbers)
    try:
        if len(_canonical_dims) < 4096:
            _canonical_dims[dimension_numbers] = dims
    except TypeError:  # unhashable (lists)
        pass
    return dims


_canonical_dims: dict = {}


def _canonicalize_dims_uncached(dimension_numbers: Any) -> DimensionNumbers:
    try:
        (lc, rc), (lb, rb) = dimension_numbers
        return (
            (tuple(int(d) for d in lc), tuple(int(d) for d in rc)),
            (tuple(int(d) for d in lb), tuple(int(d) for d in rb)),
        )
    except (TypeError, ValueError):
        raise TypeError(
            "dot_general dimension_numbers must be ((lhs_contracting, rhs_contracting), "
            f"(lhs_batch, rhs_batch)), got {dimension_numbers!r}"
        ) from None


def _free(ndim: int, contract: Sequence[int], batch: Sequence[int]) -> list[int]:
    return [i for i in range(ndim) if i not in contract and i not in batch]


# ----------------------------------------------------------------------------------------------
# dtypes: without preferred_element_type the result is the "higher precision" operand type
# (complex > wider float range > more mantissa > wider > signed), as XLA does.


def _type_rank(dt: np.dtype) -> tuple:
    real = np.dtype(np.float32 if dt.itemsize == 8 else np.float64) if dt.kind == "c" else dt
    is_float = real.kind == "f"
    fi = np.finfo(real) if is_float else None
    bits = 1 if dt == np.bool_ else real.itemsize * 8
    return (dt.kind == "c", fi.maxexp if fi else -1, fi.nmant if fi else -1, bits, real.kind != "u")


def _bit_width(dt: np.dtype) -> int:
    return 1 if dt == np.bool_ else dt.itemsize * 8


@functools.lru_cache(maxsize=512)
def _result_dtype(lhs: np.dtype, rhs: np.dtype, preferred: Any) -> np.dtype:
    rl, rr = _type_rank(lhs), _type_rank(rhs)
    if rl == rr and lhs != rhs:
        raise TypeError(f"dot_general argument type error: {lhs.name}, {rhs.name}")
    out = lhs if rl >= rr else rhs
    if preferred is None or np.dtype(preferred) == out:
        return out
    preferred = np.dtype(preferred)
    if out.kind not in "fc" and _bit_width(preferred) < _bit_width(out):
        raise TypeError(
            "`preferred_element_type` must not be narrower than the original type, got "
            f"preferred_element_type of {preferred.name} for result type of {out.name}."
        )
    return preferred


_KIND_ORDER = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _compute_dtype(base: np.dtype, out: np.dtype) -> np.dtype:
    """The dtype NumPy multiplies in: the wider of the operand result type and the requested
    one; half precision accumulates in float32."""
    ko, kb = _KIND_ORDER[out.kind], _KIND_ORDER[base.kind]
    dt = out if ko > kb or (ko == kb and out.itemsize > base.itemsize) else base
    if dt == np.float16:
        return np.dtype(np.float32)
    return dt


# ----------------------------------------------------------------------------------------------
# dot_general


def _dot_general_impl(
    lhs, rhs, *, dimension_numbers, precision=None, preferred_element_type=None, out_sharding=None
):
    (lc, rc), (lb, rb) = dimension_numbers
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    base = _result_dtype(lhs.dtype, rhs.dtype, None)
    out_dtype = _result_dtype(lhs.dtype, rhs.dtype, preferred_element_type)
    cdt = _compute_dtype(base, out_dtype)
    lf, rf = _free(lhs.ndim, lc, lb), _free(rhs.ndim, rc, rb)
    batch_shape = tuple(lhs.shape[d] for d in lb)
    lf_shape = tuple(lhs.shape[d] for d in lf)
    rf_shape = tuple(rhs.shape[d] for d in rf)
    b = int(np.prod(batch_shape, dtype=np.int64))
    m = int(np.prod(lf_shape, dtype=np.int64))
    n = int(np.prod(rf_shape, dtype=np.int64))
    k = int(np.prod([lhs.shape[d] for d in lc], dtype=np.int64))
    # Lay both operands out as (batch, rows, contraction) @ (batch, contraction, cols): a
    # transpose is a view, and matmul hands (possibly transposed) 2-D blocks to BLAS.
    a = np.transpose(lhs, (*lb, *lf, *lc)).astype(cdt, copy=False)
    c = np.transpose(rhs, (*rb, *rc, *rf)).astype(cdt, copy=False)
    if lb:
        out = np.matmul(a.reshape(b, m, k), c.reshape(b, k, n))
    else:
        out = np.matmul(a.reshape(m, k), c.reshape(k, n))
    out = out.reshape(batch_shape + lf_shape + rf_shape)
    if out.dtype != out_dtype:
        if out.dtype.kind == "c" and out_dtype.kind != "c":
            out = out.real
        out = out.astype(out_dtype)
    return out


def _operand_prep(aval, perm: tuple, dtype: np.dtype, shape: tuple) -> Callable | None:
    """The impl's operand preparation (transpose, cast, reshape) without its no-op steps;
    None when it is the identity."""
    steps = []
    if perm != tuple(range(aval.ndim)):
        steps.append(
            operator.attrgetter("T") if perm == (1, 0) else methodcaller("transpose", perm)
        )
    if aval.dtype != dtype:
        steps.append(methodcaller("astype", dtype, copy=False))
    if tuple(aval.shape[p] for p in perm) != shape:
        steps.append(methodcaller("reshape", shape))
    if not steps:
        return None
    if len(steps) == 1:
        return steps[0]

    def prep(x):
        for s in steps:
            x = s(x)
        return x

    return prep


def _dot_general_lower(
    in_avals,
    out_avals,
    *,
    dimension_numbers,
    precision=None,
    preferred_element_type=None,
    out_sharding=None,
):
    """`_dot_general_impl` with the layout decided at compile time: the same NumPy matmul on
    the same operand views, with no bookkeeping per call."""
    lhs, rhs = in_avals
    if lhs.ndim == 0 or rhs.ndim == 0:
        return None  # NumPy scalars: keep the impl's np.asarray
    (lc, rc), (lb, rb) = dimension_numbers
    base = _result_dtype(lhs.dtype, rhs.dtype, None)
    out_dtype = _result_dtype(lhs.dtype, rhs.dtype, preferred_element_type)
    cdt = _compute_dtype(base, out_dtype)
    lf, rf = _free(lhs.ndim, lc, lb), _free(rhs.ndim, rc, rb)
    batch_shape = tuple(lhs.shape[d] for d in lb)
    lf_shape = tuple(lhs.shape[d] for d in lf)
    rf_shape = tuple(rhs.shape[d] for d in rf)
    m, n, k = math.prod(lf_shape), math.prod(rf_shape), math.prod(lhs.shape[d] for d in lc)
    if lb:
        b = math.prod(batch_shape)
        a_shape, c_shape, mm_shape = (b, m, k), (b, k, n), (b, m, n)
    else:
        a_shape, c_shape, mm_shape = (m, k), (k, n), (m, n)
    prep_a = _operand_prep(lhs, (*lb, *lf, *lc), cdt, a_shape)
    prep_c = _operand_prep(rhs, (*rb, *rc, *rf), cdt, c_shape)
    out_shape = batch_shape + lf_shape + rf_shape
    post = []
    if out_shape != mm_shape:
        post.append(methodcaller("reshape", out_shape))
    if cdt != out_dtype:
        if cdt.kind == "c" and out_dtype.kind != "c":
            post.append(operator.attrgetter("real"))
        post.append(methodcaller("astype", out_dtype))
    matmul = np.matmul
    if not post:
        if prep_a is None and prep_c is None:
            return Lowered(matmul, NEW_C)
        if prep_c is None:
            return Lowered(lambda x, y: matmul(prep_a(x), y), NEW_C)
        if prep_a is None:
            return Lowered(lambda x, y: matmul(x, prep_c(y)), NEW_C)
    ident = lambda x: x  # noqa: E731
    pa, pc = prep_a or ident, prep_c or ident

    def dot(x, y):
        out = matmul(pa(x), pc(y))
        for p in post:
            out = p(out)
        return out

    # A reshape of matmul's new C-contiguous result is a C-contiguous view nobody else holds.
    return Lowered(dot, NEW_C)


def _check_dims(name: str, ndim: int, contract, batch) -> None:
    if any(not 0 <= d < ndim for d in (*contract, *batch)):
        raise TypeError(
            f"dot_general requires {name} dimension numbers to be nonnegative and less than the "
            f"number of axes of the {name} value, got {name}_batch of {tuple(batch)} and "
            f"{name}_contracting of {tuple(contract)} for {name} of rank {ndim}"
        )
    if len(set(contract)) != len(contract):
        raise TypeError(
            f"dot_general requires {name} contracting dimensions to be distinct, got "
            f"{name}_contracting {tuple(contract)}."
        )
    if len(set(batch)) != len(batch):
        raise TypeError(
            f"dot_general requires {name} batch dimensions to be distinct, got "
            f"{name}_batch {tuple(batch)}."
        )
    if set(contract) & set(batch):
        raise TypeError(
            f"dot_general requires {name} batch dimensions to be disjoint from contracting "
            f"dimensions, got {name}_batch {tuple(batch)} and {name}_contracting "
            f"{tuple(contract)}."
        )


def _dot_general_shape_rule(lhs, rhs, *, dimension_numbers, **params):
    (lc, rc), (lb, rb) = dimension_numbers
    if len(lb) != len(rb):
        raise TypeError(
            "dot_general requires equal numbers of lhs_batch and rhs_batch dimensions, got "
            f"lhs_batch {lb} and rhs_batch {rb}."
        )
    if len(lc) != len(rc):
        raise TypeError(
            "dot_general requires equal numbers of lhs_contracting and rhs_contracting "
            f"dimensions, got lhs_contracting {lc} and rhs_contracting {rc}."
        )
    _check_dims("lhs", lhs.ndim, lc, lb)
    _check_dims("rhs", rhs.ndim, rc, rb)
    lbs, rbs = tuple(lhs.shape[d] for d in lb), tuple(rhs.shape[d] for d in rb)
    if lbs != rbs:
        raise TypeError(
            "dot_general requires lhs batch dimensions and rhs batch dimensions to have the "
            f"same shape, got {lbs} and {rbs}."
        )
    lcs, rcs = tuple(lhs.shape[d] for d in lc), tuple(rhs.shape[d] for d in rc)
    if lcs != rcs:
        raise TypeError(
            "dot_general requires contracting dimensions to have the same shape, got "
            f"{lcs} and {rcs}."
        )
    return (
        lbs
        + tuple(lhs.shape[d] for d in _free(lhs.ndim, lc, lb))
        + tuple(rhs.shape[d] for d in _free(rhs.ndim, rc, rb))
    )


def _dot_general_dtype_rule(lhs, rhs, *, preferred_element_type=None, **params):
    for a in (lhs, rhs):
        if a.dtype.kind not in "biufc":
            raise TypeError(f"dot_general does not accept dtype {a.dtype.name}.")
    return _result_dtype(lhs.dtype, rhs.dtype, preferred_element_type)


def _dot_general_weak(lw, rw, **params):
    return lw and rw


dot_general_p = _checked(
    standard_primitive(
        "dot_general",
        _dot_general_impl,
        _dot_general_shape_rule,
        _dot_general_dtype_rule,
        _dot_general_weak,
    )
)


def _to_operand_dtype(x: Any, aval) -> Any:
    if get_aval(x).dtype != aval.dtype:
        return _ew.convert_element_type(x, aval.dtype, aval.weak_type)
    return x


# Transposes: contract the cotangent's dimensions of the *other* operand's free axes with that
# operand's free axes, batch over the batch axes; the result holds (batch, own free, remaining
# axes of the other operand = its contracting axes in increasing order), which a transpose puts
# back in the operand's layout (the other operand's contracting axis rc[i] stands for lc[i]).
def _dot_transpose_lhs(
    ct, x, y, *, dimension_numbers, precision=None, preferred_element_type=None, out_sharding=None
):
    (lc, rc), (lb, rb) = dimension_numbers
    x_aval, y_nd = x.aval, get_aval(y).ndim
    nb, nlf = len(lb), len(_free(x_aval.ndim, lc, lb))
    rf = _free(y_nd, rc, rb)
    ct_rf = tuple(range(nb + nlf, nb + nlf + len(rf)))
    dims = ((ct_rf, tuple(rf)), (tuple(range(nb)), tuple(rb)))
    out = dot_general_p.bind(
        ct,
        y,
        dimension_numbers=dims,
        precision=precision,
        preferred_element_type=preferred_element_type,
        out_sharding=None,
    )
    pairs = dict(zip(rc, lc, strict=True))
    layout = [*lb, *_free(x_aval.ndim, lc, lb), *(pairs[d] for d in sorted(rc))]
    return _to_operand_dtype(transpose(out, tuple(np.argsort(layout))), x_aval)


def _dot_transpose_rhs(
    ct, x, y, *, dimension_numbers, precision=None, preferred_element_type=None, out_sharding=None
):
    (lc, rc), (lb, rb) = dimension_numbers
    y_aval, x_nd = y.aval, get_aval(x).ndim
    nb = len(lb)
    lf = _free(x_nd, lc, lb)
    ct_lf = tuple(range(nb, nb + len(lf)))
    dims = ((ct_lf, tuple(lf)), (tuple(range(nb)), tuple(lb)))
    out = dot_general_p.bind(
        ct,
        x,
        dimension_numbers=dims,
        precision=precision,
        preferred_element_type=preferred_element_type,
        out_sharding=None,
    )
    pairs = dict(zip(lc, rc, strict=True))
    layout = [*rb, *_free(y_aval.ndim, rc, rb), *(pairs[d] for d in sorted(lc))]
    return _to_operand_dtype(transpose(out, tuple(np.argsort(layout))), y_aval)


defbilinear(dot_general_p, _dot_transpose_lhs, _dot_transpose_rhs)
dot_general_p.lower = _dot_general_lower


def _bump(dims: Sequence[int], bd: int) -> tuple[int, ...]:
    """Logical axis numbers -> axis numbers of a value whose batch axis sits at `bd`."""
    return tuple(d + 1 if d >= bd else d for d in dims)


# Batching: a batch axis on both operands becomes a leading dot batch dimension; on one
# operand it is a free dimension of that operand, and the output batch axis is where that free
# dimension lands (no data movement).
def _dot_general_batch(axis_size, vals, dims, *, dimension_numbers, **params):
    (x, y), (bx, by) = vals, dims
    (lc, rc), (lb, rb) = dimension_numbers
    if bx is not not_mapped and by is not not_mapped:
        new = ((_bump(lc, bx), _bump(rc, by)), ((bx, *_bump(lb, bx)), (by, *_bump(rb, by))))
        out_dim = 0
    elif bx is not not_mapped:
        new = ((_bump(lc, bx), rc), (_bump(lb, bx), rb))
        x_nd = get_aval(x).ndim
        out_dim = len(lb) + _free(x_nd, new[0][0], new[1][0]).index(bx)
    else:
        new = ((lc, _bump(rc, by)), (lb, _bump(rb, by)))
        x_nd, y_nd = get_aval(x).ndim, get_aval(y).ndim
        out_dim = len(lb) + len(_free(x_nd, lc, lb)) + _free(y_nd, new[0][1], new[1][1]).index(by)
    return dot_general_p.bind(x, y, dimension_numbers=new, **params), out_dim


dot_general_p.batch = _dot_general_batch


class _PrintedDims:
    """Prints dimension numbers as JAX does: `(([1], [0]), ([], []))`."""

    __slots__ = ("text",)

    def __init__(self, dims: DimensionNumbers):
        (lc, rc), (lb, rb) = dims
        self.text = f"(({list(lc)}, {list(rc)}), ({list(lb)}, {list(rb)}))"

    def __str__(self):
        return self.text


def _dot_general_pp_params(params: dict) -> dict:
    """The parameters a printed jaxpr shows (JAX hides the ones left at None)."""
    shown = {"dimension_numbers": _PrintedDims(params["dimension_numbers"])}
    for k in ("precision", "preferred_element_type", "out_sharding"):
        if params.get(k) is not None:
            shown[k] = params[k]
    return shown


# Hook for the jaxpr printer (see jaxpr._pp_eqn): params as JAX prints them.
dot_general_p.pp_params = _dot_general_pp_params  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------------------------
# Wrappers (lax API)


def dot_general(
    lhs: Any,
    rhs: Any,
    dimension_numbers: Any,
    precision: Any = None,
    preferred_element_type: Any = None,
    *,
    out_sharding: Any = None,
) -> Any:
    """General contraction: `dimension_numbers = ((lhs_contract, rhs_contract),
    (lhs_batch, rhs_batch))`; output axes are batch, then lhs free, then rhs free."""
    pet = (
        None
        if preferred_element_type is None
        else dtypes.canonicalize_dtype(preferred_element_type)
    )
    return dot_general_p.bind(
        lhs,
        rhs,
        dimension_numbers=_canonicalize_dims(dimension_numbers),
        precision=_canonicalize_precision(precision),
        preferred_element_type=pet,
        out_sharding=out_sharding,
    )


def dot(
    lhs: Any,
    rhs: Any,
    *,
    dimension_numbers: Any = None,
    precision: Any = None,
    preferred_element_type: Any = None,
    out_sharding: Any = None,
) -> Any:
    """Vector/matrix products: contracts the last axis of `lhs` (rank 1 or 2) with the first
    of `rhs` (rank 1 or 2). With `dimension_numbers` it is `dot_general`."""
    if dimension_numbers is None:
        ls, rs = get_aval(lhs).shape, get_aval(rhs).shape
        if not (1 <= len(ls) <= 2 and 1 <= len(rs) <= 2 and ls[-1] == rs[0]):
            raise ValueError(
                "jax.lax.dot: dimension_numbers must be specified when not performing simple "
                "un-batched matrix-matrix, matrix-vector, or vector-vector products; got "
                f"lhs_shape={ls} rhs_shape={rs}"
            )
        dimension_numbers = (((len(ls) - 1,), (0,)), ((), ()))
    return dot_general(
        lhs, rhs, dimension_numbers, precision, preferred_element_type, out_sharding=out_sharding
    )


def batch_matmul(lhs: Any, rhs: Any, precision: Any = None) -> Any:
    """Matrix products over shared leading batch axes: `(..., m, k) @ (..., k, n)`."""
    ls, rs = get_aval(lhs).shape, get_aval(rhs).shape
    if len(ls) < 2 or len(ls) != len(rs):
        raise ValueError(
            f"Arguments to batch_matmul must be at least 2D and agree on their rank, got "
            f"{len(ls)} and {len(rs)}."
        )
    if ls[:-2] != rs[:-2]:
        raise ValueError(
            f"Arguments to batch_matmul must agree on batch dimensions, got "
            f"{ls[:-2]} and {rs[:-2]}."
        )
    nd = len(ls)
    batch = tuple(range(nd - 2))
    return dot_general(lhs, rhs, (((nd - 1,), (nd - 2,)), (batch, batch)), precision)


_ = core

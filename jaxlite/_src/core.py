"""The core: abstract values, primitives, traces and tracers, and the trace context.

Every operation is a `Primitive`. `prim.bind(*args, **params)` hands the operation to the
*current trace* (a thread-local). With no transformation active that is the evaluation trace,
which calls the primitive's NumPy implementation. A transformation installs its own trace,
whose `parent` is the trace that was current before it; its rules run with the parent
current, so values of outer transformations flow through unchanged ("stackless" tracing, as
in JAX since 2024). A tracer belongs to exactly one trace; a trace treats tracers of other
traces as constants.
"""

from __future__ import annotations

import functools
import math
import operator
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import dtypes
from jaxlite._src.config import config
from jaxlite._src.errors import (  # noqa: F401  (InternalError re-exported for rules)
    ConcretizationTypeError,
    InternalError,
    TracerArrayConversionError,
    TracerBoolConversionError,
    TracerIntegerConversionError,
    UnexpectedTracerError,
)

# JAX computes with IEEE semantics silently (overflow gives inf, 0/0 gives nan). NumPy reports
# those through RuntimeWarning; silence them for calls made inside jaxlite only, which costs
# nothing on the hot path and leaves the user's own NumPy code alone.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"jaxlite\._src(\..*)?$")

# ----------------------------------------------------------------------------------------------
# Abstract values


class ShapedArray:
    """The abstract value of an array: shape, dtype and weak type."""

    __slots__ = ("shape", "dtype", "weak_type")

    def __init__(self, shape: tuple[int, ...], dtype: Any, weak_type: bool = False):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.weak_type = bool(weak_type)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def update(self, shape=None, dtype=None, weak_type=None) -> ShapedArray:
        return ShapedArray(
            self.shape if shape is None else shape,
            self.dtype if dtype is None else dtype,
            self.weak_type if weak_type is None else weak_type,
        )

    def strip_weak_type(self) -> ShapedArray:
        return self.update(weak_type=False) if self.weak_type else self

    def to_tangent_aval(self) -> ShapedArray:
        """The aval of tangents and cotangents: float0 for integer and boolean values."""
        if self.dtype.kind in "fc":  # (a dtype object: the constructor normalises it)
            return self
        return ShapedArray(self.shape, dtypes.float0, False)

    def _key(self):
        return (self.shape, self.dtype, self.weak_type)

    def __eq__(self, other):
        return type(other) is ShapedArray and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def str_short(self) -> str:
        """`f32[3,4]`, as jaxprs print types."""
        return f"{dtypes.short_dtype_name(self.dtype)}[{','.join(map(str, self.shape))}]"

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapedArray({self.dtype.name}[{','.join(map(str, self.shape))}]{weak})"

    __str__ = str_short


class ShapeDtypeStruct:
    """A shape/dtype pair standing in for an array (as used by `eval_shape`)."""

    __slots__ = ("shape", "dtype", "weak_type", "sharding")

    def __init__(self, shape, dtype, *, weak_type: bool = False, sharding: Any = None):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.weak_type = weak_type
        self.sharding = sharding

    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: int(np.prod(self.shape, dtype=np.int64)))

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{weak})"

    def __eq__(self, other):
        return isinstance(other, ShapeDtypeStruct) and (
            self.shape,
            self.dtype,
            self.weak_type,
        ) == (other.shape, other.dtype, other.weak_type)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))


def get_aval(x: Any) -> ShapedArray:
    """The abstract value of any array-like: Array, Tracer, NumPy value or Python scalar."""
    aval = getattr(x, "aval", None)
    if aval is not None:
        return aval
    # NOTE(reductions/linalg helper): `not np.generic` because np.float64 and np.complex128
    # subclass float/complex; they are strongly typed NumPy scalars, not Python scalars.
    if isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic):
        # Python bools are not weakly typed in JAX (bool has no wider kind to give way to).
        return ShapedArray((), dtypes.weak_scalar_dtype(x), type(x) is not bool)
    if isinstance(x, (np.ndarray, np.generic)):
        return ShapedArray(x.shape, dtypes.canonicalize_dtype(x.dtype), False)
    if isinstance(x, ShapeDtypeStruct):
        return ShapedArray(x.shape, x.dtype, x.weak_type)
    raise TypeError(f"Value {x!r} of type {type(x).__name__} is not a valid jaxlite type")


def to_numpy(x: Any) -> Any:
    """The NumPy value of a concrete array-like, canonicalised (float64 -> float32 without x64)."""
    if type(x) is Array:
        return x._value
    if isinstance(x, Tracer):
        raise UnexpectedTracerError(_escaped_tracer_message(x))
    if isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic):  # see get_aval
        dt = dtypes.weak_scalar_dtype(x)
        if type(x) is int:
            dtypes.check_python_int_range(x, dt)
        return np.asarray(x, dt)
    if isinstance(x, Array):
        return x._value
    arr = np.asarray(x)
    dt = dtypes.canonicalize_dtype(arr.dtype)
    return arr if dt == arr.dtype else arr.astype(dt)


def _escaped_tracer_message(t: Tracer) -> str:
    return (
        f"Encountered an unexpected tracer ({t.aval.str_short()} from {t._trace!r}). A value "
        "computed inside a transformed function (jit, grad, vmap, ...) escaped it, for "
        "example through a global variable or a list outside the function, and was used after "
        "that transformation finished. Return the value from the function instead."
    )


# ----------------------------------------------------------------------------------------------
# Primitives


class Primitive:
    """A named operation. Its rules are attributes set next to its definition.

    Rules (each optional; a transformation that needs a missing one raises
    NotImplementedError naming the primitive):
      impl(*numpy_values, **params) -> numpy value (list if multiple_results)
      abstract_eval(*avals, **params) -> aval (list if multiple_results)
      weak_type_rule(*in_weak, **params) -> bool (list if multiple_results)
      jvp(primals, tangents, **params) -> (primal_out, tangent_out)
      transpose(cts, *args, **params) -> list of cotangents, one per argument
      batch(axis_size, vals, dims, **params) -> (out, out_dim)
      partial_eval(trace, tracers, **params) -> output tracers (higher-order primitives)
      dce(used_outputs, eqn) -> (used_inputs, new_eqn or None)
      lower(in_avals, out_avals, **params) -> callable on NumPy values, specialised for jit
        code generation (None: use impl with the params bound)
    """

    multiple_results = False
    # True when the rules depend only on operand types and params (no user code, no
    # sub-jaxprs): eager reverse mode may then cache the primitive's linearization.
    cached_linearize = False
    # True when `transpose` takes `acc=` (the cotangents accumulated so far for the linear
    # operands) and returns the totals (see `ad.backward_pass`).
    transpose_accumulates = False

    def __init__(self, name: str, multiple_results: bool = False):
        self.name = name
        self.multiple_results = multiple_results
        self.impl: Callable | None = None
        self.eval_impl: Callable | None = None
        self.abstract_eval: Callable | None = None
        self.weak_type_rule: Callable | None = None
        self.jvp: Callable | None = None
        self.transpose: Callable | None = None
        self.batch: Callable | None = None
        self.partial_eval: Callable | None = None
        self.dce: Callable | None = None
        self.lower: Callable | None = None

    def bind(self, *args, **params):
        if not _tracing:  # eager fast path: skip the interpreter call
            return self.eval_impl(*args, **params)
        trace = _ctx.trace
        if trace is eval_trace:
            return self.eval_impl(*args, **params)
        return trace.process_primitive(self, args, params)

    def __repr__(self):
        return self.name


def missing_rule(prim: Primitive, rule: str, transformation: str) -> NotImplementedError:
    return NotImplementedError(
        f"Differentiation/transformation rule `{rule}` for primitive '{prim.name}' is not "
        f"implemented, so {transformation} cannot process it."
    )


class _Ops:
    """Array operations the interpreters need themselves (moving a batch axis, broadcasting).

    The lax modules install them at import; the interpreters call `core.ops.<name>` so that
    imports still go one way (core <- interpreters <- lax).
    """

    transpose: Callable
    broadcast_in_dim: Callable
    reduce_sum: Callable
    reshape: Callable
    convert_element_type: Callable
    bdim_at_front: Callable


ops = _Ops()


# ----------------------------------------------------------------------------------------------
# Trace context


class _TraceContext(threading.local):
    trace: Trace


_ctx = _TraceContext()

# The `set_current_trace` contexts now open with a transformation's trace, in any thread.
# Empty means every thread evaluates eagerly, which the eager fast paths test with `not
# _tracing` (a plain list is several times cheaper to read than the thread-local `_ctx`);
# otherwise they ask `_ctx`. Appending and removing are atomic, so threads need no lock.
_tracing: list = []


class set_current_trace:
    """Context manager making `trace` the current trace."""

    __slots__ = ("trace", "prev")

    def __init__(self, trace: Trace):
        self.trace = trace

    def __enter__(self):
        self.prev = _ctx.trace
        _ctx.trace = trace = self.trace
        if trace is not eval_trace:
            _tracing.append(self)

    def __exit__(self, *exc):
        _ctx.trace = self.prev
        if self.trace is not eval_trace:
            _tracing.remove(self)


def current_trace() -> Trace:
    return _ctx.trace


class Trace:
    """Base class: one subclass per transformation. `parent` is the enclosing trace."""

    parent: Trace | None = None
    name = "trace"

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict):
        raise NotImplementedError

    def process_custom_jvp_call(self, prim, fun, jvp, args, *, symbolic_zeros):
        raise NotImplementedError(f"custom_jvp calls are not supported under {self.name}")

    def process_custom_vjp_call(self, prim, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        raise NotImplementedError(f"custom_vjp calls are not supported under {self.name}")

    def __repr__(self):
        return f"{type(self).__name__}"


class EvalTrace(Trace):
    """No transformation: run the primitive's NumPy implementation."""

    name = "evaluation"

    def process_primitive(self, prim, args, params):
        return prim.eval_impl(*args, **params)

    def process_custom_jvp_call(self, prim, fun, jvp, args, *, symbolic_zeros):
        return fun(*args)

    def process_custom_vjp_call(self, prim, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        return fun(*args)


eval_trace = EvalTrace()
_ctx.trace = eval_trace
_orig_init = _TraceContext.__init__


def _ctx_init(self):  # new threads start with no transformation active
    self.trace = eval_trace


_TraceContext.__init__ = _ctx_init  # type: ignore[method-assign]


def all_weak(*weak, **params) -> bool:
    """The default weak-type rule: the result is weak when every input is."""
    return bool(weak) and all(weak)


def eager_impl(prim: Primitive, *, scalar_broadcast: bool = False) -> Callable:
    """Builds `prim.eval_impl`: unwrap Arrays, call `prim.impl`, wrap results with weak types.

    `scalar_broadcast`: an elementwise primitive whose rank-0 operands broadcast, so a
    two-operand call with one rank-0 operand of the same dtype needs no shape check.

    This is the eager hot path, so one- and two-Array calls of primitives with the default
    weak-type rule skip the generic unwrapping.
    """
    impl = prim.impl
    weak_rule = prim.weak_type_rule
    scalars = scalar_broadcast
    scalar_keys = dtypes._scalar_keys  # updated in place when x64 is switched
    py_floats = scalar_broadcast and isinstance(impl, np.ufunc)  # ufuncs take Python floats
    new = object.__new__
    if prim.multiple_results:

        def eval_multi(*args, **params):
            vals = [to_numpy(x) for x in args]
            if prim.abstract_eval is not None:
                avals = prim.abstract_eval(*[get_aval(x) for x in args], **params)
                outs = impl(*vals, **params)
                return [
                    _wrap(_as_dtype(o, a.dtype), a.weak_type)
                    for o, a in zip(outs, avals, strict=True)
                ]
            outs = impl(*vals, **params)
            weak = weak_rule(*[_is_weak(x) for x in args], **params)
            return [_wrap(o, w) for o, w in zip(outs, weak, strict=True)]

        return eval_multi

    aeval = prim.abstract_eval

    def eval_single(*args, **params):
        # The checked path: abstract evaluation raises the same errors as under tracing,
        # and fixes the result dtype (never a wrong answer from NumPy's own promotion). It
        # is memoised on the operand types and params, as tracing memoises it.
        vals = []
        avals = []
        for x in args:  # a plain loop: comprehensions cost a frame each
            if type(x) is Array:
                vals.append(x._value)
                avals.append(x.aval)
            else:
                vals.append(to_numpy(x))
                avals.append(get_aval(x))
        if aeval is not None:
            aval, fn = _eager_entry(prim, avals, params)
            out = fn(*vals)
            if out.dtype != aval.dtype:
                out = np.asarray(out).astype(aval.dtype)
            a = new(Array)
            a._value = out
            a.weak_type = aval.weak_type
            return a
        out = impl(*vals, **params)
        return _wrap(out, weak_rule(*[_is_weak(x) for x in args], **params))

    if weak_rule is not all_weak:
        return eval_single
    ok: set = set()  # dtypes whose one- and two-operand calls passed abstract evaluation

    def eval_fast(*args, **params):
        if not params:
            n = len(args)
            if n == 2:
                x, y = args
                if type(x) is Array and type(y) is Array:
                    vx, vy = x._value, y._value
                    dt = vx.dtype
                    if (
                        dt is vy.dtype
                        and dt in ok
                        and (vx.shape == vy.shape or (scalars and (not vx.ndim or not vy.ndim)))
                    ):
                        a = new(Array)
                        a._value = impl(vx, vy)
                        a.weak_type = x.weak_type and y.weak_type
                        return a
                elif py_floats and (type(y) is float or type(x) is float):
                    # An Array with a Python float of the Array's dtype (the weak float
                    # dtype): NumPy casts the float to that dtype first, as lax would.
                    arr = x if type(x) is Array else y
                    if type(arr) is Array:
                        dt = arr._value.dtype
                        if dt is scalar_keys[float][0] and dt in ok:
                            a = new(Array)
                            a._value = impl(
                                x._value if x is arr else x, y._value if y is arr else y
                            )
                            a.weak_type = arr.weak_type
                            return a
            elif n == 1:
                x = args[0]
                if type(x) is Array and x._value.dtype in ok:
                    a = new(Array)
                    a._value = impl(x._value)
                    a.weak_type = x.weak_type
                    return a
            out = eval_single(*args)
            if n <= 2 and all(type(x) is Array for x in args):
                dts = {x._value.dtype for x in args}
                if len(dts) == 1:
                    ok.update(dts)
            return out
        return eval_single(*args, **params)

    return eval_fast


_aeval_cache: dict = {}
_eager_cache: dict = {}


def _signature(prim: Primitive, avals: Sequence[ShapedArray], params: dict) -> tuple:
    """A hashable key for a call of `prim` on these types (TypeError if a param is not
    hashable). Flat tuples, specialised for one and two operands: this is on every eager
    call with params and every staged equation."""
    n = len(avals)
    if n == 1:
        (a,) = avals
        key = (prim, 1, a.shape, a.dtype, a.weak_type)
    elif n == 2:
        a, b = avals
        key = (prim, 2, a.shape, a.dtype, a.weak_type, b.shape, b.dtype, b.weak_type)
    else:
        key = (prim, n, *[(a.shape, a.dtype, a.weak_type) for a in avals])
    if params:
        return (*key, tuple(params.items()))
    return key


def abstract_eval_cached(prim: Primitive, avals: Sequence[ShapedArray], params: dict) -> Any:
    """`prim.abstract_eval`, memoised on the input types and params (tracing calls it for
    every equation; results are immutable avals)."""
    try:
        key = _signature(prim, avals, params)
        out = _aeval_cache.get(key)
    except TypeError:  # unhashable params
        return prim.abstract_eval(*avals, **params)
    if out is None:
        if len(_aeval_cache) > 50_000:
            _aeval_cache.clear()
        out = _aeval_cache[key] = prim.abstract_eval(*avals, **params)
    return out


def _eager_entry(prim: Primitive, avals: Sequence[ShapedArray], params: dict) -> tuple:
    """`(out_aval, fn)` for an eager call: abstract evaluation (which raises the errors
    tracing raises) and a NumPy callable on the operand values, both memoised per signature.
    `fn` is the primitive's `lower` rule's callable when it has one (the shape and dtype
    bookkeeping done once), else `impl` with the params bound."""
    try:
        key = _signature(prim, avals, params)
        entry = _eager_cache.get(key)
    except TypeError:  # unhashable params
        return prim.abstract_eval(*avals, **params), _bound_impl(prim, params)
    if entry is None:
        aval = prim.abstract_eval(*avals, **params)
        if len(_eager_cache) > 50_000:
            _eager_cache.clear()
        entry = _eager_cache[key] = (aval, _eager_fn(prim, avals, aval, params))
    return entry


def _bound_impl(prim: Primitive, params: dict) -> Callable:
    return functools.partial(prim.impl, **params) if params else prim.impl


def _eager_fn(prim: Primitive, avals, aval, params: dict) -> Callable:
    lower = prim.lower
    lo = lower(list(avals), [aval], **params) if lower is not None else None
    if lo is None:
        return _bound_impl(prim, params)
    if not isinstance(lo, tuple):  # a plain callable
        return lo
    fn, consts = lo.fn, lo.consts  # a `lax.lowering.Lowered`
    if fn is None:  # the identity: consts holds the index of the operand returned
        (index,) = consts
        return lambda *vals: vals[index]
    if consts:
        return lambda *vals: fn(*vals, *consts)
    return fn


def _clear_caches(name, value):
    _aeval_cache.clear()
    _eager_cache.clear()


config.add_listener(_clear_caches)


def _as_dtype(value, dtype):
    return value if value.dtype == dtype else np.asarray(value).astype(dtype)


def _is_weak(x) -> bool:
    t = type(x)
    if t is Array:
        return x.weak_type
    return t in (float, int, complex) or getattr(x, "weak_type", False)


def _wrap(value, weak: bool) -> Array:
    a = Array.__new__(Array)
    a._value = value
    a.weak_type = weak
    return a


# ----------------------------------------------------------------------------------------------
# Tracers


class Tracer:
    """A value being traced by one transformation. Subclasses define `aval`."""

    __slots__ = ("_trace",)
    __array_priority__ = 1000

    @property
    def aval(self) -> ShapedArray:
        raise NotImplementedError

    shape = property(lambda self: self.aval.shape)
    dtype = property(lambda self: self.aval.dtype)
    ndim = property(lambda self: self.aval.ndim)
    size = property(lambda self: self.aval.size)
    weak_type = property(lambda self: self.aval.weak_type)

    def to_concrete_value(self) -> Array | None:
        """The concrete value behind this tracer, when the transformation has one."""
        return None

    def _concrete(self, error_cls, what: str):
        val = self.to_concrete_value()
        if val is not None:
            return val
        raise error_cls(_concretization_message(self, what))

    def __bool__(self):
        return bool(self._concrete(TracerBoolConversionError, "bool"))

    def __int__(self):
        return int(self._concrete(ConcretizationTypeError, "int"))

    def __float__(self):
        return float(self._concrete(ConcretizationTypeError, "float"))

    def __complex__(self):
        return complex(self._concrete(ConcretizationTypeError, "complex"))

    def __index__(self):
        return operator.index(self._concrete(TracerIntegerConversionError, "index"))

    def item(self, *args):
        return self._concrete(ConcretizationTypeError, "item").item(*args)

    def tolist(self):
        return self._concrete(ConcretizationTypeError, "tolist").tolist()

    def __array__(self, dtype=None, copy=None):
        val = self.to_concrete_value()
        if val is None:
            raise TracerArrayConversionError(
                f"The numpy.ndarray conversion method __array__() was called on traced array "
                f"with shape {self.aval.str_short()} ({self._trace.name}). Use jaxlite.numpy "
                "functions rather than numpy functions inside transformed functions."
            )
        return np.asarray(val, dtype=dtype)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        from jaxlite._src.lax.shape import index_in_dim  # noqa: PLC0415  (lax sits above core)

        return (index_in_dim(self, i, 0, keepdims=False) for i in range(self.shape[0]))

    def __hash__(self):
        raise TypeError(f"unhashable type: {type(self).__name__}")

    def block_until_ready(self):
        return self

    def __repr__(self):
        return f"Traced<{self.aval.str_short()}>with<{self._trace.name}>"

    def __format__(self, spec):
        return format(repr(self), spec)


_WHAT = {
    "bool": "Attempted boolean conversion of traced array with shape {aval}.",
    "int": "Attempted int conversion of traced array with shape {aval}.",
    "float": "Attempted float conversion of traced array with shape {aval}.",
    "complex": "Attempted complex conversion of traced array with shape {aval}.",
    "index": "Attempted to use traced array with shape {aval} as an integer index.",
    "item": "Attempted item() on traced array with shape {aval}.",
    "tolist": "Attempted tolist() on traced array with shape {aval}.",
}


def _concretization_message(t: Tracer, what: str) -> str:
    head = _WHAT[what].format(aval=t.aval.str_short())
    where = getattr(t._trace, "debug", None)
    ctx = f"\nThe error occurred while tracing {where}." if where else ""
    return (
        f"{head}{ctx}\nThis concrete value is not available in Python because it depends on "
        f"the value of an argument traced by {t._trace.name}: only its shape and dtype are "
        "known here.\nFixes: use jnp.where or lax.cond / lax.while_loop instead of Python "
        "control flow, compute the value from static information (x.shape), or mark the "
        "argument static with jit(f, static_argnums=...) / static_argnames."
    )


def is_tracer(x: Any) -> bool:
    return isinstance(x, Tracer)


# The concrete Array lives in array.py; imported here so core can construct results.
from jaxlite._src import array as _array_module  # noqa: E402
from jaxlite._src.array import Array  # noqa: E402

Array._to_numpy = staticmethod(to_numpy)
_array_module._ShapedArray = ShapedArray

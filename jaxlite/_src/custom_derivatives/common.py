"""Pieces shared by custom_jvp and custom_vjp.

- The user-facing zero and primal records (`SymbolicZero`, `CustomVJPPrimal`).
- Argument handling: keyword arguments resolved to positions, non-differentiable arguments.
- `_Guard`: while a JVP trace runs a rule's user code (the function, the JVP rule, fwd) under
  its parent, a tracer of that JVP trace can only arrive through a Python closure. The guard
  sits between the rule and the parent and turns such a tracer into JAX's closure error
  instead of an escaped-tracer error (or, under a staging parent, a silently captured const).
- `run_batched`: runs a function under a batch trace that adopts the tracers of the batch
  trace processing the call, so functions closing over batched values vmap as in JAX.
- Type checks with messages that name the user's function, the pytree path, and what was
  expected and got.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import ShapedArray, Tracer, get_aval, set_current_trace
from jaxlite._src.errors import UnexpectedTracerError, fun_name, message
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.tree_util import (
    PyTreeDef,
    keystr,
    tree_flatten_with_path,
    tree_map,
    tree_unflatten,
)

# ----------------------------------------------------------------------------------------------
# User-facing records


class SymbolicZero:
    """A zero (co)tangent known without computing it, given to rules with symbolic_zeros=True.

    It carries only the abstract value (`shape`, `dtype`, `aval`); it is not an array. A rule
    may return one (or None) for a zero output.
    """

    __slots__ = ("aval",)

    def __init__(self, aval: Any):
        if not isinstance(aval, ShapedArray):  # e.g. a ShapeDtypeStruct
            aval = ShapedArray(aval.shape, aval.dtype, getattr(aval, "weak_type", False))
        self.aval = aval

    shape = property(lambda self: self.aval.shape)
    dtype = property(lambda self: self.aval.dtype)
    ndim = property(lambda self: self.aval.ndim)
    size = property(lambda self: self.aval.size)
    weak_type = property(lambda self: self.aval.weak_type)

    @staticmethod
    def from_primal_value(x: Any) -> SymbolicZero:
        return SymbolicZero(get_aval(x).to_tangent_aval())

    def instantiate(self) -> Any:
        """The zero array this symbolic zero stands for."""
        return ad.zeros_like_aval(self.aval)

    def __getattr__(self, name: str) -> Any:
        # Other attributes come from the abstract value (`str_short`, `update`, ...), as in JAX.
        if name == "aval":
            raise AttributeError(name)
        return getattr(self.aval, name)

    def __repr__(self):
        return "SymbolicZero"


@dataclass(slots=True)
class CustomVJPPrimal:
    """A primal argument leaf given to fwd when symbolic_zeros=True: its value and whether it
    is perturbed (involved in differentiation)."""

    value: Any
    perturbed: bool


def zero_from_primal(val: Any, symbolic_zeros: bool = False) -> Any:
    """Zero tangents for the leaves of `val` (SymbolicZero objects when `symbolic_zeros`)."""

    def one(x):
        aval = get_aval(x).to_tangent_aval()
        return SymbolicZero(aval) if symbolic_zeros else ad.zeros_like_aval(aval)

    return tree_map(one, val)


def custom_vjp_primal_tree_values(tree: Any) -> Any:
    """Replaces each CustomVJPPrimal leaf of `tree` by its value."""

    def value(leaf):
        if type(leaf) is not CustomVJPPrimal:
            raise TypeError(f"expected CustomVJPPrimal leaves, got {type(leaf).__name__}")
        return leaf.value

    return tree_map(value, tree)


@dataclass(frozen=True)
class VJPExtras:
    """What a custom_vjp call carries besides fun, fwd and bwd. The interpreters pass it
    through untouched in their `out_trees` slot (where JAX passes its output-tree thunk).

    jvp: flat forward-mode rule `(primals, tangents) -> (outs, tangents_out)`, or None.
    transpose: forward mode by transposing bwd (bwd is linear in the cotangent).
    optimize_remat: fwd runs as a `remat_opt` call, replaced by the function when its
      residuals are dead (forward pass of a checkpoint).
    """

    jvp: Callable | None = None
    transpose: bool = False
    optimize_remat: bool = False

    def replace(self, **changes: Any) -> VJPExtras:
        return dataclasses.replace(self, **changes)


class CustomVJPException(UnexpectedTracerError):
    """A custom_vjp function was differentiated with respect to a value it closes over.

    Subclasses UnexpectedTracerError: JAX raises that type for the same mistake outside jit.
    """


# ----------------------------------------------------------------------------------------------
# Arguments


_SIGNATURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _signature(fun: Callable) -> tuple:
    """`(signature or None, positional parameter names, has *args)`, cached per function."""
    try:
        return _SIGNATURES[fun]
    except (KeyError, TypeError):
        pass
    sig = None
    if not isinstance(fun, functools.partial):  # as JAX: a partial's signature is opaque
        try:
            sig = inspect.signature(fun)
        except (TypeError, ValueError):
            sig = None
    names: list[str] = []
    var = sig is None
    for p in sig.parameters.values() if sig is not None else ():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            var = True
    info = (sig, tuple(names), var)
    try:
        _SIGNATURES[fun] = info
    except TypeError:
        pass
    return info


def resolve_kwargs(fun: Callable, args: tuple, kwargs: dict, kind: str) -> tuple:
    """Positional arguments for `fun(*args, **kwargs)`, defaults applied (inspect.signature)."""
    sig, names, var = _signature(fun)
    if not kwargs and (len(args) == len(names) or (var and len(args) >= len(names))):
        return tuple(args)  # nothing to resolve (the common case)
    if sig is None:
        if kwargs:
            raise TypeError(
                f"The input arguments to the {kind}-decorated function {fun_name(fun)} could "
                "not be resolved to positional-only arguments: its signature is not available, "
                f"so keyword arguments {', '.join(kwargs)} cannot be mapped to positions."
            )
        return tuple(args)
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(
            f"The input arguments to the {kind}-decorated function {fun_name(fun)} could not be "
            f"resolved to positional-only arguments. Binding failed with the error:\n{e}"
        ) from e
    bound.apply_defaults()
    passed = [k for k in bound.kwargs if k in kwargs]
    if passed:
        raise TypeError(
            f"The input arguments to the {kind}-decorated function {fun_name(fun)} could not be "
            "resolved to positional-only arguments. The following keyword arguments could not "
            f"be resolved to positions: {', '.join(passed)}. Keyword-only parameters of a "
            f"{kind} function cannot be passed; make them positional parameters."
        )
    return tuple(bound.args)


def arg_names(fun: Callable, n: int) -> list[str | None]:
    """Parameter names of the first `n` positional arguments of `fun` (None where unknown)."""
    sig, names, var = _signature(fun)
    out: list[str | None] = list(names)
    if var and sig is not None:
        star = next(p.name for p in sig.parameters.values() if p.kind is p.VAR_POSITIONAL)
        out.extend(f"{star}[{i}]" for i in range(n - len(out)))
    return (out + [None] * n)[:n]


def split_nondiff(args: tuple, nondiff_argnums: Sequence[int]) -> tuple[list, list, Callable]:
    """`(static, dynamic, merge)`; `merge(dynamic_values)` rebuilds the full argument list."""
    nd = {i % len(args) if args else i for i in nondiff_argnums}
    for i in nondiff_argnums:
        if not -len(args) <= i < len(args):
            raise TypeError(
                f"nondiff_argnums={tuple(nondiff_argnums)} refers to argument {i}, but the "
                f"function was called with {len(args)} positional arguments."
            )
    static = [args[i] for i in sorted(nd)]
    dyn = [a for i, a in enumerate(args) if i not in nd]

    def merge(dyn_vals: Sequence[Any]) -> list:
        it = iter(dyn_vals)
        return [args[i] if i in nd else next(it) for i in range(len(args))]

    return static, dyn, merge


# ----------------------------------------------------------------------------------------------
# Zeros and tangent types


def to_user_tangent(t: Any, symbolic_zeros: bool) -> Any:
    """An internal tangent as a rule sees it: Zero becomes SymbolicZero or a zero array."""
    if type(t) is ad.Zero:
        return SymbolicZero(t.aval) if symbolic_zeros else ad.zeros_like_aval(t.aval)
    return t


def tangent_aval(x: Any) -> ShapedArray:
    return get_aval(x).to_tangent_aval()


def same_type(a: ShapedArray, b: ShapedArray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype


def short(x: Any) -> str:
    if x is None:
        return "None"
    if isinstance(x, (SymbolicZero, ad.Zero)):
        return f"SymbolicZero({x.aval.str_short()})"
    try:
        return get_aval(x).str_short()
    except TypeError:
        return type(x).__name__


def type_tree(tree: PyTreeDef, leaves: Sequence[Any]) -> str:
    """A pytree of short types, as in `(f32[], {'a': i32[3]})`."""

    class _T:
        def __init__(self, s):
            self.s = s

        def __repr__(self):
            return self.s

    return str(tree_unflatten(tree, [_T(short(x)) for x in leaves]))


def leaf_paths(tree: PyTreeDef) -> list[str]:
    """`keystr` paths of the leaves of `tree`."""
    dummy = tree_unflatten(tree, [object()] * tree.num_leaves)
    return [keystr(p) for p, _ in tree_flatten_with_path(dummy)[0]]


def cast_weak(x: Any, want: ShapedArray, wrap_scalars: bool = False) -> Any:
    """A weakly typed value (a Python scalar) converted to `want.dtype`; anything else as is.
    With `wrap_scalars`, Python scalars always become arrays of `want`'s type."""
    a = get_aval(x)
    if (
        wrap_scalars
        and type(x) in (bool, int, float, complex)
        and (a.dtype == want.dtype or dtypes.is_inexact(want.dtype))
    ):
        return core._wrap(np.asarray(x, want.dtype), want.weak_type)
    if (
        a.dtype != want.dtype
        and a.weak_type
        and dtypes.is_inexact(want.dtype)
        and (a.dtype.kind in "biuf" or want.dtype.kind == "c")
    ):
        from jaxlite._src.lax.elementwise import convert_element_type  # noqa: PLC0415

        return convert_element_type(x, want.dtype)
    return x


# ----------------------------------------------------------------------------------------------
# The closure guard


def _closure_error(kind: str, fun: Any) -> Exception:
    if kind == "custom_vjp":
        return CustomVJPException(
            message(
                "Detected differentiation of a custom_vjp function with respect to a closed-over "
                "value. That isn't supported because the custom VJP rule only specifies how to "
                "differentiate the custom_vjp function with respect to explicit input parameters.",
                fun=fun,
                fix="Pass the closed-over value into the custom_vjp function as an argument and "
                "adapt fwd and bwd, or hoist closed-over values with "
                "`fun, consts = jaxlite.closure_convert(fun, *example_args)` and pass `consts` as "
                "explicit arguments.",
            )
        )
    return UnexpectedTracerError(
        message(
            "Detected differentiation of a custom_jvp function with respect to a closed-over "
            "value (a tracer of the differentiation in progress). The custom JVP rule only "
            "specifies how to differentiate the function with respect to its explicit arguments.",
            fun=fun,
            fix="Pass the closed-over value as an argument of the custom_jvp function (and handle "
            "its tangent in the rule), or hoist it with jaxlite.closure_convert.",
        )
    )


class _Guard(core.Trace):
    """Passes everything to `parent`, rejecting tracers of `owner` (see the module docstring)."""

    name = "custom rule"

    def __init__(self, parent: core.Trace, owner: weakref.ref, kind: str, fun: Any):
        self.parent = parent
        self.owner = owner
        self.kind = kind
        self.fun = fun

    def _check(self, args: Sequence[Any]) -> None:
        owner = self.owner()
        for x in args:
            if isinstance(x, Tracer) and x._trace is owner:
                raise _closure_error(self.kind, self.fun)

    def wrap(self, fn: Callable | None) -> Callable | None:
        return None if fn is None else guarded(fn, self.owner, self.kind, self.fun)

    def process_primitive(self, prim, args, params):
        self._check(args)
        with set_current_trace(self.parent):
            return prim.bind(*args, **params)

    def process_custom_jvp_call(self, prim, fun, jvp, args, *, symbolic_zeros):
        self._check(args)
        with set_current_trace(self.parent):
            return self.parent.process_custom_jvp_call(
                prim, self.wrap(fun), self.wrap(jvp), args, symbolic_zeros=symbolic_zeros
            )

    def process_custom_vjp_call(self, prim, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        self._check(args)
        extras = out_trees
        if extras is not None and extras.jvp is not None:
            extras = extras.replace(jvp=self.wrap(extras.jvp))
        with set_current_trace(self.parent):
            return self.parent.process_custom_vjp_call(
                prim,
                self.wrap(fun),
                self.wrap(fwd),
                bwd,
                args,
                out_trees=extras,
                symbolic_zeros=symbolic_zeros,
            )


def guarded(fn: Callable, owner: weakref.ref, kind: str, fun: Any) -> Callable:
    """`fn` run under a `_Guard` over whatever trace is current when it is called."""

    def run(*args, **kwargs):
        with set_current_trace(_Guard(core.current_trace(), owner, kind, fun)):
            return fn(*args, **kwargs)

    run.__name__ = getattr(fn, "__name__", "fun")
    run.__qualname__ = getattr(fn, "__qualname__", run.__name__)
    return run


def run_guarded(trace: core.Trace, kind: str, fun: Any, fn: Callable, *args, **kwargs):
    """Runs `fn` with `trace.parent` current, rejecting closed-over tracers of `trace`."""
    guard = _Guard(trace.parent, weakref.ref(trace), kind, fun)
    with set_current_trace(guard):
        return fn(*args, **kwargs)


# ----------------------------------------------------------------------------------------------
# Batching with closures


class _AdoptingBatchTrace(batching.BatchTrace):
    """A batch trace that also treats the tracers of the traces in `adopted` as its own."""

    def __init__(self, parent, axis_size, axis_name, adopted: frozenset):
        super().__init__(parent, axis_size, axis_name)
        self.adopted = adopted

    def unpack(self, x):
        if isinstance(x, batching.BatchTracer) and (x._trace is self or x._trace in self.adopted):
            return x.val, x.batch_dim
        return x, None


def adopted_by(trace: batching.BatchTrace) -> frozenset:
    return getattr(trace, "adopted", frozenset()) | {trace}


def run_batched(
    trace: batching.BatchTrace, fn: Callable, args: Sequence[Any], dims: Sequence[int | None]
) -> tuple[list, list]:
    """Runs `fn(*args)` (values batched at `dims`) under a batch trace over the current trace
    that adopts `trace`'s tracers. Returns the output values and their batch dims."""
    sub = _AdoptingBatchTrace(
        core.current_trace(), trace.axis_size, trace.axis_name, adopted_by(trace)
    )
    ins = [
        unbatched_zero(a, d) if type(a) is ad.Zero else sub.maybe_tracer(a, d)
        for a, d in zip(args, dims, strict=True)
    ]
    with set_current_trace(sub):
        outs = fn(*ins)
    vals, out_dims = [], []
    for o in outs:
        v, d = sub.unpack(o) if not isinstance(o, ad.Zero) else (o, None)
        vals.append(v)
        out_dims.append(d)
    return vals, out_dims


def move_to(x: Any, src: int | None, dst: int | None, size: int) -> Any:
    """Moves (or broadcasts) the batch dim of a value; Zero avals are adjusted."""
    if src == dst:
        return x
    if isinstance(x, ad.Zero):
        a = x.aval
        shape = list(a.shape)
        if src is not None:
            del shape[src]
        if dst is not None:
            shape.insert(dst, size)
        return ad.Zero(a.update(shape=tuple(shape)))
    if dst is None:
        raise core.InternalError("internal: cannot unbatch a batched value")
    return batching.matchaxis(x, src, dst, size)


def unbatched_zero(z: Any, dim: int | None) -> Any:
    """A Zero of a batched value as seen per example (without the batch dim)."""
    if dim is None or type(z) is not ad.Zero:
        return z
    shape = list(z.aval.shape)
    del shape[dim]
    return ad.Zero(z.aval.update(shape=tuple(shape)))


class DimStore:
    """Batch dims of a batched call's outputs, fixed by whichever of its functions runs first
    (the function, its rule, fwd), so that all of them agree with the staged output types."""

    __slots__ = ("out", "res")

    def __init__(self):
        self.out: list | None = None
        self.res: list | None = None

    def settle(self, dims: list, what: str, kind: str, fun: Any) -> list:
        if self.out is None:
            self.out = [None if d is None else 0 for d in dims]
            return self.out
        for i, (d, s) in enumerate(zip(dims, self.out, strict=True)):
            if d is not None and s is None:
                raise ValueError(
                    message(
                        f"Under vmap, the {what} of a {kind} function produced a batched value for "
                        f"output {i} where the function itself produced an unbatched one; the rule "
                        "must depend on the same batched values as the function.",
                        fun=fun,
                    )
                )
        return self.out


def align(vals: list, dims: list, target: list, size: int) -> list:
    return [move_to(v, d, t, size) for v, d, t in zip(vals, dims, target, strict=True)]


# ----------------------------------------------------------------------------------------------
# Staging helpers


def trace_call(fun: Callable, args: Sequence[Any], name: str):
    """Traces `fun` at the avals of `args`; returns (jaxpr with consts as leading invars,
    consts)."""
    closed = pe.trace_to_jaxpr(fun, [get_aval(x) for x in args], name=name)
    return pe.convert_constvars(closed)


def perturbed_const_error(kind: str, fun: Any) -> Exception:
    return _closure_error(kind, fun)

"""`jit`: trace once per signature, optimise, run generated NumPy code.

The staged call is the `jit` primitive carrying a closed jaxpr; its rules transform that
jaxpr (JVP, transpose, batching, partial evaluation), so `grad(jit(f))`, `jit(grad(f))` and
`vmap(jit(f))` all stay compiled.
"""

from __future__ import annotations

import functools
import inspect
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.api_util import check_arg, debug_name, flatten_fun
from jaxlite._src.config import config
from jaxlite._src.core import Array, Tracer
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.jaxpr import ClosedJaxpr, Jaxpr
from jaxlite._src.jit import passes
from jaxlite._src.jit.codegen import compile_jaxpr
from jaxlite._src.tree_util import tree_flatten, tree_unflatten

jit_p = core.Primitive("jit", multiple_results=True)
jit_p.pp_binders_from_call = True  # JAX prints a jit body with the call's variable names


def _run(closed: ClosedJaxpr, vals: Sequence[Any]) -> list:
    return compile_jaxpr(closed)(*vals)


def _jit_impl(*vals, jaxpr: ClosedJaxpr, name: str):
    return _run(_optimized(jaxpr), vals)


def _jit_eval(*args, jaxpr: ClosedJaxpr, name: str):
    vals = [core.to_numpy(x) for x in args]
    outs = _run(_optimized(jaxpr), vals)
    return [core._wrap(o, a.weak_type) for o, a in zip(outs, jaxpr.out_avals, strict=True)]


_opt_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _inlined_calls() -> dict:
    """Call primitives whose bodies jit inlines: when executing, they just run their jaxpr."""
    from jaxlite._src import custom_derivatives as cd  # noqa: PLC0415

    return {jit_p: "jaxpr", cd.custom_jvp_call_p: "call_jaxpr", cd.custom_vjp_call_p: "call_jaxpr"}


def _optimized(closed: ClosedJaxpr) -> ClosedJaxpr:
    out = _opt_cache.get(closed)
    if out is None:
        out = _opt_cache[closed] = passes.optimize(closed, _inlined_calls())
    return out


jit_p.impl = _jit_impl
jit_p.eval_impl = _jit_eval
jit_p.abstract_eval = lambda *avals, jaxpr, name: list(jaxpr.out_avals)
jit_p.weak_type_rule = lambda *w, jaxpr, name: [a.weak_type for a in jaxpr.out_avals]

_jvp_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _memo(cache, closed, key, make):
    per = cache.setdefault(closed, {})
    if key not in per:
        per[key] = make()
    return per[key]


def _jit_jvp(primals, tangents, *, jaxpr, name):
    nonzeros = tuple(type(t) is not ad.Zero for t in tangents)
    new, out_nz = _memo(_jvp_cache, jaxpr, nonzeros, lambda: ad.jvp_jaxpr(jaxpr, nonzeros))
    nz_tangents = [t for t in tangents if type(t) is not ad.Zero]
    outs = jit_p.bind(*primals, *nz_tangents, jaxpr=new, name=name)
    n = len(jaxpr.out_avals)
    primals_out, tangents_nz = outs[:n], iter(outs[n:])
    tangents_out = [
        next(tangents_nz) if nz else ad.Zero(a.to_tangent_aval())
        for nz, a in zip(out_nz, jaxpr.out_avals, strict=True)
    ]
    return primals_out, tangents_out


_transpose_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _jit_transpose(cts, *args, jaxpr, name):
    linear = tuple(type(x) is ad.UndefinedPrimal for x in args)
    new = _memo(_transpose_cache, jaxpr, linear, lambda: ad.transpose_jaxpr(jaxpr, linear))
    res = [x for x, lin in zip(args, linear, strict=True) if not lin]
    cts = [ad.instantiate_zeros(c) for c in cts]
    outs = iter(jit_p.bind(*res, *cts, jaxpr=new, name=name))
    return [next(outs) if lin else None for lin in linear]


_batch_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _jit_batch(axis_size, vals, dims, *, jaxpr, name):
    key = (axis_size, tuple(dims))
    new, out_dims = _memo(
        _batch_cache, jaxpr, key, lambda: batching.batch_jaxpr(jaxpr, axis_size, dims)
    )
    return jit_p.bind(*vals, jaxpr=new, name=name), out_dims


_pe_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _forwarded_residuals(known: ClosedJaxpr, num_res: int):
    """Residuals that are just known inputs are passed straight through, not returned (as JAX
    does), so the known call does not output copies of its arguments."""
    j = known.jaxpr
    n_out = len(j.outvars) - num_res
    pos = {v: i for i, v in enumerate(j.invars)}
    fwd = [pos.get(v) for v in j.outvars[n_out:]]
    keep = j.outvars[:n_out] + [v for v, f in zip(j.outvars[n_out:], fwd, strict=True) if f is None]
    return ClosedJaxpr(Jaxpr(j.constvars, j.invars, keep, j.eqns), known.consts), fwd


def _jit_partial_eval(trace: pe.JaxprTrace, args, *, jaxpr, name):
    unknowns = tuple(trace.is_own(x) for x in args)

    def split():
        known, unknown, out_unknowns, num_res = pe.partial_eval_jaxpr(jaxpr, unknowns)
        known, fwd = _forwarded_residuals(known, num_res)
        return known, unknown, out_unknowns, fwd

    known, unknown, out_unknowns, fwd = _memo(_pe_cache, jaxpr, unknowns, split)
    known_args = [x for x, u in zip(args, unknowns, strict=True) if not u]
    with core.set_current_trace(trace.parent):
        known_outs = jit_p.bind(*known_args, jaxpr=known, name=name)
    n_known = len(out_unknowns) - sum(out_unknowns)
    returned = iter(known_outs[n_known:])
    res = [known_args[f] if f is not None else next(returned) for f in fwd]
    unknown_args = [x for x, u in zip(args, unknowns, strict=True) if u]
    unknown_outs = iter(trace.stage(jit_p, [*res, *unknown_args], {"jaxpr": unknown, "name": name}))
    known_iter = iter(known_outs[:n_known])
    return [next(unknown_outs) if u else next(known_iter) for u in out_unknowns]


def _jit_dce(used_outputs, eqn):
    closed = eqn.params["jaxpr"]
    j, used_inputs = pe.dce_jaxpr(closed.jaxpr, used_outputs)
    j = Jaxpr(
        j.constvars, [v for v, u in zip(j.invars, used_inputs, strict=True) if u], j.outvars, j.eqns
    )
    new = ClosedJaxpr(j, closed.consts)
    new_eqn = eqn._replace(
        invars=[v for v, u in zip(eqn.invars, used_inputs, strict=True) if u],
        outvars=[v for v, u in zip(eqn.outvars, used_outputs, strict=True) if u],
        params={**eqn.params, "jaxpr": new},
    )
    return used_inputs, new_eqn


jit_p.jvp = _jit_jvp
jit_p.transpose = _jit_transpose
jit_p.batch = _jit_batch
jit_p.partial_eval = _jit_partial_eval
jit_p.dce = _jit_dce


# ----------------------------------------------------------------------------------------------
# The user-facing wrapper


def _leaf_key(x: Any):
    t = type(x)
    if t is Array:
        v = x._value
        return (v.shape, v.dtype, x.weak_type)
    if t in (float, int, bool, complex):
        # Same key as an abstract value of the scalar, so tracing under grad shares entries.
        return ((), dtypes.weak_scalar_dtype(x), t is not bool)
    a = core.get_aval(x)
    return (a.shape, a.dtype, a.weak_type)


class _Entry:
    """A traced signature: its jaxpr, output structure and (once compiled) the function."""

    __slots__ = ("closed", "out_tree", "has_tracer_consts", "fn", "out_weak", "single")

    def __init__(self, closed: ClosedJaxpr, out_tree, has_tracer_consts: bool):
        self.closed = closed
        self.out_tree = out_tree
        self.has_tracer_consts = has_tracer_consts
        self.fn = None
        self.out_weak = [a.weak_type for a in closed.out_avals]
        self.single = out_tree.node_data() is None  # the output is one array


# Structure of `(args, {})` for a call with n Array arguments, by n.
_flat_trees: dict[int, Any] = {}


class JitWrapped:
    """A function compiled by `jit`: traced once per argument signature."""

    def __init__(
        self,
        fun: Callable,
        static_argnums: tuple,
        static_argnames: tuple,
        donate_argnums: tuple = (),
    ):
        self._fun = fun
        self._static_argnums = static_argnums
        self._static_argnames = static_argnames
        self._cache: dict = {}
        functools.update_wrapper(self, fun, updated=())

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    def _split(self, args, kwargs):
        """Splits static from dynamic arguments. A static parameter may come positionally
        (static_argnums) or by keyword (static_argnames), as in JAX."""
        snums = self._static_argnums
        if snums:
            n = len(args)
            static = tuple((i, args[i]) for i in snums if i < n)
            for i in snums:
                if i >= n and self._param_name(i) not in kwargs:
                    raise ValueError(
                        f"jitted function has static_argnums={snums}, but only accepts {n} "
                        "positional arguments."
                    )
            pos = {i for i, _ in static}
            dyn = tuple(a for i, a in enumerate(args) if i not in pos)
        else:
            static, dyn = (), args
        if self._static_argnames and kwargs:
            skw = tuple(sorted((k, v) for k, v in kwargs.items() if k in self._static_argnames))
            kwargs = {k: v for k, v in kwargs.items() if k not in self._static_argnames}
        else:
            skw = ()
        return static, skw, dyn, kwargs

    def _param_name(self, i: int) -> str | None:
        try:
            names = [p.name for p in inspect.signature(self._fun).parameters.values()]
        except (TypeError, ValueError):
            return None
        return names[i] if i < len(names) else None

    def _fun_for(self, static, skw):
        fun = self._fun
        if not static and not skw:
            return fun
        skw_d = dict(skw)
        static_d = dict(static)

        def f(*dyn, **kw):
            it = iter(dyn)
            full = [
                static_d[i] if i in static_d else next(it) for i in range(len(dyn) + len(static_d))
            ]
            return fun(*full, **kw, **skw_d)

        return f

    def _trace(self, key, static, skw, leaves, in_tree):
        for x in leaves:
            check_arg(x, "jit")
        flat_fun, store = flatten_fun(self._fun_for(static, skw), in_tree)
        avals = [core.get_aval(x) for x in leaves]
        closed = pe.trace_to_jaxpr(flat_fun, avals, name="jit", debug=debug_name(self._fun, "jit"))
        entry = _Entry(closed, store.tree, any(isinstance(c, Tracer) for c in closed.consts))
        if not entry.has_tracer_consts:
            self._cache[key] = entry
        return entry

    def __call__(self, *args, **kwargs):
        if self._static_argnums or self._static_argnames:
            static, skw, dyn, kwargs = self._split(args, kwargs)
        else:
            static = skw = ()
            dyn = args
        if not kwargs and all(type(a) is Array for a in dyn):
            # Only Arrays: the structure depends on their number alone (no flattening).
            leaves = dyn
            in_tree = _flat_trees.get(len(dyn))
            if in_tree is None:
                in_tree = _flat_trees[len(dyn)] = tree_flatten((dyn, {}))[1]
        else:
            leaves, in_tree = tree_flatten((dyn, kwargs))
        key = (in_tree, static, skw, config.x64_enabled, *map(_leaf_key, leaves))
        try:
            entry = self._cache.get(key)
        except TypeError as e:
            raise ValueError(
                "Non-hashable static arguments are not supported: static arguments must be "
                f"hashable, got {[type(s).__name__ for s in static]}"
            ) from e
        if entry is None:
            entry = self._trace(key, static, skw, leaves, in_tree)
        if core._ctx.trace is core.eval_trace and not entry.has_tracer_consts:
            # The eager path: run the compiled code on the NumPy values directly.
            fn = entry.fn
            if fn is None:
                fn = entry.fn = compile_jaxpr(_optimized(entry.closed))
            outs = fn(*[x._value if type(x) is Array else core.to_numpy(x) for x in leaves])
            wrap = core._wrap
            if entry.single:
                return wrap(outs[0], entry.out_weak[0])
            return entry.out_tree.unflatten(
                [wrap(o, w) for o, w in zip(outs, entry.out_weak, strict=True)]
            )
        closed = entry.closed
        if entry.has_tracer_consts:
            jaxpr, consts = pe.convert_constvars(closed)
            closed = ClosedJaxpr(jaxpr, [])
            leaves = [*consts, *leaves]
        if core._ctx.trace is core.eval_trace:
            outs = _jit_eval(*leaves, jaxpr=closed, name=self.__name__)
        else:
            outs = jit_p.bind(*leaves, jaxpr=closed, name=getattr(self, "__name__", "fun"))
        return tree_unflatten(entry.out_tree, outs)

    def _cache_size(self) -> int:
        return len(self._cache)

    def clear_cache(self) -> None:
        self._cache.clear()

    def lower(self, *args, **kwargs):
        raise NotImplementedError("jaxlite compiles to NumPy code; there is no lowering step")

    def eval_shape(self, *args, **kwargs):
        from jaxlite._src.api import eval_shape  # noqa: PLC0415

        return eval_shape(self, *args, **kwargs)

    def trace(self, *args, **kwargs):
        from jaxlite._src.api import make_jaxpr  # noqa: PLC0415

        return make_jaxpr(self._fun)(*args, **kwargs)

    def source(self, *args, **kwargs) -> str:
        """The generated Python source for these arguments (jaxlite extension)."""
        static, skw, dyn, kwargs = self._split(args, kwargs)
        leaves, in_tree = tree_flatten((dyn, kwargs))
        key = (in_tree, static, skw, config.x64_enabled, *[_leaf_key(x) for x in leaves])
        entry = self._cache.get(key) or self._trace(key, static, skw, leaves, in_tree)
        return compile_jaxpr(_optimized(entry.closed)).__source__


def _resolve_static(fun, static_argnums, static_argnames):
    nums = (
        ()
        if static_argnums is None
        else ((static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums))
    )
    names = (
        ()
        if static_argnames is None
        else ((static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames))
    )
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    # As JAX: static_argnums imply their names and vice versa.
    nums = tuple(
        sorted(
            {n % len(positional) if n < 0 and positional else n for n in nums}
            | {positional.index(n) for n in names if n in positional}
        )
    )
    names = tuple(sorted(set(names) | {positional[n] for n in nums if n < len(positional)}))
    return nums, names


def jit(
    fun: Callable | None = None,
    *,
    static_argnums: int | Sequence[int] | None = None,
    static_argnames: str | Sequence[str] | None = None,
    donate_argnums: int | Sequence[int] | None = None,
    donate_argnames: Any = None,
    keep_unused: bool = False,
    device: Any = None,
    backend: Any = None,
    inline: bool = False,
    abstracted_axes: Any = None,
    in_shardings: Any = None,
    out_shardings: Any = None,
) -> Any:
    """Compiles `fun`: traced once per input signature, run as generated NumPy code.

    Args:
      fun: function of array pytrees.
      static_argnums: positional arguments treated as compile-time constants (hashable).
      static_argnames: keyword arguments treated as compile-time constants.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> jax.jit(lambda x: x * 2)(jnp.arange(3))
    Array([0, 2, 4], dtype=int32)
    """
    if fun is None:
        return lambda f: jit(
            f,
            static_argnums=static_argnums,
            static_argnames=static_argnames,
            donate_argnums=donate_argnums,
        )
    if not callable(fun):
        raise TypeError(f"Expected a callable value, got {fun!r}")
    nums, names = _resolve_static(fun, static_argnums, static_argnames)
    return JitWrapped(fun, nums, names)


_ = np

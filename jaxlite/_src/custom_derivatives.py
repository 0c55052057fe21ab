"""custom_jvp and custom_vjp: user-defined derivative rules carried by primitives.

`custom_jvp_call` and `custom_vjp_call` are primitives holding the (flattened) function and
its rules, so a custom function keeps its rule wherever it is called. Each trace handles them
through its per-kind hook: evaluation runs the function, JVP runs the rule, batching vmaps
function and rules, staging records an equation whose `call_jaxpr` is the traced function.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import Tracer, get_aval, set_current_trace
from jaxlite._src.errors import fun_name
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.jaxpr import ClosedJaxpr, jaxpr_as_fun
from jaxlite._src.lax.shape import reduce_sum
from jaxlite._src.tree_util import tree_flatten, tree_structure, tree_unflatten


def _zeros(aval: core.ShapedArray) -> Any:
    return ad.zeros_like_aval(aval)


def _instantiate(t: Any) -> Any:
    return ad.instantiate_zeros(t)


# ----------------------------------------------------------------------------------------------
# custom_jvp_call


class CustomJVPCallPrimitive(core.Primitive):
    def __init__(self):
        super().__init__("custom_jvp_call", multiple_results=True)

    def bind_fun(self, fun: Callable, jvp: Callable, args: Sequence[Any], *,
                 symbolic_zeros: bool) -> list:
        return core.current_trace().process_custom_jvp_call(
            self, fun, jvp, list(args), symbolic_zeros=symbolic_zeros)

    def bind(self, *args, call_jaxpr, jvp, symbolic_zeros, name):  # from a jaxpr equation
        fun = jaxpr_as_fun(call_jaxpr)
        fun.__name__ = name
        return self.bind_fun(fun, jvp, args, symbolic_zeros=symbolic_zeros)

    def process_jvp(self, trace, fun, jvp, args, *, symbolic_zeros):
        primals, tangents = zip(*[trace.unpack(x) for x in args]) if args else ((), ())
        if all(t is None or type(t) is ad.Zero for t in tangents):
            with set_current_trace(trace.parent):
                return self.bind_fun(fun, jvp, primals, symbolic_zeros=symbolic_zeros)
        tangents = [ad.Zero.from_primal_value(p) if t is None else t
                    for p, t in zip(primals, tangents, strict=True)]
        with set_current_trace(trace.parent):
            outs, touts = jvp(list(primals), tangents)
        return [trace.maybe_tracer(p, t) for p, t in zip(outs, touts, strict=True)]

    def process_batch(self, trace, fun, jvp, args, *, symbolic_zeros):
        vals, dims = zip(*[trace.unpack(x) for x in args]) if args else ((), ())
        dims = list(dims)
        if all(d is None for d in dims):
            with set_current_trace(trace.parent):
                return self.bind_fun(fun, jvp, vals, symbolic_zeros=symbolic_zeros)
        size = trace.axis_size

        def fun_b(*xs):
            return batching.vmap_flat(fun, size, dims, lambda n: [0] * n, xs)

        def jvp_b(primals, tangents):
            n = len(primals)

            def flat(*pt):
                o, t = jvp(list(pt[:n]), list(pt[n:]))
                return [*o, *[_instantiate(x) for x in t]]

            tangents = [_instantiate(t) for t in tangents]
            res = batching.vmap_flat(flat, size, [*dims, *dims], lambda k: [0] * k,
                                     [*primals, *tangents])
            k = len(res) // 2
            return res[:k], res[k:]

        fun_b.__name__ = getattr(fun, "__name__", "fun")
        with set_current_trace(trace.parent):
            outs = self.bind_fun(fun_b, jvp_b, vals, symbolic_zeros=False)
        return [trace.maybe_tracer(o, 0) for o in outs]

    def stage(self, trace, fun, jvp, args, *, symbolic_zeros):
        closed = pe.trace_to_jaxpr(fun, [get_aval(x) for x in args], name="custom_jvp")
        jaxpr, consts = pe.convert_constvars(closed)
        nc = len(consts)

        def jvp_c(primals, tangents):
            outs, touts = jvp(primals[nc:], tangents[nc:])
            return outs, touts

        jvp_c.__name__ = "jvp"
        params = dict(name=getattr(fun, "__name__", "fun"), call_jaxpr=ClosedJaxpr(jaxpr, []),
                      jvp=jvp_c, symbolic_zeros=symbolic_zeros)
        return trace.stage(self, [*consts, *args], params)


custom_jvp_call_p = CustomJVPCallPrimitive()
custom_jvp_call_p.abstract_eval = lambda *avals, call_jaxpr, **p: list(call_jaxpr.out_avals)


def _call_impl(*vals, call_jaxpr, **params):
    from jaxlite._src.jit.codegen import compile_jaxpr  # noqa: PLC0415

    return compile_jaxpr(call_jaxpr)(*vals)


custom_jvp_call_p.impl = _call_impl


# ----------------------------------------------------------------------------------------------
# custom_vjp_call and custom_lin


class CustomVJPCallPrimitive(core.Primitive):
    def __init__(self):
        super().__init__("custom_vjp_call", multiple_results=True)

    def bind_fun(self, fun, fwd, bwd, args, *, symbolic_zeros: bool) -> list:
        return core.current_trace().process_custom_vjp_call(
            self, fun, fwd, bwd, list(args), out_trees=None, symbolic_zeros=symbolic_zeros)

    def bind(self, *args, call_jaxpr, fwd, bwd, symbolic_zeros, name):  # from a jaxpr
        fun = jaxpr_as_fun(call_jaxpr)
        fun.__name__ = name
        return self.bind_fun(fun, fwd, bwd, args, symbolic_zeros=symbolic_zeros)

    def process_jvp(self, trace, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        primals, tangents = zip(*[trace.unpack(x) for x in args]) if args else ((), ())
        if all(t is None or type(t) is ad.Zero for t in tangents):
            with set_current_trace(trace.parent):
                return self.bind_fun(fun, fwd, bwd, primals, symbolic_zeros=symbolic_zeros)
        nz = [not (t is None or type(t) is ad.Zero) for t in tangents]
        with set_current_trace(trace.parent):
            outs, res = fwd(*primals, perturbed=nz)
            out_avals = [get_aval(o).to_tangent_aval() for o in outs]
            touts = custom_lin_p.bind(
                *res, *[t for t, z in zip(tangents, nz, strict=True) if z],
                num_res=len(res), bwd=bwd, out_avals=tuple(out_avals), nonzeros=tuple(nz),
                symbolic_zeros=symbolic_zeros,
            )
        return [trace.maybe_tracer(p, t) for p, t in zip(outs, touts, strict=True)]

    def process_batch(self, trace, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        vals, dims = zip(*[trace.unpack(x) for x in args]) if args else ((), ())
        dims = list(dims)
        if all(d is None for d in dims):
            with set_current_trace(trace.parent):
                return self.bind_fun(fun, fwd, bwd, vals, symbolic_zeros=symbolic_zeros)
        size = trace.axis_size

        def fun_b(*xs):
            return batching.vmap_flat(fun, size, dims, lambda n: [0] * n, xs)

        def fwd_b(*xs, perturbed):
            n_out = []

            def flat(*ys):
                o, r = fwd(*ys, perturbed=perturbed)
                n_out[:] = [len(o)]
                return [*o, *r]

            r = batching.vmap_flat(flat, size, dims, lambda k: [0] * k, xs)
            return r[: n_out[0]], r[n_out[0]:]

        def bwd_b(res, cts):
            k = len(res)

            def flat(*rc):
                return [_instantiate(c) for c in bwd(list(rc[:k]), list(rc[k:]))]

            cts = [_instantiate(c) for c in cts]
            out = batching.vmap_flat(flat, size, [0] * (k + len(cts)), lambda m: [0] * m,
                                     [*res, *cts])
            # An unbatched input's cotangent is the sum over the batch.
            return [reduce_sum(c, (0,)) if d is None else batching.moveaxis(c, 0, d)
                    for c, d in zip(out, dims, strict=True)]

        fun_b.__name__ = getattr(fun, "__name__", "fun")
        with set_current_trace(trace.parent):
            outs = self.bind_fun(fun_b, fwd_b, bwd_b, vals, symbolic_zeros=False)
        return [trace.maybe_tracer(o, 0) for o in outs]

    def stage(self, trace, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        closed = pe.trace_to_jaxpr(fun, [get_aval(x) for x in args], name="custom_vjp")
        jaxpr, consts = pe.convert_constvars(closed)
        if any(isinstance(c, Tracer) for c in consts):
            fwd, bwd = _closure_error_rules(fun)
        nc = len(consts)

        def fwd_c(*xs, perturbed):
            return fwd(*xs[nc:], perturbed=perturbed[nc:])

        def bwd_c(res, cts):
            return [None] * nc + list(bwd(res, cts))

        fwd_c.__name__ = getattr(fwd, "__name__", "fwd")
        bwd_c.__name__ = getattr(bwd, "__name__", "bwd")
        params = dict(name=getattr(fun, "__name__", "fun"), call_jaxpr=ClosedJaxpr(jaxpr, []),
                      fwd=fwd_c, bwd=bwd_c, symbolic_zeros=symbolic_zeros)
        return trace.stage(self, [*consts, *args], params)


def _closure_error_rules(fun):
    def fail(*args, **kwargs):
        raise core.UnexpectedTracerError(
            f"custom_vjp function {getattr(fun, '__name__', fun)} closes over a value that is "
            "being differentiated (a tracer). Differentiating with respect to closed-over values "
            "is not supported by custom_vjp: pass the value as an explicit argument, or use "
            "jaxlite.closure_convert to hoist it."
        )

    return fail, fail


custom_vjp_call_p = CustomVJPCallPrimitive()
custom_vjp_call_p.abstract_eval = lambda *avals, call_jaxpr, **p: list(call_jaxpr.out_avals)
custom_vjp_call_p.impl = _call_impl

_FWD_ERROR = "can't apply forward-mode autodiff (jvp) to a custom_vjp function."

# custom_lin: the linear map of a custom_vjp at its residuals; only ever transposed (by bwd).
custom_lin_p = core.Primitive("custom_lin", multiple_results=True)


def _custom_lin_eval(*args, **params):
    raise TypeError(_FWD_ERROR)


custom_lin_p.impl = _custom_lin_eval
custom_lin_p.eval_impl = _custom_lin_eval
custom_lin_p.abstract_eval = lambda *avals, out_avals, **p: list(out_avals)


def _custom_lin_jvp(primals, tangents, **params):
    raise TypeError(_FWD_ERROR)


def _custom_lin_transpose(cts, *args, num_res, bwd, out_avals, nonzeros, symbolic_zeros):
    res = list(args[:num_res])
    if not symbolic_zeros:
        cts = [_instantiate(c) for c in cts]
    cts_in = iter(bwd(res, list(cts)))
    all_cts = [next(cts_in) for _ in nonzeros]
    lin_cts = [c for c, z in zip(all_cts, nonzeros, strict=True) if z]
    return [None] * num_res + lin_cts


custom_lin_p.jvp = _custom_lin_jvp
custom_lin_p.transpose = _custom_lin_transpose


# ----------------------------------------------------------------------------------------------
# The user-facing decorators


def _resolve_kwargs(fun: Callable, args: tuple, kwargs: dict, api: str) -> tuple:
    if not kwargs:
        try:
            sig = inspect.signature(fun)
        except (TypeError, ValueError):
            return args
        if not any(p.default is not p.empty for p in sig.parameters.values()):
            return args
    sig = inspect.signature(fun)
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY:
            raise TypeError(
                f"{api} functions cannot have keyword-only parameters: {fun_name(fun)} has "
                f"keyword-only parameter '{p.name}'. Make it positional."
            )
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{api} function {fun_name(fun)}: {e}") from None
    bound.apply_defaults()
    if bound.kwargs:
        raise TypeError(
            f"{api} function {fun_name(fun)}: keyword arguments {list(bound.kwargs)} could not "
            "be mapped to positional arguments."
        )
    return bound.args


def _split_nondiff(args: tuple, nondiff_argnums: tuple) -> tuple[list, list, Callable]:
    nd = set(nondiff_argnums)
    static = [args[i] for i in nondiff_argnums]
    dyn = [a for i, a in enumerate(args) if i not in nd]

    def merge(dyn_vals):
        it = iter(dyn_vals)
        return [args[i] if i in nd else next(it) for i in range(len(args))]

    return static, dyn, merge


def _tangent_zero(primal: Any) -> Any:
    return _zeros(get_aval(primal).to_tangent_aval())


class _Store:
    out_tree: Any = None
    res_tree: Any = None


class custom_jvp:
    """A function with a custom JVP rule (`defjvp` / `defjvps`), as `jax.custom_jvp`.

    Without differentiation only the function runs; under `jvp` (and so `grad`, by
    transposing the rule's linear tangent computation) the rule runs.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> @jax.custom_jvp
    ... def f(x):
    ...   return jnp.sin(x)
    >>> @f.defjvp
    ... def f_jvp(primals, tangents):
    ...   (x,), (t,) = primals, tangents
    ...   return f(x), jnp.cos(x) * t
    >>> jax.grad(f)(0.0)
    Array(1., dtype=float32, weak_type=True)
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp: Callable | None = None
        self.symbolic_zeros = False

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self, obj)

    def defjvp(self, jvp: Callable, symbolic_zeros: bool = False) -> Callable:
        """Sets the rule `jvp(*nondiff_args, primals, tangents) -> (primal_out, tangent_out)`."""
        self.jvp = jvp
        self.symbolic_zeros = symbolic_zeros
        return jvp

    def defjvps(self, *jvps: Callable | None) -> None:
        """Sets one rule per argument: `jvp_i(t_i, primal_out, *primals)`; None means zero."""

        def jvp(*args):
            primals, tangents = args[-2], args[-1]
            if len(jvps) != len(primals):
                raise TypeError(
                    f"custom_jvp.defjvps for {fun_name(self.fun)} got {len(jvps)} rules for "
                    f"{len(primals)} differentiable arguments; give one rule (or None) each."
                )
            primal_out = self(*args[:-2], *primals)
            total = None
            for rule, t in zip(jvps, tangents, strict=True):
                if rule is None:
                    continue
                contrib = rule(t, primal_out, *primals)
                total = contrib if total is None else _tree_add(total, contrib)
            if total is None:
                total = _tree_zeros_like(primal_out)
            return primal_out, total

        self.defjvp(jvp)

    def __call__(self, *args, **kwargs):
        if self.jvp is None:
            raise AttributeError(
                f"No JVP defined for custom_jvp function {fun_name(self.fun)} using defjvp."
            )
        args = _resolve_kwargs(self.fun, args, kwargs, "custom_jvp")
        static, dyn, merge = _split_nondiff(args, self.nondiff_argnums)
        leaves, in_tree = tree_flatten(tuple(dyn))
        store = _Store()
        fun, rule = self.fun, self.jvp

        def flat_fun(*xs):
            out = fun(*merge(tree_unflatten(in_tree, xs)))
            out_leaves, store.out_tree = tree_flatten(out)
            return out_leaves

        flat_fun.__name__ = getattr(fun, "__name__", "fun")

        def flat_jvp(primals, tangents):
            if not self.symbolic_zeros:
                tangents = [_instantiate(t) for t in tangents]
            p = tree_unflatten(in_tree, primals)
            t = tree_unflatten(in_tree, tangents)
            res = rule(*static, tuple(p), tuple(t))
            if not (isinstance(res, (tuple, list)) and len(res) == 2):
                raise TypeError(
                    f"Custom JVP rule {fun_name(rule)} for function {fun_name(fun)} must produce "
                    f"a pair (list or tuple of length two) representing primal and tangent "
                    f"outputs, but got {type(res).__name__}."
                )
            p_out, t_out = res
            p_leaves, p_tree = tree_flatten(p_out)
            t_leaves, t_tree = tree_flatten(t_out)
            if p_tree != t_tree:
                raise TypeError(
                    f"Custom JVP rule {fun_name(rule)} for function {fun_name(fun)} must produce "
                    f"primal and tangent outputs with equal container (pytree) structures, but "
                    f"got {p_tree} and {t_tree} respectively."
                )
            store.out_tree = p_tree
            return p_leaves, t_leaves

        outs = custom_jvp_call_p.bind_fun(flat_fun, flat_jvp, leaves,
                                          symbolic_zeros=self.symbolic_zeros)
        return tree_unflatten(store.out_tree, outs)


def _tree_add(a, b):
    from jaxlite._src.tree_util import tree_map  # noqa: PLC0415

    return tree_map(ad.add_tangents, a, b)


def _tree_zeros_like(x):
    from jaxlite._src.tree_util import tree_map  # noqa: PLC0415

    return tree_map(_tangent_zero, x)


class custom_vjp:
    """A function with a custom VJP rule (`defvjp(fwd, bwd)`), as `jax.custom_vjp`.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> @jax.custom_vjp
    ... def f(x):
    ...   return jnp.sin(x)
    >>> f.defvjp(lambda x: (f(x), jnp.cos(x)), lambda cos_x, g: (cos_x * g,))
    >>> jax.grad(f)(0.0)
    Array(1., dtype=float32, weak_type=True)
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None
        self.symbolic_zeros = False
        self.optimize_remat = False
        self._bare_cotangent = False

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self, obj)

    def defvjp(self, fwd: Callable, bwd: Callable, symbolic_zeros: bool = False,
               optimize_remat: bool = False) -> None:
        """Sets `fwd(*args) -> (out, residuals)` and `bwd(*nondiff, residuals, ct) -> cts`."""
        self.fwd = fwd
        self.bwd = bwd
        self.symbolic_zeros = symbolic_zeros
        self.optimize_remat = optimize_remat

    @classmethod
    def from_rules(cls, fwd: Callable, bwd: Callable) -> custom_vjp:
        """The jax-js form: a custom-VJP function from only `fwd` and `bwd`.

        The primal output is `fwd`'s first result; `bwd` may return a bare cotangent when the
        function has one argument.
        """

        def fun(*args):
            return fwd(*args)[0]

        functools.update_wrapper(fun, fwd)
        f = cls(fun)
        f.defvjp(fwd, bwd)
        f._bare_cotangent = True
        return f

    def __call__(self, *args, **kwargs):
        if self.fwd is None:
            raise AttributeError(
                f"No VJP defined for custom_vjp function {fun_name(self.fun)} using defvjp."
            )
        args = _resolve_kwargs(self.fun, args, kwargs, "custom_vjp")
        for i in self.nondiff_argnums:
            if any(isinstance(x, Tracer) for x in tree_flatten(args[i])[0]):
                raise TypeError(
                    f"custom_vjp function {fun_name(self.fun)}: argument {i} is listed in "
                    "nondiff_argnums but contains a traced array (a JAX Tracer). nondiff_argnums "
                    "is for non-array values such as functions or strings; pass arrays as "
                    "ordinary arguments (integer arrays get float0 cotangents automatically)."
                )
        static, dyn, merge = _split_nondiff(args, self.nondiff_argnums)
        leaves, in_tree = tree_flatten(tuple(dyn))
        in_avals = [get_aval(x) for x in leaves]
        store = _Store()
        fun, fwd, bwd = self.fun, self.fwd, self.bwd

        def flat_fun(*xs):
            out = fun(*merge(tree_unflatten(in_tree, xs)))
            out_leaves, store.out_tree = tree_flatten(out)
            return out_leaves

        flat_fun.__name__ = getattr(fun, "__name__", "fun")

        def flat_fwd(*xs, perturbed):
            res = fwd(*merge(tree_unflatten(in_tree, xs)))
            if not (isinstance(res, (tuple, list)) and len(res) == 2):
                raise TypeError(
                    f"Custom VJP fwd rule {fun_name(fwd)} for function {fun_name(fun)} must "
                    "produce a pair (list or tuple of length two) where the first element "
                    "represents the primal output and the second element represents residuals "
                    f"(values stored for the backward pass), but got {type(res).__name__}."
                )
            out, residuals = res
            out_leaves, store.out_tree = tree_flatten(out)
            res_leaves, store.res_tree = tree_flatten(residuals)
            return out_leaves, res_leaves

        def flat_bwd(res, cts):
            residuals = tree_unflatten(store.res_tree, res)
            ct = tree_unflatten(store.out_tree, [_instantiate(c) for c in cts])
            result = bwd(*static, residuals, ct)
            return self._flatten_bwd_result(result, dyn, in_tree, in_avals)

        outs = custom_vjp_call_p.bind_fun(flat_fun, flat_fwd, flat_bwd, leaves,
                                          symbolic_zeros=self.symbolic_zeros)
        return tree_unflatten(store.out_tree, outs)

    def _flatten_bwd_result(self, result, dyn, in_tree, in_avals) -> list:
        bwd = self.bwd
        n = len(dyn)
        if self._bare_cotangent and n == 1 and not (
            isinstance(result, (tuple, list)) and len(result) == 1
        ):
            result = (result,)
        if isinstance(result, list):
            result = tuple(result)
        if not isinstance(result, tuple) or len(result) != n:
            got = (f"a {type(result).__name__} of length {len(result)}"
                   if isinstance(result, tuple) else type(result).__name__)
            raise TypeError(
                f"Custom VJP bwd rule {fun_name(bwd)} for function {fun_name(self.fun)} must "
                f"produce a tuple of length equal to the number of primal (differentiable) "
                f"arguments ({n}), but got {got}."
            )
        out = []
        idx = 0
        for i, (arg, ct) in enumerate(zip(dyn, result, strict=True)):
            arg_leaves, arg_tree = tree_flatten(arg)
            k = len(arg_leaves)
            avals = in_avals[idx: idx + k]
            idx += k
            if ct is None:
                out.extend(_zeros(a.to_tangent_aval()) for a in avals)
                continue
            try:
                ct_leaves = arg_tree.flatten_up_to(ct)
            except ValueError:
                raise TypeError(
                    f"Custom VJP bwd rule {fun_name(bwd)} for function {fun_name(self.fun)} "
                    f"must produce an output with the same container (pytree) structure as the "
                    f"primal argument {i}: expected {arg_tree}, got {tree_structure(ct)}."
                ) from None
            for j, (c, a) in enumerate(zip(ct_leaves, avals, strict=True)):
                out.extend(self._check_ct(c, a, i, j, k))
        return out

    def _check_ct(self, c, a, i, j, k) -> list:
        ta = a.to_tangent_aval()
        if c is None:
            return [_zeros(ta)]
        leaves = tree_flatten(c)[0]
        if len(leaves) != 1:
            return [_zeros(ta)] if not leaves else [leaves[0]]
        c = leaves[0]
        if ta.dtype == dtypes.float0:
            return [_zeros(ta)]
        ca = get_aval(c)
        where = f"argument {i}" + (f", leaf {j}" if k > 1 else "")
        if ca.shape != ta.shape:
            raise ValueError(
                f"Custom VJP bwd rule {fun_name(self.bwd)} for function {fun_name(self.fun)} "
                f"must produce cotangents of the primal shapes: for {where} expected shape "
                f"{ta.shape} ({ta.str_short()}), got {ca.shape} ({ca.str_short()})."
            )
        if ca.dtype != ta.dtype:
            if ca.weak_type and dtypes.is_inexact(ca.dtype) and ca.dtype.kind == ta.dtype.kind:
                from jaxlite._src.lax.elementwise import convert_element_type  # noqa: PLC0415

                return [convert_element_type(c, ta.dtype)]
            raise ValueError(
                f"Custom VJP bwd rule {fun_name(self.bwd)} for function {fun_name(self.fun)} "
                f"must produce cotangents of the primal dtypes: for {where} expected dtype "
                f"{ta.dtype.name}, got {ca.dtype.name}."
            )
        return [c]


_ = np

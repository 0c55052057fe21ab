"""custom_jvp: a function with a user-defined JVP rule.

`custom_jvp_call` is a primitive that carries the flattened function and rule, so a custom
function keeps its rule wherever it is called. Each trace handles it through its hook:
evaluation runs the function, JVP runs the rule (or the function when no input is perturbed),
batching vmaps function and rule, staging records an equation whose `call_jaxpr` is the traced
function. Reverse mode needs nothing more: linearize stages the rule's tangent computation,
which is linear, and transposition handles it like any other.

Flat protocol (what the hooks see): `fun(*xs) -> outs`; `jvp(primals, tangents) ->
(outs, tangents_out)` with internal `ad.Zero` tangents in and out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import set_current_trace
from jaxlite._src.custom_derivatives import common as C
from jaxlite._src.errors import fun_name, message
from jaxlite._src.interpreters import ad
from jaxlite._src.jaxpr import ClosedJaxpr, jaxpr_as_fun
from jaxlite._src.tree_util import tree_flatten, tree_map, tree_unflatten


def named(fn: Callable, like: Any) -> Callable:
    """Gives a flat wrapper the name (and, for error messages, the source) of `like`."""
    fn.__name__ = getattr(like, "__name__", "fun")
    fn.__qualname__ = getattr(like, "__qualname__", fn.__name__)
    if hasattr(like, "__code__") or hasattr(like, "__wrapped__"):
        fn.__wrapped__ = like  # errors.fun_name follows this to the user's file:line
    return fn


def call_impl(*vals, call_jaxpr, **params):
    from jaxlite._src.jit.codegen import compile_jaxpr  # noqa: PLC0415  (jit sits above)

    return compile_jaxpr(call_jaxpr)(*vals)


def pp_call_params(params: dict) -> dict:
    """JAX prints `num_consts` only when there are consts."""
    return {k: v for k, v in params.items() if not (k == "num_consts" and v == 0)}


# ----------------------------------------------------------------------------------------------
# Batching a JVP rule (shared with custom_vjp's forward-mode rule)


def batch_jvp_rule(
    trace, jvp: Callable, dims: Sequence[int | None], store: C.DimStore, kind: str, fun: Any
) -> Callable:
    """`jvp` run per example under `trace`'s batching; outputs batched like the function's."""
    size = trace.axis_size
    any_in = any(d is not None for d in dims)

    def jvp_b(primals, tangents):
        n = len(primals)

        def flat(*xs):
            outs, touts = jvp(list(xs[:n]), list(xs[n:]))
            return [*outs, *touts]

        args = [*primals, *tangents]
        outs, odims = C.run_batched(trace, flat, args, [*dims, *dims])
        k = len(outs) // 2
        merged = [
            None if a is None and b is None and not any_in else 0
            for a, b in zip(odims[:k], odims[k:], strict=True)
        ]
        target = store.settle(merged, "JVP rule", kind, fun)
        return (
            C.align(outs[:k], odims[:k], target, size),
            C.align(outs[k:], odims[k:], target, size),
        )

    return named(jvp_b, jvp)


def batch_fun(
    trace, fun: Callable, dims: Sequence[int | None], store: C.DimStore, kind: str
) -> Callable:
    size = trace.axis_size
    any_in = any(d is not None for d in dims)

    def fun_b(*xs):
        outs, odims = C.run_batched(trace, fun, xs, dims)
        merged = [None if d is None and not any_in else 0 for d in odims]
        return C.align(outs, odims, store.settle(merged, "function", kind, fun), size)

    return named(fun_b, fun)


# ----------------------------------------------------------------------------------------------
# custom_jvp_call


class CustomJVPCallPrimitive(core.Primitive):
    def __init__(self):
        super().__init__("custom_jvp_call", multiple_results=True)

    def bind_fun(
        self, fun: Callable, jvp: Callable, args: Sequence[Any], *, symbolic_zeros: bool
    ) -> list:
        return core.current_trace().process_custom_jvp_call(
            self, fun, jvp, list(args), symbolic_zeros=symbolic_zeros
        )

    def bind(self, *args, call_jaxpr, jvp, num_consts, symbolic_zeros, name):  # from a jaxpr
        fun = jaxpr_as_fun(call_jaxpr)
        fun.__name__ = fun.__qualname__ = name
        return self.bind_fun(fun, jvp, args, symbolic_zeros=symbolic_zeros)

    def process_jvp(self, trace, fun, jvp, args, *, symbolic_zeros):
        primals, tangents = [], []
        for x in args:
            p, t = trace.unpack(x)
            primals.append(p)
            tangents.append(t)
        if all(t is None or type(t) is ad.Zero for t in tangents):
            # No perturbed input: only the function runs (as in JAX).
            return C.run_guarded(
                trace,
                "custom_jvp",
                fun,
                self.bind_fun,
                fun,
                jvp,
                primals,
                symbolic_zeros=symbolic_zeros,
            )
        tangents = [
            ad.Zero.from_primal_value(p) if t is None else t
            for p, t in zip(primals, tangents, strict=True)
        ]
        outs, touts = C.run_guarded(trace, "custom_jvp", fun, jvp, primals, tangents)
        return [trace.maybe_tracer(p, t) for p, t in zip(outs, touts, strict=True)]

    def process_batch(self, trace, fun, jvp, args, *, symbolic_zeros):
        vals, dims = [], []
        for x in args:
            v, d = trace.unpack(x)
            vals.append(v)
            dims.append(d)
        store = C.DimStore()
        fun_b = batch_fun(trace, fun, dims, store, "custom_jvp")
        jvp_b = batch_jvp_rule(trace, jvp, dims, store, "custom_jvp", fun)
        with set_current_trace(trace.parent):
            outs = self.bind_fun(fun_b, jvp_b, vals, symbolic_zeros=symbolic_zeros)
        return [trace.maybe_tracer(o, d) for o, d in zip(outs, store.out, strict=True)]

    def stage(self, trace, fun, jvp, args, *, symbolic_zeros):
        if trace.known_eval:
            # Partial evaluation with unknown inputs builds a linear function (a rule applied
            # to tangents): inline the function so that it can be transposed.
            return fun(*args)
        jaxpr, consts = C.trace_call(fun, args, "custom_jvp")
        nc = len(consts)

        def jvp_c(primals, tangents):
            if any(type(t) is not ad.Zero for t in tangents[:nc]):
                raise C.perturbed_const_error("custom_jvp", fun)
            return jvp(primals[nc:], tangents[nc:])

        params = dict(
            name=getattr(fun, "__name__", "fun"),
            call_jaxpr=ClosedJaxpr(jaxpr, []),
            jvp=named(jvp_c, jvp),
            num_consts=nc,
            symbolic_zeros=symbolic_zeros,
        )
        return trace.stage(self, [*consts, *args], params)


custom_jvp_call_p = CustomJVPCallPrimitive()
custom_jvp_call_p.abstract_eval = lambda *avals, call_jaxpr, **p: list(call_jaxpr.out_avals)
custom_jvp_call_p.impl = call_impl
custom_jvp_call_p.pp_params = pp_call_params


# ----------------------------------------------------------------------------------------------
# The user-facing decorator


class _Store:
    """What the flattened function and rules learn when they run."""

    __slots__ = ("out_tree", "fun_out", "res_tree")

    def __init__(self):
        self.out_tree = None
        self.fun_out = None  # (tree, avals) of the function's output, once it has run
        self.res_tree = None


_ARRAY_TYPES = (core.Array, core.Tracer, np.ndarray, np.generic, bool, int, float, complex)


def check_leaves(leaves: Sequence[Any], tree, kind: str, fun: Any, what: str) -> None:
    """Rejects leaves that are not arrays (with the pytree path of the first one)."""
    for i, x in enumerate(leaves):
        if isinstance(x, _ARRAY_TYPES):
            continue
        try:
            core.get_aval(x)
        except TypeError:
            path = C.leaf_paths(tree)[i]
            raise TypeError(
                message(
                    f"{kind} function arguments and outputs must be arrays, but {what}{path} is "
                    f"{type(x).__name__} {x!r:.60}.",
                    fun=fun,
                    path=f"{what}{path}",
                    fix="Pass non-array arguments (functions, strings, ...) through "
                    "nondiff_argnums."
                    if what == "args"
                    else None,
                )
            ) from None


def flatten_fun_output(
    fun: Callable, merge: Callable, in_tree, store: _Store, kind: str
) -> Callable:
    def flat_fun(*xs):
        out = fun(*merge(tree_unflatten(in_tree, xs)))
        leaves, tree = tree_flatten(out)
        check_leaves(leaves, tree, kind, fun, "output")
        store.out_tree = tree
        store.fun_out = (tree, [core.get_aval(x) for x in leaves])
        return leaves

    return named(flat_fun, fun)


def check_primal_out(store: _Store, tree, leaves, head: Callable[[], str], fun: Any) -> None:
    """A rule's primal output against the function's, when the function has already run
    (under staging; JAX does not run the function only to check this)."""
    if store.fun_out is None:
        return
    fun_tree, fun_avals = store.fun_out
    if fun_tree != tree:
        head = head()
        raise TypeError(
            message(
                f"{head} must produce a primal output with the same container (pytree) structure "
                f"as the output of the function {fun_name(fun)}, but it produced "
                f"{C.type_tree(tree, leaves)} where the function gives "
                f"{C.type_tree(fun_tree, fun_avals)}.",
                fun=fun,
                expected=C.type_tree(fun_tree, fun_avals),
                got=C.type_tree(tree, leaves),
            )
        )
    for k, (a, x) in enumerate(zip(fun_avals, leaves, strict=True)):
        b = core.get_aval(x)
        if not C.same_type(a, b):
            path = C.leaf_paths(tree)[k]
            raise TypeError(
                message(
                    f"{head()} must produce a primal output with the shapes/dtypes of the output "
                    "of "
                    f"the function {fun_name(fun)}, but at output{path} it produced "
                    f"{b.str_short()} where the function gives {a.str_short()}.",
                    fun=fun,
                    path=f"output{path}",
                    expected=a.str_short(),
                    got=b.str_short(),
                )
            )


def check_tangents_out(p_leaves, t_leaves, tree, rule: Any, fun: Any, kind: str) -> list:
    """Rule tangents against the primal outputs' tangent types; returns internal tangents."""
    out = []
    for k, (p, t) in enumerate(zip(p_leaves, t_leaves, strict=True)):
        want = C.tangent_aval(p).strip_weak_type()
        path = _LazyPath(tree, k)
        if t is None or type(t) is C.SymbolicZero:
            got = want if t is None else t.aval
        else:
            try:
                got = core.get_aval(t)
            except TypeError:
                raise TypeError(
                    message(
                        f"Custom JVP rule {fun_name(rule)} for function {fun_name(fun)} produced a "
                        f"tangent that is not an array: {type(t).__name__}.",
                        fun=fun,
                        path=f"tangent_out{path}",
                        expected=want.str_short(),
                    )
                ) from None
            t = C.cast_weak(t, want)
            got = core.get_aval(t)
        if not C.same_type(want, got):
            raise TypeError(
                message(
                    "Custom JVP rule must produce primal and tangent outputs with corresponding "
                    f"shapes and dtypes. Expected {want.str_short()} (tangent type of "
                    f"{core.get_aval(p).str_short()}) but got {got.str_short()} at "
                    f"tangent_out{path} (JVP rule {fun_name(rule)}).",
                    fun=fun,
                    path=f"tangent_out{path}",
                    expected=want.str_short(),
                    got=got.str_short(),
                )
            )
        if want.dtype == dtypes.float0 or type(t) is C.SymbolicZero or t is None:
            out.append(ad.Zero(want))
        else:
            out.append(t)
    return out


class _LazyPath:
    """The `keystr` path of leaf `k`, computed only when formatted (for error messages)."""

    __slots__ = ("tree", "k")

    def __init__(self, tree, k: int):
        self.tree = tree
        self.k = k

    def __str__(self):
        return C.leaf_paths(self.tree)[self.k]

    __format__ = lambda self, spec: format(str(self), spec)  # noqa: E731


def wrap_user_jvp(
    rule: Callable,
    fun: Any,
    static: Sequence[Any],
    in_tree,
    store: _Store,
    symbolic_zeros: bool,
    kind: str = "custom_jvp",
) -> Callable:
    """The flat JVP rule around a user rule `rule(*static, primals, tangents)`."""

    def flat_jvp(primals, tangents):
        ts = [C.to_user_tangent(t, symbolic_zeros) for t in tangents]
        py_p = tree_unflatten(in_tree, primals)
        py_t = tree_unflatten(in_tree, ts)
        res = rule(*static, tuple(py_p), tuple(py_t))
        if not (isinstance(res, (tuple, list)) and len(res) == 2):
            raise TypeError(
                message(
                    f"Custom JVP rule {fun_name(rule)} for function {fun_name(fun)} must produce a "
                    "pair (list or tuple of length two) representing primal and tangent outputs, "
                    f"but got {type(res).__name__} {res!r:.80}.",
                    fun=fun,
                    expected="(primal_out, tangent_out)",
                    got=type(res).__name__,
                )
            )
        p_out, t_out = res
        p_leaves, p_tree = tree_flatten(p_out)
        t_leaves, t_tree = tree_flatten(t_out)
        if p_tree != t_tree:
            raise TypeError(
                message(
                    f"Custom JVP rule {fun_name(rule)} for function {fun_name(fun)} must produce "
                    "primal and tangent outputs with equal container (pytree) structures, but got "
                    f"{p_tree} and {t_tree} respectively.",
                    fun=fun,
                    expected=str(p_tree),
                    got=str(t_tree),
                )
            )
        check_leaves(p_leaves, p_tree, kind, rule, "primal_out")
        check_primal_out(
            store,
            p_tree,
            p_leaves,
            lambda: f"Custom JVP rule {fun_name(rule)} for function {fun_name(fun)}",
            fun,
        )
        store.out_tree = p_tree
        return p_leaves, check_tangents_out(p_leaves, t_leaves, p_tree, rule, fun, kind)

    return named(flat_jvp, rule)


def stop_gradient_static(x: Any) -> Any:
    """Array leaves of a nondiff argument get no derivative (JAX applies stop_gradient)."""
    from jaxlite._src.lax.ad_util import stop_gradient_p  # noqa: PLC0415

    return tree_map(lambda v: stop_gradient_p.bind(v) if isinstance(v, core.Tracer) else v, x)


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
        """Sets the rule `jvp(*nondiff_args, primals, tangents) -> (primal_out, tangent_out)`.

        With `symbolic_zeros=True` the rule receives `SymbolicZero` objects for tangents that
        are known to be zero (and may return them).
        """
        self.jvp = jvp
        self.symbolic_zeros = symbolic_zeros
        return jvp

    def defjvps(self, *jvps: Callable | None) -> None:
        """One rule per argument, `jvp_i(t_i, primal_out, *primals)`, summed; None = zero."""
        if self.nondiff_argnums:
            raise TypeError(
                f"Can't use ``defjvps`` with ``nondiff_argnums`` (custom_jvp function "
                f"{fun_name(self.fun)}); use defjvp."
            )
        fun = self.fun

        def jvp(primals, tangents):
            if len(jvps) != len(primals):
                raise ValueError(
                    message(
                        f"custom_jvp.defjvps for {fun_name(fun)} was given {len(jvps)} rule(s), "
                        "but "
                        f"the function was called with {len(primals)} argument(s): give one rule "
                        "(or None) per positional argument.",
                        fun=fun,
                        expected=f"{len(primals)} rules",
                        got=f"{len(jvps)} rules",
                    )
                )
            primal_out = self(*primals)
            total = None
            for rule, t in zip(jvps, tangents, strict=True):
                if rule is None:
                    continue
                contrib = rule(t, primal_out, *primals)
                total = contrib if total is None else tree_map(ad.add_tangents, total, contrib)
            if total is None:
                total = C.zero_from_primal(primal_out)
            return primal_out, total

        self.defjvp(jvp)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        fun, rule = self.fun, self.jvp
        if rule is None:
            raise AttributeError(
                f"No JVP defined for custom_jvp function {fun_name(fun)} using defjvp."
            )
        args = C.resolve_kwargs(fun, args, kwargs, "custom_jvp")
        if self.nondiff_argnums:
            nd = {i % len(args) for i in self.nondiff_argnums if -len(args) <= i < len(args)}
            args = tuple(stop_gradient_static(a) if i in nd else a for i, a in enumerate(args))
        static, dyn, merge = C.split_nondiff(args, self.nondiff_argnums)
        leaves, in_tree = tree_flatten(tuple(dyn))
        check_leaves(leaves, in_tree, "custom_jvp", fun, "args")
        store = _Store()
        flat_fun = flatten_fun_output(fun, merge, in_tree, store, "custom_jvp")
        flat_jvp = wrap_user_jvp(rule, fun, static, in_tree, store, self.symbolic_zeros)
        outs = custom_jvp_call_p.bind_fun(
            flat_fun, flat_jvp, leaves, symbolic_zeros=self.symbolic_zeros
        )
        return tree_unflatten(store.out_tree, outs)

"""custom_gradient and closure_convert, built on custom_vjp and staging."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from jaxlite._src import core
from jaxlite._src.core import Tracer
from jaxlite._src.custom_derivatives import common as C
from jaxlite._src.custom_derivatives.custom_vjp import custom_vjp
from jaxlite._src.errors import message
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.jaxpr import ClosedJaxpr, eval_jaxpr
from jaxlite._src.tree_util import (
    register_pytree_node,
    tree_flatten,
    tree_unflatten,
)

# ----------------------------------------------------------------------------------------------
# custom_gradient


class _RuleResiduals:
    """The VJP function returned by a custom_gradient function, traced to a jaxpr: its
    closed-over arrays are the leaves (residuals), the jaxpr and trees the static part."""

    __slots__ = ("jaxpr", "ct_tree", "out_tree", "consts")

    def __init__(self, jaxpr, ct_tree, out_tree, consts):
        self.jaxpr = jaxpr
        self.ct_tree = ct_tree
        self.out_tree = out_tree
        self.consts = consts


register_pytree_node(
    _RuleResiduals,
    lambda r: (list(r.consts), (r.jaxpr, r.ct_tree, r.out_tree)),
    lambda aux, consts: _RuleResiduals(*aux, list(consts)),
)


def custom_gradient(fun: Callable) -> Callable:
    """A function with a VJP given inline: `fun(*args)` returns `(out, vjp)` where
    `vjp(ct)` returns one cotangent per argument (a tuple; a bare value for one argument).

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> @jax.custom_gradient
    ... def f(x):
    ...   return x ** 2, lambda g: (g * 10.0,)
    >>> jax.grad(f)(3.0)
    Array(10., dtype=float32, weak_type=True)
    """

    def primal(*args):
        out, _ = fun(*args)
        return out

    def fwd(*args):
        out, rule = fun(*args)
        out_leaves, ct_tree = tree_flatten(out)
        store: list = []

        def flat_rule(*cts):
            got = rule(tree_unflatten(ct_tree, cts))
            leaves, tree = tree_flatten(got)
            store[:] = [tree]
            return leaves

        closed = pe.trace_to_jaxpr(
            flat_rule, [C.tangent_aval(o) for o in out_leaves], name="custom_gradient"
        )
        return out, _RuleResiduals(closed.jaxpr, ct_tree, store[0], list(closed.consts))

    def bwd(res: _RuleResiduals, ct):
        cts, tree = tree_flatten(ct)
        if tree != res.ct_tree:
            raise TypeError(
                message(
                    "custom_gradient: the cotangent does not have the structure of the output.",
                    fun=fun,
                    expected=str(res.ct_tree),
                    got=str(tree),
                )
            )
        cts = [ad.instantiate_zeros(c) for c in cts]
        return tree_unflatten(res.out_tree, eval_jaxpr(res.jaxpr, res.consts, *cts))

    functools.update_wrapper(primal, fun)
    f = custom_vjp(primal)
    f.defvjp(
        functools.update_wrapper(fwd, fun, updated=()),
        functools.update_wrapper(bwd, fun, updated=()),
    )
    f._bare_cotangent = True  # a one-argument rule may return a bare cotangent
    return f


# ----------------------------------------------------------------------------------------------
# closure_convert


def _maybe_perturbed(x: Any) -> bool:
    """Whether a closed-over value may carry a tangent (so must become an explicit argument)."""
    if not isinstance(x, Tracer):
        return False
    if isinstance(x, ad.JVPTracer):
        return True
    if isinstance(x, pe.JaxprTracer):  # staged: differentiation may come later
        return C.tangent_aval(x).dtype != core.dtypes.float0
    if isinstance(x, batching.BatchTracer):
        return _maybe_perturbed(x.val)
    return True


def closure_convert(fun: Callable, *example_args: Any) -> tuple[Callable, list]:
    """Hoists the traced values `fun` closes over into explicit arguments.

    Returns `(converted, consts)`: `converted(*args, *consts)` computes `fun(*args)` for
    arguments shaped like `example_args`. Use it to pass a function that closes over values
    being differentiated into a custom_vjp function, with `consts` as ordinary arguments.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> def outer(y):
    ...   f, consts = jax.closure_convert(lambda x: x * y, 1.0)
    ...   return f(2.0, *consts)
    >>> jax.grad(outer)(3.0)
    Array(2., dtype=float32, weak_type=True)
    """
    leaves, in_tree = tree_flatten(example_args)
    out_store: list = []

    def flat(*xs):
        out = fun(*tree_unflatten(in_tree, xs))
        out_leaves, out_tree = tree_flatten(out)
        out_store[:] = [out_tree]
        return out_leaves

    closed = pe.trace_to_jaxpr(flat, [core.get_aval(x) for x in leaves], name="closure_convert")
    out_tree = out_store[0]
    hoist = [_maybe_perturbed(c) for c in closed.consts]
    hoisted = [c for c, h in zip(closed.consts, hoist, strict=True) if h]
    kept = ClosedJaxpr(closed.jaxpr, closed.consts)

    def converted(*args_and_consts):
        n = len(args_and_consts) - len(hoisted)
        args, cs = args_and_consts[:n], args_and_consts[n:]
        xs, tree = tree_flatten(tuple(args))
        if tree != in_tree:
            raise TypeError(
                message(
                    "The inputs to the closure produced by closure_convert must have the same "
                    "pytree structure as the example arguments passed when closure_convert was "
                    "called.",
                    fun=fun,
                    expected=str(in_tree),
                    got=str(tree),
                )
            )
        it = iter(cs)
        consts = [next(it) if h else c for c, h in zip(kept.consts, hoist, strict=True)]
        return tree_unflatten(out_tree, eval_jaxpr(kept.jaxpr, consts, *xs))

    converted.__name__ = getattr(fun, "__name__", "converted")
    converted.__qualname__ = getattr(fun, "__qualname__", converted.__name__)
    return converted, hoisted

"""checkpoint / remat: the backward pass recomputes the function instead of saving residuals."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

from jaxlite._src import core
from jaxlite._src.api_util import flatten_fun, shaped_abstractify
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.jaxpr import ClosedJaxpr, Jaxpr, eval_jaxpr
from jaxlite._src.tree_util import tree_flatten, tree_unflatten

checkpoint_p = core.Primitive("checkpoint", multiple_results=True)


def _impl_eval(*args, jaxpr, prevent_cse, differentiated, policy):
    return eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *args)


def _impl(*vals, jaxpr, prevent_cse, differentiated, policy):
    from jaxlite._src.jit.codegen import compile_jaxpr  # noqa: PLC0415

    return compile_jaxpr(jaxpr)(*vals)


checkpoint_p.impl = _impl
checkpoint_p.eval_impl = _impl_eval
checkpoint_p.abstract_eval = lambda *avals, jaxpr, **p: list(jaxpr.out_avals)
checkpoint_p.weak_type_rule = lambda *w, jaxpr, **p: [a.weak_type for a in jaxpr.out_avals]

_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _memo(closed, key, make):
    per = _cache.setdefault(closed, {})
    if key not in per:
        per[key] = make()
    return per[key]


def _jvp(primals, tangents, *, jaxpr, prevent_cse, differentiated, policy):
    nonzeros = tuple(type(t) is not ad.Zero for t in tangents)
    new, out_nz = _memo(jaxpr, ("jvp", nonzeros), lambda: ad.jvp_jaxpr(jaxpr, nonzeros))
    nz = [t for t in tangents if type(t) is not ad.Zero]
    outs = checkpoint_p.bind(
        *primals, *nz, jaxpr=new, prevent_cse=prevent_cse, differentiated=True, policy=policy
    )
    n = len(jaxpr.out_avals)
    it = iter(outs[n:])
    return outs[:n], [
        next(it) if z else ad.Zero(a.to_tangent_aval())
        for z, a in zip(out_nz, jaxpr.out_avals, strict=True)
    ]


def _partial_eval(trace, args, *, jaxpr, prevent_cse, differentiated, policy):
    # Known outputs are computed now; the unknown ones are staged as a checkpoint of the whole
    # jaxpr whose known inputs are the only residuals, so the backward pass recomputes.
    unknowns = tuple(trace.is_own(x) for x in args)

    def split():
        known, _, out_unknowns, num_res = pe.partial_eval_jaxpr(jaxpr, unknowns)
        # The residuals are recomputed in the backward pass, so the forward pass drops them.
        n_known = len(known.jaxpr.outvars) - num_res
        j, _ = pe.dce_jaxpr(known.jaxpr, [True] * n_known + [False] * num_res)
        return ClosedJaxpr(j, known.consts), out_unknowns

    known, out_unknowns = _memo(jaxpr, ("pe", unknowns), split)
    known_args = [x for x, u in zip(args, unknowns, strict=True) if not u]
    with core.set_current_trace(trace.parent):
        known_outs = checkpoint_p.bind(
            *known_args,
            jaxpr=known,
            prevent_cse=prevent_cse,
            differentiated=differentiated,
            policy=policy,
        )
    used = list(out_unknowns)
    j, _ = pe.dce_jaxpr(jaxpr.jaxpr, used)
    staged = ClosedJaxpr(Jaxpr(j.constvars, j.invars, j.outvars, j.eqns), jaxpr.consts)
    unknown_outs = iter(
        trace.stage(
            checkpoint_p,
            list(args),
            dict(jaxpr=staged, prevent_cse=prevent_cse, differentiated=True, policy=policy),
        )
    )
    known_iter = iter(known_outs)
    return [next(unknown_outs) if u else next(known_iter) for u in out_unknowns]


def _transpose(cts, *args, jaxpr, prevent_cse, differentiated, policy):
    linear = tuple(type(x) is ad.UndefinedPrimal for x in args)
    new = _memo(jaxpr, ("t", linear), lambda: ad.transpose_jaxpr(jaxpr, linear))
    res = [x for x, lin in zip(args, linear, strict=True) if not lin]
    cts = [ad.instantiate_zeros(c) for c in cts]
    outs = iter(
        checkpoint_p.bind(
            *res, *cts, jaxpr=new, prevent_cse=prevent_cse, differentiated=True, policy=policy
        )
    )
    return [next(outs) if lin else None for lin in linear]


def _batch(axis_size, vals, dims, *, jaxpr, prevent_cse, differentiated, policy):
    new, out_dims = _memo(
        jaxpr, ("b", axis_size, tuple(dims)), lambda: batching.batch_jaxpr(jaxpr, axis_size, dims)
    )
    return checkpoint_p.bind(
        *vals, jaxpr=new, prevent_cse=prevent_cse, differentiated=differentiated, policy=policy
    ), out_dims


checkpoint_p.jvp = _jvp
checkpoint_p.partial_eval = _partial_eval
checkpoint_p.transpose = _transpose
checkpoint_p.batch = _batch


def checkpoint(
    fun: Callable,
    *,
    prevent_cse: bool = True,
    policy: Any = None,
    static_argnums: int | Sequence[int] = (),
) -> Callable:
    """Makes `fun` rematerialised: reverse mode recomputes its internals in the backward pass
    instead of saving them.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> jax.grad(jax.checkpoint(jnp.sin))(0.0)
    Array(1., dtype=float32, weak_type=True)
    """
    static_argnums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    def remat_f(*args, **kwargs):
        nums = {i % len(args) for i in static_argnums}
        dyn = tuple(a for i, a in enumerate(args) if i not in nums)

        def f_dyn(*d, **kw):
            it = iter(d)
            return fun(*[args[i] if i in nums else next(it) for i in range(len(args))], **kw)

        leaves, in_tree = tree_flatten((dyn, kwargs))
        flat_fun, store = flatten_fun(f_dyn, in_tree)
        closed = pe.trace_to_jaxpr(
            flat_fun, [shaped_abstractify(x) for x in leaves], name="checkpoint"
        )
        jaxpr, consts = pe.convert_constvars(closed)
        outs = checkpoint_p.bind(
            *consts,
            *leaves,
            jaxpr=ClosedJaxpr(jaxpr, []),
            prevent_cse=prevent_cse,
            differentiated=False,
            policy=policy,
        )
        return tree_unflatten(store.tree, outs)

    return remat_f


remat = checkpoint

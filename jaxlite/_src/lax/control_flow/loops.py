"""`while_loop` and `fori_loop` with dynamic bounds: the `while` primitive.

`while_p.bind(*cond_consts, *body_consts, *init, cond_jaxpr=..., body_jaxpr=...,
cond_nconsts=..., body_nconsts=...)` runs `body_jaxpr` on the carry while `cond_jaxpr` holds.
A batched predicate (vmap of a loop whose condition depends on mapped values) is a boolean
array whose shape leads every carry's: the loop runs while any lane holds and only the lanes
that hold are updated, as JAX's while does.

Reverse-mode differentiation is not defined (the number of iterations is unbounded); forward
mode, batching, partial evaluation (so `linearize` works) and DCE are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from jaxlite._src import core
from jaxlite._src.core import get_aval
from jaxlite._src.interpreters import ad
from jaxlite._src.jaxpr import DropVar
from jaxlite._src.lax.control_flow import common
from jaxlite._src.tree_util import tree_flatten, tree_unflatten, treedef_is_strict_leaf

while_p = core.Primitive("while", multiple_results=True)


def _lanes(pred: np.ndarray, x: Any) -> np.ndarray:
    return np.reshape(pred, pred.shape + (1,) * (np.ndim(x) - pred.ndim))


def _while_impl(*args, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cc = args[:cond_nconsts]
    bc = args[cond_nconsts : cond_nconsts + body_nconsts]
    carry = list(args[cond_nconsts + body_nconsts :])
    cond_f = common.compiled(cond_jaxpr)
    body_f = common.compiled(body_jaxpr)
    if not cond_jaxpr.out_avals[0].shape:
        while cond_f(*cc, *carry)[0]:
            carry = body_f(*bc, *carry)
        return carry
    pred = np.asarray(cond_f(*cc, *carry)[0])
    while pred.any():
        new = body_f(*bc, *carry)
        carry = [np.where(_lanes(pred, c), n, c) for n, c in zip(new, carry, strict=True)]
        pred = np.asarray(cond_f(*cc, *carry)[0])
    return carry


def _while_abstract_eval(*avals, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    pred = cond_jaxpr.out_avals[0]
    carry = avals[cond_nconsts + body_nconsts :]
    if pred.dtype != np.bool_ or any(a.shape[: pred.ndim] != pred.shape for a in carry):
        raise TypeError(
            f"while cond_jaxpr must return a boolean whose shape leads every carry's,"
            f" got {pred.str_short()}"
        )
    return list(body_jaxpr.out_avals)


while_p.impl = _while_impl
while_p.abstract_eval = _while_abstract_eval
while_p.weak_type_rule = lambda *w, body_jaxpr, **p: [a.weak_type for a in body_jaxpr.out_avals]
while_p.eval_impl = core.eager_impl(while_p)


def _carry_fixed_point(step, carry_flags: list[bool]) -> list[bool]:
    """Iterates `flags = flags | step(flags)` until nothing changes."""
    for _ in range(len(carry_flags) + 1):
        new = [a or b for a, b in zip(carry_flags, step(carry_flags), strict=True)]
        if new == carry_flags:
            return new
        carry_flags = new
    return carry_flags


# JVP: the carry gains the tangents of the carries that become nonzero (a fixed point over the
# body); the condition ignores them.
def _while_jvp(primals, tangents, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    nc, nb = cond_nconsts, body_nconsts
    cc, bc, init = common.split(primals, [nc, nb])
    _, bct, init_t = common.split(tangents, [nc, nb])
    bc_nz = [
        type(t) is not ad.Zero and common.differentiable(get_aval(p))
        for p, t in zip(bc, bct, strict=True)
    ]
    diff = [common.differentiable(a) for a in body_jaxpr.out_avals]
    carry_nz = [type(t) is not ad.Zero and d for t, d in zip(init_t, diff, strict=True)]

    def step(nz):
        return common.jvp_jaxpr(body_jaxpr, bc_nz + nz, nz)[1]

    carry_nz = _carry_fixed_point(step, carry_nz)
    body_jvp, _ = common.jvp_jaxpr(body_jaxpr, bc_nz + carry_nz, carry_nz)
    n_bct, n_ct = sum(bc_nz), sum(carry_nz)
    # (bc, carry, bc_t, carry_t) -> (bc, bc_t, carry, carry_t)
    body_jvp = common.permute(body_jvp, common.interleave_perm([nb, len(init)], [n_bct, n_ct]))
    t_avals = [
        a.to_tangent_aval() for a, z in zip(body_jaxpr.out_avals, carry_nz, strict=True) if z
    ]
    cond_aug = common.with_extra_invars(cond_jaxpr, t_avals, len(cond_jaxpr.in_avals))
    bct = [t for t, z in zip(bct, bc_nz, strict=True) if z]
    init_t = [
        common.instantiate(t) if type(t) is ad.Zero else t
        for t, z in zip(init_t, carry_nz, strict=True)
        if z
    ]
    outs = while_p.bind(
        *cc,
        *bc,
        *bct,
        *init,
        *init_t,
        cond_jaxpr=cond_aug,
        body_jaxpr=body_jvp,
        cond_nconsts=nc,
        body_nconsts=nb + n_bct,
    )
    n = len(init)
    it = iter(outs[n:])
    touts = [
        next(it) if z else ad.Zero(a.to_tangent_aval())
        for z, a in zip(carry_nz, body_jaxpr.out_avals, strict=True)
    ]
    return outs[:n], touts


_WHILE_REVERSE_ERROR = (
    "Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with "
    "dynamic start/stop values. Try using lax.scan, or using fori_loop with static start/stop."
)


def _while_transpose(cts, *args, **params):
    raise ValueError(_WHILE_REVERSE_ERROR)


# Batching: carries that are (or become) batched move to axis 0. A batched predicate batches
# every carry; the loop then runs while any lane holds (see the module docstring).
def _while_batch(axis_size, vals, dims, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    nc, nb = cond_nconsts, body_nconsts
    cc, bc, init = common.split(vals, [nc, nb])
    cc_d, bc_d, init_d = common.split(dims, [nc, nb])
    pred_nd = cond_jaxpr.out_avals[0].ndim
    n = len(init)
    state = {"pred": False}

    def step(bat):
        carry_d = [0 if b else None for b in bat]
        pred_bat = common.batched_outputs(cond_jaxpr, axis_size, cc_d + carry_d)[0]
        out_bat = common.batched_outputs(body_jaxpr, axis_size, bc_d + carry_d)
        if pred_bat or (pred_nd and any(bat + out_bat)):
            state["pred"] = True
            return [True] * n
        return out_bat

    carry_bat = _carry_fixed_point(step, [d is not None for d in init_d])
    pred_bat = state["pred"]
    carry_d = [0 if b else None for b in carry_bat]
    init = [
        common.move_to_front(x, d, axis_size) if b else x
        for x, d, b in zip(init, init_d, carry_bat, strict=True)
    ]
    cond_b, _ = common.batch_jaxpr(cond_jaxpr, axis_size, cc_d + carry_d, [0 if pred_bat else None])
    body_b, _ = common.batch_jaxpr(body_jaxpr, axis_size, bc_d + carry_d, carry_d)
    outs = while_p.bind(
        *cc, *bc, *init, cond_jaxpr=cond_b, body_jaxpr=body_b, cond_nconsts=nc, body_nconsts=nb
    )
    return outs, carry_d


# Partial evaluation: when the condition is known, a while over the known carries runs now;
# the unknown outputs come from the whole loop, staged (recomputing the known part, as JAX).
def _while_partial_eval(trace, args, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    params = dict(
        cond_jaxpr=cond_jaxpr,
        body_jaxpr=body_jaxpr,
        cond_nconsts=cond_nconsts,
        body_nconsts=body_nconsts,
    )
    nc, nb = cond_nconsts, body_nconsts
    uk = [trace.is_own(x) for x in args]
    cc_uk, bc_uk, init_uk = common.split(uk, [nc, nb])
    n = len(init_uk)

    def step(carry_uk):
        return common.partial_eval_jaxpr(body_jaxpr, bc_uk + carry_uk, carry_uk)[2]

    carry_uk = _carry_fixed_point(step, init_uk)
    cond_uk = common.partial_eval_jaxpr(cond_jaxpr, cc_uk + carry_uk)[2][0]
    if cond_uk or all(carry_uk):
        return trace.stage(while_p, args, params)

    def split():
        known_c = common.partial_eval_jaxpr(cond_jaxpr, cc_uk + carry_uk)[0]
        known_c = common.prune(
            known_c, [True] * len(known_c.in_avals), [True] + [False] * (len(known_c.out_avals) - 1)
        )
        known_b = common.partial_eval_jaxpr(body_jaxpr, bc_uk + carry_uk, carry_uk)[0]
        n_known = n - sum(carry_uk)
        known_b = common.prune(
            known_b,
            [True] * len(known_b.in_avals),
            [i < n_known for i in range(len(known_b.out_avals))],
        )
        return known_c, known_b

    known_c, known_b = common.memo_multi((body_jaxpr, cond_jaxpr), ("while_pe", tuple(uk)), split)
    # The known loop's carries are those known after the fixed point (not merely at entry).
    keep = [not u for u in cc_uk + bc_uk + carry_uk]
    kargs = [x for x, k in zip(args, keep, strict=True) if k]
    with core.set_current_trace(trace.parent):
        known_outs = iter(
            while_p.bind(
                *kargs,
                cond_jaxpr=known_c,
                body_jaxpr=known_b,
                cond_nconsts=nc - sum(cc_uk),
                body_nconsts=nb - sum(bc_uk),
            )
        )
    staged = trace.stage(while_p, args, params)
    return [s if u else next(known_outs) for s, u in zip(staged, carry_uk, strict=True)]


# DCE: a carry stays if its output is used, the condition reads it, or the body needs it for
# a carry that stays.
def _while_dce(used_outputs, eqn):
    if not any(used_outputs):
        return [False] * len(eqn.invars), None
    p = eqn.params
    cond_jaxpr, body_jaxpr = p["cond_jaxpr"], p["body_jaxpr"]
    nc, nb = p["cond_nconsts"], p["body_nconsts"]
    cond_used = common.dce_used_inputs(cond_jaxpr, [True])
    used = [a or b for a, b in zip(used_outputs, cond_used[nc:], strict=True)]

    def step(u):
        return common.dce_used_inputs(body_jaxpr, u)[nb:]

    used = _carry_fixed_point(step, used)
    body_in = common.dce_used_inputs(body_jaxpr, used)
    bc_used = body_in[:nb]
    new_body = common.prune(body_jaxpr, bc_used + used, used)
    new_cond = common.prune(cond_jaxpr, cond_used[:nc] + used, [True])
    cc_v, bc_v, init_v = common.split(eqn.invars, [nc, nb])
    invars = (
        [v for v, u in zip(cc_v, cond_used[:nc], strict=True) if u]
        + [v for v, u in zip(bc_v, bc_used, strict=True) if u]
        + [v for v, u in zip(init_v, used, strict=True) if u]
    )
    outvars = [
        v if uo else DropVar(v.aval)
        for v, u, uo in zip(eqn.outvars, used, used_outputs, strict=True)
        if u
    ]
    params = dict(
        cond_jaxpr=new_cond,
        body_jaxpr=new_body,
        cond_nconsts=sum(cond_used[:nc]),
        body_nconsts=sum(bc_used),
    )
    used_inputs = cond_used[:nc] + bc_used + used
    return used_inputs, eqn._replace(invars=invars, outvars=outvars, params=params)


while_p.jvp = _while_jvp
while_p.transpose = _while_transpose
while_p.batch = _while_batch
while_p.partial_eval = _while_partial_eval
while_p.dce = _while_dce


# ----------------------------------------------------------------------------------------------
# Public wrapper


def _trace_loop(cond_fun, body_fun, leaves, in_tree):
    avals = common.abstractify(leaves)
    cond_j, cond_consts, cond_tree = common.trace_fun(cond_fun, in_tree, avals, "while_loop")
    body_j, body_consts, body_tree = common.trace_fun(body_fun, in_tree, avals, "while_loop")
    return avals, cond_j, cond_consts, cond_tree, body_j, body_consts, body_tree


def while_loop(cond_fun: Callable, body_fun: Callable, init_val: Any) -> Any:
    """Repeats `val = body_fun(val)` while `cond_fun(val)` is true; returns the final `val`.

    The carry keeps one pytree structure, shapes and dtypes. Forward-mode differentiation
    works; reverse mode does not (use `scan` or `fori_loop` with static bounds).
    """
    if not (callable(cond_fun) and callable(body_fun)):
        raise TypeError("lax.while_loop: body_fun and cond_fun arguments should be callable.")
    leaves, in_tree = tree_flatten((init_val,))
    traced = _trace_loop(cond_fun, lambda c: (body_fun(c),), leaves, in_tree)
    avals, cond_j, cond_consts, cond_tree, body_j, body_consts, body_tree = traced
    _check_cond(cond_tree, cond_j)
    if body_tree == in_tree:
        leaves, changed = common.promote_weak_inputs(leaves, avals, body_j.out_avals)
        if changed:
            traced = _trace_loop(cond_fun, lambda c: (body_fun(c),), leaves, in_tree)
            avals, cond_j, cond_consts, cond_tree, body_j, body_consts, body_tree = traced
            _check_cond(cond_tree, cond_j)
    common.check_carry_type(
        "while_loop body",
        body_fun,
        in_tree.children()[0],
        avals,
        body_tree.children()[0],
        body_j.out_avals,
    )
    outs = while_p.bind(
        *cond_consts,
        *body_consts,
        *leaves,
        cond_jaxpr=cond_j,
        body_jaxpr=body_j,
        cond_nconsts=len(cond_consts),
        body_nconsts=len(body_consts),
    )
    return tree_unflatten(in_tree, outs)[0]


def _check_cond(tree, jaxpr) -> None:
    if not treedef_is_strict_leaf(tree):
        raise TypeError(f"cond_fun must return a boolean scalar, but got pytree {tree}.")
    a = jaxpr.out_avals[0]
    if a.shape or a.dtype != np.bool_:
        raise TypeError(
            "cond_fun must return a boolean scalar, but got output type(s) "
            f"{list(jaxpr.out_avals)}."
        )

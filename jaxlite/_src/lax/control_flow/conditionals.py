"""`cond` and `switch`: the `cond` primitive, choosing one of several closed jaxprs by index.

`cond_p.bind(index, *operands, branches=(jaxpr_0, ...))` runs `branches[index]` on the
operands (the index is clamped). Each branch takes the constants hoisted from every branch
followed by the user's operands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core
from jaxlite._src.core import Tracer, get_aval
from jaxlite._src.interpreters import ad
from jaxlite._src.lax.ad_util import stop_gradient_p
from jaxlite._src.lax.control_flow import common
from jaxlite._src.lax.elementwise import clamp, convert_element_type, eq, ne, select_n
from jaxlite._src.lax.shape import broadcast_in_dim
from jaxlite._src.tree_util import tree_flatten, tree_unflatten

cond_p = core.Primitive("cond", multiple_results=True)


def _out_weak(branches) -> list[bool]:
    # An output is weakly typed only when it is in every branch.
    return [
        all(b.out_avals[i].weak_type for b in branches) for i in range(len(branches[0].out_avals))
    ]


def _cond_impl(index, *ops, branches):
    i = min(max(int(index), 0), len(branches) - 1)
    return common.run_compiled(branches[i], ops)


def _cond_abstract_eval(index, *ops, branches):
    if index.shape or index.dtype != np.int32:
        raise TypeError(f"cond index must be an int32 scalar, got {index.str_short()}")
    weak = _out_weak(branches)
    return [a.update(weak_type=w) for a, w in zip(branches[0].out_avals, weak, strict=True)]


cond_p.impl = _cond_impl
cond_p.abstract_eval = _cond_abstract_eval
cond_p.weak_type_rule = lambda *w, branches: _out_weak(branches)
cond_p.eval_impl = core.eager_impl(cond_p)


# JVP: every branch is differentiated with the union of their nonzero output tangents.
def _cond_jvp(primals, tangents, *, branches):
    index, *ops = primals
    nz = [
        type(t) is not ad.Zero and common.differentiable(get_aval(p))
        for p, t in zip(ops, tangents[1:], strict=True)
    ]
    out_nz = [False] * len(branches[0].out_avals)
    for b in branches:
        _, b_nz = common.jvp_jaxpr(b, nz, [False] * len(out_nz))
        out_nz = [x or y for x, y in zip(out_nz, b_nz, strict=True)]
    new = tuple(common.jvp_jaxpr(b, nz, out_nz)[0] for b in branches)
    ts = [t for t, z in zip(tangents[1:], nz, strict=True) if z]
    outs = cond_p.bind(index, *ops, *ts, branches=new)
    n = len(out_nz)
    it = iter(outs[n:])
    touts = [
        next(it) if z else ad.Zero(a.to_tangent_aval())
        for z, a in zip(out_nz, branches[0].out_avals, strict=True)
    ]
    return outs[:n], touts


# Transpose: each branch is transposed in its linear operands; the index and the other
# operands (residuals) are passed along unchanged.
def _cond_transpose(cts, index, *ops, branches):
    if type(index) is ad.UndefinedPrimal:
        raise core.InternalError("internal: cond transposed in its index")
    linear = [type(x) is ad.UndefinedPrimal for x in ops]
    new = tuple(common.transpose_jaxpr(b, linear) for b in branches)
    res = [x for x, lin in zip(ops, linear, strict=True) if not lin]
    cts = [common.instantiate(c) for c in cts]
    outs = iter(cond_p.bind(index, *res, *cts, branches=new))
    return [None] + [next(outs) if lin else None for lin in linear]


def _bcast_to(pred: Any, shape: tuple) -> Any:
    p = get_aval(pred)
    if p.shape == shape:
        return pred
    return broadcast_in_dim(pred, shape, tuple(range(p.ndim)))


# Batching. An unbatched index keeps the cond (branches batched alike). A batched index runs
# every branch and selects elementwise; operands a lane does not select go through
# stop_gradient so that a branch it does not take cannot leak NaN gradients into it.
def _cond_batch(axis_size, vals, dims, *, branches):
    index, *ops = vals
    idim, *odims = dims
    n_out = len(branches[0].out_avals)
    if idim is None:
        bat = [False] * n_out
        for b in branches:
            bat = [
                x or y
                for x, y in zip(bat, common.batched_outputs(b, axis_size, odims), strict=True)
            ]
        out_dims = [0 if x else None for x in bat]
        new = tuple(common.batch_jaxpr(b, axis_size, odims, out_dims)[0] for b in branches)
        return cond_p.bind(index, *ops, branches=new), out_dims
    index = common.move_to_front(index, idim, axis_size)
    ops = [common.move_to_front(x, d, axis_size) for x, d in zip(ops, odims, strict=True)]
    outs = []
    for i, b in enumerate(branches):
        taken = eq(index, np.int32(i))
        ops_i = [
            select_n(_bcast_to(taken, get_aval(x).shape), stop_gradient_p.bind(x), x) for x in ops
        ]
        bj, _ = common.batch_jaxpr(b, axis_size, [0] * len(ops), [0] * n_out)
        outs.append(common.eval_closed(bj, ops_i))
    res = [
        select_n(_bcast_to(index, get_aval(cases[0]).shape), *cases)
        for cases in zip(*outs, strict=True)
    ]
    return res, [0] * n_out


def _join_residuals(res_avals: Sequence[Sequence[core.ShapedArray]]):
    """Shares residual slots between branches by type; returns the slots' avals and, per
    branch, the slot of each of its residuals."""
    slots: list[core.ShapedArray] = []
    where: list[list[int]] = []
    for avals in res_avals:
        taken: set[int] = set()
        mine = []
        for a in avals:
            k = next(
                (
                    k
                    for k, s in enumerate(slots)
                    if k not in taken and s.shape == a.shape and s.dtype == a.dtype
                ),
                None,
            )
            if k is None:
                k = len(slots)
                slots.append(a)
            taken.add(k)
            mine.append(k)
        where.append(mine)
    return slots, where


def _split_branches(branches, unknowns):
    """Partial evaluation of every branch with a common set of unknown outputs."""
    n_out = len(branches[0].out_avals)
    out_uk = [False] * n_out
    for b in branches:
        _, _, b_uk, _ = common.partial_eval_jaxpr(b, unknowns)
        out_uk = [x or y for x, y in zip(out_uk, b_uk, strict=True)]
    parts = [common.partial_eval_jaxpr(b, unknowns, out_uk) for b in branches]
    n_known = n_out - sum(out_uk)
    res_avals = [known.out_avals[n_known:] for known, _, _, _ in parts]
    slots, where = _join_residuals(res_avals)
    known_ops_avals = [a for a, u in zip(branches[0].in_avals, unknowns, strict=True) if not u]
    uk_ops_avals = [a for a, u in zip(branches[0].in_avals, unknowns, strict=True) if u]
    known_branches, unknown_branches = [], []
    for (known, unknown, _, _), mine in zip(parts, where, strict=True):

        def kfun(*xs, known=known, mine=mine):
            outs = common.eval_closed(known, xs)
            res = [None] * len(slots)
            for k, r in zip(mine, outs[n_known:], strict=True):
                res[k] = r
            res = [common.zeros(s) if r is None else r for r, s in zip(res, slots, strict=True)]
            return [*outs[:n_known], *res]

        def ufun(*xs, unknown=unknown, mine=mine):
            res = [xs[k] for k in mine]
            return common.eval_closed(unknown, [*res, *xs[len(slots) :]])

        known_branches.append(common.pe.trace_to_jaxpr(kfun, known_ops_avals, name="cond"))
        unknown_branches.append(
            common.pe.trace_to_jaxpr(ufun, [*slots, *uk_ops_avals], name="cond")
        )
    return tuple(known_branches), tuple(unknown_branches), out_uk, len(slots)


# Partial evaluation: known branches compute the known outputs and residuals (slots shared
# between branches, zero-filled where a branch has none); the unknown cond consumes them.
def _cond_partial_eval(trace, args, *, branches):
    index, *ops = args
    if trace.is_own(index):
        return trace.stage(cond_p, args, {"branches": branches})
    unknowns = tuple(trace.is_own(x) for x in ops)
    known_b, unknown_b, out_uk, n_res = common.memo_multi(
        branches, ("cond_pe", unknowns), lambda: _split_branches(branches, unknowns)
    )
    known_ops = [x for x, u in zip(ops, unknowns, strict=True) if not u]
    with core.set_current_trace(trace.parent):
        known_outs = cond_p.bind(index, *known_ops, branches=known_b)
    n_known = len(out_uk) - sum(out_uk)
    res = known_outs[n_known:]
    uk_ops = [x for x, u in zip(ops, unknowns, strict=True) if u]
    uk_outs = iter(trace.stage(cond_p, [index, *res, *uk_ops], {"branches": unknown_b}))
    k_outs = iter(known_outs[:n_known])
    return [next(uk_outs) if u else next(k_outs) for u in out_uk]


# DCE: unused outputs go from every branch, then operands no branch reads.
def _cond_dce(used_outputs, eqn):
    if not any(used_outputs):
        return [False] * len(eqn.invars), None
    branches = eqn.params["branches"]
    used_in = [False] * (len(eqn.invars) - 1)
    for b in branches:
        used_in = [
            x or y for x, y in zip(used_in, common.dce_used_inputs(b, used_outputs), strict=True)
        ]
    new = tuple(common.prune(b, used_in, used_outputs) for b in branches)
    invars = [eqn.invars[0]] + [v for v, u in zip(eqn.invars[1:], used_in, strict=True) if u]
    outvars = [v for v, u in zip(eqn.outvars, used_outputs, strict=True) if u]
    return [True, *used_in], eqn._replace(invars=invars, outvars=outvars, params={"branches": new})


cond_p.jvp = _cond_jvp
cond_p.transpose = _cond_transpose
cond_p.batch = _cond_batch
cond_p.partial_eval = _cond_partial_eval
cond_p.dce = _cond_dce


# ----------------------------------------------------------------------------------------------
# Public wrappers

_NO_OPERAND = object()


def _show(x: Any) -> Any:
    """A value as JAX's messages show it (a tracer as itself)."""
    return x if isinstance(x, Tracer) else np.asarray(core.to_numpy(x))


def _operands(operands: tuple, operand: Any) -> tuple:
    if operand is _NO_OPERAND:
        return operands
    if operands:
        raise TypeError(
            "if 'operand' keyword is passed then no positional operands can be passed, got "
            f"operand={operand} and positional operands {operands}"
        )
    return (operand,)


def _trace_branches(
    funs: Sequence[Callable], names: Sequence[str], api: str, operands: tuple
) -> tuple:
    leaves, in_tree = tree_flatten(operands)
    avals = common.abstractify(leaves)
    jaxprs, consts, out_trees = common.trace_funs_common_consts(funs, in_tree, avals, api)
    for i in range(1, len(funs)):
        common.check_branch_outputs(
            api,
            names[0],
            names[i],
            funs[0],
            funs[i],
            out_trees[0],
            jaxprs[0].out_avals,
            out_trees[i],
            jaxprs[i].out_avals,
        )
    return jaxprs, consts, leaves, out_trees[0]


def cond(
    pred: Any, true_fun: Callable, false_fun: Callable, *operands: Any, operand: Any = _NO_OPERAND
) -> Any:
    """`true_fun(*operands)` if `pred` else `false_fun(*operands)`, staged as one primitive.

    Both branches are traced; they must return the same pytree of the same types. `pred` is a
    boolean or numeric scalar (nonzero is true).
    """
    if not (callable(true_fun) and callable(false_fun)):
        raise TypeError("lax.cond: true_fun and false_fun arguments should be callable.")
    operands = _operands(operands, operand)
    if pred is None:
        raise TypeError("cond predicate is None")
    if isinstance(pred, (str, bytes, list, tuple)):
        raise TypeError(f"Pred must be a scalar, got {pred} of type {type(pred)}")
    common.check_leaf(pred)
    p_aval = get_aval(pred)
    if p_aval.shape:
        raise TypeError(f"Pred must be a scalar, got {_show(pred)} of shape {p_aval.shape}.")
    if p_aval.dtype.kind not in "biuf":
        raise TypeError("Pred type must be either boolean or number.")
    jaxprs, consts, leaves, out_tree = _trace_branches(
        (true_fun, false_fun), ("true_fun", "false_fun"), "cond", operands
    )
    if isinstance(pred, Tracer) and pred.to_concrete_value() is None:
        if p_aval.dtype.kind != "b":
            pred = ne(pred, np.zeros((), p_aval.dtype))
        index = convert_element_type(pred, np.int32)
    else:  # a concrete predicate becomes a literal index, as in JAX
        index = core._wrap(np.asarray(np.asarray(core.to_numpy(pred)) != 0, np.int32), False)
    outs = cond_p.bind(index, *consts, *leaves, branches=(jaxprs[1], jaxprs[0]))
    return tree_unflatten(out_tree, outs)


def switch(
    index: Any, branches: Sequence[Callable], *operands: Any, operand: Any = _NO_OPERAND
) -> Any:
    """`branches[index](*operands)`, with `index` clamped to the valid range."""
    try:
        branches = list(branches)
    except TypeError:
        raise TypeError(
            "lax.switch: branches argument should be a sequence of callables."
        ) from None
    if not all(callable(b) for b in branches):
        raise TypeError("lax.switch: branches argument should be a sequence of callables.")
    operands = _operands(operands, operand)
    common.check_leaf(index)
    i_aval = get_aval(index)
    if i_aval.shape:
        raise TypeError(f"Branch index must be scalar, got {_show(index)} of shape {i_aval.shape}.")
    if i_aval.dtype.kind not in "iu":
        raise TypeError(f"Index type must be an integer, got {_show(index)} as {i_aval.dtype.name}")
    if not branches:
        raise ValueError("Empty branch sequence")
    if len(branches) == 1:
        return branches[0](*operands)
    if isinstance(index, Tracer) and index.to_concrete_value() is None:
        index = convert_element_type(index, np.int32)
    else:
        index = core._wrap(np.asarray(core.to_numpy(index)).astype(np.int32), False)
    index = clamp(np.int32(0), index, np.int32(len(branches) - 1))
    names = ["branch 0"] + [f"branch{i}" for i in range(1, len(branches))]
    jaxprs, consts, leaves, out_tree = _trace_branches(branches, names, "switch", operands)
    outs = cond_p.bind(index, *consts, *leaves, branches=tuple(jaxprs))
    return tree_unflatten(out_tree, outs)

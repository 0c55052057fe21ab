"""`scan`, `map` and `fori_loop`: the `scan` primitive.

`scan_p.bind(*consts, *init, *xs, jaxpr=..., length=..., reverse=..., num_consts=...,
num_carry=..., unroll=...)` runs `jaxpr(*consts, *carry, *x_i) -> (*carry, *y_i)` over the
leading axis of the `xs` and stacks the `y`s. `fori_loop` with static bounds is a scan, so it
has reverse mode.

Reverse mode: partial evaluation splits a scan into a known scan, which computes the known
outputs and stacks the residuals that the unknown part needs, and an unknown scan consuming
them. Residuals that do not vary over the loop (functions of the constants only) are computed
once, outside, and residuals that are just slices of an `xs` are not copied.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from jaxlite._src import core
from jaxlite._src.core import Tracer, get_aval
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.jaxpr import ClosedJaxpr, DropVar, Literal
from jaxlite._src.lax.control_flow import common
from jaxlite._src.lax.control_flow.loops import _carry_fixed_point, while_loop
from jaxlite._src.lax.elementwise import add, lt
from jaxlite._src.tree_util import tree_flatten, tree_map, tree_unflatten

scan_p = core.Primitive("scan", multiple_results=True)


def _scan_impl(*args, jaxpr, length, reverse, num_consts, num_carry, unroll):
    consts = args[:num_consts]
    carry = list(args[num_consts : num_consts + num_carry])
    xs = args[num_consts + num_carry :]
    body = common.compiled(jaxpr)
    ys = [np.empty((length, *a.shape), a.dtype) for a in jaxpr.out_avals[num_carry:]]
    for t in range(length):
        i = length - 1 - t if reverse else t
        out = body(*consts, *carry, *[x[i] for x in xs])
        carry = out[:num_carry]
        for y, o in zip(ys, out[num_carry:], strict=True):
            y[i] = o
    return [*carry, *ys]


def _scan_abstract_eval(*avals, jaxpr, length, reverse, num_consts, num_carry, unroll):
    if len(avals) != len(jaxpr.in_avals):
        raise TypeError(f"scan got {len(avals)} operands for a body of {len(jaxpr.in_avals)}")
    for a in avals[num_consts + num_carry :]:
        if not a.shape or a.shape[0] != length:
            raise TypeError(f"scan of length {length} got xs of type {a.str_short()}")
    outs = jaxpr.out_avals
    return [*outs[:num_carry], *[a.update(shape=(length, *a.shape)) for a in outs[num_carry:]]]


scan_p.impl = _scan_impl
scan_p.abstract_eval = _scan_abstract_eval
scan_p.weak_type_rule = lambda *w, jaxpr, **p: [a.weak_type for a in jaxpr.out_avals]
scan_p.eval_impl = core.eager_impl(scan_p)


def _params(p: dict, **changes) -> dict:
    return {**p, **changes}


# JVP: tangents of the consts, of the carries that become nonzero (a fixed point over the
# body) and of the xs join the scan, each group after its primals.
def _scan_jvp(primals, tangents, **p):
    jaxpr, nc, ncar = p["jaxpr"], p["num_consts"], p["num_carry"]
    consts, init, xs = common.split(primals, [nc, ncar])
    nz = [
        type(t) is not ad.Zero and common.differentiable(get_aval(x))
        for x, t in zip(primals, tangents, strict=True)
    ]
    c_nz, init_nz, x_nz = common.split(nz, [nc, ncar])
    n_ys = len(jaxpr.out_avals) - ncar
    diff = [common.differentiable(a) for a in jaxpr.out_avals[:ncar]]
    init_nz = [a and d for a, d in zip(init_nz, diff, strict=True)]

    def step(carry_nz):
        return common.jvp_jaxpr(jaxpr, c_nz + carry_nz + x_nz, carry_nz + [False] * n_ys)[1][:ncar]

    carry_nz = _carry_fixed_point(step, init_nz)
    jvp, out_nz = common.jvp_jaxpr(jaxpr, c_nz + carry_nz + x_nz, carry_nz + [False] * n_ys)
    ys_nz = out_nz[ncar:]
    groups = [nc, ncar, len(xs)]
    jvp = common.permute(
        jvp,
        common.interleave_perm(groups, [sum(c_nz), sum(carry_nz), sum(x_nz)]),
        common.interleave_perm([ncar, n_ys], [sum(carry_nz), sum(ys_nz)]),
    )
    ct, it, xt = common.split(tangents, [nc, ncar])
    ct = [t for t, z in zip(ct, c_nz, strict=True) if z]
    it = [common.instantiate(t) for t, z in zip(it, carry_nz, strict=True) if z]
    xt = [t for t, z in zip(xt, x_nz, strict=True) if z]
    outs = scan_p.bind(
        *consts,
        *ct,
        *init,
        *it,
        *xs,
        *xt,
        **_params(p, jaxpr=jvp, num_consts=nc + len(ct), num_carry=ncar + len(it)),
    )
    carry, carry_t, ys, ys_t = common.split(outs, [ncar, len(it), n_ys])
    carry_t, ys_t = iter(carry_t), iter(ys_t)
    out_avals = _scan_abstract_eval(*[get_aval(x) for x in primals], **p)
    t_out = [
        next(carry_t) if z else ad.Zero(a.to_tangent_aval())
        for z, a in zip(carry_nz, out_avals[:ncar], strict=True)
    ]
    t_out += [
        next(ys_t) if z else ad.Zero(a.to_tangent_aval())
        for z, a in zip(ys_nz, out_avals[ncar:], strict=True)
    ]
    return [*carry, *ys], t_out


# ----------------------------------------------------------------------------------------------
# Splitting a scan into a known and an unknown scan (partial evaluation, and transposition of
# scans with non-linear carries)


class _Split(NamedTuple):
    carry_uk: list  # which carries are unknown
    out_uk: list  # which outputs (carries, ys) are unknown
    hoist: ClosedJaxpr  # known consts -> (invariant residuals, known-loop consts)
    n_inv: int  # number of invariant residuals
    known: ClosedJaxpr  # known-loop consts, known carry, known xs -> known outs, residuals
    n_known_consts: int
    res_src: list  # per variant residual: ("out", k) or ("xs", j)
    unknown: ClosedJaxpr  # inv res, uk consts, uk carry, variant res, uk xs -> uk outs


def _scan_split(jaxpr: ClosedJaxpr, nc: int, ncar: int, unknowns: tuple) -> _Split:
    c_uk, init_uk, x_uk = common.split(list(unknowns), [nc, ncar])
    n_ys = len(jaxpr.out_avals) - ncar

    def step(carry_uk):
        return common.partial_eval_jaxpr(jaxpr, c_uk + carry_uk + x_uk, carry_uk + [False] * n_ys)[
            2
        ][:ncar]

    carry_uk = _carry_fixed_point(step, init_uk)
    known, unknown, out_uk, num_res = common.partial_eval_jaxpr(
        jaxpr, c_uk + carry_uk + x_uk, carry_uk + [False] * n_ys
    )
    n_kc, n_kcar, n_kx = nc - sum(c_uk), ncar - sum(carry_uk), len(x_uk) - sum(x_uk)
    n_kout = len(out_uk) - sum(out_uk)
    # Which residuals vary over the loop: partially evaluate the known body once more, with
    # the consts known and the carry and xs unknown.
    hoist, loop, out_uk2, n_res2 = common.pe.partial_eval_jaxpr(
        known, [False] * n_kc + [True] * (n_kcar + n_kx), [True] * n_kout + [False] * num_res
    )
    variant = out_uk2[n_kout:]
    # Variant residuals that are slices of a known xs, or repeats, are not stacked again.
    lj = loop.jaxpr
    x_pos = {v: j for j, v in enumerate(lj.invars[n_res2 + n_kcar :])}
    first: dict = {}
    res_src, keep_out = [], [True] * n_kout
    for v in lj.outvars[n_kout:]:
        if v in x_pos:
            res_src.append(("xs", x_pos[v]))
            keep_out.append(False)
        elif not isinstance(v, Literal) and v in first:
            res_src.append(("out", first[v]))
            keep_out.append(False)
        else:
            k = sum(keep_out) - n_kout
            if not isinstance(v, Literal):
                first[v] = k
            res_src.append(("out", k))
            keep_out.append(True)
    loop = common.prune(loop, [True] * len(lj.invars), keep_out)
    # unknown's inputs: (residuals, uk consts, uk carry, uk xs); invariant residuals become
    # consts, variant ones xs.
    n_ukc, n_ukcar = sum(c_uk), sum(carry_uk)
    inv_idx = [i for i, v in enumerate(variant) if not v]
    var_idx = [i for i, v in enumerate(variant) if v]
    r = num_res
    perm = (
        inv_idx
        + list(range(r, r + n_ukc + n_ukcar))
        + var_idx
        + list(range(r + n_ukc + n_ukcar, len(unknown.in_avals)))
    )
    unknown = common.permute(unknown, perm)
    return _Split(carry_uk, out_uk, hoist, len(inv_idx), loop, n_res2, res_src, unknown)


def _run_split(s: _Split, args, masks, p, known_trace: core.Trace):
    c_uk, init_uk, x_uk = masks
    nc, ncar = p["num_consts"], p["num_carry"]
    consts, init, xs = common.split(args, [nc, ncar])
    kconsts = [x for x, u in zip(consts, c_uk, strict=True) if not u]
    kinit = [x for x, u in zip(init, s.carry_uk, strict=True) if not u]
    kxs = [x for x, u in zip(xs, x_uk, strict=True) if not u]
    with core.set_current_trace(known_trace):
        hoisted = common.eval_closed(s.hoist, kconsts)
        inv_res, res2 = hoisted[: s.n_inv], hoisted[s.n_inv :]
        k_outs = scan_p.bind(
            *res2,
            *kinit,
            *kxs,
            **_params(p, jaxpr=s.known, num_consts=len(res2), num_carry=len(kinit)),
        )
    n_kout = len(s.out_uk) - sum(s.out_uk)
    stacked = k_outs[n_kout:]
    var_res = [stacked[k] if kind == "out" else kxs[k] for kind, k in s.res_src]
    ukc = [x for x, u in zip(consts, c_uk, strict=True) if u]
    ukinit = [x for x, u in zip(init, s.carry_uk, strict=True) if u]
    ukxs = [x for x, u in zip(xs, x_uk, strict=True) if u]
    uk_args = [*inv_res, *ukc, *ukinit, *var_res, *ukxs]
    uk_params = _params(
        p, jaxpr=s.unknown, num_consts=len(inv_res) + len(ukc), num_carry=len(ukinit)
    )
    return k_outs[:n_kout], uk_args, uk_params


def _merge(out_uk, known_outs, unknown_outs) -> list:
    k, u = iter(known_outs), iter(unknown_outs)
    return [next(u) if x else next(k) for x in out_uk]


def _get_split(p, unknowns):
    jaxpr = p["jaxpr"]
    return common.memo(
        jaxpr,
        ("scan_split", p["num_consts"], p["num_carry"], unknowns),
        lambda: _scan_split(jaxpr, p["num_consts"], p["num_carry"], unknowns),
    )


def _masks(p, unknowns):
    c, i, x = common.split(list(unknowns), [p["num_consts"], p["num_carry"]])
    return c, i, x


def _scan_partial_eval(trace, args, **p):
    unknowns = tuple(trace.is_own(x) for x in args)
    s = _get_split(p, unknowns)
    if all(s.out_uk):
        return trace.stage(scan_p, args, p)
    known_outs, uk_args, uk_params = _run_split(s, args, _masks(p, unknowns), p, trace.parent)
    uk_outs = trace.stage(scan_p, uk_args, uk_params) if any(s.out_uk) else []
    return _merge(s.out_uk, known_outs, uk_outs)


# ----------------------------------------------------------------------------------------------
# Transpose


def _scan_transpose(cts, *args, **p):
    nc, ncar = p["num_consts"], p["num_carry"]
    lin = tuple(type(x) is ad.UndefinedPrimal for x in args)
    s = _get_split(p, lin)
    if not any(not u for u in s.carry_uk) or ncar == 0:
        return _transpose_linear(cts, args, p)
    # Some carries are not linear (a loop counter): compute them with a known scan first.
    known_trace = core.current_trace()
    _, uk_args, uk_params = _run_split(s, args, _masks(p, lin), p, known_trace)
    uk_cts = [c for c, u in zip(cts, s.out_uk, strict=True) if u]
    uk_ct_in = _transpose_linear(uk_cts, uk_args, uk_params)
    # Map the unknown scan's operand cotangents back to the original operands.
    c_uk, _, x_uk = _masks(p, lin)
    n_inv = s.n_inv
    n_ukc, n_ukcar = sum(c_uk), sum(s.carry_uk)
    ukc_ct, rest = uk_ct_in[n_inv : n_inv + n_ukc], uk_ct_in[n_inv + n_ukc :]
    init_ct = rest[:n_ukcar]
    xs_ct = rest[n_ukcar + len(s.res_src) :]
    c_it, i_it, x_it = iter(ukc_ct), iter(init_ct), iter(xs_ct)
    consts, init, xs = common.split(args, [nc, ncar])
    out = [next(c_it) if u else None for u in c_uk]
    out += [next(i_it) if u else None for u in s.carry_uk]
    out += [next(x_it) if u else None for u in x_uk]
    return [c if type(a) is ad.UndefinedPrimal else None for c, a in zip(out, args, strict=True)]


def _transpose_linear(cts, args, p):
    """Transpose of a scan whose carries are all linear; the transposed scan runs backwards,
    carrying the carry cotangent and accumulating the cotangents of linear consts."""
    jaxpr, nc, ncar = p["jaxpr"], p["num_consts"], p["num_carry"]
    consts, init, xs = common.split(args, [nc, ncar])
    c_lin = [type(x) is ad.UndefinedPrimal for x in consts]
    x_lin = [type(x) is ad.UndefinedPrimal for x in xs]
    ct_carry, ct_ys = cts[:ncar], cts[ncar:]
    ys_nz = tuple(type(c) is not ad.Zero for c in ct_ys)
    tj = common.memo(
        jaxpr,
        ("scan_t", tuple(c_lin), tuple(x_lin), ys_nz),
        lambda: _transposed_body(jaxpr, nc, ncar, c_lin, x_lin, ys_nz),
    )
    rc = [x for x, lin in zip(consts, c_lin, strict=True) if not lin]
    rx = [x for x, lin in zip(xs, x_lin, strict=True) if not lin]
    lc_avals = [x.aval.to_tangent_aval() for x in consts if type(x) is ad.UndefinedPrimal]
    acc = [common.zeros(a) for a in lc_avals]
    carry_avals = [a.to_tangent_aval() for a in jaxpr.out_avals[:ncar]]
    ct_carry = [
        common.zeros(a) if type(c) is ad.Zero else c
        for c, a in zip(ct_carry, carry_avals, strict=True)
    ]
    ct_ys = [c for c in ct_ys if type(c) is not ad.Zero]
    outs = scan_p.bind(
        *rc,
        *acc,
        *ct_carry,
        *ct_ys,
        *rx,
        **_params(
            p, jaxpr=tj, num_consts=len(rc), num_carry=len(acc) + ncar, reverse=not p["reverse"]
        ),
    )
    ct_lc, ct_init, ct_lx = common.split(outs, [len(acc), ncar])
    lc, lx = iter(ct_lc), iter(ct_lx)
    res = [next(lc) if lin else None for lin in c_lin]
    res += [
        c if type(a) is ad.UndefinedPrimal else None for c, a in zip(ct_init, init, strict=True)
    ]
    res += [next(lx) if lin else None for lin in x_lin]
    return res


def _transposed_body(jaxpr, nc, ncar, c_lin, x_lin, ys_nz):
    body_t = common.transpose_jaxpr(jaxpr, [*c_lin, *[True] * ncar, *x_lin])
    in_c, in_carry, in_x = common.split(jaxpr.in_avals, [nc, ncar])
    rc_avals = [a for a, lin in zip(in_c, c_lin, strict=True) if not lin]
    rx_avals = [a for a, lin in zip(in_x, x_lin, strict=True) if not lin]
    lc_avals = [a.to_tangent_aval() for a, lin in zip(in_c, c_lin, strict=True) if lin]
    carry_avals = [a.to_tangent_aval() for a in jaxpr.out_avals[:ncar]]
    ys_avals = [a.to_tangent_aval() for a in jaxpr.out_avals[ncar:]]
    nz_ys_avals = [a for a, z in zip(ys_avals, ys_nz, strict=True) if z]

    def body(*a):
        sizes = [len(rc_avals), len(lc_avals), ncar, len(nz_ys_avals)]
        rc, acc, cc, cy, rx = common.split(a, sizes)
        it = iter(cy)
        cy = [next(it) if z else common.zeros(av) for z, av in zip(ys_nz, ys_avals, strict=True)]
        outs = common.eval_closed(body_t, [*rc, *rx, *cc, *cy])
        d_lc, d_carry, d_lx = common.split(outs, [len(lc_avals), ncar])
        acc = [ad.add_any_p.bind(x, y) for x, y in zip(acc, d_lc, strict=True)]
        return [*acc, *d_carry, *d_lx]

    return common.pe.trace_to_jaxpr(
        body, [*rc_avals, *lc_avals, *carry_avals, *nz_ys_avals, *rx_avals], name="transpose"
    )


# ----------------------------------------------------------------------------------------------
# Batching and DCE


# Batching: consts keep their batch axes; batched carries move to axis 0; batched xs move
# theirs to axis 1 (axis 0 is the scanned one), so stacked batched ys have it at axis 1.
def _scan_batch(axis_size, vals, dims, **p):
    jaxpr, nc, ncar = p["jaxpr"], p["num_consts"], p["num_carry"]
    consts, init, xs = common.split(vals, [nc, ncar])
    c_d, init_d, x_d = common.split(dims, [nc, ncar])
    xs = [x if d is None else batching.moveaxis(x, d, 1) for x, d in zip(xs, x_d, strict=True)]
    x_in = [None if d is None else 0 for d in x_d]

    def step(bat):
        carry_d = [0 if b else None for b in bat]
        return common.batched_outputs(jaxpr, axis_size, c_d + carry_d + x_in)[:ncar]

    carry_bat = _carry_fixed_point(step, [d is not None for d in init_d])
    carry_d = [0 if b else None for b in carry_bat]
    ys_bat = common.batched_outputs(jaxpr, axis_size, c_d + carry_d + x_in)[ncar:]
    out_d = carry_d + [0 if b else None for b in ys_bat]
    new, _ = common.batch_jaxpr(jaxpr, axis_size, c_d + carry_d + x_in, out_d)
    init = [
        common.move_to_front(x, d, axis_size) if b else x
        for x, d, b in zip(init, init_d, carry_bat, strict=True)
    ]
    outs = scan_p.bind(*consts, *init, *xs, **_params(p, jaxpr=new))
    return outs, carry_d + [1 if b else None for b in ys_bat]


# DCE: unused ys go; a carry stays if its output is used or the body needs it for one that
# stays; consts and xs no remaining output reads go.
def _scan_dce(used_outputs, eqn):
    if not any(used_outputs):
        return [False] * len(eqn.invars), None
    p = eqn.params
    jaxpr, nc, ncar = p["jaxpr"], p["num_consts"], p["num_carry"]
    used_carry, used_ys = used_outputs[:ncar], list(used_outputs[ncar:])

    def step(u):
        return common.dce_used_inputs(jaxpr, u + used_ys)[nc : nc + ncar]

    used_carry = _carry_fixed_point(step, list(used_carry))
    used_in = common.dce_used_inputs(jaxpr, used_carry + used_ys)
    c_u, _, x_u = common.split(used_in, [nc, ncar])
    used_in = c_u + used_carry + x_u
    new = common.prune(jaxpr, used_in, used_carry + used_ys)
    invars = [v for v, u in zip(eqn.invars, used_in, strict=True) if u]
    outvars = [
        v if uo else DropVar(v.aval)
        for v, u, uo in zip(eqn.outvars, used_carry + used_ys, used_outputs, strict=True)
        if u
    ]
    params = _params(p, jaxpr=new, num_consts=sum(c_u), num_carry=sum(used_carry))
    return used_in, eqn._replace(invars=invars, outvars=outvars, params=params)


scan_p.jvp = _scan_jvp
scan_p.transpose = _scan_transpose
scan_p.batch = _scan_batch
scan_p.partial_eval = _scan_partial_eval
scan_p.dce = _scan_dce


# ----------------------------------------------------------------------------------------------
# Public wrappers


def _aval_tree_str(tree, avals) -> str:
    strs = [f"{'~' if a.weak_type else ''}{common.aval_str(a)}" for a in avals]

    class _S(str):
        def __repr__(self):
            return str(self)

    return str(tree_unflatten(tree, [_S(s) for s in strs]))


def _scan_length(xs_leaves, length) -> int:
    if length is not None:
        try:
            length = operator.index(length) if not isinstance(length, float) else int(length)
        except TypeError:
            if isinstance(length, Tracer):
                raise core.ConcretizationTypeError(
                    f"Abstract tracer value encountered where concrete value is expected: "
                    f"traced array with shape {length.aval.str_short()}\nThe `length` argument "
                    "to `scan` expects a concrete `int` value. For scan-like iteration with a "
                    "dynamic length, use `while_loop` or `fori_loop`."
                ) from None
            length = int(length)
    lengths = []
    for x in xs_leaves:
        a = get_aval(x)
        if not a.shape:
            raise ValueError(
                f"scan got value with no leading axis to scan over: {common.aval_str(a)}."
            )
        lengths.append(a.shape[0])
    if length is not None:
        if any(n != length for n in lengths):
            raise ValueError(
                f"scan got `length` argument of {length} which disagrees with "
                f"leading axis sizes {lengths}."
            )
        return length
    if not lengths:
        raise ValueError("scan got no values to scan over and `length` not provided.")
    if len(set(lengths)) > 1:
        raise ValueError(
            "scan got values with different leading axis sizes: "
            f"{', '.join(str(n) for n in lengths)}."
        )
    return lengths[0]


def scan(
    f: Callable,
    init: Any,
    xs: Any = None,
    length: int | None = None,
    reverse: bool = False,
    unroll: int | bool = 1,
    _split_transpose: bool = False,
) -> Any:
    """Loops `carry, y = f(carry, x)` over the leading axis of `xs`; returns
    `(final carry, stacked ys)`. The carry keeps one pytree structure, shapes and dtypes."""
    if not callable(f):
        raise TypeError("lax.scan: f argument should be a callable.")
    xs_leaves, xs_tree = tree_flatten(xs)
    common.abstractify(xs_leaves)
    length = _scan_length(xs_leaves, length)
    if isinstance(unroll, bool):
        unroll = max(length, 1) if unroll else 1
    elif not isinstance(unroll, (int, np.integer)) or unroll < 0:
        raise ValueError("`unroll` must be a `bool` or a non-negative `int`.")
    x_avals = [get_aval(x).update(shape=get_aval(x).shape[1:]) for x in xs_leaves]
    init_leaves, init_tree = tree_flatten(init)

    def trace(init_leaves):
        carry_avals = common.abstractify(init_leaves)
        in_tree = tree_flatten(
            (tree_unflatten(init_tree, init_leaves), tree_unflatten(xs_tree, x_avals))
        )[1]
        jaxpr, consts, out_tree = common.trace_fun(f, in_tree, [*carry_avals, *x_avals], "scan")
        kids = out_tree.children()
        if (
            out_tree.node_data() is None
            or out_tree.node_data()[0] not in (tuple, list)
            or len(kids) != 2
        ):
            raise TypeError(
                f"scan body output must be a pair, got {_aval_tree_str(out_tree, jaxpr.out_avals)}."
            )
        return carry_avals, jaxpr, consts, kids

    carry_avals, jaxpr, consts, kids = trace(init_leaves)
    n_carry = kids[0].num_leaves
    if kids[0] == init_tree:
        init_leaves, changed = common.promote_weak_inputs(
            init_leaves, carry_avals, jaxpr.out_avals[:n_carry]
        )
        if changed:
            carry_avals, jaxpr, consts, kids = trace(init_leaves)
    common.check_carry_type(
        "scan body", f, init_tree, carry_avals, kids[0], jaxpr.out_avals[: kids[0].num_leaves]
    )
    outs = scan_p.bind(
        *consts,
        *init_leaves,
        *xs_leaves,
        jaxpr=jaxpr,
        length=length,
        reverse=bool(reverse),
        num_consts=len(consts),
        num_carry=len(init_leaves),
        unroll=int(unroll),
    )
    n = len(init_leaves)
    return tree_unflatten(init_tree, outs[:n]), tree_unflatten(kids[1], outs[n:])


def _map_batched(f: Callable, xs: Any, batch_size: int) -> Any:
    from jaxlite._src.lax.shape import concatenate, reshape  # noqa: PLC0415
    from jaxlite._src.lax.slicing import slice as lax_slice  # noqa: PLC0415

    leaves, tree = tree_flatten(xs)

    def vf(x):
        def flat(*ls):
            out_leaves, out_tree = tree_flatten(f(tree_unflatten(tree, ls)))
            holder.append(out_tree)
            return out_leaves

        holder: list = []
        ls = tree_flatten(x)[0]
        outs = batching.vmap_flat(
            flat, get_aval(ls[0]).shape[0], [0] * len(ls), lambda k: [0] * k, ls
        )
        return tree_unflatten(holder[0], outs)

    if not leaves:
        return xs
    n = get_aval(leaves[0]).shape[0]
    num, rem = (0, n) if batch_size == 0 else divmod(n, batch_size)
    elems = num * batch_size

    def cut(x, lo, hi):
        a = get_aval(x)
        return lax_slice(x, (lo,) + (0,) * (a.ndim - 1), (hi,) + a.shape[1:])

    def batched(x):
        a = get_aval(x)
        return reshape(cut(x, 0, elems) if rem else x, (num, batch_size, *a.shape[1:]))

    if num == 0:
        return vf(tree_unflatten(tree, [cut(x, elems, n) for x in leaves]))
    scan_xs = tree_unflatten(tree, [batched(x) for x in leaves])
    rem_xs = tree_unflatten(tree, [cut(x, elems, n) for x in leaves]) if rem else None
    _, ys = scan(lambda _, x: ((), vf(x)), (), scan_xs)

    def flatten(y):
        a = get_aval(y)
        return reshape(y, (a.shape[0] * a.shape[1], *a.shape[2:]))

    if rem_xs is None:
        return tree_map(flatten, ys)
    rem_ys = vf(rem_xs)
    return tree_map(lambda y, r: concatenate([flatten(y), r], 0), ys, rem_ys)


def map(f: Callable, xs: Any, *, batch_size: int | None = None) -> Any:  # noqa: A001
    """`f` applied to each slice of `xs` along the leading axis, results stacked (a scan).

    With `batch_size`, slices are processed `batch_size` at a time under vmap.
    """
    if batch_size is not None:
        return _map_batched(f, xs, batch_size)
    _, ys = scan(lambda _, x: ((), f(x)), (), xs)
    return ys


def _bound_dtype(x: Any):
    return get_aval(x).dtype


def fori_loop(
    lower: Any, upper: Any, body_fun: Callable, init_val: Any, *, unroll: int | bool | None = None
) -> Any:
    """`for i in range(lower, upper): val = body_fun(i, val)`; returns `val`.

    With static bounds this is a `scan` (reverse-mode differentiable); with traced bounds a
    `while_loop`.
    """
    if not callable(body_fun):
        raise TypeError("lax.fori_loop: body_fun argument should be callable.")
    common.check_leaf(lower)
    common.check_leaf(upper)
    lo_dt, hi_dt = _bound_dtype(lower), _bound_dtype(upper)
    dtype = lo_dt
    if lo_dt != hi_dt:
        dtype = None
        if lo_dt.kind == "i" and hi_dt.kind == "i":
            lo_weak, hi_weak = get_aval(lower).weak_type, get_aval(upper).weak_type
            if lo_weak and not hi_weak:
                dtype = hi_dt
            elif hi_weak and not lo_weak:
                dtype = lo_dt
        if dtype is None:
            raise TypeError(
                "lower and upper arguments to fori_loop must have equal types, "
                f"got {lo_dt.name} and {hi_dt.name}"
            )
    if common.is_concrete(lower) and common.is_concrete(upper):
        lo, hi = int(lower), int(upper)

        def scanned(loop_carry, _):
            i, x = loop_carry
            return (add(i, 1), body_fun(i, x)), None

        (_, result), _ = scan(
            scanned,
            (lo, init_val),
            None,
            length=max(hi - lo, 0),
            unroll=False if unroll is None else unroll,
        )
        return result
    if unroll is not None and unroll is not False and unroll != 1:
        raise ValueError(
            "Can only use `unroll` in `fori_loop` if the loop bounds are statically known."
        )
    from jaxlite._src.lax.elementwise import convert_element_type  # noqa: PLC0415

    if lo_dt != dtype:
        lower = convert_element_type(lower, dtype)
    if hi_dt != dtype:
        upper = convert_element_type(upper, dtype)

    def body(loop_carry):
        i, hi, x = loop_carry
        return add(i, 1), hi, body_fun(i, x)

    _, _, result = while_loop(lambda c: lt(c[0], c[1]), body, (lower, upper, init_val))
    return result

"""custom_vjp: a function with user-defined forward and backward passes.

`custom_vjp_call` carries the flattened function, fwd and bwd. Under JVP (which is what
linearize and so grad run) fwd computes the primal output and the residuals, and the tangent
output is a `custom_lin` equation of the residuals and the input tangents: a linear map that
only bwd knows. Reverse mode transposes `custom_lin` by calling bwd; evaluating it forward
raises JAX's TypeError, unless the function opted in to forward mode (jaxlite extension):
then it is computed by transposing bwd (`forward_mode="transpose"`) or by a JVP rule.

Flat protocol: `fun(*xs) -> outs`; `fwd(*xs, perturbed) -> (outs, residuals)`;
`bwd(residuals, cts) -> cts_in` with internal `ad.Zero` cotangents in and out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from jaxlite._src import core, dtypes
from jaxlite._src.core import set_current_trace
from jaxlite._src.custom_derivatives import common as C
from jaxlite._src.custom_derivatives.custom_jvp import (
    _Store,
    batch_fun,
    batch_jvp_rule,
    call_impl,
    check_leaves,
    check_primal_out,
    flatten_fun_output,
    named,
    pp_call_params,
    wrap_user_jvp,
)
from jaxlite._src.errors import UnexpectedTracerError, fun_name, message
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.jaxpr import ClosedJaxpr, DropVar, JaxprEqn, eval_jaxpr, jaxpr_as_fun
from jaxlite._src.tree_util import tree_flatten, tree_map, tree_structure, tree_unflatten

_FWD_ERROR = "can't apply forward-mode autodiff (jvp) to a custom_vjp function."


# ----------------------------------------------------------------------------------------------
# custom_vjp_call


class CustomVJPCallPrimitive(core.Primitive):
    def __init__(self):
        super().__init__("custom_vjp_call", multiple_results=True)

    def bind_fun(self, fun, fwd, bwd, args, *, extras: C.VJPExtras, symbolic_zeros: bool):
        return core.current_trace().process_custom_vjp_call(
            self, fun, fwd, bwd, list(args), out_trees=extras, symbolic_zeros=symbolic_zeros
        )

    def bind(self, *args, call_jaxpr, fwd, bwd, num_consts, symbolic_zeros, name, _extras):
        fun = jaxpr_as_fun(call_jaxpr)  # from a jaxpr equation
        fun.__name__ = fun.__qualname__ = name
        return self.bind_fun(fun, fwd, bwd, args, extras=_extras, symbolic_zeros=symbolic_zeros)

    def process_jvp(self, trace, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        extras = out_trees or C.VJPExtras()
        primals, tangents = [], []
        for x in args:
            p, t = trace.unpack(x)
            primals.append(p)
            tangents.append(t)
        nz = [not (t is None or type(t) is ad.Zero) for t in tangents]
        if not any(nz):
            return C.run_guarded(
                trace,
                "custom_vjp",
                fun,
                self.bind_fun,
                fun,
                fwd,
                bwd,
                primals,
                extras=extras,
                symbolic_zeros=symbolic_zeros,
            )
        nz_t = [t for t, z in zip(tangents, nz, strict=True) if z]
        outs, touts = C.run_guarded(
            trace,
            "custom_vjp",
            fun,
            _linearized,
            fun,
            fwd,
            bwd,
            primals,
            nz,
            nz_t,
            extras,
            symbolic_zeros,
        )
        return [trace.maybe_tracer(p, t) for p, t in zip(outs, touts, strict=True)]

    def process_batch(self, trace, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        extras = out_trees or C.VJPExtras()
        vals, dims = [], []
        for x in args:
            v, d = trace.unpack(x)
            vals.append(v)
            dims.append(d)
        store = C.DimStore()
        size = trace.axis_size
        any_in = any(d is not None for d in dims)
        fun_b = batch_fun(trace, fun, dims, store, "custom_vjp")

        def fwd_b(*xs, perturbed):
            n_out = []

            def flat(*ys):
                o, r = fwd(*ys, perturbed=perturbed)
                n_out[:] = [len(o)]
                return [*o, *r]

            outs, odims = C.run_batched(trace, flat, xs, dims)
            n = n_out[0]
            merged = [None if d is None and not any_in else 0 for d in odims[:n]]
            target = store.settle(merged, "fwd rule", "custom_vjp", fun)
            store.res = [None if d is None else 0 for d in odims[n:]]
            return (
                C.align(outs[:n], odims[:n], target, size),
                C.align(outs[n:], odims[n:], store.res, size),
            )

        def bwd_b(res, cts):
            k = len(res)

            def flat(*rc):
                return bwd(list(rc[:k]), list(rc[k:]))

            outs, odims = C.run_batched(trace, flat, [*res, *cts], [*store.res, *store.out])
            result = []
            for c, cd, d in zip(outs, odims, dims, strict=True):
                if type(c) is ad.Zero:
                    result.append(C.move_to(c, None, d, size))
                elif d is None:  # an unbatched input's cotangent sums over the batch
                    result.append(c if cd is None else core.ops.reduce_sum(c, (cd,)))
                else:
                    result.append(batching.matchaxis(c, cd, d, size))
            return result

        if extras.jvp is not None:
            extras = extras.replace(
                jvp=batch_jvp_rule(trace, extras.jvp, dims, store, "custom_vjp", fun)
            )
        with set_current_trace(trace.parent):
            outs = self.bind_fun(
                fun_b,
                named(fwd_b, fwd),
                named(bwd_b, bwd),
                vals,
                extras=extras,
                symbolic_zeros=symbolic_zeros,
            )
        return [trace.maybe_tracer(o, d) for o, d in zip(outs, store.out, strict=True)]

    def stage(self, trace, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        extras = out_trees or C.VJPExtras()
        if trace.known_eval:
            return fun(*args)  # a linear context (see custom_jvp_call's stage)
        jaxpr, consts = C.trace_call(fun, args, "custom_vjp")
        nc = len(consts)
        const_avals = [C.tangent_aval(c) for c in consts]

        def fwd_c(*xs, perturbed):
            if any(perturbed[:nc]):
                raise C.perturbed_const_error("custom_vjp", fun)
            return fwd(*xs[nc:], perturbed=perturbed[nc:])

        def bwd_c(res, cts):
            return [*[ad.Zero(a) for a in const_avals], *bwd(res, cts)]

        if extras.jvp is not None:
            rule = extras.jvp

            def jvp_c(primals, tangents):
                if any(type(t) is not ad.Zero for t in tangents[:nc]):
                    raise C.perturbed_const_error("custom_vjp", fun)
                return rule(primals[nc:], tangents[nc:])

            extras = extras.replace(jvp=named(jvp_c, rule))
        params = dict(
            name=getattr(fun, "__name__", "fun"),
            bwd=named(bwd_c, bwd),
            call_jaxpr=ClosedJaxpr(jaxpr, []),
            fwd=named(fwd_c, fwd),
            num_consts=nc,
            symbolic_zeros=symbolic_zeros,
            _extras=extras,
        )
        return trace.stage(self, [*consts, *args], params)


custom_vjp_call_p = CustomVJPCallPrimitive()
custom_vjp_call_p.abstract_eval = lambda *avals, call_jaxpr, **p: list(call_jaxpr.out_avals)
custom_vjp_call_p.impl = call_impl
custom_vjp_call_p.pp_params = pp_call_params


def _linearized(fun, fwd, bwd, primals, nz, nz_tangents, extras: C.VJPExtras, symbolic_zeros: bool):
    """fwd's outputs and the `custom_lin` tangents of a perturbed custom_vjp call."""
    if extras.optimize_remat:
        outs, res = _remat_fwd(fun, fwd, primals, nz)
    else:
        outs, res = fwd(*primals, perturbed=nz)
    out_avals = tuple(C.tangent_aval(o) for o in outs)
    lin_out = tuple(a.dtype != dtypes.float0 for a in out_avals)
    if not any(lin_out):
        return outs, [ad.Zero(a) for a in out_avals]
    nonlin = list(res)
    rule: Any = None
    if extras.jvp is not None:
        nonlin += list(primals)
        rule = extras.jvp
    elif extras.transpose:
        rule = "transpose"
    lin = iter(
        custom_lin_p.bind(
            *nonlin,
            *nz_tangents,
            num_res=len(res),
            bwd=bwd,
            in_avals=tuple(C.tangent_aval(p) for p in primals),
            out_avals=out_avals,
            nonzeros=tuple(nz),
            lin_out=lin_out,
            symbolic_zeros=symbolic_zeros,
            fwd_rule=rule,
        )
    )
    return outs, [
        next(lin) if live else ad.Zero(a) for a, live in zip(out_avals, lin_out, strict=True)
    ]


# ----------------------------------------------------------------------------------------------
# custom_lin: the linear map of a custom_vjp at its residuals


custom_lin_p = core.Primitive("custom_lin", multiple_results=True)


def _lin_forward(
    nonlin,
    tangents_nz,
    *,
    num_res,
    bwd,
    in_avals,
    out_avals,
    nonzeros,
    lin_out,
    symbolic_zeros,
    fwd_rule,
):
    """`J t` for the outputs in `lin_out`: by the forward-mode rule, or JAX's error."""
    if fwd_rule is None:
        raise TypeError(_FWD_ERROR)
    it = iter(tangents_nz)
    tangents = [next(it) if z else ad.Zero(a) for z, a in zip(nonzeros, in_avals, strict=True)]
    if fwd_rule == "transpose":
        touts = _transpose_bwd(bwd, list(nonlin[:num_res]), tangents, in_avals, out_avals, lin_out)
    else:
        _, touts = fwd_rule(list(nonlin[num_res:]), tangents)
    return [ad.instantiate_zeros(t) for t, live in zip(touts, lin_out, strict=True) if live]


def _transpose_bwd(bwd, res, tangents, in_avals, out_avals, lin_out) -> list:
    """The transpose of `v -> bwd(res, v)` (linear) applied to the input tangents: `J t`."""
    live_in = [a.dtype != dtypes.float0 for a in in_avals]

    def bwd_of(*cts):
        it = iter(cts)
        full = [
            next(it) if live else ad.Zero(a) for a, live in zip(out_avals, lin_out, strict=True)
        ]
        cts_in = bwd(res, full)
        return [
            ad.instantiate_zeros(c) if type(c) is ad.Zero else c
            for c, live in zip(cts_in, live_in, strict=True)
            if live
        ]

    zeros = [ad.zeros_like_aval(a) for a, live in zip(out_avals, lin_out, strict=True) if live]
    _, pullback = ad.vjp_flat(bwd_of, zeros)
    ts = [ad.instantiate_zeros(t) for t, live in zip(tangents, live_in, strict=True) if live]
    it = iter(pullback(ts))
    return [next(it) if live else ad.Zero(a) for a, live in zip(out_avals, lin_out, strict=True)]


def _lin_eval(*args, **params):
    k = params["num_res"] + (
        0 if params["fwd_rule"] in (None, "transpose") else len(params["in_avals"])
    )
    return _lin_forward(args[:k], args[k:], **params)


def _lin_impl(*vals, **params):
    # Under jit's generated code: values are NumPy; run the forward rule eagerly.
    with set_current_trace(core.eval_trace):
        outs = _lin_eval(*[core._wrap(v, False) for v in vals], **params)
    return [core.to_numpy(o) for o in outs]


def _lin_jvp(primals, tangents, **params):
    if params["fwd_rule"] is None:
        raise TypeError(_FWD_ERROR)
    outs, touts = ad.jvp_flat(lambda *a: _lin_eval(*a, **params), primals, tangents)
    return outs, touts


def _lin_batch(axis_size, vals, dims, **params):
    if params["fwd_rule"] is None:
        raise TypeError(_FWD_ERROR)
    outs = batching.vmap_flat(
        lambda *a: _lin_eval(*a, **params), axis_size, dims, lambda n: [0] * n, vals
    )
    return outs, [0] * len(outs)


def _lin_transpose(
    cts, *args, num_res, bwd, in_avals, out_avals, nonzeros, lin_out, symbolic_zeros, fwd_rule
):
    # Transposition is bwd: cotangents of the outputs in, cotangents of the inputs out.
    res = list(args[:num_res])
    it = iter(cts)
    full = [next(it) if live else ad.Zero(a) for a, live in zip(out_avals, lin_out, strict=True)]
    cts_in = bwd(res, full)
    n_nonlin = len(args) - sum(nonzeros)
    return [None] * n_nonlin + [c for c, z in zip(cts_in, nonzeros, strict=True) if z]


custom_lin_p.eval_impl = _lin_eval
custom_lin_p.impl = _lin_impl
custom_lin_p.abstract_eval = lambda *avals, out_avals, lin_out, **p: [
    a for a, live in zip(out_avals, lin_out, strict=True) if live
]
custom_lin_p.jvp = _lin_jvp
custom_lin_p.batch = _lin_batch
custom_lin_p.transpose = _lin_transpose
custom_lin_p.pp_params = lambda p: {k: p[k] for k in ("num_res", "bwd", "symbolic_zeros")}


# ----------------------------------------------------------------------------------------------
# remat_opt: fwd as a call the DCE can replace by the function (optimize_remat=True)


remat_opt_p = core.Primitive("remat_opt", multiple_results=True)


def _remat_fwd(fun, fwd, primals, nz):
    n_out: list[int] = []

    def flat(*xs):
        o, r = fwd(*xs, perturbed=nz)
        n_out[:] = [len(o)]
        return [*r, *o]

    jaxpr, consts = C.trace_call(named(flat, fwd), primals, "remat_opt")
    num_res = len(jaxpr.outvars) - n_out[0]
    outs = remat_opt_p.bind(
        *consts,
        *primals,
        fwd_jaxpr=ClosedJaxpr(jaxpr, []),
        num_consts=len(consts),
        num_res=num_res,
        fun=fun,
    )
    return outs[num_res:], outs[:num_res]


def _remat_eval(*args, fwd_jaxpr, **params):
    return eval_jaxpr(fwd_jaxpr.jaxpr, fwd_jaxpr.consts, *args)


def _remat_jvp(primals, tangents, **params):
    return ad.jvp_flat(lambda *a: _remat_eval(*a, **params), primals, tangents)


def _remat_batch(axis_size, vals, dims, **params):
    outs = batching.vmap_flat(
        lambda *a: _remat_eval(*a, **params), axis_size, dims, lambda n: [0] * n, vals
    )
    return outs, [0] * len(outs)


def _remat_dce(used_outputs, eqn):
    """With no residual used, the call becomes a call of the function itself."""
    p = eqn.params
    nc, num_res = p["num_consts"], p["num_res"]
    used_res = any(used_outputs[:num_res])
    if not used_res:
        ins = eqn.invars[nc:]
        try:
            closed = pe.trace_to_jaxpr(p["fun"], [v.aval for v in ins], name="remat_opt")
        except Exception:  # noqa: BLE001  (the function cannot be re-traced here: keep fwd)
            closed = None
        if closed is not None and not any(isinstance(c, core.Tracer) for c in closed.consts):
            from jaxlite._src.jit import jit_p  # noqa: PLC0415  (jit sits above)

            outs = [
                v if u else DropVar(v.aval)
                for v, u in zip(eqn.outvars[num_res:], used_outputs[num_res:], strict=True)
            ]
            new = JaxprEqn(
                jit_p,
                list(ins),
                outs,
                dict(jaxpr=closed, name=getattr(p["fun"], "__name__", "fun")),
            )
            return [False] * nc + [True] * len(ins), new
    outs = [v if u else DropVar(v.aval) for v, u in zip(eqn.outvars, used_outputs, strict=True)]
    return [True] * len(eqn.invars), eqn._replace(outvars=outs)


remat_opt_p.eval_impl = _remat_eval
remat_opt_p.impl = lambda *vals, fwd_jaxpr, **p: call_impl(*vals, call_jaxpr=fwd_jaxpr)
remat_opt_p.abstract_eval = lambda *avals, fwd_jaxpr, **p: list(fwd_jaxpr.out_avals)
remat_opt_p.jvp = _remat_jvp
remat_opt_p.batch = _remat_batch
remat_opt_p.dce = _remat_dce
remat_opt_p.pp_params = lambda p: {k: v for k, v in p.items() if k != "fun"}


# ----------------------------------------------------------------------------------------------
# The user-facing decorator


def _nondiff_tracer_error(fun: Callable, i: int, name: str | None, path: str) -> Exception:
    where = f"argument {i}" + (f" ('{name}')" if name else "")
    return UnexpectedTracerError(
        message(
            "Found a JAX Tracer object passed as an argument to a custom_vjp function in a "
            "position "
            "indicated by nondiff_argnums as non-differentiable. Tracers cannot be passed as "
            f"non-differentiable arguments to custom_vjp functions: {where}{path} is traced.",
            fun=fun,
            path=f"args[{i}]{path}",
            expected="a non-array value (a function, a string, ...)",
            got="a traced array",
            fix="nondiff_argnums is for values that are not arrays, such as functions; pass arrays "
            "(integer arrays included) as ordinary arguments: their cotangents are handled for "
            "you.",
        )
    )


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
        self.forward_mode: str | None = None
        self.jvp: Callable | None = None
        self._bare_cotangent = False

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self, obj)

    def defvjp(
        self,
        fwd: Callable,
        bwd: Callable,
        symbolic_zeros: bool = False,
        optimize_remat: bool = False,
        *,
        forward_mode: str | None = None,
        jvp: Callable | None = None,
    ) -> None:
        """Sets `fwd(*args) -> (out, residuals)` and `bwd(*nondiff, residuals, ct) -> cts`.

        Args:
          fwd, bwd, symbolic_zeros, optimize_remat: as in `jax.custom_vjp.defvjp`.
          forward_mode: jaxlite extension. `"transpose"` makes forward mode (jvp, jacfwd,
            hessian) work by transposing `bwd`, which must then be linear in the cotangent.
          jvp: jaxlite extension: a JVP rule `jvp(*nondiff, primals, tangents) ->
            (out, tangent_out)` (as for custom_jvp) used by forward mode; reverse mode still
            uses fwd and bwd.
        """
        if symbolic_zeros and optimize_remat:
            raise NotImplementedError(
                "remat optimization for custom_vjp does not support symbolic zeros"
            )
        if forward_mode not in (None, "transpose"):
            raise ValueError(
                f"custom_vjp.defvjp for {fun_name(self.fun)}: forward_mode must be None or "
                f"'transpose', got {forward_mode!r} (pass an explicit rule with jvp=...)"
            )
        if forward_mode is not None and jvp is not None:
            raise ValueError(
                f"custom_vjp.defvjp for {fun_name(self.fun)}: give either "
                "forward_mode='transpose' or jvp=, not both"
            )
        self.fwd = fwd
        self.bwd = bwd
        self.symbolic_zeros = symbolic_zeros
        self.optimize_remat = optimize_remat
        self.forward_mode = forward_mode
        self.jvp = jvp

    @classmethod
    def from_rules(cls, fwd: Callable, bwd: Callable, **defvjp_kwargs: Any) -> custom_vjp:
        """The jax-js form: a custom-VJP function from only `fwd` and `bwd`.

        The primal output is `fwd`'s first result; `bwd` may return a bare cotangent when the
        function has one argument.

        >>> import jaxlite as jax, jaxlite.numpy as jnp
        >>> log1pexp = jax.custom_vjp.from_rules(
        ...     lambda x: (jnp.log1p(jnp.exp(x)), x),
        ...     lambda x, g: g * jax.nn.sigmoid(x))
        >>> jax.grad(log1pexp)(100.0)
        Array(1., dtype=float32, weak_type=True)
        """

        def fun(*args):
            return fwd(*args)[0]

        functools.update_wrapper(fun, fwd)
        f = cls(fun)
        f.defvjp(fwd, bwd, **defvjp_kwargs)
        f._bare_cotangent = True
        return f

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        fun, fwd, bwd = self.fun, self.fwd, self.bwd
        if fwd is None or bwd is None:
            raise AttributeError(
                f"No VJP defined for custom_vjp function {fun_name(fun)} using defvjp."
            )
        args = C.resolve_kwargs(fun, args, kwargs, "custom_vjp")
        nd = {i % len(args) for i in self.nondiff_argnums if -len(args) <= i < len(args)}
        for i in sorted(nd):
            nd_leaves = tree_flatten(args[i])[0]
            for j, leaf in enumerate(nd_leaves):
                if isinstance(leaf, core.Tracer):
                    path = C.leaf_paths(tree_structure(args[i]))[j]
                    raise _nondiff_tracer_error(fun, i, C.arg_names(fun, len(args))[i], path)
        static, dyn, merge = C.split_nondiff(args, self.nondiff_argnums)
        leaves, in_tree = tree_flatten(tuple(dyn))
        check_leaves(leaves, in_tree, "custom_vjp", fun, "args")

        def dyn_names():  # for error messages only
            names = C.arg_names(fun, len(args))
            return [n for i, n in enumerate(names) if i not in nd]

        store = _Store()
        sz = self.symbolic_zeros
        flat_fun = flatten_fun_output(fun, merge, in_tree, store, "custom_vjp")

        def flat_fwd(*xs, perturbed):
            vals = (
                [C.CustomVJPPrimal(x, bool(p)) for x, p in zip(xs, perturbed, strict=True)]
                if sz
                else xs
            )
            res = fwd(*merge(tree_unflatten(in_tree, vals)))

            def head():
                return f"Custom VJP fwd rule {fun_name(fwd)} for function {fun_name(fun)}"

            if not (isinstance(res, (tuple, list)) and len(res) == 2):
                raise TypeError(
                    message(
                        f"{head()} must produce a pair (list or tuple of length two) where the "
                        "first "
                        "element represents the primal output (equal to those of the "
                        f"custom_vjp-decorated function {getattr(fun, '__name__', fun)}) and the "
                        "second element represents residuals (i.e. values stored from the forward "
                        "pass for use on the backward pass), but instead of a pair the fwd rule "
                        f"produced {type(res).__name__} {res!r:.80}.",
                        fun=fun,
                        expected="(primal_out, residuals)",
                        got=type(res).__name__,
                    )
                )
            out, residuals = res
            out_leaves, out_tree = tree_flatten(out)
            check_leaves(out_leaves, out_tree, "custom_vjp", fwd, "primal_out")
            check_primal_out(store, out_tree, out_leaves, head, fun)
            res_leaves, res_tree = tree_flatten(residuals)
            for k, r in enumerate(res_leaves if sz else ()):
                if type(r) is C.CustomVJPPrimal:
                    path = C.leaf_paths(res_tree)[k]
                    raise TypeError(
                        message(
                            f"{head()} returned a CustomVJPPrimal as a residual; with "
                            "symbolic_zeros=True fwd receives these records, and must store their "
                            "`.value` instead.",
                            fun=fun,
                            path=f"residuals{path}",
                        )
                    )
            check_leaves(res_leaves, res_tree, "custom_vjp", fwd, "residuals")
            store.out_tree = out_tree
            store.res_tree = res_tree
            return out_leaves, res_leaves

        def flat_bwd(res, cts):
            residuals = tree_unflatten(store.res_tree, res)
            ct = tree_unflatten(store.out_tree, [C.to_user_tangent(c, sz) for c in cts])
            result = bwd(*static, residuals, ct)
            return self._flatten_bwd_result(result, in_tree, leaves, dyn_names)

        extras = C.VJPExtras(
            jvp=None
            if self.jvp is None
            else wrap_user_jvp(self.jvp, fun, static, in_tree, store, False, "custom_vjp"),
            transpose=self.forward_mode == "transpose",
            optimize_remat=self.optimize_remat,
        )
        outs = custom_vjp_call_p.bind_fun(
            flat_fun,
            named(flat_fwd, fwd),
            named(flat_bwd, bwd),
            leaves,
            extras=extras,
            symbolic_zeros=sz,
        )
        return tree_unflatten(store.out_tree, outs)

    def _bwd_error(self, what: str, **kw) -> str:
        return message(
            f"Custom VJP bwd rule {fun_name(self.bwd)} for function {fun_name(self.fun)} {what}",
            fun=self.fun,
            **kw,
        )

    def _flatten_bwd_result(self, result, in_tree, in_leaves, dyn_names) -> list:
        """bwd's output as one internal cotangent (maybe Zero) per input leaf, checked."""
        dummy = tree_unflatten(in_tree, [object()] * in_tree.num_leaves)
        n = len(dummy)
        if self._bare_cotangent and n == 1 and not _matches(result, dummy):
            result = (result,)
        if isinstance(result, list) and len(result) == n:
            result = tuple(result)
        expected = str(in_tree)
        if not isinstance(result, tuple) or len(result) != n:
            got = (
                str(tree_structure(result))
                if not isinstance(result, tuple)
                else (f"a tuple of length {len(result)}")
            )
            raise TypeError(
                self._bwd_error(
                    "must produce an output with the same container (pytree) structure as the "
                    "args tuple of the primal function, and in particular must produce a tuple of "
                    f"length equal to the number of arguments to the primal function ({n}), but "
                    f"got bwd output structure {tree_structure(result)} for primal input structure "
                    f"{in_tree}.",
                    expected=expected,
                    got=got,
                )
            )
        zero = object()
        flat: list = []

        def append(x, d):
            k = tree_structure(d).num_leaves
            if x is None:
                flat.extend([zero] * k)
            elif k != 1:
                raise ValueError
            else:
                flat.append(x)

        try:
            tree_map(append, result, dummy, is_leaf=lambda x: x is None)
        except ValueError:
            raise TypeError(
                self._bwd_error(
                    "must produce an output with the same container (pytree) structure as the "
                    f"args tuple of the primal function, but got bwd output structure "
                    f"{tree_structure(result, is_leaf=lambda x: x is None)} for primal input "
                    f"structure {in_tree}.",
                    expected=expected,
                    got=str(tree_structure(result, is_leaf=lambda x: x is None)),
                )
            ) from None
        out = []
        for k, (x, ct) in enumerate(zip(in_leaves, flat, strict=True)):
            a = core.get_aval(x)
            want = a.to_tangent_aval()
            if ct is zero or want.dtype == dtypes.float0:
                out.append(ad.Zero(want))
                continue
            if type(ct) is not C.SymbolicZero and isinstance(ct, (core.Array, core.Tracer)):
                got = ct.aval if isinstance(ct, core.Tracer) else core.get_aval(ct)
                if got.shape == want.shape and got.dtype == want.dtype:
                    out.append(ct)  # the common case, checked without building messages
                    continue
            where = _where(in_tree, k, dyn_names)
            if type(ct) is C.SymbolicZero:
                if not C.same_type(ct.aval, want):
                    raise ValueError(
                        self._bwd_error(
                            "produced a SymbolicZero with a shape/dtype that does not match the "
                            f"corresponding input tangent shape/dtype: at {where} the SymbolicZero "
                            f"had type {ct.aval.str_short()} while the corresponding input had "
                            "type "
                            f"{a.str_short()}. Consider returning None here instead.",
                            path=where,
                            expected=want.str_short(),
                            got=ct.aval.str_short(),
                        )
                    )
                out.append(ad.Zero(want))
                continue
            try:
                got = core.get_aval(ct)
            except TypeError:
                raise TypeError(
                    self._bwd_error(
                        f"must produce arrays (or None), but at {where} it produced "
                        f"{type(ct).__name__} {ct!r:.60}.",
                        path=where,
                        expected=want.str_short(),
                        got=type(ct).__name__,
                    )
                ) from None
            if got.shape != want.shape:
                raise ValueError(
                    self._bwd_error(
                        "must produce an output with the same type as the args tuple of the primal "
                        f"function, but at {where} the bwd rule produced an output of type "
                        f"{got.str_short()} corresponding to an input of type {a.str_short()}, so "
                        "the shapes do not match.",
                        path=where,
                        expected=want.str_short(),
                        got=got.str_short(),
                    )
                )
            ct = C.cast_weak(ct, want, wrap_scalars=True)
            got = core.get_aval(ct)
            if got.dtype != want.dtype:
                raise ValueError(
                    self._bwd_error(
                        "must produce an output with the same type as the args tuple of the primal "
                        f"function, but at {where} the bwd rule produced an output of type "
                        f"{got.str_short()} corresponding to an input of type {a.str_short()}, so "
                        "the dtypes do not match (cotangents have the dtype of their primal).",
                        path=where,
                        expected=want.str_short(),
                        got=got.str_short(),
                    )
                )
            out.append(ct)
        return out


def _matches(result: Any, dummy: Any) -> bool:
    """Whether `result` has the structure of the args tuple (None allowed for subtrees)."""
    if not isinstance(result, (tuple, list)) or len(result) != len(dummy):
        return False
    try:
        tree_map(lambda x, d: None, tuple(result), dummy, is_leaf=lambda x: x is None)
    except ValueError:
        return False
    return True


def _where(in_tree, k: int, dyn_names: Callable) -> str:
    """`output[1].y (argument 'pt')` for leaf `k` of the args tuple (for error messages)."""
    args = tree_unflatten(in_tree, list(range(in_tree.num_leaves)))
    arg_of: list[int] = []
    for i, a in enumerate(args):
        arg_of.extend([i] * len(tree_flatten(a)[0]))
    names = dyn_names()
    i = arg_of[k]
    name = f" (argument '{names[i]}')" if i < len(names) and names[i] else ""
    return f"output{C.leaf_paths(in_tree)[k]}{name}"

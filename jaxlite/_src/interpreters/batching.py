"""Vectorisation (vmap): each tracer carries a value with one extra batch dimension."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from jaxlite._src import core
from jaxlite._src.core import Tracer, get_aval, set_current_trace
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.jaxpr import ClosedJaxpr, eval_jaxpr

not_mapped = None


class BatchTracer(Tracer):
    __slots__ = ("val", "batch_dim")

    def __init__(self, trace: BatchTrace, val: Any, batch_dim: int):
        self._trace = trace
        self.val = val
        self.batch_dim = batch_dim

    @property
    def aval(self):
        a = get_aval(self.val)
        shape = a.shape[: self.batch_dim] + a.shape[self.batch_dim + 1 :]
        return core.ShapedArray(shape, a.dtype, a.weak_type)


class BatchTrace(core.Trace):
    name = "vmap"

    def __init__(self, parent: core.Trace, axis_size: int, axis_name: Any = None):
        self.parent = parent
        self.axis_size = axis_size
        self.axis_name = axis_name

    def unpack(self, x):
        if isinstance(x, BatchTracer) and x._trace is self:
            return x.val, x.batch_dim
        return x, not_mapped

    def process_primitive(self, prim, args, params):
        vals, dims = [], []
        for x in args:
            v, d = self.unpack(x)
            vals.append(v)
            dims.append(d)
        with set_current_trace(self.parent):
            if all(d is not_mapped for d in dims):
                return prim.bind(*vals, **params)
            rule = prim.batch
            if rule is None:
                raise core.missing_rule(prim, "batch", "vmap")
            out, out_dim = rule(self.axis_size, vals, dims, **params)
        if prim.multiple_results:
            return [self.maybe_tracer(o, d) for o, d in zip(out, out_dim, strict=True)]
        return self.maybe_tracer(out, out_dim)

    def maybe_tracer(self, val, dim):
        return val if dim is not_mapped else BatchTracer(self, val, dim)

    def process_custom_jvp_call(self, prim, fun, jvp, args, *, symbolic_zeros):
        return prim.process_batch(self, fun, jvp, args, symbolic_zeros=symbolic_zeros)

    def process_custom_vjp_call(self, prim, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
        return prim.process_batch(
            self, fun, fwd, bwd, args, out_trees=out_trees, symbolic_zeros=symbolic_zeros
        )


def moveaxis(x: Any, src: int, dst: int) -> Any:
    """Moves axis `src` of `x` to position `dst` with the transpose primitive."""
    nd = get_aval(x).ndim
    src, dst = src % nd, dst % nd
    if src == dst:
        return x
    perm = [i for i in range(nd) if i != src]
    perm.insert(dst, src)
    return core.ops.transpose(x, tuple(perm))


def bdim_at_front(x: Any, dim: int | None, axis_size: int) -> Any:
    """`x` with its batch dimension first, broadcasting an unbatched `x`."""
    if dim is not_mapped:
        a = get_aval(x)
        return core.ops.broadcast_in_dim(x, (axis_size, *a.shape), tuple(range(1, a.ndim + 1)))
    return moveaxis(x, dim, 0)


def matchaxis(x: Any, src: int | None, dst: int | None, axis_size: int) -> Any:
    """Moves (or creates by broadcasting) the batch dimension of `x` from `src` to `dst`."""
    if src == dst:
        return x
    if dst is not_mapped:
        raise ValueError("vmap has mapped output but out_axes is None")
    if src is not_mapped:
        x = bdim_at_front(x, not_mapped, axis_size)
        src = 0
    return moveaxis(x, src, dst)


core.ops.bdim_at_front = bdim_at_front  # interpreters-level helper used by add_any


def vmap_flat(
    f: Callable,
    axis_size: int,
    in_dims: Sequence[int | None],
    out_dims: Sequence[int | None],
    args: Sequence[Any],
    axis_name: Any = None,
) -> list:
    """Maps flat `f` over the `in_dims` axes of `args`, producing outputs batched at `out_dims`.

    `out_dims` may be a callable receiving the number of outputs (for pytree out_axes).
    """
    trace = BatchTrace(core.current_trace(), axis_size, axis_name)
    ins = [trace.maybe_tracer(a, d) for a, d in zip(args, in_dims, strict=True)]
    with set_current_trace(trace):
        outs = f(*ins)
    if callable(out_dims):
        out_dims = out_dims(len(outs))
    result = []
    for o, od in zip(outs, out_dims, strict=True):
        v, d = trace.unpack(o)
        if od is not_mapped and d is not not_mapped:
            raise ValueError(
                "vmap has mapped output but out_axes is None: an output depends on the mapped "
                "input, so it cannot be returned unbatched."
            )
        if od is not not_mapped and od < 0:
            od = od + get_aval(v).ndim + (1 if d is not_mapped else 0)
        result.append(matchaxis(v, d, od, axis_size))
    return result


def batch_jaxpr(
    closed: ClosedJaxpr,
    axis_size: int,
    in_dims: Sequence[int | None],
    out_dims: Sequence[int | None] | None = None,
) -> tuple[ClosedJaxpr, list[int | None]]:
    """A batched version of `closed`. With `out_dims=None` outputs keep whatever batch dim the
    rules produced (returned as the second value)."""
    got: list = []
    in_avals = []
    for a, d in zip(closed.in_avals, in_dims, strict=True):
        if d is not_mapped:
            in_avals.append(a)
        else:
            shape = list(a.shape)
            shape.insert(d, axis_size)
            in_avals.append(a.update(shape=tuple(shape)))

    def fun(*args):
        trace = BatchTrace(core.current_trace(), axis_size)
        ins = [trace.maybe_tracer(x, d) for x, d in zip(args, in_dims, strict=True)]
        with set_current_trace(trace):
            outs = eval_jaxpr(closed.jaxpr, closed.consts, *ins)
        res = []
        got.clear()
        for i, o in enumerate(outs):
            v, d = trace.unpack(o)
            if out_dims is not None:
                v = matchaxis(v, d, out_dims[i], axis_size)
                d = out_dims[i]
            res.append(v)
            got.append(d)
        return res

    out = pe.trace_to_jaxpr(fun, in_avals, name="vmap")
    return out, list(got)

"""Shared machinery of the control-flow primitives.

Bodies are traced once per call into closed jaxprs whose constants are hoisted: every value a
body closes over (a tracer of an enclosing transformation or a concrete array) becomes an
explicit operand of the primitive, so the enclosing transformations see it. Derived jaxprs
(JVP, batched, partially evaluated, transposed) are memoised per jaxpr object, as jit does.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.core import ShapedArray, Tracer, get_aval
from jaxlite._src.errors import fun_name
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.jaxpr import ClosedJaxpr, Jaxpr, Var, eval_jaxpr
from jaxlite._src.jit.codegen import compile_jaxpr
from jaxlite._src.lax.shape import broadcast_in_dim
from jaxlite._src.tree_util import (
    PyTreeDef,
    flatten_one_level,
    keystr,
    tree_flatten,
    tree_flatten_with_path,
    tree_unflatten,
    treedef_is_strict_leaf,
)

# ----------------------------------------------------------------------------------------------
# Memoisation of derived jaxprs, keyed by the jaxpr object (as jit's rules do)

_memo_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def memo(closed: ClosedJaxpr, key: Any, make: Callable[[], Any]) -> Any:
    per = _memo_cache.setdefault(closed, {})
    if key not in per:
        per[key] = make()
    return per[key]


def compiled(closed: ClosedJaxpr) -> Callable[..., list]:
    """Generated code for a body, optimised as jit optimises (inlined calls, folded constants,
    CSE, DCE); compiled once per jaxpr."""
    from jaxlite._src.jit import _optimized  # noqa: PLC0415  (jit sits above lax)

    return compile_jaxpr(_optimized(closed))


def memo_multi(closed: Sequence[ClosedJaxpr], key: Any, make: Callable[[], Any]) -> Any:
    """`memo` for a value derived from several jaxprs, held only weakly (a cache entry must
    not keep its own key alive)."""
    first, rest = closed[0], tuple(closed[1:])
    per = _memo_cache.setdefault(first, {})
    k = (key, tuple(id(c) for c in rest))
    entry = per.get(k)
    if entry is None or any(r() is not c for r, c in zip(entry[0], rest, strict=True)):
        entry = per[k] = (tuple(weakref.ref(c) for c in rest), make())
    return entry[1]


def run_compiled(closed: ClosedJaxpr, vals: Sequence[Any]) -> list:
    """Runs `closed` on NumPy values with generated code (compiled once per jaxpr)."""
    return compiled(closed)(*vals)


def eval_closed(closed: ClosedJaxpr, args: Sequence[Any]) -> list:
    """Evaluates `closed` under the current trace (its equations are bound one by one)."""
    return eval_jaxpr(closed.jaxpr, closed.consts, *args)


# ----------------------------------------------------------------------------------------------
# Tracing user functions


def check_leaf(x: Any) -> None:
    """Raises JAX's TypeError for a pytree leaf that is not an array-like."""
    if isinstance(x, (core.Array, Tracer, np.ndarray, np.generic, bool, int, float, complex)):
        return
    raise TypeError(f"Argument '{x}' of type {type(x)} is not a valid JAX type")


def abstractify(leaves: Sequence[Any]) -> list[ShapedArray]:
    for x in leaves:
        check_leaf(x)
    return [get_aval(x) for x in leaves]


def trace_fun(
    fun: Callable, in_tree: PyTreeDef, in_avals: Sequence[ShapedArray], api: str
) -> tuple[ClosedJaxpr, list, PyTreeDef]:
    """Traces `fun(*args)` (`args` of structure `in_tree`) to a jaxpr.

    Returns `(closed, consts, out_tree)`: `closed` takes the hoisted constants `consts` as its
    leading inputs and has no constants of its own.
    """
    store: list = []

    def flat(*leaves):
        out = fun(*tree_unflatten(in_tree, leaves))
        out_leaves, tree = tree_flatten(out)
        store.append(tree)
        for x in out_leaves:
            check_leaf(x)
        return out_leaves

    closed = pe.trace_to_jaxpr(flat, in_avals, name=api, debug=f"{fun_name(fun)} for {api}")
    jaxpr, consts = pe.convert_constvars(closed)
    return ClosedJaxpr(jaxpr, []), consts, store[0]


def trace_funs_common_consts(
    funs: Sequence[Callable], in_tree: PyTreeDef, in_avals: Sequence[ShapedArray], api: str
) -> tuple[list[ClosedJaxpr], list, list[PyTreeDef]]:
    """Traces several functions of the same arguments (the branches of a cond).

    Every jaxpr takes the union of all their constants (first appearance first) as leading
    inputs, so one operand list serves all branches.
    """
    traced = []
    for f in funs:
        store: list = []

        def flat(*leaves, f=f, store=store):
            out = f(*tree_unflatten(in_tree, leaves))
            out_leaves, tree = tree_flatten(out)
            store.append(tree)
            for x in out_leaves:
                check_leaf(x)
            return out_leaves

        closed = pe.trace_to_jaxpr(flat, in_avals, name=api, debug=f"{fun_name(f)} for {api}")
        traced.append((closed, store[0]))
    all_consts: dict[int, Any] = {}
    for closed, _ in traced:
        for c in closed.consts:
            all_consts.setdefault(id(c), c)
    consts = list(all_consts.values())
    jaxprs = []
    for closed, _ in traced:
        j = closed.jaxpr
        own = {id(c): v for c, v in zip(closed.consts, j.constvars, strict=True)}
        lead = [own.get(id(c)) or Var(get_aval(c)) for c in consts]
        jaxprs.append(ClosedJaxpr(Jaxpr([], [*lead, *j.invars], j.outvars, j.eqns), []))
    return jaxprs, consts, [t for _, t in traced]


def promote_weak_inputs(
    leaves: list, in_avals: Sequence[ShapedArray], out_avals: Sequence[ShapedArray]
) -> tuple[list, bool]:
    """Weakly typed initial carries whose dtype differs from the body's output are converted to
    the promoted dtype (strongly typed), so the body can be traced again with them."""
    from jaxlite._src.lax.elementwise import convert_element_type  # noqa: PLC0415

    if len(in_avals) != len(out_avals):
        return leaves, False
    changed = False
    out = list(leaves)
    for i, (a, b) in enumerate(zip(in_avals, out_avals, strict=True)):
        if a.weak_type and not typematch(a, b):
            new_dtype = dtypes.result_type(leaves[i], b)
            out[i] = convert_element_type(leaves[i], new_dtype)
            changed = True
    return out, changed


def typematch(a: ShapedArray, b: ShapedArray) -> bool:
    """Equal types up to weak typing."""
    return a.shape == b.shape and a.dtype == b.dtype


# ----------------------------------------------------------------------------------------------
# Type-check errors, with JAX's texts


def _capitalize(s: str) -> str:
    return s[:1].upper() + s[1:]


def _mismatch_extra(a: ShapedArray, b: ShapedArray) -> str:
    what = []
    if a.dtype != b.dtype:
        what.append("the dtypes do not match")
    if a.shape != b.shape:
        what.append("the shapes do not match")
    if not what:
        return ""
    if len(what) == 1:
        return ", so " + what[0]
    return ", so " + ", ".join(what[:-1]) + ", and " + what[-1]


def aval_str(a: ShapedArray) -> str:
    return f"{a.dtype.name}[{','.join(map(str, a.shape))}]"


class _LeafType(type):
    def __repr__(cls):
        return "pytree leaf"

    __str__ = __repr__


_PytreeLeaf = _LeafType("PytreeLeaf", (), {})


def _is_leaf(x: Any) -> bool:
    return treedef_is_strict_leaf(tree_flatten(x)[1])


def _child_keys(x: Any) -> list:
    pairs, _ = tree_flatten_with_path(x, is_leaf=lambda y: y is not x)
    return [p[0] for p, _ in pairs]


def equality_errors(t1: Any, t2: Any, path: tuple = ()):
    """Yields `(path, thing1, thing2, explanation)` for each structural difference."""
    if _is_leaf(t1) and _is_leaf(t2):
        return
    if type(t1) is not type(t2):
        yield path, _type_str(t1), _type_str(t2), "their Python types differ"
        return
    if isinstance(t1, (list, tuple)) and len(t1) != len(t2):
        yield (
            path,
            f"{type(t1).__name__} of length {len(t1)}",
            f"{type(t2).__name__} of length {len(t2)}",
            "the lengths do not match",
        )
        return
    c1, m1 = flatten_one_level(t1)
    c2, m2 = flatten_one_level(t2)
    c1, c2 = list(c1), list(c2)
    if len(c1) != len(c2):
        yield (
            path,
            f"{type(t1)} with {len(c1)} child{'ren' if len(c1) > 1 else ''}",
            f"{type(t2)} with {len(c2)} child{'ren' if len(c2) > 1 else ''}",
            "the numbers of children do not match",
        )
        return
    if m1 != m2:
        yield (
            path,
            f"{type(t1)} with pytree metadata {m1}",
            f"{type(t2)} with pytree metadata {m2}",
            "the pytree node metadata does not match",
        )
        return
    for k, a, b in zip(_child_keys(t1), c1, c2, strict=True):
        yield from equality_errors(a, b, (*path, k))


def _type_str(x: Any) -> str:
    if isinstance(x, _PytreeLeaf):
        return "pytree leaf"
    return str(type(x))


def _treedef_errors(tree1: PyTreeDef, tree2: PyTreeDef):
    a = tree_unflatten(tree1, [_PytreeLeaf() for _ in range(tree1.num_leaves)])
    b = tree_unflatten(tree2, [_PytreeLeaf() for _ in range(tree2.num_leaves)])
    return list(equality_errors(a, b))


def _join_diffs(diffs: list[str]) -> str:
    if len(diffs) == 1:
        return f"{_capitalize(diffs[0])}.\n"
    return "\n".join(f"  * {d};\n" for d in diffs[:-1]) + f"  * {diffs[-1]}.\n"


def check_carry_type(
    name: str,
    body_fun: Callable,
    in_tree: PyTreeDef,
    in_avals: Sequence[ShapedArray],
    out_tree: PyTreeDef,
    out_avals: Sequence[ShapedArray],
) -> None:
    """Raises JAX's TypeError when a loop body's output carry differs from its input carry,
    naming the component by its pytree path."""
    try:
        sig = inspect.signature(body_fun)
        carry_name = list(sig.parameters)[0] if sig.parameters else None
    except (TypeError, ValueError):
        carry_name = None

    def component(path) -> str:
        if carry_name:
            return (
                f"the input carry component {carry_name}{keystr(path)}"
                if path
                else f"the input carry {carry_name}"
            )
        return f"the input carry at path {keystr(path)}" if path else "the input carry"

    if in_tree != out_tree:
        diffs = [
            f"{component(p)} is a {t1} but the corresponding component of the carry "
            f"output is a {t2}, so {expl}"
            for p, t1, t2, expl in equality_errors(
                tree_unflatten(in_tree, in_avals), tree_unflatten(out_tree, out_avals)
            )
        ]
        if not diffs:
            return
        raise TypeError(
            f"{name} function carry input and carry output must have the same pytree "
            f"structure, but they differ:\n\n{_join_diffs(diffs)}\nRevise the function so that "
            "the carry output has the same pytree structure as the carry input."
        )
    if all(typematch(a, b) for a, b in zip(in_avals, out_avals, strict=True)):
        return
    paths = [p for p, _ in tree_flatten_with_path(tree_unflatten(in_tree, in_avals))[0]]
    diffs = [
        f"{component(p)} has type {aval_str(a)} but the corresponding output carry "
        f"component has type {aval_str(b)}{_mismatch_extra(a, b)}"
        for p, a, b in zip(paths, in_avals, out_avals, strict=True)
        if not typematch(a, b)
    ]
    raise TypeError(
        f"{name} function carry input and carry output must have equal types, but they "
        f"differ:\n\n{_join_diffs(diffs)}\nRevise the function so that all output types match "
        "the corresponding input types."
    )


def _source_info(f: Callable) -> str:
    name = getattr(f, "__name__", None) or repr(f)
    try:
        code = inspect.unwrap(getattr(f, "func", f)).__code__
        return f"{name} at {code.co_filename}:{code.co_firstlineno}"
    except (AttributeError, ValueError):
        return str(name)


def check_branch_outputs(
    api: str,
    name1: str,
    name2: str,
    f1: Callable,
    f2: Callable,
    tree1: PyTreeDef,
    avals1: Sequence[ShapedArray],
    tree2: PyTreeDef,
    avals2: Sequence[ShapedArray],
) -> None:
    """Raises JAX's TypeError when two branches' outputs differ in structure or type."""
    info = f"{name1} is {_source_info(f1)}\n{name2} is {_source_info(f2)}\n\n"

    def where(p) -> str:
        return f" at path {keystr(p)}" if p else ""

    if tree1 != tree2:
        diffs = [
            f"{name1} output{where(p)} is a {t1} but {name2} output{where(p)} is a {t2}, so {expl}"
            for p, t1, t2, expl in _treedef_errors(tree1, tree2)
        ]
        if not diffs:
            return
        body = f"{diffs[0]}.\n" if len(diffs) == 1 else _join_diffs(diffs)
        raise TypeError(
            f"{api} branch outputs must have the same pytree structure, but they differ:\n\n"
            f"{info}{body}\nRevise {name1} and/or {name2} so that they have the same pytree "
            "structure."
        )
    if all(typematch(a, b) for a, b in zip(avals1, avals2, strict=True)):
        return
    paths = [p for p, _ in tree_flatten_with_path(tree_unflatten(tree1, avals1))[0]]
    diffs = [
        f"the output of {name1}{where(p)} has type {aval_str(a)} but the corresponding "
        f"output of {name2} has type {aval_str(b)}{_mismatch_extra(a, b)}"
        for p, a, b in zip(paths, avals1, avals2, strict=True)
        if not typematch(a, b)
    ]
    raise TypeError(
        f"{api} branches must have equal output types but they differ.\n\n{info}"
        f"{_join_diffs(diffs)}\nRevise {name1} and/or {name2} so that all output types match."
    )


# ----------------------------------------------------------------------------------------------
# Jaxpr surgery


def permute(
    closed: ClosedJaxpr, in_perm: Sequence[int] | None = None, out_perm: Sequence[int] | None = None
) -> ClosedJaxpr:
    """The same jaxpr with inputs (outputs) in the order `[old[i] for i in perm]`."""
    j = closed.jaxpr
    invars = j.invars if in_perm is None else [j.invars[i] for i in in_perm]
    outvars = j.outvars if out_perm is None else [j.outvars[i] for i in out_perm]
    return ClosedJaxpr(Jaxpr(j.constvars, invars, outvars, j.eqns), closed.consts)


def interleave_perm(groups: Sequence[int], tangent_groups: Sequence[int]) -> list[int]:
    """For a jaxpr laid out `[*g0, *g1, ..., *t0, *t1, ...]`, the permutation giving
    `[*g0, *t0, *g1, *t1, ...]` (primal groups each followed by their tangents)."""
    n = sum(groups)
    perm, p, t = [], 0, n
    for g, tg in zip(groups, tangent_groups, strict=True):
        perm += list(range(p, p + g)) + list(range(t, t + tg))
        p += g
        t += tg
    return perm


def with_extra_invars(closed: ClosedJaxpr, avals: Sequence[ShapedArray], at: int) -> ClosedJaxpr:
    """Inserts unused inputs of `avals` at position `at`."""
    j = closed.jaxpr
    new = [Var(a) for a in avals]
    invars = [*j.invars[:at], *new, *j.invars[at:]]
    return ClosedJaxpr(Jaxpr(j.constvars, invars, j.outvars, j.eqns), closed.consts)


def prune(
    closed: ClosedJaxpr, used_inputs: Sequence[bool], used_outputs: Sequence[bool]
) -> ClosedJaxpr:
    """Drops the outputs not in `used_outputs` (and dead equations), then the inputs not in
    `used_inputs` (which must be unread)."""
    j, _ = pe.dce_jaxpr(closed.jaxpr, used_outputs)
    invars = [v for v, u in zip(j.invars, used_inputs, strict=True) if u]
    return ClosedJaxpr(Jaxpr(j.constvars, invars, j.outvars, j.eqns), closed.consts)


def dce_used_inputs(closed: ClosedJaxpr, used_outputs: Sequence[bool]) -> list[bool]:
    key = ("dce", tuple(used_outputs))
    return memo(closed, key, lambda: pe.dce_jaxpr(closed.jaxpr, used_outputs)[1])


# ----------------------------------------------------------------------------------------------
# Zeros and transformations of jaxprs


def zeros(aval: ShapedArray) -> Any:
    """A zero of `aval`: a scalar literal, broadcast (staged) for arrays."""
    z = core._wrap(np.zeros((), aval.dtype), aval.weak_type)
    if not aval.shape:
        return z
    return broadcast_in_dim(z, aval.shape, ())


def instantiate(t: Any) -> Any:
    return zeros(t.aval) if type(t) is ad.Zero else t


def differentiable(aval: ShapedArray) -> bool:
    return dtypes.is_inexact(aval.dtype)


def jvp_jaxpr(
    closed: ClosedJaxpr, nonzeros: Sequence[bool], instantiate_out: Sequence[bool]
) -> tuple[ClosedJaxpr, list[bool]]:
    """A jaxpr `(*primals, *nonzero tangents) -> (*primal outs, *nonzero tangent outs)`.

    Output tangents in `instantiate_out` are always present (zeros if need be). Returns the
    jaxpr and which output tangents are present.
    """
    key = ("jvp", tuple(nonzeros), tuple(instantiate_out))

    def make():
        n = len(closed.in_avals)
        out_nz: list[bool] = []

        def fun(*args):
            it = iter(args[n:])
            ts = [next(it) if nz else None for nz in nonzeros]
            po, to = ad.jvp_flat(lambda *xs: eval_closed(closed, xs), args[:n], ts)
            nz = [
                type(t) is not ad.Zero or inst for t, inst in zip(to, instantiate_out, strict=True)
            ]
            out_nz[:] = nz
            return [*po, *[instantiate(t) for t, z in zip(to, nz, strict=True) if z]]

        t_avals = [
            a.to_tangent_aval() for a, nz in zip(closed.in_avals, nonzeros, strict=True) if nz
        ]
        out = pe.trace_to_jaxpr(fun, [*closed.in_avals, *t_avals], name="jvp")
        return out, list(out_nz)

    return memo(closed, key, make)


def batch_jaxpr(
    closed: ClosedJaxpr,
    axis_size: int,
    in_dims: Sequence[int | None],
    out_dims: Sequence[int | None] | None,
) -> tuple[ClosedJaxpr, list]:
    key = ("batch", axis_size, tuple(in_dims), None if out_dims is None else tuple(out_dims))
    return memo(closed, key, lambda: batching.batch_jaxpr(closed, axis_size, in_dims, out_dims))


def batched_outputs(closed: ClosedJaxpr, axis_size: int, in_dims: Sequence[int | None]) -> list:
    """Which outputs of `closed` come out batched for these input batch dimensions."""
    _, dims = batch_jaxpr(closed, axis_size, in_dims, None)
    return [d is not None for d in dims]


def partial_eval_jaxpr(
    closed: ClosedJaxpr, unknowns: Sequence[bool], instantiate_out: Sequence[bool] | bool = False
):
    inst = instantiate_out if isinstance(instantiate_out, bool) else tuple(instantiate_out)
    key = ("pe", tuple(unknowns), inst)
    return memo(closed, key, lambda: pe.partial_eval_jaxpr(closed, unknowns, inst))


def transpose_jaxpr(closed: ClosedJaxpr, linear: Sequence[bool]) -> ClosedJaxpr:
    key = ("transpose", tuple(linear))
    return memo(closed, key, lambda: ad.transpose_jaxpr(closed, linear))


def move_to_front(x: Any, d: int | None, axis_size: int) -> Any:
    return batching.bdim_at_front(x, d, axis_size)


def is_concrete(x: Any) -> bool:
    return not isinstance(x, Tracer) or x.to_concrete_value() is not None


def split(xs: Sequence[Any], sizes: Sequence[int]) -> list[list]:
    out, i = [], 0
    for n in sizes:
        out.append(list(xs[i : i + n]))
        i += n
    out.append(list(xs[i:]))
    return out

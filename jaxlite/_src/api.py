"""The transformations users call: jvp, vjp, grad, vmap, jacobians, make_jaxpr, ...

Only this layer flattens and unflattens pytrees; the interpreters work on flat lists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.api_util import (
    OutStore,
    check_arg,
    debug_name,
    flatten_fun,
    flatten_fun_aux,
    normalize_argnums,
    shaped_abstractify,
    split_aux,
)
from jaxlite._src.core import Array, ShapeDtypeStruct, get_aval
from jaxlite._src.errors import fun_name
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.jaxpr import ClosedJaxpr
from jaxlite._src.tree_util import (
    PyTreeDef,
    tree_flatten,
    tree_map,
    tree_structure,
    tree_unflatten,
)


def _wrap_doc(wrapper: Callable, fun: Callable, api: str) -> Callable:
    try:
        functools.update_wrapper(wrapper, fun)
    except (AttributeError, TypeError):
        pass
    wrapper.__doc__ = f"{api} of {getattr(fun, '__name__', fun)!s}."
    return wrapper


def _lower_aux(aux: Any) -> Any:
    """Auxiliary outputs leave the transformation as primal values (as in JAX)."""
    active = set()
    t = core.current_trace()
    while t is not None:
        active.add(t)
        t = t.parent

    def lower(x):
        while isinstance(x, ad.JVPTracer) and x._trace not in active:
            x = x.primal
        return x

    return tree_map(lower, aux)


def _zeros_for(aval: core.ShapedArray) -> Array:
    return ad.zeros_like_aval(aval.to_tangent_aval())


def _instantiate(cts: Sequence[Any]) -> list:
    return [_zeros_for(c.aval) if type(c) is ad.Zero else c for c in cts]


# ----------------------------------------------------------------------------------------------
# Forward mode


def _check_tangent(p: Any, t: Any) -> None:
    pa, ta = get_aval(p), get_aval(t)
    expected = pa.to_tangent_aval().dtype
    if ta.dtype != expected:
        raise TypeError(
            "primal and tangent arguments to jax.jvp do not match; dtypes must be equal, or in "
            "case of int/bool primal dtype the tangent dtype must be float0. Got primal dtype "
            f"{pa.dtype.name} and so expected tangent dtype {expected.name}, but got tangent "
            f"dtype {ta.dtype.name} instead."
        )
    if pa.shape != ta.shape:
        raise ValueError(
            "jvp called with different primal and tangent shapes; Got primal shape "
            f"{pa.shape} and tangent shape as {ta.shape}"
        )


def jvp(fun: Callable, primals: Sequence[Any], tangents: Sequence[Any], has_aux: bool = False):
    """Computes `(fun(*primals), J @ tangents)`: a forward-mode Jacobian-vector product.

    Args:
      fun: function of array pytrees.
      primals: tuple or list of arguments at which to linearise.
      tangents: tuple or list of tangents, with the structure of `primals`.
      has_aux: `fun` returns `(out, aux)`; aux is returned without differentiation.

    Returns:
      `(primals_out, tangents_out)`, plus `aux` when `has_aux`.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> jax.jvp(jnp.sin, (0.0,), (2.0,))
    (Array(0., dtype=float32, weak_type=True), Array(2., dtype=float32, weak_type=True))
    """
    for name, val in (("primal", primals), ("tangent", tangents)):
        if not isinstance(val, (tuple, list)):
            raise TypeError(
                f"{name} arguments to jax.jvp must be tuples or lists; found {type(val).__name__}."
            )
    p_leaves, p_tree = tree_flatten(tuple(primals))
    t_leaves, t_tree = tree_flatten(tuple(tangents))
    if p_tree != t_tree:
        raise TypeError(
            "primal and tangent arguments to jax.jvp must have the same tree structure; "
            f"primals have tree structure {p_tree} whereas tangents have tree structure {t_tree}."
        )
    for p, t in zip(p_leaves, t_leaves, strict=True):
        check_arg(p, "jvp")
        _check_tangent(p, t)
    in_tree = tree_structure((tuple(primals), {}))
    flat_fun, store = (flatten_fun_aux if has_aux else flatten_fun)(fun, in_tree)
    outs, touts = ad.jvp_flat(flat_fun, p_leaves, t_leaves)
    touts = _instantiate(touts)
    out = (tree_unflatten(store.tree, outs), tree_unflatten(store.tree, touts))
    return (*out, _lower_aux(store.aux)) if has_aux else out


def linearize(fun: Callable, *primals: Any, has_aux: bool = False):
    """Returns `(fun(*primals), f_jvp)` where `f_jvp(*tangents)` evaluates the linear map."""
    p_leaves, p_tree = tree_flatten(primals)
    for p in p_leaves:
        check_arg(p, "linearize")
    in_tree = tree_structure((primals, {}))
    flat_fun, store = (flatten_fun_aux if has_aux else flatten_fun)(fun, in_tree)
    outs, linear, out_nz = ad.linearize_flat(flat_fun, p_leaves)
    out_tree = store.tree
    out_avals = [get_aval(o).to_tangent_aval() for o in outs]

    def f_jvp(*tangents):
        t_leaves, t_tree = tree_flatten(tangents)
        if t_tree != p_tree:
            raise TypeError(
                f"linearized function called on tangent values inconsistent with the original "
                f"primal values: got tree {t_tree} for primal tree {p_tree}."
            )
        for p, t in zip(p_leaves, t_leaves, strict=True):
            _check_tangent(p, t)
        nz = iter(pe_eval(linear, t_leaves))
        res = [next(nz) if z else _zeros_for(a) for z, a in zip(out_nz, out_avals, strict=True)]
        return tree_unflatten(out_tree, res)

    primal_out = tree_unflatten(out_tree, outs)
    return (primal_out, f_jvp, _lower_aux(store.aux)) if has_aux else (primal_out, f_jvp)


def pe_eval(closed: ClosedJaxpr, args: Sequence[Any]) -> list:
    from jaxlite._src.jaxpr import eval_jaxpr  # noqa: PLC0415

    return eval_jaxpr(closed.jaxpr, closed.consts, *args)


# ----------------------------------------------------------------------------------------------
# Reverse mode


def vjp(fun: Callable, *primals: Any, has_aux: bool = False):
    """Computes `fun(*primals)` and a function evaluating its vector-Jacobian product.

    Returns:
      `(primals_out, vjp_fun)` (plus `aux` when `has_aux`), where `vjp_fun(cotangent)` returns a
      tuple with one cotangent per primal argument.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> y, f_vjp = jax.vjp(jnp.sin, 0.0)
    >>> f_vjp(1.0)
    (Array(1., dtype=float32, weak_type=True),)
    """
    p_leaves, _ = tree_flatten(primals)
    for p in p_leaves:
        check_arg(p, "vjp")
    in_tree = tree_structure((primals, {}))
    flat_fun, store = (flatten_fun_aux if has_aux else flatten_fun)(fun, in_tree)
    outs, f_vjp_flat = ad.vjp_flat(flat_fun, p_leaves)
    out_tree = store.tree
    out_avals = f_vjp_flat.out_avals
    p_tree = tree_structure(primals)

    def vjp_fun(ct):
        ct_leaves, ct_tree = tree_flatten(ct)
        if ct_tree != out_tree:
            raise TypeError(
                "Tree structure of cotangent input "
                f"{ct_tree}, does not match structure of primal output {out_tree}."
            )
        for c, a in zip(ct_leaves, out_avals, strict=True):
            ca = get_aval(c)
            if ca.shape != a.shape or (ca.dtype != a.dtype and a.dtype != dtypes.float0):
                raise ValueError(
                    "Shape and dtype of cotangent input must match those of the primal output: "
                    f"expected {a.str_short()}, got {ca.str_short()}."
                )
        cts = f_vjp_flat(ct_leaves)
        return tree_unflatten(p_tree, _instantiate(cts))

    primal_out = tree_unflatten(out_tree, outs)
    return (primal_out, vjp_fun, _lower_aux(store.aux)) if has_aux else (primal_out, vjp_fun)


def _check_grad_input(x: Any, allow_int: bool, holomorphic: bool) -> None:
    check_arg(x, "grad")
    dt = get_aval(x).dtype
    if holomorphic:
        if dt.kind != "c":
            raise TypeError(
                f"grad with holomorphic=True requires inputs with complex dtype, but got {dt.name}."
            )
        return
    if dt.kind not in "fc" and not allow_int:
        raise TypeError(
            "grad requires real- or complex-valued inputs (input dtype that is a sub-dtype of "
            f"np.inexact), but got {dt.name}. If you want to use Boolean- or integer-valued "
            "inputs, use vjp or set allow_int to True."
        )


def _check_grad_output(out: Any, holomorphic: bool) -> core.ShapedArray:
    aval = get_aval(out)
    if aval.shape != ():
        raise TypeError(
            f"Gradient only defined for scalar-output functions. Output had shape: {aval.shape}."
        )
    if holomorphic:
        if aval.dtype.kind != "c":
            raise TypeError(
                "grad with holomorphic=True requires outputs with complex dtype, but got "
                f"{aval.dtype.name}."
            )
    elif aval.dtype.kind != "f":
        hint = (
            "For holomorphic differentiation, pass holomorphic=True. For differentiation of "
            "non-holomorphic functions involving complex outputs, use jax.vjp directly."
            if aval.dtype.kind == "c"
            else "For differentiation of functions with integer outputs, use jax.vjp directly."
        )
        raise TypeError(
            "grad requires real-valued outputs (output dtype that is a sub-dtype of np.floating), "
            f"but got {aval.dtype.name}. {hint}"
        )
    return aval


def value_and_grad(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
    reduce_axes: Sequence = (),
) -> Callable:
    """Returns a function computing `(fun(*args), gradient)` with respect to `argnums`.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> jax.value_and_grad(lambda x: x ** 2)(3.0)
    (Array(9., dtype=float32, weak_type=True), Array(6., dtype=float32, weak_type=True))
    """

    def value_and_grad_f(*args, **kwargs):
        nums = normalize_argnums(argnums, len(args), "grad")
        leaves, in_tree = tree_flatten(tuple(args[i] for i in nums))
        for leaf in leaves:
            _check_grad_input(leaf, allow_int, holomorphic)
        store = OutStore()

        # `vjp` on the flattened function, without its pytree round trips (this is on every
        # eager gradient).
        def flat_fun(*dyn_leaves):
            full = list(args)
            for i, a in zip(nums, tree_unflatten(in_tree, dyn_leaves), strict=True):
                full[i] = a
            res = fun(*full, **kwargs)
            if has_aux:
                res, store.aux = split_aux(res, fun)
            out_leaves, store.tree = tree_flatten(res)
            return out_leaves

        outs, f_vjp = ad.vjp_flat(flat_fun, leaves)
        if len(outs) != 1 or store.tree.num_nodes != 1:
            ans = tree_unflatten(store.tree, outs)
            raise TypeError(
                "Gradient only defined for scalar-output functions. Output was "
                f"{type(ans).__name__} with {len(outs)} leaves."
            )
        ans = outs[0]
        aval = _check_grad_output(ans, holomorphic)
        one = core._wrap(np.ones((), aval.dtype), aval.weak_type)
        g = tree_unflatten(in_tree, _instantiate(f_vjp([one])))
        g = g[0] if isinstance(argnums, int) else g
        return ((ans, _lower_aux(store.aux)), g) if has_aux else (ans, g)

    return _wrap_doc(value_and_grad_f, fun, "Value and gradient")


def grad(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
    reduce_axes: Sequence = (),
) -> Callable:
    """Returns a function computing the gradient of scalar `fun` with respect to `argnums`.

    Args:
      fun: function returning a scalar (a real float, or complex with holomorphic=True).
      argnums: which positional argument(s) to differentiate (int or tuple of ints).
      has_aux: `fun` returns `(out, aux)`; the gradient function then returns `(g, aux)`.
      holomorphic: differentiate a holomorphic complex function.
      allow_int: allow integer inputs (their gradients are float0 zeros).

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> jax.grad(jnp.tanh)(0.0)
    Array(1., dtype=float32, weak_type=True)
    """
    vg = value_and_grad(fun, argnums, has_aux, holomorphic, allow_int)

    def grad_f(*args, **kwargs):
        if has_aux:
            (_, aux), g = vg(*args, **kwargs)
            return g, aux
        return vg(*args, **kwargs)[1]

    return _wrap_doc(grad_f, fun, "Gradient")


# ----------------------------------------------------------------------------------------------
# vmap


def _broadcast_prefix(prefix: Any, tree: Any, what: str) -> list:
    """Leaves of `prefix` (None counts as a leaf) repeated over the leaves of `tree`."""
    prefix_leaves, prefix_tree = tree_flatten(prefix, is_leaf=lambda x: x is None)
    try:
        subtrees = prefix_tree.flatten_up_to(tree)
    except ValueError as e:
        raise ValueError(
            f"{what} specification must be a tree prefix of the corresponding value, got "
            f"specification {prefix!r} for value tree {tree_structure(tree)}."
        ) from e
    out = []
    for p, sub in zip(prefix_leaves, subtrees, strict=True):
        out.extend([p] * tree_structure(sub).num_leaves)
    return out


def _mapped_size(leaves, dims, arg_tree_leaves_names, axis_size):
    sizes = {}
    for x, d, name in zip(leaves, dims, arg_tree_leaves_names, strict=True):
        if d is None:
            continue
        shape = np.shape(x) if not isinstance(x, core.Tracer) else x.shape
        a = get_aval(x)
        ty = f"{a.dtype.name}[{','.join(map(str, a.shape))}]"
        sizes.setdefault(shape[d], []).append((name, d, ty))
    if axis_size is not None:
        if sizes and set(sizes) != {axis_size}:
            raise ValueError(
                f"vmap got inconsistent sizes for array axes to be mapped: axis_size={axis_size} "
                f"but the mapped axes have sizes {sorted(sizes)}."
            )
        return axis_size
    if not sizes:
        raise ValueError("vmap must have at least one non-None value in in_axes")
    if len(sizes) > 1:
        lines = []
        for size, entries in sizes.items():
            for name, d, ty in entries:
                lines.append(f"  * one axis had size {size}: axis {d} of {name} of type {ty};")
        raise ValueError(
            "vmap got inconsistent sizes for array axes to be mapped:\n"
            + "\n".join(lines).rstrip(";")
        )
    return next(iter(sizes))


def vmap(
    fun: Callable,
    in_axes: Any = 0,
    out_axes: Any = 0,
    axis_name: Any = None,
    axis_size: int | None = None,
    spmd_axis_name: Any = None,
) -> Callable:
    """Vectorises `fun` over the `in_axes` axes of its arguments.

    Args:
      fun: function of array pytrees.
      in_axes: int, None, or a pytree prefix of the positional arguments (tuple with one
        entry per argument) saying which axis of each input is mapped (None: not mapped).
        Keyword arguments are always mapped over axis 0.
      out_axes: int, None, or a pytree prefix of the output saying where the mapped axis goes.
      axis_size: the mapped size, needed when no input is mapped.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> jax.vmap(jnp.dot)(jnp.ones((2, 3)), jnp.ones((2, 3)))
    Array([3., 3.], dtype=float32)
    """
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    if not (
        in_axes is None
        or isinstance(in_axes, (int, tuple, dict))
        or tree_structure(in_axes).num_leaves >= 0
    ):
        raise TypeError(f"vmap in_axes must be an int, None, or a tuple, got {in_axes!r}")

    def vmapped(*args, **kwargs):
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(
                "vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
                f"positional arguments passed to the function, but got len(in_axes)="
                f"{len(in_axes)}, len(args)={len(args)}"
            )
        args_axes = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args)
        dims = _broadcast_prefix(args_axes, args, "vmap in_axes")
        kw_leaves = tree_flatten(kwargs)[0]
        dims += [0] * len(kw_leaves)
        leaves, in_tree = tree_flatten((args, kwargs))
        names = _leaf_names(fun, args, kwargs)
        norm = []
        for x, d in zip(leaves, dims, strict=True):
            check_arg(x, "vmap")
            if d is None:
                norm.append(None)
                continue
            if not isinstance(d, (int, np.integer)):
                raise TypeError(f"vmap in_axes leaves must be ints or None, got {d!r}")
            nd = get_aval(x).ndim
            if not -nd <= d < nd:
                raise ValueError(
                    f"vmap was requested to map its argument along axis {d}, which implies that "
                    f"its rank should be at least {d + 1 if d >= 0 else -d}, but is only {nd} "
                    f"(its shape is {get_aval(x).shape})"
                )
            norm.append(int(d) % nd)
        size = _mapped_size(leaves, norm, names, axis_size)
        flat_fun, store = flatten_fun(fun, in_tree)

        def out_dims_of(n):
            return _broadcast_prefix(out_axes, tree_unflatten(store.tree, [0] * n), "vmap out_axes")

        outs = batching.vmap_flat(flat_fun, size, norm, out_dims_of, leaves, axis_name)
        return tree_unflatten(store.tree, outs)

    return _wrap_doc(vmapped, fun, "Vectorized version")


def _leaf_names(fun, args, kwargs) -> list[str]:
    """`argument x` style names per leaf, for error messages."""
    import inspect  # noqa: PLC0415

    try:
        params = list(inspect.signature(fun).parameters)
    except (TypeError, ValueError):
        params = []
    names = []
    for i, a in enumerate(args):
        n = params[i] if i < len(params) else f"args[{i}]"
        k = tree_structure(a).num_leaves
        names += [f"argument {n}"] * k
    for key, v in sorted(kwargs.items()):
        names += [f"keyword argument {key}"] * tree_structure(v).num_leaves
    return names


# ----------------------------------------------------------------------------------------------
# Jacobians


def _std_basis(leaves: list) -> list:
    """Per input leaf, an array (total, *leaf.shape) of unit vectors, concatenated basis."""
    avals = [get_aval(x) for x in leaves]
    sizes = [a.size for a in avals]
    total = sum(sizes)
    dt = dtypes.result_type(*[a.dtype for a in avals]) if avals else np.float32
    eye = np.eye(total, dtype=dt)
    out, start = [], 0
    for a, n in zip(avals, sizes, strict=True):
        block = eye[:, start : start + n].reshape((total, *a.shape)).astype(a.dtype)
        out.append(core._wrap(block, False))
        start += n
    return out


def jacfwd(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
) -> Callable:
    """Jacobian of `fun` by forward mode: `out_tree` of `in_tree` blocks (out dims first)."""

    def jacfun(*args, **kwargs):
        nums = normalize_argnums(argnums, len(args), "jacfwd")
        dyn = tuple(args[i] for i in nums)
        leaves, dyn_tree = tree_flatten(dyn)
        for x in leaves:
            check_arg(x, "jacfwd")
            if not holomorphic and get_aval(x).dtype.kind != "f":
                raise TypeError(
                    "jacfwd requires real-valued inputs (input dtype that is a sub-dtype of "
                    f"np.floating), but got {get_aval(x).dtype.name}. For holomorphic "
                    "differentiation, pass holomorphic=True. For differentiating non-holomorphic "
                    "functions involving complex inputs or integer inputs, use jax.jvp directly."
                )

        def f_dyn(*dyn_leaves):
            d = tree_unflatten(dyn_tree, dyn_leaves)
            full = list(args)
            for i, a in zip(nums, d, strict=True):
                full[i] = a
            return fun(*full, **kwargs)

        def pushfwd(*basis):
            if has_aux:
                y, t, aux = jvp(f_dyn, tuple(leaves), tuple(basis), has_aux=True)
                return y, t, aux
            y, t = jvp(f_dyn, tuple(leaves), tuple(basis))
            return y, t

        basis = _std_basis(leaves)
        out_axes = (None, -1, None) if has_aux else (None, -1)
        res = vmap(pushfwd, out_axes=out_axes)(*basis)
        y, jac = res[0], res[1]
        in_avals = [get_aval(x) for x in leaves]
        jac_leaves, out_tree = tree_flatten(jac)
        y_leaves = tree_flatten(y)[0]
        blocks = []
        for jl, yl in zip(jac_leaves, y_leaves, strict=True):
            parts = _split_columns(jl, in_avals, get_aval(yl).shape)
            blocks.append(_pack_in(parts, dyn_tree, isinstance(argnums, int)))
        out = tree_unflatten(out_tree, blocks)
        return (out, res[2]) if has_aux else out

    return _wrap_doc(jacfun, fun, "Jacobian (forward mode)")


def _split_columns(jl: Any, in_avals: list, out_shape: tuple) -> list:
    parts, start = [], 0
    for a in in_avals:
        n = a.size
        block = jl[..., start : start + n]
        parts.append(block.reshape((*out_shape, *a.shape)))
        start += n
    return parts


def _pack_in(parts: list, dyn_tree: PyTreeDef, single: bool) -> Any:
    packed = tree_unflatten(dyn_tree, parts)
    return packed[0] if single else packed


def jacrev(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
) -> Callable:
    """Jacobian of `fun` by reverse mode: `out_tree` of `in_tree` blocks (out dims first)."""

    def jacfun(*args, **kwargs):
        nums = normalize_argnums(argnums, len(args), "jacrev")
        dyn = tuple(args[i] for i in nums)
        leaves, dyn_tree = tree_flatten(dyn)
        for x in leaves:
            check_arg(x, "jacrev")
            if not holomorphic and not allow_int and get_aval(x).dtype.kind != "f":
                raise TypeError(
                    "jacrev requires real-valued inputs (input dtype that is a sub-dtype of "
                    f"np.floating), but got {get_aval(x).dtype.name}. For holomorphic "
                    "differentiation, pass holomorphic=True. For differentiating non-holomorphic "
                    "functions involving complex inputs or integer inputs, use jax.vjp directly."
                )

        def f_dyn(*dyn_leaves):
            d = tree_unflatten(dyn_tree, dyn_leaves)
            full = list(args)
            for i, a in zip(nums, d, strict=True):
                full[i] = a
            return fun(*full, **kwargs)

        if has_aux:
            y, f_vjp, aux = vjp(f_dyn, *leaves, has_aux=True)
        else:
            y, f_vjp = vjp(f_dyn, *leaves)
        y_leaves, out_tree = tree_flatten(y)
        basis = _std_basis(y_leaves)
        in_avals = [get_aval(x) for x in leaves]
        # Row block i of the Jacobian: pull back each unit cotangent of output leaf i.
        cols = vmap(lambda *b: f_vjp(tree_unflatten(out_tree, list(b))))(*basis)
        blocks = []
        start = 0
        for yl in y_leaves:
            ya = get_aval(yl)
            n = ya.size
            parts = []
            for c, a in zip(cols, in_avals, strict=True):
                parts.append(c[start : start + n].reshape((*ya.shape, *a.shape)))
            blocks.append(_pack_in(parts, dyn_tree, isinstance(argnums, int)))
            start += n
        out = tree_unflatten(out_tree, blocks)
        return (out, aux) if has_aux else out

    return _wrap_doc(jacfun, fun, "Jacobian (reverse mode)")


def hessian(
    fun: Callable,
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
) -> Callable:
    """Hessian of scalar `fun`: `jacfwd(jacrev(fun))`."""
    return jacfwd(
        jacrev(fun, argnums, has_aux=has_aux, holomorphic=holomorphic),
        argnums,
        has_aux=has_aux,
        holomorphic=holomorphic,
    )


# ----------------------------------------------------------------------------------------------
# Staging: make_jaxpr, eval_shape, linear_transpose


def _static_split(fun, static_argnums, args):
    static_argnums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    nums = {i % len(args) for i in static_argnums} if args else set()
    dyn = tuple(a for i, a in enumerate(args) if i not in nums)

    def f_dyn(*dyn_args, **kwargs):
        it = iter(dyn_args)
        full = [args[i] if i in nums else next(it) for i in range(len(args))]
        return fun(*full, **kwargs)

    return f_dyn, dyn


def make_jaxpr(
    fun: Callable,
    static_argnums: int | Sequence[int] = (),
    return_shape: bool = False,
    abstracted_axes: Any = None,
) -> Callable:
    """Returns a function that gives the jaxpr of `fun` for example arguments.

    >>> import jaxlite as jax, jaxlite.numpy as jnp
    >>> print(jax.make_jaxpr(jnp.sin)(1.0))
    { lambda ; a:f32[]. let b:f32[] = sin a in (b,) }
    """

    def make_jaxpr_f(*args, **kwargs):
        f_dyn, dyn = _static_split(fun, static_argnums, args)
        leaves, in_tree = tree_flatten((dyn, kwargs))
        for x in leaves:
            if not isinstance(x, core.ShapeDtypeStruct):
                check_arg(x, "make_jaxpr")
        flat_fun, store = flatten_fun(f_dyn, in_tree)
        avals = [shaped_abstractify(x) for x in leaves]
        closed = pe.trace_to_jaxpr(
            flat_fun, avals, name="make_jaxpr", debug=debug_name(fun, "make_jaxpr")
        )
        if return_shape:
            shapes = [
                ShapeDtypeStruct(a.shape, a.dtype, weak_type=a.weak_type) for a in closed.out_avals
            ]
            return closed, tree_unflatten(store.tree, shapes)
        return closed

    return _wrap_doc(make_jaxpr_f, fun, "make_jaxpr")


def eval_shape(fun: Callable, *args: Any, **kwargs: Any) -> Any:
    """Shapes and dtypes of `fun(*args, **kwargs)` as ShapeDtypeStructs, without computing."""
    leaves, in_tree = tree_flatten((args, kwargs))
    flat_fun, store = flatten_fun(fun, in_tree)
    avals = [shaped_abstractify(x) for x in leaves]
    closed = pe.trace_to_jaxpr(flat_fun, avals, name="eval_shape")
    shapes = [ShapeDtypeStruct(a.shape, a.dtype, weak_type=a.weak_type) for a in closed.out_avals]
    return tree_unflatten(store.tree, shapes)


def linear_transpose(fun: Callable, *primals: Any, reduce_axes: Sequence = ()) -> Callable:
    """Transpose of the linear function `fun` at the shapes of `primals`."""
    leaves, in_tree = tree_flatten((primals, {}))
    flat_fun, store = flatten_fun(fun, in_tree)
    avals = [shaped_abstractify(x) for x in leaves]
    for a in avals:
        if a.dtype.kind not in "fc":
            raise TypeError(
                "linear_transpose only supports [float or complex] -> "
                f"[float or complex], got input dtype {a.dtype.name}"
            )
    closed = pe.trace_to_jaxpr(flat_fun, avals, name="linear_transpose")
    out_tree = store.tree
    p_tree = tree_structure(primals)

    def transposed(*cts):
        if len(cts) != 1:
            raise TypeError(f"linear_transpose function takes one argument, got {len(cts)}")
        ct_leaves, ct_tree = tree_flatten(cts[0])
        if ct_tree != out_tree:
            raise TypeError(
                f"cotangent tree does not match function output: expected {out_tree}, got {ct_tree}"
            )
        for c, a in zip(ct_leaves, closed.out_avals, strict=True):
            ca = get_aval(c)
            if ca.shape != a.shape or ca.dtype != a.dtype:
                raise TypeError(
                    "cotangent type does not match function output: expected "
                    f"{a.str_short()}, got {ca.str_short()}"
                )
        args = [ad.UndefinedPrimal(a) for a in avals]
        res = ad.backward_pass(closed.jaxpr, closed.consts, args, ct_leaves)
        return tree_unflatten(p_tree, _instantiate(res))

    return transposed


# ----------------------------------------------------------------------------------------------
# Small utilities


def block_until_ready(x: Any) -> Any:
    """Returns `x` (computation here is synchronous)."""
    return x


def device_get(x: Any) -> Any:
    """Converts Arrays in a pytree to NumPy arrays."""
    return tree_map(lambda v: np.asarray(v) if isinstance(v, Array) else v, x)


def device_put(x: Any, device: Any = None) -> Any:
    """Converts array-likes in a pytree to Arrays."""
    return tree_map(lambda v: v if isinstance(v, (Array, core.Tracer)) else Array(v), x)


_ = fun_name

"""Helpers for the API layer: pytree flattening of functions, argnums, abstract signatures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jaxlite._src import core, dtypes
from jaxlite._src.errors import fun_name
from jaxlite._src.tree_util import PyTreeDef, tree_flatten, tree_unflatten


class OutStore:
    """Receives the output tree of a flattened function once it has run."""

    __slots__ = ("tree", "aux")

    def __init__(self):
        self.tree: PyTreeDef | None = None
        self.aux: Any = None


def flatten_fun(fun: Callable, in_tree: PyTreeDef) -> tuple[Callable, OutStore]:
    """`flat_fun(*leaves) -> out_leaves` for `fun(*args, **kwargs)` with `in_tree` of
    `(args, kwargs)`; the output treedef lands in the returned store."""
    store = OutStore()

    def flat_fun(*leaves):
        args, kwargs = tree_unflatten(in_tree, leaves)
        out = fun(*args, **kwargs)
        out_leaves, store.tree = tree_flatten(out)
        return out_leaves

    return flat_fun, store


def flatten_fun_aux(fun: Callable, in_tree: PyTreeDef) -> tuple[Callable, OutStore]:
    """Like `flatten_fun` for a function returning `(out, aux)` (has_aux=True)."""
    store = OutStore()

    def flat_fun(*leaves):
        args, kwargs = tree_unflatten(in_tree, leaves)
        out, store.aux = split_aux(fun(*args, **kwargs), fun)
        out_leaves, store.tree = tree_flatten(out)
        return out_leaves

    return flat_fun, store


def split_aux(res: Any, fun: Callable) -> tuple[Any, Any]:
    """`(out, aux)` from what a has_aux=True function returned."""
    if not (isinstance(res, (tuple, list)) and len(res) == 2):
        raise TypeError(
            "has_aux=True requires the function to return a pair (output, auxiliary data), "
            f"but {fun_name(fun)} returned {type(res).__name__}."
        )
    return res[0], res[1]


def normalize_argnums(argnums: int | Sequence[int], nargs: int, api: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    out = []
    for a in nums:
        if not isinstance(a, (int, np.integer)):
            raise TypeError(f"{api}: argnums must be an int or a tuple of ints, got {argnums!r}")
        if not -nargs <= a < nargs:
            raise TypeError(
                f"differentiating with respect to argnums={argnums} requires at least "
                f"{max(nums) + 1} positional arguments to be passed by the caller, but got only "
                f"{nargs} positional arguments."
            )
        out.append(int(a) % nargs)
    return tuple(out)


def check_arg(x: Any, api: str) -> None:
    """Raises JAX's TypeError for a leaf that is not an array-like."""
    if isinstance(x, (core.Array, core.Tracer, np.ndarray, np.generic, bool, int, float, complex)):
        return
    raise TypeError(
        f"Argument '{x!r}' of type {type(x)} is not a valid JAX type. {api} arguments must be "
        "arrays, Python scalars, or pytrees (tuples, lists, dicts, registered nodes) of them."
    )


def shaped_abstractify(x: Any) -> core.ShapedArray:
    if isinstance(x, core.ShapeDtypeStruct):
        return core.ShapedArray(x.shape, dtypes.canonicalize_dtype(x.dtype), x.weak_type)
    return core.get_aval(x)


def debug_name(fun: Callable, api: str) -> str:
    return f"{fun_name(fun)} for {api}"

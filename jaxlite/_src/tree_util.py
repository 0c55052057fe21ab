"""Pytrees: nested containers split into a flat list of leaves plus a `PyTreeDef` structure.

Internally a structure is a nested tuple: a leaf is the `_LEAF` sentinel and an interior node
is `(node_type, aux_data, children)`. Plain tuples keep flatten/unflatten, equality and hashing
cheap, since this code runs on every call of every transformation.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
from collections.abc import Callable, Iterable
from typing import Any, Self, TypeVar

T = TypeVar("T")
KeyEntry = Any
KeyPath = tuple[Any, ...]
IsLeaf = Callable[[Any], bool] | None

_NoneType = type(None)


class _Leaf:
    """Type of the `_LEAF` sentinel; pickles by reference so identity checks survive."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "_LEAF"


_LEAF = _Leaf()
_NONE_NODE = (_NoneType, None, ())
_NO_INIT = object()

# type -> (flatten, unflatten, flatten_with_keys or None) for custom nodes.
_registry: dict[type, tuple[Callable, Callable, Callable | None]] = {}
# Types already seen to be leaves: lets the child loop in `_flat` skip a recursive call per
# leaf. Bounded so that classes created on the fly cannot grow it forever.
_leaf_types: set[type] = {int, float, complex, bool, str, bytes}


def _sorted_keys(d: dict) -> tuple:
    try:
        return tuple(sorted(d))
    except TypeError as e:
        raise ValueError("Comparator raised exception while sorting pytree dictionary keys.") from e


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _flat(x: Any, leaves: list) -> Any:
    t = type(x)
    if t is tuple or t is list:
        children, aux = x, None
    elif t is dict:
        aux = _sorted_keys(x)
        children = [x[k] for k in aux]
    elif x is None:
        return _NONE_NODE
    elif t in _leaf_types:
        leaves.append(x)
        return _LEAF
    elif t in _registry:
        children, aux = _registry[t][0](x)
    elif _is_namedtuple(x):
        children, aux = x, None
    else:
        if len(_leaf_types) < 4096:
            _leaf_types.add(t)
        leaves.append(x)
        return _LEAF
    kids = []
    for c in children:
        if type(c) in _leaf_types:
            leaves.append(c)
            kids.append(_LEAF)
        else:
            kids.append(_flat(c, leaves))
    return (t, aux, tuple(kids))


def _split(x: Any, with_keys: bool = False) -> tuple[type, Any, Any, Any] | None:
    """Flattens one level: `(node_type, aux, children, keys or None)`; None for a leaf."""
    t = type(x)
    if t is tuple or t is list:
        return t, None, x, [SequenceKey(i) for i in range(len(x))] if with_keys else None
    if t is dict:
        aux = _sorted_keys(x)
        return dict, aux, [x[k] for k in aux], [DictKey(k) for k in aux] if with_keys else None
    if x is None:
        return _NoneType, None, (), [] if with_keys else None
    if t in _registry:
        flatten, _, flatten_with_keys = _registry[t]
        if with_keys and flatten_with_keys is not None:
            pairs, aux = flatten_with_keys(x)
            pairs = tuple(pairs)
            return t, aux, [c for _, c in pairs], [k for k, _ in pairs]
        children, aux = flatten(x)
        children = tuple(children)
        keys = [FlattenedIndexKey(i) for i in range(len(children))] if with_keys else None
        return t, aux, children, keys
    if _is_namedtuple(x):
        return t, None, x, [GetAttrKey(f) for f in t._fields] if with_keys else None
    return None


def _flat_slow(x: Any, out: list, is_leaf: IsLeaf, path: tuple | None = None) -> Any:
    """`_flat` with `is_leaf`; with a `path`, collects `(key_path, leaf)` pairs instead."""
    parts = None if is_leaf is not None and is_leaf(x) else _split(x, path is not None)
    if parts is None:
        out.append(x if path is None else (path, x))
        return _LEAF
    t, aux, children, keys = parts
    if path is None:
        return (t, aux, tuple([_flat_slow(c, out, is_leaf) for c in children]))
    kids = [_flat_slow(c, out, is_leaf, (*path, k)) for k, c in zip(keys, children)]
    return (t, aux, tuple(kids))


def _unflat(node: Any, nxt: Callable[[], Any]) -> Any:
    if node is _LEAF:
        return nxt()
    t, aux, kids = node
    vals = [nxt() if k is _LEAF else _unflat(k, nxt) for k in kids]
    if t is tuple:
        return tuple(vals)
    if t is list:
        return vals
    if t is dict:
        return dict(zip(aux, vals))
    if t is _NoneType:
        return None
    if t in _registry:
        return _registry[t][1](aux, tuple(vals))
    return t(*vals)  # namedtuple


def _count(node: Any) -> tuple[int, int]:
    """Returns `(num_leaves, num_nodes)` of a structure."""
    if node is _LEAF:
        return 1, 1
    counts = [_count(k) for k in node[2]]
    return sum(c[0] for c in counts), 1 + sum(c[1] for c in counts)


def _struct_hash(node: Any) -> int:
    # Ignores aux data, as JAX does, so unhashable aux data still gives a hashable treedef.
    if node is _LEAF:
        return 0x2A
    return hash((node[0], tuple([_struct_hash(k) for k in node[2]])))


def _short(x: Any, limit: int = 300) -> str:
    r = repr(x)
    return r if len(r) <= limit else r[: limit - 3] + "..."


class _Mismatch(Exception):
    """Structure mismatch found by `_up_to`; `path` is collected innermost-first on unwind."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg
        self.path: list = []

    def where(self) -> str:
        if not self.path:
            return "at the tree root"
        return "at key path " + keystr(tuple(reversed(self.path)))


def _match_children(node: Any, x: Any) -> Any:
    """Returns the children of `x` lined up with `node`'s, or raises `_Mismatch`."""
    t, aux, kids = node
    if t is tuple or t is list:
        if not isinstance(x, t):
            raise _Mismatch(f"Expected {t.__name__}, got {_short(x)}.")
        if len(x) != len(kids):
            name = t.__name__
            raise _Mismatch(
                f"{name.capitalize()} arity mismatch: {len(x)} != {len(kids)}; {name}: {_short(x)}."
            )
        return x
    if t is dict:
        if not isinstance(x, dict):
            raise _Mismatch(f"Expected dict, got {_short(x)}.")
        if len(x) != len(aux) or _sorted_keys(x) != aux:
            raise _Mismatch(f"Dict key mismatch; expected keys: {list(aux)!r}; dict: {_short(x)}.")
        return [x[k] for k in aux]
    if t is _NoneType:
        if x is not None:
            raise _Mismatch(f"Expected None, got {_short(x)}.")
        return ()
    if t not in _registry:
        if not isinstance(x, tuple):
            raise _Mismatch(f"Expected named tuple, got {_short(x)}.")
        if len(x) != len(kids):
            raise _Mismatch(
                f"Named tuple arity mismatch: {len(x)} != {len(kids)}; tuple: {_short(x)}."
            )
        if type(x) is not t:
            raise _Mismatch(
                f"Named tuple type mismatch: expected type: {t.__name__!r}, tuple: {_short(x)}."
            )
        return x
    if type(x) is not t:
        raise _Mismatch(f"Custom node type mismatch; expected type: {t}; value: {_short(x)}.")
    children, xaux = _registry[t][0](x)
    children = tuple(children)
    if len(children) != len(kids):
        raise _Mismatch(
            f"Custom type arity mismatch: {len(children)} != {len(kids)}; value: {_short(x)}."
        )
    if xaux is not aux and xaux != aux:
        raise _Mismatch(
            f"Mismatch custom node data: {_short(xaux)} != {_short(aux)}; value: {_short(x)}."
        )
    return children


def _up_to(node: Any, x: Any, out: list) -> None:
    xs = _match_children(node, x)
    for i, k in enumerate(node[2]):
        if k is _LEAF:
            out.append(xs[i])
            continue
        try:
            _up_to(k, xs[i], out)
        except _Mismatch as e:
            # Error path only, so re-flattening `x` for its key costs the fast path nothing.
            t = node[0]
            if t is tuple or t is list:
                e.path.append(SequenceKey(i))
            else:
                e.path.append(_split(x, with_keys=True)[3][i])
            raise


class PyTreeDef:
    """The structure of a pytree: its container nodes, with leaves marked as `*`.

    Immutable and hashable; two treedefs are equal when node types, node data (dict keys,
    custom aux data) and arrangement all agree.
    """

    __slots__ = ("_hash", "_node", "_num_leaves", "_num_nodes")

    def __init__(self, node: Any, num_leaves: int | None = None) -> None:
        self._node = node
        self._num_leaves = num_leaves
        self._num_nodes: int | None = None
        self._hash: int | None = None

    @property
    def num_leaves(self) -> int:
        """Number of leaves."""
        if self._num_leaves is None:
            self._num_leaves, self._num_nodes = _count(self._node)
        return self._num_leaves

    @property
    def num_nodes(self) -> int:
        """Number of nodes, counting leaves and every container (including None)."""
        if self._num_nodes is None:
            self._num_leaves, self._num_nodes = _count(self._node)
        return self._num_nodes

    def children(self) -> list[PyTreeDef]:
        """Treedefs of the root's immediate children (empty for a leaf)."""
        return [] if self._node is _LEAF else [PyTreeDef(k) for k in self._node[2]]

    def node_data(self) -> tuple[type, Any] | None:
        """`(node_type, aux_data)` of the root node, or None if the root is a leaf."""
        if self._node is _LEAF:
            return None
        t, aux, _ = self._node
        return (t, list(aux)) if t is dict else (t, aux)

    def unflatten(self, leaves: Iterable[Any]) -> Any:
        """Builds a pytree of this structure from `leaves` (in flattening order)."""
        if not isinstance(leaves, (list, tuple)):
            leaves = list(leaves)
        n = self.num_leaves
        if len(leaves) != n:
            few_or_many = "few" if len(leaves) < n else "many"
            raise ValueError(
                f"Too {few_or_many} leaves for PyTreeDef; expected {n}, got {len(leaves)}."
            )
        return _unflat(self._node, iter(leaves).__next__)

    def flatten_up_to(self, tree: Any) -> list[Any]:
        """Flattens `tree` only as deep as this structure; its leaves may be whole subtrees.

        Raises:
          ValueError: if this structure is not a prefix of `tree`'s, naming the key path.
        """
        if self._node is _LEAF:
            return [tree]
        out: list = []
        try:
            _up_to(self._node, tree, out)
        except _Mismatch as e:
            raise ValueError(
                f"Tree structure mismatch {e.where()}: {e.msg}\n  expected structure: {self}"
            ) from None
        return out

    def compose(self, inner: PyTreeDef) -> PyTreeDef:
        """The structure obtained by replacing every leaf of `self` with `inner`."""

        def sub(node: Any) -> Any:
            if node is _LEAF:
                return inner._node
            return (node[0], node[1], tuple([sub(k) for k in node[2]]))

        return PyTreeDef(sub(self._node), self.num_leaves * inner.num_leaves)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PyTreeDef):
            return NotImplemented
        return self is other or self._node == other._node

    def __hash__(self) -> int:
        if self._hash is None:
            try:
                self._hash = hash(self._node)  # hashed in C: the common, fast case
            except TypeError:
                self._hash = _struct_hash(self._node)
        return self._hash

    def __repr__(self) -> str:
        return f"PyTreeDef({_node_str(self._node)})"

    def __reduce__(self) -> tuple[type, tuple[Any, int | None]]:
        # Not the cached hash: it depends on object ids, which differ between processes.
        return PyTreeDef, (self._node, self._num_leaves)


def _node_str(node: Any) -> str:
    if node is _LEAF:
        return "*"
    t, aux, kids = node
    parts = [_node_str(k) for k in kids]
    if t is tuple:
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    if t is list:
        return "[" + ", ".join(parts) + "]"
    if t is dict:
        return "{" + ", ".join(f"{k!r}: {p}" for k, p in zip(aux, parts)) + "}"
    if t is _NoneType:
        return "None"
    kind = f"{t.__name__}[{aux}]" if t in _registry else f"namedtuple[{t.__name__}]"
    return f"CustomNode({kind}, [{', '.join(parts)}])"


def tree_flatten(tree: Any, is_leaf: IsLeaf = None) -> tuple[list[Any], PyTreeDef]:
    """Flattens a pytree into `(leaves, treedef)`.

    `is_leaf`, if given, is called on every subtree; returning True makes that subtree a leaf.
    """
    leaves: list = []
    node = _flat(tree, leaves) if is_leaf is None else _flat_slow(tree, leaves, is_leaf)
    return leaves, PyTreeDef(node, len(leaves))


def tree_unflatten(treedef: PyTreeDef, leaves: Iterable[Any]) -> Any:
    """Rebuilds a pytree from a treedef and its leaves (inverse of `tree_flatten`)."""
    return treedef.unflatten(leaves)


def tree_leaves(tree: Any, is_leaf: IsLeaf = None) -> list[Any]:
    """Returns the leaves of a pytree in flattening order."""
    leaves: list = []
    _flat(tree, leaves) if is_leaf is None else _flat_slow(tree, leaves, is_leaf)
    return leaves


def tree_structure(tree: Any, is_leaf: IsLeaf = None) -> PyTreeDef:
    """Returns the treedef of a pytree."""
    return tree_flatten(tree, is_leaf)[1]


def tree_map(f: Callable[..., Any], tree: Any, *rest: Any, is_leaf: IsLeaf = None) -> Any:
    """Applies `f(x, *ys)` to each leaf `x` of `tree` and the matching subtrees `ys` of `rest`.

    Raises:
      ValueError: if `tree`'s structure is not a prefix of a tree in `rest`; the message names
        the key path of the mismatch.
    """
    leaves, treedef = tree_flatten(tree, is_leaf)
    if rest:
        new = [f(*xs) for xs in zip(leaves, *[treedef.flatten_up_to(r) for r in rest])]
    else:
        new = [f(x) for x in leaves]
    return _unflat(treedef._node, iter(new).__next__)


def tree_all(tree: Any, *, is_leaf: IsLeaf = None) -> bool:
    """True if every leaf is truthy."""
    return all(tree_leaves(tree, is_leaf))


def tree_reduce(
    function: Callable[[Any, Any], Any],
    tree: Any,
    initializer: Any = _NO_INIT,
    is_leaf: IsLeaf = None,
) -> Any:
    """Folds `function` over the leaves of `tree`, like `functools.reduce`."""
    if initializer is _NO_INIT:
        return functools.reduce(function, tree_leaves(tree, is_leaf))
    return functools.reduce(function, tree_leaves(tree, is_leaf), initializer)


def tree_transpose(
    outer_treedef: PyTreeDef, inner_treedef: PyTreeDef | None, pytree_to_transpose: Any
) -> Any:
    """Turns a pytree of structure `outer_treedef.compose(inner_treedef)` inside out.

    `inner_treedef` may be None, in which case it is inferred from the first outer subtree.
    """
    flat, treedef = tree_flatten(pytree_to_transpose)
    if inner_treedef is None:
        inner_treedef = tree_structure(outer_treedef.flatten_up_to(pytree_to_transpose)[0])
    inner_size, outer_size = inner_treedef.num_leaves, outer_treedef.num_leaves
    if treedef.num_leaves != inner_size * outer_size:
        raise TypeError(f"Mismatch\n{treedef}\n != \n{outer_treedef.compose(inner_treedef)}")
    rows = [flat[i * inner_size : (i + 1) * inner_size] for i in range(outer_size)]
    return inner_treedef.unflatten([outer_treedef.unflatten(col) for col in zip(*rows)])


def all_leaves(iterable: Iterable[Any], is_leaf: IsLeaf = None) -> bool:
    """True if every element of `iterable` is a leaf (None is not a leaf)."""
    if is_leaf is None:
        return all(_split(x) is None for x in iterable)
    lst = list(iterable)
    flat = tree_leaves(lst, is_leaf)
    # Identity, not ==, so array leaves don't trigger elementwise comparison.
    return len(flat) == len(lst) and all(a is b for a, b in zip(flat, lst))


def treedef_children(treedef: PyTreeDef) -> list[PyTreeDef]:
    """Treedefs of the root's immediate children."""
    return treedef.children()


def treedef_tuple(treedefs: Iterable[PyTreeDef]) -> PyTreeDef:
    """Treedef of a tuple whose children have the given structures."""
    return PyTreeDef((tuple, None, tuple([td._node for td in treedefs])))


def treedef_is_leaf(treedef: PyTreeDef) -> bool:
    """True if the treedef has a single node (a leaf, None, or an empty container)."""
    return treedef.num_nodes == 1


def treedef_is_strict_leaf(treedef: PyTreeDef) -> bool:
    """True only if the treedef is exactly one leaf."""
    return treedef._node is _LEAF


def flatten_one_level(tree: Any) -> tuple[Iterable[Any], Any]:
    """Returns `(children, aux_data)` of the root node; raises ValueError for a leaf."""
    parts = _split(tree)
    if parts is None:
        raise ValueError(f"can't tree-flatten type: {type(tree)}")
    return parts[2], parts[1]


@dataclasses.dataclass(frozen=True, slots=True)
class SequenceKey:
    """Key of an element of a tuple or list; prints as `[0]`."""

    idx: int

    def __str__(self) -> str:
        return f"[{self.idx}]"


@dataclasses.dataclass(frozen=True, slots=True)
class DictKey:
    """Key of a dict entry; prints as `['a']`."""

    key: Any

    def __str__(self) -> str:
        return f"[{self.key!r}]"


@dataclasses.dataclass(frozen=True, slots=True)
class GetAttrKey:
    """Key of an attribute (namedtuple or dataclass field); prints as `.name`."""

    name: str

    def __str__(self) -> str:
        return f".{self.name}"


@dataclasses.dataclass(frozen=True, slots=True)
class FlattenedIndexKey:
    """Position of a child of a custom node registered without keys."""

    key: int

    def __str__(self) -> str:
        return f"[<flat index {self.key}>]"


def keystr(keys: KeyPath, *, simple: bool = False, separator: str = "") -> str:
    """Formats a key path, e.g. `"['a'][0]"`, or `"a/0"` with `simple=True, separator="/"`."""
    return separator.join((_simple_key_str if simple else str)(k) for k in keys)


def _simple_key_str(k: Any) -> str:
    if isinstance(k, SequenceKey):
        return str(k.idx)
    if isinstance(k, (DictKey, FlattenedIndexKey)):
        return str(k.key)
    return k.name if isinstance(k, GetAttrKey) else str(k)


def tree_flatten_with_path(
    tree: Any, is_leaf: IsLeaf = None
) -> tuple[list[tuple[KeyPath, Any]], PyTreeDef]:
    """Like `tree_flatten`, but each leaf comes paired with its key path."""
    out: list = []
    node = _flat_slow(tree, out, is_leaf, ())
    return out, PyTreeDef(node, len(out))


def tree_leaves_with_path(tree: Any, is_leaf: IsLeaf = None) -> list[tuple[KeyPath, Any]]:
    """Returns `[(key_path, leaf), ...]` in flattening order."""
    return tree_flatten_with_path(tree, is_leaf)[0]


def tree_map_with_path(f: Callable[..., Any], tree: Any, *rest: Any, is_leaf: IsLeaf = None) -> Any:
    """Like `tree_map`, but calls `f(key_path, x, *ys)`."""
    pairs, treedef = tree_flatten_with_path(tree, is_leaf)
    others = [treedef.flatten_up_to(r) for r in rest]
    new = [f(*pair, *ys) for pair, *ys in zip(pairs, *others)]
    return _unflat(treedef._node, iter(new).__next__)


def register_pytree_node(
    nodetype: type[T],
    flatten_func: Callable[[T], tuple[Iterable[Any], Any]],
    unflatten_func: Callable[[Any, Iterable[Any]], T],
    flatten_with_keys_func: Callable[[T], tuple[Iterable[tuple[Any, Any]], Any]] | None = None,
) -> None:
    """Registers `nodetype` as a pytree node type.

    Args:
      nodetype: the type to treat as an interior node (exact type; subclasses are leaves).
      flatten_func: `x -> (children, aux_data)`; aux_data should be hashable.
      unflatten_func: `(aux_data, children) -> x`.
      flatten_with_keys_func: optional `x -> ([(key, child), ...], aux_data)`.

    Raises:
      ValueError: if the type is already registered.
    """
    if nodetype in _registry or nodetype in (tuple, list, dict, _NoneType):
        raise ValueError(f"Duplicate custom PyTreeDef type registration for {nodetype}.")
    _registry[nodetype] = (flatten_func, unflatten_func, flatten_with_keys_func)
    _leaf_types.discard(nodetype)


def register_pytree_with_keys(
    nodetype: type[T],
    flatten_with_keys: Callable[[T], tuple[Iterable[tuple[Any, Any]], Any]],
    unflatten_func: Callable[[Any, Iterable[Any]], T],
    flatten_func: Callable[[T], tuple[Iterable[Any], Any]] | None = None,
) -> None:
    """Registers `nodetype` with a key-aware flatten; `flatten_func` is derived if omitted."""
    if flatten_func is None:

        def flatten_func(x: Any) -> tuple[list[Any], Any]:
            pairs, aux = flatten_with_keys(x)
            return [c for _, c in pairs], aux

    register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys)


def register_pytree_node_class(cls: type[T]) -> type[T]:
    """Class decorator: registers via `x.tree_flatten()` and classmethod `tree_unflatten`."""
    register_pytree_node(cls, lambda x: x.tree_flatten(), cls.tree_unflatten)
    return cls


def register_pytree_with_keys_class(cls: type[T]) -> type[T]:
    """Class decorator using `tree_flatten_with_keys`, `tree_unflatten` (and `tree_flatten`)."""
    flatten = (lambda x: x.tree_flatten()) if hasattr(cls, "tree_flatten") else None
    register_pytree_with_keys(
        cls, lambda x: x.tree_flatten_with_keys(), cls.tree_unflatten, flatten
    )
    return cls


def register_dataclass(
    nodetype: type[T],
    data_fields: Iterable[str] | None = None,
    meta_fields: Iterable[str] | None = None,
    drop_fields: Iterable[str] = (),
) -> type[T]:
    """Registers a dataclass-like type: data fields are children, meta fields are aux data.

    Works as a bare decorator on a dataclass: init fields whose metadata has `static=True`
    become meta fields and the others data fields.

    Raises:
      TypeError: if only one of data_fields/meta_fields is given, or both are omitted for a
        type that is not a dataclass.
      ValueError: if the fields don't cover exactly the dataclass's init fields.
    """
    drop = set(drop_fields)
    if data_fields is None or meta_fields is None:
        if (data_fields is None) != (meta_fields is None):
            raise TypeError(
                "register_dataclass: data_fields and meta_fields must both be specified when "
                f"either is specified. Got {data_fields=} {meta_fields=}."
            )
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError(
                "register_dataclass: data_fields and meta_fields are required when nodetype "
                f"is not a dataclass. Got {nodetype=}."
            )
        fields = [f for f in dataclasses.fields(nodetype) if f.init and f.name not in drop]
        data_fields = [f.name for f in fields if not f.metadata.get("static", False)]
        meta_fields = [f.name for f in fields if f.metadata.get("static", False)]
    # Tuples: the caller's lists may be mutated later, and the closures must not see that.
    data, meta = tuple(data_fields), tuple(meta_fields)
    if dataclasses.is_dataclass(nodetype):
        init_fields = {f.name for f in dataclasses.fields(nodetype) if f.init} - drop
        if (given := {*data, *meta}) != init_fields:
            raise ValueError(
                "data_fields and meta_fields must include all dataclass fields with init=True "
                f"and only them. Missing fields: {sorted(init_fields - given)}. "
                f"Unexpected fields: {sorted(given - init_fields)}."
            )

    def flatten(x: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        return tuple(getattr(x, n) for n in data), tuple(getattr(x, n) for n in meta)

    def flatten_with_keys(x: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        pairs = tuple((GetAttrKey(n), getattr(x, n)) for n in data)
        return pairs, tuple(getattr(x, n) for n in meta)

    def unflatten(aux: tuple[Any, ...], children: Iterable[Any]) -> Any:
        return nodetype(**dict(zip(meta, aux)), **dict(zip(data, children)))

    register_pytree_node(nodetype, flatten, unflatten, flatten_with_keys)
    return nodetype


class _HashableCallableShim:
    """Boxes an inner partial so `functools.partial` cannot merge it into an outer `Partial`.

    Merging would make the inner partial's arguments pytree children; JAX keeps them opaque
    (inside the aux data), so we do too.
    """

    __slots__ = ("args", "fun", "func", "keywords")

    def __init__(self, fun: Callable[..., Any]) -> None:
        self.fun = fun

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fun(*args, **kwargs)

    def __hash__(self) -> int:
        return hash(self.fun)

    def __eq__(self, other: object) -> bool:
        return self.fun == (other.fun if isinstance(other, _HashableCallableShim) else other)


class Partial(functools.partial):
    """A `functools.partial` that is a pytree: `func` is aux data, the bound args are children.

    Lets closures pass through transformations: bound arguments are leaves like any others,
    while the function stays static (so it must be hashable).
    """

    def __new__(cls, func: Callable[..., Any], *args: Any, **kw: Any) -> Self:
        if not isinstance(func, functools.partial):
            return super().__new__(cls, func, *args, **kw)
        inner, func = func, _HashableCallableShim(func)
        out = super().__new__(cls, func, *args, **kw)
        # Set only after construction, so that the partial merge never sees these attributes.
        func.func, func.args, func.keywords = inner.func, inner.args, inner.keywords
        return out


register_pytree_node(
    Partial,
    lambda p: ((p.args, p.keywords), p.func),
    lambda func, xs: Partial(func, *xs[0], **xs[1]),
)
register_pytree_with_keys(
    collections.OrderedDict,
    lambda d: (tuple((DictKey(k), v) for k, v in d.items()), tuple(d)),
    lambda keys, vals: collections.OrderedDict(zip(keys, vals)),
    lambda d: (tuple(d.values()), tuple(d)),
)


def _defaultdict_flatten_with_keys(d: collections.defaultdict) -> tuple[tuple, tuple]:
    keys = _sorted_keys(d)
    return tuple((DictKey(k), d[k]) for k in keys), (d.default_factory, keys)


register_pytree_with_keys(
    collections.defaultdict,
    _defaultdict_flatten_with_keys,
    lambda aux, vals: collections.defaultdict(aux[0], zip(aux[1], vals)),
)

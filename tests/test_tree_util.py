"""Tests for jaxlite._src.tree_util (JAX `jax.tree_util` semantics)."""

from __future__ import annotations

import collections
import dataclasses
import functools
import operator
import pickle
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaxlite._src import tree_util as tu
from jaxlite._src.tree_util import (
    DictKey,
    FlattenedIndexKey,
    GetAttrKey,
    Partial,
    SequenceKey,
)


class Point(NamedTuple):
    x: Any
    y: Any


Pair = collections.namedtuple("Pair", ["first", "second"])


class Box:
    """Custom node registered with register_pytree_node (no keys)."""

    def __init__(self, a: Any, b: Any, tag: str = "t") -> None:
        self.a, self.b, self.tag = a, b, tag

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Box) and (self.a, self.b, self.tag) == (
            other.a,
            other.b,
            other.tag,
        )


tu.register_pytree_node(Box, lambda b: ((b.a, b.b), b.tag), lambda tag, ch: Box(*ch, tag=tag))


@tu.register_pytree_node_class
class Counter:
    def __init__(self, value: Any, name: str) -> None:
        self.value, self.name = value, name

    def tree_flatten(self) -> tuple[tuple[Any, ...], str]:
        return (self.value,), self.name

    @classmethod
    def tree_unflatten(cls, aux: str, children: tuple[Any, ...]) -> Counter:
        return cls(children[0], aux)


@tu.register_pytree_with_keys_class
class Named:
    def __init__(self, items: dict[str, Any]) -> None:
        self.items = items

    def tree_flatten_with_keys(self) -> tuple[list[tuple[Any, Any]], tuple[str, ...]]:
        keys = tuple(self.items)
        return [(GetAttrKey(k), self.items[k]) for k in keys], keys

    @classmethod
    def tree_unflatten(cls, keys: tuple[str, ...], children: tuple[Any, ...]) -> Named:
        return cls(dict(zip(keys, children)))


class Unhashable:
    """Custom node whose aux data is a list (unhashable), as JAX tolerates."""

    def __init__(self, x: Any, meta: list) -> None:
        self.x, self.meta = x, meta


tu.register_pytree_node(
    Unhashable, lambda u: ((u.x,), list(u.meta)), lambda m, c: Unhashable(c[0], m)
)


@tu.register_dataclass
@dataclasses.dataclass
class Params:
    w: Any
    b: Any
    act: str = dataclasses.field(default="relu", metadata={"static": True})


@dataclasses.dataclass
class Explicit:
    x: Any
    y: Any
    mode: str


tu.register_dataclass(Explicit, data_fields=["x", "y"], meta_fields=["mode"])


# ---------------------------------------------------------------------------------------------
# Flatten / unflatten basics.


def test_flatten_builtin_containers():
    tree = (1, [2, 3], {"b": 4, "a": 5}, None)
    leaves, treedef = tu.tree_flatten(tree)
    assert leaves == [1, 2, 3, 5, 4]
    assert repr(treedef) == "PyTreeDef((*, [*, *], {'a': *, 'b': *}, None))"
    assert tu.tree_unflatten(treedef, leaves) == tree


def test_leaf_and_empty_containers():
    assert tu.tree_flatten(7) == ([7], tu.tree_structure(7))
    assert repr(tu.tree_structure(7)) == "PyTreeDef(*)"
    for empty in [(), [], {}, None]:
        leaves, treedef = tu.tree_flatten(empty)
        assert leaves == []
        assert tu.tree_unflatten(treedef, []) == empty
        assert treedef.num_nodes == 1


def test_dict_sorted_keys_and_unflatten_order():
    leaves, treedef = tu.tree_flatten({"z": 1, "a": 2, "m": 3})
    assert leaves == [2, 3, 1]
    rebuilt = tu.tree_unflatten(treedef, ["A", "M", "Z"])
    assert rebuilt == {"a": "A", "m": "M", "z": "Z"}
    assert list(rebuilt) == ["a", "m", "z"]  # rebuilt in sorted order, as JAX does
    assert tu.tree_structure({"a": 1, "b": 2}) == tu.tree_structure({"b": 0, "a": 0})


def test_dict_unsortable_keys_raise():
    with pytest.raises(ValueError, match="sorting pytree dictionary keys"):
        tu.tree_flatten({1: "x", "a": "y"})


def test_none_is_empty_node_not_leaf():
    assert tu.tree_leaves([None, 1]) == [1]
    assert tu.tree_leaves({"a": None}) == []
    treedef = tu.tree_structure([None, 1])
    assert repr(treedef) == "PyTreeDef([None, *])"
    assert treedef.num_leaves == 1
    assert treedef.num_nodes == 3
    assert tu.tree_unflatten(treedef, [5]) == [None, 5]


def test_is_leaf():
    tree = [(1, 2), {"a": (3, 4)}, None]
    is_pair = lambda x: isinstance(x, tuple)
    assert tu.tree_leaves(tree, is_leaf=is_pair) == [(1, 2), (3, 4)]
    assert tu.tree_leaves(tree, is_leaf=lambda x: x is None) == [1, 2, 3, 4, None]
    assert tu.tree_leaves(tree, is_leaf=lambda x: x is tree) == [tree]  # called on the root
    leaves, treedef = tu.tree_flatten(tree, is_leaf=is_pair)
    assert repr(treedef) == "PyTreeDef([*, {'a': *}, None])"
    assert tu.tree_unflatten(treedef, leaves) == tree
    assert tu.tree_structure(tree, is_leaf=is_pair).num_leaves == 2


def test_namedtuple_is_node():
    p = Point(1, [2, 3])
    leaves, treedef = tu.tree_flatten(p)
    assert leaves == [1, 2, 3]
    assert repr(treedef) == "PyTreeDef(CustomNode(namedtuple[Point], [*, [*, *]]))"
    out = tu.tree_unflatten(treedef, [4, 5, 6])
    assert type(out) is Point and out == Point(4, [5, 6])
    assert tu.tree_structure(Point(1, 2)) != tu.tree_structure((1, 2))
    assert tu.tree_structure(Point(1, 2)) != tu.tree_structure(Pair(1, 2))
    assert treedef.node_data() == (Point, None)


def test_subclasses_of_builtin_containers_are_leaves():
    class MyDict(dict):
        pass

    class MyTuple(tuple):
        pass

    d, t = MyDict(a=1), MyTuple((1, 2))
    assert tu.tree_leaves([d, t]) == [d, t]


def test_ordered_dict_keeps_insertion_order():
    od = collections.OrderedDict([("z", 1), ("a", 2)])
    leaves, treedef = tu.tree_flatten(od)
    assert leaves == [1, 2]
    assert repr(treedef) == "PyTreeDef(CustomNode(OrderedDict[('z', 'a')], [*, *]))"
    out = tu.tree_unflatten(treedef, [3, 4])
    assert type(out) is collections.OrderedDict and list(out.items()) == [("z", 3), ("a", 4)]
    assert treedef != tu.tree_structure({"z": 1, "a": 2})
    paths = [p for p, _ in tu.tree_leaves_with_path(od)]
    assert paths == [(DictKey("z"),), (DictKey("a"),)]


def test_defaultdict_sorted_and_keeps_factory():
    dd = collections.defaultdict(list, {"b": 1, "a": 2})
    leaves, treedef = tu.tree_flatten(dd)
    assert leaves == [2, 1]
    out = tu.tree_unflatten(treedef, [5, 6])
    assert type(out) is collections.defaultdict and out.default_factory is list
    assert dict(out) == {"a": 5, "b": 6}
    assert tu.tree_structure(collections.defaultdict(set, {"a": 1, "b": 2})) != treedef
    assert [tu.keystr(p) for p, _ in tu.tree_leaves_with_path(dd)] == ["['a']", "['b']"]


def test_unflatten_accepts_iterables_and_checks_count():
    treedef = tu.tree_structure((1, (2, 3)))
    assert treedef.unflatten(iter([7, 8, 9])) == (7, (8, 9))
    assert treedef.unflatten(x for x in "abc") == ("a", ("b", "c"))
    with pytest.raises(ValueError, match="Too few leaves for PyTreeDef; expected 3, got 2"):
        treedef.unflatten([1, 2])
    with pytest.raises(ValueError, match="Too many leaves for PyTreeDef; expected 3, got 4"):
        tu.tree_unflatten(treedef, [1, 2, 3, 4])


def test_leaf_type_cache_is_invalidated_on_registration():
    class Late:
        def __init__(self, v: Any) -> None:
            self.v = v

    late = Late(3)
    assert tu.tree_leaves([late, late]) == [late, late]  # a leaf before registration
    tu.register_pytree_node(Late, lambda x: ((x.v,), None), lambda _, c: Late(c[0]))
    assert tu.tree_leaves([late, late]) == [3, 3]


def test_numpy_arrays_are_leaves():
    a = np.arange(3)
    leaves = tu.tree_leaves({"a": a, "b": (a, 1.0)})
    assert len(leaves) == 3 and leaves[0] is a and leaves[1] is a
    assert tu.tree_map(lambda x: x * 2, {"a": a})["a"].tolist() == [0, 2, 4]


# ---------------------------------------------------------------------------------------------
# PyTreeDef.


def test_treedef_equality_hash_and_dict_key():
    t1 = tu.tree_structure({"a": [1, 2], "b": (3, None)})
    t2 = tu.tree_structure({"b": ("x", None), "a": [np.ones(2), 0]})
    t3 = tu.tree_structure({"a": [1, 2], "b": (3, 4)})
    assert t1 == t2 and hash(t1) == hash(t2)
    assert t1 != t3
    assert t1 != "PyTreeDef"
    cache = {t1: "hit"}
    assert cache[t2] == "hit"
    assert tu.tree_structure([1]) != tu.tree_structure((1,))
    assert tu.tree_structure({"a": 1}) != tu.tree_structure({"b": 1})


def test_treedef_custom_aux_affects_equality():
    assert tu.tree_structure(Box(1, 2, "x")) == tu.tree_structure(Box(3, 4, "x"))
    assert tu.tree_structure(Box(1, 2, "x")) != tu.tree_structure(Box(1, 2, "y"))


def test_treedef_with_unhashable_aux_is_hashable():
    t1 = tu.tree_structure(Unhashable(1, [1, 2]))
    t2 = tu.tree_structure(Unhashable(2, [1, 2]))
    assert t1 == t2 and hash(t1) == hash(t2)
    assert t1 != tu.tree_structure(Unhashable(1, [3]))


def test_treedef_repr():
    assert (
        repr(tu.tree_structure((1, {"a": 2, "b": None}))) == "PyTreeDef((*, {'a': *, 'b': None}))"
    )
    assert repr(tu.tree_structure((1,))) == "PyTreeDef((*,))"
    assert repr(tu.tree_structure(())) == "PyTreeDef(())"
    assert repr(tu.tree_structure(None)) == "PyTreeDef(None)"
    assert str(tu.tree_structure([1, [2]])) == "PyTreeDef([*, [*]])"
    assert repr(tu.tree_structure(Box(1, 2, "tag"))) == "PyTreeDef(CustomNode(Box[tag], [*, *]))"
    assert repr(tu.tree_structure(Counter(1, "c"))) == "PyTreeDef(CustomNode(Counter[c], [*]))"


def test_treedef_counts_children_and_node_data():
    treedef = tu.tree_structure({"a": (1, 2), "b": [3], "c": None})
    assert treedef.num_leaves == 3
    assert treedef.num_nodes == 7
    children = treedef.children()
    assert children == [tu.tree_structure((0, 0)), tu.tree_structure([0]), tu.tree_structure(None)]
    assert children[0].num_leaves == 2 and children[0].num_nodes == 3
    assert treedef.node_data() == (dict, ["a", "b", "c"])
    assert tu.tree_structure((1,)).node_data() == (tuple, None)
    assert tu.tree_structure([]).node_data() == (list, None)
    assert tu.tree_structure(None).node_data() == (type(None), None)
    assert tu.tree_structure(Box(1, 2, "q")).node_data() == (Box, "q")
    assert tu.tree_structure(5).node_data() is None
    assert tu.tree_structure(5).children() == []


def test_treedef_compose():
    outer = tu.tree_structure([0, 0])
    inner = tu.tree_structure({"a": 0, "b": None})
    composed = outer.compose(inner)
    assert composed == tu.tree_structure([{"a": 1, "b": None}, {"a": 2, "b": None}])
    assert composed.num_leaves == 2


def test_treedef_pickles():
    treedef = tu.tree_structure({"a": (1, Point(2, 3)), "b": None})
    assert pickle.loads(pickle.dumps(treedef)) == treedef


def test_flatten_up_to_prefix():
    treedef = tu.tree_structure((1, {"a": 2}))
    assert treedef.flatten_up_to(([1, 2], {"a": {"deep": 3}})) == [[1, 2], {"deep": 3}]
    assert tu.tree_structure(0).flatten_up_to({"x": [1]}) == [{"x": [1]}]
    # A tuple node accepts any tuple, including a namedtuple, like jaxlib.
    assert tu.tree_structure((0, 0)).flatten_up_to(Point(1, 2)) == [1, 2]


@pytest.mark.parametrize(
    ("template", "other", "pattern"),
    [
        ((1, 2), (1, 2, 3), r"at the tree root: Tuple arity mismatch: 3 != 2; tuple: \(1, 2, 3\)"),
        ([1, [2, 3]], [1, (2, 3)], r"at key path \[1\]: Expected list, got \(2, 3\)"),
        (
            {"a": {"b": 1}},
            {"a": {"c": 1}},
            r"at key path \['a'\]: Dict key mismatch; expected keys: \['b'\]",
        ),
        ((None, 1), (2, 1), r"at key path \[0\]: Expected None, got 2"),
        ([Point(1, 2)], [(1, 2)], r"at key path \[0\]: Named tuple type mismatch"),
        ([Point(1, 2)], [5], r"at key path \[0\]: Expected named tuple, got 5"),
        ({"k": Box(1, 2, "t")}, {"k": (1, 2)}, r"at key path \['k'\]: Custom node type mismatch"),
        ([Box(1, 2, "t")], [Box(1, 2, "u")], r"\[0\]: Mismatch custom node data: 'u' != 't'"),
        (
            Params([1, 2], 0.0),
            Params([1], 0.0),
            r"at key path \.w: List arity mismatch: 1 != 2",
        ),
        ([Point(1, [2])], [Point(1, [2, 3])], r"at key path \[0\]\.y: List arity mismatch"),
        (Box([1], 2), Box([1, 2], 2), r"at key path \[<flat index 0>\]: List arity mismatch"),
    ],
)
def test_flatten_up_to_mismatch_errors(template, other, pattern):
    treedef = tu.tree_structure(template)
    with pytest.raises(ValueError, match=pattern):
        treedef.flatten_up_to(other)


# ---------------------------------------------------------------------------------------------
# tree_map and friends.


def test_tree_map_single_and_multiple_trees():
    tree = {"a": 1, "b": (2, None, [3])}
    assert tu.tree_map(lambda x: x * 10, tree) == {"a": 10, "b": (20, None, [30])}
    out = tu.tree_map(lambda x, y, z: x + y + z, tree, tree, tree)
    assert out == {"a": 3, "b": (6, None, [9])}
    assert tu.tree_map(lambda x: x + 1, 41) == 42


def test_tree_map_rest_is_flattened_up_to_first_tree():
    out = tu.tree_map(lambda x, y: (x, y), {"a": 1, "b": 2}, {"a": [1, 2], "b": {"c": 3}})
    assert out == {"a": (1, [1, 2]), "b": (2, {"c": 3})}


def test_tree_map_is_leaf():
    tree = [(1, 2), (3, 4)]
    assert tu.tree_map(sum, tree, is_leaf=lambda x: isinstance(x, tuple)) == [3, 7]
    out = tu.tree_map(lambda x: 0 if x is None else x, [None, 1], is_leaf=lambda x: x is None)
    assert out == [0, 1]


def test_tree_map_mismatch_names_path():
    with pytest.raises(
        ValueError,
        match=r"key path \['a'\]\['b'\]: List arity mismatch: 4 != 3; list: \[1, 2, 3, 4\]",
    ):
        tu.tree_map(lambda x, y: x, {"a": {"b": [1, 2, 3]}}, {"a": {"b": [1, 2, 3, 4]}})
    with pytest.raises(ValueError, match=r"Dict key mismatch; expected keys: \['a', 'b'\]"):
        tu.tree_map(lambda x, y: x, {"a": 1, "b": 2}, {"a": 1, "c": 2})
    with pytest.raises(ValueError, match=r"Expected list, got \(1, 2\)"):
        tu.tree_map(lambda x, y: x, [1, 2], (1, 2))


def test_tree_map_custom_nodes_and_dataclasses():
    out = tu.tree_map(lambda x: -x, [Box(1, 2, "k"), Params(3, 4, "gelu"), Counter(5, "n")])
    assert out[0] == Box(-1, -2, "k")
    assert out[1] == Params(-3, -4, "gelu")
    assert (out[2].value, out[2].name) == (-5, "n")


def test_tree_all():
    assert tu.tree_all([1, (True, {"a": 2})])
    assert not tu.tree_all([1, (0, {"a": 2})])
    assert tu.tree_all([None, {}])  # no leaves
    assert not tu.tree_all([None, 0], is_leaf=lambda x: x is None)


def test_tree_reduce():
    tree = [1, (2, {"a": 3, "b": None})]
    assert tu.tree_reduce(operator.add, tree) == 6
    assert tu.tree_reduce(operator.add, tree, 10) == 16
    assert tu.tree_reduce(operator.add, [], 0) == 0
    is_pair = lambda x: isinstance(x, tuple) and len(x) == 2
    assert tu.tree_reduce(lambda a, b: a + [b], [(1, 2), (3,)], [], is_leaf=is_pair) == [(1, 2), 3]
    with pytest.raises(TypeError):
        tu.tree_reduce(operator.add, [])


def test_tree_transpose():
    tree = [{"a": 1, "b": 2}, {"a": 3, "b": 4}, {"a": 5, "b": 6}]
    outer = tu.tree_structure([0, 0, 0])
    inner = tu.tree_structure({"a": 0, "b": 0})
    expected = {"a": [1, 3, 5], "b": [2, 4, 6]}
    assert tu.tree_transpose(outer, inner, tree) == expected
    assert tu.tree_transpose(outer, None, tree) == expected
    with pytest.raises(TypeError, match="Mismatch"):
        tu.tree_transpose(outer, tu.tree_structure((0, 0, 0)), tree)


def test_all_leaves():
    assert tu.all_leaves([1, "a", np.ones(2)])
    assert not tu.all_leaves([1, (2,)])
    assert not tu.all_leaves([None])
    assert not tu.all_leaves([Point(1, 2)])
    assert not tu.all_leaves([Box(1, 2)])
    is_pt = lambda x: isinstance(x, Point)
    assert tu.all_leaves([Point(1, 2), 3], is_leaf=is_pt)
    assert not tu.all_leaves([(1, 2)], is_leaf=is_pt)


def test_treedef_helpers():
    x, y = tu.tree_structure([1, 2]), tu.tree_structure({"a": 4})
    xy = tu.treedef_tuple([x, y])
    assert xy == tu.tree_structure(([0, 0], {"a": 0}))
    assert xy.num_leaves == 3
    assert tu.treedef_children(xy) == [x, y]
    assert tu.treedef_tuple(()) == tu.tree_structure(())
    assert tu.treedef_is_leaf(tu.tree_structure(1))
    assert tu.treedef_is_leaf(tu.tree_structure(None))  # a single node, as in JAX
    assert not tu.treedef_is_leaf(x)
    assert tu.treedef_is_strict_leaf(tu.tree_structure(1))
    assert not tu.treedef_is_strict_leaf(tu.tree_structure(None))


def test_flatten_one_level():
    assert tu.flatten_one_level({"b": 1, "a": [2]}) == ([[2], 1], ("a", "b"))
    children, aux = tu.flatten_one_level(Box(1, 2, "z"))
    assert list(children) == [1, 2] and aux == "z"
    assert tu.flatten_one_level(None) == ((), None)
    assert list(tu.flatten_one_level((1, (2, 3)))[0]) == [1, (2, 3)]
    with pytest.raises(ValueError, match="can't tree-flatten type"):
        tu.flatten_one_level(3)


# ---------------------------------------------------------------------------------------------
# Registration.


def test_register_pytree_node_custom_class():
    leaves, treedef = tu.tree_flatten([Box(1, (2, 3), "q")])
    assert leaves == [1, 2, 3]
    assert repr(treedef) == "PyTreeDef([CustomNode(Box[q], [*, (*, *)])])"
    assert tu.tree_unflatten(treedef, [4, 5, 6]) == [Box(4, (5, 6), "q")]


def test_duplicate_registration_raises():
    with pytest.raises(ValueError, match="Duplicate custom PyTreeDef type registration"):
        tu.register_pytree_node(Box, lambda b: ((), None), lambda a, c: Box(1, 2))
    for builtin in (tuple, list, dict, type(None), collections.OrderedDict):
        with pytest.raises(ValueError, match="Duplicate"):
            tu.register_pytree_node(builtin, lambda x: ((), None), lambda a, c: None)


def test_register_pytree_node_with_keys_func():
    class KV:
        def __init__(self, k: Any, v: Any) -> None:
            self.k, self.v = k, v

    tu.register_pytree_node(
        KV,
        lambda x: ((x.k, x.v), None),
        lambda _, c: KV(*c),
        lambda x: (((GetAttrKey("k"), x.k), (GetAttrKey("v"), x.v)), None),
    )
    paths = [tu.keystr(p) for p, _ in tu.tree_leaves_with_path({"kv": KV(1, [2])})]
    assert paths == ["['kv'].k", "['kv'].v[0]"]


def test_register_pytree_with_keys_derives_flatten():
    class Rec:
        def __init__(self, **kw: Any) -> None:
            self.kw = kw

    tu.register_pytree_with_keys(
        Rec,
        lambda r: ([(DictKey(k), r.kw[k]) for k in sorted(r.kw)], tuple(sorted(r.kw))),
        lambda keys, vals: Rec(**dict(zip(keys, vals))),
    )
    leaves, treedef = tu.tree_flatten(Rec(b=1, a=2))
    assert leaves == [2, 1]
    assert tu.tree_unflatten(treedef, [5, 6]).kw == {"a": 5, "b": 6}
    assert [p for p, _ in tu.tree_leaves_with_path(Rec(x=0))] == [(DictKey("x"),)]


def test_register_pytree_node_class_and_keys_class():
    c = tu.tree_map(lambda x: x + 1, Counter(1, "n"))
    assert isinstance(c, Counter) and (c.value, c.name) == (2, "n")
    named = Named({"w": 1, "b": [2]})
    assert [tu.keystr(p) for p, _ in tu.tree_leaves_with_path(named)] == [".w", ".b[0]"]
    assert tu.tree_map(str, named).items == {"w": "1", "b": ["2"]}


def test_register_dataclass_decorator_with_static_metadata():
    p = Params(w=[1, 2], b=3, act="tanh")
    leaves, treedef = tu.tree_flatten(p)
    assert leaves == [1, 2, 3]
    assert repr(treedef) == "PyTreeDef(CustomNode(Params[('tanh',)], [[*, *], *]))"
    assert tu.tree_unflatten(treedef, [4, 5, 6]) == Params([4, 5], 6, "tanh")
    assert tu.tree_structure(Params(1, 2, "a")) != tu.tree_structure(Params(1, 2, "b"))
    paths = [tu.keystr(p) for p, _ in tu.tree_leaves_with_path(p)]
    assert paths == [".w[0]", ".w[1]", ".b"]


def test_register_dataclass_explicit_fields():
    e = Explicit(1, (2, 3), "m")
    assert tu.tree_leaves(e) == [1, 2, 3]
    assert tu.tree_map(lambda v: v * 2, e) == Explicit(2, (4, 6), "m")


def test_register_dataclass_drop_fields_and_non_dataclass():
    @dataclasses.dataclass
    class WithCache:
        x: Any
        cache: Any = None

        def __post_init__(self) -> None:
            self.cache = "rebuilt"

    tu.register_dataclass(WithCache, data_fields=["x"], meta_fields=[], drop_fields=["cache"])
    out = tu.tree_map(lambda v: v + 1, WithCache(1))
    assert out.x == 2 and out.cache == "rebuilt"

    class Plain:
        def __init__(self, a: Any, s: str) -> None:
            self.a, self.s = a, s

    tu.register_dataclass(Plain, data_fields=["a"], meta_fields=["s"])
    out = tu.tree_map(lambda v: v * 3, Plain(2, "s"))
    assert (out.a, out.s) == (6, "s")


def test_register_dataclass_errors():
    @dataclasses.dataclass
    class D:
        x: Any
        y: Any

    with pytest.raises(TypeError, match="must both be specified"):
        tu.register_dataclass(D, data_fields=["x", "y"])
    with pytest.raises(TypeError, match="required when nodetype is not a dataclass"):
        tu.register_dataclass(type("NotDC", (), {}))
    with pytest.raises(ValueError, match=r"Missing fields: \['y'\]"):
        tu.register_dataclass(D, data_fields=["x"], meta_fields=[])
    with pytest.raises(ValueError, match=r"Unexpected fields: \['z'\]"):
        tu.register_dataclass(D, data_fields=["x", "y", "z"], meta_fields=[])


# ---------------------------------------------------------------------------------------------
# Partial.


def _add3(a: Any, b: Any, c: Any = 0) -> Any:
    return a + b + c


def test_partial_is_pytree():
    p = Partial(_add3, 1, c=10)
    assert p(2) == 13
    leaves, treedef = tu.tree_flatten(p)
    assert leaves == [1, 10]
    q = tu.tree_unflatten(treedef, [100, 1000])
    assert isinstance(q, Partial) and q(1) == 1101
    doubled = tu.tree_map(lambda x: x * 2, p)
    assert doubled(0) == 22
    assert tu.tree_structure(Partial(_add3, 5)) == tu.tree_structure(Partial(_add3, 7))
    assert tu.tree_structure(Partial(_add3, 5)) != tu.tree_structure(Partial(operator.add, 5))
    paths = [tu.keystr(k) for k, _ in tu.tree_leaves_with_path(p)]
    assert paths == ["[<flat index 0>][0]", "[<flat index 1>]['c']"]


def test_nested_partial_keeps_inner_arguments_opaque():
    inner = Partial(_add3, 1)
    outer = Partial(inner, 2)
    assert outer(3) == 6
    # Like JAX: only the outer partial's arguments are children; the inner one is aux data.
    leaves, treedef = tu.tree_flatten(outer)
    assert leaves == [2]
    rebuilt = tu.tree_unflatten(treedef, [20])
    assert rebuilt(3) == 24
    assert tu.tree_leaves(Partial(Partial(_add3, 1), 2)) == [2]
    assert outer.func.func is _add3 and outer.func.args == (1,)
    # A plain functools.partial as func is likewise opaque.
    assert tu.tree_leaves(Partial(functools.partial(_add3, 1), 2)) == [2]


# ---------------------------------------------------------------------------------------------
# Key paths.


def test_key_classes():
    assert str(SequenceKey(0)) == "[0]" and repr(SequenceKey(0)) == "SequenceKey(idx=0)"
    assert str(DictKey("a")) == "['a']" and str(DictKey(1)) == "[1]"
    assert repr(DictKey("a")) == "DictKey(key='a')"
    assert str(GetAttrKey("w")) == ".w" and repr(GetAttrKey("w")) == "GetAttrKey(name='w')"
    assert str(FlattenedIndexKey(2)) == "[<flat index 2>]"
    assert SequenceKey(1) == SequenceKey(1) and hash(SequenceKey(1)) == hash(SequenceKey(1))
    assert SequenceKey(1) != FlattenedIndexKey(1)
    assert DictKey("a").key == "a" and SequenceKey(3).idx == 3


def test_keystr():
    path = (DictKey("a"), SequenceKey(0))
    assert tu.keystr(path) == "['a'][0]"
    assert tu.keystr(path, simple=True, separator="/") == "a/0"
    assert tu.keystr(path, simple=True) == "a0"
    assert tu.keystr((GetAttrKey("w"), FlattenedIndexKey(1)), simple=True, separator=".") == "w.1"
    assert tu.keystr(()) == ""
    params = {"foo": {"bar": {"baz": 1, "bat": [2, 3]}}}
    strs = [tu.keystr(p, simple=True, separator="/") for p, _ in tu.tree_leaves_with_path(params)]
    assert strs == ["foo/bar/bat/0", "foo/bar/bat/1", "foo/bar/baz"]


def test_tree_flatten_with_path():
    tree = {"b": [10, Point(20, None)], "a": Box(30, 40)}
    pairs, treedef = tu.tree_flatten_with_path(tree)
    assert pairs == [
        ((DictKey("a"), FlattenedIndexKey(0)), 30),
        ((DictKey("a"), FlattenedIndexKey(1)), 40),
        ((DictKey("b"), SequenceKey(0)), 10),
        ((DictKey("b"), SequenceKey(1), GetAttrKey("x")), 20),
    ]
    assert treedef == tu.tree_structure(tree)
    assert tu.tree_leaves_with_path(tree) == pairs
    assert tu.tree_leaves_with_path(5) == [((), 5)]
    with_is_leaf = tu.tree_leaves_with_path(tree, is_leaf=lambda x: isinstance(x, Point))
    assert with_is_leaf[-1] == ((DictKey("b"), SequenceKey(1)), Point(20, None))


def test_tree_map_with_path():
    tree = {"a": [1, 2], "b": 3}
    out = tu.tree_map_with_path(lambda p, x: f"{tu.keystr(p)}={x}", tree)
    assert out == {"a": ["['a'][0]=1", "['a'][1]=2"], "b": "['b']=3"}
    out = tu.tree_map_with_path(lambda p, x, y: (len(p), x + y), tree, tree)
    assert out == {"a": [(2, 2), (2, 4)], "b": (1, 6)}
    with pytest.raises(ValueError, match=r"key path \['a'\]: List arity mismatch"):
        tu.tree_map_with_path(lambda p, x, y: x, tree, {"a": [1], "b": 3})


# ---------------------------------------------------------------------------------------------
# Property-based round trips.

# Key and string-leaf alphabets exclude "*" so the repr's star count equals the leaf count.
_text = st.text(alphabet="ab'c", max_size=3)
_leaf = st.one_of(st.integers(), _text, st.floats(allow_nan=False), st.booleans())


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(_text, children, max_size=4),
        st.builds(Point, children, children),
        st.builds(Box, children, children, st.sampled_from(["p", "q"])),
        st.builds(Params, children, children, st.sampled_from(["relu", "tanh"])),
        st.dictionaries(_text, children, max_size=3).map(collections.OrderedDict),
    )


_trees = st.recursive(st.one_of(_leaf, st.none()), _extend, max_leaves=20)


def _get(tree: Any, path: tuple) -> Any:
    """Follows a key path by hand, to check paths independently of the flattener."""
    for key in path:
        if isinstance(key, SequenceKey):
            tree = tree[key.idx]
        elif isinstance(key, DictKey):
            tree = tree[key.key]
        elif isinstance(key, GetAttrKey):
            tree = getattr(tree, key.name)
        else:
            tree = list(tu.flatten_one_level(tree)[0])[key.key]
    return tree


@settings(max_examples=200, deadline=None)
@given(_trees)
def test_roundtrip_property(tree):
    leaves, treedef = tu.tree_flatten(tree)
    assert tu.tree_unflatten(treedef, leaves) == tree
    assert tu.tree_leaves(tree) == leaves
    assert treedef.num_leaves == len(leaves)
    assert all(not isinstance(x, (list, tuple, dict)) and x is not None for x in leaves)
    assert treedef.flatten_up_to(tree) == leaves
    assert treedef == tu.tree_structure(tu.tree_map(lambda x: 0, tree))
    assert hash(treedef) == hash(tu.tree_structure(tree))
    assert repr(treedef).startswith("PyTreeDef(")
    assert repr(treedef).count("*") == len(leaves)
    if not tu.treedef_is_strict_leaf(treedef):
        assert tu.treedef_tuple(treedef.children()).num_leaves == treedef.num_leaves


@settings(max_examples=200, deadline=None)
@given(_trees)
def test_paths_property(tree):
    pairs, treedef = tu.tree_flatten_with_path(tree)
    assert treedef == tu.tree_structure(tree)
    assert [x for _, x in pairs] == tu.tree_leaves(tree)
    for path, leaf in pairs:
        assert _get(tree, path) is leaf
    strs = [tu.keystr(p) for p, _ in pairs]
    assert len(set(strs)) == len(strs)  # paths name distinct positions
    mapped = tu.tree_map_with_path(lambda p, x: tu.keystr(p), tree)
    assert tu.tree_structure(mapped) == treedef
    assert tu.tree_leaves(mapped) == strs

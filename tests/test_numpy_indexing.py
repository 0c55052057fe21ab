"""NumPy indexing (`x[idx]`), `.at[]` updates, take/take_along_axis/diagonal and friends:
against NumPy and JAX (values, dtypes, out-of-bounds behaviour), printed jaxprs, errors, and
derivatives / vmap through gathers and scatters."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from test_numpy_util import arr, assert_same, check_vs_jax

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import test_util as tu

A = np.arange(12, dtype=np.float32).reshape(3, 4)
A3 = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
X = np.arange(5, dtype=np.int32)
MASK1 = np.array([True, False, True])
MASK2 = np.array(
    [[True, False, True, False], [False, True, False, True], [True, True, False, False]]
)
INDICES = {
    "1": 1,
    "-1": -1,
    "10": 10,
    "-10": -10,
    "1:3": slice(1, 3),
    "::2": slice(None, None, 2),
    "::-1": slice(None, None, -1),
    "3:0:-1": slice(3, 0, -1),
    "5:2": slice(5, 2),
    "None": None,
    "...": Ellipsis,
    "()": (),
    "None,...,0": (None, Ellipsis, 0),
    "True": True,
    "False": False,
    "[0,2]": np.array([0, 2]),
    "[[0],[2]]": np.array([[0], [2]]),
    "[-1,-3]": np.array([-1, -3]),
    "mask": MASK1,
    "i,i": (np.array([0, 1]), np.array([0, 1])),
    "1:,i": (slice(1, None), np.array([0, 3])),
    "i,None,i": (np.array([0, 1]), None, np.array([0, 2])),
    "0,:,i": (0, slice(None), np.array([0, 1])),
    "i,:": (np.array([2, 0]), slice(None)),
    ":,::2": (slice(None), slice(None, None, 2)),
    "1,::-2": (1, slice(None, None, -2)),
    "2dmask": MASK2,
    "np.int64": np.int64(2),
    "i,::2": (np.array([0, 2]), slice(None, None, 2)),
    ":,i,::-1": (slice(None), np.array([[1, 0]]), slice(None, None, -1)),
}
ARRAYS = {"A": A, "A3": A3, "X": X}


def _in_numpy_bounds(x, idx):
    """Whether NumPy can evaluate x[idx] (JAX clamps where NumPy raises)."""
    try:
        x[idx]
        return True
    except IndexError:
        return False


@pytest.fixture(scope="module")
def jax_np():
    return pytest.importorskip("jax").numpy


def _conv(idx, m):
    if isinstance(idx, tuple):
        return tuple(_conv(i, m) for i in idx)
    if isinstance(idx, np.ndarray) and idx.ndim:
        return m.asarray(idx)
    return idx


@pytest.mark.parametrize("key", list(INDICES))
def test_getitem_vs_numpy(key):
    idx = INDICES[key]
    for x in ARRAYS.values():
        if not _in_numpy_bounds(x, idx):
            continue
        got = jnp.asarray(x)[_conv(idx, jnp)]
        want = x[idx]
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(np.asarray(got), want)


@pytest.mark.parametrize("key", list(INDICES))
def test_getitem_and_at_vs_jax(jax_np, key):
    idx = INDICES[key]
    for name, x in ARRAYS.items():
        check_vs_jax(jax_np, lambda m: lambda a: a[_conv(idx, m)], (arr(x),))
        for meth, val in [
            ("set", 9.0),
            ("add", 1.0),
            ("multiply", 2.0),
            ("min", 0.5),
            ("max", 3.0),
            ("divide", 2.0),
            ("power", 2),
            ("subtract", 1.0),
            ("get", None),
        ]:

            def mk(m, meth=meth, val=val):
                def f(a):
                    ref = a.at[_conv(idx, m)]
                    return ref.get() if meth == "get" else getattr(ref, meth)(val)

                return f

            check_vs_jax(jax_np, mk, (arr(x),))


def test_at_special_cases_vs_jax(jax_np):
    cases = [
        (lambda m: lambda a: a.at[m.asarray([0, 0])].add(1), X),
        (lambda m: lambda a: a.at[m.asarray([0, 0])].set(m.asarray([7, 8])), X),
        (lambda m: lambda a: a.at[:, 1].set(m.asarray([5.0, 6.0, 7.0])), A),
        (lambda m: lambda a: a.at[m.asarray([9, -1])].get(mode="fill", fill_value=-1), X),
        (lambda m: lambda a: a.at[m.asarray([9])].get(mode="clip"), X),
        (lambda m: lambda a: a.at[m.asarray([7])].get(mode="fill"), A),
        (lambda m: lambda a: a.at[1].apply(lambda v: v * 10), X),
        (lambda m: lambda a: a.at[10].set(9), X),
        (lambda m: lambda a: a.at[1].set(2.7), X),
        (lambda m: lambda a: a.at[m.asarray([0, 9])].add(1, mode="drop"), X),
    ]
    for mk, x in cases:
        check_vs_jax(jax_np, mk, (arr(x),))


def test_take_and_friends_vs_jax(jax_np):
    x, a = arr(X), arr(A)
    calls = [
        ("take", (x, arr(np.array([7, -1]))), {}),
        ("take", (a, arr(np.array([7, -1]))), {}),
        ("take", (a, arr(np.array([[0, 1]]))), {"axis": 1}),
        ("take", (x, 2), {}),
        ("take", (a, arr(np.array([5]))), {"axis": 0, "mode": "clip"}),
        ("take", (a, arr(np.array([5, -1]))), {"axis": 0, "mode": "wrap"}),
        ("take_along_axis", (a, arr(np.array([[0], [3], [5]]))), {"axis": 1}),
        ("take_along_axis", (a, arr(np.array([[0, 1, 2, -1]]))), {"axis": 0}),
        ("take_along_axis", (x, arr(np.array([2, 0]))), {"axis": None}),
        ("take_along_axis", (arr(A3), arr(np.argsort(-A3, axis=-1))), {"axis": -1}),
        ("diagonal", (a,), {}),
        ("diagonal", (a, 1), {}),
        ("diagonal", (a, -1), {}),
        ("diagonal", (arr(A3), 0, 1, 2), {}),
        ("diag", (x,), {}),
        ("diag", (x, 1), {}),
        ("diag", (x, -2), {}),
        ("diag", (a, -1), {}),
        ("trace", (a,), {}),
        ("trace", (a, 1), {}),
        ("trace", (arr(np.ones((3, 3), np.int8)),), {}),
        ("diagflat", (a,), {}),
        ("nonzero", (arr(np.array([0, 1, 0, 2])),), {}),
        ("argwhere", (arr(np.array([[0, 1], [2, 0]])),), {}),
        ("flatnonzero", (arr(np.array([0, 1, 2])),), {}),
        ("compress", (arr(np.array([True, False, True])), x), {}),
        ("searchsorted", (arr(np.array([1, 3, 5])), arr(np.array([0, 3, 6]))), {}),
        ("searchsorted", (arr(np.array([1, 3, 5])), 3), {"side": "right"}),
        ("select", ([arr(X < 2), arr(X > 3)], [x, arr(-X)], 100), {}),
        ("extract", (arr(X > 1), x), {}),
    ]
    for name, args, kwargs in calls:
        check_vs_jax(jax_np, name, args, kwargs)


def test_getitem_jaxprs_match_jax(jax_np):
    import jax

    cases = [
        (lambda a: a[1], (A,)),
        (lambda a: a[1:3], (A,)),
        (lambda a: a[::2, 1:], (A,)),
        (lambda a: a[::-1], (A,)),
        (lambda a: a[None, ..., 0], (A,)),
    ]
    for f, args in cases:
        # Compared without whitespace: the two printers break long lines differently.
        got = "".join(str(jaxlite.make_jaxpr(f)(*args)).split())
        assert got == "".join(str(jax.make_jaxpr(f)(*args)).split())
    # A traced scalar index: a dynamic_slice of the wrapped index, then a squeeze.
    jaxpr = str(jaxlite.make_jaxpr(lambda a, i: a[i])(A, 1))
    assert "dynamic_slice[slice_sizes=(1, 4)]" in jaxpr and "squeeze" in jaxpr


def test_out_of_bounds_semantics():
    x = jnp.arange(5)
    assert int(x[10]) == 4 and int(x[-10]) == 0
    np.testing.assert_array_equal(np.asarray(x[jnp.asarray([10, -10])]), [4, 0])
    np.testing.assert_array_equal(np.asarray(x.at[10].set(9)), np.arange(5))
    assert int(jaxlite.jit(lambda a, i: a[i])(x, 7)) == 4


def test_index_errors():
    x = jnp.arange(5)
    with pytest.raises(TypeError, match="non-tuple sequence"):
        x[[0, 1]]
    with pytest.raises(TypeError, match="Indexer must have integer or boolean type"):
        x[1.0]
    with pytest.raises(IndexError, match="Too many indices"):
        x[0, 0]
    with pytest.raises(IndexError, match="boolean index did not match"):
        x[np.array([True, False])]
    with pytest.raises(IndexError, match="Array boolean indices must be concrete") as info:
        jaxlite.jit(lambda a, m: a[m])(x, x > 2)
    assert type(info.value).__name__ == "NonConcreteBooleanIndexError"
    with pytest.raises(ValueError, match="Incompatible types for broadcasting"):
        x.at[:2].set(jnp.ones(3, jnp.int32))


def test_indexing_gradients(x64):
    a = jnp.asarray(np.random.RandomState(0).randn(3, 4))
    idx = jnp.asarray([2, 0, 2])
    for f in [
        lambda v: v[1:, ::2],
        lambda v: v[idx],
        lambda v: v[idx, 1:],
        lambda v: v[:, jnp.asarray([3, 3])],
        lambda v: v.at[idx, 1].add(v[0, :3] ** 2),
        lambda v: v.at[0].set(v[1] * 2.0),
        lambda v: v.at[idx].multiply(3.0),
        lambda v: v[MASK1],
        lambda v: jnp.take_along_axis(v, jnp.argsort(v, 1), 1),
        lambda v: jnp.diagonal(v, 1),
        lambda v: v.at[1:, 2].max(0.3),
    ]:
        tu.check_grads(f, (a,), order=2, modes=("fwd", "rev"))


def test_indexing_under_vmap():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    i = np.array([[2, 0], [1, 1]], np.int32)
    out = jaxlite.vmap(lambda v, j: v[j, ::-1])(jnp.asarray(a), jnp.asarray(i))
    np.testing.assert_array_equal(np.asarray(out), np.stack([a[k][i[k], ::-1] for k in range(2)]))
    out = jaxlite.vmap(lambda v, j: v.at[j].add(1.0))(jnp.asarray(a), jnp.asarray(i))
    want = a.copy()
    for k in range(2):
        np.add.at(want[k], i[k], 1.0)
    np.testing.assert_array_equal(np.asarray(out), want)
    out = jaxlite.vmap(lambda v, t: v[t])(jnp.asarray(a), jnp.asarray([2, 0]))
    np.testing.assert_array_equal(np.asarray(out), np.stack([a[0, 2], a[1, 0]]))


def test_assert_same_helper_detects_weak_type():
    with pytest.raises(AssertionError):
        assert_same(jnp.asarray(1.0), jnp.float32(1.0), "weak")


def test_at_updates_combine_in_the_promoted_type_vs_jax(jax_np):
    # JAX promotes operand and values together, combines, then casts back to the operand's
    # dtype and weak type: an int array plus 2.7 adds 2.7 before truncating.
    xi = np.array([-3, 1, 5], np.int32)
    xb = np.array([True, False, True])
    xf = np.array([-3.0, 1.0, 5.0], np.float32)
    idx = np.array([0, 0, 1])
    values = [2.7, -2.7, 2, -5, True, np.array([0.5, 1.5, 2.5], np.float32), 300]
    methods = ["set", "add", "subtract", "multiply", "divide", "power", "min", "max"]
    for x in (xi, xb, xf):
        for meth in methods:
            for v in values:

                def mk(m, meth=meth, v=v):
                    def f(a):
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", FutureWarning)
                            return getattr(a.at[:], meth)(v), getattr(a.at[idx], meth)(v)

                    return f

                check_vs_jax(jax_np, mk, (arr(x),))
    weak_cases = [
        lambda m: m.asarray(2.0).at[()].add(2.7),
        lambda m: m.asarray(3).at[()].add(2.7),
        lambda m: m.asarray(3).at[()].set(np.int8(2)),
        lambda m: m.ones(3, m.float16).at[0].add(np.float32(1 / 3)),
        lambda m: m.ones(2, m.complex64).at[0].add(2.5),
        lambda m: m.zeros(3).at[:].set([1, 2, 3]),
        lambda m: m.ones(3, m.int8).at[0].add(1000),
    ]
    for mk in weak_cases:

        def f(m, mk=mk):
            def g():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", FutureWarning)
                    return mk(m)

            return g

        check_vs_jax(jax_np, f, ())


def test_at_update_warnings_and_errors_match_jax(jax_np):
    # A FutureWarning exactly where JAX gives one: values the operand's dtype cannot hold.
    cases = [
        (lambda m: m.asarray([1, 2]).at[0].add(2.5), True),
        (lambda m: m.asarray([1, 2]).at[0].divide(2.5), True),
        (lambda m: m.asarray([1, 2]).at[0].add(2), False),
        (lambda m: m.asarray([True]).at[0].set(2), True),
        (lambda m: m.asarray([1.0]).at[0].add(2), False),
        (lambda m: m.asarray([1, 2], m.uint8).at[0].add(300), False),
        (lambda m: m.asarray([1.0]).at[0].add(1j), True),
        (lambda m: m.asarray([1, 2]).at[np.array([], np.int32)].add(2.7), True),
    ]
    for mk, warns in cases:
        for m in (jax_np, jnp):
            with warnings.catch_warnings(record=True) as rec:
                warnings.simplefilter("always")
                mk(m)
            got = any(issubclass(w.category, FutureWarning) for w in rec)
            assert got == warns, (m.__name__, mk)
    with pytest.warns(FutureWarning, match=r"cannot safely cast value from dtype=float32 to "):
        jnp.asarray([1, 2]).at[0].add(2.5)
    # Shapes: leading axes only (as jnp.broadcast_to), JAX's messages.
    with pytest.raises(ValueError, match=r"Cannot broadcast to shape with fewer dimensions"):
        jnp.zeros(3).at[:].set(jnp.ones((1, 3)))
    with pytest.raises(
        ValueError, match=r"input type=float32\[2\] and requested type=float32\[3\]"
    ):
        jnp.zeros(3).at[:].set(jnp.ones(2))
    with pytest.raises(TypeError, match="sub does not accept dtype bool"):
        jnp.asarray([True]).at[0].subtract(True)
    # Nothing selected: the operand itself, whatever the values.
    x = jnp.arange(3)
    assert x.at[np.array([], np.int32)].set(jnp.ones(5, jnp.int32)) is x


def test_at_updates_under_transformations():
    x = jnp.asarray([-3, 1, 5])
    f = lambda x: x.at[0].add(2.7)  # noqa: E731
    with pytest.warns(FutureWarning):
        np.testing.assert_array_equal(np.asarray(jaxlite.jit(f)(x)), [0, 1, 5])
    g = jaxlite.grad(lambda v: v.at[jnp.asarray([0, 0])].multiply(2.0).sum())
    np.testing.assert_allclose(np.asarray(g(jnp.ones(3))), [4.0, 1.0, 1.0])
    d = jaxlite.grad(lambda v: v.at[jnp.asarray([0, 0])].divide(2.0).sum())
    np.testing.assert_allclose(np.asarray(d(jnp.ones(3))), [0.25, 1.0, 1.0])


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_nan_last_and_int32_like_jax(side):
    import jax  # test-only oracle

    a = np.array([1.0, 2.0, 2.0, 3.0, np.nan], np.float32)
    v = np.array([np.nan, 2.0, 0.0, 5.0, -np.inf, np.inf], np.float32)
    want = np.asarray(jax.numpy.searchsorted(a, v, side=side))
    got = jnp.searchsorted(jnp.asarray(a), jnp.asarray(v), side=side)
    np.testing.assert_array_equal(np.asarray(got), want)
    assert got.dtype == want.dtype == np.int32
    with jaxlite.enable_x64(True):  # positions stay int32 under x64, as in JAX
        assert jnp.searchsorted(jnp.arange(4), 2).dtype == np.int32


def test_take_float_indices_error_matches_jax(jax_np):
    for m in (jax_np, jnp):
        for idx in (m.asarray([1.0]), 1.0):
            with pytest.raises(ValueError, match="indices must have an integer type"):
                m.take(m.arange(5.0), idx)

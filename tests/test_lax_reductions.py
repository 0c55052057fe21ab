"""lax reductions, cumulative reductions, argmax/argmin, sort and top_k: values against NumPy,
dtypes and weak types against JAX, JVP/VJP against finite differences (orders 1 and 2), vmap
against a Python loop."""

import numpy as np
import pytest

from jaxlite._src import core
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.lax import reductions as R
from jaxlite._src.lax.shape import broadcast_in_dim

# ----------------------------------------------------------------------------------------------
# Helpers


def A(x, dtype=None):
    return core.Array(np.asarray(x, dtype))


def val(x):
    if type(x) is ad.Zero:
        return np.zeros(x.aval.shape, x.aval.dtype)
    return np.asarray(x)


def _dot(a, b):
    return sum(
        float(np.vdot(np.asarray(x, np.float64), np.asarray(y, np.float64))) for x, y in zip(a, b)
    )


def check_jvp(f, args, rng, eps=1e-6, rtol=1e-5, atol=1e-6):
    """Forward mode of flat `f` against central differences, in float64."""
    ts = [rng.standard_normal(np.shape(a)) for a in args]
    _, tan = ad.jvp_flat(f, [A(a) for a in args], [A(t) for t in ts])
    plus = f(*[A(a + eps * t) for a, t in zip(args, ts)])
    minus = f(*[A(a - eps * t) for a, t in zip(args, ts)])
    for t, p, m in zip(tan, plus, minus):
        fd = (np.asarray(p) - np.asarray(m)) / (2 * eps)
        np.testing.assert_allclose(val(t), fd, rtol=rtol, atol=atol)


def check_vjp(f, args, rng, rtol=1e-6):
    """Reverse mode of flat `f` against its forward mode: <u, J v> == <J^T u, v>."""
    ts = [rng.standard_normal(np.shape(a)) for a in args]
    outs, tan = ad.jvp_flat(f, [A(a) for a in args], [A(t) for t in ts])
    us = [rng.standard_normal(np.shape(o)) for o in outs]
    outs2, f_vjp = ad.vjp_flat(f, [A(a) for a in args])
    for o, o2 in zip(outs, outs2):
        np.testing.assert_array_equal(np.asarray(o), np.asarray(o2))
    cts = f_vjp([A(u) for u in us])
    lhs = _dot(us, [val(t) for t in tan])
    rhs = _dot([val(c) for c in cts], ts)
    np.testing.assert_allclose(lhs, rhs, rtol=rtol, atol=1e-8)


def check_grads(f, args, order=2, seed=0):
    """JVP and VJP checks for `f` and (order 2) for its JVP and VJP as functions of the input."""
    rng = np.random.default_rng(seed)
    args = [np.asarray(a, np.float64) for a in args]
    check_jvp(f, args, rng)
    check_vjp(f, args, rng)
    if order < 2:
        return
    ts = [A(rng.standard_normal(np.shape(a))) for a in args]
    outs = f(*[A(a) for a in args])
    us = [A(rng.standard_normal(np.shape(o))) for o in outs]

    def f_jvp(*xs):
        return [ad.instantiate_zeros(t) for t in ad.jvp_flat(f, list(xs), ts)[1]]

    def f_vjp(*xs):
        return [ad.instantiate_zeros(c) for c in ad.vjp_flat(f, list(xs))[1](us)]

    check_jvp(f_jvp, args, rng, rtol=1e-4, atol=1e-5)
    check_vjp(f_jvp, args, rng)
    check_jvp(f_vjp, args, rng, rtol=1e-4, atol=1e-5)
    check_vjp(f_vjp, args, rng)


def check_vmap(f, args, in_dims):
    """`vmap_flat(f)` against a Python loop; outputs batched at axis 0."""
    size = next(np.shape(a)[d] for a, d in zip(args, in_dims) if d is not None)
    n_out = len(f(*[A(np.take(a, 0, d) if d is not None else a) for a, d in zip(args, in_dims)]))
    got = batching.vmap_flat(f, size, in_dims, [0] * n_out, [A(a) for a in args])
    for i in range(size):
        want = f(*[A(np.take(a, i, d) if d is not None else a) for a, d in zip(args, in_dims)])
        for g, w in zip(got, want):
            np.testing.assert_array_equal(np.asarray(g)[i], np.asarray(w))
            assert np.asarray(g).dtype == np.asarray(w).dtype


def jaxpr_of(f, *avals):
    return str(pe.trace_to_jaxpr(f, list(avals)))


F32 = np.float32


# ----------------------------------------------------------------------------------------------
# Values and dtypes


X = np.array([[1.5, -2.0, 3.0, 0.5], [4.0, 3.0, -1.0, 2.0], [0.0, 1.0, 2.5, -3.0]], F32)


@pytest.mark.parametrize("axes", [(0,), (1,), (0, 1), ()])
def test_reduce_values(axes):
    x = A(X)
    np.testing.assert_array_equal(np.asarray(R.reduce_max(x, axes)), np.max(X, axes) if axes else X)
    np.testing.assert_array_equal(np.asarray(R.reduce_min(x, axes)), np.min(X, axes) if axes else X)
    np.testing.assert_allclose(np.asarray(R.reduce_prod(x, axes)), np.prod(X, axes), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(R.reduce_sum(x, axes)), np.sum(X, axes), rtol=1e-6)
    for fn in (R.reduce_max, R.reduce_min, R.reduce_prod):
        assert fn(x, axes).dtype == np.float32


def test_reduce_int_and_bool_dtypes():
    i8 = A(np.full((10,), 3, np.int8))
    out = R.reduce_prod(i8, (0,))
    assert out.dtype == np.int8 and int(out) == -87  # wraps as JAX
    b = A(np.array([[True, False], [True, True]]))
    assert R.reduce_max(b, (0,)).dtype == np.bool_
    np.testing.assert_array_equal(np.asarray(R.reduce_min(b, (0,))), [True, False])
    with pytest.raises(TypeError, match="reduce_prod does not accept dtype bool"):
        R.reduce_prod(b, (0,))


def test_reduce_empty_identities():
    np.testing.assert_array_equal(
        np.asarray(R.reduce_max(A(np.zeros((0, 3), F32)), (0,))), [-np.inf] * 3
    )
    out = R.reduce_max(A(np.zeros((0, 3), np.int32)), (0,))
    assert out.dtype == np.int32 and int(np.asarray(out)[0]) == np.iinfo(np.int32).min
    assert int(np.asarray(R.reduce_min(A(np.zeros((0, 2), np.uint8)), (0,)))[0]) == 255
    assert bool(np.asarray(R.reduce_min(A(np.zeros((0, 2), bool)), (0,)))[0]) is True
    assert float(R.reduce_prod(A(np.zeros((0,), F32)), (0,))) == 1.0


def test_reduce_nan_and_errors():
    assert np.isnan(float(R.reduce_max(A(np.array([1, np.nan, 3], F32)), (0,))))
    with pytest.raises(ValueError, match="out-of-bounds"):
        R.reduce_max(A(X), (2,))
    with pytest.raises(ValueError, match="duplicate"):
        R.reduce_min(A(X), (1, 1))


def test_bitwise_reductions():
    x = A(np.array([3, 6, 5], np.int32))
    assert int(R.reduce_and(x, (0,))) == 3 & 6 & 5
    assert int(R.reduce_or(x, (0,))) == 3 | 6 | 5
    assert int(R.reduce_xor(x, (0,))) == 3 ^ 6 ^ 5
    b = A(np.array([[True, False, True], [True, True, False]]))
    np.testing.assert_array_equal(np.asarray(R.reduce_and(b, (1,))), [False, False])
    np.testing.assert_array_equal(np.asarray(R.reduce_or(b, (0,))), [True, True, True])
    np.testing.assert_array_equal(np.asarray(R.reduce_xor(b, (0,))), [False, True, True])
    assert R.reduce_or(b, (0,)).dtype == np.bool_
    assert int(R.reduce_and(A(np.zeros((0,), np.int8)), (0,))) == -1
    assert int(R.reduce_xor(A(np.array([3, 6], np.uint8)), (0,))) == 5
    with pytest.raises(TypeError, match="bool or int"):
        R.reduce_and(A(X), (0,))


def test_argmax_argmin():
    x = A(X)
    np.testing.assert_array_equal(np.asarray(R.argmax(x, 1, np.int32)), np.argmax(X, 1))
    np.testing.assert_array_equal(np.asarray(R.argmin(x, 0, np.int32)), np.argmin(X, 0))
    assert R.argmax(x, 0, np.int32).dtype == np.int32
    assert R.argmax(x, 0, np.int8).dtype == np.int8
    assert R.argmax(x, 0, np.int64).dtype == np.int32  # canonicalised without x64
    # ties: first wins; NaN: the first NaN wins for both.
    assert int(R.argmax(A(np.array([1, 5, 5], F32)), 0, np.int32)) == 1
    nan = A(np.array([1, np.nan, 5, np.nan], F32))
    assert int(R.argmax(nan, 0, np.int32)) == 1
    assert int(R.argmin(nan, 0, np.int32)) == 1
    assert int(R.argmax(A(np.array([False, True, True])), 0, np.int32)) == 1
    with pytest.raises(TypeError, match="integer type"):
        R.argmax(x, 0, np.float32)
    with pytest.raises(ValueError, match="Invalid axis"):
        R.argmax(x, 2, np.int32)
    with pytest.raises(ValueError, match="non-empty"):
        R.argmax(A(np.zeros((0,), F32)), 0, np.int32)


def _np_cum(name, x, axis, reverse):
    fn = {
        "cumsum": np.cumsum,
        "cumprod": np.cumprod,
        "cummax": np.maximum.accumulate,
        "cummin": np.minimum.accumulate,
        "cumlogsumexp": np.logaddexp.accumulate,
    }[name]
    if reverse:
        return np.flip(fn(np.flip(x, axis), axis=axis), axis)
    return fn(x, axis=axis)


CUMS = ["cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp"]


@pytest.mark.parametrize("name", CUMS)
@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumulative_values(name, axis, reverse):
    out = getattr(R, name)(A(X), axis, reverse)
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out), _np_cum(name, X, axis, reverse), rtol=1e-6)


def test_cumulative_dtypes_and_errors():
    out = R.cumsum(A(np.array([100, 100], np.int8)))
    assert out.dtype == np.int8 and list(np.asarray(out)) == [100, -56]
    for fn in (R.cumsum, R.cumprod, R.cummax):
        with pytest.raises(TypeError, match="does not accept dtype bool"):
            fn(A(np.array([True, False])))
    with pytest.raises(ValueError, match="out of bounds"):
        R.cumsum(A(np.ones(3, F32)), 1)
    with pytest.raises(ValueError, match="negative"):
        R.cumsum(A(np.ones(3, F32)), -1)
    nan = np.asarray(R.cummax(A(np.array([1, np.nan, 5], F32))))
    assert nan[0] == 1 and np.isnan(nan[1:]).all()
    lse = np.asarray(R.cumlogsumexp(A(np.array([-np.inf, -np.inf, 0], F32))))
    np.testing.assert_array_equal(lse, [-np.inf, -np.inf, 0])


def test_sort_values():
    x = np.array([np.nan, 1, -np.inf, np.inf, -0.0, 0.0, -1, 2], F32)
    out = np.asarray(R.sort(A(x)))
    np.testing.assert_array_equal(out[:6], [-np.inf, -1, 0, 0, 1, 2])
    assert np.isinf(out[6]) and np.isnan(out[7])
    keys = A(np.array([1, 0, 1, 0], np.int32))
    k2 = A(np.array([3, 2, 1, 0], np.int32))
    vals = A(np.array([5, 6, 7, 8], F32))
    a, b, c = R.sort((keys, k2, vals), num_keys=2)
    np.testing.assert_array_equal(np.asarray(a), [0, 0, 1, 1])
    np.testing.assert_array_equal(np.asarray(b), [0, 2, 1, 3])
    np.testing.assert_array_equal(np.asarray(c), [8, 6, 7, 5])
    # stable: equal keys (0.0 == -0.0) keep their order.
    k, v = R.sort_key_val(A(np.array([0.0, -0.0, 0.0, -0.0], F32)), A(np.arange(4, dtype=F32)))
    np.testing.assert_array_equal(np.asarray(v), [0, 1, 2, 3])
    np.testing.assert_array_equal(np.asarray(R.sort(A(X), 0)), np.sort(X, 0))
    np.testing.assert_array_equal(np.asarray(R.sort(A(X))), np.sort(X, 1))
    assert isinstance(R.sort([A(X)]), tuple)
    with pytest.raises(ValueError, match="num_keys"):
        R.sort((keys,), num_keys=2)
    with pytest.raises(TypeError, match="equal shapes"):
        R.sort((keys, A(np.ones(2))))
    with pytest.raises(ValueError, match="out of bounds"):
        R.sort(A(np.float32(2.0)))


def test_top_k():
    x = A(np.array([1, 3, 3, np.nan, 2], F32))
    v, i = R.top_k(x, 3)
    assert np.isnan(np.asarray(v)[0]) and list(np.asarray(v)[1:]) == [3, 3]
    assert list(np.asarray(i)) == [3, 1, 2] and i.dtype == np.int32
    v, i = R.top_k(A(X), 2, axis=0)
    np.testing.assert_array_equal(np.asarray(v), -np.sort(-X, 0)[:2])


def test_weak_types():
    w = broadcast_in_dim(2.0, (3, 2), ())
    assert w.weak_type
    for out in [
        R.reduce_max(w, (0,)),
        R.reduce_prod(w, (0,)),
        R.cumsum(w, 0),
        R.sort(w),
        R.cumlogsumexp(w, 1),
    ]:
        assert out.weak_type and out.dtype == np.float32
    assert not R.argmax(w, 0, np.int32).weak_type
    v, i = R.top_k(w, 1)
    assert v.weak_type and not i.weak_type


def test_against_jax_dtypes():
    jax = pytest.importorskip("jax")
    from jax import lax

    cases = [
        ("reduce_max", lambda m, x: m.reduce_max(x, (0,)), [np.float32, np.int8, np.bool_]),
        ("reduce_prod", lambda m, x: m.reduce_prod(x, (0, 1)), [np.float32, np.uint8]),
        ("argmax", lambda m, x: m.argmax(x, 1, np.int16), [np.float32, np.int32, np.bool_]),
        ("reduce_xor", lambda m, x: m.reduce_xor(x, (1,)), [np.int16, np.bool_]),
        ("cumsum", lambda m, x: m.cumsum(x, 1, True), [np.float16, np.int32]),
        ("cummax", lambda m, x: m.cummax(x, 0), [np.float32, np.uint16, np.complex64]),
        ("sort", lambda m, x: m.sort(x, 0), [np.float32, np.int32, np.bool_, np.complex64]),
    ]
    rng = np.random.default_rng(0)
    for name, fn, dts in cases:
        for dt in dts:
            x = (rng.standard_normal((3, 4)) * 3).astype(dt)
            want = fn(lax, x)
            got = fn(R, A(x))
            assert got.dtype == want.dtype, (name, dt)
            tol = 1e-2 if dt == np.float16 else 1e-6  # XLA sums in a different order
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=tol, atol=tol)
        scalar = 2 if name == "reduce_xor" else 2.0
        w = jax.eval_shape(lambda: fn(lax, lax.broadcast_in_dim(scalar, (3, 4), ())))
        gw = fn(R, broadcast_in_dim(scalar, (3, 4), ()))
        assert gw.weak_type == w.weak_type and gw.dtype == w.dtype, name


def test_jaxpr_printing():
    s = core.ShapedArray((3, 4), F32)
    assert "reduce_max[axes=(0,)] a" in jaxpr_of(lambda x: [R.reduce_max(x, (0,))], s)
    assert "argmax[axes=(1,) index_dtype=int32] a" in jaxpr_of(
        lambda x: [R.argmax(x, 1, np.int32)], s
    )
    assert "cumsum[axis=1 reverse=False] a" in jaxpr_of(lambda x: [R.cumsum(x, 1)], s)
    assert "b:f32[3,4] c:f32[3,4] = sort[dimension=1 is_stable=True num_keys=1] a a" in (
        jaxpr_of(lambda x: list(R.sort((x, x))), s)
    )
    assert "top_k[axis=1 k=2] a" in jaxpr_of(lambda x: list(R.top_k(x, 2)), s)


# ----------------------------------------------------------------------------------------------
# Differentiation


Y = np.array([[0.3, -1.2, 2.1, 0.7], [1.4, 0.2, -0.9, 2.6], [-0.5, 1.1, 0.6, -2.2]])


@pytest.mark.parametrize("axes", [(0,), (1,), (0, 1)])
def test_grad_max_min_prod(x64, axes):
    check_grads(lambda x: [R.reduce_max(x, axes)], [Y])
    check_grads(lambda x: [R.reduce_min(x, axes)], [Y])
    check_grads(lambda x: [R.reduce_prod(x, axes)], [Y])


def test_max_ties_average_tangent():
    x = A(np.array([1, 1, 1, 1, 1], F32))
    t = A(np.array([1, 2, 4, 8, 16], F32))
    _, (tan,) = ad.jvp_flat(lambda x: [R.reduce_max(x, (0,))], [x], [t])
    assert float(tan) == pytest.approx(6.2)
    x = A(np.array([[3, 1, 3], [0, 2, 2]], F32))
    _, f_vjp = ad.vjp_flat(lambda x: [R.reduce_min(x, (1,))], [x])
    (ct,) = f_vjp([A(np.ones(2, F32))])
    np.testing.assert_allclose(np.asarray(ct), [[0, 1, 0], [1, 0, 0]])
    _, f_vjp = ad.vjp_flat(lambda x: [R.reduce_max(x, (1,))], [x])
    (ct,) = f_vjp([A(np.ones(2, F32))])
    np.testing.assert_allclose(np.asarray(ct), [[0.5, 0, 0.5], [0, 0.5, 0.5]])


def test_prod_with_zeros(x64):
    x = np.array([2.0, 0.0, 3.0, 5.0])
    _, (tan,) = ad.jvp_flat(lambda x: [R.reduce_prod(x, (0,))], [A(x)], [A(np.ones(4))])
    assert float(tan) == 30.0
    _, f_vjp = ad.vjp_flat(lambda x: [R.reduce_prod(x, (0,))], [A(x)])
    np.testing.assert_array_equal(np.asarray(f_vjp([A(1.0)])[0]), [0, 30, 0, 0])
    two = np.array([2.0, 0.0, 3.0, 0.0])
    _, f_vjp = ad.vjp_flat(lambda x: [R.reduce_prod(x, (0,))], [A(two)])
    np.testing.assert_array_equal(np.asarray(f_vjp([A(1.0)])[0]), [0, 0, 0, 0])
    inf = np.array([2.0, np.inf, 3.0, 1.0])
    _, f_vjp = ad.vjp_flat(lambda x: [R.reduce_prod(x, (0,))], [A(inf)])
    np.testing.assert_array_equal(np.asarray(f_vjp([A(1.0)])[0]), [np.inf, 6, np.inf, np.inf])
    check_grads(lambda x: [R.reduce_prod(x, (1,))], [np.array([[2.0, 0.0, 3.0], [0.0, 1.5, 0]])])
    check_grads(lambda x: [R.cumprod(x, 1)], [np.array([[2.0, 0.0, 3.0, 4], [0.0, 1.5, 0, 2]])])


@pytest.mark.parametrize("name", CUMS)
@pytest.mark.parametrize("reverse", [False, True])
def test_grad_cumulative(x64, name, reverse):
    fn = getattr(R, name)
    check_grads(lambda x: [fn(x, 1, reverse)], [Y])
    check_grads(lambda x: [fn(x, 0, reverse)], [Y])


def test_cumulative_jvp_special_cases():
    _, (t,) = ad.jvp_flat(
        lambda x: [R.cumprod(x)],
        [A(np.array([2, 0, 3, 0, 5], F32))],
        [A(np.array([1, 2, 4, 8, 16], F32))],
    )
    np.testing.assert_allclose(np.asarray(t), [1, 4, 12, 0, 0])
    # ties: the average of the tangents attaining the running max.
    _, (t,) = ad.jvp_flat(
        lambda x: [R.cummax(x)],
        [A(np.array([1, 0, 1, 2, 2], F32))],
        [A(np.array([1, 2, 4, 8, 16], F32))],
    )
    np.testing.assert_allclose(np.asarray(t), [1, 1, 2.5, 8, 12])
    _, (t,) = ad.jvp_flat(
        lambda x: [R.cumlogsumexp(x)],
        [A(np.array([0, 1000, -1000], F32))],
        [A(np.array([2, 4, 8], F32))],
    )
    np.testing.assert_allclose(np.asarray(t), [2, 4, 4])


def test_cumsum_transpose_is_reverse_cumsum():
    _, f_vjp = ad.vjp_flat(lambda x: [R.cumsum(x)], [A(np.zeros(5, F32))])
    (ct,) = f_vjp([A(np.arange(5, dtype=F32))])
    np.testing.assert_array_equal(np.asarray(ct), np.cumsum(np.arange(5)[::-1])[::-1])


@pytest.mark.parametrize("dimension", [0, 1])
def test_grad_sort(x64, dimension):
    check_grads(lambda x: [R.sort(x, dimension)], [Y])
    keys = np.array([[3.0, 1.0, 2.0, 0.0], [0.5, 0.25, 0.75, 1.0], [1.0, 2.0, 3.0, 4.0]])
    check_grads(lambda k, v: list(R.sort((k, v), dimension, num_keys=1)), [keys, Y])
    check_grads(lambda k, v: list(R.sort((k, v), dimension, num_keys=2)), [keys, Y])


def test_sort_jvp_values():
    _, (t,) = ad.jvp_flat(
        lambda x: [R.sort(x)], [A(np.array([3, 1, 2], F32))], [A(np.array([1, 2, 4], F32))]
    )
    np.testing.assert_array_equal(np.asarray(t), [2, 4, 1])
    # integer keys with float values: only the values carry tangents.
    outs, tans = ad.jvp_flat(
        lambda k, v: list(R.sort_key_val(k, v)),
        [A(np.array([2, 0, 1])), A(np.array([1, 2, 3], F32))],
        [None, A(np.array([10, 20, 30], F32))],
    )
    assert type(tans[0]) is ad.Zero
    np.testing.assert_array_equal(np.asarray(tans[1]), [20, 30, 10])


def test_grad_top_k(x64):
    check_grads(lambda x: [R.top_k(x, 2)[0]], [Y])
    check_grads(lambda x: [R.top_k(x, 2, axis=0)[0]], [Y])


def test_integer_outputs_have_zero_tangents():
    x = A(np.array([3, 1, 2], F32))
    t = A(np.ones(3, F32))
    for f in (
        lambda x: [R.argmax(x, 0, np.int32)],
        lambda x: [R.argmin(x, 0, np.int32)],
        lambda x: [R.top_k(x, 2)[1]],
    ):
        _, (tan,) = ad.jvp_flat(f, [x], [t])
        assert type(tan) is ad.Zero


# ----------------------------------------------------------------------------------------------
# vmap


Z = np.random.default_rng(1).standard_normal((3, 4, 5)).astype(F32)


@pytest.mark.parametrize("bdim", [0, 1, 2])
def test_vmap_reductions(bdim):
    for f in [
        lambda x: [R.reduce_max(x, (0,))],
        lambda x: [R.reduce_min(x, (1,))],
        lambda x: [R.reduce_prod(x, (0, 1))],
        lambda x: [R.argmax(x, 1, np.int32)],
        lambda x: [R.argmin(x, 0, np.int32)],
        lambda x: [R.reduce_sum(x, (1,))],
    ]:
        check_vmap(f, [Z], [bdim])
    ints = (Z * 10).astype(np.int32)
    for f in [
        lambda x: [R.reduce_and(x, (0,))],
        lambda x: [R.reduce_or(x, (1,))],
        lambda x: [R.reduce_xor(x, (0, 1))],
    ]:
        check_vmap(f, [ints], [bdim])


@pytest.mark.parametrize("bdim", [0, 1, 2])
@pytest.mark.parametrize("name", CUMS)
def test_vmap_cumulative(bdim, name):
    fn = getattr(R, name)
    check_vmap(lambda x: [fn(x, 1, True)], [Z], [bdim])
    check_vmap(lambda x: [fn(x, 0)], [Z], [bdim])


@pytest.mark.parametrize("bdim", [0, 1, 2])
def test_vmap_sort_and_top_k(bdim):
    check_vmap(lambda x: [R.sort(x, 0)], [Z], [bdim])
    check_vmap(lambda x: [R.sort(x, 1)], [Z], [bdim])
    check_vmap(lambda x: list(R.top_k(x, 2)), [Z], [bdim])
    keys = np.round(Z * 2)  # ties in the first key
    one = np.take(Z, 0, bdim)
    check_vmap(lambda k, v: list(R.sort((k, v), 1, num_keys=1)), [keys, one], [bdim, None])
    check_vmap(
        lambda k, v: list(R.sort((k, v), 0, num_keys=1)), [np.take(keys, 0, bdim), Z], [None, bdim]
    )
    check_vmap(
        lambda k, v: list(R.sort((k, v), 0, num_keys=2)), [keys, np.moveaxis(Z, bdim, 0)], [bdim, 0]
    )


def test_vmap_of_grad_sort_and_cumulative():
    def weighted(x):
        w = A(np.arange(1, x.shape[0] + 1, dtype=F32))
        _, f_vjp = ad.vjp_flat(lambda x: [R.sort(x, 0)], [x])
        return f_vjp([w])

    check_vmap(weighted, [Z[0]], [1])
    check_vmap(weighted, [Z[0].T], [0])

    def cum_grad(x):
        _, f_vjp = ad.vjp_flat(lambda x: [R.cumprod(x, 0), R.cummax(x, 0)], [x])
        return f_vjp([A(np.ones(5, F32)), A(np.ones(5, F32))])

    check_vmap(cum_grad, [Z[0]], [0])

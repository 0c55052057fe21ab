"""lax.dot_general / dot / batch_matmul: values against NumPy, dtypes and weak types against
JAX, JVP/VJP against finite differences (orders 1 and 2), vmap against a Python loop."""

import numpy as np
import pytest

from jaxlite._src import core
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.lax import linalg as L
from jaxlite._src.lax.shape import broadcast_in_dim

# ----------------------------------------------------------------------------------------------
# Helpers (as in test_lax_reductions)


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
    ts = [rng.standard_normal(np.shape(a)) for a in args]
    _, tan = ad.jvp_flat(f, [A(a) for a in args], [A(t) for t in ts])
    plus = f(*[A(a + eps * t) for a, t in zip(args, ts)])
    minus = f(*[A(a - eps * t) for a, t in zip(args, ts)])
    for t, p, m in zip(tan, plus, minus):
        fd = (np.asarray(p) - np.asarray(m)) / (2 * eps)
        np.testing.assert_allclose(val(t), fd, rtol=rtol, atol=atol)


def check_vjp(f, args, rng, rtol=1e-6):
    ts = [rng.standard_normal(np.shape(a)) for a in args]
    outs, tan = ad.jvp_flat(f, [A(a) for a in args], [A(t) for t in ts])
    us = [rng.standard_normal(np.shape(o)) for o in outs]
    _, f_vjp = ad.vjp_flat(f, [A(a) for a in args])
    cts = f_vjp([A(u) for u in us])
    for c, a in zip(cts, args):
        assert val(c).shape == np.shape(a)
    np.testing.assert_allclose(
        _dot(us, [val(t) for t in tan]), _dot([val(c) for c in cts], ts), rtol=rtol, atol=1e-8
    )


def check_grads(f, args, order=2, seed=0):
    rng = np.random.default_rng(seed)
    args = [np.asarray(a, np.float64) for a in args]
    check_jvp(f, args, rng)
    check_vjp(f, args, rng)
    if order < 2:
        return
    ts = [A(rng.standard_normal(np.shape(a))) for a in args]
    us = [A(rng.standard_normal(np.shape(o))) for o in f(*[A(a) for a in args])]

    def f_jvp(*xs):
        return [ad.instantiate_zeros(t) for t in ad.jvp_flat(f, list(xs), ts)[1]]

    def f_vjp(*xs):
        return [ad.instantiate_zeros(c) for c in ad.vjp_flat(f, list(xs))[1](us)]

    for g in (f_jvp, f_vjp):
        check_jvp(g, args, rng, rtol=1e-4, atol=1e-5)
        check_vjp(g, args, rng)


def check_vmap(f, args, in_dims, rtol=1e-5):
    size = next(np.shape(a)[d] for a, d in zip(args, in_dims) if d is not None)
    got = batching.vmap_flat(f, size, in_dims, [0], [A(a) for a in args])
    for i in range(size):
        want = f(*[A(np.take(a, i, d) if d is not None else a) for a, d in zip(args, in_dims)])
        np.testing.assert_allclose(np.asarray(got[0])[i], np.asarray(want[0]), rtol=rtol, atol=1e-5)
        assert got[0].dtype == want[0].dtype


def ref(lhs, rhs, dims):
    """dot_general by einsum."""
    (lc, rc), (lb, rb) = dims
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    ls = [next(letters) for _ in range(lhs.ndim)]
    rs = [next(letters) for _ in range(rhs.ndim)]
    for l_, r_ in zip(lc, rc):
        rs[r_] = ls[l_]
    for l_, r_ in zip(lb, rb):
        rs[r_] = ls[l_]
    out = (
        [ls[d] for d in lb]
        + [ls[d] for d in range(lhs.ndim) if d not in lc + lb]
        + [rs[d] for d in range(rhs.ndim) if d not in rc + rb]
    )
    return np.einsum(f"{''.join(ls)},{''.join(rs)}->{''.join(out)}", lhs, rhs)


rng0 = np.random.default_rng(0)
CASES = [
    ((3, 4), (4, 5), (((1,), (0,)), ((), ()))),
    ((3, 4), (5, 4), (((1,), (1,)), ((), ()))),
    ((4, 3), (4, 5), (((0,), (0,)), ((), ()))),
    ((4,), (4,), (((0,), (0,)), ((), ()))),
    ((4,), (4, 5), (((0,), (0,)), ((), ()))),
    ((3, 4), (4,), (((1,), (0,)), ((), ()))),
    ((2, 3, 4), (2, 4, 5), (((2,), (1,)), ((0,), (0,)))),
    ((5, 2, 3), (3, 5, 4), (((2,), (0,)), ((0,), (1,)))),
    ((2, 3, 4, 6), (4, 6, 2, 5), (((2, 3), (0, 1)), ((0,), (2,)))),
    ((2, 3, 4, 6), (6, 2, 4, 5), (((3, 2), (0, 2)), ((0,), (1,)))),
    ((3, 2), (4, 5), (((), ()), ((), ()))),
    ((2, 3), (3, 2), (((), ()), ((0, 1), (1, 0)))),
    ((0, 4), (4, 3), (((1,), (0,)), ((), ()))),
    ((3, 0), (0, 2), (((1,), (0,)), ((), ()))),
]


# ----------------------------------------------------------------------------------------------
# Values, shapes, dtypes


@pytest.mark.parametrize("ls,rs,dims", CASES)
def test_values(ls, rs, dims):
    lhs = rng0.standard_normal(ls).astype(np.float32)
    rhs = rng0.standard_normal(rs).astype(np.float32)
    out = L.dot_general(A(lhs), A(rhs), dims)
    want = ref(lhs, rhs, dims)
    assert out.dtype == np.float32 and out.shape == want.shape
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-5, atol=1e-5)


def test_dot_wrapper():
    a = rng0.standard_normal((3, 4)).astype(np.float32)
    b = rng0.standard_normal((4, 2)).astype(np.float32)
    v = rng0.standard_normal(4).astype(np.float32)
    np.testing.assert_allclose(np.asarray(L.dot(A(a), A(b))), a @ b, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(L.dot(A(a), A(v))), a @ v, rtol=1e-5)
    np.testing.assert_allclose(float(L.dot(A(v), A(v))), v @ v, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(L.dot(A(v), A(b))), v @ b, rtol=1e-5)
    with pytest.raises(ValueError, match="dimension_numbers must be specified"):
        L.dot(A(np.ones((2, 3, 4))), A(np.ones((4, 5))))
    out = L.dot(A(a), A(b.T), dimension_numbers=(((1,), (1,)), ((), ())))
    np.testing.assert_allclose(np.asarray(out), a @ b, rtol=1e-5)
    c = rng0.standard_normal((2, 3, 4)).astype(np.float32)
    d = rng0.standard_normal((2, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(L.batch_matmul(A(c), A(d))), c @ d, rtol=1e-5)
    with pytest.raises(ValueError):
        L.batch_matmul(A(a), A(d))


def test_integer_and_bool_dots():
    b = np.array([[True, False], [True, True]])
    out = L.dot(A(b), A(b))
    assert out.dtype == np.bool_
    np.testing.assert_array_equal(np.asarray(out), [[True, False], [True, True]])
    i8 = np.full((2, 2), 100, np.int8)
    out = L.dot(A(i8), A(i8))
    assert out.dtype == np.int8 and int(np.asarray(out)[0, 0]) == 32  # wraps, as JAX
    out = L.dot(A(i8), A(i8), preferred_element_type=np.int32)
    assert out.dtype == np.int32 and int(np.asarray(out)[0, 0]) == 20000
    out = L.dot(A(b), A(b), preferred_element_type=np.int32)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(np.asarray(out), [[1, 0], [2, 1]])
    h = np.full((2, 2), 0.1, np.float16)
    out = L.dot(A(h), A(h), preferred_element_type=np.float32)
    assert out.dtype == np.float32
    with pytest.raises(TypeError, match="narrower"):
        L.dot(
            A(np.ones((2, 2), np.int32)),
            A(np.ones((2, 2), np.int32)),
            preferred_element_type=np.int8,
        )


@pytest.mark.parametrize(
    "lt,rt,want",
    [
        (np.int8, np.float32, np.float32),
        (np.float16, np.float32, np.float32),
        (np.uint8, np.int8, np.int8),
        (np.int8, np.uint8, np.int8),
        (np.bool_, np.int32, np.int32),
        (np.float32, np.complex64, np.complex64),
        (np.int32, np.int8, np.int32),
        (np.uint32, np.int16, np.uint32),
        (np.float16, np.int32, np.float16),
        (np.bool_, np.uint8, np.uint8),
    ],
)
def test_mixed_dtypes(lt, rt, want):
    out = L.dot(A(np.ones((2, 3), lt)), A(np.ones((3, 2), rt)))
    assert out.dtype == want
    np.testing.assert_array_equal(np.asarray(out).real, 3)


def test_shape_errors():
    with pytest.raises(TypeError, match="contracting dimensions to have the same shape"):
        L.dot_general(A(np.ones(3)), A(np.ones((4, 5))), (((0,), (0,)), ((), ())))
    with pytest.raises(TypeError, match="batch dimensions to have the same shape"):
        L.dot_general(A(np.ones((3, 2))), A(np.ones((4, 2))), (((1,), (1,)), ((0,), (0,))))
    with pytest.raises(TypeError, match="distinct"):
        L.dot_general(A(np.ones((3, 3))), A(np.ones((3, 3))), (((0, 0), (0, 1)), ((), ())))
    with pytest.raises(TypeError, match="disjoint"):
        L.dot_general(A(np.ones((3, 3))), A(np.ones((3, 3))), (((0,), (0,)), ((0,), (1,))))
    with pytest.raises(TypeError, match="nonnegative"):
        L.dot_general(A(np.ones((3, 3))), A(np.ones((3, 3))), (((-1,), (0,)), ((), ())))


def test_weak_type():
    w = broadcast_in_dim(2.0, (2, 2), ())
    s = A(np.ones((2, 2), np.float32))
    assert L.dot(w, w).weak_type
    assert not L.dot(w, s).weak_type
    assert L.dot(w, w, preferred_element_type=np.float32).weak_type


def test_against_jax():
    jax = pytest.importorskip("jax")
    from jax import lax

    rng = np.random.default_rng(3)
    pairs = [
        (np.float32, np.float32, None),
        (np.int8, np.int8, None),
        (np.int8, np.int8, np.int32),
        (np.bool_, np.bool_, None),
        (np.uint8, np.int8, None),
        (np.float16, np.float16, np.float32),
        (np.int32, np.float32, None),
        (np.float32, np.float32, np.float16),
    ]
    for lt, rt, pet in pairs:
        for ls, rs, dims in CASES[:10]:
            lhs = (rng.standard_normal(ls) * 3).astype(lt)
            rhs = (rng.standard_normal(rs) * 3).astype(rt)
            want = lax.dot_general(lhs, rhs, dims, preferred_element_type=pet)
            got = L.dot_general(A(lhs), A(rhs), dims, preferred_element_type=pet)
            assert got.dtype == want.dtype and got.shape == want.shape
            tol = 1e-2 if np.float16 in (lt, rt, pet) else 1e-5
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=tol, atol=tol)
    del jax


def test_jaxpr_params():
    avals = [core.ShapedArray((2, 3), np.float32), core.ShapedArray((3, 4), np.float32)]
    j = pe.trace_to_jaxpr(lambda a, b: [L.dot(a, b)], avals)
    (eqn,) = j.jaxpr.eqns
    assert eqn.primitive.name == "dot_general"
    assert eqn.params == {
        "dimension_numbers": (((1,), (0,)), ((), ())),
        "precision": None,
        "preferred_element_type": None,
        "out_sharding": None,
    }
    shown = L.dot_general_p.pp_params(eqn.params)
    assert str(shown["dimension_numbers"]) == "(([1], [0]), ([], []))"
    assert list(shown) == ["dimension_numbers"]
    j = pe.trace_to_jaxpr(lambda a, b: [L.dot(a, b, precision="highest")], avals)
    assert j.jaxpr.eqns[0].params["precision"] == (L.Precision.HIGHEST, L.Precision.HIGHEST)


# ----------------------------------------------------------------------------------------------
# Differentiation


@pytest.mark.parametrize("ls,rs,dims", CASES[:12])
def test_grads(x64, ls, rs, dims):
    rng = np.random.default_rng(1)
    lhs, rhs = rng.standard_normal(ls), rng.standard_normal(rs)
    check_grads(lambda a, b: [L.dot_general(a, b, dims)], [lhs, rhs])
    check_grads(lambda a: [L.dot_general(a, A(rhs), dims)], [lhs])
    check_grads(lambda b: [L.dot_general(A(lhs), b, dims)], [rhs])


def test_grad_of_square(x64):
    # both operands the same variable: product rule through both slots.
    m = np.random.default_rng(2).standard_normal((3, 3))
    check_grads(lambda a: [L.dot(a, a)], [m])


def test_transpose_jaxpr_matches_jax_layout():
    a, b = A(np.ones((5, 2, 3), np.float32)), A(np.ones((3, 5, 4), np.float32))
    dims = (((2,), (0,)), ((0,), (1,)))
    _, f_vjp = ad.vjp_flat(lambda x, y: [L.dot_general(x, y, dims)], [a, b])
    ca, cb = f_vjp([A(np.ones((5, 2, 4), np.float32))])
    assert ca.shape == (5, 2, 3) and cb.shape == (3, 5, 4)
    np.testing.assert_allclose(np.asarray(ca), 4)
    np.testing.assert_allclose(np.asarray(cb), 2)


def test_mixed_precision_cotangents():
    h = A(np.ones((2, 3), np.float16))
    g = A(np.ones((3, 4), np.float16))
    _, f_vjp = ad.vjp_flat(lambda x, y: [L.dot(x, y, preferred_element_type=np.float32)], [h, g])
    ch, cg = f_vjp([A(np.ones((2, 4), np.float32))])
    assert ch.dtype == np.float16 and cg.dtype == np.float16
    i = A(np.ones((2, 3), np.int8))
    f = A(np.ones((3, 4), np.float32))
    _, f_vjp = ad.vjp_flat(lambda x, y: [L.dot(x, y)], [i, f])
    ci, cf = f_vjp([A(np.ones((2, 4), np.float32))])
    assert type(ci) is ad.Zero and cf.dtype == np.float32
    np.testing.assert_allclose(np.asarray(cf), 2)


# ----------------------------------------------------------------------------------------------
# vmap


@pytest.mark.parametrize("ls,rs,dims", CASES[:12])
@pytest.mark.parametrize(
    "bl,br", [(0, 0), (1, 0), (0, None), (None, 0), (1, None), (None, 1), (1, 1), (0, 1)]
)
def test_vmap(ls, rs, dims, bl, br):
    rng = np.random.default_rng(4)

    def with_batch(shape, d):
        if d is None:
            return rng.standard_normal(shape).astype(np.float32)
        d = min(d, len(shape))
        s = list(shape)
        s.insert(d, 3)
        return rng.standard_normal(s).astype(np.float32)

    lhs, rhs = with_batch(ls, bl), with_batch(rs, br)
    in_dims = [None if bl is None else min(bl, len(ls)), None if br is None else min(br, len(rs))]
    check_vmap(lambda a, b: [L.dot_general(a, b, dims)], [lhs, rhs], in_dims)


def test_vmap_of_grad():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((4, 2, 3)).astype(np.float32)
    b = rng.standard_normal((3, 5)).astype(np.float32)

    def grad_a(x, y):
        _, f_vjp = ad.vjp_flat(lambda x, y: [L.dot(x, y)], [x, y])
        ca, cb = f_vjp([A(np.ones((2, 5), np.float32))])
        return [cb]

    check_vmap(grad_a, [a, b], [0, None])
    check_vmap(grad_a, [a.transpose(1, 0, 2), b], [1, None])

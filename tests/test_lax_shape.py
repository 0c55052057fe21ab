"""lax shape primitives: values vs NumPy, derivatives vs finite differences, vmap vs loops."""

import numpy as np
import pytest

# ----------------------------------------------------------------------------------------------
# Local helpers (flat APIs)
from flat_checks import arr, check_grads, check_vmap, val  # noqa: E402

from jaxlite._src import core
from jaxlite._src.config import config
from jaxlite._src.interpreters import batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.lax import shape as S


def jaxpr_of(f, *avals):
    return pe.trace_to_jaxpr(lambda *a: [f(*a)], [core.ShapedArray(s, d) for s, d in avals])


def eqn(f, *avals):
    (e,) = jaxpr_of(f, *avals).eqns
    return e


rng = np.random.RandomState(42)
X = rng.randn(2, 3, 4)
X32 = X.astype(np.float32)


# ----------------------------------------------------------------------------------------------
# squeeze / expand_dims


def test_squeeze_values_and_params():
    x = np.ones((2, 1, 3, 1), np.float32)
    out = S.squeeze(arr(x), (-1, 1))
    assert val(out).shape == (2, 3) and val(out).dtype == np.float32
    e = eqn(lambda a: S.squeeze(a, (3, 1)), ((2, 1, 3, 1), np.float32))
    assert e.primitive.name == "squeeze" and e.params == {"dimensions": (1, 3)}
    assert S.squeeze(arr(x), ()) is not None
    assert not jaxpr_of(lambda a: S.squeeze(a, ()), ((2, 1), np.float32)).eqns


def test_squeeze_errors():
    with pytest.raises(ValueError, match="size not equal to one"):
        S.squeeze(arr(X32), (1,))
    with pytest.raises(ValueError, match="out of bounds"):
        S.squeeze(arr(X32), (3,))
    with pytest.raises(ValueError, match="not unique"):
        S.squeeze(arr(np.ones((2, 1))), (1, -1))


def test_squeeze_grad_vmap():
    x = rng.randn(2, 1, 3)
    check_grads(lambda a: S.squeeze(a, (1,)), [x])
    for d in (0, 1, 2, 3):
        xb = np.expand_dims(x, d).repeat(3, d) + rng.randn(*np.expand_dims(x, d).repeat(3, d).shape)
        check_vmap(lambda a: S.squeeze(a, (1,)), [xb], [d])


def test_expand_dims():
    out = S.expand_dims(arr(X32), (0, -1))
    assert val(out).shape == (1, 2, 3, 4, 1)
    e = eqn(lambda a: S.expand_dims(a, (0, 2)), ((2, 3), np.float32))
    assert e.primitive.name == "broadcast_in_dim"
    assert e.params["shape"] == (1, 2, 1, 3) and e.params["broadcast_dimensions"] == (1, 3)
    with pytest.raises(ValueError, match="repeated axis"):
        S.expand_dims(arr(X32), (0, 0))
    with pytest.raises(ValueError, match="out of bounds"):
        S.expand_dims(arr(X32), (7,))
    check_grads(lambda a: S.expand_dims(a, (1,)), [X])


# ----------------------------------------------------------------------------------------------
# rev


def test_rev():
    np.testing.assert_array_equal(val(S.rev(arr(X32), (0, 2))), X32[::-1, :, ::-1])
    np.testing.assert_array_equal(val(S.rev(arr(X32), ())), X32)
    assert eqn(lambda a: S.rev(a, (1,)), ((2, 3), np.float32)).params == {"dimensions": (1,)}
    with pytest.raises(TypeError, match="nonnegative"):
        S.rev(arr(X32), (-1,))
    with pytest.raises(TypeError, match="unique"):
        S.rev(arr(X32), (0, 0))
    with pytest.raises(TypeError, match="less than operand ndim"):
        S.rev(arr(X32), (3,))
    check_grads(lambda a: S.rev(a, (0, 2)), [X])
    for d in (0, 1, 3):
        check_vmap(lambda a: S.rev(a, (0, 2)), [rng.randn(*np.insert(X.shape, d, 3))], [d])


# ----------------------------------------------------------------------------------------------
# concatenate / split


def test_concatenate_values_and_errors():
    a, b = X32, X32[:, :2]
    np.testing.assert_array_equal(
        val(S.concatenate([arr(a), arr(b)], 1)), np.concatenate([a, b], 1)
    )
    e = eqn(lambda p, q: S.concatenate([p, q, p], 0), ((2, 3), np.float32), ((1, 3), np.float32))
    assert e.params == {"dimension": 0} and len(e.invars) == 3
    assert not jaxpr_of(lambda p: S.concatenate([p], 0), ((2,), np.float32)).eqns
    with pytest.raises(TypeError, match="differ in dimensions other than"):
        S.concatenate([arr(a), arr(b)], 0)
    with pytest.raises(TypeError, match="different numbers of dimensions"):
        S.concatenate([arr(a), arr(a[0])], 0)
    with pytest.raises(TypeError, match="same dtypes, got float32, int32"):
        S.concatenate([arr(a), arr(a.astype(np.int32))], 0)
    with pytest.raises(TypeError, match="dimension out of bounds"):
        S.concatenate([arr(a), arr(a)], 3)
    with pytest.raises(ValueError, match="non-empty"):
        S.concatenate([], 0)


def test_concatenate_grad():
    a, b, c = rng.randn(2, 3), rng.randn(2, 1), rng.randn(2, 4)
    check_grads(lambda p, q, r: S.concatenate([p, q, r], 1), [a, b, c])
    # only some operands linear: the transpose skips constant operands
    check_grads(lambda p: S.concatenate([p, arr(b), p], 1), [a])


def test_concatenate_vmap_mixed():
    a, b = rng.randn(3, 2, 4), rng.randn(2, 3, 5)
    f = lambda p, q: S.concatenate([p, q], 1)
    check_vmap(f, [a, b], [0, 1])
    check_vmap(f, [a, b[:, 0]], [0, None])
    check_vmap(f, [a[0], b], [None, 1])
    check_vmap(f, [rng.randn(2, 3, 4), rng.randn(2, 3, 5)], [1, 1])


def test_split():
    x = rng.randn(2, 6).astype(np.float32)
    parts = S.split(arr(x), (1, 2, 3), 1)
    for p, r in zip(parts, np.split(x, [1, 3], 1)):
        np.testing.assert_array_equal(val(p), r)
    e = eqn(lambda a: S.split(a, (2, 4), -1)[0], ((2, 6), np.float32))
    assert e.params == {"sizes": (2, 4), "axis": 1} and len(e.outvars) == 2
    with pytest.raises(ValueError, match="Sum of sizes 5"):
        S.split(arr(x), (2, 3), 1)
    check_grads(lambda a: S.split(a, (2, 4), 1)[1], [rng.randn(2, 6)])
    check_vmap(lambda a: S.split(a, (2, 4), 1)[1], [rng.randn(2, 3, 6)], [1])


# ----------------------------------------------------------------------------------------------
# pad


def _np_pad(x, pv, config):
    out = x
    for ax, (lo, hi, interior) in enumerate(config):
        n = out.shape[ax]
        if n:
            idx = np.arange(n) * (interior + 1)
            shape = list(out.shape)
            shape[ax] = n + (n - 1) * interior
            dil = np.full(shape, pv, out.dtype)
            sl = [slice(None)] * out.ndim
            sl[ax] = idx
            dil[tuple(sl)] = out
            out = dil
        lo_s, hi_s = list(out.shape), list(out.shape)
        lo_s[ax], hi_s[ax] = max(lo, 0), max(hi, 0)
        out = np.concatenate([np.full(lo_s, pv, out.dtype), out, np.full(hi_s, pv, out.dtype)], ax)
        sl = [slice(None)] * out.ndim
        sl[ax] = slice(max(-lo, 0), out.shape[ax] - max(-hi, 0))
        out = out[tuple(sl)]
    return out


PAD_CONFIGS = [
    ((1, 2, 0), (0, 0, 1), (2, -1, 0)),
    ((-1, 0, 1), (1, -2, 2), (0, 0, 0)),
    ((0, 0, 0), (-3, 1, 0), (-1, -1, 1)),
]


@pytest.mark.parametrize("config_", PAD_CONFIGS)
def test_pad_values(config_):
    out = S.pad(arr(X32), np.float32(-7), config_)
    np.testing.assert_array_equal(val(out), _np_pad(X32, np.float32(-7), config_))
    assert val(out).dtype == np.float32


def test_pad_params_and_errors():
    e = eqn(lambda a: S.pad(a, 0.0, [(1, 2, 0), (0, 0, 1)]), ((2, 3), np.float32))
    assert e.params == {"padding_config": ((1, 2, 0), (0, 0, 1))}
    assert type(e.invars[1]).__name__ == "Literal" and e.invars[1].aval.dtype == np.float32
    with pytest.raises(TypeError, match="same dtype: got float32 and int32"):
        S.pad(arr(X32), np.int32(0), [(0, 0, 0)] * 3)
    with pytest.raises(ValueError, match="length of padding_config"):
        S.pad(arr(X32), np.float32(0), [(0, 0, 0)] * 2)
    with pytest.raises(ValueError, match="interior padding"):
        S.pad(arr(X32), np.float32(0), [(0, 0, -1)] * 3)
    with pytest.raises(ValueError, match="not at least 0"):
        S.pad(arr(X32), np.float32(0), [(-3, -3, 0), (0, 0, 0), (0, 0, 0)])
    with pytest.raises(ValueError, match="scalar"):
        S.pad(arr(X32), arr(np.zeros(2, np.float32)), [(0, 0, 0)] * 3)


@pytest.mark.parametrize("config_", PAD_CONFIGS)
def test_pad_grad(config_):
    check_grads(lambda a, p: S.pad(a, p, config_), [X, np.array(0.5)])
    check_grads(lambda a: S.pad(a, arr(np.float64(2.0)), config_), [X])


def test_pad_vmap():
    c = ((1, 0, 1), (-1, 2, 0))
    x, pv = rng.randn(3, 2, 4), rng.randn(3)
    f = lambda a, p: S.pad(a, p, c)
    check_vmap(f, [x, pv[0]], [0, None])
    check_vmap(f, [np.moveaxis(x, 0, 2), pv[0]], [2, None])
    check_vmap(f, [x, pv], [0, 0])
    check_vmap(f, [x[0], pv], [None, 0])
    check_vmap(f, [np.moveaxis(x, 0, 1), pv], [1, 0])


# ----------------------------------------------------------------------------------------------
# iota and constructors


def test_iota():
    np.testing.assert_array_equal(val(S.iota(np.int32, 4)), np.arange(4, dtype=np.int32))
    out = val(S.broadcasted_iota(np.float32, (2, 3), 1))
    np.testing.assert_array_equal(out, np.broadcast_to(np.arange(3, dtype=np.float32), (2, 3)))
    e = eqn(lambda: S.iota(np.int32, 5))
    assert e.params == {
        "dtype": np.dtype(np.int32),
        "shape": (5,),
        "dimension": 0,
        "sharding": None,
    }
    assert val(S.iota(int, 2)).dtype == np.int32
    config.update("jax_enable_x64", True)
    assert val(S.iota(int, 2)).dtype == np.int64
    with pytest.raises(TypeError, match="iota does not accept dtype bool"):
        S.iota(np.bool_, 3)
    with pytest.raises(ValueError, match="iota dimension must be between"):
        S.broadcasted_iota(np.int32, (2, 3), 2)


def test_full_and_full_like():
    out = S.full((2, 3), 1.0)
    assert val(out).dtype == np.float32 and out.weak_type
    out = S.full((2,), 1.5, np.int32)
    np.testing.assert_array_equal(val(out), [1, 1])
    assert not out.weak_type
    assert S.full((), 2.0).shape == ()
    e = eqn(lambda: S.full((2, 3), 1.0, np.float32))
    assert e.primitive.name == "broadcast_in_dim"
    out = S.full_like(arr(X32), 2)
    assert val(out).dtype == np.float32 and val(out).shape == X32.shape and not out.weak_type
    assert S.full_like(1.0, 3).weak_type
    assert val(S.full_like(arr(X32), 1, np.int32, (2,))).dtype == np.int32
    with pytest.raises(TypeError, match="scalar fill_value"):
        S.full((2,), arr(np.ones(2)))
    # a traced fill value is converted then broadcast
    j = jaxpr_of(lambda a: S.full((2,), a, np.int32), ((), np.float32))
    assert [e.primitive.name for e in j.eqns] == ["convert_element_type", "broadcast_in_dim"]
    check_grads(lambda a: S.full((2, 2), a), [np.array(1.5)])
    check_vmap(lambda a: S.full((2,), a), [rng.randn(3)], [0])


def test_broadcast_and_collapse():
    assert val(S.broadcast(arr(X32), (5, 1))).shape == (5, 1, 2, 3, 4)
    assert not jaxpr_of(lambda a: S.broadcast(a, ()), ((2,), np.float32)).eqns
    assert val(S.collapse(arr(X32), 1)).shape == (2, 12)
    assert val(S.collapse(arr(X32), -2, None)).shape == (2, 12)
    assert val(S.collapse(arr(X32), 0, 2)).shape == (6, 4)
    assert val(S.collapse(arr(X32), 1, 1)).shape == (2, 1, 3, 4)
    check_grads(lambda a: S.collapse(S.broadcast(a, (2,)), 0, 2), [X])


# ----------------------------------------------------------------------------------------------
# index_in_dim / slice_in_dim / dynamic_index_in_dim


def test_index_and_slice_in_dim():
    np.testing.assert_array_equal(val(S.index_in_dim(arr(X32), -1, 1, keepdims=False)), X32[:, -1])
    np.testing.assert_array_equal(val(S.index_in_dim(arr(X32), 1, 2)), X32[:, :, 1:2])
    np.testing.assert_array_equal(val(S.slice_in_dim(arr(X32), -3, None, 2, 2)), X32[:, :, 1::2])
    np.testing.assert_array_equal(val(S.slice_in_dim(arr(X32), None, 2, axis=1)), X32[:, :2])
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 1 with size 3"):
        S.index_in_dim(arr(X32), 5, 1)
    j = jaxpr_of(lambda a: S.index_in_dim(a, 1, 0, keepdims=False), ((2, 3), np.float32))
    assert [e.primitive.name for e in j.eqns] == ["slice", "squeeze"]
    assert j.eqns[0].params["strides"] == (1, 1)
    check_grads(lambda a: S.index_in_dim(a, 1, 1, keepdims=False), [X])
    check_vmap(lambda a: S.slice_in_dim(a, 1, 3, 1, 1), [rng.randn(2, 3, 4)], [1])


def test_dynamic_index_in_dim():
    for i in (0, 2, -1, 7, -9):
        out = S.dynamic_index_in_dim(arr(X32), arr(np.int32(i)), 1, keepdims=False)
        j = min(max(i + 3 if i < 0 else i, 0), 2)
        np.testing.assert_array_equal(val(out), X32[:, j])
    out = S.dynamic_index_in_dim(arr(X32), 1, 2)
    assert val(out).shape == (2, 3, 1)


def test_tracer_iteration():
    j = jaxpr_of(lambda a: next(iter(a)), ((3, 2), np.float32))
    assert [e.primitive.name for e in j.eqns] == ["slice", "squeeze"]
    outs = batching.vmap_flat(lambda a: list(a), 2, [0], [0, 0, 0], [arr(X32[:, :, 0])])
    for k, o in enumerate(outs):
        np.testing.assert_array_equal(val(o), X32[:, k, 0])


def test_weak_types_pass_through():
    w = S.full((2, 3, 1), 1.0)
    assert w.weak_type
    assert S.squeeze(w, (2,)).weak_type
    assert S.rev(w, (0,)).weak_type
    assert S.concatenate([w, w], 0).weak_type
    assert not S.concatenate([w, arr(np.ones((2, 3, 1), np.float32))], 0).weak_type
    assert S.pad(w, 0.0, [(1, 1, 0)] * 3).weak_type
    assert not S.pad(w, np.float32(0), [(1, 1, 0)] * 3).weak_type

"""lax slicing, gather and scatter: values vs NumPy, derivatives vs finite differences, vmap vs
Python loops (operand, indices and updates batched in every combination)."""

import numpy as np
import pytest

# ----------------------------------------------------------------------------------------------
# Local helpers (flat APIs)
from flat_checks import _jvp, _vjp, arr, check_grads, check_vmap, val  # noqa: E402

from jaxlite._src import core
from jaxlite._src.interpreters import ad, batching
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite._src.lax import shape as S
from jaxlite._src.lax import slicing as L
from jaxlite._src.lax.slicing import GatherDimensionNumbers as GDN
from jaxlite._src.lax.slicing import GatherScatterMode
from jaxlite._src.lax.slicing import ScatterDimensionNumbers as SDN


def batched(a, d, size=3, rng=None, ints=None):
    """`a` with a batch axis of `size` inserted at `d` (varying along it)."""
    rng = rng or np.random.RandomState(7)
    shape = list(np.shape(a))
    shape.insert(d, size)
    if ints is not None:
        return rng.randint(ints[0], ints[1], shape).astype(np.asarray(a).dtype)
    return rng.randn(*shape).astype(np.asarray(a).dtype)


def jaxpr_of(f, *avals):
    return pe.trace_to_jaxpr(lambda *a: [f(*a)], [core.ShapedArray(s, d) for s, d in avals])


rng = np.random.RandomState(42)
X = rng.randn(4, 5, 6)
X32 = X.astype(np.float32)


# ----------------------------------------------------------------------------------------------
# Reference implementations (loops over elements; XLA semantics)


def ref_gather(operand, indices, dn, slice_sizes, mode="clip", fill=np.nan):
    r = operand.ndim
    batch = indices.shape[:-1]
    wdims = [
        d
        for d in range(r)
        if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims
    ]
    out_rank = len(batch) + len(wdims)
    bi, wi = iter(batch), iter(slice_sizes[d] for d in wdims)
    out_shape = tuple(next(wi) if p in dn.offset_dims else next(bi) for p in range(out_rank))
    out = np.empty(out_shape, operand.dtype)
    for o in np.ndindex(*out_shape):
        b = [o[p] for p in range(out_rank) if p not in dn.offset_dims]
        w = [o[p] for p in dn.offset_dims]
        vec = indices[tuple(b)]
        start = [0] * r
        for k, d in enumerate(dn.start_index_map):
            start[d] = int(vec[k])
        for od, idim in zip(dn.operand_batching_dims, dn.start_indices_batching_dims):
            start[od] = b[idim]
        oob = any(
            start[d] < 0 or start[d] > operand.shape[d] - slice_sizes[d] for d in dn.start_index_map
        )
        for d in dn.start_index_map:
            start[d] = min(max(start[d], 0), operand.shape[d] - slice_sizes[d])
        for j, d in enumerate(wdims):
            start[d] += w[j]
        out[o] = fill if (mode == "fill" and oob) else operand[tuple(start)]
    return out


def ref_scatter(operand, indices, updates, dn, combine, mode="fill"):
    out = np.array(operand, copy=True)
    r = out.ndim
    wdims = [
        d
        for d in range(r)
        if d not in dn.inserted_window_dims and d not in dn.operand_batching_dims
    ]
    sizes = [1] * r
    for a, d in zip(dn.update_window_dims, wdims):
        sizes[d] = updates.shape[a]
    for u in np.ndindex(*updates.shape):
        b = [u[a] for a in range(updates.ndim) if a not in dn.update_window_dims]
        w = [u[a] for a in dn.update_window_dims]
        vec = indices[tuple(b)]
        start = [0] * r
        for k, d in enumerate(dn.scatter_dims_to_operand_dims):
            start[d] = int(vec[k])
        for od, idim in zip(dn.operand_batching_dims, dn.scatter_indices_batching_dims):
            start[od] = b[idim]
        oob = any(
            start[d] < 0 or start[d] > r_sz - sizes[d]
            for d, r_sz in zip(range(r), out.shape)
            if d in dn.scatter_dims_to_operand_dims
        )
        if mode == "clip":
            for d in dn.scatter_dims_to_operand_dims:
                start[d] = min(max(start[d], 0), out.shape[d] - sizes[d])
        elif oob:
            continue
        for j, d in enumerate(wdims):
            start[d] += w[j]
        t = tuple(start)
        out[t] = updates[u] if combine is None else combine(out[t], updates[u])
    return out


GATHER_CASES = [
    # (dimension numbers, slice_sizes, index shape, index range)
    (GDN((1,), (0, 1), (0, 1)), (1, 1, 3), (7, 2), (-2, 7)),
    (GDN((0, 2), (1,), (1,)), (2, 1, 3), (3, 4, 1), (-1, 6)),
    (GDN((1, 2, 3), (), (2, 0)), (2, 2, 2), (5, 2), (-1, 6)),
    (GDN((2,), (1,), (1,), (0,), (1,)), (1, 1, 4), (3, 4, 1), (0, 5)),
    (GDN((), (0, 1, 2), (0, 1, 2)), (1, 1, 1), (2, 3, 3), (0, 4)),
    (GDN((0, 1, 2), (), ()), (2, 2, 2), (3, 0), (0, 1)),
]


# ----------------------------------------------------------------------------------------------
# slice


def test_slice_values_params_errors():
    np.testing.assert_array_equal(val(L.slice(arr(X32), (1, 0, 2), (3, 5, 6))), X32[1:3, :, 2:])
    np.testing.assert_array_equal(
        val(L.slice(arr(X32), (0, 1, 0), (4, 5, 6), (2, 3, 4))), X32[::2, 1::3, ::4]
    )
    (e,) = jaxpr_of(lambda a: L.slice(a, (0, 1), (2, 3)), ((2, 3), np.float32)).eqns
    assert e.params == {"start_indices": (0, 1), "limit_indices": (2, 3), "strides": None}
    with pytest.raises(TypeError, match="limit_indices must be less than or equal"):
        L.slice(arr(X32), (0, 0, 0), (4, 7, 6))
    with pytest.raises(TypeError, match="start_indices must have every element be nonneg"):
        L.slice(arr(X32), (0, -1, 0), (4, 1, 6))
    with pytest.raises(TypeError, match="greater than or equal to start_indices"):
        L.slice(arr(X32), (0, 2, 0), (4, 1, 6))
    with pytest.raises(TypeError, match=r"length equal to the number of dimensions.*\(4, 5, 6\)"):
        L.slice(arr(X32), (0, 0), (1, 1))
    with pytest.raises(TypeError, match="strides must be positive"):
        L.slice(arr(X32), (0, 0, 0), (1, 1, 1), (1, 0, 1))


@pytest.mark.parametrize("strides", [None, (2, 3, 4), (1, 2, 5)])
def test_slice_grad_vmap(strides):
    f = lambda a: L.slice(a, (1, 0, 1), (4, 5, 6), strides)
    check_grads(f, [X])
    for d in (0, 1, 3):
        check_vmap(f, [batched(X, d)], [d])
    # empty result along an axis
    check_grads(lambda a: L.slice(a, (1, 2, 0), (1, 5, 6), strides), [X], order=1)


# ----------------------------------------------------------------------------------------------
# dynamic_slice / dynamic_update_slice


@pytest.mark.parametrize("i", [0, 2, -1, 4, -7, 9])
def test_dynamic_slice_values_clamp(i):
    out = L.dynamic_slice(arr(X32), (i, arr(np.int32(i)), 1), (2, 3, 4))
    j = i + 4 if i < 0 else i
    k = i + 5 if i < 0 else i
    j, k = min(max(j, 0), 2), min(max(k, 0), 2)
    np.testing.assert_array_equal(val(out), X32[j : j + 2, k : k + 3, 1:5])
    np.testing.assert_array_equal(
        val(L.dynamic_slice(arr(X32), (i, 0, 0), (2, 3, 4), allow_negative_indices=False)),
        X32[min(max(i, 0), 2) :][:2, :3, :4],
    )


def test_dynamic_slice_jaxpr_matches_jax():
    j = jaxpr_of(
        lambda a, i: L.dynamic_slice(a, (i, 1), (2, 2)), ((5, 4), np.float32), ((), np.int32)
    )
    names = [e.primitive.name for e in j.eqns]
    assert names == ["lt", "add", "select_n", "dynamic_slice"]
    assert j.eqns[-1].params == {"slice_sizes": (2, 2)}
    lit = j.eqns[-1].invars[2]
    assert lit.aval.dtype == np.int32 and not lit.aval.weak_type
    # a weak-typed index is converted before adding the size, as in JAX
    tr = pe.JaxprTrace(core.current_trace())
    a = tr.new_arg(core.ShapedArray((5, 4), np.float32))
    i = tr.new_arg(core.ShapedArray((), np.int32, weak_type=True))
    with core.set_current_trace(tr):
        out = L.dynamic_slice_in_dim(a, i, 2, 1)
    j = tr.to_jaxpr([out])
    assert [e.primitive.name for e in j.eqns] == [
        "lt",
        "convert_element_type",
        "add",
        "select_n",
        "dynamic_slice",
    ]
    # static indices are normalised in Python
    j = jaxpr_of(lambda a: L.dynamic_slice(a, (-1, 2), (1, 2)), ((5, 4), np.float32))
    assert [e.primitive.name for e in j.eqns] == ["dynamic_slice"]
    assert [int(v.val) for v in j.eqns[0].invars[1:]] == [4, 2]


def test_dynamic_slice_errors():
    with pytest.raises(TypeError, match="integers of the same type, got: int16, int32"):
        L.dynamic_slice(arr(X32), (np.int16(1), 0, 0), (1, 1, 1))
    with pytest.raises(ValueError, match="Length of slice indices"):
        L.dynamic_slice(arr(X32), (1, 0), (1, 1, 1))
    with pytest.raises(TypeError, match="dynamic_slice slice_sizes .* operand shape"):
        L.dynamic_slice(arr(X32), (0, 0, 0), (5, 1, 1))
    with pytest.raises(TypeError, match="integer scalars"):
        L.dynamic_slice(arr(X32), (arr(np.float32(1)), 0, 0), (1, 1, 1))
    u = arr(np.zeros((2, 7, 1), np.float32))
    with pytest.raises(TypeError, match="update shape must be smaller than operand shape"):
        L.dynamic_update_slice(arr(X32), u, (0, 0, 0))
    with pytest.raises(TypeError, match="same dtypes, got float32, int32"):
        L.dynamic_update_slice(arr(X32), arr(np.zeros((1, 1, 1), np.int32)), (0, 0, 0))
    with pytest.raises(TypeError, match="same rank"):
        L.dynamic_update_slice(arr(X32), arr(np.zeros((1, 1), np.float32)), (0, 0, 0))


def test_dynamic_slice_grad_and_vmap():
    f = lambda a, i, j: L.dynamic_slice(a, (i, j, 2), (2, 3, 3))
    i, j = np.int32(3), np.int32(-2)
    ib = np.array([0, 3, -1], np.int32)
    jb = np.array([1, -5, 2], np.int32)
    check_vmap(f, [batched(X32, 0), i, j], [0, None, None])
    check_vmap(f, [batched(X32, 2), i, j], [2, None, None])
    check_vmap(f, [X32, ib, j], [None, 0, None])
    check_vmap(f, [X32, ib, jb], [None, 0, 0])
    check_vmap(f, [batched(X32, 1), i, jb], [1, None, 0])
    check_vmap(f, [batched(X32, 3), ib, jb], [3, 0, 0])
    # (after the vmap checks) check_grads enables x64, where Python-int indices are int64:
    # keep one index dtype
    check_grads(lambda a: f(a, arr(np.int64(i)), arr(np.int64(j))), [X])
    # gradient through the batched (gather) form
    g = lambda a: batching.vmap_flat(
        lambda x, k: [L.dynamic_slice(x, (k, 0, 0), (2, 2, 2))],
        3,
        [0, 0],
        [0],
        [a, arr(ib.astype(np.int64))],
    )[0]
    check_grads(g, [batched(X, 0)])


def test_dynamic_update_slice_values():
    u = rng.randn(2, 2, 3).astype(np.float32)
    for i in (0, 3, -1, 9, -9):
        out = L.dynamic_update_slice(arr(X32), arr(u), (arr(np.int32(i)), 1, 5))
        j = min(max(i + 4 if i < 0 else i, 0), 2)
        ref = X32.copy()
        ref[j : j + 2, 1:3, 3:6] = u
        np.testing.assert_array_equal(val(out), ref)
    out = L.dynamic_update_index_in_dim(
        arr(X32), arr(u[0, 0, 0] + np.zeros((5, 6), np.float32)), 2, 0
    )
    ref = X32.copy()
    ref[2] = u[0, 0, 0]
    np.testing.assert_array_equal(val(out), ref)
    j = jaxpr_of(
        lambda a, b: L.dynamic_update_index_in_dim(a, b, 1, 0),
        ((5, 4), np.float32),
        ((4,), np.float32),
    )
    assert [e.primitive.name for e in j.eqns] == ["broadcast_in_dim", "dynamic_update_slice"]


def test_dynamic_update_slice_grad_and_vmap():
    u = rng.randn(2, 2, 3)
    f = lambda a, b, i: L.dynamic_update_slice(a, b, (i, 1, 2))
    u32 = u.astype(np.float32)
    ib = np.array([0, 3, -1], np.int32)
    i = np.int32(1)
    check_vmap(f, [batched(X32, 0), u32, i], [0, None, None])
    check_vmap(f, [X32, batched(u32, 2), i], [None, 2, None])
    check_vmap(f, [batched(X32, 1), batched(u32, 1), i], [1, 1, None])
    check_vmap(f, [X32, u32, ib], [None, None, 0])
    check_vmap(f, [batched(X32, 2), u32, ib], [2, None, 0])
    check_vmap(f, [batched(X32, 0), batched(u32, 3), ib], [0, 3, 0])
    check_grads(lambda a, b: f(a, b, arr(np.int64(3))), [X, u])
    check_grads(lambda a: f(a, arr(u), arr(np.int64(1))), [X])
    g = lambda a, b: batching.vmap_flat(
        lambda x, y, k: [L.dynamic_update_slice(x, y, (k, 0, 0))],
        3,
        [0, None, 0],
        [0],
        [a, b, arr(ib.astype(np.int64))],
    )[0]
    check_grads(g, [batched(X, 0), u])


# ----------------------------------------------------------------------------------------------
# gather


@pytest.mark.parametrize("case", range(len(GATHER_CASES)))
@pytest.mark.parametrize("mode", [None, "clip", "fill", "promise_in_bounds"])
def test_gather_values(case, mode):
    dn, sizes, ishape, (lo, hi) = GATHER_CASES[case]
    idx = np.random.RandomState(case).randint(lo, hi, ishape).astype(np.int32)
    out = L.gather(arr(X32), arr(idx), dn, sizes, mode=mode)
    ref = ref_gather(X32, idx, dn, sizes, "fill" if mode == "fill" else "clip")
    assert val(out).dtype == np.float32
    np.testing.assert_array_equal(val(out), ref)


def test_gather_fill_values_by_dtype():
    dn = GDN((), (0,), (0,))
    idx = arr(np.array([[1], [7], [-1]], np.int32))
    for dt, fill in [(np.int32, np.iinfo(np.int32).min), (np.uint8, 255), (np.bool_, True)]:
        x = np.arange(5).astype(dt)
        out = val(L.gather(arr(x), idx, dn, (1,), mode="fill"))
        np.testing.assert_array_equal(out, np.array([x[1], fill, fill], dt))
    out = val(L.gather(arr(X32[:, 0, 0]), idx, dn, (1,), mode="fill", fill_value=-3))
    np.testing.assert_array_equal(out, np.array([X32[1, 0, 0], -3, -3], np.float32))


def test_gather_params():
    dn = GDN(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
    j = jaxpr_of(lambda a, i: L.gather(a, i, dn, [1, 3]), ((4, 3), np.float32), ((2, 1), np.int32))
    (e,) = j.eqns
    assert e.params == {
        "dimension_numbers": GDN((1,), (0,), (0,), (), ()),
        "slice_sizes": (1, 3),
        "indices_are_sorted": False,
        "unique_indices": False,
        "mode": GatherScatterMode.PROMISE_IN_BOUNDS,
        "fill_value": None,
    }
    assert str(e.params["mode"]) == "GatherScatterMode.PROMISE_IN_BOUNDS"
    assert repr(e.params["dimension_numbers"]) == (
        "GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), "
        "start_index_map=(0,), operand_batching_dims=(), start_indices_batching_dims=())"
    )
    e = jaxpr_of(
        lambda a, i: L.gather(a, i, dn, (1, 3), mode="fill"),
        ((4, 3), np.float32),
        ((2, 1), np.int32),
    ).eqns[0]
    assert e.params["mode"] is GatherScatterMode.FILL_OR_DROP and np.isnan(e.params["fill_value"])
    assert GatherScatterMode.from_any(None) is GatherScatterMode.FILL_OR_DROP
    with pytest.raises(ValueError, match="Unknown gather mode"):
        GatherScatterMode.from_any("wrap")


def test_gather_errors():
    dn = GDN((1,), (0,), (0,))
    x, i = arr(np.zeros((4, 3), np.float32)), arr(np.zeros((2, 1), np.int32))
    with pytest.raises(TypeError, match="gather indices must have an integer type"):
        L.gather(x, arr(np.zeros((2, 1), np.float32)), dn, (1, 3))
    with pytest.raises(TypeError, match="slice_sizes must be 1 at collapsed_slice_dims"):
        L.gather(x, i, dn, (2, 3))
    with pytest.raises(TypeError, match=r"slice_sizes .* operand shape \(4, 3\)"):
        L.gather(x, i, dn, (1, 4))
    with pytest.raises(TypeError, match="start_index_map .* one entry per element"):
        L.gather(x, arr(np.zeros((2, 2), np.int32)), dn, (1, 3))
    with pytest.raises(TypeError, match="offset_dims .* one entry per operand dimension"):
        L.gather(x, i, GDN((1, 2), (0,), (0,)), (1, 3))
    with pytest.raises(TypeError, match="offset_dims must be in the range"):
        L.gather(x, i, GDN((5,), (0,), (0,)), (1, 3))
    with pytest.raises(TypeError, match="must pair axes of equal sizes"):
        L.gather(x, arr(np.zeros((3, 1), np.int32)), GDN((1,), (), (1,), (0,), (0,)), (1, 1))
    with pytest.raises(TypeError, match="GatherDimensionNumbers"):
        L.gather(x, i, ((1,), (0,), (0,)), (1, 3))
    with pytest.raises(NotImplementedError, match="one_hot"):
        L.gather(x, i, dn, (1, 3), mode="one_hot")


@pytest.mark.parametrize("case", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("mode", ["clip", "fill", "promise_in_bounds"])
def test_gather_grad(case, mode):
    dn, sizes, ishape, (lo, hi) = GATHER_CASES[case]
    idx = np.random.RandomState(case).randint(lo, hi, ishape).astype(np.int32)
    fill = 0.0 if mode == "fill" else None  # (NaN fill would make differences NaN)
    if mode == "promise_in_bounds":  # as in JAX, out-of-bounds gradients are undefined there
        hi = [X.shape[d] - sizes[d] for d in dn.start_index_map]
        idx = np.clip(idx, 0, np.array(hi, np.int32)) if hi else idx
    check_grads(lambda a: L.gather(a, arr(idx), dn, sizes, mode=mode, fill_value=fill), [X])


def test_gather_fill_tangent_is_zero():
    dn = GDN((), (0,), (0,))
    idx = arr(np.array([[1], [7]], np.int32))
    t = _jvp(
        lambda a: L.gather(a, idx, dn, (1,), mode="fill"), [arr(np.arange(5.0))], [arr(np.ones(5))]
    )
    np.testing.assert_array_equal(val(t), [1.0, 0.0])


@pytest.mark.parametrize("case", range(len(GATHER_CASES)))
def test_gather_vmap(case):
    dn, sizes, ishape, (lo, hi) = GATHER_CASES[case]
    idx = np.random.RandomState(case).randint(lo, hi, ishape).astype(np.int32)
    f = lambda a, i: L.gather(a, i, dn, sizes, mode="fill")
    check_vmap(f, [batched(X32, 0), idx], [0, None])
    check_vmap(f, [batched(X32, 2), idx], [2, None])
    check_vmap(f, [X32, batched(idx, 0, ints=(lo, hi))], [None, 0])
    check_vmap(f, [X32, batched(idx, idx.ndim, ints=(lo, hi))], [None, idx.ndim])
    check_vmap(f, [batched(X32, 1), batched(idx, 1, ints=(lo, hi))], [1, 1])
    check_vmap(f, [batched(X32, 3), batched(idx, 0, ints=(lo, hi))], [3, 0])


def test_gather_vmap_of_grad():
    dn, sizes, ishape, (lo, hi) = GATHER_CASES[1]
    idx = batched(np.zeros(ishape, np.int32), 0, ints=(lo, hi))

    def g(a, i):
        return _vjp(
            lambda x: L.gather(x, i, dn, sizes, mode="fill"), [a], arr(np.ones((2, 3, 3, 4)))
        )[0]

    check_vmap(g, [batched(X, 0), idx], [0, 0])


# ----------------------------------------------------------------------------------------------
# scatter family

SCATTER_CASES = [
    # (dimension numbers, index shape, index range, updates shape)
    (SDN((1,), (0, 1), (0, 1)), (7, 2), (-2, 7), (7, 6)),
    (SDN((0, 2), (1,), (1,)), (3, 4, 1), (-1, 6), (4, 3, 6, 4)),
    (SDN((1, 2, 3), (), (2, 0)), (5, 2), (-1, 6), (5, 2, 2, 2)),
    (SDN((2,), (1,), (1,), (0,), (1,)), (3, 4, 1), (0, 5), (3, 4, 6)),
    (SDN((), (0, 1, 2), (0, 1, 2)), (2, 3, 3), (0, 3), (2, 3)),
]
COMBINE = {
    "scatter": None,
    "scatter_add": np.add,
    "scatter_mul": np.multiply,
    "scatter_min": np.minimum,
    "scatter_max": np.maximum,
}


def _scatter_case(case, seed=0):
    dn, ishape, (lo, hi), ushape = SCATTER_CASES[case]
    r = np.random.RandomState(seed + case)
    return dn, r.randint(lo, hi, ishape).astype(np.int32), r.randn(*ushape), (lo, hi)


@pytest.mark.parametrize("name", list(COMBINE))
@pytest.mark.parametrize("case", range(len(SCATTER_CASES)))
@pytest.mark.parametrize("mode", [None, "clip", "promise_in_bounds"])
def test_scatter_values(name, case, mode):
    dn, idx, u, _ = _scatter_case(case)
    u = u.astype(np.float32)
    out = getattr(L, name)(arr(X32), arr(idx), arr(u), dn, mode=mode)
    ref = ref_scatter(X32, idx, u, dn, COMBINE[name], "clip" if mode == "clip" else "fill")
    assert val(out).dtype == np.float32
    np.testing.assert_array_equal(val(out), ref)


def test_scatter_int_and_scalar_operand():
    dn = SDN((), (0,), (0,))
    x = np.arange(5, dtype=np.int32)
    idx = np.array([[1], [1], [4], [9]], np.int32)
    u = np.array([10, 20, 30, 40], np.int32)
    np.testing.assert_array_equal(
        val(L.scatter_add(arr(x), arr(idx), arr(u), dn)), [0, 31, 2, 3, 34]
    )
    np.testing.assert_array_equal(val(L.scatter(arr(x), arr(idx), arr(u), dn)), [0, 20, 2, 3, 30])
    # rank-0 operand: updates all land on the one cell
    out = L.scatter_add(
        arr(np.float32(1)),
        arr(np.zeros((3, 0), np.int32)),
        arr(np.ones(3, np.float32)),
        SDN((), (), ()),
    )
    assert val(out) == 4.0


def test_scatter_params_and_errors():
    dn = SDN((1,), (0,), (0,))
    j = jaxpr_of(
        lambda a, i, u: L.scatter_add(a, i, u, dn),
        ((4, 3), np.float32),
        ((2, 1), np.int32),
        ((2, 3), np.float32),
    )
    (e,) = j.eqns
    assert e.primitive.name == "scatter-add"
    assert set(e.params) == {
        "dimension_numbers",
        "indices_are_sorted",
        "unique_indices",
        "mode",
        "update_jaxpr",
        "update_consts",
    }
    assert e.params["mode"] is GatherScatterMode.FILL_OR_DROP and e.params["update_consts"] == ()
    assert [q.primitive.name for q in e.params["update_jaxpr"].eqns] == ["add"]
    names = {
        "scatter": "scatter",
        "scatter_mul": "scatter-mul",
        "scatter_min": "scatter-min",
        "scatter_max": "scatter-max",
    }
    for fn, prim in names.items():
        (e,) = jaxpr_of(
            lambda a, i, u, fn=fn: getattr(L, fn)(a, i, u, dn, mode="clip"),
            ((4, 3), np.float32),
            ((2, 1), np.int32),
            ((2, 3), np.float32),
        ).eqns
        assert e.primitive.name == prim and e.params["mode"] is GatherScatterMode.CLIP
        assert (e.params["update_jaxpr"] is None) == (fn == "scatter")
    x, i = arr(np.zeros((4, 3), np.float32)), arr(np.zeros((2, 1), np.int32))
    with pytest.raises(TypeError, match="scatter-add requires arguments to have the same dtypes"):
        L.scatter_add(x, i, arr(np.zeros((2, 3), np.int32)), dn)
    with pytest.raises(TypeError, match=r"updates shape \(3, 3\) must have the indices batch"):
        L.scatter(x, i, arr(np.zeros((3, 3), np.float32)), dn)
    with pytest.raises(TypeError, match="update windows must fit"):
        L.scatter_max(x, i, arr(np.zeros((2, 5), np.float32)), dn)
    with pytest.raises(TypeError, match="scatter_dims_to_operand_dims must be in the range"):
        L.scatter_min(x, i, arr(np.zeros((2, 3), np.float32)), SDN((1,), (0,), (3,)))


@pytest.mark.parametrize("case", range(len(SCATTER_CASES)))
@pytest.mark.parametrize("mode", ["clip", "fill"])
def test_scatter_add_grad(case, mode):
    dn, idx, u, _ = _scatter_case(case)
    check_grads(lambda a, b: L.scatter_add(a, arr(idx), b, dn, mode=mode), [X, u])


@pytest.mark.parametrize("case", range(len(SCATTER_CASES)))
@pytest.mark.parametrize("mode", ["clip", "fill"])
def test_scatter_grad_with_duplicates(case, mode):
    # indices collide (small range): only the winning update gets a derivative
    dn, idx, u, _ = _scatter_case(case)
    check_grads(lambda a, b: L.scatter(a, arr(idx), b, dn, mode=mode), [X, u])


def test_scatter_jvp_duplicates_matches_jax():
    dn = SDN((), (0,), (0,))
    idx = arr(np.array([[1], [1], [2]], np.int32))
    f = lambda a, b: L.scatter(a, idx, b, dn)
    x = np.arange(5.0, dtype=np.float32)
    out, (t,) = ad.jvp_flat(
        lambda a, b: [f(a, b)],
        [arr(x), arr(np.array([7, 8, 9], np.float32))],
        [arr(np.ones(5, np.float32)), arr(np.array([10, 20, 30], np.float32))],
    )
    np.testing.assert_array_equal(val(out[0]), [0, 8, 9, 3, 4])
    np.testing.assert_array_equal(val(t), [1, 20, 30, 1, 1])


def test_scatter_unique_indices_grad():
    dn = SDN((1,), (0,), (0,))
    idx = arr(np.array([[3], [0]], np.int32))
    f = lambda a, b: L.scatter(a, idx, b, dn, unique_indices=True, indices_are_sorted=False)
    check_grads(f, [rng.randn(4, 3), rng.randn(2, 3)])


def test_scatter_transpose_nonunique():
    # transposing the scatter itself (linear jointly): the losers of a collision get zero
    dn = SDN((), (0,), (0,))
    idx = arr(np.array([[1], [1], [3]], np.int32))
    ct = arr(np.arange(1.0, 6.0, dtype=np.float32))
    op, up = (
        ad.UndefinedPrimal(core.ShapedArray((5,), np.float32)),
        ad.UndefinedPrimal(core.ShapedArray((3,), np.float32)),
    )
    from jaxlite._src.lax.gather_scatter import scatter_p

    params = (
        jaxpr_of(lambda a, b: L.scatter(a, idx, b, dn), ((5,), np.float32), ((3,), np.float32))
        .eqns[0]
        .params
    )
    c_op, _, c_up = scatter_p.transpose(ct, op, idx, up, **params)
    np.testing.assert_array_equal(val(c_op), [1, 0, 3, 0, 5])
    np.testing.assert_array_equal(val(c_up), [0, 2, 4])


def test_scatter_mul_grad():
    dn, idx, u, _ = _scatter_case(1)
    check_grads(lambda a: L.scatter_mul(a, arr(idx), arr(u), dn), [X])
    dnu = SDN((1,), (0,), (0,))
    idx_u = arr(np.array([[3], [0]], np.int32))
    f = lambda a, b: L.scatter_mul(a, idx_u, b, dnu, unique_indices=True)
    check_grads(f, [rng.randn(4, 3), rng.randn(2, 3)])
    with pytest.raises(NotImplementedError, match="unique_indices=True"):
        _jvp(lambda b: L.scatter_mul(arr(X), arr(idx), b, dn), [arr(u)], [arr(u)])


@pytest.mark.parametrize("name", ["scatter_min", "scatter_max"])
@pytest.mark.parametrize("case", [0, 2, 3])
def test_scatter_extremal_grad(name, case):
    # random data: no ties, so finite differences are valid
    dn, idx, u, _ = _scatter_case(case)
    check_grads(lambda a, b: getattr(L, name)(a, arr(idx), b, dn), [X, u])


def test_scatter_max_ties_share_derivative():
    dn = SDN((), (0,), (0,))
    idx = arr(np.array([[1], [1], [2]], np.int32))
    x = np.arange(5.0, dtype=np.float32)
    out, (t,) = ad.jvp_flat(
        lambda a, b: [L.scatter_max(a, idx, b, dn)],
        [arr(x), arr(np.array([7, 7, 2], np.float32))],
        [arr(np.ones(5, np.float32)), arr(np.array([10, 20, 30], np.float32))],
    )
    np.testing.assert_array_equal(val(out[0]), [0, 7, 2, 3, 4])
    np.testing.assert_array_equal(val(t), [1, 15, 15.5, 1, 1])  # JAX's values


@pytest.mark.parametrize("name", list(COMBINE))
@pytest.mark.parametrize("case", [0, 1, 3])
def test_scatter_vmap(name, case):
    dn, idx, u, (lo, hi) = _scatter_case(case)
    u = u.astype(np.float32)
    f = lambda a, i, b: getattr(L, name)(a, i, b, dn, mode="clip" if case == 1 else None)
    bi = lambda d: batched(idx, d, ints=(lo, hi))
    check_vmap(f, [batched(X32, 0), idx, u], [0, None, None])
    check_vmap(f, [X32, idx, batched(u, 1)], [None, None, 1])
    check_vmap(f, [batched(X32, 2), idx, batched(u, 0)], [2, None, 0])
    check_vmap(f, [X32, bi(0), u], [None, 0, None])
    check_vmap(f, [X32, bi(idx.ndim), batched(u, 0)], [None, idx.ndim, 0])
    check_vmap(f, [batched(X32, 1), bi(1), batched(u, u.ndim)], [1, 1, u.ndim])
    check_vmap(f, [batched(X32, 3), bi(0), u], [3, 0, None])


def test_scatter_grad_under_vmap():
    dn, idx, u, (lo, hi) = _scatter_case(0)
    ib = batched(idx, 0, ints=(lo, hi))

    def g(a, b):
        return batching.vmap_flat(
            lambda x, i, y: [L.scatter(x, i, y, dn)], 3, [0, 0, None], [0], [a, arr(ib), b]
        )[0]

    check_grads(g, [batched(X, 0), u])


def test_weak_types():
    w = S.full((4, 3), 1.0)
    i = arr(np.array([[1], [2]], np.int32))
    assert L.gather(w, i, GDN((1,), (0,), (0,)), (1, 3)).weak_type
    dn = SDN((1,), (0,), (0,))
    assert L.scatter_add(w, i, arr(np.ones((2, 3), np.float32)), dn).weak_type
    assert not L.scatter(arr(np.ones((4, 3), np.float32)), i, S.full((2, 3), 1.0), dn).weak_type
    assert L.dynamic_slice(w, (1, 0), (2, 2)).weak_type
    assert L.slice(w, (0, 0), (1, 1)).weak_type
    assert not L.dynamic_update_slice(w, S.full((1, 1), 1.0), (1, 1)).weak_type

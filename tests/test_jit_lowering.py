"""jit lowering: primitives' `lower` rules and the generated code's buffer reuse give exactly
the eager results (values bit for bit, dtypes, weak types, shapes and layouts)."""

from __future__ import annotations

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax

RNG = np.random.RandomState(0)


def _rand(shape, dtype=np.float32):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return RNG.rand(*shape) > 0.5
    if dtype.kind in "iu":
        return RNG.randint(-5 if dtype.kind == "i" else 0, 6, size=shape).astype(dtype)
    if dtype.kind == "c":
        return (RNG.randn(*shape) + 1j * RNG.randn(*shape)).astype(dtype)
    return RNG.randn(*shape).astype(dtype)


def _arr(x):
    return jnp.asarray(x) if isinstance(x, np.ndarray) else x


def _same(got, want, what):
    gl, gt = jax.tree_util.tree_flatten(got)
    wl, wt = jax.tree_util.tree_flatten(want)
    assert gt == wt, what
    for g, w in zip(gl, wl, strict=True):
        if not isinstance(w, jax.Array):  # an input the eager function passed through
            w = jnp.asarray(w)
        gv, wv = np.asarray(g), np.asarray(w)
        assert gv.dtype == wv.dtype and gv.shape == wv.shape, (what, gv.dtype, wv.dtype)
        assert getattr(g, "weak_type", None) == getattr(w, "weak_type", None), what
        assert gv.tobytes() == wv.tobytes(), (what, gv, wv)  # bit for bit (NaN, -0.0 too)
        assert gv.strides == wv.strides, (what, gv.strides, wv.strides)  # the same layout


def check(f, *args, calls=3):
    """jit(f) equals f eagerly, on the first (compiling) call and on cached calls."""
    args = tuple(_arr(a) for a in args)
    want = f(*args)
    jf = jax.jit(f)
    for k in range(calls):
        _same(jf(*args), want, f"call {k}")
    return jf


# ----------------------------------------------------------------------------------------------
# dot_general

DOT_CASES = [
    # (lhs shape, rhs shape, dimension numbers)
    ((3, 4), (4, 5), (((1,), (0,)), ((), ()))),
    ((4, 3), (4, 5), (((0,), (0,)), ((), ()))),
    ((3, 4), (5, 4), (((1,), (1,)), ((), ()))),
    ((4, 3), (5, 4), (((0,), (1,)), ((), ()))),
    ((4,), (4,), (((0,), (0,)), ((), ()))),
    ((3, 4), (4,), (((1,), (0,)), ((), ()))),
    ((4,), (4, 5), (((0,), (0,)), ((), ()))),
    ((3,), (5,), (((), ()), ((), ()))),
    ((2, 3, 4), (2, 4, 5), (((2,), (1,)), ((0,), (0,)))),
    ((3, 2, 4), (4, 5, 2), (((2,), (0,)), ((1,), (2,)))),
    ((2, 3, 4, 6), (4, 6, 5), (((2, 3), (0, 1)), ((), ()))),
    ((2, 3, 4), (3, 2, 4), (((2,), (2,)), ((0, 1), (1, 0)))),
    ((1, 4), (4, 1), (((1,), (0,)), ((), ()))),
    ((0, 4), (4, 3), (((1,), (0,)), ((), ()))),
]


@pytest.mark.parametrize("ls, rs, dims", DOT_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.bool_, np.complex64])
def test_dot_general(ls, rs, dims, dtype):
    x, y = _rand(ls, dtype), _rand(rs, dtype)
    check(lambda a, b: lax.dot_general(a, b, dims), x, y)


@pytest.mark.parametrize("ls, rs, dims", DOT_CASES[:4] + DOT_CASES[8:10])
def test_dot_general_float64(x64, ls, rs, dims):
    x, y = _rand(ls, np.float64), _rand(rs, np.float64)
    check(lambda a, b: lax.dot_general(a, b, dims), x, y)


@pytest.mark.parametrize(
    "dtype, preferred",
    [
        (np.int8, np.int32),
        (np.float16, np.float32),
        (np.int32, np.float32),
        (np.complex64, np.float32),
        (np.bool_, np.int32),
    ],
)
def test_dot_general_preferred_element_type(dtype, preferred):
    x, y = _rand((3, 4), dtype), _rand((4, 2), dtype)
    dims = (((1,), (0,)), ((), ()))
    check(lambda a, b: lax.dot_general(a, b, dims, preferred_element_type=preferred), x, y)


def test_dot_general_scalar_operands_and_weak_types():
    dims = (((), ()), ((), ()))
    check(lambda a, b: lax.dot_general(a, b, dims), 2.0, 3.0)
    check(lambda a, b: lax.dot_general(a, b, dims), np.float32(2.0), _rand((3,)))
    check(lambda a: a @ a.T, _rand((3, 4)))


def test_dot_general_on_transposed_inputs():
    # Operands that are views with other layouts (transposed, strided) reach the same BLAS
    # calls eagerly and under jit.
    x = jnp.asarray(np.asfortranarray(_rand((6, 5))))
    y = jnp.transpose(jnp.asarray(_rand((7, 5))))
    check(lambda a, b: (a @ b, b.T @ a.T, jnp.sum(a @ b, axis=0)), x, y)


def test_dot_general_under_grad_and_vmap():
    w, x = _rand((4, 3)), _rand((5, 4))

    def loss(w, x):
        return jnp.sum(jnp.tanh(x @ w) ** 2)

    check(jax.grad(loss, argnums=(0, 1)), w, x)
    check(jax.vmap(lambda a, b: a @ b, in_axes=(0, None)), _rand((2, 5, 4)), w)
    check(jax.vmap(lambda a, b: a @ b, in_axes=(1, 0)), _rand((5, 2, 4)), _rand((2, 4, 3)))
    check(jax.vmap(jax.grad(loss), in_axes=(None, 0)), w, _rand((2, 5, 4)))


def test_transformations_of_jit_match_eager():
    w, x = _rand((40, 64)), _rand((64, 40))

    def loss(w, x):
        return jnp.sum(jnp.tanh(x @ w) ** 2) / 7.0

    for _ in range(2):
        _same(jax.grad(jax.jit(loss))(_arr(w), _arr(x)), jax.grad(loss)(_arr(w), _arr(x)), "")
        got = jax.vmap(jax.jit(loss), (None, 0))(_arr(w), _arr(x[None].repeat(2, 0)))
        _same(got, jax.vmap(loss, (None, 0))(_arr(w), _arr(x[None].repeat(2, 0))), "")


# ----------------------------------------------------------------------------------------------
# Shape primitives and reductions


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.bool_])
def test_shape_primitives(dtype):
    x = _rand((2, 3, 4), dtype)
    check(lambda a: lax.transpose(a, (2, 0, 1)), x)
    check(lambda a: lax.transpose(a, (1, 0, 2)), x)
    check(lambda a: lax.reshape(a, (6, 4)), x)
    check(lambda a: lax.reshape(lax.transpose(a, (2, 1, 0)), (4, 6)), x)
    check(lambda a: lax.broadcast_in_dim(a, (5, 2, 3, 4), (1, 2, 3)), x)
    check(lambda a: lax.broadcast_in_dim(a[0], (3, 2, 4), (0, 2)), x)
    check(lambda a: lax.squeeze(lax.reshape(a, (1, 6, 1, 4)), (0, 2)), x)
    check(lambda a: lax.reduce_sum(a, (0, 2)), x)
    check(lambda a: lax.reduce_sum(a, (1,)), x)
    check(lambda a: lax.reduce_sum(a, ()), x)
    check(lambda a: lax.slice(a, (0, 1, 0), (2, 3, 4), (1, 2, 3)), x)
    check(lambda a: lax.slice(a, (1, 0, 2), (2, 3, 4)), x)
    check(lambda a: (a[1:, ::2], a[0]), x)


def test_shape_primitives_rank0():
    for x in (np.float32(2.5), 2.5, np.int32(3), np.bool_(True)):
        check(lambda a: lax.broadcast_in_dim(a, (2, 3), ()), x)
        check(lambda a: lax.reshape(a, (1, 1)), x)
        check(lambda a: lax.transpose(a, ()), x)
        check(lambda a: lax.reduce_sum(lax.broadcast_in_dim(a, (3,), ()), (0,)), x)
        check(lambda a: lax.reduce_sum(a, ()), x)


def test_broadcast_results_are_read_only_as_eagerly():
    x = jnp.asarray(_rand((3,)))
    f = lambda a: lax.broadcast_in_dim(a, (2, 3), (1,))  # noqa: E731
    jf = jax.jit(f)
    for _ in range(2):
        assert not np.asarray(jf(x)).flags.writeable
    assert not np.asarray(f(x)).flags.writeable


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.bool_, np.uint8])
def test_reduce_max_min(dtype):
    x = _rand((3, 4, 2), dtype)
    for f in (lax.reduce_max, lax.reduce_min):
        check(lambda a, f=f: f(a, (0, 2)), x)
        check(lambda a, f=f: f(a, (1,)), x)
        check(lambda a, f=f: f(a, ()), x)
        check(lambda a, f=f: f(a, (1,)), np.zeros((2, 0, 3), dtype))
    check(lambda a: jnp.max(a, axis=0), np.array([[np.nan, 1.0], [2.0, -0.0]], np.float32))


def test_reduce_sum_float64_and_keepdims(x64):
    x = _rand((3, 4, 5), np.float64)
    check(lambda a: jnp.sum(a, axis=(0, 2), keepdims=True), x)
    check(lambda a: jnp.mean(a, axis=1), x)


# ----------------------------------------------------------------------------------------------
# Elementwise lowerings


@pytest.mark.parametrize(
    "op", ["exp", "expm1", "log", "sin", "cos", "tan", "asin", "acos", "cbrt", "tanh", "neg"]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.complex64])
def test_unary(op, dtype):
    x = _rand((3, 5), dtype) * 0.5
    if op == "cbrt" and dtype == np.complex64:  # real floats only, as in JAX: eager and jit
        for f in (lax.cbrt, jax.jit(lax.cbrt)):
            with pytest.raises(TypeError, match="cbrt"):
                f(x)
        return
    if op == "log" and dtype != np.complex64:
        x = np.abs(x) + 0.1
    check(getattr(lax, op), x)
    check(getattr(lax, op), x[0, 0])


def test_unary_float64(x64):
    x = _rand((4,), np.float64) * 0.5
    for op in ("exp", "sin", "cos", "log1p", "asin"):
        check(getattr(lax, op), x)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.complex64, np.float16])
def test_binary(dtype):
    x, y = _rand((3, 4), dtype), _rand((3, 4), dtype)
    if np.dtype(dtype).kind in "iu":
        y = np.where(y == 0, 3, y).astype(dtype)
    check(lax.div, x, y)
    check(lax.add, x, y)
    check(lambda a, b: lax.mul(a, b[0, 0]), x, y)
    if np.dtype(dtype).kind != "c":
        check(lax.rem, x, y)
    if np.dtype(dtype).kind in "fc":
        check(lax.pow, x, y)
        check(lambda a: lax.pow(a, np.int32(3)), x)


def test_division_by_zero_and_nan_match_eager():
    x = np.array([1.0, -1.0, 0.0, np.nan, np.inf], np.float32)
    y = np.array([0.0, 0.0, 0.0, 1.0, np.inf], np.float32)
    check(lax.div, x, y)
    check(lax.rem, x, y)
    ix, iy = np.array([7, -7, 5, -(2**31)], np.int32), np.array([0, 2, -1, -1], np.int32)
    check(lax.div, ix, iy)
    check(lax.rem, ix, iy)


@pytest.mark.parametrize("y", [0, 1, 2, 3, -1, -2])
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.float16])
def test_integer_pow(y, dtype):
    x = _rand((2, 3), dtype)
    if np.dtype(dtype).kind == "i":
        if y < 0:
            return
    else:
        x = x + np.asarray(3, dtype)
    check(lambda a: lax.integer_pow(a, y), x)
    check(lambda a: a**y, x)
    check(lambda a: lax.integer_pow(a, y), 2.0)


@pytest.mark.parametrize(
    "src, dst",
    [
        (np.float32, np.int32),
        (np.int32, np.float32),
        (np.bool_, np.float32),
        (np.float32, np.bool_),
        (np.complex64, np.float32),
        (np.float32, np.complex64),
        (np.float32, np.float16),
        (np.float32, np.float32),
    ],
)
def test_convert_element_type(src, dst):
    x = _rand((2, 3), src)
    check(lambda a: lax.convert_element_type(a, dst), x)
    check(lambda a: lax.convert_element_type(a[0, 0], dst), x)


def test_convert_element_type_weak_changes():
    check(lambda a: lax.convert_element_type(a, np.float32), 2.0)
    check(lambda a: lax.convert_element_type(a, np.float32, weak_type=True), _rand((3,)))
    check(lambda a: lax.convert_element_type(a, np.int32) * 2, 3)


def test_select_n():
    p, x, y, z = _rand((3, 4), np.bool_), _rand((3, 4)), _rand((3, 4)), _rand((3, 4))
    check(lax.select_n, p, x, y)
    check(lambda a: lax.select_n(a, a), _rand((3,), np.int32))
    check(lambda p, a: lax.select_n(p, a), p, x)
    check(lax.select_n, np.array([0, 2, 1], np.int32), x[0, :3], y[0, :3], z[0, :3])
    check(lax.select_n, np.True_, x, y)
    check(lambda p, a, b: jnp.where(p, a, b), p, 1.0, y)
    check(lax.select_n, p[0, 0], 1.0, 2.0)


# ----------------------------------------------------------------------------------------------
# Buffer reuse in the generated code

BIG = (64, 96)  # float32: 24 KiB, above the in-place threshold


def test_inplace_results_match_and_are_used():
    x, w = _rand(BIG), _rand((96, 96))

    def f(a, w):
        h = jnp.tanh(a @ w + 1.0)
        return jnp.sum((h * 2.0 - a) ** 2, axis=0)

    jf = check(f, x, w)
    assert "out=" in jf.source(_arr(x), _arr(w))


def test_inplace_never_writes_a_buffer_a_live_view_shares():
    x = _rand(BIG)

    def f(a):
        b = a * 2.0  # fresh, large
        t = b.T  # a view of b, alive until the end
        r = jnp.reshape(b, (96, 64))  # another view
        c = b + 1.0  # b's last direct use: must not be written in place
        d = c * 3.0  # c may be
        return t, r, d, c[0]

    check(f, x)


def test_inplace_never_writes_inputs_constants_or_outputs():
    x = _rand(BIG)
    const = np.ones(BIG, np.float32)

    def f(a):
        b = a + 1.0
        return b, b * 2.0, a * 3.0, jnp.asarray(const) * 4.0

    jf = check(f, x)
    before = np.asarray(x).copy()
    jf(_arr(x))
    assert np.array_equal(np.asarray(x), before) and np.array_equal(const, np.ones(BIG))


def test_inplace_with_non_contiguous_inputs():
    # A transposed input makes results' layouts differ; downstream sums must still match.
    xt = jnp.transpose(jnp.asarray(_rand((96, 64))))
    y = jnp.asarray(_rand(BIG))

    def f(a, b):
        c = a * b
        d = jnp.exp(c) + b
        return jnp.sum(d, axis=0), jnp.sum(c * d, axis=1), c

    check(f, xt, y)
    check(f, y, xt)


def test_inplace_keeps_numpy_layouts():
    # `c` is laid out like the transposed input; writing `d` into it would give `d` that
    # layout, where NumPy allocates a C-contiguous `d` (one operand is C-contiguous).
    xt = jnp.transpose(jnp.asarray(_rand((96, 64))))
    y = jnp.asarray(_rand(BIG))
    w = jnp.asarray(_rand((96, 5)))

    def f(a, b):
        c = a * 2.0
        d = c + b
        return d, jnp.sum(d, axis=0), d @ w

    check(f, xt, y)
    check(f, y, xt)


def test_inplace_with_broadcast_and_integer_operands():
    x, b = _rand(BIG, np.int32), _rand((96,), np.int32)
    check(lambda a, c: ((a + c) * 3 - a) // 2, x, b)
    m = _rand(BIG, np.bool_)
    check(lambda a, c: jnp.logical_and(a, c) | c, m, _rand(BIG, np.bool_))


def test_mlp_gradient_matches_eager():
    params = [(_rand((16, 64)), _rand((64,))), (_rand((64, 8)), _rand((8,)))]
    x, y = _rand((128, 16)), _rand((128, 8))

    def loss(params, x, y):
        h = x
        for w, b in params[:-1]:
            h = jnp.tanh(h @ w + b)
        w, b = params[-1]
        return jnp.mean((h @ w + b - y) ** 2)

    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in params]
    check(jax.grad(loss), params, x, y)
    check(jax.value_and_grad(loss), params, x, y)


# ----------------------------------------------------------------------------------------------
# Generated code


def test_source_before_any_call():
    f = jax.jit(lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((), ()))))
    src = f.source(_rand((2, 3)), _rand((3, 4)))
    assert src.startswith("def ") and "partial" not in src
    _same(f(_arr(_rand((2, 3))) * 0, _arr(_rand((3, 4)))), np.zeros((2, 4), np.float32), "")


def test_lowering_rules_exist_for_hot_primitives():
    from jaxlite._src.lax import elementwise, linalg, reductions, shape, slicing

    for prim in (
        linalg.dot_general_p,
        shape.transpose_p,
        shape.reshape_p,
        shape.broadcast_in_dim_p,
        shape.reduce_sum_p,
        shape.squeeze_p,
        slicing.slice_p,
        reductions.reduce_max_p,
        elementwise.convert_element_type_p,
        elementwise.select_n_p,
        elementwise.integer_pow_p,
        elementwise.sin_p,
    ):
        assert prim.lower is not None, prim


def test_passes_fold_merge_and_drop():
    x = _rand((3,))

    def f(a):
        unused = jnp.exp(a) * 5.0  # noqa: F841  (dead code)
        k = jnp.float32(2.0) + jnp.float32(3.0)  # folded at compile time
        return jnp.sin(a) * k + jnp.sin(a)  # one sin

    jf = check(f, x)
    src = jf.source(_arr(x))
    assert src.count("_sin(") == 1 and "_exp" not in src and "_add(_k" not in src


def test_call_paths_share_one_cache_entry():
    traces = []

    def f(a, b):
        traces.append(1)
        return a * b

    jf = jax.jit(f)
    x, y = _rand((3,)), _rand((3,))
    want = f(_arr(x), _arr(y))
    for args in ((_arr(x), _arr(y)), (x, _arr(y)), (_arr(x), y), (x, y)):
        _same(jf(*args), want, "positional")
    assert len(traces) == 2  # eager call + one trace
    _same(jf(_arr(x), b=_arr(y)), want, "keyword")  # another structure: another trace
    assert len(traces) == 3
    _same(jax.jit(lambda a: {"s": a, "t": (a, 2.0)})(_arr(x)), {"s": x, "t": (x, 2.0)}, "tree")

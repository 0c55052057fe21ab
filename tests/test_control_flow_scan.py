"""lax control flow, part 2: scan, map, associative_scan, and bodies that use other features.

Every rule of scan (JVP, partial evaluation with the residuals it saves, transpose, batching,
DCE), jit against eager, vmap against a Python loop, JAX's error messages; custom_jvp,
custom_vjp, checkpoint, jit and nested control flow inside bodies.
"""

from __future__ import annotations

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.interpreters import ad
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite.test_util import check_batching, check_grads, check_jit

RNG = np.random.default_rng(1)
X3 = RNG.uniform(0.5, 1.5, 3)
W3 = RNG.uniform(0.5, 1.5, 3)


def _np(x):
    return np.asarray(x)


def _scan_f(x, w):
    xs = jnp.stack([x, x * 2, x**2])
    c, ys = lax.scan(lambda c, xi: (jnp.tanh(c * w + xi), jnp.sin(c) * xi), jnp.zeros(3), xs)
    return c + jnp.sum(ys, 0)


def _scan_rev_f(x, w):
    c, ys = lax.scan(lambda c, xi: (c * xi + w, c), x, jnp.stack([x, w, x * w]), reverse=True)
    return c * jnp.sum(ys)


def _scan_pytree_f(x, w):
    def body(c, xi):
        a, b = xi
        return {"s": c["s"] + a * w, "p": c["p"] * jnp.cos(b)}, (c["s"], a * b)

    init = {"s": jnp.zeros(3), "p": jnp.ones(3)}
    c, (ys, zs) = lax.scan(body, init, (jnp.stack([x, w]), jnp.stack([w, x])))
    return c["s"] * c["p"] + jnp.sum(ys * zs, 0)


SCANS = [_scan_f, _scan_rev_f, _scan_pytree_f]


# ----------------------------------------------------------------------------------------------
# Values


def test_scan_values():
    c, ys = lax.scan(lambda c, x: (c * 0.5 + x, c), 1.0, jnp.arange(4.0))
    want_c, want_ys = 1.0, []
    for x in range(4):
        want_ys.append(want_c)
        want_c = want_c * 0.5 + x
    assert float(c) == want_c
    np.testing.assert_allclose(_np(ys), want_ys)
    c, ys = lax.scan(lambda c, x: (c + x, c), 0.0, jnp.arange(4.0), reverse=True)
    np.testing.assert_allclose(_np(ys), [5.0, 3.0, 0.0, 0.0][::-1][::-1] and [6, 5, 3, 0])


def test_scan_weak_types_and_promotion():
    c, ys = lax.scan(lambda c, x: (c + x, c), 0.0, jnp.ones(3))
    assert not c.weak_type and ys.weak_type
    c, ys = lax.scan(lambda c, x: (c + x, c), 0, jnp.ones(3))  # weak int init promoted
    assert c.dtype == np.float32 and not c.weak_type and not ys.weak_type
    c, _ = lax.scan(lambda c, x: (2.0, x), jnp.float32(1), jnp.ones(2))
    assert c.weak_type


def test_scan_no_xs_length_zero_and_none_ys():
    c, ys = lax.scan(lambda c, _: (c * 2, c), 1.0, None, length=4)
    assert float(c) == 16.0 and _np(ys).tolist() == [1.0, 2.0, 4.0, 8.0]
    c, ys = lax.scan(lambda c, x: (c + x, c * 2), 1.0, jnp.zeros((0,)))
    assert float(c) == 1.0 and _np(ys).shape == (0,)
    c, ys = lax.scan(lambda c, x: (c + x, None), 0.0, jnp.ones(3))
    assert ys is None and float(c) == 3.0


def test_scan_unroll_is_accepted():
    for unroll in (1, 2, True, False):
        c, _ = lax.scan(lambda c, x: (c + x, c), 0.0, jnp.arange(5.0), unroll=unroll)
        assert float(c) == 10.0
    text = str(
        jax.make_jaxpr(lambda x: lax.scan(lambda c, x: (c + x, c), 0.0, x, unroll=True))(
            jnp.ones(3)
        )
    )
    assert "unroll=3" in text


def test_scan_body_traced_once():
    calls = []

    def body(c, x):
        calls.append(1)
        return c + x, c

    lax.scan(body, 0.0, jnp.ones(100))
    assert len(calls) == 1


# ----------------------------------------------------------------------------------------------
# Derivatives


@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("f", SCANS, ids=lambda f: f.__name__)
def test_scan_grads(x64, f, order):
    check_grads(f, (X3, W3), order=order)
    check_grads(jax.jit(f), (X3, W3), order=order)


def test_scan_closure_over_tracers(x64):
    def h(w):
        return lax.scan(lambda c, xi: (c * w + xi, c * w), 1.0, X3)

    check_grads(h, (0.7,), order=2)
    check_batching(h, (W3,))


def test_scan_int_carry_grad(x64):
    def f(x):
        def body(c, xi):
            i, acc = c
            return (i + 1, acc + xi * i), i

        return lax.scan(body, (0, 0.0), x)[0][1]

    np.testing.assert_allclose(_np(jax.grad(f)(X3)), [0.0, 1.0, 2.0])
    check_grads(f, (X3,), order=2)


def test_scan_hessian_and_jacobians(x64):
    f = lambda x: jnp.sum(lax.scan(lambda c, xi: (c * xi + jnp.sin(c), c), 0.3, x)[1])
    h = jax.hessian(f)(X3)
    assert _np(h).shape == (3, 3)
    np.testing.assert_allclose(_np(h), _np(h).T, rtol=1e-10)
    g = lambda x: lax.scan(lambda c, xi: (c * xi, c), 1.0, x)[1]
    np.testing.assert_allclose(_np(jax.jacfwd(g)(X3)), _np(jax.jacrev(g)(X3)), rtol=1e-12)


def test_scan_linear_transpose():
    f = lambda xs: lax.scan(lambda c, x: (c + x, 2.0 * c), 0.0, xs)
    (ct,) = jax.linear_transpose(f, jnp.ones(3))((1.0, jnp.ones(3)))
    # d/dx_i of (sum xs, 2 * prefix sums) against cotangents (1, ones)
    np.testing.assert_allclose(_np(ct), [5.0, 3.0, 1.0])


def _scans(closed):
    return [e for e in closed.jaxpr.eqns if e.primitive.name == "scan"]


def test_scan_grad_saves_only_needed_residuals():
    W = jnp.ones((4, 4))

    def loss(W, xs):
        c, _ = lax.scan(lambda c, x: (jnp.tanh(W @ c + x), None), jnp.zeros(4), xs)
        return jnp.sum(c)

    fwd, bwd = _scans(jax.make_jaxpr(jax.grad(loss))(W, jnp.ones((5, 4))))
    # The loop-invariant weight is not stacked once per iteration: no (5, 4, 4) residual.
    assert all(v.aval.shape != (5, 4, 4) for v in fwd.outvars)
    assert any(v.aval.shape == (4, 4) for v in bwd.invars[: bwd.params["num_consts"]])
    # Residuals are stacked (5, 4) arrays only: the carry and the tanh derivative terms.
    stacked = [v for v in fwd.outvars[fwd.params["num_carry"] :] if v.aval.shape == (5, 4)]
    assert 1 <= len(stacked) <= 3


def test_scan_grad_does_not_copy_xs_residuals():
    def loss(c0, xs):
        return lax.scan(lambda c, x: (c * x, None), c0, xs)[0]

    closed = jax.make_jaxpr(jax.grad(loss))(1.0, jnp.ones(6))
    fwd = _scans(closed)[0]
    # x itself is a residual; it is read from xs, not stacked again by the forward scan.
    assert all(v.aval.shape != (6,) for v in fwd.outvars)
    assert float(jax.grad(loss)(1.0, jnp.arange(1.0, 4.0))) == 6.0


def test_scan_linearize_known_part_runs_now(x64):
    f = lambda x: lax.scan(lambda c, xi: (jnp.sin(c) * xi, c), 0.5, x)
    outs, linear, _ = ad.linearize_flat(lambda x: list(f(x)), [X3])
    np.testing.assert_allclose(_np(outs[0]), _np(f(X3)[0]))
    # The linear jaxpr has one (tangent) scan and no primal sin.
    names = [e.primitive.name for e in linear.jaxpr.eqns]
    assert names.count("scan") == 1 and "sin" not in names


# ----------------------------------------------------------------------------------------------
# Batching, jit, DCE


@pytest.mark.parametrize("f", SCANS, ids=lambda f: f.__name__)
def test_scan_batching(f):
    check_batching(f, (np.stack([X3, W3]), W3), in_axes=(0, None))
    check_batching(f, (X3, np.stack([W3, X3])), in_axes=(None, 0))
    check_batching(f, (np.stack([X3, W3]), np.stack([W3, X3])))


def test_scan_batching_xs_axes():
    f = lambda c, xs: lax.scan(lambda c, x: (c + x, c * x), c, xs)
    check_batching(
        f, (np.float32(1.0), RNG.uniform(size=(3, 2)).astype(np.float32)), in_axes=(None, 1)
    )
    check_batching(f, (X3, RNG.uniform(size=(4, 3))), in_axes=(0, 1))


def test_scan_vmap_of_grad(x64):
    f = lambda w, xs: lax.scan(lambda c, x: (c * w + x, c), 0.0, xs)[0]
    got = jax.vmap(jax.grad(f), (0, None))(X3, W3)
    want = [jax.grad(f)(w, W3) for w in X3]
    np.testing.assert_allclose(_np(got), [float(v) for v in want], rtol=1e-12)


@pytest.mark.parametrize("f", SCANS, ids=lambda f: f.__name__)
def test_scan_jit(f):
    check_jit(f, (X3, W3))


def test_scan_dce():
    def f(x):
        c, (ys, zs) = lax.scan(
            lambda c, x: ((c[0] + x, c[1] * 2.0), (jnp.sin(x), c[0])), (0.0, 1.0), x
        )
        return c[0], zs

    closed = pe.dce_closed(jax.make_jaxpr(f)(jnp.ones(3)))
    (eqn,) = _scans(closed)
    assert eqn.params["num_carry"] == 1 and len(eqn.outvars) == 2
    c, zs = jax.jit(f)(jnp.arange(3.0))
    assert float(c) == 3.0 and _np(zs).tolist() == [0.0, 0.0, 1.0]


def test_scan_jaxpr_text():
    f = lambda c, xs: lax.scan(lambda c, x: (c * 2.0 + x, jnp.sin(c)), c, xs)
    assert (
        str(jax.make_jaxpr(f)(1.0, jnp.ones(5)))
        == """\
{ lambda ; a:f32[] b:f32[5]. let
    c:f32[] d:f32[5] = scan[
      jaxpr={ lambda ; e:f32[] f:f32[]. let
          g:f32[] = mul e 2.0:f32[]
          h:f32[] = convert_element_type[new_dtype=float32 weak_type=False] g
          i:f32[] = add h f
          j:f32[] = sin e
        in (i, j) }
      length=5
      num_carry=1
      num_consts=0
      reverse=False
      unroll=1
    ] a b
  in (c, d) }"""
    )


# ----------------------------------------------------------------------------------------------
# map and associative_scan


def test_map():
    np.testing.assert_allclose(
        _np(lax.map(jnp.sin, jnp.arange(3.0))), np.sin(np.arange(3.0)), rtol=1e-6
    )
    f = lambda x: {"a": x * 2, "b": jnp.sum(x)}
    xs = RNG.uniform(size=(5, 2)).astype(np.float32)
    want = {"a": xs * 2, "b": xs.sum(1)}
    for bs in (None, 0, 2, 4, 5, 7):
        got = lax.map(f, xs, batch_size=bs)
        np.testing.assert_allclose(_np(got["a"]), want["a"], rtol=1e-6)
        np.testing.assert_allclose(_np(got["b"]), want["b"], rtol=1e-6)


def test_map_transformations(x64):
    f = lambda x: lax.map(lambda r: jnp.sin(r) * W3, jnp.stack([x, W3]))
    check_grads(f, (X3,), order=2)
    check_batching(f, (np.stack([X3, W3]),))
    check_jit(f, (X3,))


def test_associative_scan():
    x = jnp.arange(1.0, 6.0)
    np.testing.assert_allclose(_np(lax.associative_scan(jnp.add, x)), np.cumsum(np.arange(1, 6)))
    np.testing.assert_allclose(
        _np(lax.associative_scan(jnp.multiply, x, reverse=True)),
        np.cumprod(np.arange(1, 6)[::-1])[::-1],
    )
    m = jnp.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(
        _np(lax.associative_scan(jnp.add, m, axis=1)), np.cumsum(np.arange(6.0).reshape(2, 3), 1)
    )
    b = lax.associative_scan(jnp.logical_or, jnp.array([False, False, True, False]))
    assert _np(b).tolist() == [False, False, True, True]
    s, p = lax.associative_scan(lambda a, b: (a[0] + b[0], a[1] * b[1]), (x, x))
    np.testing.assert_allclose(_np(p), np.cumprod(np.arange(1, 6)))
    for n in range(0, 9):
        np.testing.assert_allclose(
            _np(lax.associative_scan(jnp.add, jnp.ones(n))), np.arange(1, n + 1)
        )


def test_associative_scan_transformations(x64):
    f = lambda x: lax.associative_scan(lambda a, b: a * b + a, x)
    check_grads(f, (X3,), order=2)
    check_batching(f, (np.stack([X3, W3]),))
    check_jit(f, (X3,))


# ----------------------------------------------------------------------------------------------
# Bodies using custom rules, checkpoint, jit, nested control flow


@jax.custom_jvp
def _softplus(x):
    return jnp.log1p(jnp.exp(x))


@_softplus.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _softplus(x), t * jax.nn.sigmoid(x)


@jax.custom_vjp
def _clip_gradient(x):
    return x


_clip_gradient.defvjp(lambda x: (x, None), lambda _, g: (jnp.clip(g, -0.5, 0.5),))


def test_custom_jvp_in_bodies(x64):
    f = lambda x: lax.scan(lambda c, xi: (_softplus(c * xi), c), 0.5, x)
    check_grads(f, (X3,), order=2)
    check_batching(f, (np.stack([X3, -X3]),))
    g = lambda x: lax.cond(x[0] > 0, lambda: _softplus(x), lambda: x)
    check_grads(g, (X3,), order=2)
    h = lambda x: lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, _softplus(c[1])), (0, x))[
        1
    ]
    check_grads(h, (X3,), order=2, modes=["fwd"])
    check_batching(h, (np.stack([X3, -X3]),))


def test_custom_vjp_in_bodies():
    x = np.array([0.3, -1.2, 2.0], np.float32)
    f = lambda x: lax.scan(lambda c, xi: (_clip_gradient(c * xi) * 3.0, c), 0.5, x)[0]
    want = [-0.25, 0.225, -0.81]
    np.testing.assert_allclose(_np(jax.grad(f)(x)), want, rtol=1e-6)
    np.testing.assert_allclose(_np(jax.jit(jax.grad(f))(x)), want, rtol=1e-6)
    np.testing.assert_allclose(
        _np(jax.vmap(jax.grad(f))(np.stack([x, x]))), [want, want], rtol=1e-6
    )
    g = lambda x: jnp.sum(lax.cond(x[0] > 0, lambda: _clip_gradient(x) * 3.0, lambda: x))
    np.testing.assert_allclose(_np(jax.grad(g)(x)), [0.5, 0.5, 0.5])


def test_checkpoint_and_jit_in_bodies(x64):
    def f(x):
        def body(c, xi):
            c = jax.checkpoint(lambda c: jnp.sin(c) * xi)(c)
            return jax.jit(lambda c: c * 2.0 + xi)(c), c

        return lax.scan(body, 0.5, x)

    check_grads(f, (X3,), order=2)
    check_batching(f, (np.stack([X3, W3]),))
    check_jit(f, (X3,))


def test_nested_control_flow(x64):
    def f(x):
        def outer(c, xi):
            inner = lax.fori_loop(0, 2, lambda i, d: d * xi + jnp.cos(d), c)
            return lax.cond(xi > 1.0, lambda: inner, lambda: -inner), inner

        return lax.scan(outer, 0.3, x)

    check_grads(f, (X3,), order=2)
    check_batching(f, (np.stack([X3, W3]),))
    check_jit(f, (X3,))


# ----------------------------------------------------------------------------------------------
# Error messages (JAX's texts)


def _err(exc, fn):
    with pytest.raises(exc) as e:
        fn()
    return str(e.value)


def test_scan_carry_type_errors_name_the_path():
    tail = "\n\nRevise the function so that all output types match the corresponding input types."
    assert _err(
        TypeError, lambda: lax.scan(lambda c, x: (c.astype(jnp.int32), x), 1.0, jnp.ones(3))
    ) == (
        "scan body function carry input and carry output must have equal types, but they "
        "differ:\n\nThe input carry c has type float32[] but the corresponding output carry "
        "component has type int32[], so the dtypes do not match." + tail
    )
    assert _err(
        TypeError, lambda: lax.scan(lambda c, x: ((c[0], jnp.ones(2)), x), (1.0, 2.0), jnp.ones(3))
    ) == (
        "scan body function carry input and carry output must have equal types, but they "
        "differ:\n\nThe input carry component c[1] has type float32[] but the corresponding "
        "output carry component has type float32[2], so the shapes do not match." + tail
    )
    assert _err(
        TypeError,
        lambda: lax.scan(
            lambda c, x: ({"a": c["a"], "b": c["b"].astype(int)}, x),
            {"a": 1.0, "b": jnp.ones(2)},
            jnp.ones(3),
        ),
    ) == (
        "scan body function carry input and carry output must have equal types, but they "
        "differ:\n\nThe input carry component c['b'] has type float32[2] but the corresponding "
        "output carry component has type int32[2], so the dtypes do not match." + tail
    )
    msg = _err(
        TypeError,
        lambda: lax.scan(
            lambda c, x: ((c[0].astype(int), c[1].astype(int)), x), (1.0, 2.0), jnp.ones(3)
        ),
    )
    assert "  * the input carry component c[0] has type float32[] but" in msg
    assert "  * the input carry component c[1] has type float32[] but" in msg
    msg = _err(TypeError, lambda: lax.scan(lambda c, x: ((c, c), x), 1.0, jnp.ones(3)))
    assert msg.startswith(
        "scan body function carry input and carry output must have the same "
        "pytree structure, but they differ:\n\nThe input carry c is a <class"
    )
    msg = _err(TypeError, lambda: lax.scan(lambda c, x: ((c[0],), x), (1.0, 2.0), jnp.ones(3)))
    assert (
        "The input carry c is a tuple of length 2 but the corresponding component of the "
        "carry output is a tuple of length 1, so the lengths do not match."
    ) in msg


def test_scan_argument_errors():
    assert _err(TypeError, lambda: lax.scan(1, 0.0, jnp.ones(3))) == (
        "lax.scan: f argument should be a callable."
    )
    assert _err(
        ValueError, lambda: lax.scan(lambda c, x: (c, x), 0.0, (jnp.ones(3), jnp.ones(4)))
    ) == ("scan got values with different leading axis sizes: 3, 4.")
    assert _err(ValueError, lambda: lax.scan(lambda c, x: (c, x), 0.0, None)) == (
        "scan got no values to scan over and `length` not provided."
    )
    assert _err(ValueError, lambda: lax.scan(lambda c, x: (c, x), 0.0, jnp.ones(3), length=4)) == (
        "scan got `length` argument of 4 which disagrees with leading axis sizes [3]."
    )
    assert _err(ValueError, lambda: lax.scan(lambda c, x: (c, x), 0.0, jnp.ones(2), unroll=-1)) == (
        "`unroll` must be a `bool` or a non-negative `int`."
    )
    assert _err(TypeError, lambda: lax.scan(lambda c, x: c, 0.0, jnp.ones(3))) == (
        "scan body output must be a pair, got ~float32[]."
    )
    assert _err(TypeError, lambda: lax.scan(lambda c, x: (c, x), 0.0, "abc")) == (
        "Argument 'abc' of type <class 'str'> is not a valid JAX type"
    )
    with pytest.raises(jax.errors.ConcretizationTypeError, match="`length` argument to `scan`"):
        jax.jit(lambda n: lax.scan(lambda c, x: (c + 1, c), 0.0, None, length=n))(3)


def test_associative_scan_errors():
    assert _err(ValueError, lambda: lax.associative_scan(jnp.add, (jnp.ones(3), jnp.ones(4)))) == (
        "Array inputs to associative_scan must have the same first dimension. (saw: [(3,), (4,)])"
    )

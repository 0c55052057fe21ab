"""Eager reverse mode from cached per-primitive linearizations (interpreters/linear_cache).

The cached path must give bit-for-bit the numbers of the rule-by-rule path (same NumPy
operations, same order of cotangent additions), and its staged equations must behave under
every other transformation that can meet them (jit or vmap of a pullback, linearize).
"""

import warnings

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.interpreters import ad
from jaxlite._src.interpreters import linear_cache as lc

F32 = np.float32


def _rng_arrays(*shapes, dtype=F32, seed=0):
    rng = np.random.default_rng(seed)
    return [jnp.asarray(rng.standard_normal(s).astype(dtype)) for s in shapes]


def mlp_loss(params, x, y):
    h = x
    for w, b in params[:-1]:
        h = jnp.tanh(h @ w + b)
    w, b = params[-1]
    return jnp.mean((h @ w + b - y) ** 2)


def fan_out(x, y):
    # x feeds several primitives whose rules fan its tangent out internally: the order in
    # which their cotangents add up is what the cache must preserve.
    a = jnp.tanh(x) * y
    b = lax.cumprod(x, 0) + lax.cummax(x, 0)
    c = jnp.sort(x * y) + x * x + jnp.sin(x) ** 3
    return jnp.sum(a * b + c) + jnp.sum(jnp.exp(-x) / (1.0 + y * y))


def mixed(x, idx):
    # Python scalars (including -0.0), integer operands, gathers and scatters, reductions.
    y = x * -0.0 + x * 2.5 - 1
    z = y[idx] * x[::-1][idx]
    w = jnp.zeros_like(x).at[idx].add(z)
    return jnp.sum(w * jnp.maximum(x, 0.1)) + jnp.max(x) + jnp.prod(x[:3])


def aliased(x):
    return jnp.sum(x * x + jnp.arctan2(x, x) + lax.pow(x, x))


def _grads(f, args, argnums):
    return jaxlite.grad(f, argnums=argnums)(*args)


def _cases():
    (x5, y5) = _rng_arrays((5,), (5,), seed=1)
    p = [tuple(_rng_arrays((4, 6), (6,), seed=2)), tuple(_rng_arrays((6, 3), (3,), seed=3))]
    xm, ym = _rng_arrays((7, 4), (7, 3), seed=4)
    idx = jnp.array([0, 2, 2, 4])
    return [
        ("mlp", mlp_loss, (p, xm, ym), 0),
        ("fan_out", fan_out, (x5, y5), (0, 1)),
        ("mixed", mixed, (jnp.abs(x5) + 0.5, idx), 0),
        ("aliased", aliased, (jnp.abs(x5) + 0.5,), 0),
    ]


@pytest.mark.parametrize("name,f,args,argnums", _cases(), ids=[c[0] for c in _cases()])
def test_cached_path_matches_rule_by_rule_bit_for_bit(monkeypatch, name, f, args, argnums):
    monkeypatch.setattr(lc, "enabled", False)
    want = _grads(f, args, argnums)
    monkeypatch.setattr(lc, "enabled", True)
    lc.clear_cache()
    # The first call runs rule by rule, the second builds the templates, the third compiles
    # the whole backward pass, later ones run it.
    for _ in range(4):
        got = _grads(f, args, argnums)
        for g, w in zip(jaxlite.tree_util.tree_leaves(got), jaxlite.tree_util.tree_leaves(want)):
            np.testing.assert_array_equal(np.asarray(g), np.asarray(w))
            assert g.dtype == w.dtype and g.weak_type == w.weak_type
    assert any(type(v) is lc.Template for v in lc._cache.values())
    assert any(type(v) is tuple for v in lc._whole.values())


def _linear_eqns(f, *primals):
    _, linear, _ = ad.linearize_flat(f, list(primals))
    return [e.primitive.name for e in linear.jaxpr.eqns]


def test_repeated_signature_stages_one_equation_per_primitive():
    lc.clear_cache()
    (x,) = _rng_arrays((3,))

    def f(x):
        return [jnp.sin(x) * 2.0]

    first = _linear_eqns(f, x)
    assert "linearized" not in first  # a signature seen once keeps the rule-by-rule path
    later = _linear_eqns(f, x)
    assert later == ["linearized", "linearized"]


def test_pullback_under_vmap_and_jit_matches_eager():
    (x,) = _rng_arrays((4,), seed=5)

    def f(x):
        return jnp.tanh(x) * jnp.sin(x) + jnp.cumsum(x)

    for _ in range(3):
        _, pullback = jaxlite.vjp(f, x)
    assert "linearized" in _linear_eqns(lambda x: [f(x)], x)
    cts = jnp.eye(4, dtype=F32)
    rows = jaxlite.vmap(pullback)(cts)[0]
    for i in range(4):
        np.testing.assert_allclose(rows[i], pullback(cts[i])[0], rtol=1e-6)
    np.testing.assert_allclose(jaxlite.jit(pullback)(cts[1])[0], pullback(cts[1])[0], rtol=1e-6)
    np.testing.assert_allclose(rows, jaxlite.jacrev(f)(x), rtol=1e-6)


def test_linearize_tangent_map_runs_the_cached_equations():
    (x,) = _rng_arrays((4,), seed=6)
    t = jnp.linspace(-1.0, 1.0, 4)
    f = lambda x: jnp.exp(x) * jnp.cos(x)  # noqa: E731
    for _ in range(3):
        y, f_jvp = jaxlite.linearize(f, x)
    _, want = jaxlite.jvp(f, (x,), (t,))
    np.testing.assert_allclose(f_jvp(t), want, rtol=1e-6)
    np.testing.assert_allclose(jaxlite.vmap(f_jvp)(jnp.stack([t, 2 * t])), [want, 2 * want])
    text = str(jaxlite.make_jaxpr(f_jvp)(t))
    assert "linearized" not in text and "mul" in text


def test_second_order_and_x64_switch():
    (x,) = _rng_arrays((3,), seed=7)
    f = lambda x: jnp.sum(jnp.sin(x) ** 2)  # noqa: E731
    for _ in range(3):
        h = jaxlite.hessian(f)(x)
        g = jaxlite.grad(lambda x: jnp.sum(jaxlite.grad(f)(x)))(x)
    np.testing.assert_allclose(g, jnp.sum(h, axis=0), rtol=1e-5)
    jaxlite.config.update("jax_enable_x64", True)
    try:
        x64 = jnp.asarray(np.asarray(x, np.float64))
        for _ in range(3):
            d = jaxlite.grad(f)(x64)
        assert d.dtype == np.float64
        np.testing.assert_allclose(d, np.sin(2 * np.asarray(x64)), rtol=1e-12)
    finally:
        jaxlite.config.update("jax_enable_x64", False)


def test_no_floating_point_warnings_from_cached_code():
    f = jaxlite.grad(lambda x: jnp.sum(jnp.log(x) * x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"jaxlite\._src")
        for _ in range(3):
            g = f(jnp.zeros(2))
    assert np.all(np.isnan(np.asarray(g)) | np.isinf(np.asarray(g)))


def test_higher_order_through_cached_equations():
    # The outer derivative of a pullback meets cached equations with traced cotangents or
    # accumulated cotangents: they are transposed as jaxprs there.
    from jaxlite import test_util as tu

    a, b = _rng_arrays((3, 4), (4, 2), dtype=np.float64, seed=8)
    jaxlite.config.update("jax_enable_x64", True)
    try:
        a, b = jnp.asarray(np.asarray(a, np.float64)), jnp.asarray(np.asarray(b, np.float64))
        f = lambda x, y: jnp.tanh(x @ y) * (x @ y)  # noqa: E731
        for _ in range(3):
            tu.check_grads(f, (a, b), order=2, modes=("rev",))
        assert any(type(v) is lc.Template for v in lc._cache.values())
    finally:
        jaxlite.config.update("jax_enable_x64", False)


def test_whole_backward_pass_with_several_outputs_and_cotangent_types():
    (x, y) = _rng_arrays((4,), (4,), seed=9)

    def f(x, y):
        return jnp.sin(x) * y, jnp.cos(y), x.sum()

    lc.clear_cache()
    for _ in range(4):
        (a, b, c), pullback = jaxlite.vjp(f, x, y)
        cts = (jnp.ones(4), jnp.zeros(4), jnp.asarray(2.0, dtype=F32))
        gx, gy = pullback(cts)
        np.testing.assert_allclose(gx, np.cos(x) * y + 2.0, rtol=1e-6)
        np.testing.assert_allclose(gy, np.sin(x), rtol=1e-6)
    assert any(type(v) is tuple for v in lc._whole.values())

    # A weak cotangent is not the compiled pass's type: the equation-by-equation pass runs,
    # and the weak type flows as it does on the rule-by-rule path.
    def pulled(ct):
        _, pullback = jaxlite.vjp(lambda x: jnp.sin(x) * 2.0, jnp.asarray(1.0, dtype=F32))
        return pullback(ct)[0]

    for _ in range(4):
        got = [pulled(1.0), pulled(jnp.asarray(1.0, dtype=F32))]
    lc.enabled = False
    try:
        want = [pulled(1.0), pulled(jnp.asarray(1.0, dtype=F32))]
    finally:
        lc.enabled = True
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
        assert g.weak_type == w.weak_type


_UNARY = [
    jnp.sin,
    jnp.cos,
    jnp.tan,
    jnp.tanh,
    jnp.exp,
    jnp.expm1,
    jnp.log1p,
    jnp.sqrt,
    jnp.cbrt,
    jnp.arctan,
    jnp.arcsinh,
    jnp.sinh,
    jnp.cosh,
    jnp.abs,
    jnp.square,
    jnp.reciprocal,
    lambda x: x**3,
    lambda x: x**-2,
    lax.logistic,
    lax.erf,
    lax.rsqrt,
    lax.lgamma,
    lax.digamma,
    jnp.cumsum,
    jnp.cumprod,
    lambda x: jnp.sort(x)[::-1],
    jnp.max,
    jnp.prod,
    lambda x: jnp.sum(x * x) ** 0.5,
    lambda x: jnp.clip(x, 0.8, 1.5),
    lambda x: jnp.where(x > 1.0, x, 2 * x),
    lambda x: jnp.log(x) / x,
    lambda x: x**0.7,
    lambda x: jnp.arctan2(x, 1.5 - x),
    lambda x: jnp.maximum(x, x[::-1]),
    lambda x: jnp.concatenate([x, x * 2])[1:-1],
    lambda x: jnp.pad(x, 2) * x.sum(),
    lambda x: jnp.outer(x, x).sum(axis=0),
    lambda x: x.reshape(2, 3).T @ x[:2],
]


@pytest.mark.parametrize("i", range(len(_UNARY)))
def test_cached_path_bit_for_bit_per_function(monkeypatch, i):
    f = _UNARY[i]
    x = jnp.asarray(np.linspace(0.6, 1.9, 6, dtype=F32))
    g = jaxlite.grad(lambda x: jnp.sum(jnp.sin(f(x))))
    monkeypatch.setattr(lc, "enabled", False)
    want = g(x)
    monkeypatch.setattr(lc, "enabled", True)
    lc.clear_cache()
    for _ in range(4):
        got = g(x)
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
        assert got.dtype == want.dtype and got.weak_type == want.weak_type


@jaxlite.custom_jvp
def _soft(x):
    return jnp.tanh(x)


@_soft.defjvp
def _soft_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    y = jnp.tanh(x)
    return y, t * (1.0 - y * y)


def _midway(x, y):
    # Cached steps are recorded on the tape; the custom rule needs tracers, so the tape
    # becomes equations there. Values recorded before then are used afterwards by a cached
    # step, by a rule-by-rule step (a jit call) and as outputs.
    a = jnp.sin(x) * y
    b = jnp.cumsum(a)
    c = _soft(b)
    d = a * c + jaxlite.jit(lambda u: u * u)(b)
    return d, a, x, jnp.sum(d * y)


def test_tape_turned_into_equations_midway_matches_rule_by_rule(monkeypatch):
    x, y = _rng_arrays((5,), (5,), seed=10)
    cts = tuple(_rng_arrays((5,), (5,), (5,), (), seed=11))

    def run():
        outs, pullback = jaxlite.vjp(_midway, x, y)
        return outs, pullback(cts)

    monkeypatch.setattr(lc, "enabled", False)
    want = run()
    monkeypatch.setattr(lc, "enabled", True)
    lc.clear_cache()
    for _ in range(4):
        got = run()
        for g, w in zip(jaxlite.tree_util.tree_leaves(got), jaxlite.tree_util.tree_leaves(want)):
            np.testing.assert_array_equal(np.asarray(g), np.asarray(w))
            assert g.dtype == w.dtype and g.weak_type == w.weak_type
    assert any(type(v) is lc.Template for v in lc._cache.values())


def test_tape_with_inputs_as_outputs_integer_inputs_and_repeated_pullbacks():
    (x,) = _rng_arrays((3,), seed=12)
    n = jnp.arange(3)

    def f(x, n):
        return x, jnp.sin(x) * n, n

    lc.clear_cache()
    for _ in range(4):
        (a, b, c), pullback = jaxlite.vjp(f, x, n)
        ct = (jnp.ones(3), jnp.full(3, 2.0, F32), np.zeros(3, jaxlite.dtypes.float0))
        for _ in range(2):  # a pullback may run more than once
            gx, gn = pullback(ct)
            np.testing.assert_allclose(gx, 1.0 + 2.0 * np.cos(x) * np.asarray(n), rtol=1e-6)
            assert gn.dtype == jaxlite.dtypes.float0
        # After compiled runs, the same pullback still works under vmap.
        rows = jaxlite.vmap(lambda s: pullback((s, s, ct[2]))[0])(jnp.eye(3, dtype=F32))
        np.testing.assert_allclose(rows, np.diag(1.0 + np.cos(x) * np.asarray(n)), rtol=1e-6)
    assert any(type(v) is tuple for v in lc._whole.values())
    g = jaxlite.grad(lambda x, n: jnp.sum(jnp.sin(x) * n), allow_int=True, argnums=(0, 1))
    for _ in range(3):
        gx, gn = g(x, n)
    np.testing.assert_allclose(gx, np.cos(x) * np.asarray(n), rtol=1e-6)
    assert gn.dtype == jaxlite.dtypes.float0

"""Custom-rule programs run on JAX and on jaxlite: values, dtypes, weak types and gradients
under jit, vmap, grad-of-grad and linearize, and the printed jaxprs."""

from __future__ import annotations

import os
import warnings
from collections import namedtuple
from functools import partial

import numpy as np
import pytest

os.environ.setdefault("JAX_PLATFORMS", "cpu")
jax = pytest.importorskip("jax")

import jaxlite  # noqa: E402
import jaxlite.numpy  # noqa: E402

PROGRAMS: dict = {}
JAXPRS: dict = {}
Point = namedtuple("Point", ["x", "y"])


def program(fn):
    PROGRAMS[fn.__name__.removeprefix("p_")] = fn
    return fn


def jaxpr_program(fn):
    JAXPRS[fn.__name__.removeprefix("j_")] = fn
    return fn


def xs(n=4, lo=0.1, hi=1.5):
    return np.linspace(lo, hi, n, dtype=np.float32)


# ----------------------------------------------------------------------------------------------
# Shared definitions, built for either library


def sin_mul_jvp(jax, jnp):
    @jax.custom_jvp
    def f(x, y):
        return jnp.sin(x) * y

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, y), (tx, ty) = primals, tangents
        return f(x, y), jnp.cos(x) * tx * y + jnp.sin(x) * ty

    return f


def sin_mul_vjp(jax, jnp, **kw):
    @jax.custom_vjp
    def f(x, y):
        return jnp.sin(x) * y

    def f_fwd(x, y):
        return f(x, y), (jnp.cos(x), jnp.sin(x), y)

    def f_bwd(res, g):
        cos_x, sin_x, y = res
        return (cos_x * g * y, sin_x * g)

    f.defvjp(f_fwd, f_bwd, **kw)
    return f


def log1pexp_jvp(jax, jnp):
    @jax.custom_jvp
    def log1pexp(x):
        return jnp.log(1.0 + jnp.exp(x))

    log1pexp.defjvps(lambda t, ans, x: (1 - 1 / (1 + jnp.exp(x))) * t)
    return log1pexp


def softplus_vjp(jax, jnp):
    @jax.custom_vjp
    def softplus(x):
        return jnp.log(1 + jnp.exp(x))

    softplus.defvjp(lambda x: (softplus(x), x), lambda x, g: (g * jax.nn.sigmoid(x),))
    return softplus


# ----------------------------------------------------------------------------------------------
# Programs: (jax, jnp) -> (function, args)


@program
def p_jvp_grad_family(jax, jnp):
    f = sin_mul_jvp(jax, jnp)
    return lambda x, y: (
        f(x, y),
        jax.grad(f, (0, 1))(x[0], y[0]),
        jax.jit(jax.grad(f))(x[1], y[1]),
        jax.vmap(jax.grad(f, (0, 1)))(x, y),
        jax.vmap(jax.grad(jax.grad(f)))(x, y),
        jax.jvp(f, (x, y), (y, x)),
        jax.jacfwd(f)(x, y),
        jax.jacrev(f, 1)(x, y),
        jax.hessian(lambda x: f(x, y).sum())(x),
    ), (xs(), xs(lo=-1, hi=1))


@program
def p_jvp_linearize(jax, jnp):
    f = sin_mul_jvp(jax, jnp)

    def run(x, y):
        out, f_lin = jax.linearize(f, x, y)
        _, g_lin = jax.linearize(jax.grad(lambda x: f(x, y).sum()), x)
        return out, f_lin(y, x), g_lin(jnp.ones_like(x))

    return run, (xs(), xs(lo=-1, hi=1))


@program
def p_log1pexp(jax, jnp):
    g = log1pexp_jvp(jax, jnp)
    return lambda x: (
        jax.grad(g)(100.0),
        jax.jit(g)(3.0),
        jax.jit(jax.grad(g))(3.0),
        jax.vmap(jax.jit(jax.grad(g)))(x),
        jax.grad(jax.grad(g))(2.0),
    ), (np.arange(3, dtype=np.float32),)


@program
def p_vjp_grad_family(jax, jnp):
    f = sin_mul_vjp(jax, jnp)
    return lambda x, y: (
        f(x, y),
        jax.value_and_grad(f, (0, 1))(x[0], y[0]),
        jax.jit(jax.grad(f))(x[1], y[1]),
        jax.vmap(jax.grad(f, (0, 1)))(x, y),
        jax.vmap(jax.grad(jax.grad(f)))(x, y),
        jax.jit(jax.vmap(jax.grad(jax.grad(f, 1), 0)))(x, y),
        jax.jacrev(f, (0, 1))(x, y),
        jax.grad(lambda y: jax.vmap(f, (0, None))(x, y).sum())(2.0),
    ), (xs(), xs(lo=-1, hi=1))


@program
def p_vjp_linearize_of_grad(jax, jnp):
    f = sin_mul_vjp(jax, jnp)

    def run(x):
        out, lin = jax.linearize(jax.grad(lambda x: f(x, 2.0)), x)
        return out, lin(1.0)

    return run, (np.float32(0.7),)


@program
def p_softplus_seed(jax, jnp):
    sp = softplus_vjp(jax, jnp)
    return lambda x: (
        jax.vmap(jax.grad(sp))(x),
        jax.jit(jax.grad(sp))(10.0),
        jax.grad(jax.grad(sp))(0.5),
    ), (np.array([-10.0, 0.0, 10.0, 80.0, 100.0], np.float32),)


@program
def p_clip_gradient(jax, jnp):
    @jax.custom_vjp
    def clip_gradient(lo, hi, x):
        return x

    clip_gradient.defvjp(
        lambda lo, hi, x: (x, (lo, hi)), lambda res, g: (None, None, jnp.clip(g, *res))
    )

    def clip_sin(x):
        return jnp.sin(clip_gradient(-0.75, 0.75, x))

    return lambda t: (
        clip_sin(t),
        jax.vmap(jax.grad(clip_sin))(t),
        jax.jit(jax.vmap(jax.grad(clip_sin)))(t),
    ), (np.linspace(0, 10, 7, dtype=np.float32),)


@program
def p_pytrees(jax, jnp):
    @jax.custom_jvp
    def fj(pt):
        return {"a": pt.x**2, "b": (jnp.sin(pt.x), jnp.cos(pt.y))}

    @fj.defjvp
    def fj_jvp(primals, tangents):
        (pt,), (pd,) = primals, tangents
        return fj(pt), {"a": 2 * pt.x * pd.x, "b": (jnp.cos(pt.x) * pd.x, -jnp.sin(pt.y) * pd.y)}

    @jax.custom_vjp
    def fv(pt):
        return {"a": pt.x**2, "b": (jnp.sin(pt.x), jnp.cos(pt.y))}

    def fv_bwd(pt, g):
        return (Point(2 * pt.x * g["a"] + jnp.cos(pt.x) * g["b"][0], -jnp.sin(pt.y) * g["b"][1]),)

    fv.defvjp(lambda pt: (fv(pt), pt), fv_bwd)

    def loss(f):
        return lambda pt: f(pt)["a"] + f(pt)["b"][0] + f(pt)["b"][1]

    return lambda x, y: (
        fj(Point(x, y)),
        jax.grad(loss(fj))(Point(x, y)),
        jax.grad(loss(fv))(Point(x, y)),
        jax.jit(jax.grad(loss(fv)))(Point(x, y)),
    ), (np.float32(1.0), np.float32(2.0))


@program
def p_nondiff(jax, jnp):
    @partial(jax.custom_jvp, nondiff_argnums=(0, 2))
    def app2(f, x, g):
        return f(g(x))

    @app2.defjvp
    def app2_jvp(f, g, primals, tangents):
        return app2(f, primals[0], g), 3.0 * tangents[0]

    @partial(jax.custom_vjp, nondiff_argnums=(0,))
    def app(f, x):
        return f(x)

    app.defvjp(lambda f, x: (f(x), x), lambda f, x, g: (5 * g,))
    cube, five = (lambda x: x**3), (lambda y: 5 * y)
    return lambda x: (
        app2(cube, x, five),
        jax.grad(app2, 1)(cube, x, five),
        jax.vmap(jax.grad(lambda x: app(jnp.sin, x)))(jnp.stack([x, 2 * x])),
        jax.grad(lambda x: app(jnp.sin, x) * x)(x),
    ), (np.float32(3.0),)


@program
def p_symbolic_zeros(jax, jnp):
    SymbolicZero = jax.custom_derivatives.SymbolicZero

    @jax.custom_vjp
    def f(x, y):
        return jnp.sin(x) * y, jnp.cos(x)

    def f_fwd(x, y):
        return f(x.value, y.value), (x.value, y.value, x.perturbed, y.perturbed)

    def f_bwd(res, g):
        x, y, px, py = res
        ga, gb = g
        gx = jnp.zeros_like(x)
        if type(ga) is not SymbolicZero:
            gx = gx + ga * y * jnp.cos(x)
        if type(gb) is not SymbolicZero:
            gx = gx - gb * jnp.sin(x)
        gy = None if type(ga) is SymbolicZero else ga * jnp.sin(x)
        return gx * (1.0 if px else 2.0), gy

    f.defvjp(f_fwd, f_bwd, symbolic_zeros=True)

    @jax.custom_jvp
    def g(x, y):
        return x * y

    def g_jvp(p, t):
        out = 0.0
        if type(t[0]) is not SymbolicZero:
            out = out + t[0] * p[1]
        if type(t[1]) is not SymbolicZero:
            out = out + t[1] * p[0] * 10
        return g(*p), out

    g.defjvp(g_jvp, symbolic_zeros=True)
    return lambda x, y: (
        jax.grad(lambda x, y: f(x, y)[1])(x, y),
        jax.grad(lambda x, y: f(x, y)[0], (0, 1))(x, y),
        jax.jit(jax.grad(lambda x, y: f(x, y)[0] + f(x, y)[1], 1))(x, y),
        jax.grad(g, (0, 1))(x, y),
        jax.grad(g, 1)(x, y),
    ), (np.float32(0.5), np.float32(2.0))


@program
def p_integer_inputs(jax, jnp):
    @jax.custom_jvp
    def fj(x, n):
        return x * n

    fj.defjvp(lambda p, t: (fj(*p), t[0] * p[1]))

    @jax.custom_vjp
    def fv(x, n):
        return x * n

    fv.defvjp(lambda x, n: (fv(x, n), (x, n)), lambda r, g: (g * r[1], None))
    return lambda x, n: (
        jax.grad(fj)(x, n),
        jax.jit(jax.grad(fj))(x, n),
        jax.grad(fv, (0, 1), allow_int=True)(x, n),
        jax.vjp(fv, x, n)[1](jnp.float32(1.0)),
    ), (np.float32(2.0), np.int32(3))


@program
def p_custom_gradient(jax, jnp):
    @jax.custom_gradient
    def f(x, y):
        s = jnp.sin(x)
        return s * y, lambda g: (g * jnp.cos(x) * y * 3, g * s)

    return lambda x, y: (
        f(x, y),
        jax.grad(f, (0, 1))(x[0], y[0]),
        jax.vmap(jax.grad(f))(x, y),
        jax.jit(jax.grad(f, 1))(x[1], y[1]),
    ), (xs(), xs(lo=-1, hi=1))


@program
def p_closure_convert(jax, jnp):
    @partial(jax.custom_vjp, nondiff_argnums=(0,))
    def apply(fn, x, *consts):
        return fn(x, *consts)

    def apply_bwd(fn, res, g):
        _, pull = jax.vjp(fn, *res)
        return pull(g * 2)  # twice the true gradient, to see the rule was used

    apply.defvjp(lambda fn, x, *c: (apply(fn, x, *c), (x, *c)), apply_bwd)

    def outer(y):
        def fn(x):
            return jnp.sin(x) * y

        conv, consts = jax.closure_convert(fn, 1.0)
        return apply(conv, 0.5, *consts)

    return lambda y: (jax.grad(outer)(y), jax.jit(jax.grad(outer))(y)), (np.float32(3.0),)


@program
def p_checkpoint(jax, jnp):
    outs = []
    for opt in (False, True):
        f = sin_mul_vjp(jax, jnp, optimize_remat=opt)

        def g(x, y, f=f):
            return jnp.sin(f(x, y) * 2) * y

        outs.append(g)
    return lambda x, y: tuple(
        (
            jax.grad(jax.checkpoint(g), (0, 1))(x, y),
            jax.jit(jax.grad(jax.checkpoint(g)))(x, y),
            jax.vmap(jax.grad(jax.checkpoint(g)))(jnp.stack([x, y]), jnp.stack([y, x])),
        )
        for g in outs
    ), (np.float32(0.7), np.float32(1.3))


@program
def p_closures_under_vmap(jax, jnp):
    def outer(y):
        @jax.custom_vjp
        def f(x):
            return jnp.sin(x) * y

        f.defvjp(lambda x: (f(x), jnp.cos(x) * y), lambda r, g: (r * g,))

        @jax.custom_jvp
        def h(x):
            return jnp.cos(x) * y

        h.defjvps(lambda t, ans, x: -jnp.sin(x) * y * t)
        return f(2.0) + h(1.0), jax.grad(f)(2.0) + jax.grad(h)(1.0)

    return lambda ys: (jax.vmap(outer)(ys), jax.jit(jax.vmap(outer))(ys)), (xs(3),)


@program
def p_fixed_point_implicit(jax, jnp):
    if not hasattr(jax.lax, "while_loop"):
        pytest.skip("lax.while_loop (issue 4) not available")

    @partial(jax.custom_vjp, nondiff_argnums=(0,))
    def fixed_point(f, a, x_guess):
        def cond_fun(carry):
            x_prev, x = carry
            return jnp.abs(x_prev - x) > 1e-6

        def body_fun(carry):
            _, x = carry
            return x, f(a, x)

        _, x_star = jax.lax.while_loop(cond_fun, body_fun, (x_guess, f(a, x_guess)))
        return x_star

    def fixed_point_fwd(f, a, x_init):
        x_star = fixed_point(f, a, x_init)
        return x_star, (a, x_star)

    def rev_iter(f, packed, u):
        a, x_star, x_star_bar = packed
        _, vjp_x = jax.vjp(lambda x: f(a, x), x_star)
        return x_star_bar + vjp_x(u)[0]

    def fixed_point_rev(f, res, x_star_bar):
        a, x_star = res
        _, vjp_a = jax.vjp(lambda a: f(a, x_star), a)
        (a_bar,) = vjp_a(fixed_point(partial(rev_iter, f), (a, x_star, x_star_bar), x_star_bar))
        return a_bar, jnp.zeros_like(x_star)

    fixed_point.defvjp(fixed_point_fwd, fixed_point_rev)

    def newton_sqrt(a):
        return fixed_point(lambda a, x: 0.5 * (x + a / x), a, a)

    return lambda a: (
        newton_sqrt(a),
        jax.grad(newton_sqrt)(a),
        jax.grad(jax.grad(newton_sqrt))(a),
    ), (np.float32(2.0),)


# ----------------------------------------------------------------------------------------------
# Printed jaxprs


@jaxpr_program
def j_custom_jvp(jax, jnp):
    f = sin_mul_jvp(jax, jnp)
    return [
        jax.make_jaxpr(f)(1.0, 2.0),
        jax.make_jaxpr(jax.grad(f))(1.0, 2.0),
        jax.make_jaxpr(jax.vmap(f))(jnp.ones(3), jnp.ones(3)),
    ]


@jaxpr_program
def j_custom_vjp(jax, jnp):
    f = sin_mul_vjp(jax, jnp)
    return [
        jax.make_jaxpr(f)(1.0, 2.0),
        jax.make_jaxpr(jax.grad(f))(1.0, 2.0),
        jax.make_jaxpr(jax.vmap(f))(jnp.ones(3), jnp.ones(3)),
    ]


@jaxpr_program
def j_closure_consts(jax, jnp):
    def outer(y, x):
        @jax.custom_vjp
        def f(x):
            return jnp.sin(x) * y

        def f_fwd(x):
            return f(x), jnp.cos(x)

        def f_bwd(r, g):
            return (r * g,)

        f.defvjp(f_fwd, f_bwd)

        @jax.custom_jvp
        def h(x):
            return jnp.sin(x) * y

        @h.defjvp
        def h_jvp(p, t):
            return h(p[0]), t[0]

        return f(x) + h(x)

    return [jax.make_jaxpr(outer)(1.0, 2.0)]


@jaxpr_program
def j_symbolic_and_nondiff(jax, jnp):
    @jax.custom_jvp
    def sz(x, y):
        return x * y

    def sz_jvp(p, t):
        return sz(*p), t[0]

    sz.defjvp(sz_jvp, symbolic_zeros=True)

    @partial(jax.custom_jvp, nondiff_argnums=(0,))
    def app(g, x):
        return g(x)

    @app.defjvp
    def app_jvp(g, p, t):
        return app(g, p[0]), t[0]

    return [
        jax.make_jaxpr(sz)(1.0, 2.0),
        jax.make_jaxpr(jax.grad(sz))(1.0, 2.0),
        jax.make_jaxpr(lambda x: app(jnp.sin, x))(1.0),
    ]


@jaxpr_program
def j_log1pexp_grad(jax, jnp):
    g = log1pexp_jvp(jax, jnp)
    return [jax.make_jaxpr(jax.grad(g))(100.0)]


# ----------------------------------------------------------------------------------------------
# Comparison


def _leaves(tree):
    out = []

    def walk(x, path):
        if isinstance(x, dict):
            for k in sorted(x):
                walk(x[k], f"{path}[{k!r}]")
        elif isinstance(x, (tuple, list)):
            kind = type(x).__name__ if hasattr(x, "_fields") else type(x).__name__
            out.append(("node", path, kind, len(x)))
            for i, c in enumerate(x):
                walk(c, f"{path}[{i}]")
        else:
            out.append(("leaf", path, x))

    walk(tree, "")
    return out


def _compare(got, want, rtol=2e-6, atol=1e-6):
    g, w = _leaves(got), _leaves(want)
    assert [x[:2] if x[0] == "leaf" else x for x in g] == [
        x[:2] if x[0] == "leaf" else x for x in w
    ], "output structures differ"
    for gl, wl in zip(g, w):
        if gl[0] != "leaf":
            continue
        path, a, b = gl[1], gl[2], wl[2]
        if isinstance(b, (bool, int, float, complex)):
            assert type(a) is type(b), f"{path}: {type(a)} vs {type(b)}"
        av, bv = np.asarray(a), np.asarray(b)
        assert av.shape == bv.shape, f"{path}: shape {av.shape} vs {bv.shape}"
        assert av.dtype == bv.dtype, f"{path}: dtype {av.dtype} vs {bv.dtype}"
        aw = bool(getattr(a, "weak_type", False))
        bw = bool(getattr(b, "weak_type", False))
        assert aw == bw, f"{path}: weak_type {aw} vs {bw}"
        if bv.dtype.kind in "fc":
            np.testing.assert_allclose(av, bv, rtol=rtol, atol=atol, err_msg=path)
        elif bv.dtype.names is None:
            np.testing.assert_array_equal(av, bv, err_msg=path)


def _run(build, lib):
    fn, args = build(lib, lib.numpy)
    args = tuple(
        lib.numpy.asarray(a) if isinstance(a, (np.ndarray, np.generic)) else a for a in args
    )
    return fn(*args)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_custom_rule_program_matches_jax(name):
    build = PROGRAMS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = _run(build, jax)
    got = _run(build, jaxlite)
    _compare(got, want)


@pytest.mark.parametrize("name", sorted(JAXPRS))
def test_custom_rule_jaxpr_text_matches_jax(name):
    build = JAXPRS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = [str(j) for j in build(jax, jax.numpy)]
    got = [str(j) for j in build(jaxlite, jaxlite.numpy)]
    assert got == want


def test_forward_mode_error_matches_jax():
    msgs = []
    for lib in (jax, jaxlite):
        f = sin_mul_vjp(lib, lib.numpy)
        with pytest.raises(TypeError) as e:
            lib.jvp(f, (1.0, 2.0), (1.0, 0.0))
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]

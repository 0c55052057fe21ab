"""Control flow against real JAX: values, gradients, dtypes, weak types and printed jaxprs.

Each program is built twice, once with `jax` and once with `jaxlite`, and run on the same
NumPy inputs; every output leaf must agree in shape, dtype, weak type and value.
"""

from __future__ import annotations

import os
import warnings
from functools import partial

import numpy as np
import pytest

os.environ.setdefault("JAX_PLATFORMS", "cpu")
jax = pytest.importorskip("jax")
import jax.numpy as jax_numpy  # noqa: E402

import jaxlite  # noqa: E402
import jaxlite.numpy as jaxlite_numpy  # noqa: E402

PROGRAMS: dict = {}
X64: set = set()
TEXT: set = set()


def program(x64: bool = False, text: bool = False):
    def deco(build):
        name = build.__name__.removeprefix("p_")
        PROGRAMS[name] = build
        if x64:
            X64.add(name)
        if text:
            TEXT.add(name)
        return build

    return deco


def rand(*shape, seed=0, lo=-1.0, hi=1.0, dtype=np.float32):
    return np.random.default_rng(seed).uniform(lo, hi, shape).astype(dtype)


# ----------------------------------------------------------------------------------------------
# cond / switch


@program(text=True)
def p_cond_basic(jax, jnp):
    f = lambda p, x: jax.lax.cond(p, jnp.sin, lambda x: x * 2.0, x)
    return f, (np.bool_(True), rand(3))


@program()
def p_cond_concrete_preds(jax, jnp):
    f = lambda p, x: jax.lax.cond(p, jnp.sin, lambda x: x * 2.0, x)
    return lambda x: (f(True, x), f(False, x)), (rand(3),)


@program(text=True)
def p_cond_traced_pred(jax, jnp):
    return lambda x: jax.lax.cond(x[0] > 0, lambda: jnp.sum(x), lambda: jnp.prod(x)), (rand(3),)


@program(x64=True)
def p_cond_int_and_float_pred(jax, jnp):
    def f(x):
        a = jax.lax.cond(3, lambda x: x + 1, lambda x: x - 1, x)
        b = jax.lax.cond(0.0, lambda x: x + 1, lambda x: x - 1, x)
        c = jax.lax.cond(x[0], lambda x: x * 2, lambda x: x * 3, x)
        return a, b, c

    return f, (rand(2),)


@program()
def p_cond_weak_types(jax, jnp):
    def f(p):
        a = jax.lax.cond(p, lambda: 1.0, lambda: 2.0)
        b = jax.lax.cond(p, lambda: 1.0, lambda: jnp.float32(2.0))
        c = jax.lax.cond(p, lambda: 1, lambda: 2)
        return a, b, c

    return lambda: (f(True), f(False)), ()


@program()
def p_cond_pytree_operands(jax, jnp):
    def f(p, d):
        return jax.lax.cond(
            p, lambda d: {"a": d["b"], "b": d["a"]}, lambda d: {"a": d["a"] * 2, "b": d["b"] + 1}, d
        )

    d = {"a": rand(2), "b": rand(2, seed=1)}
    return lambda d: (f(True, d), f(False, d)), (d,)


@program()
def p_cond_grad(jax, jnp):
    f = lambda x: jax.lax.cond(x > 0.5, lambda x: jnp.sin(x) * x, lambda x: jnp.exp(x), x)
    return lambda: (jax.grad(f)(0.7), jax.grad(f)(0.2), jax.grad(jax.grad(f))(0.7)), ()


@program()
def p_cond_closure_grad(jax, jnp):
    def f(x, y):
        return jax.lax.cond(x > 0, lambda: x * y, lambda: jnp.sin(y) + 2 * x)

    return lambda x, y: jax.grad(f, argnums=(0, 1))(x, y), (np.float32(0.3), np.float32(1.5))


@program()
def p_cond_vmap_batched_pred(jax, jnp):
    f = lambda p, x: jax.lax.cond(p, jnp.sin, jnp.cos, x)
    return jax.vmap(f), (np.array([True, False, True]), rand(3))


@program()
def p_cond_vmap_grad_nan_safe(jax, jnp):
    f = lambda x: jax.lax.cond(x > 0, jnp.sqrt, lambda x: x * 0.0, x)
    return jax.vmap(jax.grad(f)), (np.array([-1.0, 4.0], np.float32),)


@program()
def p_cond_vmap_unbatched_pred(jax, jnp):
    f = lambda x, y: jax.lax.cond(True, lambda x, y: x * y, lambda x, y: x + y, x, y)
    return jax.vmap(f, (0, None)), (rand(3), np.float32(2.0))


@program()
def p_cond_jit(jax, jnp):
    f = jax.jit(lambda p, x: jax.lax.cond(p, lambda x: x**2, lambda x: -x, x))
    return lambda x: (f(True, x), f(False, x)), (rand(4),)


@program(text=True)
def p_switch_basic(jax, jnp):
    branches = [jnp.sin, jnp.cos, lambda x: x * 2.0]
    return lambda i, x: jax.lax.switch(i, branches, x), (np.int32(1), rand(3))


@program()
def p_switch_clamped(jax, jnp):
    branches = [lambda x: x, lambda x: -x, lambda x: x * 10]
    return lambda x: [jax.lax.switch(i, branches, x) for i in (-5, 0, 1, 2, 7)], (rand(2),)


@program()
def p_switch_vmap_grad(jax, jnp):
    branches = [jnp.sin, jnp.cos, jnp.tanh]
    f = lambda i, x: jax.lax.switch(i, branches, x)
    return lambda i, x: (jax.vmap(f)(i, x), jax.vmap(jax.grad(f, argnums=1))(i, x)), (
        np.array([0, 2, 1, 5], np.int32),
        rand(4),
    )


# ----------------------------------------------------------------------------------------------
# while_loop / fori_loop


@program(text=True)
def p_while_basic(jax, jnp):
    f = lambda x: jax.lax.while_loop(lambda c: c[0] < 10, lambda c: (c[0] + 1, c[1] * x), (0, x))
    return f, (np.float32(1.1),)


@program(x64=True)
def p_while_weak_promotion(jax, jnp):
    def f():
        a = jax.lax.while_loop(lambda c: c < 3, lambda c: c + 1.0, 0)
        b = jax.lax.while_loop(lambda c: c < 10.0, lambda c: c + jnp.float32(1), 0.0)
        return a, b

    return f, ()


@program()
def p_while_jvp(jax, jnp):
    f = lambda x: jax.lax.while_loop(lambda c: c < 10.0, lambda c: c * 1.7 + jnp.sin(c), x)
    return lambda x: jax.jvp(f, (x,), (np.float32(1.0),)), (np.float32(0.5),)


@program()
def p_while_jvp_closure(jax, jnp):
    def f(a):
        return jax.lax.while_loop(lambda c: c < 10.0 * a, lambda c: c * a + 1.0, 1.0)

    return lambda a: jax.jvp(f, (a,), (np.float32(1.0),)), (np.float32(1.3),)


@program()
def p_while_vmap_batched_pred(jax, jnp):
    def f(x, n):
        return jax.lax.while_loop(lambda c: c[0] < n, lambda c: (c[0] + 1, c[1] * 1.5), (0, x))

    return jax.vmap(f), (rand(4), np.array([0, 3, 1, 6], np.int32))


@program()
def p_while_nested_vmap(jax, jnp):
    def f(x, n):
        return jax.lax.while_loop(
            lambda c: c[0] < n, lambda c: (c[0] + 1, jnp.sin(c[1]) + 1), (0, x)
        )[1]

    return jax.vmap(jax.vmap(f, (0, None)), (None, 0)), (rand(3), np.array([1, 4], np.int32))


@program()
def p_while_linearize(jax, jnp):
    f = lambda x: jax.lax.while_loop(lambda c: c < 10.0, lambda c: c * 2.0, x)
    return lambda x: jax.linearize(f, x)[1](np.float32(1.0)), (np.float32(1.0),)


@program(text=True)
def p_fori_static(jax, jnp):
    return lambda x: jax.lax.fori_loop(0, 5, lambda i, c: c * 1.5 + i, x), (np.float32(1.0),)


@program(text=True)
def p_fori_dynamic(jax, jnp):
    return lambda x, n: jax.lax.fori_loop(0, n, lambda i, c: c * 1.5 + i, x), (
        np.float32(1.0),
        np.int32(3),
    )


@program()
def p_fori_dynamic_jit(jax, jnp):
    return jax.jit(lambda x, n: jax.lax.fori_loop(0, n, lambda i, c: c * 1.5 + i, x)), (
        np.float32(1.0),
        np.int32(3),
    )


@program()
def p_fori_grad_static(jax, jnp):
    f = lambda x: jax.lax.fori_loop(0, 3, lambda i, c: jnp.sin(c) * x + i, x)
    return lambda x: (jax.grad(f)(x), jax.grad(jax.grad(f))(x)), (np.float32(0.7),)


@program()
def p_fori_empty_and_int_carry(jax, jnp):
    def f():
        return (
            jax.lax.fori_loop(5, 2, lambda i, c: c + i, 0),
            jax.lax.fori_loop(0, 4, lambda i, c: c + i, 0),
            jax.lax.fori_loop(np.int16(0), np.int16(3), lambda i, c: c + i, 0.0),
        )

    return f, ()


@program()
def p_fori_linear_transpose(jax, jnp):
    f = lambda x: jax.lax.fori_loop(0, 3, lambda i, c: c * 2.0, x)
    return lambda x: jax.linear_transpose(f, x)(np.float32(1.0)), (np.float32(1.0),)


# ----------------------------------------------------------------------------------------------
# scan / map


@program(text=True)
def p_scan_basic(jax, jnp):
    return lambda c, xs: jax.lax.scan(lambda c, x: (c * 0.5 + x, jnp.sin(c)), c, xs), (
        np.float32(1.0),
        rand(5),
    )


@program()
def p_scan_weak_carry(jax, jnp):
    def f(xs):
        a = jax.lax.scan(lambda c, x: (c + x, c), 0.0, xs)
        b = jax.lax.scan(lambda c, x: (c + x, c), 0, xs)
        c = jax.lax.scan(lambda c, x: (2.0, x), jnp.float32(1), xs)
        return a, b, c

    return f, (rand(3),)


@program()
def p_scan_reverse_pytree(jax, jnp):
    def body(c, x):
        return {"s": c["s"] + x[0], "p": c["p"] * x[1]}, (c["s"], x[0] * x[1])

    init = {"s": np.float32(0.0), "p": np.float32(1.0)}
    return lambda xs, ys: jax.lax.scan(body, init, (xs, ys), reverse=True), (
        rand(4),
        rand(4, seed=1),
    )


@program()
def p_scan_no_xs_length(jax, jnp):
    return lambda: jax.lax.scan(lambda c, _: (c * 2, c), 1.0, None, length=4), ()


@program()
def p_scan_length_zero(jax, jnp):
    return lambda: jax.lax.scan(lambda c, x: (c + x, c * 2), 1.0, jnp.zeros((0,))), ()


@program()
def p_scan_grad(jax, jnp):
    def loss(w, xs):
        c, ys = jax.lax.scan(lambda c, x: (jnp.tanh(c * w + x), c), 0.0, xs)
        return c + jnp.sum(ys)

    return jax.grad(loss, argnums=(0, 1)), (np.float32(0.5), rand(6))


@program()
def p_scan_grad_matrix(jax, jnp):
    def loss(W, xs):
        c, _ = jax.lax.scan(lambda c, x: (jnp.tanh(W @ c + x), None), jnp.zeros(3), xs)
        return jnp.sum(c**2)

    return jax.grad(loss), (rand(3, 3), rand(5, 3, seed=1))


@program()
def p_scan_hessian(jax, jnp):
    def f(x):
        return jnp.sum(jax.lax.scan(lambda c, xi: (c * xi + jnp.sin(c), c), 0.3, x)[1])

    return jax.hessian(f), (rand(3),)


@program()
def p_scan_jacfwd_jacrev(jax, jnp):
    f = lambda x: jax.lax.scan(lambda c, xi: (c * xi, c), 1.0, x)[1]
    return lambda x: (jax.jacfwd(f)(x), jax.jacrev(f)(x)), (rand(4),)


@program()
def p_scan_vmap_axes(jax, jnp):
    f = lambda c, xs: jax.lax.scan(lambda c, x: (c + x, c * x), c, xs)
    return jax.vmap(f, in_axes=(None, 1)), (np.float32(1.0), rand(3, 2))


@program()
def p_scan_vmap_grad(jax, jnp):
    def f(w, xs):
        return jax.lax.scan(lambda c, x: (c * w + x, c), 0.0, xs)[0]

    return jax.vmap(jax.grad(f), (0, None)), (rand(3), rand(4, seed=1))


@program()
def p_scan_jit(jax, jnp):
    def f(c, xs):
        return jax.lax.scan(lambda c, x: (c @ x, jnp.trace(c)), c, xs)

    return jax.jit(f), (np.eye(2, dtype=np.float32), rand(3, 2, 2))


@program()
def p_scan_int_carry_grad(jax, jnp):
    def f(x):
        def body(c, xi):
            i, acc = c
            return (i + 1, acc + xi * i), i

        return jax.lax.scan(body, (0, 0.0), x)[0][1]

    return jax.grad(f), (rand(4),)


@program(text=True)
def p_map_basic(jax, jnp):
    return lambda xs: jax.lax.map(jnp.sin, xs), (rand(3),)


@program()
def p_map_batch_size(jax, jnp):
    f = lambda x: {"a": x * 2, "b": jnp.sum(x)}
    return lambda xs: (
        jax.lax.map(f, xs, batch_size=2),
        jax.lax.map(f, xs, batch_size=0),
        jax.lax.map(f, xs, batch_size=4),
    ), (rand(5, 2),)


@program(text=True)
def p_associative_scan(jax, jnp):
    return lambda xs: jax.lax.associative_scan(jnp.add, xs), (rand(5),)


@program()
def p_associative_scan_variants(jax, jnp):
    def f(x, b):
        return (
            jax.lax.associative_scan(jnp.multiply, x, reverse=True),
            jax.lax.associative_scan(jnp.add, x.reshape(2, 3), axis=1),
            jax.lax.associative_scan(jnp.logical_or, b),
            jax.lax.associative_scan(lambda a, b: (a[0] + b[0], a[1] * b[1]), (x, x)),
        )

    return f, (rand(6), np.array([False, False, True, False]))


@program()
def p_associative_scan_grad(jax, jnp):
    f = lambda x: jnp.sum(jax.lax.associative_scan(jnp.multiply, x) ** 2)
    return jax.grad(f), (rand(7),)


# ----------------------------------------------------------------------------------------------
# Mixtures: custom rules, checkpoint, jit and nesting inside bodies


@program()
def p_scan_custom_jvp_body(jax, jnp):
    @jax.custom_jvp
    def softplus(x):
        return jnp.log1p(jnp.exp(x))

    @softplus.defjvp
    def _(p, t):
        return softplus(p[0]), t[0] * jax.nn.sigmoid(p[0])

    f = lambda x: jax.lax.scan(lambda c, xi: (softplus(c * xi), c), 0.5, x)[0]
    return lambda x: (f(x), jax.grad(f)(x), jax.vmap(jax.grad(f))(jnp.stack([x, -x]))), (rand(3),)


@program()
def p_scan_custom_vjp_body(jax, jnp):
    @jax.custom_vjp
    def clip_grad(x):
        return x

    clip_grad.defvjp(lambda x: (x, None), lambda _, g: (jnp.clip(g, -0.5, 0.5),))
    f = lambda x: jax.lax.scan(lambda c, xi: (clip_grad(c * xi) * 3.0, c), 0.5, x)[0]
    return lambda x: (jax.grad(f)(x), jax.jit(jax.grad(f))(x)), (rand(3) * 2,)


@program()
def p_scan_checkpoint_and_jit_body(jax, jnp):
    def f(x):
        def body(c, xi):
            c = jax.checkpoint(lambda c: jnp.sin(c) * xi)(c)
            return jax.jit(lambda c: c * 2.0 + xi)(c), c

        return jax.lax.scan(body, 0.5, x)

    return lambda x: (f(x), jax.grad(lambda x: f(x)[0])(x)), (rand(3),)


@program(text=True)
def p_nested_text(jax, jnp):
    def f(c, xs, w):
        def body(c, x):
            d = jax.lax.cond(x > 0, lambda c: c + x * w, lambda c: c * x, c)
            return jax.lax.while_loop(lambda d: jnp.abs(d) < 10.0, lambda d: d * 2.0 + w, d), c

        return jax.lax.scan(body, c, xs, reverse=True)

    return f, (np.float32(1.0), rand(3), np.float32(0.5))


@program(text=True)
def p_switch_closures_text(jax, jnp):
    def f(i, x, y):
        return jax.lax.switch(i, [lambda: x * y, lambda: jnp.sin(y) + x, lambda: y])

    return f, (np.int32(2), np.float32(1.0), rand(2))


@program()
def p_nested_scan_cond_fori(jax, jnp):
    def f(x):
        def outer(c, xi):
            inner = jax.lax.fori_loop(0, 2, lambda i, d: d * xi + jnp.cos(d), c)
            return jax.lax.cond(xi > 0, lambda: inner, lambda: -inner), inner

        return jax.lax.scan(outer, 0.3, x)

    return lambda x: (f(x), jax.grad(lambda x: f(x)[0])(x), jax.vmap(f)(jnp.stack([x, -x]))), (
        rand(4),
    )


@program()
def p_fixed_point_implicit(jax, jnp):
    @partial(jax.custom_vjp, nondiff_argnums=(0,))
    def fixed_point(f, a, x0):
        def cond_fun(c):
            return jnp.abs(c[0] - c[1]) > 1e-6

        return jax.lax.while_loop(cond_fun, lambda c: (c[1], f(a, c[1])), (x0, f(a, x0)))[1]

    def fwd(f, a, x0):
        x = fixed_point(f, a, x0)
        return x, (a, x)

    def bwd(f, res, g):
        a, x = res
        _, vjp_a = jax.vjp(lambda a: f(a, x), a)
        _, vjp_x = jax.vjp(lambda x: f(a, x), x)
        w = fixed_point(lambda packed, u: packed + vjp_x(u)[0], g, g)
        return vjp_a(w)[0], jnp.zeros_like(x)

    fixed_point.defvjp(fwd, bwd)
    sqrt = lambda a: fixed_point(lambda a, x: 0.5 * (x + a / x), a, a)
    return lambda a: (sqrt(a), jax.grad(sqrt)(a), jax.jit(jax.vmap(sqrt))(jnp.array([1.0, 4.0]))), (
        np.float32(2.0),
    )


@program(x64=True)
def p_x64_loops(jax, jnp):
    def f(x):
        a = jax.lax.fori_loop(0, 3, lambda i, c: c + i, x)
        b = jax.lax.scan(lambda c, xi: (c + xi, c * 1), 0, np.arange(3))
        return a, b

    return f, (rand(2, dtype=np.float64),)


# ----------------------------------------------------------------------------------------------
# Running and comparing


def _lib(name):
    return (jax, jax_numpy) if name == "jax" else (jaxlite, jaxlite_numpy)


def _convert(x, jnp):
    if isinstance(x, (np.ndarray, np.generic)):
        return jnp.asarray(x)
    if isinstance(x, (tuple, list)):
        return type(x)(_convert(c, jnp) for c in x)
    if isinstance(x, dict):
        return {k: _convert(v, jnp) for k, v in x.items()}
    return x


def _run(name, which):
    lib, lnp = _lib(which)
    fn, args = PROGRAMS[name](lib, lnp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*_convert(args, lnp))


def _flatten(out):
    leaves, tree = jax.tree_util.tree_flatten(out)
    return leaves, tree


def _compare(ref, got):
    r_leaves, r_tree = jax.tree_util.tree_flatten(ref)
    g_leaves, g_tree = jaxlite.tree_util.tree_flatten(got)
    assert str(g_tree).replace("CustomNode", "") == str(r_tree).replace("CustomNode", "") or (
        g_tree.num_leaves == r_tree.num_leaves
    ), f"structure {g_tree} != {r_tree}"
    assert len(g_leaves) == len(r_leaves)
    for i, (r, g) in enumerate(zip(r_leaves, g_leaves)):
        ra, ga = np.asarray(r), np.asarray(g)
        where = f"leaf {i}"
        assert ga.shape == ra.shape, f"{where}: shape {ga.shape} != {ra.shape}"
        assert ga.dtype == ra.dtype, f"{where}: dtype {ga.dtype} != {ra.dtype}"
        assert bool(getattr(g, "weak_type", False)) == bool(getattr(r, "weak_type", False)), (
            f"{where}: weak_type differs"
        )
        if ra.dtype.kind in "fc":
            tol = 1e-10 if ra.dtype == np.float64 else 2e-5
            np.testing.assert_allclose(ga, ra, rtol=tol, atol=tol, equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(ga, ra, err_msg=where)


def _set_x64(on: bool):
    jax.config.update("jax_enable_x64", on)
    jaxlite.config.update("jax_enable_x64", on)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program(name):
    _set_x64(False)
    _compare(_run(name, "jax"), _run(name, "jaxlite"))


@pytest.mark.parametrize("name", sorted(X64))
def test_program_x64(name):
    _set_x64(True)
    try:
        _compare(_run(name, "jax"), _run(name, "jaxlite"))
    finally:
        _set_x64(False)


@pytest.mark.parametrize("name", sorted(TEXT))
def test_jaxpr_text(name):
    _set_x64(False)
    texts = []
    for which in ("jax", "jaxlite"):
        lib, lnp = _lib(which)
        fn, args = PROGRAMS[name](lib, lnp)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            texts.append(str(lib.make_jaxpr(fn)(*_convert(args, lnp))))
    assert texts[1] == texts[0], f"\njaxlite:\n{texts[1]}\njax:\n{texts[0]}"


def test_corpus_size():
    assert len(PROGRAMS) >= 40

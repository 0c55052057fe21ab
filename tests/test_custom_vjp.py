"""custom_vjp: fwd/bwd under every transformation, pytrees, nondiff arguments, symbolic zeros,
integer inputs, optimize_remat and checkpoint, custom_gradient, closure_convert, closures,
forward mode (jaxlite extension), printing, and the errors (each naming the user's function)."""

import re
from collections import namedtuple
from functools import partial

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import dtypes
from jaxlite._src import core
from jaxlite._src.config import config
from jaxlite._src.custom_derivatives import CustomVJPException, remat_opt_p
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite.custom_derivatives import CustomVJPPrimal, SymbolicZero
from jaxlite.errors import UnexpectedTracerError

FWD_ERROR = "can't apply forward-mode autodiff (jvp) to a custom_vjp function."


def close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def make_sin_mul(log=None, **defvjp_kwargs):
    @jax.custom_vjp
    def f(x, y):
        if log is not None:
            log.append("f")
        return jnp.sin(x) * y

    def f_fwd(x, y):
        if log is not None:
            log.append("fwd")
        return f(x, y), (jnp.cos(x), jnp.sin(x), y)

    def f_bwd(res, g):
        if log is not None:
            log.append("bwd")
        cos_x, sin_x, y = res
        return (cos_x * g * y, sin_x * g)

    f.defvjp(f_fwd, f_bwd, **defvjp_kwargs)
    return f


def ref(x, y):
    return jnp.sin(x) * y


# ----------------------------------------------------------------------------------------------
# Which function runs where


def test_only_fun_runs_without_differentiation():
    log = []
    f = make_sin_mul(log)
    close(f(1.0, 2.0), 2 * np.sin(1.0))
    close(jax.jit(f)(1.0, 2.0), 2 * np.sin(1.0))
    close(jax.vmap(f)(jnp.ones(3), jnp.ones(3)), np.sin(np.ones(3)))
    assert log == ["f", "f", "f"]


def test_grad_runs_fwd_then_bwd():
    log = []
    f = make_sin_mul(log)
    close(jax.grad(f)(1.0, 2.0), 2 * np.cos(1.0))
    assert log == ["fwd", "f", "bwd"]
    log.clear()
    y, f_vjp = jax.vjp(f, 1.0, 2.0)
    assert log == ["fwd", "f"]
    cts = f_vjp(1.0)
    assert log == ["fwd", "f", "bwd"]
    close(cts[1], np.sin(1.0))


def test_forward_mode_raises_jax_error():
    f = make_sin_mul()
    with pytest.raises(TypeError, match=re.escape(FWD_ERROR)):
        jax.jvp(f, (1.0, 2.0), (1.0, 0.0))
    with pytest.raises(TypeError, match=re.escape(FWD_ERROR)):
        jax.jacfwd(f)(1.0, 2.0)
    _, f_lin = jax.linearize(f, 1.0, 2.0)  # linearizing is fine; evaluating the tangent isn't
    with pytest.raises(TypeError, match=re.escape(FWD_ERROR)):
        f_lin(1.0, 0.0)


def test_compositions_match_autodiff():
    f = make_sin_mul()
    x, y = jnp.linspace(0.1, 1.0, 4), jnp.linspace(-1.0, 2.0, 4)
    for tr in [
        lambda g: jax.vmap(jax.grad(g, (0, 1))),
        lambda g: jax.jit(jax.vmap(jax.grad(g, (0, 1)))),
        lambda g: jax.vmap(jax.grad(jax.jit(g), (0, 1))),
        lambda g: jax.vmap(jax.grad(jax.grad(g))),
        lambda g: jax.vmap(jax.jit(jax.grad(jax.grad(g, 1)))),
        lambda g: jax.jacrev(g),
    ]:
        got, want = tr(f)(x, y), tr(ref)(x, y)
        for a, b in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
            close(a, b, 1e-5)
    close(jax.grad(lambda x: jax.vmap(f)(x, y).sum())(x), jnp.cos(x) * y)
    y0, f_lin = jax.linearize(jax.grad(f), 0.5, 2.0)
    close(f_lin(1.0, 0.0), -2 * np.sin(0.5), 1e-5)


def test_bwd_is_differentiable_grad_of_grad():
    @jax.custom_vjp
    def f(x):
        return x**3

    f.defvjp(lambda x: (f(x), x), lambda x, g: (3 * x**2 * g,))
    close(jax.grad(jax.grad(f))(2.0), 12.0)
    close(jax.grad(jax.grad(jax.grad(f)))(2.0), 6.0)


def test_called_several_times_and_nested():
    f = make_sin_mul()

    @jax.custom_vjp
    def g(x):
        return f(x, x) * 2

    g.defvjp(lambda x: (g(x), x), lambda x, ct: (2 * ct * (jnp.cos(x) * x + jnp.sin(x)),))

    def h(x):
        return f(x, 2.0) + g(f(x, x)) + f(x * 2, x)

    def h_ref(x):
        return ref(x, 2.0) + 2 * ref(ref(x, x), ref(x, x)) + ref(x * 2, x)

    close(jax.grad(h)(0.3), jax.grad(h_ref)(0.3), 1e-5)
    close(jax.jit(jax.grad(h))(0.3), jax.grad(h_ref)(0.3), 1e-5)


# ----------------------------------------------------------------------------------------------
# bwd outputs: None, lists, pytrees


def test_bwd_none_means_zero_and_list_is_accepted():
    @jax.custom_vjp
    def clip_gradient(lo, hi, x):
        return x

    clip_gradient.defvjp(
        lambda lo, hi, x: (x, (lo, hi)), lambda res, g: [None, None, jnp.clip(g, *res)]
    )
    g = jax.grad(lambda x: 10 * clip_gradient(-0.75, 0.75, x))(1.0)
    close(g, 0.75)
    g_lo = jax.grad(lambda lo: clip_gradient(lo, 0.75, 1.0))(-0.75)
    close(g_lo, 0.0)


Point = namedtuple("Point", ["x", "y"])


def test_pytrees_in_and_out_with_none_subtrees():
    @jax.custom_vjp
    def f(pt, d):
        return {"a": pt.x**2 * d["s"], "b": (jnp.sin(pt.x), jnp.cos(pt.y))}

    def f_fwd(pt, d):
        return f(pt, d), (pt, d)

    def f_bwd(res, g):
        pt, d = res
        x_bar = 2 * pt.x * d["s"] * g["a"] + jnp.cos(pt.x) * g["b"][0]
        return (Point(x_bar, None), {"s": pt.x**2 * g["a"]})  # None: zero for that leaf

    f.defvjp(f_fwd, f_bwd)

    def loss(pt, d):
        out = f(pt, d)
        return out["a"] + out["b"][0] + out["b"][1]

    got = jax.grad(loss, (0, 1))(Point(1.0, 2.0), {"s": 3.0})
    assert type(got[0]) is Point
    close(got[0].x, 6.0 + np.cos(1.0))
    close(got[0].y, 0.0)
    close(got[1]["s"], 1.0)


def test_nondiff_argnums_come_first_in_bwd():
    @partial(jax.custom_vjp, nondiff_argnums=(0,))
    def app(f, x):
        return f(x)

    app.defvjp(lambda f, x: (f(x), x), lambda f, x, g: (5 * g,))
    assert float(app(lambda x: x**2, 4.0)) == 16.0
    assert float(jax.grad(app, 1)(lambda x: x**2, 4.0)) == 5.0
    assert float(jax.jit(jax.grad(app, 1), static_argnums=0)(jnp.sin, 4.0)) == 5.0


@pytest.mark.parametrize("transform", ["grad", "jit", "vmap"])
def test_traced_nondiff_argument_raises(transform):
    @partial(jax.custom_vjp, nondiff_argnums=(0,))
    def scaled(n, x):
        return x * n

    scaled.defvjp(lambda n, x: (scaled(n, x), None), lambda n, r, g: (g * n,))
    run = {
        "grad": lambda: jax.grad(lambda n: scaled(n, 2.0))(3.0),
        "jit": lambda: jax.jit(lambda n: scaled(n, 2.0))(3.0),
        "vmap": lambda: jax.vmap(lambda n: scaled(n, 2.0))(jnp.ones(2)),
    }[transform]
    with pytest.raises(
        UnexpectedTracerError,
        match=r"(?s)nondiff_argnums.*argument 0 \('n'\).*scaled at .*args\[0\]",
    ):
        run()


def test_traced_nondiff_argument_path_in_pytree():
    @partial(jax.custom_vjp, nondiff_argnums=(1,))
    def f(x, opts):
        return x * opts["scale"]

    f.defvjp(lambda x, o: (f(x, o), None), lambda o, r, g: (g,))
    with pytest.raises(
        UnexpectedTracerError,
        match=r"(?s)argument 1 \('opts'\).*f at .*:\d+.*" + re.escape("args[1]['scale']"),
    ):
        jax.jit(lambda s: f(1.0, {"name": "a", "scale": s}))(2.0)


# ----------------------------------------------------------------------------------------------
# vmap


def test_vmap_sums_cotangent_of_unbatched_input():
    f = make_sin_mul()
    x = jnp.linspace(0.1, 1.0, 4)
    got = jax.grad(lambda y: jax.vmap(f, (0, None))(x, y).sum())(2.0)
    close(got, np.sin(np.asarray(x)).sum(), 1e-5)
    got = jax.grad(lambda y: jax.vmap(f, (None, 0), out_axes=1)(0.5, y).sum())(jnp.ones(3))
    close(got, np.full(3, np.sin(0.5)))


def test_vmap_in_axes_and_residual_batching():
    f = make_sin_mul()
    x = jnp.arange(6.0).reshape(2, 3) / 6
    y = jnp.ones((3, 2))
    got = jax.vmap(jax.grad(lambda a, b: f(a, b).sum(), (0, 1)), (1, 0))(x, y)
    want = jax.vmap(jax.grad(lambda a, b: ref(a, b).sum(), (0, 1)), (1, 0))(x, y)
    close(got[0], want[0])
    close(got[1], want[1])


def test_closure_over_batched_value_works_under_vmap():
    def outer(y):
        @jax.custom_vjp
        def f(x):
            return jnp.sin(x) * y

        f.defvjp(lambda x: (f(x), jnp.cos(x) * y), lambda r, g: (r * g,))
        return f(2.0), jax.grad(f)(2.0)

    v, g = jax.vmap(outer)(jnp.arange(3.0))
    close(v, np.sin(2.0) * np.arange(3.0))
    close(g, np.cos(2.0) * np.arange(3.0))
    close(
        jax.grad(lambda z: jax.vmap(lambda y: outer(y)[0] * z)(jnp.arange(3.0)).sum())(1.0),
        np.sin(2.0) * 3,
    )


# ----------------------------------------------------------------------------------------------
# Closures and closure_convert


@pytest.mark.parametrize("transform", ["grad", "jvp", "jit_grad", "grad_jit"])
def test_differentiating_closed_over_value_raises(transform):
    def outer(y):
        @jax.custom_vjp
        def closes_over_y(x):
            return jnp.sin(x) * y

        closes_over_y.defvjp(lambda x: (closes_over_y(x), jnp.cos(x)), lambda c, g: (c * g,))
        if transform == "grad_jit":
            return jax.jit(closes_over_y)(2.0)
        return closes_over_y(2.0)

    run = {
        "grad": lambda: jax.grad(outer)(1.0),
        "jvp": lambda: jax.jvp(outer, (1.0,), (1.0,)),
        "jit_grad": lambda: jax.jit(jax.grad(outer))(1.0),
        "grad_jit": lambda: jax.grad(outer)(1.0),
    }[transform]
    with pytest.raises(
        CustomVJPException,
        match=r"(?s)Detected differentiation of a "
        r"custom_vjp function with respect to a closed-over value.*"
        r"closes_over_y at .*closure_convert",
    ):
        run()
    assert issubclass(CustomVJPException, UnexpectedTracerError)


def test_closure_over_non_differentiated_values_is_fine():
    def outer(y):
        @jax.custom_vjp
        def f(x):
            return jnp.sin(x) * y

        f.defvjp(lambda x: (f(x), jnp.cos(x) * y), lambda r, g: (r * g,))
        return jax.grad(f)(2.0)

    close(outer(3.0), 3 * np.cos(2.0))
    close(jax.jit(outer)(3.0), 3 * np.cos(2.0))


def test_closure_convert_hoists_differentiated_values():
    @partial(jax.custom_vjp, nondiff_argnums=(0,))
    def apply(fn, x, *consts):
        return fn(x, *consts)

    def apply_fwd(fn, x, *consts):
        return apply(fn, x, *consts), (x, consts)

    def apply_bwd(fn, res, g):
        x, consts = res
        _, pull = jax.vjp(fn, x, *consts)
        return pull(g)

    apply.defvjp(apply_fwd, apply_bwd)

    def outer(y):
        def fn(x):
            return jnp.sin(x) * y * jnp.ones(2)

        converted, consts = jax.closure_convert(fn, 1.0)
        assert len(consts) == 1
        return apply(converted, 0.5, *consts).sum()

    close(jax.grad(outer)(3.0), 2 * np.sin(0.5))
    close(jax.jit(jax.grad(outer))(3.0), 2 * np.sin(0.5))


def test_closure_convert_keeps_constants_and_checks_structure():
    w = jnp.arange(3.0)

    def scale_by_w(x):
        return x * w

    converted, consts = jax.closure_convert(scale_by_w, jnp.ones(3))
    assert consts == []
    close(converted(jnp.ones(3)), w)
    with pytest.raises(TypeError, match=r"(?s)same pytree structure.*scale_by_w at .*:\d+"):
        converted((jnp.ones(3),))


# ----------------------------------------------------------------------------------------------
# custom_gradient


def test_custom_gradient():
    @jax.custom_gradient
    def f(x):
        return x**2, lambda g: (g * 10.0,)

    close(f(3.0), 9.0)
    close(jax.grad(f)(3.0), 10.0)
    close(jax.jit(jax.grad(f))(3.0), 10.0)
    close(jax.vmap(jax.grad(f))(jnp.arange(3.0)), [10.0, 10.0, 10.0])


def test_custom_gradient_closes_over_intermediates_and_multiple_args():
    @jax.custom_gradient
    def f(x, y):
        s = jnp.sin(x)
        return s * y, lambda g: (g * jnp.cos(x) * y, g * s)

    got = jax.grad(f, (0, 1))(0.5, 2.0)
    close(got[0], 2 * np.cos(0.5))
    close(got[1], np.sin(0.5))
    got = jax.vmap(jax.grad(f, (0, 1)))(jnp.ones(2), jnp.ones(2))
    close(got[0], np.cos(np.ones(2)))

    @jax.custom_gradient
    def bare(x):
        return jnp.exp(x), lambda g: g * 7.0  # one argument: a bare cotangent is accepted

    close(jax.grad(bare)(0.0), 7.0)


# ----------------------------------------------------------------------------------------------
# Symbolic zeros


def test_symbolic_zeros_fwd_receives_perturbation_bits_and_bwd_symbolic_cotangents():
    seen = []

    @jax.custom_vjp
    def f(x, y):
        return jnp.sin(x) * y, jnp.cos(x)

    def f_fwd(x, y):
        assert type(x) is CustomVJPPrimal and type(y) is CustomVJPPrimal
        seen.append(("fwd", x.perturbed, y.perturbed))
        return f(x.value, y.value), (x.value, y.value)

    def f_bwd(res, g):
        x, y = res
        ga, gb = g
        seen.append(("bwd", type(ga) is SymbolicZero, type(gb) is SymbolicZero))
        gx = jnp.zeros_like(x)
        if type(ga) is not SymbolicZero:
            gx = gx + ga * y * jnp.cos(x)
        if type(gb) is not SymbolicZero:
            gx = gx - gb * jnp.sin(x)
        gy = (
            SymbolicZero(jax.ShapeDtypeStruct((), jnp.float32))
            if type(ga) is SymbolicZero
            else ga * jnp.sin(x)
        )
        return gx, gy

    f.defvjp(f_fwd, f_bwd, symbolic_zeros=True)
    close(jax.grad(lambda x, y: f(x, y)[1])(1.0, 2.0), -np.sin(1.0))
    assert seen == [("fwd", True, False), ("bwd", True, False)]
    seen.clear()
    close(jax.grad(lambda x, y: f(x, y)[0], 1)(1.0, 2.0), np.sin(1.0))
    assert seen == [("fwd", False, True), ("bwd", False, True)]
    seen.clear()
    close(jax.jit(jax.grad(lambda x, y: f(x, y)[1], (0, 1)))(1.0, 2.0)[1], 0.0)
    close(jax.vmap(jax.grad(lambda x, y: f(x, y)[0]))(jnp.ones(2), jnp.ones(2)), np.cos(np.ones(2)))


def test_symbolic_zero_of_wrong_type_from_bwd():
    @jax.custom_vjp
    def sz_fun(x):
        return x

    def sz_bwd(r, g):
        return (SymbolicZero(jax.ShapeDtypeStruct((3,), jnp.float32)),)

    sz_fun.defvjp(lambda x: (x.value, None), sz_bwd, symbolic_zeros=True)
    with pytest.raises(
        ValueError,
        match=r"(?s)sz_bwd at .*sz_fun at .*SymbolicZero.*"
        r"output\[0\].*f32\[3\]",
    ):
        jax.grad(sz_fun)(1.0)


def test_residual_must_not_be_custom_vjp_primal():
    @jax.custom_vjp
    def keeps_record(x):
        return x

    keeps_record.defvjp(lambda x: (x.value, x), lambda r, g: (g,), symbolic_zeros=True)
    with pytest.raises(
        TypeError, match=r"(?s)CustomVJPPrimal as a residual.*keeps_record at .*residuals"
    ):
        jax.grad(keeps_record)(1.0)


# ----------------------------------------------------------------------------------------------
# Integer inputs and outputs


def test_integer_input_cotangent_is_float0_zero():
    @jax.custom_vjp
    def f(x, n):
        return x * n

    f.defvjp(lambda x, n: (f(x, n), (x, n)), lambda r, g: (g * r[1], jnp.ones(())))
    g = jax.grad(f, (0, 1), allow_int=True)(2.0, 3)
    close(g[0], 3.0)
    assert g[1].dtype == dtypes.float0
    _, pull = jax.vjp(f, 2.0, 3)
    assert pull(1.0)[1].dtype == dtypes.float0


def test_integer_output_cotangent():
    seen = []

    @jax.custom_vjp
    def f(x):
        return x * 2, jnp.round(x).astype(jnp.int32)

    def f_bwd(r, g):
        seen.append(g[1].dtype)
        return (2 * g[0],)

    f.defvjp(lambda x: (f(x), None), f_bwd)
    close(jax.grad(lambda x: f(x)[0])(1.0), 2.0)
    assert seen == [dtypes.float0]


# ----------------------------------------------------------------------------------------------
# optimize_remat and checkpoint


@pytest.mark.parametrize("optimize_remat", [False, True])
def test_checkpoint_results_identical(optimize_remat):
    f = make_sin_mul(optimize_remat=optimize_remat)

    def g(x, y):
        return jnp.sin(f(x, y) * 2) * y

    x, y = 0.7, 1.3
    want = jax.grad(g, (0, 1))(x, y)
    for tr in [
        jax.grad(jax.checkpoint(g), (0, 1)),
        jax.jit(jax.grad(jax.checkpoint(g), (0, 1))),
        jax.grad(g, (0, 1)),
    ]:
        got = tr(x, y)
        close(got[0], want[0])
        close(got[1], want[1])
    got = jax.vmap(jax.grad(jax.checkpoint(g)))(jnp.ones(2), jnp.ones(2))
    close(got, jax.vmap(jax.grad(g))(jnp.ones(2), jnp.ones(2)))


def test_checkpoint_recomputes_fwd_residuals_in_backward_pass():
    @jax.custom_vjp
    def f(x):
        return jnp.sin(x)

    f.defvjp(lambda x: (jnp.sin(x), jnp.cos(x)), lambda c, g: (c * g,))
    jaxpr = jax.make_jaxpr(jax.grad(jax.checkpoint(lambda x: f(x) * 2)))(1.0)
    backward = [e for e in jaxpr.eqns if e.primitive.name == "checkpoint" and len(e.invars) == 2][0]
    inner = backward.params["jaxpr"].jaxpr
    assert "cos" in [e.primitive.name for e in inner.eqns]  # the residual, recomputed


def test_optimize_remat_fwd_is_replaced_by_fun_when_residuals_are_dead():
    f = make_sin_mul(optimize_remat=True)

    def fwd_only(x, y):
        # The JVP of the call stages `remat_opt`; keep only its primal output.
        return jax.jvp(lambda x: f(x, y), (x,), (1.0,))[0]

    closed = pe.trace_to_jaxpr(
        lambda x, y: [fwd_only(x, y)], [core.ShapedArray((), np.float32)] * 2
    )
    assert remat_opt_p in [e.primitive for e in closed.jaxpr.eqns]
    dced = pe.dce_closed(closed)
    prims = [e.primitive.name for e in dced.jaxpr.eqns]
    assert "remat_opt" not in prims and prims == ["jit"]
    inner = dced.jaxpr.eqns[0].params["jaxpr"].jaxpr
    assert [e.primitive.name for e in inner.eqns] == ["sin", "mul"]  # the function, not fwd


def test_optimize_remat_with_symbolic_zeros_not_supported():
    f = jax.custom_vjp(lambda x: x)
    with pytest.raises(NotImplementedError, match="symbolic zeros"):
        f.defvjp(lambda x: (x, None), lambda r, g: (g,), symbolic_zeros=True, optimize_remat=True)


# ----------------------------------------------------------------------------------------------
# Forward mode through a reverse-only rule (jaxlite extension)


@pytest.fixture
def x64():
    config.update("jax_enable_x64", True)
    yield
    config.update("jax_enable_x64", False)


@pytest.mark.parametrize("mode", ["transpose", "jvp"])
def test_forward_mode_opt_in_matches_autodiff(mode, x64):
    def f_jvp(p, t):
        (x, y), (tx, ty) = p, t
        return jnp.sin(x) * y, jnp.cos(x) * y * tx + jnp.sin(x) * ty

    kwargs = {"forward_mode": "transpose"} if mode == "transpose" else {"jvp": f_jvp}
    f = make_sin_mul(**kwargs)
    x, y = jnp.array([0.3, 0.7]), jnp.array([1.5, -2.0])
    tx, ty = jnp.array([1.0, -0.5]), jnp.array([0.25, 2.0])
    _, t = jax.jvp(f, (x, y), (tx, ty))
    _, t_ref = jax.jvp(ref, (x, y), (tx, ty))
    close(t, t_ref, 1e-12)
    close(jax.jacfwd(f, (0, 1))(x, y)[1], jax.jacfwd(ref, (0, 1))(x, y)[1], 1e-12)

    def loss(x):
        return jnp.sum(jnp.tanh(f(x, y)) ** 2)

    def loss_ref(x):
        return jnp.sum(jnp.tanh(ref(x, y)) ** 2)

    close(jax.hessian(loss)(x), jax.hessian(loss_ref)(x), 1e-12)
    close(jax.jit(jax.hessian(loss))(x), jax.hessian(loss_ref)(x), 1e-12)
    close(
        jax.vmap(jax.hessian(loss))(jnp.stack([x, 2 * x])),
        jax.vmap(jax.hessian(loss_ref))(jnp.stack([x, 2 * x])),
        1e-12,
    )
    _, f_lin = jax.linearize(f, x, y)
    close(f_lin(tx, ty), t_ref, 1e-12)
    close(
        jax.jvp(jax.grad(loss), (x,), (tx,))[1], jax.jvp(jax.grad(loss_ref), (x,), (tx,))[1], 1e-12
    )


def test_forward_mode_transpose_with_symbolic_zeros_and_pytrees(x64):
    @jax.custom_vjp
    def f(d):
        return {"p": d["a"] * d["b"], "q": jnp.exp(d["a"])}

    def f_fwd(d):
        a, b = d["a"].value, d["b"].value
        return f({"a": a, "b": b}), (a, b)

    def f_bwd(res, g):
        a, b = res
        ga = 0.0
        if type(g["p"]) is not SymbolicZero:
            ga = ga + g["p"] * b
        if type(g["q"]) is not SymbolicZero:
            ga = ga + g["q"] * jnp.exp(a)
        gb = None if type(g["p"]) is SymbolicZero else g["p"] * a
        return ({"a": ga, "b": gb},)

    f.defvjp(f_fwd, f_bwd, symbolic_zeros=True, forward_mode="transpose")
    d = {"a": jnp.float64(0.5), "b": jnp.float64(2.0)}
    t = {"a": jnp.float64(1.0), "b": jnp.float64(-1.0)}
    _, out = jax.jvp(f, (d,), (t,))
    close(out["p"], 2.0 - 0.5)
    close(out["q"], np.exp(0.5))


def test_forward_mode_options_are_validated():
    def ident(x):
        return x

    f = jax.custom_vjp(ident)
    with pytest.raises(ValueError, match=r"ident at .*:\d+: forward_mode"):
        f.defvjp(lambda x: (x, None), lambda r, g: (g,), forward_mode="autodiff")
    with pytest.raises(ValueError, match=r"ident at .*not both"):
        f.defvjp(
            lambda x: (x, None),
            lambda r, g: (g,),
            forward_mode="transpose",
            jvp=lambda p, t: (p[0], t[0]),
        )


# ----------------------------------------------------------------------------------------------
# The jax-js form


def test_from_rules_bare_cotangent_and_tuple():
    log1pexp = jax.custom_vjp.from_rules(
        lambda x: (jnp.log1p(jnp.exp(x)), x), lambda x, g: g * jax.nn.sigmoid(x)
    )
    assert float(jax.grad(log1pexp)(100.0)) == 1.0
    close(jax.vmap(jax.grad(log1pexp))(jnp.array([0.0, 100.0])), [0.5, 1.0])

    two = jax.custom_vjp.from_rules(lambda x, y: (x * y, (x, y)), lambda r, g: (g * r[1], g * r[0]))
    assert [float(v) for v in jax.grad(two, (0, 1))(2.0, 3.0)] == [3.0, 2.0]

    pair_arg = jax.custom_vjp.from_rules(
        lambda p: (p[0] * p[1], p), lambda p, g: (g * p[1], g * p[0])
    )
    assert [float(v) for v in jax.grad(pair_arg)((2.0, 3.0))] == [3.0, 2.0]


# ----------------------------------------------------------------------------------------------
# make_jaxpr (texts checked against JAX 0.10.2)


def test_make_jaxpr_prints_custom_vjp_call_like_jax():
    f = make_sin_mul()
    assert str(jax.make_jaxpr(f)(1.0, 2.0)) == (
        "{ lambda ; a:f32[] b:f32[]. let\n"
        "    c:f32[] = custom_vjp_call[\n"
        "      name=f\n"
        "      bwd=f_bwd\n"
        "      call_jaxpr={ lambda ; d:f32[] e:f32[]. let\n"
        "          f:f32[] = sin d\n"
        "          g:f32[] = mul f e\n"
        "        in (g,) }\n"
        "      fwd=f_fwd\n"
        "      symbolic_zeros=False\n"
        "    ] a b\n"
        "  in (c,) }"
    )
    text = str(jax.make_jaxpr(jax.vmap(f))(jnp.ones(3), jnp.ones(3)))
    assert "bwd=f_bwd" in text and "fwd=f_fwd" in text and "name=f\n" in text


# ----------------------------------------------------------------------------------------------
# Errors


def _with_rules(fwd, bwd):
    @jax.custom_vjp
    def vfun(x, y):
        return jnp.sin(x) * y

    vfun.defvjp(fwd, bwd)
    return vfun


def good_fwd(x, y):
    return jnp.sin(x) * y, (x, y)


def test_no_rule_defined():
    @jax.custom_vjp
    def lonely(x):
        return x

    with pytest.raises(
        AttributeError,
        match=r"No VJP defined for custom_vjp function "
        r".*lonely at .*:\d+ using defvjp",
    ):
        lonely(1.0)


def test_fwd_not_returning_pair():
    def fwd_single(x, y):
        return jnp.sin(x) * y

    with pytest.raises(
        TypeError,
        match=r"(?s)Custom VJP fwd rule .*fwd_single at .*:\d+ for "
        r"function .*vfun at .*must produce a pair",
    ):
        jax.grad(_with_rules(fwd_single, lambda r, g: (g, g)))(1.0, 2.0)


def test_fwd_primal_output_checked_against_staged_function():
    def fwd_shape(x, y):
        return jnp.ones(3), None

    with pytest.raises(
        TypeError,
        match=r"(?s)fwd_shape at .*vfun at .*shapes/dtypes.*"
        r"output.*f32\[3\].*f32\[\]",
    ):
        jax.grad(jax.jit(_with_rules(fwd_shape, lambda r, g: (g, g))))(1.0, 2.0)

    def fwd_struct(x, y):
        return (jnp.sin(x) * y,), None

    with pytest.raises(TypeError, match=r"(?s)fwd_struct at .*container \(pytree\) structure"):
        jax.grad(jax.jit(_with_rules(fwd_struct, lambda r, g: (g, g))))(1.0, 2.0)

    def fwd_dtype(x, y):
        return jnp.float16(1.0), None

    with pytest.raises(
        TypeError,
        match=r"(?s)fwd_dtype.*f16\[\] where the function gives "
        r"f32\[\]",
    ):
        jax.grad(jax.jit(_with_rules(fwd_dtype, lambda r, g: (g, g))))(1.0, 2.0)


def test_bwd_wrong_count():
    def bwd_one(res, g):
        return (g,)

    with pytest.raises(
        TypeError,
        match=r"(?s)Custom VJP bwd rule .*bwd_one at .*vfun at .*"
        r"tuple of length equal to the number of arguments.*\(2\)",
    ):
        jax.grad(_with_rules(good_fwd, bwd_one))(1.0, 2.0)


def test_bwd_bare_value_for_two_arguments():
    def bwd_bare(res, g):
        return g

    with pytest.raises(TypeError, match=r"(?s)bwd_bare at .*PyTreeDef\(\*\) for primal input"):
        jax.grad(_with_rules(good_fwd, bwd_bare))(1.0, 2.0)


def test_bwd_wrong_structure_names_expected_and_got():
    def bwd_nested(res, g):
        return ((g,), g)

    with pytest.raises(
        TypeError,
        match=r"(?s)bwd_nested.*got bwd output structure "
        r"PyTreeDef\(\(\(\*,\), \*\)\) for primal input structure "
        r"PyTreeDef\(\(\*, \*\)\)",
    ):
        jax.grad(_with_rules(good_fwd, bwd_nested))(1.0, 2.0)


def test_bwd_wrong_shape_names_argument_and_path():
    def bwd_shape(res, g):
        return (g, jnp.ones(2))

    with pytest.raises(
        ValueError,
        match=r"(?s)bwd_shape at .*vfun at .*output\[1\] "
        r"\(argument 'y'\).*f32\[2\].*f32\[\].*shapes do not match",
    ):
        jax.grad(_with_rules(good_fwd, bwd_shape))(1.0, 2.0)


def test_bwd_wrong_dtype():
    def bwd_dtype(res, g):
        return (g.astype(jnp.float16), g)

    with pytest.raises(
        ValueError,
        match=r"(?s)bwd_dtype at .*output\[0\] \(argument 'x'\).*"
        r"f16\[\].*f32\[\].*dtypes do not match",
    ):
        jax.grad(_with_rules(good_fwd, bwd_dtype))(1.0, 2.0)
    with pytest.raises(ValueError, match=r"(?s)bwd_dtype at .*dtypes do not match"):
        jax.jit(jax.grad(_with_rules(good_fwd, bwd_dtype)))(1.0, 2.0)


def test_bwd_error_path_inside_pytree():
    @jax.custom_vjp
    def tree_fun(pt):
        return pt.x * pt.y

    def tree_bwd(pt, g):
        return (Point(g * pt.y, jnp.ones(3)),)

    tree_fun.defvjp(lambda pt: (tree_fun(pt), pt), tree_bwd)
    with pytest.raises(
        ValueError,
        match=r"(?s)tree_bwd at .*tree_fun at .*" + re.escape("output[0].y (argument 'pt')"),
    ):
        jax.grad(tree_fun)(Point(1.0, 2.0))


def test_bwd_python_scalar_is_cast_to_primal_dtype():
    f = _with_rules(good_fwd, lambda r, g: (1.0, 0))
    got = jax.grad(f, (0, 1))(jnp.float32(1.0), jnp.float32(2.0))
    assert got[0].dtype == np.float32 and float(got[0]) == 1.0


def test_bwd_non_array_output():
    def bwd_str(res, g):
        return (g, "zero")

    with pytest.raises(TypeError, match=r"(?s)bwd_str at .*must produce arrays.*output\[1\]"):
        jax.grad(_with_rules(good_fwd, bwd_str))(1.0, 2.0)


def test_keyword_only_parameter_cannot_be_passed():
    def kwonly_vjp(x, *, scale=2.0):
        return x * scale

    f = jax.custom_vjp(kwonly_vjp)
    f.defvjp(lambda x: (f(x), None), lambda r, g: (2 * g,))
    assert float(jax.grad(f)(1.0)) == 2.0
    with pytest.raises(TypeError, match=r"(?s)kwonly_vjp at .*:\d+.*scale"):
        f(1.0, scale=3.0)


# ----------------------------------------------------------------------------------------------
# A matrix of compositions for both kinds of rule (float64, tight tolerance)


def _matrix_funs():
    @jax.custom_jvp
    def fj(x, y):
        return jnp.sin(x) * y

    fj.defjvps(lambda t, a, x, y: jnp.cos(x) * t * y, lambda t, a, x, y: jnp.sin(x) * t)

    def mk(**kw):
        @jax.custom_vjp
        def fv(x, y):
            return jnp.sin(x) * y

        fv.defvjp(
            lambda x, y: (fv(x, y), (x, y)),
            lambda r, g: (jnp.cos(r[0]) * r[1] * g, jnp.sin(r[0]) * g),
            **kw,
        )
        return fv

    return {
        "custom_jvp": (fj, True),
        "custom_vjp": (mk(), False),
        "transpose": (mk(forward_mode="transpose"), True),
        "optimize_remat": (mk(optimize_remat=True), False),
    }


def _matrix(f, forward):
    X = jnp.linspace(0.1, 1.0, 6).reshape(2, 3)
    Y = jnp.linspace(-1.0, 2.0, 6).reshape(2, 3)
    cases = [
        (jax.vmap(jax.vmap(jax.grad(f, (0, 1)))), (X, Y)),
        (jax.vmap(jax.grad(lambda x, y: jax.vmap(f)(x, y).sum(), (0, 1)), (1, 1)), (X, Y)),
        (jax.jit(jax.grad(lambda x, y: jax.vmap(f)(x, y).sum(), (0, 1))), (X, Y)),
        (jax.grad(lambda x, y: jax.jit(jax.vmap(jax.vmap(f)))(x, y).sum(), (0, 1)), (X, Y)),
        (jax.vmap(jax.vmap(jax.jit(jax.grad(jax.grad(f))))), (X, Y)),
        (jax.grad(jax.checkpoint(lambda x, y: jnp.sum(jax.vmap(f)(x, y) ** 2)), (0, 1)), (X, Y)),
        (jax.vmap(jax.grad(f, (0, 1)), in_axes=(0, None), out_axes=1), (X[0], 0.7)),
        (jax.jacrev(lambda x: f(x, Y[0])), (X[0],)),
        (jax.grad(lambda x: jax.grad(lambda x: jax.vmap(f)(x, Y[0]).sum())(x).sum()), (X[0],)),
    ]
    if forward:
        cases += [
            (lambda x, y: jax.jvp(jax.vmap(f), (x, y), (y, x)), (X, Y)),
            (jax.vmap(lambda x, y: jax.jvp(f, (x, y), (y, x))), (X, Y)),
            (jax.jacfwd(lambda x: f(x, Y[0])), (X[0],)),
            (jax.hessian(lambda x: jax.vmap(f)(x, Y).sum()), (X,)),
            (jax.jit(jax.hessian(lambda x: f(x, Y[0]).sum())), (X[0],)),
            (lambda x, y: jax.linearize(f, x, y)[1](y, x), (X, Y)),
        ]
    return cases


@pytest.mark.parametrize("kind", ["custom_jvp", "custom_vjp", "transpose", "optimize_remat"])
def test_composition_matrix_matches_autodiff(kind, x64):
    f, forward = _matrix_funs()[kind]
    for (tf, args), (tr, _) in zip(_matrix(f, forward), _matrix(ref, forward), strict=True):
        got, want = tf(*args), tr(*args)
        for a, b in zip(
            jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want), strict=True
        ):
            close(a, b, 1e-12)


class Pair:
    """A registered pytree node (not a namedtuple)."""

    def __init__(self, a, b):
        self.a, self.b = a, b


jax.tree_util.register_pytree_node(Pair, lambda p: ((p.a, p.b), None), lambda _, c: Pair(*c))


def test_registered_pytree_nodes_in_fwd_bwd_and_symbolic_zeros():
    @jax.custom_vjp
    def f(p):
        return Pair(p.a * p.b, jnp.sin(p.a))

    def f_fwd(p):
        a, b = p.a.value, p.b.value  # symbolic zeros: the node is rebuilt with records
        return f(Pair(a, b)), (a, b)

    def f_bwd(res, g):
        a, b = res
        ga_ = 0.0 if type(g.a) is SymbolicZero else g.a
        gb_ = 0.0 if type(g.b) is SymbolicZero else g.b
        return (Pair(ga_ * b + gb_ * jnp.cos(a), ga_ * a),)

    f.defvjp(f_fwd, f_bwd, symbolic_zeros=True)
    got = jax.grad(lambda p: f(p).a)(Pair(2.0, 3.0))
    assert type(got) is Pair
    close(got.a, 3.0)
    close(got.b, 2.0)
    got = jax.jit(jax.grad(lambda p: f(p).a + f(p).b))(Pair(2.0, 3.0))
    close(got.a, 3.0 + np.cos(2.0))

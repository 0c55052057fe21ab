"""The seed documents' examples (../shared/seeds/), run with jaxlite, printing what they print.

Each example is written once against a `(jax, jnp)` module pair. Where a seed prints a value,
the expected text is the seed's. Where a seed shows an old repr (`DeviceArray(...)`), the
expected text is what current JAX prints for the same code (JAX's behaviour wins), checked
when JAX is installed.
"""

import contextlib
import io
from collections import namedtuple
from functools import partial

import numpy as np
import pytest

import jaxlite
import jaxlite.numpy as jlnp


def run(example, jax=jaxlite, jnp=jlnp) -> list[str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        example(jax, jnp)
    return buf.getvalue().splitlines()


def same_as_jax(example):
    jax = pytest.importorskip("jax")
    return run(example) == run(example, jax, jax.numpy), (
        run(example),
        run(example, jax, jax.numpy),
    )


# ----------------------------------------------------------------------------------------------
# Seed 001: custom_vjp.defvjp reference


def seed001_defvjp(jax, jnp):
    @jax.custom_vjp
    def f(x, y):
        return jnp.sin(x) * y

    def f_fwd(x, y):
        return f(x, y), (jnp.cos(x), jnp.sin(x), y)

    def f_bwd(res, g):
        cos_x, sin_x, y = res
        return (cos_x * g * y, sin_x * g)

    f.defvjp(f_fwd, f_bwd)
    x = jnp.float32(1.0)
    y = jnp.float32(2.0)
    with jnp.printoptions(precision=2):
        print(jax.value_and_grad(f)(x, y))


def test_seed001_defvjp():
    assert run(seed001_defvjp) == ["(Array(1.68, dtype=float32), Array(1.08, dtype=float32))"]


# ----------------------------------------------------------------------------------------------
# Seed 003: custom derivative rules notebook


def seed003_tldr(jax, jnp):
    @jax.custom_jvp
    def f(x, y):
        return jnp.sin(x) * y

    @f.defjvp
    def f_jvp(primals, tangents):
        x, y = primals
        x_dot, y_dot = tangents
        primal_out = f(x, y)
        tangent_out = jnp.cos(x) * x_dot * y + jnp.sin(x) * y_dot
        return primal_out, tangent_out

    print(f(2.0, 3.0))
    y, y_dot = jax.jvp(f, (2.0, 3.0), (1.0, 0.0))
    print(y)
    print(y_dot)
    print(jax.grad(f)(2.0, 3.0))

    @jax.custom_jvp
    def f(x, y):
        return jnp.sin(x) * y

    f.defjvps(
        lambda x_dot, primal_out, x, y: jnp.cos(x) * x_dot * y,
        lambda y_dot, primal_out, x, y: jnp.sin(x) * y_dot,
    )
    print(f(2.0, 3.0))
    y, y_dot = jax.jvp(f, (2.0, 3.0), (1.0, 0.0))
    print(y)
    print(y_dot)
    print(jax.grad(f)(2.0, 3.0))

    @jax.custom_vjp
    def f(x, y):
        return jnp.sin(x) * y

    def f_fwd(x, y):
        return f(x, y), (jnp.cos(x), jnp.sin(x), y)

    def f_bwd(res, g):
        cos_x, sin_x, y = res
        return (cos_x * g * y, sin_x * g)

    f.defvjp(f_fwd, f_bwd)
    print(jax.grad(f)(2.0, 3.0))


def test_seed003_tldr():
    assert run(seed003_tldr) == ["2.7278922", "2.7278922", "-1.2484405", "-1.2484405"] * 2 + [
        "-1.2484405"
    ]


def seed003_log1pexp(jax, jnp):
    def log1pexp(x):
        return jnp.log(1.0 + jnp.exp(x))

    print(jax.jit(log1pexp)(3.0))
    print(jax.jit(jax.grad(log1pexp))(3.0))
    print(jax.vmap(jax.jit(jax.grad(log1pexp)))(jnp.arange(3.0)))
    print(jax.grad(log1pexp)(100.0))

    @jax.custom_jvp
    def log1pexp(x):
        return jnp.log(1.0 + jnp.exp(x))

    @log1pexp.defjvp
    def log1pexp_jvp(primals, tangents):
        (x,) = primals
        (x_dot,) = tangents
        ans = log1pexp(x)
        ans_dot = (1 - 1 / (1 + jnp.exp(x))) * x_dot
        return ans, ans_dot

    print(jax.grad(log1pexp)(100.0))
    print(jax.jit(log1pexp)(3.0))
    print(jax.jit(jax.grad(log1pexp))(3.0))
    print(jax.vmap(jax.jit(jax.grad(log1pexp)))(jnp.arange(3.0)))

    @jax.custom_jvp
    def log1pexp(x):
        return jnp.log(1.0 + jnp.exp(x))

    log1pexp.defjvps(lambda t, ans, x: (1 - 1 / (1 + jnp.exp(x))) * t)
    print(jax.grad(log1pexp)(100.0))
    print(jax.jit(log1pexp)(3.0))
    print(jax.jit(jax.grad(log1pexp))(3.0))
    print(jax.vmap(jax.jit(jax.grad(log1pexp)))(jnp.arange(3.0)))


def test_seed003_log1pexp():
    block = ["3.0485873", "0.95257413", "[0.5       0.7310586 0.8807971]"]
    assert run(seed003_log1pexp) == block + ["nan", "1.0"] + block + ["1.0"] + block


def seed003_make_jaxpr(jax, jnp):
    def log1pexp(x):
        return jnp.log(1.0 + jnp.exp(x))

    print(jax.make_jaxpr(jax.grad(log1pexp))(100.0))


def test_seed003_make_jaxpr_matches_jax():
    ok, outs = same_as_jax(seed003_make_jaxpr)
    assert ok, outs


def seed003_boundary(jax, jnp):
    def f(x):
        return x / (1 + jnp.sqrt(x))

    print(jax.grad(f)(0.0))

    @jax.custom_jvp
    def f(x):
        return x / (1 + jnp.sqrt(x))

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,) = primals
        (x_dot,) = tangents
        ans = f(x)
        ans_dot = ((jnp.sqrt(x) + 2) / (2 * (jnp.sqrt(x) + 1) ** 2)) * x_dot
        return ans, ans_dot

    print(jax.grad(f)(0.0))

    @jax.custom_jvp
    def f(x):
        return x / (1 + jnp.sqrt(x))

    f.defjvps(lambda t, ans, x: ((jnp.sqrt(x) + 2) / (2 * (jnp.sqrt(x) + 1) ** 2)) * t)
    print(jax.grad(f)(0.0))


def test_seed003_boundary():
    assert run(seed003_boundary) == ["nan", "1.0", "1.0"]


def seed003_clip_gradient(jax, jnp):
    @jax.custom_vjp
    def clip_gradient(lo, hi, x):
        return x

    def clip_gradient_fwd(lo, hi, x):
        return x, (lo, hi)

    def clip_gradient_bwd(res, g):
        lo, hi = res
        return (None, None, jnp.clip(g, lo, hi))

    clip_gradient.defvjp(clip_gradient_fwd, clip_gradient_bwd)

    def clip_sin(x):
        x = clip_gradient(-0.75, 0.75, x)
        return jnp.sin(x)

    t = jnp.linspace(0, 10, 4)
    print(clip_sin(t))
    print(jax.vmap(jax.grad(clip_sin))(t))
    print(jax.vmap(jax.grad(jnp.sin))(t))


def test_seed003_clip_gradient():
    lines = run(seed003_clip_gradient)
    cos_t = np.asarray(jlnp.cos(jlnp.linspace(0, 10, 4)))
    assert lines[1] == str(np.clip(cos_t, -0.75, 0.75))
    assert lines[2] == str(cos_t)


def test_seed003_clip_gradient_matches_jax():
    ok, outs = same_as_jax(seed003_clip_gradient)
    assert ok, outs


def seed003_side_effects(jax, jnp):
    @jax.custom_jvp
    def f(x):
        print("called f!")
        return jnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        print("called f_jvp!")
        (x,) = primals
        (t,) = tangents
        return f(x), jnp.cos(x) * t

    print(f(3.0))
    print(jax.vmap(f)(jnp.arange(3.0)))
    print(jax.jit(f)(3.0))
    y, y_dot = jax.jvp(f, (3.0,), (1.0,))
    print(y_dot)
    print(jax.grad(f)(3.0))
    jax.grad(jax.grad(f))(3.0)


def test_seed003_custom_jvp_side_effects():
    assert run(seed003_side_effects) == [
        "called f!",
        "0.14112",
        "called f!",
        "[0.         0.84147096 0.9092974 ]",
        "called f!",
        "0.14112",
        "called f_jvp!",
        "called f!",
        "-0.9899925",
        "called f_jvp!",
        "called f!",
        "-0.9899925",
        "called f_jvp!",
        "called f_jvp!",
        "called f!",
    ]


def seed003_python_control_flow(jax, jnp):
    @jax.custom_jvp
    def f(x):
        if x > 0:
            return jnp.sin(x)
        else:
            return jnp.cos(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,) = primals
        (x_dot,) = tangents
        ans = f(x)
        if x > 0:
            return ans, 2 * x_dot
        else:
            return ans, 3 * x_dot

    print(jax.grad(f)(1.0))
    print(jax.grad(f)(-1.0))


def test_seed003_python_control_flow():
    assert run(seed003_python_control_flow) == ["2.0", "3.0"]


def seed003_custom_vjp_side_effects(jax, jnp):
    @jax.custom_vjp
    def f(x):
        print("called f!")
        return jnp.sin(x)

    def f_fwd(x):
        print("called f_fwd!")
        return f(x), jnp.cos(x)

    def f_bwd(cos_x, y_bar):
        print("called f_bwd!")
        return (cos_x * y_bar,)

    f.defvjp(f_fwd, f_bwd)
    print(f(3.0))
    print(jax.grad(f)(3.0))
    y, f_vjp = jax.vjp(f, 3.0)
    print(y)
    print(f_vjp(1.0))
    try:
        jax.jvp(f, (3.0,), (1.0,))
    except TypeError as e:
        print(f"ERROR! {e}")


def test_seed003_custom_vjp_side_effects():
    lines = run(seed003_custom_vjp_side_effects)
    assert lines[:9] == [
        "called f!",
        "0.14112",
        "called f_fwd!",
        "called f!",
        "called f_bwd!",
        "-0.9899925",
        "called f_fwd!",
        "called f!",
        "0.14112",
    ]
    assert lines[9:] == [
        "called f_bwd!",
        "(Array(-0.9899925, dtype=float32, weak_type=True),)",
        "called f_fwd!",
        "called f!",
        "ERROR! can't apply forward-mode autodiff (jvp) to a custom_vjp function.",
    ]


def test_seed003_custom_vjp_side_effects_match_jax():
    ok, outs = same_as_jax(seed003_custom_vjp_side_effects)
    assert ok, outs


def seed003_multi_arg(jax, jnp):
    @jax.custom_jvp
    def f(x, y):
        return x**2 * y

    @f.defjvp
    def f_jvp(primals, tangents):
        x, y = primals
        x_dot, y_dot = tangents
        return f(x, y), 2 * x * y * x_dot + x**2 * y_dot

    print(jax.grad(f)(2.0, 3.0))

    @jax.custom_jvp
    def f(x, y):
        return x**2 * y

    f.defjvps(
        lambda x_dot, primal_out, x, y: 2 * x * y * x_dot,
        lambda y_dot, primal_out, x, y: x**2 * y_dot,
    )
    print(jax.grad(f)(2.0, 3.0))
    print(jax.grad(f, 0)(2.0, 3.0))
    print(jax.grad(f, 1)(2.0, 3.0))

    @jax.custom_jvp
    def f(x, y):
        return x**2 * y

    f.defjvps(lambda x_dot, primal_out, x, y: 2 * x * y * x_dot, None)
    print(jax.grad(f)(2.0, 3.0))
    print(jax.grad(f, 0)(2.0, 3.0))
    print(jax.grad(f, 1)(2.0, 3.0))

    @jax.custom_jvp
    def f(x):
        return jnp.sin(x)

    f.defjvps(lambda t, ans, x: jnp.cos(x) * t)
    print(jax.grad(f)(3.0))
    print(jax.grad(jax.grad(f))(3.0))

    @jax.custom_vjp
    def f(x, y):
        return jnp.sin(x) * y

    f.defvjp(
        lambda x, y: (f(x, y), (jnp.cos(x), jnp.sin(x), y)),
        lambda res, g: (res[0] * g * res[2], -res[1] * g),
    )
    print(jax.grad(f)(2.0, 3.0))


def test_seed003_multi_arg():
    assert run(seed003_multi_arg) == [
        "12.0",
        "12.0",
        "12.0",
        "4.0",
        "12.0",
        "12.0",
        "0.0",
        "-0.9899925",
        "-0.14112",
        "-1.2484405",
    ]


Point = namedtuple("Point", ["x", "y"])


def seed003_pytrees(jax, jnp):
    @jax.custom_jvp
    def f(pt):
        x, y = pt.x, pt.y
        return {"a": x**2, "b": (jnp.sin(x), jnp.cos(y))}

    @f.defjvp
    def f_jvp(primals, tangents):
        (pt,) = primals
        (pt_dot,) = tangents
        ans = f(pt)
        ans_dot = {
            "a": 2 * pt.x * pt_dot.x,
            "b": (jnp.cos(pt.x) * pt_dot.x, -jnp.sin(pt.y) * pt_dot.y),
        }
        return ans, ans_dot

    def fun(pt):
        dct = f(pt)
        return dct["a"] + dct["b"][0]

    pt = Point(1.0, 2.0)
    print(f(pt))
    print(jax.grad(fun)(pt))

    @jax.custom_vjp
    def f(pt):
        x, y = pt.x, pt.y
        return {"a": x**2, "b": (jnp.sin(x), jnp.cos(y))}

    def f_fwd(pt):
        return f(pt), pt

    def f_bwd(pt, g):
        a_bar, (b0_bar, b1_bar) = g["a"], g["b"]
        x_bar = 2 * pt.x * a_bar + jnp.cos(pt.x) * b0_bar
        y_bar = -jnp.sin(pt.y) * b1_bar
        return (Point(x_bar, y_bar),)

    f.defvjp(f_fwd, f_bwd)
    print(f(pt))
    print(jax.grad(fun)(pt))


def test_seed003_pytrees_match_jax():
    ok, outs = same_as_jax(seed003_pytrees)
    assert ok, outs


def seed003_nondiff(jax, jnp):
    @partial(jax.custom_jvp, nondiff_argnums=(0,))
    def app(f, x):
        return f(x)

    @app.defjvp
    def app_jvp(f, primals, tangents):
        (x,) = primals
        (x_dot,) = tangents
        return f(x), 2.0 * x_dot

    print(app(lambda x: x**3, 3.0))
    print(jax.grad(app, 1)(lambda x: x**3, 3.0))

    @partial(jax.custom_jvp, nondiff_argnums=(0, 2))
    def app2(f, x, g):
        return f(g(x))

    @app2.defjvp
    def app2_jvp(f, g, primals, tangents):
        (x,) = primals
        (x_dot,) = tangents
        return f(g(x)), 3.0 * x_dot

    print(app2(lambda x: x**3, 3.0, lambda y: 5 * y))
    print(jax.grad(app2, 1)(lambda x: x**3, 3.0, lambda y: 5 * y))

    @partial(jax.custom_vjp, nondiff_argnums=(0,))
    def app(f, x):
        return f(x)

    def app_fwd(f, x):
        return f(x), x

    def app_bwd(f, x, g):
        return (5 * g,)

    app.defvjp(app_fwd, app_bwd)
    print(app(lambda x: x**2, 4.0))
    print(jax.grad(app, 1)(lambda x: x**2, 4.0))


def test_seed003_nondiff_argnums():
    assert run(seed003_nondiff) == ["27.0", "2.0", "3375.0", "3.0", "16.0", "5.0"]


# ----------------------------------------------------------------------------------------------
# Seed 002: softplus tutorial


def seed002_softplus(jax, jnp):
    def softplus_naive(x):
        return jnp.log(1 + jnp.exp(x))

    x_val = 10.0
    print(f"softplus_naive({x_val}) = {softplus_naive(x_val)}")
    print(f"Gradient at {x_val} (JAX auto): {jax.grad(softplus_naive)(x_val)}")

    @jax.custom_vjp
    def softplus_custom(x):
        return jnp.log(1 + jnp.exp(x))

    def softplus_fwd(x):
        return softplus_custom(x), x

    def softplus_bwd(residuals, g):
        return (g * jax.nn.sigmoid(residuals),)

    softplus_custom.defvjp(softplus_fwd, softplus_bwd)
    grad_custom = jax.grad(softplus_custom)
    for x_val in jnp.array([-10.0, 0.0, 10.0, 80.0, 100.0]):
        naive = jax.grad(softplus_naive)(x_val)
        print(f"{x_val:<5.1f} | {naive:<21.8f} | {grad_custom(x_val):<19.8f}")
    print(f"\nJIT-compiled custom gradient at 10.0: {jax.jit(grad_custom)(10.0):.8f}")


def test_seed002_softplus_match_jax():
    ok, outs = same_as_jax(seed002_softplus)
    assert ok, outs


def test_seed002_softplus_values():
    lines = run(seed002_softplus)
    assert lines[-1] == "JIT-compiled custom gradient at 10.0: 0.99995458"


# ----------------------------------------------------------------------------------------------
# Seed 000: the jax-js functional form


def test_seed000_from_rules_log1pexp():
    log1pexp = jaxlite.custom_vjp.from_rules(
        lambda x: (jlnp.log(jlnp.add(jlnp.array(1.0), jlnp.exp(x))), x),
        lambda x, g: jlnp.multiply(g, jlnp.subtract(jlnp.array(1.0), jlnp.exp(jlnp.negative(x)))),
    )
    assert float(jaxlite.grad(log1pexp)(jlnp.array(100.0))) == 1.0
    naive = jaxlite.grad(lambda x: jlnp.log(1.0 + jlnp.exp(x)))(jlnp.array(100.0))
    assert np.isnan(float(naive))

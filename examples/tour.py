"""A tour of the seed examples (`make demo`).

Each section is an example from the seed documents (../shared/seeds/), with `import jax`
replaced by `import jaxlite as jax`; what it prints is what the seeds print.
"""

from collections import namedtuple
from functools import partial

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import custom_jvp, custom_vjp, grad, jit, jvp, make_jaxpr, vjp, vmap


def section(title: str) -> None:
    print(f"\n=== {title} ===")


section("Seed 001: custom_vjp.defvjp, value_and_grad at precision 2")


@custom_vjp
def f(x, y):
    return jnp.sin(x) * y


def f_fwd(x, y):
    return f(x, y), (jnp.cos(x), jnp.sin(x), y)


def f_bwd(res, g):
    cos_x, sin_x, y = res
    return (cos_x * g * y, sin_x * g)


f.defvjp(f_fwd, f_bwd)
with jnp.printoptions(precision=2):
    print(jax.value_and_grad(f)(jnp.float32(1.0), jnp.float32(2.0)))

section("Seed 003: custom_jvp TL;DR")


@custom_jvp
def f(x, y):
    return jnp.sin(x) * y


@f.defjvp
def f_jvp(primals, tangents):
    x, y = primals
    x_dot, y_dot = tangents
    return f(x, y), jnp.cos(x) * x_dot * y + jnp.sin(x) * y_dot


print(f(2.0, 3.0))
y, y_dot = jvp(f, (2.0, 3.0), (1.0, 0.0))
print(y)
print(y_dot)
print(grad(f)(2.0, 3.0))

section("Seed 003: numerical stability of log1pexp")


def log1pexp(x):
    return jnp.log(1.0 + jnp.exp(x))


print(jit(log1pexp)(3.0))
print(jit(grad(log1pexp))(3.0))
print(vmap(jit(grad(log1pexp)))(jnp.arange(3.0)))
print(grad(log1pexp)(100.0))
print(make_jaxpr(grad(log1pexp))(100.0))


@custom_jvp
def log1pexp(x):
    return jnp.log(1.0 + jnp.exp(x))


@log1pexp.defjvp
def log1pexp_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return log1pexp(x), (1 - 1 / (1 + jnp.exp(x))) * x_dot


print(grad(log1pexp)(100.0))
print(vmap(jit(grad(log1pexp)))(jnp.arange(3.0)))

section("Seed 003: a differentiation convention at a boundary")


@custom_jvp
def f(x):
    return x / (1 + jnp.sqrt(x))


f.defjvps(lambda t, ans, x: ((jnp.sqrt(x) + 2) / (2 * (jnp.sqrt(x) + 1) ** 2)) * t)
print(grad(f)(0.0))

section("Seed 003: when each rule runs")


@custom_jvp
def f(x):
    print("called f!")
    return jnp.sin(x)


@f.defjvp
def f_jvp_printing(primals, tangents):
    print("called f_jvp!")
    (x,), (t,) = primals, tangents
    return f(x), jnp.cos(x) * t


print(f(3.0))
print(vmap(f)(jnp.arange(3.0)))
print(jit(f)(3.0))
print(grad(f)(3.0))
grad(grad(f))(3.0)


@custom_vjp
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
print(grad(f)(3.0))
y, f_vjp = vjp(f, 3.0)
print(f_vjp(1.0))
try:
    jvp(f, (3.0,), (1.0,))
except TypeError as e:
    print(f"ERROR! {e}")

section("Seed 003: pytrees and nondiff_argnums")
Point = namedtuple("Point", ["x", "y"])


@custom_jvp
def f(pt):
    return {"a": pt.x**2, "b": (jnp.sin(pt.x), jnp.cos(pt.y))}


@f.defjvp
def f_pytree_jvp(primals, tangents):
    (pt,), (pt_dot,) = primals, tangents
    ans_dot = {
        "a": 2 * pt.x * pt_dot.x,
        "b": (jnp.cos(pt.x) * pt_dot.x, -jnp.sin(pt.y) * pt_dot.y),
    }
    return f(pt), ans_dot


print(grad(lambda pt: f(pt)["a"] + f(pt)["b"][0])(Point(1.0, 2.0)))


@partial(custom_vjp, nondiff_argnums=(0,))
def app(f, x):
    return f(x)


app.defvjp(lambda f, x: (f(x), x), lambda f, x, g: (5 * g,))
print(app(lambda x: x**2, 4.0))
print(grad(app, 1)(lambda x: x**2, 4.0))

section("Seed 002: softplus with a custom VJP, under jit")


@custom_vjp
def softplus(x):
    return jnp.log(1 + jnp.exp(x))


softplus.defvjp(lambda x: (softplus(x), x), lambda x, g: (g * jax.nn.sigmoid(x),))
print(f"JIT-compiled custom gradient at 10.0: {jit(grad(softplus))(10.0):.8f}")

section("Seed 000: the jax-js functional form")
stable = custom_vjp.from_rules(
    lambda x: (jnp.log(1 + jnp.exp(x)), x),
    lambda x, g: g * (1 - jnp.exp(-x)),
)
print(grad(stable)(jnp.array(100.0)))

section("Seed 003: implicit differentiation of fixed_point over lax.while_loop")


@partial(custom_vjp, nondiff_argnums=(0,))
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


def fixed_point_rev(f, res, x_star_bar):
    a, x_star = res
    _, vjp_a = vjp(lambda a: f(a, x_star), a)
    (a_bar,) = vjp_a(fixed_point(partial(rev_iter, f), (a, x_star, x_star_bar), x_star_bar))
    return a_bar, jnp.zeros_like(x_star)


def rev_iter(f, packed, u):
    a, x_star, x_star_bar = packed
    _, vjp_x = vjp(lambda x: f(a, x), x_star)
    return x_star_bar + vjp_x(u)[0]


fixed_point.defvjp(fixed_point_fwd, fixed_point_rev)


def newton_sqrt(a):
    return fixed_point(lambda a, x: 0.5 * (x + a / x), a, a)


print(newton_sqrt(2.0))
print(jit(vmap(newton_sqrt))(jnp.array([1.0, 2.0, 3.0, 4.0])))
print(grad(newton_sqrt)(2.0))
print(grad(grad(newton_sqrt))(2.0))

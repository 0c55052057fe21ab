"""Seed: implicit differentiation of a fixed point computed by `while_loop` (JAX's custom_vjp
tutorial, `fixed_point` / `newton_sqrt`), with the printed values the tutorial shows."""

from __future__ import annotations

from functools import partial

import numpy as np

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import custom_vjp, grad, jit, vjp, vmap
from jaxlite.lax import while_loop


@partial(custom_vjp, nondiff_argnums=(0,))
def fixed_point(f, a, x_guess):
    def cond_fun(carry):
        x_prev, x = carry
        return jnp.abs(x_prev - x) > 1e-6

    def body_fun(carry):
        _, x = carry
        return x, f(a, x)

    _, x_star = while_loop(cond_fun, body_fun, (x_guess, f(a, x_guess)))
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
    update = lambda a, x: 0.5 * (x + a / x)
    return fixed_point(update, a, a)


def test_value_prints_as_in_the_tutorial():
    assert str(newton_sqrt(2.0)) == "1.4142135"


def test_jit_vmap_prints_as_in_the_tutorial():
    out = jit(vmap(newton_sqrt))(jnp.array([1.0, 2.0, 3.0, 4.0]))
    assert str(out) == "[1.        1.4142135 1.7320509 2.       ]"


def test_grad_and_grad_of_grad_print_as_in_the_tutorial():
    assert str(grad(newton_sqrt)(2.0)) == "0.35355338"
    assert str(grad(grad(newton_sqrt))(2.0)) == "-0.088388346"


def test_agrees_with_sqrt_under_transformations():
    a = jnp.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(
        np.asarray(vmap(grad(newton_sqrt))(a)), 0.5 / np.sqrt([1, 2, 3, 4]), rtol=1e-5
    )
    assert float(jit(grad(newton_sqrt))(2.0)) == float(grad(jnp.sqrt)(2.0))
    np.testing.assert_allclose(
        float(jit(grad(grad(newton_sqrt)))(2.0)), float(grad(grad(jnp.sqrt))(2.0)), rtol=1e-5
    )


def test_forward_mode_differentiates_through_the_loop():
    # jvp runs the while loop's own forward-mode rule (custom_vjp has no jvp).
    y, t = jax.jvp(lambda a: fixed_point.fun(lambda a, x: 0.5 * (x + a / x), a, a), (2.0,), (1.0,))
    assert float(y) == float(newton_sqrt(2.0))
    np.testing.assert_allclose(float(t), 0.5 / np.sqrt(2.0), rtol=1e-5)

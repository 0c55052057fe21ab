"""A tour of the seed examples that jaxlite runs so far (`make demo`).

Each section is an example from ../shared/seeds/, with `import jax` replaced by
`import jaxlite as jax`; the printed values are the seeds' printed values.
Examples that need custom_jvp / custom_vjp or lax control flow join the tour as those
features land.
"""

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import grad, jit, make_jaxpr, vmap


def section(title: str) -> None:
    print(f"\n=== {title} ===")


section("Seed 003: log1pexp is JAX-transformable")


def log1pexp(x):
    return jnp.log(1.0 + jnp.exp(x))


print(log1pexp(3.0))
print(jit(log1pexp)(3.0))
print(jit(grad(log1pexp))(3.0))
print(vmap(jit(grad(log1pexp)))(jnp.arange(3.0)))

section("Seed 003: ...but its gradient is unstable at 100.")
print(grad(log1pexp)(100.0))
print(make_jaxpr(grad(log1pexp))(100.0))

section("Seed 003: x / (1 + sqrt(x)) has a nan gradient at 0 without a custom rule")


def f(x):
    return x / (1 + jnp.sqrt(x))


print(grad(f)(0.0))

section("Seed 002: softplus by plain autodiff")


def softplus_naive(x):
    return jnp.log(1 + jnp.exp(x))


x_val = 10.0
print(f"softplus_naive({x_val}) = {softplus_naive(x_val)}")
print(f"Gradient at {x_val} (JAX auto): {jax.grad(softplus_naive)(x_val)}")

section("Composing transformations")
print(jax.jit(jax.vmap(jax.grad(jnp.tanh)))(jnp.linspace(-1.0, 1.0, 5)))
print(jax.hessian(lambda x: jnp.sum(x**3))(jnp.array([1.0, 2.0])))

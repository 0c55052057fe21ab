"""Derivative and batching checks on the flat internal APIs, shared by the lax test modules.

`check_grads` compares forward mode with central differences and reverse mode with forward
mode through <ct, J t> = <J^T ct, t>, recursively for higher orders, in float64;
`check_vmap` compares vmap with a Python loop over the batch.
"""

import numpy as np

from jaxlite._src import core
from jaxlite._src.config import config
from jaxlite._src.interpreters import ad, batching


def arr(x, dtype=None):
    return core.Array(np.asarray(x, dtype))


def val(x):
    if type(x) is ad.Zero:
        return np.zeros(x.aval.shape, x.aval.dtype)
    return np.asarray(x._value if isinstance(x, core.Array) else x)


def _jvp(f, xs, ts):
    _, (t,) = ad.jvp_flat(lambda *a: [f(*a)], list(xs), list(ts))
    return ad.instantiate_zeros(t)


def _vjp(f, xs, ct):
    _, f_vjp = ad.vjp_flat(lambda *a: [f(*a)], list(xs))
    return [ad.instantiate_zeros(c) for c in f_vjp([ct])]


def check_grads(f, args, order=2, eps=1e-6, tol=1e-6, seed=0):
    """Checks f's JVP against central differences and its VJP against the JVP
    (<ct, J t> = <J^T ct, t>), then (order 2) the same for the derivative maps themselves."""
    config.update("jax_enable_x64", True)
    rng = np.random.RandomState(seed)
    args = [np.asarray(a, np.float64) for a in args]
    ts = [rng.randn(*a.shape) for a in args]

    def F(*xs):
        return val(f(*[arr(x) for x in xs]))

    ty = val(_jvp(f, [arr(a) for a in args], [arr(t) for t in ts]))
    fd = F(*[a + eps * t for a, t in zip(args, ts)]) - F(*[a - eps * t for a, t in zip(args, ts)])
    np.testing.assert_allclose(ty, fd / (2 * eps), rtol=tol, atol=tol)
    ct = rng.randn(*ty.shape)
    cts = [val(c) for c in _vjp(f, [arr(a) for a in args], arr(ct))]
    lhs = np.sum(ct * ty)
    rhs = sum(np.sum(c * t) for c, t in zip(cts, ts))
    np.testing.assert_allclose(lhs, rhs, rtol=tol, atol=tol)
    if order > 1:
        t_fix, ct_fix = [arr(t) for t in ts], arr(ct)
        check_grads(lambda *xs: _jvp(f, xs, t_fix), args, order - 1, eps, tol, seed + 1)
        for i in range(len(args)):
            check_grads(
                lambda *xs, i=i: _vjp(f, xs, ct_fix)[i], args, order - 1, eps, tol, seed + 2
            )


def check_vmap(f, args, in_dims, size=3):
    """vmap of f (output batched at 0) against a Python loop over the batch."""
    out = batching.vmap_flat(lambda *a: [f(*a)], size, in_dims, [0], [arr(a) for a in args])[0]
    ref = []
    for b in range(size):
        sl = [
            arr(np.take(a, b, axis=d)) if d is not None else arr(a) for a, d in zip(args, in_dims)
        ]
        ref.append(val(f(*sl)))
    ref = np.stack(ref)
    got = val(out)
    assert got.shape == ref.shape and got.dtype == ref.dtype
    np.testing.assert_array_equal(got, ref)

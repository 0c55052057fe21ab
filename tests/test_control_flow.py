"""lax control flow, part 1: cond, switch, while_loop, fori_loop.

Every rule of every construct: values, forward and reverse derivatives (check_grads, float64,
orders 1-2), batching against a Python loop, jit against eager, partial evaluation
(linearize), DCE, printed jaxprs and JAX's error messages. Scan, map and associative_scan are
in test_control_flow_scan.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import lax
from jaxlite._src.interpreters import partial_eval as pe
from jaxlite.test_util import check_batching, check_grads, check_jit

RNG = np.random.default_rng(0)
X3 = RNG.uniform(0.5, 1.5, 3)
W3 = RNG.uniform(0.5, 1.5, 3)


def _np(x):
    return np.asarray(x)


# ----------------------------------------------------------------------------------------------
# cond


def _cond_f(x, w):
    return lax.cond(jnp.sum(x) > 1.0, lambda x: jnp.sin(x) * w, lambda x: jnp.cos(x) + w, x)


def test_cond_values_and_branch_order():
    assert float(lax.cond(True, jnp.sin, jnp.cos, 1.0)) == pytest.approx(np.sin(1.0), rel=1e-6)
    assert float(lax.cond(False, jnp.sin, jnp.cos, 1.0)) == pytest.approx(np.cos(1.0), rel=1e-6)
    # Numeric predicates: nonzero is true.
    assert float(lax.cond(2, lambda: 1.0, lambda: 2.0)) == 1.0
    assert float(lax.cond(0.0, lambda: 1.0, lambda: 2.0)) == 2.0
    assert float(lax.cond(np.uint8(1), lambda: 1.0, lambda: 2.0)) == 1.0


def test_cond_operand_keyword_and_pytrees():
    out = lax.cond(
        True, lambda d: {"a": d["b"], "b": d["a"]}, lambda d: d, operand={"a": 1.0, "b": 2.0}
    )
    assert float(out["a"]) == 2.0 and float(out["b"]) == 1.0
    out = lax.cond(False, lambda x, y: (x + y, x), lambda x, y: (x * y, y), 2.0, 3.0)
    assert [float(o) for o in out] == [6.0, 3.0]


def test_cond_weak_types_join():
    a = lax.cond(True, lambda: 1.0, lambda: 2.0)
    assert a.weak_type and a.dtype == np.float32
    b = lax.cond(True, lambda: 1.0, lambda: jnp.float32(2.0))
    assert not b.weak_type and float(b) == 1.0


@pytest.mark.parametrize("order", [1, 2])
def test_cond_grads(x64, order):
    check_grads(_cond_f, (X3, W3), order=order)
    check_grads(_cond_f, (X3 / 10, W3), order=order)
    check_grads(jax.jit(_cond_f), (X3, W3), order=order)


def test_cond_closure_over_tracers(x64):
    def f(x, y):
        return lax.cond(x > 0, lambda: x * y, lambda: jnp.sin(y) + 2 * x)

    check_grads(f, (0.3, 1.5), order=2)
    check_grads(f, (-0.3, 1.5), order=2)
    gx, gy = jax.grad(f, argnums=(0, 1))(0.3, 1.5)
    assert float(gx) == pytest.approx(1.5) and float(gy) == pytest.approx(0.3)


def test_cond_batching():
    check_batching(_cond_f, (np.stack([X3, W3 / 10]), W3), in_axes=(0, None))
    check_batching(_cond_f, (np.stack([X3, W3 / 10]), np.stack([W3, X3])))
    check_batching(_cond_f, (X3, np.stack([W3, X3])), in_axes=(None, 0))
    # Batched predicate: lanes choose different branches.
    f = lambda p, x: lax.cond(p, jnp.sin, jnp.cos, x)
    check_batching(f, (np.array([True, False, True]), X3))
    check_batching(f, (np.array([True, False]), np.stack([X3, W3])))


def test_cond_batched_pred_becomes_select():
    f = jax.vmap(lambda p, x: lax.cond(p, jnp.sin, jnp.cos, x))
    text = str(jax.make_jaxpr(f)(np.array([True, False]), np.ones(2, np.float32)))
    assert "cond[" not in text and "select_n" in text and "stop_gradient" in text


def test_cond_batched_pred_gradient_is_not_poisoned():
    # The untaken branch (sqrt of a negative) must not leak NaN into the taken lane.
    f = lambda x: lax.cond(x > 0, jnp.sqrt, lambda x: x * 0.0, x)
    g = jax.vmap(jax.grad(f))(np.array([-1.0, 4.0], np.float32))
    np.testing.assert_allclose(_np(g), [0.0, 0.25])


def test_cond_vmap_of_grad_and_grad_of_vmap(x64):
    xs = np.stack([X3, -X3, 2 * X3])
    f = lambda x: lax.cond(x[0] > 1.0, lambda x: jnp.sin(x) * W3, lambda x: x**3, x)
    a = jax.vmap(jax.grad(lambda x: jnp.sum(f(x))))(xs)
    b = jax.grad(lambda xs: jnp.sum(jax.vmap(f)(xs)))(xs)
    want = [jax.grad(lambda x: jnp.sum(f(x)))(x) for x in xs]
    np.testing.assert_allclose(_np(a), np.stack([_np(w) for w in want]), rtol=1e-12)
    np.testing.assert_allclose(_np(b), _np(a), rtol=1e-12)
    check_grads(lambda xs: jax.vmap(f)(xs), (xs,), order=2)


def test_cond_jit():
    check_jit(_cond_f, (X3, W3))
    check_jit(lambda p, x: lax.cond(p, lambda x: x * 2, lambda x: -x, x), (np.bool_(False), X3))


def test_cond_linearize_keeps_primal_known(x64):
    y, f_jvp = jax.linearize(lambda x: _cond_f(x, W3), X3)
    np.testing.assert_allclose(_np(y), _np(_cond_f(X3, W3)))
    _, want = jax.jvp(lambda x: _cond_f(x, W3), (X3,), (np.ones(3),))
    np.testing.assert_allclose(_np(f_jvp(np.ones(3))), _np(want), rtol=1e-12)


def test_cond_linear_transpose():
    f = lambda x: lax.cond(True, lambda x: x * 3.0, lambda x: -x, x)
    (ct,) = jax.linear_transpose(f, 1.0)(1.0)
    assert float(ct) == 3.0


def test_cond_dce_drops_unused_outputs_and_operands():
    def f(p, x, y):
        a, _ = lax.cond(p, lambda: (x * 2, jnp.sin(y)), lambda: (x, jnp.cos(y)))
        return a

    closed = jax.make_jaxpr(f)(True, 1.0, 2.0)
    dced = pe.dce_closed(closed)
    (eqn,) = [e for e in dced.jaxpr.eqns if e.primitive.name == "cond"]
    assert len(eqn.outvars) == 1 and len(eqn.invars) == 2  # index and x
    assert float(jax.jit(f)(True, 1.0, 2.0)) == 2.0


def test_cond_concrete_pred_gives_literal_index():
    text = str(jax.make_jaxpr(lambda x: lax.cond(True, jnp.sin, jnp.cos, x))(1.0))
    assert "] 1:i32[] a" in text and "convert_element_type" not in text


def test_cond_jaxpr_text():
    text = str(jax.make_jaxpr(lambda p, x: lax.cond(p, jnp.sin, lambda x: x * 2.0, x))(True, 1.0))
    assert (
        text
        == """\
{ lambda ; a:bool[] b:f32[]. let
    c:i32[] = convert_element_type[new_dtype=int32 weak_type=False] a
    d:f32[] = cond[
      branches=(
        { lambda ; e:f32[]. let f:f32[] = mul e 2.0:f32[] in (f,) }
        { lambda ; g:f32[]. let h:f32[] = sin g in (h,) }
      )
    ] c b
  in (d,) }"""
    )


def test_cond_hoists_closed_over_values_as_operands():
    def f(x, y):
        return lax.cond(x > 0, lambda z: z * y, lambda z: jnp.sin(x) + 2 * z, 3.0)

    text = str(jax.make_jaxpr(f)(1.0, 2.0))
    # Constants of both branches (y, then x) come first, then the operand.
    assert "] d b a 3.0:f32[]" in text


# ----------------------------------------------------------------------------------------------
# switch


def test_switch_values_and_clamping():
    branches = [lambda x: x, lambda x: -x, lambda x: x * 10]
    got = [float(lax.switch(i, branches, 2.0)) for i in (-5, 0, 1, 2, 7)]
    assert got == [2.0, 2.0, -2.0, 20.0, 20.0]
    assert float(lax.switch(0, [lambda: 5.0])) == 5.0


@pytest.mark.parametrize("order", [1, 2])
def test_switch_grads(x64, order):
    branches = [lambda x, w: x * w, lambda x, w: jnp.exp(x) * w, lambda x, w: jnp.sin(x * w)]
    for i in range(3):
        check_grads(lambda x, w, i=i: lax.switch(i, branches, x, w), (X3, W3), order=order)


def test_switch_batching_and_jit():
    branches = [jnp.sin, jnp.cos, jnp.tanh]
    f = lambda i, x: lax.switch(i, branches, x)
    check_batching(f, (np.array([0, 2, 1, 5], np.int32), np.linspace(0, 1, 4)))
    check_batching(f, (np.int32(1), np.stack([X3, W3])), in_axes=(None, 0))
    check_jit(f, (np.int32(2), X3))
    g = jax.vmap(jax.grad(f, argnums=1))(np.array([0, 1, 2], np.int32), X3)
    want = [np.cos(X3[0]), -np.sin(X3[1]), 1 - np.tanh(X3[2]) ** 2]
    np.testing.assert_allclose(_np(g), want, rtol=1e-6)


def test_switch_jaxpr_text():
    f = lambda i, x: lax.switch(i, [jnp.sin, jnp.cos, lambda x: x * 2.0], x)
    assert (
        str(jax.make_jaxpr(f)(1, 1.0))
        == """\
{ lambda ; a:i32[] b:f32[]. let
    c:i32[] = convert_element_type[new_dtype=int32 weak_type=False] a
    d:i32[] = clamp 0:i32[] c 2:i32[]
    e:f32[] = cond[
      branches=(
        { lambda ; f:f32[]. let g:f32[] = sin f in (g,) }
        { lambda ; h:f32[]. let i:f32[] = cos h in (i,) }
        { lambda ; j:f32[]. let k:f32[] = mul j 2.0:f32[] in (k,) }
      )
    ] d b
  in (e,) }"""
    )


# ----------------------------------------------------------------------------------------------
# while_loop


def _while_f(x, w):
    return lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, jnp.sin(c[1]) * w), (0, x))[1]


def test_while_values():
    i, v = lax.while_loop(lambda c: c[0] < 10, lambda c: (c[0] + 1, c[1] * 2.0), (0, 1.0))
    assert int(i) == 10 and float(v) == 1024.0
    assert i.weak_type and i.dtype == np.int32
    # The body never runs when the condition is false at once.
    assert float(lax.while_loop(lambda c: c > 5.0, lambda c: c + 1.0, 1.0)) == 1.0


def test_while_weak_type_promotion():
    out = lax.while_loop(lambda c: c < 3, lambda c: c + 1.0, 0)
    assert out.dtype == np.float32 and not out.weak_type and float(out) == 3.0
    out = lax.while_loop(lambda c: c < 10.0, lambda c: c + jnp.float32(1), 0.0)
    assert out.dtype == np.float32 and not out.weak_type


@pytest.mark.parametrize("order", [1, 2])
def test_while_forward_mode(x64, order):
    check_grads(_while_f, (X3, W3), order=order, modes=["fwd"])
    check_grads(jax.jit(_while_f), (X3, W3), order=order, modes=["fwd"])


def test_while_jvp_closure(x64):
    def f(a):
        return lax.while_loop(lambda c: c < 10.0 * a, lambda c: c * a + 1.0, 1.0)

    check_grads(f, (1.3,), order=2, modes=["fwd"])


def test_while_reverse_mode_raises_jax_error():
    msg = (
        "Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with "
        "dynamic start/stop values. Try using lax.scan, or using fori_loop with static "
        "start/stop."
    )
    f = lambda x: lax.while_loop(lambda c: c < 10.0, lambda c: c * 2.0, x)
    with pytest.raises(ValueError) as e:
        jax.grad(f)(1.0)
    assert str(e.value) == msg
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work"):
        jax.jit(jax.grad(lambda x, n: lax.fori_loop(0, n, lambda i, c: c * x, 1.0)))(2.0, 3)


def test_while_linearize(x64):
    f = lambda x: lax.while_loop(lambda c: c < 10.0, lambda c: c * 2.0 + jnp.sin(c), x)
    y, f_jvp = jax.linearize(f, 1.0)
    assert float(y) == pytest.approx(float(f(1.0)))
    _, want = jax.jvp(f, (1.0,), (1.0,))
    assert float(f_jvp(1.0)) == pytest.approx(float(want))


def test_while_linearize_carry_that_becomes_unknown():
    # The second carry starts as a known constant but depends on x after one iteration.
    def f(x):
        return lax.while_loop(
            lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] + x, c[2] * 2.0), (0, 0.0, 1.0)
        )

    (i, a, b), f_jvp = jax.linearize(f, 2.0)
    assert (int(i), float(a), float(b)) == (3, 6.0, 8.0)
    _, ta, tb = f_jvp(1.0)
    assert (float(ta), float(tb)) == (3.0, 0.0)


def test_while_batching():
    check_batching(_while_f, (np.stack([X3, W3]), W3), in_axes=(0, None))
    check_batching(_while_f, (X3, np.stack([W3, X3])), in_axes=(None, 0))

    def g(x, n):
        return lax.while_loop(
            lambda c: c[0] < n, lambda c: (c[0] + 1, c[1] * 1.5 + jnp.sin(c[1])), (0, x)
        )

    check_batching(g, (X3, np.array([1, 3, 5], np.int32)))
    check_batching(g, (np.float32(0.5), np.array([0, 2, 4], np.int32)), in_axes=(None, 0))


def test_while_batched_predicate_runs_lanes_independently():
    f = jax.vmap(lambda x: lax.while_loop(lambda c: c < 10.0, lambda c: c * 2.0, x))
    np.testing.assert_allclose(_np(f(np.array([1.0, 3.0, 20.0], np.float32))), [16, 12, 20])
    # JAX's form: the batched predicate stays in the loop (no reduction), every carry batched.
    text = str(jax.make_jaxpr(f)(np.ones(2, np.float32)))
    assert "f:bool[2] = lt e 10.0:f32[]" in text


def test_while_nested_vmap_batched_predicates():
    def g(x, n):
        return lax.while_loop(lambda c: c[0] < n, lambda c: (c[0] + 1, jnp.sin(c[1]) + 1), (0, x))[
            1
        ]

    X = RNG.uniform(0.5, 1.5, (2, 3))
    N = np.array([[1, 2, 3], [4, 0, 2]], np.int32)
    got = jax.vmap(jax.vmap(g))(X, N)
    want = [[float(g(X[i, j], N[i, j])) for j in range(3)] for i in range(2)]
    np.testing.assert_allclose(_np(got), want, rtol=1e-12)
    got = jax.jit(jax.vmap(jax.vmap(g, (0, None)), (None, 0)))(X[0], N[0])
    want = [[float(g(X[0, j], N[0, i])) for j in range(3)] for i in range(3)]
    np.testing.assert_allclose(_np(got), want, rtol=1e-6)


def test_while_jvp_of_vmap_with_batched_predicate(x64):
    def g(x, n):
        return lax.while_loop(lambda c: c[0] < n, lambda c: (c[0] + 1, c[1] * c[1]), (0, x))[1]

    ns = np.array([1, 2, 3], np.int32)
    _, t = jax.jvp(lambda x: jax.vmap(g)(x, ns), (X3,), (np.ones(3),))
    np.testing.assert_allclose(_np(t), [2 * X3[0], 4 * X3[1] ** 3, 8 * X3[2] ** 7], rtol=1e-12)


def test_while_jit():
    check_jit(_while_f, (X3, W3))
    check_jit(
        lambda x, n: lax.while_loop(lambda c: c[0] < n, lambda c: (c[0] + 1, c[1] * x), (0, x)),
        (X3, np.int32(4)),
    )


def test_while_dce():
    def f(x):
        a, _, c = lax.while_loop(
            lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2.0, c[2] + 1.0), (0, x, x)
        )
        return a, c

    closed = pe.dce_closed(jax.make_jaxpr(f)(1.0))
    (eqn,) = [e for e in closed.jaxpr.eqns if e.primitive.name == "while"]
    assert len(eqn.outvars) == 2  # the unused carry (not needed by the others) is gone
    assert [float(v) for v in jax.jit(f)(1.0)] == [3.0, 4.0]


def test_while_body_traced_once():
    calls = []

    def body(c):
        calls.append(1)
        return c + 1

    assert int(lax.while_loop(lambda c: c < 100, body, 0)) == 100
    assert len(calls) == 1


def test_while_jaxpr_text():
    f = lambda x: lax.while_loop(lambda c: c[0] < 10, lambda c: (c[0] + 1, c[1] * x), (0, x))
    assert (
        str(jax.make_jaxpr(f)(1.0))
        == """\
{ lambda ; a:f32[]. let
    b:i32[] c:f32[] = while[
      body_jaxpr={ lambda ; d:f32[] e:i32[] f:f32[]. let
          g:i32[] = add e 1:i32[]
          h:f32[] = mul f d
        in (g, h) }
      body_nconsts=1
      cond_jaxpr={ lambda ; i:i32[] j:f32[]. let
          k:bool[] = lt i 10:i32[]
        in (k,) }
      cond_nconsts=0
    ] a 0:i32[] a
  in (b, c) }"""
    )


# ----------------------------------------------------------------------------------------------
# fori_loop


def _fori_f(x, w):
    return lax.fori_loop(0, 4, lambda i, c: jnp.sin(c) * w + i, x)


def test_fori_values():
    assert float(lax.fori_loop(0, 5, lambda i, c: c * 1.5 + i, 1.0)) == 23.96875
    out = lax.fori_loop(5, 2, lambda i, c: c + i, 0)
    assert int(out) == 0 and out.weak_type
    assert int(lax.fori_loop(np.int16(0), np.int16(4), lambda i, c: c + i, 0)) == 6
    assert (
        float(jax.jit(lambda n: lax.fori_loop(0, n, lambda i, c: c * 1.5 + i, 1.0))(5)) == 23.96875
    )


@pytest.mark.parametrize("order", [1, 2])
def test_fori_static_grads(x64, order):
    check_grads(_fori_f, (X3, W3), order=order)
    check_grads(jax.jit(_fori_f), (X3, W3), order=order)


def test_fori_dynamic_forward_mode(x64):
    f = lambda x, w, n: lax.fori_loop(0, n, lambda i, c: jnp.sin(c) * w + i, x)
    check_grads(lambda x, w: jax.jit(f)(x, w, 3), (X3, W3), order=2, modes=["fwd"])


def test_fori_static_is_scan_dynamic_is_while():
    static = str(jax.make_jaxpr(lambda x: lax.fori_loop(0, 5, lambda i, c: c * 2.0, x))(1.0))
    dynamic = str(jax.make_jaxpr(lambda x, n: lax.fori_loop(0, n, lambda i, c: c * 2.0, x))(1.0, 5))
    assert "scan[" in static and "while[" not in static
    assert "while[" in dynamic and "scan[" not in dynamic


def test_fori_batching_and_jit():
    check_batching(_fori_f, (np.stack([X3, W3]), W3), in_axes=(0, None))
    check_jit(_fori_f, (X3, W3))
    f = lambda x, n: lax.fori_loop(0, n, lambda i, c: c * 1.5 + i, x)
    check_batching(f, (X3, np.array([1, 0, 4], np.int32)))


def test_fori_linear_transpose_with_counter():
    f = lambda x: lax.fori_loop(0, 3, lambda i, c: c * 2.0, x)
    (ct,) = jax.linear_transpose(f, 1.0)(1.0)
    assert float(ct) == 8.0


def test_fori_jaxpr_text():
    f = lambda x: lax.fori_loop(0, 5, lambda i, c: c * 1.5 + i, x)
    assert (
        str(jax.make_jaxpr(f)(1.0))
        == """\
{ lambda ; a:f32[]. let
    _:i32[] b:f32[] = scan[
      jaxpr={ lambda ; c:i32[] d:f32[]. let
          e:i32[] = add c 1:i32[]
          f:f32[] = mul d 1.5:f32[]
          g:f32[] = convert_element_type[new_dtype=float32 weak_type=True] c
          h:f32[] = add f g
        in (e, h) }
      length=5
      num_carry=2
      num_consts=0
      reverse=False
      unroll=1
    ] 0:i32[] a
  in (b,) }"""
    )


# ----------------------------------------------------------------------------------------------
# Error messages (JAX's texts)


def _err(exc, fn):
    with pytest.raises(exc) as e:
        fn()
    return str(e.value)


def test_cond_errors():
    assert _err(TypeError, lambda: lax.cond(True, 1.0, lambda: 2.0)) == (
        "lax.cond: true_fun and false_fun arguments should be callable."
    )
    assert _err(TypeError, lambda: lax.cond(None, lambda: 1.0, lambda: 2.0)) == (
        "cond predicate is None"
    )
    assert _err(
        TypeError, lambda: lax.cond(jnp.array([True, False]), lambda: 1.0, lambda: 2.0)
    ) == ("Pred must be a scalar, got [ True False] of shape (2,).")
    assert _err(TypeError, lambda: lax.cond("a", lambda: 1.0, lambda: 2.0)) == (
        "Pred must be a scalar, got a of type <class 'str'>"
    )
    assert _err(TypeError, lambda: lax.cond(True, lambda x: x, lambda x: x, 1.0, operand=2.0)) == (
        "if 'operand' keyword is passed then no positional operands can be passed, got "
        "operand=2.0 and positional operands (1.0,)"
    )
    msg = _err(TypeError, lambda: lax.cond(True, lambda x: x, lambda x: x.astype(jnp.int32), 1.0))
    assert msg.startswith(
        "cond branches must have equal output types but they differ.\n\ntrue_fun is <lambda> at "
    )
    assert msg.endswith(
        "The output of true_fun has type float32[] but the corresponding output of false_fun "
        "has type int32[], so the dtypes do not match.\n\nRevise true_fun and/or false_fun so "
        "that all output types match."
    )
    msg = _err(TypeError, lambda: lax.cond(True, lambda x: (x, x), lambda x: x, 1.0))
    assert msg.startswith(
        "cond branch outputs must have the same pytree structure, but they "
        "differ:\n\ntrue_fun is <lambda> at "
    )
    assert msg.endswith(
        "true_fun output is a <class 'tuple'> but false_fun output is a pytree leaf, so their "
        "Python types differ.\n\nRevise true_fun and/or false_fun so that they have the same "
        "pytree structure."
    )
    msg = _err(
        TypeError,
        lambda: lax.cond(True, lambda: {"a": 1.0, "b": 2.0}, lambda: {"a": 1.0, "b": jnp.ones(2)}),
    )
    assert (
        "The output of true_fun at path ['b'] has type float32[] but the corresponding "
        "output of false_fun has type float32[2], so the shapes do not match." in msg
    )


def test_switch_errors():
    assert _err(ValueError, lambda: lax.switch(0, [], 1.0)) == "Empty branch sequence"
    assert _err(TypeError, lambda: lax.switch(1.0, [lambda x: x, lambda x: -x], 1.0)) == (
        "Index type must be an integer, got 1.0 as float32"
    )
    assert _err(TypeError, lambda: lax.switch(True, [lambda: 1.0, lambda: 2.0])) == (
        "Index type must be an integer, got True as bool"
    )
    assert (
        _err(TypeError, lambda: lax.switch(jnp.array([0, 1]), [lambda: 1.0, lambda: 2.0]))
        == "Branch index must be scalar, got [0 1] of shape (2,)."
    )
    assert _err(TypeError, lambda: lax.switch(0, [1, 2], 0.0)) == (
        "lax.switch: branches argument should be a sequence of callables."
    )
    msg = _err(TypeError, lambda: lax.switch(0, [lambda x: x, lambda x: (x, x)], 1.0))
    assert "\n\nbranch 0 is <lambda> at " in msg and "\nbranch1 is <lambda> at " in msg
    assert (
        "branch 0 output is a pytree leaf but branch1 output is a <class 'tuple'>, so "
        "their Python types differ." in msg
    )


def test_while_errors():
    assert _err(TypeError, lambda: lax.while_loop(1, lambda c: c, 0.0)) == (
        "lax.while_loop: body_fun and cond_fun arguments should be callable."
    )
    assert _err(
        TypeError, lambda: lax.while_loop(lambda c: c < 3, lambda c: c + 1, jnp.zeros(2))
    ) == ("cond_fun must return a boolean scalar, but got output type(s) [ShapedArray(bool[2])].")
    assert _err(TypeError, lambda: lax.while_loop(lambda c: c, lambda c: c + 1, 0.0)) == (
        "cond_fun must return a boolean scalar, but got output type(s) "
        "[ShapedArray(float32[], weak_type=True)]."
    )
    assert _err(TypeError, lambda: lax.while_loop(lambda c: (c < 3,), lambda c: c + 1, 0)) == (
        "cond_fun must return a boolean scalar, but got pytree PyTreeDef((*,))."
    )
    assert _err(
        TypeError,
        lambda: lax.while_loop(
            lambda c: c < 3, lambda c: (c + 1).astype(jnp.float32), jnp.int32(0)
        ),
    ) == (
        "while_loop body function carry input and carry output must have equal types, but "
        "they differ:\n\nThe input carry c has type int32[] but the corresponding output carry "
        "component has type float32[], so the dtypes do not match.\n\nRevise the function so "
        "that all output types match the corresponding input types."
    )
    msg = _err(TypeError, lambda: lax.while_loop(lambda c: c < 3, lambda c: (c, c), 0.0))
    assert msg.startswith(
        "while_loop body function carry input and carry output must have the same pytree "
        "structure, but they differ:\n\nThe input carry c is a <class "
    )
    assert msg.endswith(
        "ShapedArray'> but the corresponding component of the carry output is a <class "
        "'tuple'>, so their Python types differ.\n\nRevise the function so that the carry "
        "output has the same pytree structure as the carry input."
    )
    assert _err(TypeError, lambda: lax.while_loop(lambda c: False, lambda c: c, "a")) == (
        "Argument 'a' of type <class 'str'> is not a valid JAX type"
    )


def test_fori_errors():
    assert _err(TypeError, lambda: lax.fori_loop(0, 3, 1, 0.0)) == (
        "lax.fori_loop: body_fun argument should be callable."
    )
    assert _err(
        TypeError, lambda: lax.fori_loop(jnp.int32(0), jnp.int16(3), lambda i, c: c, 0.0)
    ) == ("lower and upper arguments to fori_loop must have equal types, got int32 and int16")
    assert _err(
        ValueError,
        lambda: jax.jit(lambda n: lax.fori_loop(0, n, lambda i, c: c + 1.0, 0.0, unroll=2))(3),
    ) == ("Can only use `unroll` in `fori_loop` if the loop bounds are statically known.")
    assert _err(TypeError, lambda: lax.fori_loop(0, 3, lambda i, c: c + 1.5, jnp.int32(0))) == (
        "scan body function carry input and carry output must have equal types, but they "
        "differ:\n\nThe input carry component loop_carry[1] has type int32[] but the "
        "corresponding output carry component has type float32[], so the dtypes do not "
        "match.\n\nRevise the function so that all output types match the corresponding input "
        "types."
    )


def test_concretization_inside_body_names_the_function():
    def body(c):
        if c > 0:  # Python control flow on a traced value
            return c
        return c + 1

    with pytest.raises(jax.errors.TracerBoolConversionError, match="for while_loop"):
        lax.while_loop(lambda c: c < 3, body, 0)

"""custom_jvp: rules under every transformation, pytrees, nondiff arguments, symbolic zeros,
integer inputs, closures, printing, and the errors (each naming the user's function)."""

import re
from collections import namedtuple
from functools import partial

import numpy as np
import pytest

import jaxlite as jax
import jaxlite.numpy as jnp
from jaxlite import dtypes
from jaxlite.custom_derivatives import SymbolicZero, zero_from_primal
from jaxlite.errors import UnexpectedTracerError


def close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def make_sin(log=None):
    @jax.custom_jvp
    def f(x):
        if log is not None:
            log.append("f")
        return jnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        if log is not None:
            log.append("jvp")
        (x,), (t,) = primals, tangents
        return f(x), jnp.cos(x) * t

    return f


# ----------------------------------------------------------------------------------------------
# Which function runs under which transformation


def test_only_fun_runs_without_differentiation():
    log = []
    f = make_sin(log)
    close(f(1.0), np.sin(1.0))
    close(jax.jit(f)(1.0), np.sin(1.0))
    close(jax.vmap(f)(jnp.arange(3.0)), np.sin(np.arange(3.0)))
    assert log == ["f", "f", "f"]


def test_rule_runs_under_jvp_and_grad():
    log = []
    f = make_sin(log)
    y, t = jax.jvp(f, (1.0,), (2.0,))
    close(y, np.sin(1.0))
    close(t, 2 * np.cos(1.0))
    assert log == ["jvp", "f"]
    log.clear()
    close(jax.grad(f)(1.0), np.cos(1.0))
    assert log == ["jvp", "f"]


def test_rule_not_run_when_no_input_is_perturbed():
    log = []
    f = make_sin(log)
    out = jax.grad(lambda x, y: x * f(y))(2.0, 1.0)
    close(out, np.sin(1.0))
    assert log == ["f"]


def test_grad_of_grad_applies_rule_at_each_level():
    log = []
    f = make_sin(log)
    close(jax.grad(jax.grad(f))(1.0), -np.sin(1.0))
    assert log == ["jvp", "jvp", "f"]


def test_rule_that_does_not_call_fun_is_differentiated_by_autodiff():
    @jax.custom_jvp
    def f(x):
        return jnp.sin(x)

    f.defjvp(lambda p, t: (jnp.sin(p[0]), 2.0 * t[0]))  # "derivative" 2 everywhere
    close(jax.grad(f)(1.0), 2.0)
    close(jax.grad(jax.grad(f))(1.0), 0.0)


def test_transformation_compositions_match_autodiff():
    f = make_sin()
    x = jnp.linspace(0.1, 1.0, 4)
    ref = jnp.sin
    for tr in [
        lambda g: jax.vmap(jax.jit(jax.grad(g))),
        lambda g: jax.vmap(jax.grad(jax.jit(g))),
        lambda g: jax.vmap(jax.grad(g)),
        lambda g: jax.vmap(jax.grad(jax.grad(g))),
        lambda g: jax.jit(jax.vmap(jax.grad(g))),
        lambda g: jax.vmap(jax.jit(jax.grad(jax.grad(g)))),
    ]:
        close(tr(f)(x), tr(ref)(x))
    close(jax.grad(lambda x: jax.vmap(f)(x).sum())(x), jnp.cos(x))
    close(jax.jacfwd(f)(x), jax.jacfwd(ref)(x))
    close(jax.jacrev(f)(x), jax.jacrev(ref)(x))
    close(jax.hessian(lambda x: f(x).sum())(x), jax.hessian(lambda x: ref(x).sum())(x))
    y, f_lin = jax.linearize(f, x)
    close(f_lin(jnp.ones(4)), jnp.cos(x))


def test_called_several_times_and_nested():
    f = make_sin()

    @jax.custom_jvp
    def g(x):
        return f(x) * 2

    g.defjvps(lambda t, ans, x: 2 * jnp.cos(x) * t)

    def h(x):
        return f(x) + g(f(x)) + f(x * 2)

    def h_ref(x):
        return jnp.sin(x) + 2 * jnp.sin(jnp.sin(x)) + jnp.sin(x * 2)

    close(jax.grad(h)(0.3), jax.grad(h_ref)(0.3))
    close(jax.jit(jax.grad(jax.grad(h)))(0.3), jax.grad(jax.grad(h_ref))(0.3), 1e-5)


def test_python_control_flow_in_rule_and_fun():
    @jax.custom_jvp
    def f(x):
        return jnp.sin(x) if x > 0 else jnp.cos(x)

    @f.defjvp
    def f_jvp(p, t):
        return f(p[0]), (2 if p[0] > 0 else 3) * t[0]

    assert float(jax.grad(f)(1.0)) == 2.0
    assert float(jax.grad(f)(-1.0)) == 3.0


# ----------------------------------------------------------------------------------------------
# defjvps, kwargs, nondiff_argnums, pytrees


def test_defjvps_sums_per_argument_rules_and_none_is_zero():
    @jax.custom_jvp
    def f(x, y):
        return x**2 * y

    f.defjvps(lambda t, ans, x, y: 2 * x * y * t, None)
    assert float(jax.grad(f)(2.0, 3.0)) == 12.0
    assert float(jax.grad(f, 1)(2.0, 3.0)) == 0.0
    y, t = jax.jvp(f, (2.0, 3.0), (1.0, 1.0))
    assert float(t) == 12.0


def test_defjvps_all_none_gives_zero_tangent():
    @jax.custom_jvp
    def f(x):
        return x * 3

    f.defjvps(None)
    assert float(jax.grad(f)(1.0)) == 0.0


def test_defjvps_with_nondiff_argnums_is_rejected():
    def applies(g, x):
        return g(x)

    f = jax.custom_jvp(applies, nondiff_argnums=(0,))
    with pytest.raises(TypeError, match=r"defjvps.*nondiff_argnums.*applies at .*:\d+"):
        f.defjvps(lambda t, ans, x: t)


def test_defjvps_wrong_count_names_function():
    @jax.custom_jvp
    def two_args(x, y):
        return x * y

    two_args.defjvps(lambda t, ans, x, y: t * y)
    with pytest.raises(ValueError, match=r"two_args at .*test_custom_jvp.py:\d+.*1 rule.*2 arg"):
        jax.grad(two_args)(1.0, 2.0)


def test_keyword_arguments_and_defaults_resolve_to_positions():
    @jax.custom_jvp
    def f(x, y=2.0):
        return x * y

    @f.defjvp
    def f_jvp(p, t):
        x, y = p
        return f(x, y), t[0] * y + t[1] * x

    assert float(jax.grad(f)(1.0)) == 2.0
    assert float(jax.grad(lambda x: f(x, y=5.0))(1.0)) == 5.0
    assert float(jax.grad(lambda y: f(x=3.0, y=y))(1.0)) == 3.0


def test_keyword_only_parameter_cannot_be_passed():
    def kwonly(x, *, scale=2.0):
        return x * scale

    f = jax.custom_jvp(kwonly)
    f.defjvp(lambda p, t: (kwonly(*p), t[0] * 2.0))
    assert float(f(1.0)) == 2.0  # not passed: its default applies, as in JAX
    with pytest.raises(TypeError, match=r"kwonly at .*test_custom_jvp.py:\d+.*scale"):
        f(1.0, scale=3.0)
    with pytest.raises(TypeError, match=r"(?s)kwonly at .*unexpected keyword argument 'z'"):
        f(1.0, z=3.0)


def test_nondiff_argnums_callables_come_first_in_rule():
    @partial(jax.custom_jvp, nondiff_argnums=(0, 2))
    def app2(f, x, g):
        return f(g(x))

    @app2.defjvp
    def app2_jvp(f, g, primals, tangents):
        return app2(f, primals[0], g), 3.0 * tangents[0]

    assert float(app2(lambda x: x**3, 3.0, lambda y: 5 * y)) == 3375.0
    assert float(jax.grad(app2, 1)(lambda x: x**3, 3.0, lambda y: 5 * y)) == 3.0


def test_nondiff_array_arguments_get_no_derivative():
    @partial(jax.custom_jvp, nondiff_argnums=(0,))
    def f(n, x):
        return jnp.sin(x) * n

    @f.defjvp
    def f_jvp(n, p, t):
        return f(n, p[0]), jnp.cos(p[0]) * t[0] * n

    assert float(jax.grad(lambda n: f(n, 1.0))(2.0)) == 0.0
    close(jax.grad(lambda n: f(n, n))(2.0), np.cos(2.0) * 2.0)
    close(jax.vmap(f, (0, None))(jnp.arange(3.0), 1.0), np.arange(3.0) * np.sin(1.0))
    close(jax.vmap(jax.grad(f, 1), (0, None))(jnp.arange(3.0), 1.0), np.arange(3.0) * np.cos(1))
    close(jax.jit(jax.grad(f, 1))(2.0, 1.0), 2 * np.cos(1.0))


Point = namedtuple("Point", ["x", "y"])


def test_pytrees_in_and_out():
    @jax.custom_jvp
    def f(pt, d):
        return {"a": pt.x**2 * d["s"], "b": (jnp.sin(pt.x), jnp.cos(pt.y))}

    @f.defjvp
    def f_jvp(primals, tangents):
        (pt, d), (pd, dd) = primals, tangents
        return f(pt, d), {
            "a": 2 * pt.x * pd.x * d["s"] + pt.x**2 * dd["s"],
            "b": (jnp.cos(pt.x) * pd.x, -jnp.sin(pt.y) * pd.y),
        }

    def loss(pt, d):
        out = f(pt, d)
        return out["a"] + out["b"][0] + out["b"][1]

    def ref(pt, d):
        return pt.x**2 * d["s"] + jnp.sin(pt.x) + jnp.cos(pt.y)

    args = (Point(1.0, 2.0), {"s": 3.0})
    got = jax.grad(loss, (0, 1))(*args)
    want = jax.grad(ref, (0, 1))(*args)
    assert type(got[0]) is Point
    for g, w in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
        close(g, w)
    out = jax.jit(f)(*args)
    assert set(out) == {"a", "b"}


def test_method_decorator():
    class Model:
        def __init__(self, scale):
            self.scale = scale

        @partial(jax.custom_jvp, nondiff_argnums=(0,))
        def apply(self, x):
            return self.scale * jnp.sin(x)

        @apply.defjvp
        def _apply_jvp(self, primals, tangents):
            return self.apply(primals[0]), 10.0 * tangents[0]

    assert float(jax.grad(Model(2.0).apply)(0.0)) == 10.0


# ----------------------------------------------------------------------------------------------
# Symbolic zeros and integer inputs


def test_symbolic_zeros_reach_the_rule():
    seen = []

    @jax.custom_jvp
    def f(x, y):
        return x * y

    def f_jvp(primals, tangents):
        x, y = primals
        tx, ty = tangents
        seen.append(tuple(type(t) is SymbolicZero for t in tangents))
        out = 0.0
        if type(tx) is not SymbolicZero:
            out = out + tx * y
        if type(ty) is not SymbolicZero:
            out = out + ty * x
        return f(x, y), out

    f.defjvp(f_jvp, symbolic_zeros=True)
    assert float(jax.grad(f)(2.0, 3.0)) == 3.0
    assert float(jax.grad(f, 1)(2.0, 3.0)) == 2.0
    assert seen == [(False, True), (True, False)]
    seen.clear()
    _, t = jax.jvp(f, (2.0, 3.0), (1.0, 0.0))  # an explicit zero is not symbolic
    assert float(t) == 3.0 and seen == [(False, False)]


def test_symbolic_zero_returned_by_rule():
    @jax.custom_jvp
    def f(x, y):
        return x * y

    def f_jvp(primals, tangents):
        return f(*primals), tangents[1]  # d/dx taken as zero (symbolically)

    f.defjvp(f_jvp, symbolic_zeros=True)
    assert float(jax.grad(f)(2.0, 3.0)) == 0.0
    assert float(jax.grad(f, 1)(2.0, 3.0)) == 1.0
    assert float(jax.jit(jax.grad(f))(2.0, 3.0)) == 0.0


def test_symbolic_zero_object():
    z = SymbolicZero(jax.ShapeDtypeStruct((2, 3), jnp.float32))
    assert repr(z) == "SymbolicZero"
    assert z.shape == (2, 3) and z.dtype == np.float32
    zs = zero_from_primal((1.0, jnp.ones(2, jnp.int32)), symbolic_zeros=True)
    assert all(type(a) is SymbolicZero for a in zs)
    assert zs[1].dtype == dtypes.float0
    concrete = zero_from_primal({"a": jnp.ones(2)})
    assert np.array_equal(np.asarray(concrete["a"]), np.zeros(2))


def test_integer_inputs_get_float0_tangents():
    seen = []

    @jax.custom_jvp
    def f(x, n):
        return x * n

    @f.defjvp
    def f_jvp(primals, tangents):
        seen.append(tangents[1].dtype)
        return f(*primals), tangents[0] * primals[1]

    assert float(jax.grad(f)(2.0, 3)) == 3.0
    assert float(jax.jit(jax.grad(f))(2.0, 3)) == 3.0
    close(jax.vmap(jax.grad(f), (0, None))(jnp.ones(2), 3), [3.0, 3.0])
    _, t = jax.jvp(f, (2.0, 3), (1.0, np.zeros((), dtypes.float0)))
    assert float(t) == 3.0
    assert all(d == dtypes.float0 for d in seen)


def test_integer_output_needs_float0_or_symbolic_tangent():
    @jax.custom_jvp
    def counts(x):
        return x * 2, jnp.round(x).astype(jnp.int32)

    @counts.defjvp
    def counts_jvp(p, t):
        return counts(p[0]), (2 * t[0], np.zeros((), dtypes.float0))

    _, (t0, t1) = jax.jvp(counts, (1.0,), (1.0,))
    assert float(t0) == 2.0 and t1.dtype == dtypes.float0

    @jax.custom_jvp
    def bad_counts(x):
        return jnp.round(x).astype(jnp.int32)

    bad_counts.defjvp(lambda p, t: (bad_counts(p[0]), jnp.zeros((), jnp.int32)))
    with pytest.raises(TypeError, match=r"(?s)Expected float0\[\].*got i32\[\].*bad_counts at "):
        jax.jvp(bad_counts, (1.0,), (1.0,))


# ----------------------------------------------------------------------------------------------
# Closures


def test_closure_over_batched_value_works_under_vmap():
    def outer(y):
        @jax.custom_jvp
        def f(x):
            return jnp.sin(x) * y

        f.defjvp(lambda p, t: (f(p[0]), jnp.cos(p[0]) * y * t[0]))
        return f(2.0), jax.grad(f)(2.0)

    v, g = jax.vmap(outer)(jnp.arange(3.0))
    close(v, np.sin(2.0) * np.arange(3.0))
    close(g, np.cos(2.0) * np.arange(3.0))
    v2, _ = jax.jit(jax.vmap(outer))(jnp.arange(3.0))
    close(v2, v)


def test_closure_over_staged_value_works():
    def outer(y):
        @jax.custom_jvp
        def f(x):
            return jnp.sin(x) * y

        f.defjvp(lambda p, t: (f(p[0]), jnp.cos(p[0]) * y * t[0]))
        return jax.grad(f)(2.0)

    close(jax.jit(outer)(3.0), 3 * np.cos(2.0))


@pytest.mark.parametrize("transform", ["grad", "jvp", "jit_grad", "grad_jit"])
def test_closure_over_differentiated_value_raises(transform):
    def outer(y):
        @jax.custom_jvp
        def closes_over_y(x):
            return jnp.sin(x) * y

        closes_over_y.defjvp(lambda p, t: (closes_over_y(p[0]), jnp.cos(p[0]) * t[0]))
        if transform == "grad_jit":
            return jax.jit(closes_over_y)(y)
        return closes_over_y(y)

    run = {
        "grad": lambda: jax.grad(outer)(1.0),
        "jvp": lambda: jax.jvp(outer, (1.0,), (1.0,)),
        "jit_grad": lambda: jax.jit(jax.grad(outer))(1.0),
        "grad_jit": lambda: jax.grad(outer)(1.0),
    }[transform]
    with pytest.raises(
        UnexpectedTracerError, match=r"(?s)closed-over value.*closes_over_y.*closure_convert"
    ):
        run()


# ----------------------------------------------------------------------------------------------
# make_jaxpr (texts checked against JAX 0.10.2)


def test_make_jaxpr_prints_custom_jvp_call_like_jax():
    @jax.custom_jvp
    def f(x):
        return jnp.sin(x)

    @f.defjvp
    def f_jvp(p, t):
        return f(p[0]), jnp.cos(p[0]) * t[0]

    assert str(jax.make_jaxpr(f)(1.0)) == (
        "{ lambda ; a:f32[]. let\n"
        "    b:f32[] = custom_jvp_call[\n"
        "      name=f\n"
        "      call_jaxpr={ lambda ; c:f32[]. let d:f32[] = sin c in (d,) }\n"
        "      jvp=f_jvp\n"
        "      symbolic_zeros=False\n"
        "    ] a\n"
        "  in (b,) }"
    )
    assert str(jax.make_jaxpr(jax.grad(f))(1.0)) == (
        "{ lambda ; a:f32[]. let\n"
        "    _:f32[] = custom_jvp_call[\n"
        "      name=f\n"
        "      call_jaxpr={ lambda ; b:f32[]. let c:f32[] = sin b in (c,) }\n"
        "      jvp=f_jvp\n"
        "      symbolic_zeros=False\n"
        "    ] a\n"
        "    d:f32[] = cos a\n"
        "    e:f32[] = mul d 1.0:f32[]\n"
        "  in (e,) }"
    )


def test_make_jaxpr_shows_num_consts_for_closures():
    def outer(y, x):
        @jax.custom_jvp
        def h(x):
            return jnp.sin(x) * y

        @h.defjvp
        def h_jvp(p, t):
            return h(p[0]), t[0]

        return h(x)

    text = str(jax.make_jaxpr(outer)(1.0, 2.0))
    assert "num_consts=1" in text and "jvp=h_jvp" in text and "] a b" in text


# ----------------------------------------------------------------------------------------------
# Errors


def test_no_rule_defined():
    @jax.custom_jvp
    def lonely(x):
        return x

    with pytest.raises(
        AttributeError, match=r"No JVP defined for custom_jvp function .*lonely at .*:\d+"
    ):
        lonely(1.0)


def _with_rule(rule):
    @jax.custom_jvp
    def my_fun(x):
        return jnp.sin(x)

    my_fun.defjvp(rule)
    return my_fun


def test_rule_not_returning_pair():
    def rule_single(p, t):
        return jnp.sin(p[0])

    with pytest.raises(
        TypeError,
        match=r"(?s)rule_single at .*:\d+ for function "
        r".*my_fun at .*must produce a pair",
    ):
        jax.jvp(_with_rule(rule_single), (1.0,), (1.0,))


def test_rule_primal_and_tangent_structures_differ():
    def rule_struct(p, t):
        return jnp.sin(p[0]), (t[0],)

    with pytest.raises(
        TypeError,
        match=r"(?s)rule_struct.*my_fun.*equal container.*"
        r"PyTreeDef\(\*\).*PyTreeDef\(\(\*,\)\)",
    ):
        jax.grad(_with_rule(rule_struct))(1.0)


def test_rule_tangent_shape_and_dtype_checked():
    def rule_shape(p, t):
        return jnp.sin(p[0]), jnp.ones(3)

    with pytest.raises(
        TypeError,
        match=r"(?s)Expected f32\[\] .*got f32\[3\].*rule_shape.*"
        r"function: .*my_fun at",
    ):
        jax.jvp(_with_rule(rule_shape), (1.0,), (1.0,))

    def rule_dtype(p, t):
        return jnp.sin(p[0]), jnp.asarray(t[0]).astype(jnp.float16)

    with pytest.raises(TypeError, match=r"(?s)Expected f32\[\].*got f16\[\].*rule_dtype"):
        jax.jvp(_with_rule(rule_dtype), (1.0,), (1.0,))


def test_rule_tangent_error_names_the_pytree_path():
    @jax.custom_jvp
    def tree_fun(x):
        return {"a": x, "b": (x, x)}

    def tree_rule(p, t):
        return tree_fun(p[0]), {"a": t[0], "b": (t[0], jnp.ones(2))}

    tree_fun.defjvp(tree_rule)
    with pytest.raises(
        TypeError, match=r"(?s)" + re.escape("tangent_out['b'][1]") + r".*tree_fun at .*:\d+"
    ):
        jax.jvp(tree_fun, (1.0,), (1.0,))


def test_weak_python_scalar_tangent_is_accepted():
    f = _with_rule(lambda p, t: (jnp.sin(p[0]), 2.0))
    _, t = jax.jvp(f, (jnp.float32(1.0),), (jnp.float32(1.0),))
    assert float(t) == 2.0


def test_rule_primal_output_checked_against_staged_function():
    def rule_wrong_primal(p, t):
        return jnp.ones(3), jnp.ones(3)

    # grad(jit(f)): the function was traced (jit) before the rule runs, so it can be checked.
    with pytest.raises(
        TypeError,
        match=r"(?s)rule_wrong_primal.*my_fun.*shapes/dtypes.*"
        r"f32\[3\].*f32\[\]",
    ):
        jax.grad(jax.jit(_with_rule(rule_wrong_primal)))(1.0)


def test_non_array_argument_names_the_path():
    @jax.custom_jvp
    def takes_fn(g, x):
        return g(x)

    takes_fn.defjvp(lambda p, t: (takes_fn(*p), t[1]))
    with pytest.raises(TypeError, match=r"(?s)takes_fn at .*args\[0\].*nondiff_argnums"):
        takes_fn(jnp.sin, 1.0)

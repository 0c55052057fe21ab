"""Products: matmul, dot, vdot, inner, outer, tensordot, einsum, kron (via `lax.dot_general`)."""

from __future__ import annotations

import operator
import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from jaxlite._src.numpy import _lax as lax
from jaxlite._src.numpy import promotion as P
from jaxlite._src.numpy.promotion import (
    PY_SCALARS,
    canonicalize_axis,
    check_arraylike,
    dtype_of,
    shape,
)


def _operands(name: str, *args: Any, lattice: bool = False) -> list[Any]:
    """Checked operands converted to their result type (no broadcasting): `jnp.result_type`,
    as JAX's products take it, or with `lattice` the elementwise functions' promotion."""
    mode = P.ANY if lattice else P.RESULT_TYPE
    if len(args) == 2 and P.same_dtypes(mode, args[0], args[1]) is not None:
        return list(args)  # Arrays or tracers that promotion leaves as they are
    check_arraylike(name, *args)
    promote = P.promote_dtypes if lattice else P.promote_dtypes_result_type
    return [P.to_jax(a) if type(a) not in PY_SCALARS else a for a in promote(*args)]


def _dot_general(
    a: Any,
    b: Any,
    contract: tuple[Sequence[int], Sequence[int]],
    batch: tuple[Sequence[int], Sequence[int]] = ((), ()),
    precision: Any = None,
    preferred_element_type: Any = None,
) -> Any:
    pet = preferred_element_type
    if pet is None:
        pet = dtype_of(a)
    dims = ((tuple(contract[0]), tuple(contract[1])), (tuple(batch[0]), tuple(batch[1])))
    return lax.dot_general(a, b, dims, precision=precision, preferred_element_type=pet)


def _pet(preferred_element_type: Any) -> Any:
    return None if preferred_element_type is None else P.user_dtype(preferred_element_type, "dot")


_MATRIX_PRODUCT = (((1,), (0,)), ((), ()))


def matmul(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Matrix product with NumPy's rules: 1-D operands are vectors, leading axes broadcast."""
    if precision is None and preferred_element_type is None:
        # Two matrices of one type (the common case): the product the general path below
        # makes, without its bookkeeping.
        dt = P.same_dtypes(P.RESULT_TYPE, a, b)
        if dt is not None:
            sa, sb = shape(a), shape(b)
            if len(sa) == 2 and len(sb) == 2 and sa[1] == sb[0]:
                return lax.dot_general(a, b, _MATRIX_PRODUCT, preferred_element_type=dt)
    a, b = _operands("matmul", a, b)
    pet = _pet(preferred_element_type)
    sa, sb = shape(a), shape(b)
    if not sa or not sb:
        raise ValueError(
            f"matmul operand {0 if not sa else 1} must have at least one dimension, got "
            f"shape {sa if not sa else sb}"
        )
    na, nb = len(sa), len(sb)
    ka = sa[-1]
    kb = sb[0] if nb == 1 else sb[-2]
    if ka != kb:
        raise TypeError(
            f"dot_general requires contracting dimensions to have the same shape, got "
            f"({ka},) and ({kb},)."
        )
    if nb <= 2:
        return _dot_general(
            a,
            b,
            ((na - 1,), (0 if nb == 1 else nb - 2,)),
            precision=precision,
            preferred_element_type=pet,
        )
    if na == 1:
        return _dot_general(
            a, b, ((0,), (nb - 2,)), precision=precision, preferred_element_type=pet
        )
    if na == 2:
        out = _dot_general(a, b, ((1,), (nb - 2,)), precision=precision, preferred_element_type=pet)
        # (m, batch..., n) -> (batch..., m, n)
        nbatch = nb - 2
        perm = (*range(1, 1 + nbatch), 0, 1 + nbatch)
        return lax.transpose(out, perm)
    batch = P.broadcast_shapes("matmul", sa[:-2], sb[:-2])
    a = P.broadcast_to_shape(a, batch + sa[-2:])
    b = P.broadcast_to_shape(b, batch + sb[-2:])
    nbatch = len(batch)
    bd = tuple(range(nbatch))
    return _dot_general(
        a, b, ((nbatch + 1,), (nbatch,)), (bd, bd), precision=precision, preferred_element_type=pet
    )


def dot(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Dot product: scalars multiply; else the last axis of `a` meets the second-to-last of `b`
    (its only axis if 1-D)."""
    a, b = _operands("dot", a, b)
    pet = _pet(preferred_element_type)
    sa, sb = shape(a), shape(b)
    if not sa or not sb:
        from jaxlite._src.numpy.ufuncs import multiply  # noqa: PLC0415

        out = multiply(a, b)
        return out if pet is None else P.convert(out, pet, False)
    kb = 0 if len(sb) == 1 else len(sb) - 2
    if sa[-1] != sb[kb]:
        raise TypeError(
            f"dot_general requires contracting dimensions to have the same shape, got "
            f"({sa[-1]},) and ({sb[kb]},)."
        )
    return _dot_general(
        a, b, ((len(sa) - 1,), (kb,)), precision=precision, preferred_element_type=pet
    )


def vdot(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Dot product of the flattened arrays, conjugating `a` when complex."""
    a, b = _operands("vdot", a, b)
    if dtype_of(a).kind == "c":
        a = lax.conj(a)
    a = lax.reshape(a, (int(np.prod(shape(a), dtype=np.int64)),))
    b = lax.reshape(b, (int(np.prod(shape(b), dtype=np.int64)),))
    return dot(a, b, precision=precision, preferred_element_type=preferred_element_type)


def vecdot(
    x1: Any,
    x2: Any,
    /,
    *,
    axis: int = -1,
    precision: Any = None,
    preferred_element_type: Any = None,
) -> Any:
    """Conjugated dot product along `axis`, broadcasting the other axes."""
    from jaxlite._src.numpy.reductions import sum as _sum  # noqa: PLC0415
    from jaxlite._src.numpy.ufuncs import conjugate, multiply  # noqa: PLC0415

    return _sum(multiply(conjugate(x1), x2), axis=axis)


def inner(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Contracts the last axes of `a` and `b` (scalars multiply)."""
    a, b = _operands("inner", a, b)
    sa, sb = shape(a), shape(b)
    if not sa or not sb:
        return dot(a, b)
    return tensordot(
        a,
        b,
        ((len(sa) - 1,), (len(sb) - 1,)),
        precision=precision,
        preferred_element_type=preferred_element_type,
    )


def outer(a: Any, b: Any, out: None = None) -> Any:
    """`a.ravel()[:, None] * b.ravel()[None, :]`."""
    from jaxlite._src.numpy.ufuncs import multiply  # noqa: PLC0415

    a, b = _operands("outer", a, b, lattice=True)
    a = lax.reshape(a, (int(np.prod(shape(a), dtype=np.int64)),))
    b = lax.reshape(b, (int(np.prod(shape(b), dtype=np.int64)),))
    n, m = shape(a)[0], shape(b)[0]
    return multiply(lax.broadcast_in_dim(a, (n, m), (0,)), lax.broadcast_in_dim(b, (n, m), (1,)))


def tensordot(
    a: Any, b: Any, axes: Any = 2, *, precision: Any = None, preferred_element_type: Any = None
) -> Any:
    """Contracts the last `axes` axes of `a` with the first of `b`, or the given axis pairs."""
    a, b = _operands("tensordot", a, b)
    sa, sb = shape(a), shape(b)
    if isinstance(axes, int) or (np.ndim(axes) == 0 and not isinstance(axes, (tuple, list))):
        n = operator.index(axes)
        if n > min(len(sa), len(sb)):
            raise TypeError(
                f"Number of tensordot axes (axes {n}) exceeds input ranks ({len(sa)} and {len(sb)})"
            )
        ca = tuple(range(len(sa) - n, len(sa)))
        cb = tuple(range(n))
    else:
        if len(axes) != 2:
            raise TypeError(f"tensordot axes argument must be an int or a pair, got {axes}")
        ax_a, ax_b = axes
        ax_a = (ax_a,) if np.ndim(ax_a) == 0 else tuple(ax_a)
        ax_b = (ax_b,) if np.ndim(ax_b) == 0 else tuple(ax_b)
        if len(ax_a) != len(ax_b):
            raise TypeError(
                f"tensordot requires axes lists to have equal length, got {ax_a} and {ax_b}."
            )
        ca = tuple(canonicalize_axis(x, len(sa)) for x in ax_a)
        cb = tuple(canonicalize_axis(x, len(sb)) for x in ax_b)
    for i, j in zip(ca, cb, strict=True):
        if sa[i] != sb[j]:
            raise TypeError(
                "dot_general requires contracting dimensions to have the same shape, got "
                f"{tuple(sa[k] for k in ca)} and {tuple(sb[k] for k in cb)}."
            )
    return _dot_general(
        a, b, (ca, cb), precision=precision, preferred_element_type=_pet(preferred_element_type)
    )


def kron(a: Any, b: Any) -> Any:
    """Kronecker product."""
    from jaxlite._src.numpy.ufuncs import multiply  # noqa: PLC0415

    a, b = _operands("kron", a, b, lattice=True)
    sa, sb = shape(a), shape(b)
    nd = max(len(sa), len(sb))
    sa = (1,) * (nd - len(sa)) + sa
    sb = (1,) * (nd - len(sb)) + sb
    a = lax.reshape(a, sa)
    b = lax.reshape(b, sb)
    full = tuple(d for pair in zip(sa, sb, strict=True) for d in pair)
    ea = lax.broadcast_in_dim(a, full, tuple(range(0, 2 * nd, 2)))
    eb = lax.broadcast_in_dim(b, full, tuple(range(1, 2 * nd, 2)))
    return lax.reshape(multiply(ea, eb), tuple(x * y for x, y in zip(sa, sb, strict=True)))


# ----------------------------------------------------------------------------------------------
# einsum


def _parse_einsum(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Input label strings and output labels, with '...' expanded to unused capital letters."""
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        lhs, out = subscripts.split("->")
        explicit = True
    else:
        lhs, out, explicit = subscripts, "", False
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: {len(ins)} input subscripts for {len(shapes)} operands")
    used = set(subscripts)
    spare = [c for c in string.ascii_uppercase + string.ascii_lowercase if c not in used]
    ell_nd = 0
    for term, s in zip(ins, shapes, strict=True):
        if "..." in term:
            ell_nd = max(ell_nd, len(s) - (len(term) - 3))
    ell = "".join(spare[:ell_nd])
    new_ins = []
    for term, s in zip(ins, shapes, strict=True):
        if "..." in term:
            k = len(s) - (len(term) - 3)
            term = term.replace("...", ell[ell_nd - k :] if k else "")
        if len(term) != len(s):
            raise ValueError(
                f"einsum: subscript '{term}' has {len(term)} labels for an operand of rank {len(s)}"
            )
        new_ins.append(term)
    if explicit:
        out = out.replace("...", ell)
    else:
        counts: dict[str, int] = {}
        for term in new_ins:
            for c in term:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    for c in out:
        if not any(c in t for t in new_ins):
            raise ValueError(f"einsum: output subscript '{c}' does not appear in the inputs")
    return new_ins, out


def _diagonal_labels(x: Any, labels: str) -> tuple[Any, str]:
    """Collapses repeated labels of one operand onto their diagonal."""
    from jaxlite._src.numpy.ufuncs import where  # noqa: PLC0415

    while len(set(labels)) != len(labels):
        c = next(ch for ch in labels if labels.count(ch) > 1)
        axes = [i for i, ch in enumerate(labels) if ch == c]
        s = shape(x)
        idt = np.dtype(np.int32)
        first = lax.broadcasted_iota(idt, s, axes[0])
        mask = None
        for ax in axes[1:]:
            eq = lax.eq(first, lax.broadcasted_iota(idt, s, ax))
            mask = eq if mask is None else lax.bitwise_and(mask, eq)
        x = where(mask, x, P.broadcast_to_shape(P.convert(0, dtype_of(x), False), s))
        x = lax.reduce_sum(x, tuple(axes[1:]))
        labels = "".join(ch for i, ch in enumerate(labels) if i not in axes[1:])
    return x, labels


def einsum(
    subscripts: str,
    *operands: Any,
    out: None = None,
    optimize: Any = "auto",
    precision: Any = None,
    preferred_element_type: Any = None,
    _dot_general: Any = None,
) -> Any:
    """Einstein summation: contractions by `dot_general`, other sums by `reduce_sum`.

    Supports explicit and implicit outputs, '...', and repeated labels (diagonals, traces).
    Operands are contracted left to right.
    """
    if not isinstance(subscripts, str):
        raise NotImplementedError("jnp.einsum supports the string form of subscripts only.")
    ops = _operands("einsum", *operands)
    ops = [P.to_jax(o) if type(o) not in PY_SCALARS else P.to_jax(np.asarray(o)) for o in ops]
    pet = _pet(preferred_element_type)
    ins, outl = _parse_einsum(subscripts, [shape(o) for o in ops])
    sizes: dict[str, int] = {}
    for term, o in zip(ins, ops, strict=True):
        for c, d in zip(term, shape(o), strict=True):
            if c in sizes and sizes[c] != d and 1 not in (sizes[c], d):
                raise ValueError(
                    f"einsum: size of label '{c}' for operand is {d}, but it was {sizes[c]} "
                    "for an earlier one"
                )
            sizes[c] = max(sizes.get(c, d), d)
    terms = []
    for term, o in zip(ins, ops, strict=True):
        o, term = _diagonal_labels(o, term)
        # Broadcast size-1 axes that meet a larger size elsewhere.
        s = shape(o)
        full = tuple(sizes[c] for c in term)
        if s != full:
            o = P.broadcast_to_shape(o, full)
        terms.append((o, term))

    def needed_later(idx: int) -> set[str]:
        keep = set(outl)
        for _, t in terms[idx + 1 :]:
            keep |= set(t)
        return keep

    # Sum out labels private to one operand.
    for i, (o, t) in enumerate(terms):
        others = set(outl)
        for j, (_, t2) in enumerate(terms):
            if j != i:
                others |= set(t2)
        private = tuple(k for k, c in enumerate(t) if c not in others)
        if private:
            o = lax.reduce_sum(o, private)
            t = "".join(c for k, c in enumerate(t) if k not in private)
        terms[i] = (o, t)

    acc, acc_t = terms[0]
    for idx in range(1, len(terms)):
        o, t = terms[idx]
        keep = needed_later(idx)
        shared = [c for c in acc_t if c in t]
        batch = [c for c in shared if c in keep]
        contract = [c for c in shared if c not in keep]
        dims = (
            (tuple(acc_t.index(c) for c in contract), tuple(t.index(c) for c in contract)),
            (tuple(acc_t.index(c) for c in batch), tuple(t.index(c) for c in batch)),
        )
        acc = lax.dot_general(
            acc, o, dims, precision=precision, preferred_element_type=pet or dtype_of(acc)
        )
        acc_t = (
            "".join(batch)
            + "".join(c for c in acc_t if c not in shared)
            + "".join(c for c in t if c not in shared)
        )
        # Labels no longer needed anywhere are summed out right away.
        rest = tuple(k for k, c in enumerate(acc_t) if c not in needed_later(idx))
        if rest:
            acc = lax.reduce_sum(acc, rest)
            acc_t = "".join(c for k, c in enumerate(acc_t) if k not in rest)
    extra = tuple(k for k, c in enumerate(acc_t) if c not in outl)
    if extra:
        acc = lax.reduce_sum(acc, extra)
        acc_t = "".join(c for k, c in enumerate(acc_t) if k not in extra)
    perm = tuple(acc_t.index(c) for c in outl)
    acc = lax.transpose(acc, perm)
    if pet is not None and dtype_of(acc) != pet:
        acc = lax.convert_element_type(acc, pet)
    return acc

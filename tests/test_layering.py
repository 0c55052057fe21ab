"""Architecture checks: the package never imports jax, imports go one way, files stay small."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PKG = ROOT / "jaxlite"

# Lower layers must not import higher ones at module level.
LAYERS = [
    ("jaxlite._src.config", "jaxlite._src.dtypes", "jaxlite._src.errors", "jaxlite._src.tree_util"),
    ("jaxlite._src.core", "jaxlite._src.array", "jaxlite._src.jaxpr", "jaxlite._src.jit.codegen"),
    ("jaxlite._src.interpreters",),
    ("jaxlite._src.rules", "jaxlite._src.lax"),
    (
        "jaxlite._src.numpy",
        "jaxlite._src.nn",
        "jaxlite._src.api",
        "jaxlite._src.jit",
        "jaxlite._src.ad_checkpoint",
        "jaxlite._src.api_util",
        "jaxlite._src.custom_derivatives",
    ),
]


def _layer(mod: str) -> int | None:
    for i, prefixes in enumerate(LAYERS):
        if any(mod == p or mod.startswith(p + ".") for p in prefixes):
            return i
    return None


def _module_name(path: pathlib.Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _top_level_imports(path: pathlib.Path):
    tree = ast.parse(path.read_text())
    for node in tree.body:  # module level only: function-local imports are deliberate
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, []


def test_package_never_imports_jax():
    code = (
        "import sys, jaxlite, jaxlite.numpy; "
        "print(any(m == 'jax' or m.startswith('jax.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    for path in PKG.rglob("*.py"):
        for mod, _ in _top_level_imports(path):
            assert not (mod == "jax" or mod.startswith("jax.")), f"{path} imports {mod}"


def test_imports_go_one_way():
    bad = []
    for path in (PKG / "_src").rglob("*.py"):
        me = _layer(_module_name(path))
        if me is None:
            continue
        for mod, names in _top_level_imports(path):
            targets = [mod] + [f"{mod}.{n}" for n in names]
            for t in targets:
                other = _layer(t)
                if other is not None and other > me:
                    bad.append(f"{_module_name(path)} -> {t}")
    # core imports array at the bottom of the module (same layer), which is allowed.
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_file_size_budgets():
    too_big = []
    for path in PKG.rglob("*.py"):
        n = len(path.read_text().splitlines())
        if n > 1000:
            too_big.append(f"{path.relative_to(ROOT)}: {n} lines")
    for path in (ROOT / "tests").rglob("*.py"):
        n = len(path.read_text().splitlines())
        if n > 1500:
            too_big.append(f"{path.relative_to(ROOT)}: {n} lines")
    assert not too_big, "files over budget:\n" + "\n".join(too_big)


def test_public_modules_only_reexport():
    for name in ["tree_util.py", "errors.py", "numpy/__init__.py", "nn/__init__.py"]:
        path = PKG / name
        if not path.exists():
            continue
        tree = ast.parse(path.read_text())
        defs = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        assert not defs, f"{name} defines {defs}; implementation belongs in jaxlite/_src"

"""Public pytree utilities (as `jax.tree_util`)."""

from jaxlite._src.tree_util import (
    DictKey as DictKey,
)
from jaxlite._src.tree_util import (
    FlattenedIndexKey as FlattenedIndexKey,
)
from jaxlite._src.tree_util import (
    GetAttrKey as GetAttrKey,
)
from jaxlite._src.tree_util import (
    KeyEntry as KeyEntry,
)
from jaxlite._src.tree_util import (
    KeyPath as KeyPath,
)
from jaxlite._src.tree_util import (
    Partial as Partial,
)
from jaxlite._src.tree_util import (
    PyTreeDef as PyTreeDef,
)
from jaxlite._src.tree_util import (
    SequenceKey as SequenceKey,
)
from jaxlite._src.tree_util import (
    all_leaves as all_leaves,
)
from jaxlite._src.tree_util import (
    keystr as keystr,
)
from jaxlite._src.tree_util import (
    register_dataclass as register_dataclass,
)
from jaxlite._src.tree_util import (
    register_pytree_node as register_pytree_node,
)
from jaxlite._src.tree_util import (
    register_pytree_node_class as register_pytree_node_class,
)
from jaxlite._src.tree_util import (
    register_pytree_with_keys as register_pytree_with_keys,
)
from jaxlite._src.tree_util import (
    register_pytree_with_keys_class as register_pytree_with_keys_class,
)
from jaxlite._src.tree_util import (
    tree_all as tree_all,
)
from jaxlite._src.tree_util import (
    tree_flatten as tree_flatten,
)
from jaxlite._src.tree_util import (
    tree_flatten_with_path as tree_flatten_with_path,
)
from jaxlite._src.tree_util import (
    tree_leaves as tree_leaves,
)
from jaxlite._src.tree_util import (
    tree_leaves_with_path as tree_leaves_with_path,
)
from jaxlite._src.tree_util import (
    tree_map as tree_map,
)
from jaxlite._src.tree_util import (
    tree_map_with_path as tree_map_with_path,
)
from jaxlite._src.tree_util import (
    tree_reduce as tree_reduce,
)
from jaxlite._src.tree_util import (
    tree_structure as tree_structure,
)
from jaxlite._src.tree_util import (
    tree_transpose as tree_transpose,
)
from jaxlite._src.tree_util import (
    tree_unflatten as tree_unflatten,
)
from jaxlite._src.tree_util import (
    treedef_children as treedef_children,
)
from jaxlite._src.tree_util import (
    treedef_is_leaf as treedef_is_leaf,
)
from jaxlite._src.tree_util import (
    treedef_tuple as treedef_tuple,
)

"""lax primitives, split by family; `jaxlite.lax` re-exports their public wrappers."""

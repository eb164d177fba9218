"""Pytrees: nested tuples, lists, dicts and namedtuples whose leaves are anything else.

torch.func's transforms take and return such structures of tensors (a module's parameter dict,
a tuple of outputs); these helpers flatten them to a list of leaves and rebuild them.
"""
from collections import OrderedDict

__all__ = ["TreeSpec", "LEAF", "tree_flatten", "tree_unflatten", "tree_map",
           "broadcast_to_and_flatten"]


class TreeSpec:
    """The shape of a pytree: a node's type, its context (dict keys, namedtuple class) and
    its children's specs; a leaf is the spec with no type."""

    __slots__ = ("type", "context", "children", "num_leaves")

    def __init__(self, type_, context, children):
        self.type, self.context, self.children = type_, context, children
        self.num_leaves = 1 if type_ is None else sum(c.num_leaves for c in children)

    def is_leaf(self):
        return self.type is None

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and self.type is other.type
                and self.context == other.context and self.children == other.children)

    def __repr__(self):
        if self.type is None:
            return "*"
        if self.type is dict or self.type is OrderedDict:
            inner = ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.context, self.children))
            return "{" + inner + "}"
        inner = ", ".join(repr(c) for c in self.children)
        if self.type is list:
            return f"[{inner}]"
        if self.type is tuple:
            return f"({inner}{',' if len(self.children) == 1 else ''})"
        return f"{self.type.__name__}({inner})"


LEAF = TreeSpec(None, None, ())


def _children(tree):
    """(type, context, children) of a container node, or None for a leaf."""
    kind = type(tree)
    if kind is tuple or kind is list:
        return kind, None, list(tree)
    if kind is dict or kind is OrderedDict:
        keys = list(tree)
        return kind, keys, [tree[k] for k in keys]
    if isinstance(tree, tuple) and hasattr(kind, "_fields"):  # a namedtuple
        return kind, None, list(tree)
    return None


def tree_flatten(tree):
    """(leaves, spec) of a pytree, leaves in depth-first order (dicts in insertion order)."""
    leaves = []

    def flatten(node):
        parts = _children(node)
        if parts is None:
            leaves.append(node)
            return LEAF
        kind, context, children = parts
        return TreeSpec(kind, context, [flatten(child) for child in children])

    return leaves, flatten(tree)


def tree_unflatten(leaves, spec):
    """The pytree of shape `spec` holding `leaves` (the inverse of tree_flatten)."""
    leaves = iter(leaves)

    def build(node):
        if node.type is None:
            return next(leaves)
        children = [build(child) for child in node.children]
        if node.type is dict or node.type is OrderedDict:
            return node.type(zip(node.context, children))
        if node.type is tuple or node.type is list:
            return node.type(children)
        if hasattr(node.type, "n_fields"):  # return_types, built from one sequence
            return node.type(children)
        return node.type(*children)  # a namedtuple

    return build(spec)


def tree_map(fn, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(leaf) for leaf in leaves], spec)


def broadcast_to_and_flatten(prefix, spec):
    """The leaves of `prefix` (a pytree that is a prefix of `spec`'s structure), each repeated
    over the leaves of the subtree it stands for; None where the structures do not match."""
    result = []

    def walk(node, subspec):
        parts = _children(node)
        if parts is None:
            result.extend([node] * subspec.num_leaves)
            return True
        kind, context, children = parts
        if kind is not subspec.type or context != subspec.context:
            return False
        if len(children) != len(subspec.children):
            return False
        return all(walk(child, s) for child, s in zip(children, subspec.children))

    return result if walk(prefix, spec) else None

"""`ember.compile`: torch.compile's signature, without a compiler."""


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, disable=False):
    """Return `model` (a module or a function) unchanged: ember has no compiler.

    Scripts written for PyTorch 2 wrap their model in `torch.compile(model)`; on ember the
    wrapped model is the model itself, so it runs eagerly, trains, and keeps its
    state_dict keys (torch's compiled wrapper would prefix them with `_orig_mod.`).

    Args:
        model: the module or function to compile. Left out, `compile` returns a
            decorator, as in `@torch.compile(mode="max-autotune")`.
        fullgraph, dynamic, backend, mode, options, disable: accepted and ignored.

    Returns:
        `model` itself, or a decorator that returns its argument.

    Differs from PyTorch:
        Nothing is traced or compiled; the result is the object passed in, not an
        OptimizedModule.

    Example:
        >>> net = ember.nn.Linear(2, 1)
        >>> ember.compile(net) is net
        True
    """
    if model is None:
        return lambda fn: fn
    if not callable(model):
        # torch's own check is an assert, so the same exception type
        raise AssertionError(f"compile(): a callable module or function is expected, but "
                             f"{type(model).__name__} is provided")
    return model

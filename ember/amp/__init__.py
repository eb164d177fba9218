"""ember.amp: automatic mixed precision, as torch.amp.

autocast runs each op of a region in the precision that suits it (low precision for
matmul-like ops, float32 where range or accuracy matter); GradScaler scales the loss so that
float16 gradients don't underflow. See README.md.

Example:
    >>> scaler = ember.amp.GradScaler("cuda")                       # doctest: +SKIP
    >>> with ember.autocast("cuda"):                                # doctest: +SKIP
    ...     loss = loss_fn(model(x), y)
    >>> scaler.scale(loss).backward()                               # doctest: +SKIP
    >>> scaler.step(optimizer); scaler.update()                     # doctest: +SKIP
"""
from .autocast_mode import (autocast, custom_bwd, custom_fwd, get_autocast_dtype,
                            is_autocast_available, is_autocast_enabled)
from .grad_scaler import GradScaler, OptState

__all__ = ["autocast", "custom_fwd", "custom_bwd", "is_autocast_available", "GradScaler",
           "OptState", "is_autocast_enabled", "get_autocast_dtype"]

"""ember.testing: assert_close, torch.testing's comparison of tensors and their containers."""
from ._comparison import assert_close

__all__ = ["assert_close"]

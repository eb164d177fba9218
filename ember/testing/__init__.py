"""ember.testing: assert_close, torch.testing's comparison of tensors and their containers;
make_tensor, random test tensors drawn as torch draws them."""
from ._comparison import assert_close
from ._creation import assert_allclose, make_tensor

__all__ = ["assert_close", "assert_allclose", "make_tensor"]

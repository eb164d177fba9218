"""torch.distributions.relaxed_categorical, as a module name: RelaxedOneHotCategorical
lives in relaxed.py."""
from .relaxed import RelaxedOneHotCategorical

__all__ = ["RelaxedOneHotCategorical"]

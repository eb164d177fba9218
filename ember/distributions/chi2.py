"""torch.distributions.chi2, as a module name: Chi2 lives in student_t.py."""
from .student_t import Chi2

__all__ = ["Chi2"]

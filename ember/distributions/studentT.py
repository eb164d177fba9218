"""torch.distributions.studentT, as a module name: StudentT lives in student_t.py."""
from .student_t import StudentT

__all__ = ["StudentT"]

"""Named tuples returned by ops with several outputs, as torch.return_types.

`x.max(dim=1)` returns `ember.return_types.max(values, indices)`: a tuple, so it unpacks as
`values, indices = x.max(1)`, whose fields also have names. As torch's structseq types, each
is built from one sequence: `ember.return_types.max((values, indices))`.
"""
import collections

__all__ = [
    "aminmax", "cummax", "cummin", "frexp", "geqrf", "histogram", "histogramdd", "kthvalue",
    "linalg_cholesky_ex", "linalg_eig", "linalg_eigh", "linalg_inv_ex", "linalg_ldl_factor",
    "linalg_ldl_factor_ex", "linalg_lstsq", "linalg_lu", "linalg_lu_factor",
    "linalg_lu_factor_ex", "linalg_qr", "linalg_slogdet", "linalg_solve_ex", "linalg_svd",
    "lu_unpack", "max", "median", "min", "mode", "nanmedian", "qr", "slogdet", "sort", "svd",
    "topk", "triangular_solve",
]


def _return_type(name, fields):
    base = collections.namedtuple(name, fields)

    def __new__(cls, sequence):
        values = tuple(sequence)
        if len(values) != len(fields):
            raise TypeError(f"ember.return_types.{name} takes a sequence of length "
                            f"{len(fields)} ({', '.join(fields)}), got {len(values)}")
        return tuple.__new__(cls, values)

    def __repr__(self):
        body = ",\n".join(f"{field}={value!r}" for field, value in zip(fields, self))
        return f"ember.return_types.{name}(\n{body})"

    def __reduce__(self):
        return type(self), (tuple(self),)

    return type(name, (base,), {
        "__slots__": (), "__new__": __new__, "__repr__": __repr__, "__reduce__": __reduce__,
        "__module__": __name__, "__qualname__": name, "n_fields": len(fields),
        "n_sequence_fields": len(fields), "n_unnamed_fields": 0,
    })


_VALUES_INDICES = ("values", "indices")
max = _return_type("max", _VALUES_INDICES)
min = _return_type("min", _VALUES_INDICES)
sort = _return_type("sort", _VALUES_INDICES)
topk = _return_type("topk", _VALUES_INDICES)
kthvalue = _return_type("kthvalue", _VALUES_INDICES)
median = _return_type("median", _VALUES_INDICES)
nanmedian = _return_type("nanmedian", _VALUES_INDICES)
mode = _return_type("mode", _VALUES_INDICES)
cummax = _return_type("cummax", _VALUES_INDICES)
cummin = _return_type("cummin", _VALUES_INDICES)
aminmax = _return_type("aminmax", ("min", "max"))
frexp = _return_type("frexp", ("mantissa", "exponent"))
histogram = _return_type("histogram", ("hist", "bin_edges"))
histogramdd = _return_type("histogramdd", ("hist", "bin_edges"))
# linear algebra (used by ember.linalg)
geqrf = _return_type("geqrf", ("a", "tau"))
qr = _return_type("qr", ("Q", "R"))
svd = _return_type("svd", ("U", "S", "V"))
slogdet = _return_type("slogdet", ("sign", "logabsdet"))
triangular_solve = _return_type("triangular_solve", ("solution", "cloned_coefficient"))
lu_unpack = _return_type("lu_unpack", ("P", "L", "U"))
linalg_cholesky_ex = _return_type("linalg_cholesky_ex", ("L", "info"))
linalg_eig = _return_type("linalg_eig", ("eigenvalues", "eigenvectors"))
linalg_eigh = _return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_inv_ex = _return_type("linalg_inv_ex", ("inverse", "info"))
linalg_ldl_factor = _return_type("linalg_ldl_factor", ("LD", "pivots"))
linalg_ldl_factor_ex = _return_type("linalg_ldl_factor_ex", ("LD", "pivots", "info"))
linalg_lstsq = _return_type("linalg_lstsq",
                            ("solution", "residuals", "rank", "singular_values"))
linalg_lu = _return_type("linalg_lu", ("P", "L", "U"))
linalg_lu_factor = _return_type("linalg_lu_factor", ("LU", "pivots"))
linalg_lu_factor_ex = _return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))
linalg_qr = _return_type("linalg_qr", ("Q", "R"))
linalg_slogdet = _return_type("linalg_slogdet", ("sign", "logabsdet"))
linalg_solve_ex = _return_type("linalg_solve_ex", ("result", "info"))
linalg_svd = _return_type("linalg_svd", ("U", "S", "Vh"))

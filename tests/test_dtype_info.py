"""ember.finfo / ember.iinfo against torch's."""
import pytest
import torch

import ember

FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_matches_torch(name):
    ours, theirs = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        assert getattr(ours, field) == getattr(theirs, field), field
    assert ours.dtype == theirs.dtype
    assert repr(ours) == repr(theirs)


def test_finfo_defaults_to_the_default_dtype():
    assert ember.finfo() == ember.finfo(ember.float32)
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.finfo().eps == torch.finfo(torch.float64).eps
    finally:
        ember.set_default_dtype(ember.float32)


@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_torch(name):
    ours, theirs = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    assert (ours.bits, ours.min, ours.max, ours.dtype) == (theirs.bits, theirs.min, theirs.max,
                                                           theirs.dtype)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("info, dtype", [(ember.finfo, ember.int32), (ember.iinfo, ember.float32),
                                         (ember.iinfo, ember.bool), (ember.finfo, "float32")])
def test_wrong_kind_raises_type_error(info, dtype):
    with pytest.raises(TypeError, match="info"):
        info(dtype)


ALIASES = ["half", "float", "double", "short", "int", "long"]


@pytest.mark.parametrize("alias", ALIASES)
def test_dtype_aliases_name_torch_dtypes(alias):
    assert getattr(ember, alias).name == str(getattr(torch, alias)).removeprefix("torch.")

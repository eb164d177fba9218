"""Tensor.untyped_storage() and the deprecated Tensor.storage(), against torch's."""
import warnings

import numpy as np
import pytest
import torch

import ember


def _views(lib):
    x = lib.arange(12.0).reshape(3, 4)
    return x, [x, x[1:, 1:], x.t(), x.view(12), x[2]]


def test_views_share_one_storage_as_in_torch():
    for lib in (torch, ember):
        x, views = _views(lib)
        pointers = {v.untyped_storage().data_ptr() for v in views}
        assert pointers == {x.data_ptr()}
        assert x.clone().untyped_storage().data_ptr() != x.data_ptr()


@pytest.mark.parametrize("pick", [0, 1, 2, 3, 4])
def test_untyped_storage_matches_torch(pick):
    stores = [_views(lib)[1][pick].untyped_storage() for lib in (torch, ember)]
    theirs, ours = stores
    assert (ours.nbytes(), ours.size(), len(ours), ours.element_size()) == (
        theirs.nbytes(), theirs.size(), len(theirs), theirs.element_size())
    assert ours.tolist() == theirs.tolist()
    assert [ours[i] for i in (0, 7, -1)] == [theirs[i] for i in (0, 7, -1)]
    assert str(ours.device) == str(theirs.device) and ours.is_cuda is theirs.is_cuda is False


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool", "float16"])
def test_typed_storage_matches_torch(dtype):
    stores = []
    for lib in (torch, ember):
        x = lib.arange(6).reshape(2, 3).to(getattr(lib, dtype))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stores.append(x[1:].storage())
    theirs, ours = stores
    assert (ours.size(), len(ours), ours.element_size(), ours.nbytes()) == (
        theirs.size(), len(theirs), theirs.element_size(), theirs.nbytes())
    assert ours.dtype is getattr(ember, dtype)
    assert ours.tolist() == theirs.tolist() and ours[-1] == theirs[-1]
    assert ours.untyped().tolist() == theirs.untyped().tolist()


def _storage_warnings(lib):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lib.ones(2).storage()
    return [(w.category, str(w.message)) for w in caught]


def test_storage_warns_once_that_typed_storage_is_deprecated(monkeypatch):
    monkeypatch.delattr(torch.storage._warn_typed_storage_removal, "has_warned", raising=False)
    monkeypatch.setitem(ember.storage._state, "warned", False)
    first = [_storage_warnings(lib) for lib in (torch, ember)]
    assert first[1] == first[0] and len(first[0]) == 1
    assert [_storage_warnings(lib) for lib in (torch, ember)] == [[], []]


def test_index_out_of_range_and_repr():
    for lib in (torch, ember):
        store = lib.arange(3.0).untyped_storage()
        with pytest.raises(IndexError, match="index 12 out of range for storage of size 12"):
            store[12]
    ours = repr(ember.arange(3, dtype=ember.uint8).untyped_storage())
    theirs = repr(torch.arange(3, dtype=torch.uint8).untyped_storage())
    assert ours == theirs.replace("torch", "ember")
    assert repr(ember.ones(0).untyped_storage()) == repr(
        torch.ones(0).untyped_storage()).replace("torch", "ember")


def test_storage_of_a_fortran_ordered_owner_is_not_a_copy():
    array = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    x = ember.from_numpy(array)
    assert x.untyped_storage().data_ptr() == x.data_ptr()
    assert x.untyped_storage().nbytes() == 48

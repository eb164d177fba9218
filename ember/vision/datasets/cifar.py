"""CIFAR-10 and CIFAR-100, from the official binary version or the official python version.

The binary version (cifar-10-batches-bin/*.bin, cifar-100-binary/*.bin) is a sequence of
fixed-size records: the label byte(s), then 3072 pixel bytes (1024 red, 1024 green, 1024
blue, each a row-major 32x32 plane). It is read with numpy and preferred when present.

NOTE [ Reading CIFAR's pickles without running them ]
The python version stores each batch as a pickle written by Python 2: a dict of strings to
a uint8 numpy array ("data"), lists of ints ("labels" / "fine_labels") and strings.
pickle.load calls whatever callables a file names, so a batch file swapped for a malicious
one could run code. _RestrictedUnpickler resolves only the three names numpy's array
pickles use (numpy.core.multiarray._reconstruct, numpy.ndarray, numpy.dtype, or their
numpy._core spelling), each to a guarded stand-in that can build nothing but an empty array
or a plain numeric dtype; any other name is refused before anything runs. The result must
then have exactly a batch's structure.
"""
import os
import pickle
import urllib.error

import numpy as np

from .._image import to_image
from .utils import check_integrity, describe_files, download_and_extract_archive
from .vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100"]

_IMAGE_BYTES = 3 * 32 * 32


class _NdarrayName:
    """What the name numpy.ndarray resolves to in a pickle: only _reconstruct accepts it."""

    __slots__ = ()


_NDARRAY = _NdarrayName()


def _reconstruct(subtype, shape, typecode):
    if subtype is not _NDARRAY:
        raise pickle.UnpicklingError("numpy.core.multiarray._reconstruct may only build a "
                                     "numpy.ndarray")
    return np.ndarray((0,), np.uint8)  # the BUILD that follows sets shape, dtype and bytes


def _dtype(spec, align=False, copy=False):
    if not isinstance(spec, str) or np.dtype(spec).kind not in "biuf":
        raise pickle.UnpicklingError(f"numpy.dtype({spec!r}) is refused: only plain numeric "
                                     f"dtypes are allowed")
    return np.dtype(spec, bool(align), bool(copy))


_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _dtype,
}


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays, dicts, lists, numbers and strings; refuses every other global.
    See NOTE [ Reading CIFAR's pickles without running them ]."""

    def __init__(self, file, path):
        super().__init__(file, encoding="latin1")  # Python 2 strings, as torchvision reads
        self.path = path

    def find_class(self, module, name):
        allowed = _ALLOWED_GLOBALS.get((module, name))
        if allowed is None:
            raise pickle.UnpicklingError(
                f"{self.path}: refusing to load the global '{module}.{name}': a CIFAR batch "
                f"holds only numpy arrays, lists and strings, so this is not an official CIFAR "
                f"file (it may be malicious). Delete it and download the dataset again.")
        return allowed

    def persistent_load(self, pid):
        raise pickle.UnpicklingError(f"{self.path}: persistent ids are refused")


def _load_pickle(path):
    with open(path, "rb") as file:
        try:
            return _RestrictedUnpickler(file, path).load()
        except (TypeError, ValueError, EOFError, KeyError, IndexError, AttributeError) as error:
            raise pickle.UnpicklingError(f"{path} is not a valid CIFAR pickle: {error}") from None


def _text_keys(entry, path):
    if not isinstance(entry, dict):
        raise pickle.UnpicklingError(f"{path}: a CIFAR pickle holds a dict, not "
                                     f"{type(entry).__name__}")
    return {key.decode("latin1") if isinstance(key, bytes) else key: value
            for key, value in entry.items()}


def _read_python_batch(path):
    """(data (N, 3072) uint8, labels list of int) from a python-version batch."""
    entry = _text_keys(_load_pickle(path), path)
    data = entry.get("data")
    labels = entry["labels"] if "labels" in entry else entry.get("fine_labels")
    if type(data) is not np.ndarray or data.dtype != np.uint8 or data.ndim != 2 \
            or data.shape[1] != _IMAGE_BYTES:
        raise pickle.UnpicklingError(f"{path}: 'data' should be a uint8 array of shape "
                                     f"(N, {_IMAGE_BYTES})")
    if type(labels) is not list or len(labels) != len(data) \
            or not all(type(label) is int for label in labels):
        raise pickle.UnpicklingError(f"{path}: the labels should be a list of {len(data)} ints")
    return data, labels


def _read_python_names(path, key):
    names = _text_keys(_load_pickle(path), path).get(key)
    if type(names) is not list or not all(isinstance(name, (str, bytes)) for name in names):
        raise pickle.UnpicklingError(f"{path}: '{key}' should be a list of strings")
    return [name.decode("latin1") if isinstance(name, bytes) else name for name in names]


def _read_binary_batch(path, label_bytes):
    """(data (N, 3072) uint8, labels list of int) from a binary-version batch; with two label
    bytes (CIFAR-100: coarse, fine) the labels are the fine ones."""
    records = np.fromfile(path, dtype=np.uint8)
    record_size = label_bytes + _IMAGE_BYTES
    if records.size == 0 or records.size % record_size:
        raise RuntimeError(f"{path} is not a CIFAR binary batch: its {records.size} bytes are "
                           f"not whole {record_size}-byte records. Delete it and download the "
                           f"dataset again.")
    records = records.reshape(-1, record_size)
    return records[:, label_bytes:], records[:, label_bytes - 1].tolist()


def _read_text_names(path):
    with open(path, encoding="latin1") as file:
        return [line.strip() for line in file if line.strip()]


class CIFAR10(VisionDataset):
    """CIFAR-10: 50,000 training and 10,000 test 32x32 colour images in 10 classes.

    Reads the binary version (root/cifar-10-batches-bin/) when present, otherwise the python
    version (root/cifar-10-batches-py/, whose pickles are read without running code: see
    NOTE [ Reading CIFAR's pickles without running them ]). Every file's md5 is verified.

    Samples are (image, target): image is a PIL RGB image when Pillow is installed, as in
    torchvision, otherwise a (32, 32, 3) uint8 numpy array; target is the int class.
    `data` is the (N, 32, 32, 3) uint8 numpy array, `targets` the list of int labels.

    Differs from torchvision: download=True fetches the binary version, which needs no
    pickle; the python version is read when it is already there.

    Args:
        root: the directory holding cifar-10-batches-bin/ or cifar-10-batches-py/.
        train: the training set (True) or the test set (False).
        transform: a callable applied to the image.
        target_transform: a callable applied to the target.
        download: download and extract the dataset into root (skipped when present).

    Example:
        >>> train = ember.vision.datasets.CIFAR10("data", download=True)
        >>> train.data.shape, train.classes[train.targets[0]]
        ((50000, 32, 32, 3), 'frog')
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names",
            "md5": "5ff9c542aee3614f3951f8cda6e48888"}

    binary_base_folder = "cifar-10-batches-bin"
    binary_url = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
    binary_filename = "cifar-10-binary.tar.gz"
    binary_tgz_md5 = "c32a1d4ab5d03f1284b67883e8d87530"
    binary_train_list = [
        ["data_batch_1.bin", "5dd7e06a14cb22eb9f671a540d1b7c25"],
        ["data_batch_2.bin", "5ea93a67294ea407fff1d09f752e9692"],
        ["data_batch_3.bin", "942cd6a4bcdd0dd3c604fbe906cb4421"],
        ["data_batch_4.bin", "ae636b3ba5c66a11e91e8cb52e771fcb"],
        ["data_batch_5.bin", "53f37980c15c3d472c316c40844f3f0d"],
    ]
    binary_test_list = [["test_batch.bin", "803d5f7f4d78ea53de84dbe85f74fb6d"]]
    binary_meta = {"filename": "batches.meta.txt", "md5": None}
    binary_label_bytes = 1

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if self._check_binary_integrity():
            data, self.targets, self.classes = self._load_binary()
        elif self._check_integrity():
            data, self.targets, self.classes = self._load_python()
        else:
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to "
                               "download it, or " + self._where_to_put_files())
        self.data = np.ascontiguousarray(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    def _binary_files(self):
        folder = os.path.join(self.root, self.binary_base_folder)
        return [(os.path.join(folder, name), md5) for name, md5 in
                self.binary_train_list + self.binary_test_list
                + [[self.binary_meta["filename"], self.binary_meta["md5"]]]]

    def _python_files(self):
        folder = os.path.join(self.root, self.base_folder)
        return [(os.path.join(folder, name), md5) for name, md5 in
                self.train_list + self.test_list + [[self.meta["filename"], self.meta["md5"]]]]

    def _check_binary_integrity(self):
        return all(check_integrity(path, md5) for path, md5 in self._binary_files())

    def _check_integrity(self):
        return all(check_integrity(path, md5) for path, md5 in self._python_files())

    def _load_binary(self):
        folder = os.path.join(self.root, self.binary_base_folder)
        parts = [_read_binary_batch(os.path.join(folder, name), self.binary_label_bytes)
                 for name, _ in (self.binary_train_list if self.train else self.binary_test_list)]
        names = _read_text_names(os.path.join(folder, self.binary_meta["filename"]))
        return np.concatenate([data for data, _ in parts]), \
            [label for _, labels in parts for label in labels], names

    def _load_python(self):
        folder = os.path.join(self.root, self.base_folder)
        parts = [_read_python_batch(os.path.join(folder, name))
                 for name, _ in (self.train_list if self.train else self.test_list)]
        names = _read_python_names(os.path.join(folder, self.meta["filename"]), self.meta["key"])
        return np.concatenate([data for data, _ in parts]), \
            [label for _, labels in parts for label in labels], names

    def _where_to_put_files(self):
        return (f"download {self.binary_url} (or the python version, {self.url}) yourself and "
                f"extract it in {self.root}, giving either\n"
                + "\n".join(describe_files(self._binary_files())) + "\nor\n"
                + "\n".join(describe_files(self._python_files())))

    def download(self):
        """Download and extract the binary version into root (skipped if a version is there)."""
        if self._check_binary_integrity() or self._check_integrity():
            return
        try:
            download_and_extract_archive(self.binary_url, self.root,
                                         filename=self.binary_filename, md5=self.binary_tgz_md5)
        except (urllib.error.URLError, OSError, RuntimeError) as error:
            raise RuntimeError(f"Dataset not found, and downloading {self.binary_url} failed: "
                               f"{error}\nYou can " + self._where_to_put_files()) from error

    def __getitem__(self, index):
        image, target = to_image(self.data[index]), self.targets[index]
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100: as CIFAR10, with 100 fine classes (targets are the fine labels).

    Reads root/cifar-100-binary/ (records: coarse label, fine label, 3072 pixels) when
    present, otherwise root/cifar-100-python/.
    """

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names",
            "md5": "7973b15100ade9c7d40fb424638fde48"}

    binary_base_folder = "cifar-100-binary"
    binary_url = "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"
    binary_filename = "cifar-100-binary.tar.gz"
    binary_tgz_md5 = "03b5dce01913d631647c71ecec9e9cb8"
    binary_train_list = [["train.bin", "6172c7755cfe09b2fe270c85cebc1b15"]]
    binary_test_list = [["test.bin", "4499cfba6c016c1be1438163640a0898"]]
    binary_meta = {"filename": "fine_label_names.txt", "md5": None}
    binary_label_bytes = 2

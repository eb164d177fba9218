"""MNIST, FashionMNIST and KMNIST, read from their IDX files (torchvision's layout).

The IDX format: a 4-byte big-endian magic number 0x0000TTNN (TT the element type, NN the
number of dimensions), NN big-endian 4-byte sizes, then the elements, big-endian, row-major.
The files may sit in root/<ClassName>/raw/ as downloaded (.gz) or decompressed.
"""
import gzip
import os
import urllib.error

import numpy as np

from ... import _dtype
from ...ops.creation import from_numpy
from .._image import to_image
from .utils import describe_files, download_and_extract_archive
from .vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "read_sn3_pascalvincent_tensor",
           "read_image_file", "read_label_file"]

# IDX element types; multi-byte ones are stored big-endian
_IDX_TYPES = {8: np.dtype(np.uint8), 9: np.dtype(np.int8), 11: np.dtype(">i2"),
              12: np.dtype(">i4"), 13: np.dtype(">f4"), 14: np.dtype(">f8")}


def _read_maybe_compressed(path):
    opener = gzip.open if os.fspath(path).endswith(".gz") else open
    with opener(path, "rb") as file:
        return file.read()


def read_sn3_pascalvincent_tensor(path, strict=True):
    """A tensor from an IDX file (also gzipped, when path ends in .gz).

    Args:
        path: the file.
        strict: require the file to hold exactly the elements its header announces
            (otherwise a longer file is read up to that count).

    Raises:
        AssertionError: the header or size is not that of an IDX file (as torchvision's
            asserts; the file is damaged: delete it and download it again).
    """
    data = _read_maybe_compressed(path)
    # AssertionError, as torchvision's asserts raise; the message says what is wrong.
    if len(data) < 4:
        raise AssertionError(f"{path} is not an IDX file: it has only {len(data)} bytes")
    magic = int.from_bytes(data[0:4], "big")
    ndim, type_code = magic % 256, magic // 256
    if not 1 <= ndim <= 3 or type_code not in _IDX_TYPES:
        raise AssertionError(
            f"{path} is not an IDX file: magic number {magic:#010x} should be 0x0000TTNN with "
            f"TT an element type in {sorted(_IDX_TYPES)} and NN (dims) in 1..3. "
            f"Delete the file and download it again.")
    header = 4 * (ndim + 1)
    if len(data) < header:
        raise AssertionError(f"{path}: the file ends inside its header")
    shape = tuple(int.from_bytes(data[4 * (i + 1):4 * (i + 2)], "big") for i in range(ndim))
    dtype = _IDX_TYPES[type_code]
    count = int(np.prod(shape))
    available = (len(data) - header) // dtype.itemsize
    if available < count or (strict and available != count):
        raise AssertionError(
            f"{path}: the header announces {count} elements of shape {list(shape)}, but the "
            f"file holds {available}. Delete the file and download it again.")
    array = np.frombuffer(data, dtype=dtype, count=count, offset=header).reshape(shape)
    return from_numpy(array.astype(dtype.newbyteorder("=")))  # native order, and writable


def read_label_file(path):
    """The labels of an IDX1 uint8 file, as an int64 tensor."""
    labels = read_sn3_pascalvincent_tensor(path, strict=False)
    if labels.dtype is not _dtype.uint8:
        raise TypeError(f"{path}: x should be of dtype uint8 instead of {labels.dtype}")
    if labels.ndim != 1:
        raise ValueError(f"{path}: x should have 1 dimension instead of {labels.ndim}")
    return labels.long()


def read_image_file(path):
    """The images of an IDX3 uint8 file, as a (N, H, W) uint8 tensor."""
    images = read_sn3_pascalvincent_tensor(path, strict=False)
    if images.dtype is not _dtype.uint8:
        raise TypeError(f"{path}: x should be of dtype uint8 instead of {images.dtype}")
    if images.ndim != 3:
        raise ValueError(f"{path}: x should have 3 dimension instead of {images.ndim}")
    return images


class MNIST(VisionDataset):
    """The MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grayscale.

    Samples are (image, target): image is a PIL image (mode "L") when Pillow is installed,
    as in torchvision, otherwise a (28, 28) uint8 numpy array; target is the int class.
    `data` is the (N, 28, 28) uint8 tensor, `targets` the int64 tensor of labels.

    Args:
        root: directory holding <ClassName>/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte
            (each decompressed or as the downloaded .gz).
        train: the training set (True) or the test set (False).
        transform: a callable applied to the image (e.g. transforms.ToTensor()).
        target_transform: a callable applied to the target.
        download: download the files into root (skipped when they are already there).

    Example:
        >>> train = ember.vision.datasets.MNIST("data", train=True, download=True,
        ...                                     transform=ember.vision.transforms.ToTensor())
        >>> image, label = train[0]; image.shape
        ember.Size([1, 28, 28])
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it, "
                               "or " + self._where_to_put_files())
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def _raw_path(self, name):
        """The file `name` (without .gz) in raw_folder: decompressed if there, else gzipped;
        None when neither exists."""
        path = os.path.join(self.raw_folder, name)
        for candidate in (path, path + ".gz"):
            if os.path.isfile(candidate):
                return candidate
        return None

    def _check_exists(self):
        return all(self._raw_path(os.path.splitext(filename)[0]) is not None
                   for filename, _ in self.resources)

    def _load_data(self):
        split = "train" if self.train else "t10k"
        data = read_image_file(self._raw_path(f"{split}-images-idx3-ubyte"))
        targets = read_label_file(self._raw_path(f"{split}-labels-idx1-ubyte"))
        return data, targets

    def _where_to_put_files(self):
        paths = [(os.path.join(self.raw_folder, name), None) for name, _ in self.resources]
        return (f"download these files from {self.mirrors[0]} yourself and put them (gzipped "
                f"or not) at:\n" + "\n".join(describe_files(paths)))

    def download(self):
        """Download the files into raw_folder and decompress them (skipped if present)."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                try:
                    download_and_extract_archive(f"{mirror}{filename}",
                                                 download_root=self.raw_folder,
                                                 filename=filename, md5=md5)
                    break
                except (urllib.error.URLError, OSError, RuntimeError) as error:
                    errors.append(f"  {mirror}{filename}: {error}")
            else:
                raise RuntimeError(f"Dataset not found, and downloading {filename} failed:\n"
                                   + "\n".join(errors) + "\nYou can "
                                   + self._where_to_put_files())

    def __getitem__(self, index):
        image = to_image(self.data.numpy()[index], "L")
        target = int(self.targets[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """Fashion-MNIST: Zalando's 28x28 grayscale clothing images, in MNIST's format and layout.

    Args and samples: as MNIST, with root/FashionMNIST/raw/.
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST: 28x28 grayscale cursive Japanese characters, in MNIST's format.

    Args and samples: as MNIST, with root/KMNIST/raw/.
    """

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]

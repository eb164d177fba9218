import gzip
import os

import numpy as np
import pytest

import ember
from ember.vision import datasets, transforms
from ember.vision.datasets import mnist

from formats import idx_bytes, md5, write_idx

PIL = pytest.importorskip("PIL.Image")


def make_raw(root, cls="MNIST", gzipped=False, train=5, test=3, seed=0):
    rng = np.random.default_rng(seed)
    raw = root / cls / "raw"
    raw.mkdir(parents=True)
    arrays = {}
    for prefix, count in (("train", train), ("t10k", test)):
        images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, count).astype(np.uint8)
        suffix = ".gz" if gzipped else ""
        write_idx(raw / f"{prefix}-images-idx3-ubyte{suffix}", images, gzipped)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte{suffix}", labels, gzipped)
        arrays[prefix] = (images, labels)
    return arrays


@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("train", [True, False])
def test_mnist_reads_idx_files(tmp_path, gzipped, train):
    arrays = make_raw(tmp_path, gzipped=gzipped)
    images, labels = arrays["train" if train else "t10k"]
    data = datasets.MNIST(tmp_path, train=train)
    assert data.data.dtype == ember.uint8 and data.targets.dtype == ember.int64
    np.testing.assert_array_equal(data.data.numpy(), images)
    np.testing.assert_array_equal(data.targets.numpy(), labels)
    assert len(data) == len(images)
    image, target = data[1]
    assert isinstance(image, PIL.Image) and image.mode == "L"
    np.testing.assert_array_equal(np.asarray(image), images[1])
    assert target == int(labels[1]) and type(target) is int


def test_mnist_with_transforms_and_dataloader(tmp_path):
    images, labels = make_raw(tmp_path)["train"]
    data = datasets.MNIST(str(tmp_path), transform=transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))]),
        target_transform=lambda t: t + 100)
    image, target = data[0]
    np.testing.assert_allclose(image.numpy()[0], (images[0] / 255 - 0.5) / 0.5, atol=1e-6)
    assert target == labels[0] + 100
    batch, targets = next(iter(ember.utils.data.DataLoader(data, batch_size=4)))
    assert batch.shape == (4, 1, 28, 28) and targets.tolist() == (labels[:4] + 100).tolist()


def test_mnist_without_pillow_gives_numpy(tmp_path, no_pillow):
    images, _ = make_raw(tmp_path)["train"]
    image, _ = datasets.MNIST(tmp_path)[2]
    assert isinstance(image, np.ndarray) and image.dtype == np.uint8
    np.testing.assert_array_equal(image, images[2])
    assert transforms.ToTensor()(image).shape == (1, 28, 28)


@pytest.mark.parametrize("cls, classes0", [("FashionMNIST", "T-shirt/top"), ("KMNIST", "o")])
def test_mnist_variants_use_their_folder(tmp_path, cls, classes0):
    make_raw(tmp_path, cls=cls)
    data = getattr(datasets, cls)(tmp_path)
    assert data.classes[0] == classes0 and data.class_to_idx[classes0] == 0
    assert data.raw_folder == os.path.join(str(tmp_path), cls, "raw")
    with pytest.raises(RuntimeError, match="Dataset not found"):
        datasets.MNIST(tmp_path)


def test_mnist_repr(tmp_path):
    make_raw(tmp_path)
    text = repr(datasets.MNIST(tmp_path, train=False, transform=transforms.ToTensor()))
    assert text == (f"Dataset MNIST\n    Number of datapoints: 3\n    Root location: {tmp_path}\n"
                    f"    Split: Test\n    StandardTransform\nTransform: ToTensor()")


def test_missing_files_name_the_paths(tmp_path):
    with pytest.raises(RuntimeError) as error:
        datasets.MNIST(tmp_path)
    message = str(error.value)
    assert message.startswith("Dataset not found. You can use download=True to download it")
    for name in ("train-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        assert os.path.join(str(tmp_path), "MNIST", "raw", name) in message


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32,
                                   np.float64])
def test_idx_big_endian_types(tmp_path, dtype):
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    write_idx(tmp_path / "x", array)
    out = mnist.read_sn3_pascalvincent_tensor(tmp_path / "x")
    np.testing.assert_array_equal(out.numpy(), array)


def test_idx_rejects_bad_files(tmp_path):
    good = idx_bytes(np.zeros((2, 28, 28), np.uint8))
    (tmp_path / "magic").write_bytes(b"\x00\x00\x07\x03" + good[4:])
    with pytest.raises(AssertionError, match="magic number"):
        mnist.read_image_file(tmp_path / "magic")
    (tmp_path / "short").write_bytes(good[:-10])
    with pytest.raises(AssertionError, match="announces 1568 elements"):
        mnist.read_image_file(tmp_path / "short")
    write_idx(tmp_path / "labels2d", np.zeros((2, 2), np.uint8))
    with pytest.raises(ValueError, match="1 dimension"):
        mnist.read_label_file(tmp_path / "labels2d")
    write_idx(tmp_path / "float_labels", np.zeros(2, np.float32))
    with pytest.raises(TypeError, match="uint8"):
        mnist.read_label_file(tmp_path / "float_labels")


def _serve_gz_files(tmp_path, arrays):
    server = tmp_path / "server"
    server.mkdir()
    resources = []
    for prefix in ("train", "t10k"):
        images, labels = arrays[prefix]
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            name = f"{prefix}-{kind}-ubyte.gz"
            write_idx(server / name, array, gzipped=True)
            resources.append((name, md5(server / name)))
    return server.as_uri() + "/", resources


def test_download_verifies_and_extracts(tmp_path, monkeypatch):
    arrays = make_raw(tmp_path / "source")
    mirror, resources = _serve_gz_files(tmp_path, arrays)
    monkeypatch.setattr(datasets.MNIST, "mirrors", ["http://127.0.0.1:9/", mirror])
    monkeypatch.setattr(datasets.MNIST, "resources", resources)
    data = datasets.MNIST(tmp_path / "root", download=True)
    np.testing.assert_array_equal(data.data.numpy(), arrays["train"][0])
    raw = tmp_path / "root" / "MNIST" / "raw"
    assert (raw / "train-images-idx3-ubyte").read_bytes() == \
        gzip.decompress((raw / "train-images-idx3-ubyte.gz").read_bytes())


def test_download_with_wrong_checksum_fails(tmp_path, monkeypatch):
    mirror, resources = _serve_gz_files(tmp_path, make_raw(tmp_path / "source"))
    monkeypatch.setattr(datasets.MNIST, "mirrors", [mirror])
    monkeypatch.setattr(datasets.MNIST, "resources", [(n, "0" * 32) for n, _ in resources])
    with pytest.raises(RuntimeError, match="does not have the md5"):
        datasets.MNIST(tmp_path / "root", download=True)


def test_download_without_network_says_where_to_put_files(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets.MNIST, "mirrors", ["http://127.0.0.1:9/"])
    with pytest.raises(RuntimeError) as error:
        datasets.MNIST(tmp_path, download=True)
    message = str(error.value)
    assert "downloading train-images-idx3-ubyte.gz failed" in message
    assert os.path.join(str(tmp_path), "MNIST", "raw", "train-images-idx3-ubyte") in message

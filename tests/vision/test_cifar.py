import os
import pickle
import tarfile

import numpy as np
import pytest

from ember.vision import datasets
from ember.vision.datasets import cifar, utils

from formats import cifar_binary_bytes, md5, py2_pickle, tar_gz

PIL = pytest.importorskip("PIL.Image")

CIFAR10_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                 "ship", "truck"]


def random_images(rng, count):
    return rng.integers(0, 256, (count, 32, 32, 3), dtype=np.uint8)


def write_cifar10_binary(root, seed=0, per_batch=2):
    """cifar-10-batches-bin with 5 train batches and a test batch; returns the arrays."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-bin"
    folder.mkdir(parents=True)
    arrays = {}
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        images, labels = random_images(rng, per_batch), rng.integers(0, 10, per_batch)
        (folder / name).write_bytes(cifar_binary_bytes(images, labels))
        arrays[name] = (images, labels)
    (folder / "batches.meta.txt").write_text("\n".join(CIFAR10_NAMES) + "\n\n")
    return arrays


def write_cifar10_python(root, seed=1, per_batch=2):
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    arrays = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        images, labels = random_images(rng, per_batch), rng.integers(0, 10, per_batch)
        data = images.transpose(0, 3, 1, 2).reshape(per_batch, -1)  # rows of R, G, B planes
        (folder / name).write_bytes(py2_pickle({
            "batch_label": f"batch {name}", "labels": labels.tolist(), "data": data,
            "filenames": [f"{i}.png" for i in range(per_batch)]}))
        arrays[name] = (images, labels)
    (folder / "batches.meta").write_bytes(py2_pickle(
        {"num_cases_per_batch": per_batch, "label_names": CIFAR10_NAMES, "num_vis": 3072}))
    return arrays


@pytest.fixture
def trust_local_md5s(monkeypatch):
    """Point the class's md5 lists at the files the test wrote (the real ones are for the
    official files)."""
    def trust(cls, root):
        for prefix, folder_attr in (("binary_", "binary_base_folder"), ("", "base_folder")):
            folder = os.path.join(root, getattr(cls, folder_attr))
            for attr in ("train_list", "test_list"):
                entries = [[name, md5(os.path.join(folder, name))
                            if os.path.exists(os.path.join(folder, name)) else "missing"]
                           for name, _ in getattr(cls, prefix + attr)]
                monkeypatch.setattr(cls, prefix + attr, entries)
            meta = dict(getattr(cls, prefix + "meta"))
            path = os.path.join(folder, meta["filename"])
            if meta["md5"] is not None and os.path.exists(path):
                meta["md5"] = md5(path)
            monkeypatch.setattr(cls, prefix + "meta", meta)
    return trust


@pytest.mark.parametrize("train", [True, False])
def test_cifar10_binary(tmp_path, trust_local_md5s, train):
    arrays = write_cifar10_binary(tmp_path)
    trust_local_md5s(datasets.CIFAR10, tmp_path)
    data = datasets.CIFAR10(tmp_path, train=train)
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] if train else ["test_batch.bin"]
    images = np.concatenate([arrays[n][0] for n in names])
    labels = np.concatenate([arrays[n][1] for n in names]).tolist()
    assert data.data.shape == (len(images), 32, 32, 3) and data.data.dtype == np.uint8
    np.testing.assert_array_equal(data.data, images)
    assert data.targets == labels and all(type(t) is int for t in data.targets)
    assert data.classes == CIFAR10_NAMES and data.class_to_idx["cat"] == 3
    image, target = data[1]
    assert isinstance(image, PIL.Image) and image.mode == "RGB" and target == labels[1]
    np.testing.assert_array_equal(np.asarray(image), images[1])


def test_binary_pixel_layout(tmp_path, trust_local_md5s):
    """A record is R plane, G plane, B plane, each row-major: check one pixel by hand."""
    write_cifar10_binary(tmp_path)
    record = bytearray(1 + 3072)
    record[0] = 7
    y, x = 2, 5
    record[1 + y * 32 + x], record[1 + 1024 + y * 32 + x], record[1 + 2048 + y * 32 + x] = \
        10, 20, 30
    (tmp_path / "cifar-10-batches-bin" / "test_batch.bin").write_bytes(bytes(record))
    trust_local_md5s(datasets.CIFAR10, tmp_path)
    data = datasets.CIFAR10(tmp_path, train=False)
    assert data.targets == [7] and data.data[0, y, x].tolist() == [10, 20, 30]
    assert data.data[0].sum() == 60


@pytest.mark.parametrize("train", [True, False])
def test_cifar10_python_version(tmp_path, trust_local_md5s, train):
    arrays = write_cifar10_python(tmp_path)
    trust_local_md5s(datasets.CIFAR10, tmp_path)
    data = datasets.CIFAR10(tmp_path, train=train)
    names = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
    np.testing.assert_array_equal(data.data, np.concatenate([arrays[n][0] for n in names]))
    assert data.targets == np.concatenate([arrays[n][1] for n in names]).tolist()
    assert data.classes == CIFAR10_NAMES


def test_restricted_reader_matches_pickle_on_trusted_files(tmp_path):
    """On a file we made ourselves, the restricted reader gives what pickle.load gives."""
    write_cifar10_python(tmp_path)
    path = tmp_path / "cifar-10-batches-py" / "data_batch_3"
    expected = pickle.loads(path.read_bytes(), encoding="latin1")
    data, labels = cifar._read_python_batch(path)
    np.testing.assert_array_equal(data, expected["data"])
    assert labels == expected["labels"]


def test_restricted_reader_accepts_python3_pickles(tmp_path):
    data = np.arange(2 * 3072).astype(np.uint8).reshape(2, 3072)
    path = tmp_path / "batch"
    path.write_bytes(pickle.dumps({b"data": data, b"labels": [1, 2]}, protocol=4))
    out, labels = cifar._read_python_batch(path)
    np.testing.assert_array_equal(out, data)
    assert labels == [1, 2]


def test_binary_preferred_when_both_present(tmp_path, trust_local_md5s):
    binary = write_cifar10_binary(tmp_path, seed=0)
    write_cifar10_python(tmp_path, seed=1)
    trust_local_md5s(datasets.CIFAR10, tmp_path)
    data = datasets.CIFAR10(tmp_path, train=False)
    np.testing.assert_array_equal(data.data, binary["test_batch.bin"][0])


def test_cifar100_both_formats_use_fine_labels(tmp_path, trust_local_md5s):
    rng = np.random.default_rng(3)
    fine_names = [f"class{i:02d}" for i in range(100)]
    images, coarse, fine = random_images(rng, 3), rng.integers(0, 20, 3), rng.integers(0, 100, 3)
    python = tmp_path / "py" / "cifar-100-python"
    python.mkdir(parents=True)
    for name in ("train", "test"):
        (python / name).write_bytes(py2_pickle({
            "data": images.transpose(0, 3, 1, 2).reshape(3, -1), "fine_labels": fine.tolist(),
            "coarse_labels": coarse.tolist(), "filenames": ["a", "b", "c"]}))
    (python / "meta").write_bytes(py2_pickle({"fine_label_names": fine_names,
                                              "coarse_label_names": ["c"] * 20}))
    binary = tmp_path / "bin" / "cifar-100-binary"
    binary.mkdir(parents=True)
    for name in ("train.bin", "test.bin"):
        (binary / name).write_bytes(cifar_binary_bytes(images, coarse, fine))
    (binary / "fine_label_names.txt").write_text("\n".join(fine_names))
    for root in (tmp_path / "py", tmp_path / "bin"):
        trust_local_md5s(datasets.CIFAR100, root)
        data = datasets.CIFAR100(root)
        assert data.targets == fine.tolist() and data.classes == fine_names
        np.testing.assert_array_equal(data.data, images)


class _RunsCommand:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


class _Evaluates:
    def __reduce__(self):
        return eval, ("__import__('os').getcwd()",)


@pytest.mark.parametrize("payload, refused", [
    (lambda marker: _RunsCommand(f"touch {marker}"), "system"),
    (lambda marker: _Evaluates(), "'builtins.eval'"),
    (lambda marker: np.array([object()], dtype=object), "dtype"),
])
def test_malicious_pickle_is_refused_without_running(tmp_path, trust_local_md5s, payload,
                                                     refused):
    write_cifar10_python(tmp_path)
    marker = tmp_path / "pwned"
    batch = tmp_path / "cifar-10-batches-py" / "test_batch"
    batch.write_bytes(pickle.dumps({"data": payload(marker), "labels": [0]}, protocol=4))
    trust_local_md5s(datasets.CIFAR10, tmp_path)
    with pytest.raises(pickle.UnpicklingError, match=refused):
        datasets.CIFAR10(tmp_path, train=False)
    assert not marker.exists()


def test_wrong_structure_is_refused(tmp_path):
    path = tmp_path / "batch"
    path.write_bytes(py2_pickle({"data": np.zeros((2, 100), np.uint8), "labels": [0, 1]}))
    with pytest.raises(pickle.UnpicklingError, match="shape"):
        cifar._read_python_batch(path)
    path.write_bytes(pickle.dumps([1, 2], protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="dict"):
        cifar._read_python_batch(path)


def test_truncated_binary_batch_is_refused(tmp_path):
    (tmp_path / "b.bin").write_bytes(bytes(3073 + 5))
    with pytest.raises(RuntimeError, match="3073-byte records"):
        cifar._read_binary_batch(tmp_path / "b.bin", 1)


def test_checksums_are_verified(tmp_path):
    write_cifar10_binary(tmp_path)  # our files do not have the official md5s
    with pytest.raises(RuntimeError) as error:
        datasets.CIFAR10(tmp_path)
    message = str(error.value)
    assert message.startswith("Dataset not found or corrupted. You can use download=True")
    assert "data_batch_1.bin (md5 mismatch, expected 5dd7e06a14cb22eb9f671a540d1b7c25)" in message
    assert os.path.join(str(tmp_path), "cifar-10-batches-py", "data_batch_1") + " (missing)" \
        in message


def test_download_from_archive(tmp_path, monkeypatch, trust_local_md5s):
    arrays = write_cifar10_binary(tmp_path / "source")
    archive = tmp_path / "cifar-10-binary.tar.gz"
    tar_gz(archive, tmp_path / "source" / "cifar-10-batches-bin", "cifar-10-batches-bin")
    trust_local_md5s(datasets.CIFAR10, tmp_path / "source")
    monkeypatch.setattr(datasets.CIFAR10, "binary_url", archive.as_uri())
    monkeypatch.setattr(datasets.CIFAR10, "binary_tgz_md5", md5(archive))
    data = datasets.CIFAR10(tmp_path / "root", train=False, download=True)
    np.testing.assert_array_equal(data.data, arrays["test_batch.bin"][0])
    assert (tmp_path / "root" / "cifar-10-binary.tar.gz").exists()


def test_download_without_network(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets.CIFAR100, "binary_url", "http://127.0.0.1:9/x.tar.gz")
    with pytest.raises(RuntimeError) as error:
        datasets.CIFAR100(tmp_path, download=True)
    message = str(error.value)
    assert "downloading http://127.0.0.1:9/x.tar.gz failed" in message
    assert os.path.join(str(tmp_path), "cifar-100-binary", "train.bin") in message


def test_archive_members_cannot_escape(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    (tmp_path / "payload").write_text("x")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(tmp_path / "payload", arcname="../escaped")
    (tmp_path / "out").mkdir()
    with pytest.raises((tarfile.TarError, RuntimeError)):
        utils.extract_archive(str(evil), str(tmp_path / "out"))
    assert not (tmp_path / "escaped").exists()

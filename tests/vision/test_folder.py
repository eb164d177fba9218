from pathlib import Path

import numpy as np
import pytest

import ember
from ember.vision import datasets, transforms
from ember.vision.datasets import folder

PIL = pytest.importorskip("PIL.Image")


def make_tree(root, layout):
    """layout: {class: [file names]}; images get a colour from their index."""
    for class_name, names in layout.items():
        (root / class_name).mkdir(parents=True)
        for i, name in enumerate(names):
            path = root / class_name / name
            if name.lower().endswith((".png", ".bmp", ".ppm")):
                PIL.fromarray(np.full((4, 6, 3), 40 * i, np.uint8)).save(path)
            else:
                path.write_text("not an image")


def test_image_folder(tmp_path):
    make_tree(tmp_path, {"dog": ["b.png", "a.PNG", "notes.txt"], "cat": ["x.bmp"],
                         "bird": ["y.ppm"]})
    data = datasets.ImageFolder(tmp_path, transform=transforms.ToTensor())
    assert data.classes == ["bird", "cat", "dog"]
    assert data.class_to_idx == {"bird": 0, "cat": 1, "dog": 2}
    assert [p.split("/")[-1] for p, _ in data.samples] == ["y.ppm", "x.bmp", "a.PNG", "b.png"]
    assert data.targets == [0, 1, 2, 2] and data.imgs is data.samples and len(data) == 4
    image, target = data[2]  # a.PNG, the second image written
    assert image.shape == (3, 4, 6) and target == 2
    np.testing.assert_allclose(image.numpy(), 40 / 255, rtol=1e-6)


def test_image_folder_errors_and_options(tmp_path):
    make_tree(tmp_path, {"a": ["1.png"], "empty": ["readme.txt"]})
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty"):
        datasets.ImageFolder(tmp_path)
    data = datasets.ImageFolder(tmp_path, allow_empty=True)
    assert data.classes == ["a", "empty"] and data.targets == [0]
    data = datasets.ImageFolder(tmp_path, is_valid_file=lambda p: p.endswith(".txt"),
                                loader=lambda p: Path(p).read_text(), allow_empty=True)
    assert data[0] == ("not an image", 1)
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        datasets.ImageFolder(tmp_path / "a")


def test_dataset_folder_with_numpy_loader(tmp_path):
    for name, value in (("b", 2.0), ("a", 1.0)):
        (tmp_path / name).mkdir()
        np.save(tmp_path / name / "x.npy", np.full(3, value))
    data = datasets.DatasetFolder(str(tmp_path), loader=np.load, extensions=(".npy",),
                                  target_transform=lambda t: -t)
    assert [(sample.tolist(), target) for sample, target in data] == \
        [([1.0] * 3, 0), ([2.0] * 3, -1)]
    with pytest.raises(ValueError, match="Both extensions and is_valid_file"):
        folder.make_dataset(str(tmp_path), {"a": 0}, extensions=".npy",
                            is_valid_file=lambda p: True)


def test_image_folder_needs_pillow(tmp_path, no_pillow):
    make_tree(tmp_path, {"a": ["1.png"]})
    with pytest.raises(ModuleNotFoundError, match="pip install pillow"):
        datasets.ImageFolder(tmp_path)


def test_fake_data():
    data = datasets.FakeData(size=5, image_size=(3, 8, 6), num_classes=4,
                             transform=transforms.ToTensor())
    state = ember.get_rng_state()
    image, target = data[2]
    assert ember.equal(ember.get_rng_state(), state)  # the global stream is untouched
    assert image.shape == (3, 8, 6) and 0 <= target < 4 and type(target) is int
    again, target_again = data[2]
    assert ember.equal(image, again) and target == target_again
    assert not ember.equal(image, data[3][0])
    assert len(data) == 5
    with pytest.raises(IndexError, match="FakeData index out of range"):
        data[5]
    shifted = datasets.FakeData(size=5, image_size=(3, 8, 6), random_offset=1,
                                transform=transforms.ToTensor())
    assert ember.equal(shifted[1][0], image)  # both seeded with 2


def test_fake_data_images(no_pillow):
    image, _ = datasets.FakeData(size=2, image_size=(1, 5, 7))[0]
    assert isinstance(image, np.ndarray) and image.shape == (5, 7) and image.dtype == np.uint8
    image, _ = datasets.FakeData(size=2, image_size=(3, 5, 7))[0]
    assert image.shape == (5, 7, 3)


def test_fake_data_pil_matches_numpy(monkeypatch):
    pil_image, _ = datasets.FakeData(size=1, image_size=(3, 5, 7))[0]
    assert isinstance(pil_image, PIL.Image) and pil_image.size == (7, 5)
    from ember.vision import _image
    monkeypatch.setattr(_image, "pil_image_module", lambda: None)
    array, _ = datasets.FakeData(size=1, image_size=(3, 5, 7))[0]
    np.testing.assert_array_equal(np.asarray(pil_image), array)

"""DatasetFolder and ImageFolder: samples laid out as root/<class>/<file>, as torchvision."""
import os

from .._image import require_pil
from .vision import VisionDataset

__all__ = ["DatasetFolder", "ImageFolder", "IMG_EXTENSIONS", "default_loader", "pil_loader",
           "find_classes", "make_dataset", "has_file_allowed_extension", "is_image_file"]

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename, extensions):
    """Whether filename ends (case-insensitively) with one of extensions."""
    return filename.lower().endswith(extensions if isinstance(extensions, str)
                                     else tuple(extensions))


def is_image_file(filename):
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory):
    """(classes, class_to_idx): the sorted names of directory's subfolders and their indices."""
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    return classes, {name: i for i, name in enumerate(classes)}


def make_dataset(directory, class_to_idx=None, extensions=None, is_valid_file=None,
                 allow_empty=False):
    """[(path, class_index)] of the valid files under directory/<class>/, sorted.

    Args:
        directory: the root folder.
        class_to_idx: class folder name -> index (default: from find_classes).
        extensions: the allowed file endings; give this or is_valid_file, not both.
        is_valid_file: path -> whether to take the file.
        allow_empty: allow classes without valid files (FileNotFoundError otherwise).
    """
    directory = os.path.expanduser(directory)
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    elif not class_to_idx:
        raise ValueError("'class_to_index' must have at least one entry to collect any samples.")
    if (extensions is None) == (is_valid_file is None):
        raise ValueError("Both extensions and is_valid_file cannot be None or not None at the "
                         "same time")
    if extensions is not None:
        def is_valid_file(path):
            return has_file_allowed_extension(path, extensions)
    instances = []
    available_classes = set()
    for target_class in sorted(class_to_idx):
        class_index = class_to_idx[target_class]
        target_dir = os.path.join(directory, target_class)
        if not os.path.isdir(target_dir):
            continue
        for root, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
            for fname in sorted(fnames):
                path = os.path.join(root, fname)
                if is_valid_file(path):
                    instances.append((path, class_index))
                    available_classes.add(target_class)
    empty_classes = set(class_to_idx) - available_classes
    if empty_classes and not allow_empty:
        message = f"Found no valid file for the classes {', '.join(sorted(empty_classes))}. "
        if extensions is not None:
            allowed = extensions if isinstance(extensions, str) else ", ".join(extensions)
            message += f"Supported extensions are: {allowed}"
        raise FileNotFoundError(message)
    return instances


class DatasetFolder(VisionDataset):
    """A dataset of files laid out as root/<class>/.../<file>, read with `loader`.

    Classes are the sorted subfolder names; `samples` is the sorted list of
    (path, class_index), `targets` the class indices.

    Args:
        root: the root folder.
        loader: path -> sample.
        extensions: the allowed file endings; give this or is_valid_file, not both.
        transform: a callable applied to the sample.
        target_transform: a callable applied to the target.
        is_valid_file: path -> whether to take the file.
        allow_empty: allow class folders without valid files.

    Example:
        >>> data = DatasetFolder("spectra", loader=numpy.load, extensions=(".npy",))
        >>> data.classes, data[0][1]
        (['a', 'b'], 0)
    """

    def __init__(self, root, loader, extensions=None, transform=None, target_transform=None,
                 is_valid_file=None, allow_empty=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(self.root, class_to_idx, extensions, is_valid_file,
                                    allow_empty)
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.samples = samples
        self.targets = [target for _, target in samples]

    @staticmethod
    def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None,
                     allow_empty=False):
        if class_to_idx is None:
            raise ValueError("The class_to_idx parameter cannot be None.")
        return make_dataset(directory, class_to_idx, extensions=extensions,
                            is_valid_file=is_valid_file, allow_empty=allow_empty)

    def find_classes(self, directory):
        return find_classes(directory)

    def __getitem__(self, index):
        path, target = self.samples[index]
        sample = self.loader(path)
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __len__(self):
        return len(self.samples)


def pil_loader(path):
    """The image at path, as an RGB PIL image (needs Pillow)."""
    image_module = require_pil("Loading images")
    with open(path, "rb") as file:
        return image_module.open(file).convert("RGB")


def default_loader(path):
    return pil_loader(path)


class ImageFolder(DatasetFolder):
    """Images laid out as root/<class>/<image> (.jpg, .png, ...), loaded as RGB PIL images.

    Needs Pillow for the default loader (pip install pillow).

    Args:
        root: the root folder.
        transform: a callable applied to the image.
        target_transform: a callable applied to the target.
        loader: path -> image (default: RGB PIL image).
        is_valid_file: path -> whether to take the file (default: by IMG_EXTENSIONS).
        allow_empty: allow class folders without images.

    Example:
        >>> data = ImageFolder("pets", transform=transforms.ToTensor())
        >>> data.classes, data[0][0].shape
        (['cat', 'dog'], ember.Size([3, 64, 64]))
    """

    def __init__(self, root, transform=None, target_transform=None, loader=default_loader,
                 is_valid_file=None, allow_empty=False):
        if loader is default_loader:
            require_pil("ImageFolder's default loader")
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None,
                         transform=transform, target_transform=target_transform,
                         is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.imgs = self.samples

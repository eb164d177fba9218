"""Downloading, checksums and archive extraction, as torchvision.datasets.utils.

Downloads go through urllib to a temporary file that is renamed into place only once it is
complete, and are verified against their md5 when one is given. Archives are extracted with
tarfile's "data" filter, so a member cannot be written outside the target directory.
"""
import bz2
import gzip
import hashlib
import lzma
import os
import pathlib
import tarfile
import urllib.error
import urllib.request
import zipfile

__all__ = ["calculate_md5", "check_md5", "check_integrity", "download_url",
           "extract_archive", "download_and_extract_archive", "verify_str_arg"]

USER_AGENT = "ember/vision"
_TIMEOUT_SECONDS = 60


def calculate_md5(fpath, chunk_size=1024 * 1024):
    """The md5 hex digest of a file, read in chunks."""
    md5 = hashlib.md5(usedforsecurity=False)  # a checksum, not cryptography (works under FIPS)
    with open(fpath, "rb") as file:
        while chunk := file.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """Whether fpath is a file and, if md5 is given, has that md5."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


def describe_files(entries):
    """Lines '  path (state)' for (path, md5) pairs: missing, md5 mismatch, or found."""
    lines = []
    for path, md5 in entries:
        if not os.path.isfile(path):
            state = "missing"
        elif md5 is not None and not check_md5(path, md5):
            state = f"md5 mismatch, expected {md5}"
        else:
            state = "found"
        lines.append(f"  {path} ({state})")
    return lines


def _urlretrieve(url, fpath, max_redirect_hops, chunk_size=1024 * 32):
    redirects = urllib.request.HTTPRedirectHandler()
    redirects.max_redirections = max_redirect_hops
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    partial = fpath + ".part"
    try:
        with opener.open(request, timeout=_TIMEOUT_SECONDS) as response, \
                open(partial, "wb") as file:
            while chunk := response.read(chunk_size):
                file.write(chunk)
        os.replace(partial, fpath)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3):
    """Download url to root/filename (default: the url's basename), unless a verified copy is
    there already.

    Args:
        url: where to download from (http, https or file).
        root: the directory to put the file in (created if needed).
        filename: the name to save it under.
        md5: the file's expected md5; None skips the check.
        max_redirect_hops: how many HTTP redirects to follow.

    Raises:
        urllib.error.URLError: the url could not be reached.
        RuntimeError: the downloaded file does not have the expected md5.
    """
    root = os.path.expanduser(root)
    filename = filename or os.path.basename(url)
    fpath = os.fspath(os.path.join(root, filename))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    print(f"Downloading {url} to {fpath}")
    _urlretrieve(url, fpath, max_redirect_hops)
    if not check_integrity(fpath, md5):
        raise RuntimeError(f"File not found or corrupted: {fpath} downloaded from {url} does "
                           f"not have the md5 {md5}. Delete it and try again.")


def _safe_extract_tar(tar, to_path):
    if hasattr(tarfile, "data_filter"):
        tar.extractall(to_path, filter="data")
        return
    # Pythons before 3.10.12 have no extraction filters: check every member ourselves.
    root = os.path.realpath(to_path)
    for member in tar.getmembers():
        target = os.path.realpath(os.path.join(root, member.name))
        if not (member.isfile() or member.isdir()) or os.path.commonpath([root, target]) != root:
            raise RuntimeError(f"Refusing to extract {member.name!r} from the archive: it is "
                               f"not a plain file or directory inside {to_path}")
    tar.extractall(to_path)


def _extract_tar(from_path, to_path, compression):
    with tarfile.open(from_path, f"r:{compression[1:]}" if compression else "r") as tar:
        _safe_extract_tar(tar, to_path)


def _extract_zip(from_path, to_path, compression):
    with zipfile.ZipFile(from_path, "r") as archive:
        archive.extractall(to_path)  # zipfile drops absolute paths and ".." itself


_ARCHIVE_EXTRACTORS = {".tar": _extract_tar, ".zip": _extract_zip}
_COMPRESSED_FILE_OPENERS = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}
_FILE_TYPE_ALIASES = {".tbz": (".tar", ".bz2"), ".tbz2": (".tar", ".bz2"),
                      ".tgz": (".tar", ".gz")}


def _detect_file_type(file):
    """(suffix, archive type, compression) from a file name, e.g. ('.tar.gz', '.tar', '.gz')."""
    suffixes = pathlib.Path(file).suffixes
    if not suffixes:
        raise RuntimeError(f"File '{file}' has no suffixes that could be used to detect the "
                           f"archive type and compression.")
    suffix = suffixes[-1]
    if suffix in _FILE_TYPE_ALIASES:
        return (suffix, *_FILE_TYPE_ALIASES[suffix])
    if suffix in _ARCHIVE_EXTRACTORS:
        return suffix, suffix, None
    if suffix in _COMPRESSED_FILE_OPENERS:
        if len(suffixes) > 1 and suffixes[-2] in _ARCHIVE_EXTRACTORS:
            return suffixes[-2] + suffix, suffixes[-2], suffix
        return suffix, None, suffix
    known = sorted(set(_FILE_TYPE_ALIASES) | set(_ARCHIVE_EXTRACTORS)
                   | set(_COMPRESSED_FILE_OPENERS))
    raise RuntimeError(f"Unknown compression or archive type: '{suffix}'.\n"
                       f"Known suffixes are: '{known}'.")


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract a .tar/.zip archive (optionally .gz/.bz2/.xz compressed) into to_path, or
    decompress a single compressed file there; returns to_path.

    Args:
        from_path: the archive.
        to_path: the directory to extract to (default: the archive's directory).
        remove_finished: delete the archive afterwards.
    """
    if to_path is None:
        to_path = os.path.dirname(from_path)
    suffix, archive_type, compression = _detect_file_type(from_path)
    if archive_type is None:
        target = os.path.join(to_path, os.path.basename(from_path).replace(suffix, ""))
        with _COMPRESSED_FILE_OPENERS[compression](from_path, "rb") as source, \
                open(target, "wb") as destination:
            while chunk := source.read(1024 * 1024):
                destination.write(chunk)
    else:
        _ARCHIVE_EXTRACTORS[archive_type](from_path, to_path, compression)
    if remove_finished:
        os.remove(from_path)
    return os.fspath(to_path) if isinstance(from_path, str) else pathlib.Path(to_path)


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    """download_url, then extract_archive into extract_root (default: download_root)."""
    download_root = os.path.expanduser(download_root)
    extract_root = extract_root or download_root
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5)
    extract_archive(os.path.join(download_root, filename), extract_root, remove_finished)


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """value, after checking it is a str among valid_values (ValueError otherwise)."""
    if not isinstance(value, str):
        where = "" if arg is None else f" for argument {arg}"
        raise ValueError(f"Expected type str{where}, but got type {type(value)}.")
    if valid_values is None or value in valid_values:
        return value
    if custom_msg is not None:
        raise ValueError(custom_msg)
    listed = "'" + "', '".join(str(v) for v in valid_values) + "'"
    raise ValueError(f"Unknown value '{value}' for argument {arg}. Valid values are {{{listed}}}.")

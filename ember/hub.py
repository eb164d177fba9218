"""torch.hub: download files into a local cache, load checkpoints from URLs, and build models
from the entry points of a repository's hubconf.py.

The cache is torch's own, so whatever torch already downloaded is found: get_dir() is
$TORCH_HOME/hub, $TORCH_HOME defaulting to $XDG_CACHE_HOME/torch and that to ~/.cache/torch.
Checkpoints go to get_dir()/checkpoints, GitHub repositories to get_dir()/<owner>_<name>_<ref>.

Checkpoints load through ember.load, which reads torch's formats (the usual .pth pretrained
weights) and ember's without running code from them: weights_only is accepted for torch's
signature, and an ember checkpoint holding pickled objects is refused whatever it says.
A hubconf.py is code: load/list/help run it, as torch does, for a local directory
the caller names or a GitHub repository the caller trusts (trust_repo).

Example:
    >>> url = "https://download.pytorch.org/models/resnet18-f37072fd.pth"
    >>> state_dict = ember.hub.load_state_dict_from_url(url, check_hash=True)  # doctest: +SKIP
    >>> state_dict["fc.weight"].shape  # doctest: +SKIP
    ember.Size([1000, 512])
"""
import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import uuid
import warnings
import zipfile
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

from .serialization import load as _ember_load

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url",
           "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")  # bfd8deac from resnet18-bfd8deac.pth
ENV_GITHUB_TOKEN = "GITHUB_TOKEN"
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
VAR_DEPENDENCY = "dependencies"
MODULE_HUBCONF = "hubconf.py"
READ_DATA_CHUNK = 128 * 1024
_TRUSTED_REPO_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")
_GITHUB = "https://github.com"
_GITHUB_API = "https://api.github.com"
_state = {"hub_dir": None}


def get_dir():
    """The hub's cache directory: the one set_dir gave, else $TORCH_HOME/hub, where
    $TORCH_HOME defaults to $XDG_CACHE_HOME/torch and $XDG_CACHE_HOME to ~/.cache.

    Example:
        >>> ember.hub.get_dir()  # doctest: +SKIP
        '/home/me/.cache/torch/hub'
    """
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if _state["hub_dir"] is not None:
        return _state["hub_dir"]
    torch_home = os.getenv(ENV_TORCH_HOME, os.path.join(
        os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch"))
    return os.path.join(os.path.expanduser(torch_home), "hub")


def set_dir(d):
    """Use directory d (a str or path; ~ expands) as the hub's cache from now on.

    Example:
        >>> ember.hub.set_dir("~/models")  # doctest: +SKIP
    """
    _state["hub_dir"] = os.path.expanduser(d)


# ---------------------------------------------------------------------------------------------
# Downloads


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def update(self, n):
        pass


def _progress_bar(total, progress):
    """tqdm's bar on stderr when progress is asked for, tqdm is installed and stderr is a
    terminal (a bar in a log file is noise); otherwise one that shows nothing."""
    if progress and sys.stderr.isatty():
        try:
            from tqdm import tqdm
        except ImportError:
            return _NoProgress()
        return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024)
    return _NoProgress()


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download `url` (http, https, ftp or file) to the path `dst`.

    The bytes go to a temporary file beside dst, renamed over dst only once the download
    finished and its hash matched, so dst is never a partial file and a failed download
    leaves nothing behind.

    Differs from PyTorch: a response shorter than its Content-Length raises RuntimeError
    (torch keeps the short file).

    Args:
        url (str): what to download.
        dst (str): where to put it (~ expands).
        hash_prefix (str, optional): the SHA-256 of the file, in hex, must start with it;
            otherwise RuntimeError. Default: None (no check).
        progress (bool): show tqdm's progress bar on stderr, when tqdm is installed and
            stderr is a terminal. Default: True.

    Example:
        >>> ember.hub.download_url_to_file(
        ...     "https://download.pytorch.org/models/resnet18-f37072fd.pth",
        ...     "/tmp/resnet18.pth", hash_prefix="f37072fd")  # doctest: +SKIP
    """
    dst = os.path.expanduser(dst)
    partial = f"{dst}.{uuid.uuid4().hex}.partial"
    try:
        with urlopen(Request(url, headers={"User-Agent": "torch.hub"})) as response, \
                open(partial, "xb") as out:
            size = response.headers.get("Content-Length")
            size = int(size) if size else None
            sha256 = hashlib.sha256()
            with _progress_bar(size, progress) as bar:
                while chunk := response.read(READ_DATA_CHUNK):
                    out.write(chunk)
                    sha256.update(chunk)
                    bar.update(len(chunk))
            # http.client ends a response cut short quietly (no IncompleteRead for read(n))
            if size is not None and out.tell() != size:
                raise RuntimeError(f"download of {url} stopped after {out.tell()} of {size} "
                                   f"bytes; try again")
            out.flush()
            os.fsync(out.fileno())
        digest = sha256.hexdigest()
        if hash_prefix is not None and digest[:len(hash_prefix)] != hash_prefix:
            raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        os.replace(partial, dst)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _checked_member_name(name):
    """A zip entry's name, refused (ValueError, as torch) when extracting it would write
    outside the target directory."""
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        raise ValueError(f"Archive entry has absolute path: {name}")
    if ".." in re.split(r"[/\\]", os.path.normpath(name)):
        raise ValueError(f"Archive entry contains directory traversal: {name}")
    return name


def _safe_extract_zip(archive, directory):
    for member in archive.infolist():
        archive.extract(_checked_member_name(member.filename), directory)


def _first_bytes(path):
    """What a file starts with: b"PK\\x03\\x04" for a zip (torch's format since 1.6), b"\\x80",
    pickle's PROTO, for torch's older format, b"EMBE" for ember's.

    (zipfile.is_zipfile looks for a zip's directory near the end of the file, which an ember
    checkpoint's tensor bytes may happen to imitate.)"""
    with open(path, "rb") as file:
        return file.read(4)


def _is_legacy_zip_format(filename):
    """A zip holding one file: how checkpoints of torch < 1.6 were compressed by hand."""
    if _first_bytes(filename) == b"PK\x03\x04":
        with zipfile.ZipFile(filename) as archive:
            members = archive.infolist()
        return len(members) == 1 and not members[0].is_dir()
    return False


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True,
                             check_hash=False, file_name=None, weights_only=False):
    """The checkpoint at `url`, downloaded once into model_dir and loaded from there after.

    Args:
        url (str): where the checkpoint is.
        model_dir (str, optional): the cache directory. Default: get_dir()/checkpoints.
        map_location: where tensors go, as in ember.load (a device, a dict of saved device to
            device, or a function (tensor, saved_location) -> tensor).
        progress (bool): show a progress bar while downloading. Default: True.
        check_hash (bool): the file name must read name-<sha256 prefix>.ext, and the download
            must match that prefix. Default: False.
        file_name (str, optional): the cached file's name. Default: the URL's last component.
        weights_only (bool): accepted for torch's signature; checkpoints always load as with
            True (see the module docstring). Default: False.

    Returns:
        The loaded object, usually a state_dict.

    Differs from PyTorch: a checkpoint loads only if it holds tensors, containers, numbers,
    strings, dtypes, devices and sizes (state_dicts do), whatever weights_only says: other
    objects would need their pickle run. A callable map_location receives each tensor rather
    than each storage (`lambda storage, location: storage` works unchanged).

    Example:
        >>> url = "https://download.pytorch.org/models/resnet18-f37072fd.pth"
        >>> state_dict = ember.hub.load_state_dict_from_url(url)  # doctest: +SKIP
    """
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead",
                      stacklevel=2)
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            match = HASH_REGEX.search(filename)
            hash_prefix = match.group(1) if match else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    if _is_legacy_zip_format(cached_file):
        warnings.warn("Falling back to the old format < 1.6. This support will be deprecated in "
                      "favor of default zipfile format introduced in 1.6. Please redo "
                      "torch.save() to save it in the new zipfile format.", FutureWarning,
                      stacklevel=2)
        with zipfile.ZipFile(cached_file) as archive:
            (member,) = archive.infolist()
            _safe_extract_zip(archive, model_dir)
        cached_file = os.path.join(model_dir, member.filename)
    return _ember_load(cached_file, map_location=map_location, weights_only=True)


# ---------------------------------------------------------------------------------------------
# Repositories with a hubconf.py


@contextlib.contextmanager
def _add_to_sys_path(path):
    sys.path.insert(0, path)
    try:
        yield
    finally:
        sys.path.remove(path)


def _import_hubconf(directory):
    """Run directory/hubconf.py (its own directory importable) and return it as a module."""
    with _add_to_sys_path(directory):
        spec = importlib.util.spec_from_file_location(
            "hubconf", os.path.join(directory, MODULE_HUBCONF))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def _load_entry_from_hubconf(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    dependencies = getattr(module, VAR_DEPENDENCY, None)
    if dependencies is not None:
        missing = [name for name in dependencies if importlib.util.find_spec(name) is None]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    entry = getattr(module, model, None)
    if entry is None or not callable(entry):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return entry


def _read_url(url):
    with urlopen(url) as response:
        return response.read().decode(response.headers.get_content_charset("utf-8"))


def _parse_repo_info(github):
    """(owner, name, ref) from 'owner/name[:ref]'; without a ref, the default branch: main
    if the repository has one, else master (offline: whichever is in the cache)."""
    repo_info, _, ref = github.partition(":")
    repo_owner, repo_name = repo_info.split("/")
    if ref:
        return repo_owner, repo_name, ref
    try:
        with urlopen(f"{_GITHUB}/{repo_owner}/{repo_name}/tree/main/"):
            return repo_owner, repo_name, "main"
    except HTTPError as error:
        if error.code == 404:
            return repo_owner, repo_name, "master"
        raise
    except URLError as error:
        for ref in ("main", "master"):
            if os.path.exists(os.path.join(get_dir(), f"{repo_owner}_{repo_name}_{ref}")):
                return repo_owner, repo_name, ref
        raise RuntimeError("It looks like there is no internet connection and the repo could "
                           f"not be found in the cache ({get_dir()})") from error


def _validate_not_a_forked_repo(repo_owner, repo_name, ref):
    """Refuse a ref that is none of the repository's branches or tags: a commit of a fork
    reachable through the original repository's URL."""
    headers = {"Accept": "application/vnd.github.v3+json"}
    token = os.environ.get(ENV_GITHUB_TOKEN)
    if token is not None:
        headers["Authorization"] = f"token {token}"
    for kind in ("branches", "tags"):
        page = 0
        while True:
            page += 1
            url = f"{_GITHUB_API}/repos/{repo_owner}/{repo_name}/{kind}?per_page=100&page={page}"
            try:
                response = json.loads(_read_url(Request(url, headers=headers)))
            except HTTPError:  # perhaps a token without the rights: retry without it
                headers.pop("Authorization", None)
                response = json.loads(_read_url(Request(url, headers=headers)))
            if not response:
                break
            if any(entry["name"] == ref or entry["commit"]["sha"].startswith(ref)
                   for entry in response):
                return
    raise ValueError(
        f"Cannot find {ref} in https://github.com/{repo_owner}/{repo_name}. If it's a commit "
        "from a forked repo, please call hub.load() with forked repo directly.")


def _check_repo_is_trusted(repo_owner, repo_name, owner_name_branch, trust_repo):
    """Ask before running a repository's code, unless trust_repo is True or the repository
    is trusted already: listed in get_dir()/trusted_list, downloaded before, or owned by
    torch's trusted organisations. A repository the user trusts joins the list."""
    hub_dir = get_dir()
    trusted_list = os.path.join(hub_dir, "trusted_list")
    if not os.path.exists(trusted_list):
        open(trusted_list, "a").close()
    with open(trusted_list) as file:
        trusted_repos = tuple(line.strip() for line in file)
    owner_name = f"{repo_owner}_{repo_name}"
    is_trusted = (owner_name in trusted_repos
                  or owner_name_branch in next(os.walk(hub_dir))[1]
                  or repo_owner in _TRUSTED_REPO_OWNERS)
    if trust_repo is False or (trust_repo == "check" and not is_trusted):
        response = input(
            f"The repository {owner_name} does not belong to the list of trusted repositories "
            "and as such cannot be downloaded. Do you trust this repository and wish to add it "
            "to the trusted list of repositories (y/N)?")
        if response.lower() in ("y", "yes"):
            if is_trusted:
                print("The repository is already trusted.")
        elif response.lower() in ("n", "no", ""):
            raise Exception("Untrusted repository.")  # torch's exception type
        else:
            raise ValueError(f"Unrecognized response {response}.")
    if not is_trusted:
        with open(trusted_list, "a") as file:
            file.write(owner_name + "\n")


def _get_cache_or_reload(github, force_reload, trust_repo, verbose=True, skip_validation=False):
    """The directory of GitHub repository `github` in the cache, downloaded (the zip GitHub
    makes of the ref) when missing or when force_reload."""
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    repo_owner, repo_name, ref = _parse_repo_info(github)
    normalized_ref = ref.replace("/", "_")  # a branch name may hold '/'
    owner_name_branch = f"{repo_owner}_{repo_name}_{normalized_ref}"
    repo_dir = os.path.join(hub_dir, owner_name_branch)
    _check_repo_is_trusted(repo_owner, repo_name, owner_name_branch, trust_repo)
    if not force_reload and os.path.exists(repo_dir):
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    if not skip_validation:
        _validate_not_a_forked_repo(repo_owner, repo_name, ref)
    cached_zip = os.path.join(hub_dir, normalized_ref + ".zip")
    url = f"{_GITHUB}/{repo_owner}/{repo_name}/zipball/{ref}"
    sys.stdout.write(f'Downloading: "{url}" to {cached_zip}\n')
    try:
        download_url_to_file(url, cached_zip, progress=False)
    except HTTPError as error:
        if error.code != 300:
            raise
        # 300 Multiple Choices: the ref is both a tag and a branch; take the branch, as git
        warnings.warn(
            f"The ref {ref} is ambiguous. Perhaps it is both a tag and a branch in the repo? "
            "Torchhub will now assume that it's a branch. You can disambiguate tags and "
            "branches by explicitly passing refs/heads/branch_name or refs/tags/tag_name as "
            "the ref. That might require using skip_validation=True.", stacklevel=3)
        download_url_to_file(f"{_GITHUB}/{repo_owner}/{repo_name}/zipball/refs/heads/{ref}",
                             cached_zip, progress=False)
    try:
        with zipfile.ZipFile(cached_zip) as archive:
            # GitHub names the top folder <owner>-<name>-<sha>
            extracted = os.path.join(hub_dir, archive.infolist()[0].filename)
            _remove_if_exists(extracted)
            _safe_extract_zip(archive, hub_dir)
    finally:
        _remove_if_exists(cached_zip)
    _remove_if_exists(repo_dir)
    shutil.move(extracted, repo_dir)
    return repo_dir


def _remove_if_exists(path):
    if os.path.isfile(path):
        os.remove(path)
    elif os.path.exists(path):
        shutil.rmtree(path)


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):
    """The names of the entry points (public callables) of GitHub repository `github`'s
    hubconf.py, "owner/name[:ref]" (ref: a branch or tag; default main, else master).

    The repository is downloaded into get_dir() unless cached; see load for the arguments.

    Example:
        >>> ember.hub.list("pytorch/vision")  # doctest: +SKIP
        ['alexnet', 'convnext_base', ...]
    """
    repo_dir = _get_cache_or_reload(github, force_reload, trust_repo, verbose=verbose,
                                    skip_validation=skip_validation)
    module = _import_hubconf(repo_dir)
    return [name for name in dir(module)
            if callable(getattr(module, name)) and not name.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):
    """The docstring of entry point `model` of GitHub repository `github`'s hubconf.py.

    Example:
        >>> print(ember.hub.help("pytorch/vision", "resnet18"))  # doctest: +SKIP
    """
    repo_dir = _get_cache_or_reload(github, force_reload, trust_repo, verbose=True,
                                    skip_validation=skip_validation)
    return _load_entry_from_hubconf(_import_hubconf(repo_dir), model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False,
         verbose=True, skip_validation=False, **kwargs):
    """Call entry point `model` of a hubconf.py with *args and **kwargs and return its result
    (usually a model).

    Args:
        repo_or_dir (str): source 'github': "owner/name[:ref]" (ref a branch or tag; default
            main if the repository has it, else master); source 'local': a directory.
        model (str): the name of a callable in the hubconf.py.
        source (str): 'github' or 'local'. Default: 'github'.
        trust_repo (bool or str): for GitHub: "check" asks before running an untrusted
            repository's code, False always asks, True trusts it. Default: "check".
        force_reload (bool): download the repository again even if cached. Default: False.
        verbose (bool): say when the cached copy is used. Default: True.
        skip_validation (bool): don't ask GitHub's API whether the ref belongs to the
            repository (GITHUB_TOKEN, when set, authenticates the requests). Default: False.

    Example:
        >>> net = ember.hub.load("path/to/repo", "tiny_net", source="local")  # doctest: +SKIP
    """
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        repo_or_dir = _get_cache_or_reload(repo_or_dir, force_reload, trust_repo,
                                           verbose=verbose, skip_validation=skip_validation)
    with _add_to_sys_path(repo_or_dir):  # entry points may import the directory's modules
        entry = _load_entry_from_hubconf(_import_hubconf(repo_or_dir), model)
        return entry(*args, **kwargs)


"""ember.hub against torch.hub, offline: files come from an HTTP server on 127.0.0.1 (GitHub's
URLs redirected to it) or from file:// URLs."""
import hashlib
import io
import json
import os
import pickle
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import torch

import ember
from ember import hub


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        # /truncated...: the connection closes 100 bytes short of the promised length
        promised = len(body) + (100 if self.path.startswith("/truncated") else 0)
        self.send_header("Content-Length", str(promised))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.files, httpd.requests = {}, []
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01},
                              daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def served(server):
    """Put bytes on the server: served("/name.pth", data) returns the URL."""
    server.files.clear()
    server.requests.clear()

    def serve(path, data):
        server.files[path] = data
        return server.url + path

    return serve


@pytest.fixture
def hub_dir(tmp_path, monkeypatch):
    monkeypatch.setitem(hub._state, "hub_dir", str(tmp_path / "hub"))
    return tmp_path / "hub"


def torch_bytes(obj, **save_args):
    buffer = io.BytesIO()
    torch.save(obj, buffer, **save_args)
    return buffer.getvalue()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def assert_state_dicts_equal(ours, theirs):
    assert list(ours) == list(theirs)
    for key in theirs:
        assert ours[key].dtype.name == str(theirs[key].dtype).replace("torch.", ""), key
        np.testing.assert_array_equal(ours[key].numpy(), theirs[key].numpy(), err_msg=key)


def torch_model():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3),
                                torch.nn.Linear(3, 2))
    model(torch.randn(8, 4))  # running statistics and num_batches_tracked move off their init
    return model.eval()


def ember_model():
    return ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.BatchNorm1d(3),
                               ember.nn.Linear(3, 2)).eval()


# ---------------------------------------------------------------------------------------------
# The cache directory


@pytest.mark.parametrize("environment", [
    {"TORCH_HOME": "/data/torch-home", "XDG_CACHE_HOME": "/data/xdg"},
    {"XDG_CACHE_HOME": "/data/xdg"},
    {},
    {"TORCH_HOME": "~/elsewhere"},
])
def test_get_dir_is_torchs(environment, monkeypatch):
    monkeypatch.setitem(hub._state, "hub_dir", None)
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    for variable in ("TORCH_HOME", "XDG_CACHE_HOME", "TORCH_HUB"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert hub.get_dir() == torch.hub.get_dir()


def test_set_dir_expands_the_home_directory(monkeypatch):
    monkeypatch.setitem(hub._state, "hub_dir", None)
    hub.set_dir("~/models")
    assert hub.get_dir() == os.path.expanduser("~/models") != "~/models"


# ---------------------------------------------------------------------------------------------
# download_url_to_file


def test_download_checks_the_hash_prefix(served, tmp_path):
    data = os.urandom(300_000)  # several read chunks
    url = served("/blob.bin", data)
    hub.download_url_to_file(url, str(tmp_path / "blob.bin"), hash_prefix=sha256(data)[:10],
                             progress=False)
    assert (tmp_path / "blob.bin").read_bytes() == data
    assert os.listdir(tmp_path) == ["blob.bin"]  # no temporary file left


def test_hash_mismatch_raises_and_keeps_nothing(served, tmp_path):
    url = served("/blob.bin", b"payload")
    with pytest.raises(RuntimeError, match=r'invalid hash value \(expected "0000", got "'
                                           + sha256(b"payload")):
        hub.download_url_to_file(url, str(tmp_path / "blob.bin"), hash_prefix="0000")
    assert os.listdir(tmp_path) == []


def test_failed_download_leaves_the_old_file_whole(served, tmp_path):
    url = served("/truncated.bin", b"x" * 1000)
    destination = tmp_path / "weights.pth"
    destination.write_bytes(b"previous")
    with pytest.raises(RuntimeError, match=r"stopped after 1000 of 1100 bytes"):
        hub.download_url_to_file(url, str(destination), progress=False)
    assert destination.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["weights.pth"]


def test_download_from_a_file_url(tmp_path):
    (tmp_path / "source.bin").write_bytes(b"local bytes")
    hub.download_url_to_file((tmp_path / "source.bin").as_uri(), str(tmp_path / "copy.bin"))
    assert (tmp_path / "copy.bin").read_bytes() == b"local bytes"


def test_progress_bar_only_on_a_terminal(served, tmp_path, monkeypatch, capsys):
    url = served("/blob.bin", b"z" * 5000)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    hub.download_url_to_file(url, str(tmp_path / "a.bin"))
    assert "4.88k" in capsys.readouterr().err  # tqdm's bar: 5000 bytes in KiB
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    hub.download_url_to_file(url, str(tmp_path / "b.bin"))
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------------------------------------
# load_state_dict_from_url


@pytest.mark.parametrize("zip_format", [True, False], ids=["torch>=1.6", "legacy"])
def test_torch_saved_state_dict_loads_into_an_ember_model(zip_format, served, hub_dir, tmp_path):
    reference = torch_model()
    data = torch_bytes(reference.state_dict(), _use_new_zipfile_serialization=zip_format)
    url = served("/model.pth", data)
    state_dict = hub.load_state_dict_from_url(url, progress=False)
    assert_state_dicts_equal(state_dict, reference.state_dict())
    # torch.hub reads the same file to the same values
    assert_state_dicts_equal(state_dict, torch.hub.load_state_dict_from_url(
        url, model_dir=str(tmp_path / "torch"), progress=False, weights_only=True))
    model = ember_model()
    model.load_state_dict(state_dict)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(model(ember.tensor(x)).detach().numpy(),
                               reference(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-6)


def test_second_call_reads_the_cache(server, served, hub_dir, capsys):
    url = served("/weights.pth", torch_bytes({"w": torch.arange(3.0)}))
    first = hub.load_state_dict_from_url(url, progress=False)
    second = hub.load_state_dict_from_url(url, progress=False)
    assert server.requests == ["/weights.pth"]
    cached = hub_dir / "checkpoints" / "weights.pth"
    assert capsys.readouterr().out == f'Downloading: "{url}" to {cached}\n'
    np.testing.assert_array_equal(first["w"].numpy(), second["w"].numpy())


def test_check_hash_uses_the_file_name(served, tmp_path):
    data = torch_bytes({"w": torch.ones(2)})
    good = served(f"/net-{sha256(data)[:8]}.pth", data)
    state = hub.load_state_dict_from_url(good, model_dir=str(tmp_path), check_hash=True,
                                         progress=False)
    np.testing.assert_array_equal(state["w"].numpy(), np.ones(2, np.float32))
    bad = served("/net-deadbeef.pth", data)
    with pytest.raises(RuntimeError, match="invalid hash value"):
        hub.load_state_dict_from_url(bad, model_dir=str(tmp_path), check_hash=True)
    assert not (tmp_path / "net-deadbeef.pth").exists()
    # without check_hash the name's hash is not checked, as in torch
    hub.load_state_dict_from_url(bad, model_dir=str(tmp_path), file_name="renamed.pth")
    assert (tmp_path / "renamed.pth").exists()


def test_ember_saved_state_dict(served, tmp_path):
    model = ember_model()
    buffer = io.BytesIO()
    ember.save(model.state_dict(), buffer)
    url = served("/ember.pth", buffer.getvalue())
    state_dict = hub.load_state_dict_from_url(url, model_dir=str(tmp_path), weights_only=True)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(state_dict[key].numpy(), value.numpy())


def test_legacy_zipped_checkpoint(served, tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("inner.pth", torch_bytes({"w": torch.arange(4)},
                                                 _use_new_zipfile_serialization=False))
    url = served("/old.zip", archive.getvalue())
    with pytest.warns(FutureWarning, match="Falling back to the old format < 1.6"):
        state = hub.load_state_dict_from_url(url, model_dir=str(tmp_path))
    np.testing.assert_array_equal(state["w"].numpy(), np.arange(4))
    assert (tmp_path / "inner.pth").exists()


def test_legacy_zip_with_a_traversing_name_is_refused(served, tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../escape.pth", b"data")
    url = served("/evil.zip", archive.getvalue())
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="directory traversal"):
        hub.load_state_dict_from_url(url, model_dir=str(tmp_path / "models"))
    assert not (tmp_path / "escape.pth").exists()


def test_torch_checkpoint_contents(served, tmp_path):
    values = {"parameter": torch.nn.Parameter(torch.ones(2)),
              "bf16": torch.ones(2, dtype=torch.bfloat16),
              "transposed": torch.arange(6.0).reshape(2, 3).t(),
              "row_of_shared": torch.arange(6.0).reshape(2, 3)[1],
              "scalar": torch.tensor(3.5), "empty": torch.zeros(0, 3),
              "complex": torch.tensor([1 + 2j]), "flags": torch.tensor([True, False]),
              "size": torch.Size([2, 3]), "dtype": torch.float16, "device": torch.device("cpu"),
              "bytes": b"xy", "set": {1, 2}, "number": 1 + 2j, "nested": [(1, "a"), None]}
    url = served("/contents.pth", torch_bytes(values))
    loaded = hub.load_state_dict_from_url(url, model_dir=str(tmp_path))
    assert type(loaded["parameter"]) is ember.nn.Parameter and loaded["parameter"].requires_grad
    assert loaded["bf16"].dtype is ember.bfloat16
    for key in ("transposed", "row_of_shared", "scalar", "empty", "complex", "flags"):
        assert_state_dicts_equal({key: loaded[key]}, {key: values[key]})
    assert loaded["size"] == ember.Size([2, 3]) and loaded["dtype"] is ember.float16
    assert loaded["device"] == ember.device("cpu")
    assert (loaded["bytes"], loaded["set"], loaded["number"], loaded["nested"]) == (
        b"xy", {1, 2}, 1 + 2j, [(1, "a"), None])


@pytest.mark.parametrize("map_location", ["cpu", {"cpu": "cpu"},
                                          lambda storage, location: storage * 2])
def test_map_location(map_location, served, tmp_path):
    url = served("/m.pth", torch_bytes({"w": torch.ones(2)}))
    state = hub.load_state_dict_from_url(url, model_dir=str(tmp_path), map_location=map_location)
    expected = 2.0 if callable(map_location) else 1.0
    np.testing.assert_array_equal(state["w"].numpy(), np.full(2, expected, np.float32))


def test_big_endian_checkpoint(served, tmp_path):
    """torch writes the byte order it saved in; rewrite a little-endian file as big-endian."""
    values = {"float": torch.tensor([1.5, -2.0]), "complex": torch.tensor([1 + 2j, 3 - 4j]),
              "long": torch.tensor([1, 2**40])}
    little = zipfile.ZipFile(io.BytesIO(torch_bytes(values)))
    swapped = io.BytesIO()
    with zipfile.ZipFile(swapped, "w") as big:
        for name in little.namelist():
            data = little.read(name)
            if name.endswith("byteorder"):
                data = b"big"
            elif "/data/" in name and not name.endswith("serialization_id"):
                key = int(name.rsplit("/", 1)[1])
                dtype = [np.float32, np.float32, np.int64][key]  # complex: two float32s each
                data = np.frombuffer(data, dtype).byteswap().tobytes()
            big.writestr(name, data)
    url = served("/big.pth", swapped.getvalue())
    assert_state_dicts_equal(hub.load_state_dict_from_url(url, model_dir=str(tmp_path)), values)


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def test_torch_checkpoint_code_never_runs(served, tmp_path):
    marker = tmp_path / "pwned"
    url = served("/evil.pth", torch_bytes({"w": torch.ones(1), "x": Payload(str(marker))}))
    for weights_only in (False, True):
        with pytest.raises(pickle.UnpicklingError, match="holds posix.mkdir"):
            hub.load_state_dict_from_url(url, model_dir=str(tmp_path), weights_only=weights_only)
    assert not marker.exists()


def test_torch_model_pickle_is_refused(served, tmp_path):
    url = served("/module.pth", torch_bytes(torch.nn.Linear(2, 2)))
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.linear.Linear"):
        hub.load_state_dict_from_url(url, model_dir=str(tmp_path))


def test_tensor_reaching_past_its_storage_is_refused(served, tmp_path):
    original = zipfile.ZipFile(io.BytesIO(torch_bytes({"w": torch.arange(6.0)})))
    cut = io.BytesIO()
    with zipfile.ZipFile(cut, "w") as archive:
        for name in original.namelist():
            data = original.read(name)
            archive.writestr(name, data[:8] if name.endswith("/data/0") else data)
    url = served("/cut.pth", cut.getvalue())
    with pytest.raises(RuntimeError, match=r"reaches past its storage of 2 elements"):
        hub.load_state_dict_from_url(url, model_dir=str(tmp_path))


# ---------------------------------------------------------------------------------------------
# load / list / help: a hubconf.py, local or on GitHub

HUBCONF = '''
"""A tiny hub."""
import helper

dependencies = ["numpy"]


def tiny(width, scale=1.0):
    """A Linear of `width` features."""
    return helper.build(width, scale)


def _internal():
    pass
'''

HELPER = '''
import ember


def build(width, scale):
    layer = ember.nn.Linear(width, width)
    layer.scale = scale
    return layer
'''


def write_repo(directory, hubconf=HUBCONF):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "hubconf.py").write_text(hubconf)
    (directory / "helper.py").write_text(HELPER)
    return directory


@pytest.fixture
def fresh_helper(monkeypatch):
    monkeypatch.delitem(sys.modules, "helper", raising=False)


def test_load_local(tmp_path, fresh_helper):
    model = hub.load(str(write_repo(tmp_path / "repo")), "tiny", 3, source="local", scale=2.0)
    assert isinstance(model, ember.nn.Linear) and model.weight.shape == (3, 3)
    assert model.scale == 2.0
    assert str(tmp_path / "repo") not in sys.path


def test_load_local_errors(tmp_path, fresh_helper):
    repo = str(write_repo(tmp_path / "repo"))
    with pytest.raises(RuntimeError, match="Cannot find callable missing in hubconf"):
        hub.load(repo, "missing", source="LOCAL")
    with pytest.raises(ValueError, match="model should be a string"):
        hub.load(repo, 3, source="local")
    with pytest.raises(ValueError, match='Unknown source: "svn"'):
        hub.load(repo, "tiny", source="svn")
    needy = write_repo(tmp_path / "needy", HUBCONF.replace('["numpy"]', '["numpy", "no_such"]'))
    with pytest.raises(RuntimeError, match="Missing dependencies: no_such"):
        hub.load(str(needy), "tiny", 2, source="local")


def repo_zip(top):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(f"{top}/", b"")
        zipped.writestr(f"{top}/hubconf.py", HUBCONF)
        zipped.writestr(f"{top}/helper.py", HELPER)
    return archive.getvalue()


@pytest.fixture
def github(server, served, hub_dir, monkeypatch, fresh_helper):
    """GitHub's site and API on the local server, holding someone/tinyhub (branch main)."""
    monkeypatch.setattr(hub, "_GITHUB", server.url)
    monkeypatch.setattr(hub, "_GITHUB_API", server.url)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    served("/someone/tinyhub/tree/main/", b"")
    served("/repos/someone/tinyhub/branches?per_page=100&page=1",
           json.dumps([{"name": "main", "commit": {"sha": "abc123"}}]).encode())
    served("/repos/someone/tinyhub/branches?per_page=100&page=2", b"[]")
    served("/repos/someone/tinyhub/tags?per_page=100&page=1", b"[]")
    served("/someone/tinyhub/zipball/main", repo_zip("someone-tinyhub-abc123"))
    return server


def test_github_download_trust_and_cache(github, hub_dir):
    model = hub.load("someone/tinyhub", "tiny", 2, trust_repo=True)
    assert model.weight.shape == (2, 2)
    assert (hub_dir / "someone_tinyhub_main" / "hubconf.py").exists()
    assert (hub_dir / "trusted_list").read_text() == "someone_tinyhub\n"
    assert sorted(os.listdir(hub_dir)) == ["someone_tinyhub_main", "trusted_list"]
    requests = list(github.requests)
    assert "/someone/tinyhub/zipball/main" in requests
    # from the cache now: the ref given, nothing is fetched
    assert hub.list("someone/tinyhub:main") == ["tiny"]
    assert hub.help("someone/tinyhub:main", "tiny") == "A Linear of `width` features."
    assert github.requests == requests


def test_github_untrusted_repository_asks(github, monkeypatch):
    answers = iter(["n", "maybe", "yes"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    with pytest.raises(Exception, match="Untrusted repository."):
        hub.load("someone/tinyhub", "tiny", 2, skip_validation=True)
    with pytest.raises(ValueError, match="Unrecognized response maybe."):
        hub.load("someone/tinyhub", "tiny", 2, skip_validation=True)
    assert hub.load("someone/tinyhub", "tiny", 2, skip_validation=True).weight.shape == (2, 2)
    assert hub.list("someone/tinyhub") == ["tiny"]  # trusted now: no more questions


def test_github_ref_of_a_fork_is_refused(github):
    with pytest.raises(ValueError, match="Cannot find deadbeef in https://github.com/someone/"
                                         "tinyhub"):
        hub.load("someone/tinyhub:deadbeef", "tiny", trust_repo=True)


def test_github_offline_uses_the_cache(github, hub_dir, monkeypatch):
    hub.load("someone/tinyhub", "tiny", 2, trust_repo=True)
    monkeypatch.setattr(hub, "_GITHUB", "http://127.0.0.1:9")  # nothing listens: URLError
    assert hub.list("someone/tinyhub") == ["tiny"]
    with pytest.raises(RuntimeError, match="no internet connection"):
        hub.list("someone/otherhub", trust_repo=True)

"""One way to fetch a pinned npm package, for the vendored front-end files and the gazetteer."""

import io
import json
import subprocess
import sys
import tarfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from scripts import npm
from tests import servers

REPO = Path(__file__).resolve().parents[2]


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def registry(published: dict[str, str], served: bytes, requests: list[str]):
    """A stand-in npm registry: every package's metadata publishes ``published[version]``
    as its integrity, and every tarball is ``served``."""

    class Registry(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            if self.path.endswith(".tgz"):
                body, kind = served, "application/octet-stream"
            else:
                version = self.path.rsplit("/", 1)[-1]
                port = self.server.server_port
                body = json.dumps(
                    {
                        "version": version,
                        "dist": {
                            "integrity": published.get(version, "sha512-bm90IHRoaXM="),
                            "tarball": f"http://127.0.0.1:{port}/t/package.tgz",
                        },
                    }
                ).encode()
                kind = "application/json"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return servers.stand_in(Registry)


def test_a_pinned_package_is_fetched_checked_kept_and_read(tmp_path):
    data = tarball({"package/data/communes.json": b"[]", "package/../escape": b"x"})
    pin = npm.sha512_sri(data)
    requests = []
    with registry({"6.0.0": pin}, data, requests) as port:
        url = f"http://127.0.0.1:{port}/"
        fetched = npm.fetch_tarball("@etalab/d", "6.0.0", pin, registry=url, cache=tmp_path)
        again = npm.fetch_tarball("@etalab/d", "6.0.0", pin, registry=url, cache=tmp_path)
    assert fetched == again == data
    assert requests == ["/@etalab%2Fd/6.0.0", "/t/package.tgz"]  # the second came from the cache
    assert npm.tarball_files(data) == {"data/communes.json": b"[]"}
    assert npm.tarball_file(data, "data/communes.json") == b"[]"


def test_a_tarball_other_than_its_pin_is_refused(tmp_path):
    pin = npm.sha512_sri(b"the pinned one")
    with (
        registry({"1.0.0": pin}, tarball({"package/a": b"tampered"}), []) as port,
        pytest.raises(npm.NpmError, match="has integrity"),
    ):
        npm.fetch_tarball("a", "1.0.0", pin, registry=f"http://127.0.0.1:{port}/")


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "scripts.vendor_static", "--check"],
        ["-m", "gazetteer.build", "--output", "{tmp}/communes.csv", "--cache-dir", "{tmp}"],
    ],
    ids=["vendor_static", "gazetteer"],
)
def test_both_scripts_refuse_a_registry_that_publishes_other_integrities(tmp_path, command):
    requests = []
    with registry({}, b"", requests) as port:
        result = subprocess.run(  # noqa: S603 (our interpreter, our scripts)
            [sys.executable, *(part.format(tmp=tmp_path) for part in command)],
            cwd=REPO,
            env=servers.environment(NPM_CONFIG_REGISTRY=f"http://127.0.0.1:{port}/"),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode != 0
    assert "differs from the pinned sha512-" in result.stderr
    assert "Traceback" not in result.stderr
    assert requests
    assert not any(path.endswith(".tgz") for path in requests)

"""`presswork dist upload` against real servers on 127.0.0.1: Debian's OpenSSH sshd (its own
config, host key and port in a temporary folder) and a pyftpdlib FTPS server (tests/ftps_server.py,
a self-signed certificate trusted through --ca-file). Each server is a process of its own, stopped
by its PID. A delivery arrives whole and checked, a cut connection resumes, and a wrong host key,
a refused login or a full disk is one line with nothing half-written under a file's own name."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from presswork.cli import main
from presswork.distribution import upload

pytestmark = pytest.mark.slow  # real sshd and FTPS servers: many seconds
from presswork.errors import PressworkError

ROOT = Path(__file__).resolve().parent.parent
SSHD = Path("/usr/sbin/sshd")
PASSWORD = "s3cret-intake"  # the FTPS user's; must never show in output or receipt


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's bundle, made by `presswork dist . --out DIR` (as the docs say)."""
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([str(Path(sys.executable).parent / "presswork"), "dist", ".", "--out", str(out), "-q"], cwd=ROOT,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    [folder] = [p for p in out.iterdir() if p.is_dir()]
    return folder


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real command line, as a distributor runs it (HOME private: no ~/.netrc or ~/.ssh of this machine)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("SSH_AUTH_SOCK", upload.PASSWORD_VARIABLE)}
    environment |= env or {}
    return subprocess.run([str(Path(sys.executable).parent / "presswork"), "dist", "upload", *args],
                          capture_output=True, text=True, env=environment, timeout=300, check=False)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            pytest.fail(f"the server ended at once: {process.stderr.read() if process.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing listens on 127.0.0.1:{port}")


def _stop(process: subprocess.Popen) -> None:
    """End a server we started, by its own PID (and sshd's sessions, its children, by theirs)."""
    for pid in _children(process.pid):
        os.kill(pid, signal.SIGKILL)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _children(pid: int) -> list[int]:
    """The processes `pid` started, and theirs (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            child = int(stat.parent.name)
            found += [child, *_children(child)]
    return found


@dataclass
class Sshd:
    process: subprocess.Popen
    port: int
    folder: Path
    known_hosts: Path
    identity: Path

    def url(self, folder: Path | None = None) -> str:
        return f"sftp://root@127.0.0.1:{self.port}{folder or self.folder}"


def _keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    if not SSHD.exists() or not Path("/usr/bin/ssh-keygen").exists():
        pytest.skip("OpenSSH's sshd and ssh-keygen are needed: apt-get install openssh-server openssh-client (make system-deps)")
    if os.geteuid() != 0:
        pytest.skip("sshd as a test server runs as root here (it switches to the logged-in user)")
    home = tmp_path_factory.mktemp("sshd")
    host_key, client_key = _keygen(home / "host_key"), _keygen(home / "client_key")
    (home / "authorized_keys").write_text(Path(f"{client_key}.pub").read_text())
    port = _free_port()
    (home / "sshd_config").write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {home}/sshd.pid
AuthorizedKeysFile {home}/authorized_keys
StrictModes no
PermitRootLogin yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
Subsystem sftp internal-sftp
""")
    known_hosts = home / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {Path(f'{host_key}.pub').read_text()}")
    Path("/run/sshd").mkdir(exist_ok=True)  # the privilege separation folder sshd insists on
    process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(home / "sshd_config")], stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(port, process)
        (home / "incoming").mkdir()
        yield Sshd(process, port, home / "incoming", known_hosts, client_key)
    finally:
        _stop(process)


@dataclass
class Ftps:
    process: subprocess.Popen
    port: int
    folder: Path
    ca_file: Path

    def url(self, user: str = "press") -> str:
        return f"ftps://{user}@127.0.0.1:{self.port}/incoming"


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own authority, so --ca-file trusts it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))  # fmt: skip
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_file, key_file


def _ftps(folder: Path, full_after: int | None = None) -> Iterator[Ftps]:
    cert, key = _certificate(folder)
    root = folder / "root"
    (root / "incoming").mkdir(parents=True)
    extra = ["--full-after", str(full_after)] if full_after is not None else []
    process = subprocess.Popen([sys.executable, str(Path(__file__).parent / "ftps_server.py"), str(root), str(cert), str(key),
                                "press", PASSWORD, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        port = int(process.stdout.readline())
        _wait_for(port, process)
        yield Ftps(process, port, root / "incoming", cert)
    finally:
        _stop(process)


@pytest.fixture
def ftps(tmp_path: Path) -> Iterator[Ftps]:
    yield from _ftps(tmp_path)


@pytest.fixture
def full_ftps(tmp_path: Path) -> Iterator[Ftps]:
    """A server whose disk is full after 1,000,000 bytes: the sample's bundle is about 3.7 MB."""
    yield from _ftps(tmp_path, full_after=1_000_000)


def _manifest(bundle: Path) -> dict[str, str]:
    files = {e["file"]: e["sha256"] for e in json.loads((bundle / "manifest.json").read_text())["files"]}
    return files | {n: hashlib.sha256((bundle / n).read_bytes()).hexdigest() for n in ("manifest.json", "checksums.sha256")}


def _server_files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _receipts(bundle: Path) -> list[Path]:
    return sorted(bundle.parent.glob("upload-*.json"))


def _clear(folder: Path) -> None:
    for p in folder.iterdir():
        p.unlink()


def _sftp_args(server: Sshd, bundle: Path, *extra: str) -> list[str]:
    return [str(bundle), "--to", server.url(), "--known-hosts", str(server.known_hosts), "--identity", str(server.identity), *extra]


def test_sftp_delivers_the_bundle_checked_with_a_receipt(sshd: Sshd, bundle: Path, tmp_path: Path) -> None:
    _clear(sshd.folder)
    before = set(_receipts(bundle))
    result = _run(*_sftp_args(sshd, bundle), env={"HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert _server_files(sshd.folder) == _manifest(bundle)  # every file, whole, and no .part left
    [receipt] = set(_receipts(bundle)) - before
    data = json.loads(receipt.read_text())
    assert data["server"] == f"sftp://root@127.0.0.1:{sshd.port}{sshd.folder}"
    assert {f["file"]: f["sha256"] for f in data["files"]} == _manifest(bundle)
    assert {f["file"]: f["bytes"] for f in data["files"]} == {p.name: p.stat().st_size for p in bundle.iterdir()}
    assert "9780000000002.azw3: 50%" in result.stderr and "SHA-256 checked" in result.stderr
    names = [f["file"] for f in data["files"]]
    assert names.index("9780000000002.epub") < names.index("9780000000002_onix.xml") < names.index("manifest.json")


def test_ftps_delivers_the_bundle_and_never_shows_the_password(ftps: Ftps, bundle: Path, tmp_path: Path) -> None:
    before = set(_receipts(bundle))
    result = _run(str(bundle), "--to", ftps.url(), "--ca-file", str(ftps.ca_file),
                  env={"HOME": str(tmp_path), upload.PASSWORD_VARIABLE: PASSWORD})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _server_files(ftps.folder) == _manifest(bundle)
    [receipt] = set(_receipts(bundle)) - before
    assert {f["file"]: f["sha256"] for f in json.loads(receipt.read_text())["files"]} == _manifest(bundle)
    assert PASSWORD not in result.stderr + result.stdout + receipt.read_text()


def test_the_password_comes_from_netrc(ftps: Ftps, bundle: Path, tmp_path: Path) -> None:
    (tmp_path / ".netrc").write_text(f"machine 127.0.0.1 login press password {PASSWORD}\n")
    (tmp_path / ".netrc").chmod(0o600)
    result = _run(str(bundle), "--to", f"ftps://127.0.0.1:{ftps.port}/incoming", "--ca-file", str(ftps.ca_file), "-q",
                  env={"HOME": str(tmp_path)})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and _server_files(ftps.folder) == _manifest(bundle)


class _CutAfter:
    """The local file as a transport reads it, where `cut` runs once `after` bytes of `name` have gone."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str, after: int, cut) -> None:
        self.fired, self.at = False, 0  # `at`: the bytes read when the cut came
        real = upload.local_reader

        def reader(path: Path, offset: int):
            handle = real(path, offset)
            if path.name != name or self.fired:
                return handle
            outer, sent = self, [offset]

            class Cut:
                def read(self, n: int = -1) -> bytes:
                    if sent[0] >= after and not outer.fired:
                        outer.fired, outer.at = True, sent[0]  # read in whole chunks: the cut comes at or after `after`
                        cut()
                    chunk = handle.read(n)
                    sent[0] += len(chunk)
                    return chunk

                def __enter__(self):
                    return self

                def __exit__(self, *exc) -> None:
                    handle.close()

            return Cut()

        monkeypatch.setattr(upload, "local_reader", reader)


def _delivery(target: str, connect, said: list[str], retries: int) -> upload.Delivery:
    return upload.Delivery(upload.parse_target(target, False), connect, said.append, retries, backoff=0.05)


def test_sftp_resumes_after_the_connection_is_killed(sshd: Sshd, bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sshd's session is killed (SIGKILL, by its PID) 300 kB into the AZW3: the run stops with the
    partial file under its temporary name only; the next run goes on from the partial's size."""
    _clear(sshd.folder)

    def kill_session() -> None:
        time.sleep(0.5)  # what was sent reaches the server's disk, as on a link that dies mid-file
        for pid in _children(sshd.process.pid):
            os.kill(pid, signal.SIGKILL)

    cut = _CutAfter(monkeypatch, "9780000000002.azw3", 300_000, kill_session)
    target = upload.parse_target(sshd.url(), False)
    connect = upload.connector(target, sshd.known_hosts, sshd.identity, None)
    said: list[str] = []
    with pytest.raises(PressworkError, match="connection was lost"):
        _delivery(sshd.url(), connect, said, retries=0).upload(bundle)
    assert cut.fired
    [partial] = [p for p in sshd.folder.iterdir() if p.name.startswith(".9780000000002.azw3.part-")]
    assert 0 < partial.stat().st_size < (bundle / "9780000000002.azw3").stat().st_size
    assert "9780000000002.azw3" not in _server_files(sshd.folder)
    kept = partial.stat().st_size
    _delivery(sshd.url(), connect, said, retries=0).upload(bundle)
    assert f"9780000000002.azw3: resuming at {kept:,} of {(bundle / '9780000000002.azw3').stat().st_size:,} bytes" in said
    assert _server_files(sshd.folder) == _manifest(bundle)


def test_ftps_retries_a_cut_transfer_and_resumes_it_with_rest(ftps: Ftps, bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data connection drops 400 kB into the EPUB; the same run waits, reconnects and sends
    the rest after REST (from what the server kept: what it had read off the cut connection)."""

    def cut() -> None:
        raise ConnectionResetError("connection reset by the test")

    cutter = _CutAfter(monkeypatch, "9780000000002.epub", 400_000, cut)
    monkeypatch.setenv(upload.PASSWORD_VARIABLE, PASSWORD)
    target = upload.parse_target(ftps.url(), False)
    said: list[str] = []
    _delivery(ftps.url(), upload.connector(target, Path("/nonexistent"), None, ftps.ca_file), said, retries=2).upload(bundle)
    assert any("trying again in 0.05 s" in line for line in said)
    [resumed] = [line for line in said if line.startswith("9780000000002.epub: resuming at ")]
    assert 0 < int(resumed.split()[3].replace(",", "")) <= cutter.at  # never past what was sent
    assert _server_files(ftps.folder) == _manifest(bundle)


def test_a_wrong_host_key_stops_before_login(sshd: Sshd, bundle: Path, tmp_path: Path) -> None:
    _clear(sshd.folder)
    other = _keygen(tmp_path / "other")
    wrong = tmp_path / "known_hosts"
    wrong.write_text(f"[127.0.0.1]:{sshd.port} {Path(f'{other}.pub').read_text()}")
    result = _run(*_sftp_args(sshd, bundle, "--known-hosts", str(wrong)), env={"HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "host key is not the one in" in result.stderr
    assert list(sshd.folder.iterdir()) == []


def test_an_unknown_host_is_never_accepted(sshd: Sshd, bundle: Path, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    result = _run(*_sftp_args(sshd, bundle, "--known-hosts", str(empty)), env={"HOME": str(tmp_path)})
    assert result.returncode == 1 and f"[127.0.0.1]:{sshd.port} is not in {empty}" in result.stderr
    assert empty.read_text() == ""  # nothing added to it


def test_sftp_refuses_a_key_the_server_does_not_know(sshd: Sshd, bundle: Path, tmp_path: Path) -> None:
    _clear(sshd.folder)
    stranger = _keygen(tmp_path / "stranger")
    result = _run(*_sftp_args(sshd, bundle, "--identity", str(stranger)), env={"HOME": str(tmp_path)})
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "the server refused the login of root" in result.stderr
    assert list(sshd.folder.iterdir()) == []


def test_ftps_refuses_a_wrong_password_in_one_line(ftps: Ftps, bundle: Path, tmp_path: Path) -> None:
    result = _run(str(bundle), "--to", ftps.url(), "--ca-file", str(ftps.ca_file),
                  env={"HOME": str(tmp_path), upload.PASSWORD_VARIABLE: "wrong-one"})  # fmt: skip
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "refused the login (530" in result.stderr and "wrong-one" not in result.stderr
    assert list(ftps.folder.iterdir()) == []


def test_ftps_checks_the_certificate(ftps: Ftps, bundle: Path, tmp_path: Path) -> None:
    result = _run(str(bundle), "--to", ftps.url(), env={"HOME": str(tmp_path), upload.PASSWORD_VARIABLE: PASSWORD})
    assert result.returncode == 1 and "certificate is not trusted" in result.stderr
    assert list(ftps.folder.iterdir()) == []


def test_a_full_ftps_disk_stops_with_nothing_half_written(full_ftps: Ftps, bundle: Path, tmp_path: Path) -> None:
    result = _run(str(bundle), "--to", full_ftps.url(), "--ca-file", str(full_ftps.ca_file),
                  env={"HOME": str(tmp_path), upload.PASSWORD_VARIABLE: PASSWORD})  # fmt: skip
    assert result.returncode == 1, result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("error: ") and "the server has no room" in last and "No space left" in last
    arrived = _server_files(full_ftps.folder)
    assert arrived and all(not n.startswith(".") for n in arrived)  # the partial removed
    assert all(_manifest(bundle)[n] == digest for n, digest in arrived.items())  # what has its name is whole
    assert len(arrived) < len(_manifest(bundle))


def test_a_full_sftp_disk_stops_with_nothing_half_written(sshd: Sshd, bundle: Path, tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(small)], capture_output=True, check=False)
    if mounted.returncode:
        pytest.skip(f"a 1 MB tmpfs cannot be mounted here ({mounted.stderr.decode().strip()}): no full disk for sshd")
    try:
        result = _run(*_sftp_args(sshd, bundle), "--to", sshd.url(small), env={"HOME": str(tmp_path)})
        assert result.returncode == 1, result.stderr
        assert "its disk is full" in result.stderr.splitlines()[-1] and "trying again" not in result.stderr
        arrived = _server_files(small)
        assert arrived and all(not n.startswith(".") for n in arrived)
        assert all(_manifest(bundle)[n] == digest for n, digest in arrived.items())
    finally:
        subprocess.run(["umount", str(small)], check=False)


def test_dry_run_lists_what_would_go_where_and_connects_to_nothing(bundle: Path, tmp_path: Path) -> None:
    port = _free_port()  # nobody listens there
    result = _run(str(bundle), "--to", f"sftp://press@127.0.0.1:{port}/incoming", "--dry-run", env={"HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(_manifest(bundle))
    assert f"9780000000002.epub ({(bundle / '9780000000002.epub').stat().st_size:,} bytes) -> " \
           f"sftp://press@127.0.0.1:{port}/incoming/9780000000002.epub" in lines  # fmt: skip


@pytest.mark.parametrize(("url", "extra", "message"), [
    ("sftp://press:hunter2@intake.example.com/in", [], "the URL holds a password"),
    ("ftp://press@intake.example.com/in", [], "plain FTP sends the password"),
    ("https://intake.example.com/in", [], "presswork uploads to sftp:// or ftps://"),
])  # fmt: skip
def test_unsafe_targets_are_refused(bundle: Path, tmp_path: Path, url: str, extra: list[str], message: str) -> None:
    result = _run(str(bundle), "--to", url, "--dry-run", *extra, env={"HOME": str(tmp_path)})
    assert result.returncode == 1 and message in result.stderr and "hunter2" not in result.stderr


def test_plain_ftp_is_allowed_when_the_flag_says_it_is_insecure(bundle: Path, tmp_path: Path) -> None:
    result = _run(str(bundle), "--to", "ftp://press@intake.example.com/in", "--insecure-ftp", "--dry-run", env={"HOME": str(tmp_path)})
    assert result.returncode == 0 and "ftp://press@intake.example.com:21/in/manifest.json" in result.stdout


def test_only_a_bundle_presswork_made_is_sent(bundle: Path, tmp_path: Path) -> None:
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "book.epub").write_bytes(b"PK")
    result = _run(str(tmp_path / "stuff"), "--to", "sftp://press@intake.example.com/in", "--dry-run", env={"HOME": str(tmp_path)})
    assert result.returncode == 1 and "not a bundle presswork made" in result.stderr


@pytest.mark.parametrize("forged", [{"sha256": None}, {"role": None}, {"bytes": "12"}])
def test_a_bundle_whose_manifest_entries_are_forged_is_not_sent(bundle: Path, tmp_path: Path, forged: dict) -> None:
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][0] = {key: value for key, value in (manifest["files"][0] | forged).items() if value is not None}
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = _run(str(copy), "--to", "sftp://press@intake.example.com/in", "--dry-run", env={"HOME": str(tmp_path)})
    assert result.returncode == 1 and "not a bundle presswork made" in result.stderr, result.stderr
    assert "internal error" not in result.stderr


def test_dist_still_takes_a_book_folder_and_upload_is_its_subcommand(tmp_path: Path) -> None:
    """`presswork dist BOOK_DIR` makes a bundle (test_dist.py builds one); a first word `upload`
    is the subcommand, and a book folder named so is given as ./upload."""
    runner = CliRunner()
    assert "Usage: main dist upload [OPTIONS] BUNDLE" in runner.invoke(main, ["dist", "upload", "--help"]).output
    assert "[BOOK_DIR] | upload BUNDLE" in runner.invoke(main, ["dist", "--help"]).output
    result = runner.invoke(main, ["dist", str(tmp_path / "no-such-book")])
    assert result.exit_code == 2 and "does not exist" in result.output

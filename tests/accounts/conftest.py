"""A real directory: Debian's OpenLDAP server (slapd), started for the test session on a
spare loopback port, as whoever runs the tests, in a temporary folder; stopped at the end.
Each pytest-xdist worker starts its own. Missing slapd skips the tests that need it, or
fails them when DONDOC_REQUIRE_LDAP=1 (CI)."""

import base64
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SLAPD = Path(os.environ.get("SLAPD_PATH", "/usr/sbin/slapd"))
SCHEMAS = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
SUFFIX = "dc=dondoc,dc=test"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "chi-de-kiem-thu"  # the throwaway server's own, never a real secret

# The people of the directory: uid → (cn, givenName, sn, mail, password).
PEOPLE_ENTRIES = {
    "nguyenvana": ("Nguyễn Văn An", "An", "Nguyễn Văn", "an.nv@dondoc.test", "mat-khau-An-1"),
    "tranthib": ("Trần Thị Bình", "Bình", "Trần Thị", "binh.tt@dondoc.test", "mat-khau-Binh-2"),
    "phamvanc": ("Phạm Văn Cường", "Cường", "Phạm Văn", "cuong.pv@dondoc.test", "mat-khau-C-3"),
}
# The groups (groupOfNames): cn → members' uids. phamvanc is in none.
GROUP_ENTRIES = {
    "bao-cao-xa-a": ["nguyenvana", "tranthib"],
    "lanh-dao": ["tranthib"],
    "khong-anh-xa": ["nguyenvana"],  # in no role map
}


def person_dn(uid: str) -> str:
    return f"uid={uid},{PEOPLE}"


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


def _ldif(entries: list[list[tuple[str, str]]]) -> str:
    """LDIF text; a value that is not plain ASCII is written base64 (RFC 2849)."""
    blocks = []
    for entry in entries:
        lines = []
        for name, value in entry:
            if value.isascii() and not value.startswith((" ", ":", "<")):
                lines.append(f"{name}: {value}")
            else:
                lines.append(f"{name}:: {base64.b64encode(value.encode()).decode()}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


@dataclass
class Directory:
    uri: str
    ca_file: Path | None  # the certificate StartTLS shows (self-signed), if openssl made one
    folder: Path

    def _tool(self, tool: str, ldif: str) -> None:
        result = subprocess.run(
            [tool, "-x", "-H", self.uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
            input=ldif,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 0, f"{tool}: {result.stderr}"

    def add(self, ldif: str) -> None:
        self._tool("ldapadd", ldif)

    def modify(self, ldif: str) -> None:
        self._tool("ldapmodify", ldif)

    def group_member_remove(self, cn: str, uid: str) -> None:
        self.modify(
            f"dn: {group_dn(cn)}\nchangetype: modify\ndelete: member\nmember: {person_dn(uid)}\n"
        )

    def group_member_add(self, cn: str, uid: str) -> None:
        self.modify(
            f"dn: {group_dn(cn)}\nchangetype: modify\nadd: member\nmember: {person_dn(uid)}\n"
        )


def _missing() -> str | None:
    if not SLAPD.exists():
        return f"Không có slapd ở {SLAPD} (apt-get install slapd ldap-utils)"
    for tool in ("ldapadd", "ldapmodify", "ldapsearch", "slappasswd"):
        if shutil.which(tool) is None:
            return f"Không có {tool} (apt-get install slapd ldap-utils)"
    if not (SCHEMAS / "inetorgperson.schema").exists():
        return f"Không có lược đồ LDAP ở {SCHEMAS}"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _certificate(folder: Path) -> Path | None:
    """A self-signed certificate for 127.0.0.1 (it is its own CA), or None without
    openssl."""
    if shutil.which("openssl") is None:
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
    subprocess.run(
        [
            *command.split(),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert


def _config(folder: Path, cert: Path | None) -> Path:
    database = folder / "db"
    database.mkdir()
    lines = [
        *(f"include {SCHEMAS / name}.schema" for name in ("core", "cosine", "inetorgperson")),
        f"modulepath {MODULES}",
        "moduleload back_mdb",
        f"pidfile {folder / 'slapd.pid'}",
    ]
    if cert is not None:
        lines += [
            f"TLSCACertificateFile {cert}",
            f"TLSCertificateFile {cert}",
            f"TLSCertificateKeyFile {folder / 'key.pem'}",
        ]
    lines += [
        "database mdb",
        "maxsize 10485760",
        f'suffix "{SUFFIX}"',
        f'rootdn "{ROOT_DN}"',
        f"rootpw {ROOT_PASSWORD}",
        f"directory {database}",
        "index objectClass,uid,member eq",
    ]
    config = folder / "slapd.conf"
    config.write_text("\n".join(lines) + "\n")
    return config


def _answers(uri: str) -> bool:
    result = subprocess.run(
        ["ldapsearch", "-x", "-H", uri, "-s", "base", "-b", "", "namingContexts"],
        capture_output=True,
        timeout=10,
    )
    return result.returncode == 0


def _start(folder: Path, config: Path) -> tuple[subprocess.Popen, str]:
    """slapd on a spare port, once it answers; a port taken meanwhile is tried again."""
    log_path = folder / "slapd.log"
    for _attempt in range(5):
        uri = f"ldap://127.0.0.1:{_free_port()}/"
        with log_path.open("ab") as log:
            # -d 0: stays in the foreground (so it is ours to stop), logs nothing but errors.
            process = subprocess.Popen(
                [str(SLAPD), "-f", str(config), "-h", uri, "-d", "0"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(uri):
                return process, uri
            time.sleep(0.1)
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
    pytest.fail(f"slapd không khởi động được: {log_path.read_text(errors='replace')[-2000:]}")


def _hash(password: str) -> str:
    return subprocess.run(
        ["slappasswd", "-s", password], capture_output=True, text=True, check=True
    ).stdout.strip()


def _entries() -> str:
    entries = [
        [
            ("dn", SUFFIX),
            ("objectClass", "dcObject"),
            ("objectClass", "organization"),
            ("dc", "dondoc"),
            ("o", "Đôn đốc (kiểm thử)"),
        ],
        [("dn", PEOPLE), ("objectClass", "organizationalUnit"), ("ou", "people")],
        [("dn", GROUPS), ("objectClass", "organizationalUnit"), ("ou", "groups")],
    ]
    for uid, (cn, given, sn, mail, password) in PEOPLE_ENTRIES.items():
        entries.append(
            [
                ("dn", person_dn(uid)),
                ("objectClass", "inetOrgPerson"),
                ("uid", uid),
                ("cn", cn),
                ("givenName", given),
                ("sn", sn),
                ("mail", mail),
                ("userPassword", _hash(password)),
            ]
        )
    for cn, members in GROUP_ENTRIES.items():
        entries.append(
            [
                ("dn", group_dn(cn)),
                ("objectClass", "groupOfNames"),
                ("cn", cn),
                *(("member", person_dn(uid)) for uid in members),
            ]
        )
    return _ldif(entries)


@pytest.fixture(scope="session")
def directory(tmp_path_factory) -> Iterator[Directory]:
    """The directory, loaded with PEOPLE_ENTRIES and GROUP_ENTRIES. A test that changes
    it puts it back as it was."""
    if reason := _missing():
        if os.environ.get("DONDOC_REQUIRE_LDAP", "") not in ("", "0"):
            pytest.fail(f"{reason} (DONDOC_REQUIRE_LDAP=1)")
        pytest.skip(f"{reason}: bỏ qua.")
    folder = tmp_path_factory.mktemp("slapd")
    cert = _certificate(folder)
    process, uri = _start(folder, _config(folder, cert))
    try:
        found = Directory(uri=uri, ca_file=cert, folder=folder)
        found.add(_entries())
        yield found
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

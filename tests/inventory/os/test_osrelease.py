"""OS detection: os-release of each family, the fallback release files, malformed input."""

from __future__ import annotations

import pytest

from garrison.inventory.os.osrelease import OS_FILES, OsInfo, detect, parse_os_release

DEBIAN_12 = """\
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
"""
DEBIAN_TESTING = """\
PRETTY_NAME="Debian GNU/Linux trixie/sid"
NAME="Debian GNU/Linux"
VERSION_CODENAME=trixie
ID=debian
"""
DEBIAN_SID = 'PRETTY_NAME="Debian GNU/Linux sid"\nNAME="Debian GNU/Linux"\nID=debian\n'
UBUNTU_2204 = """\
PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=jammy
"""
UBUNTU_2310 = """\
PRETTY_NAME="Ubuntu 23.10"
NAME="Ubuntu"
VERSION_ID="23.10"
VERSION="23.10 (Mantic Minotaur)"
VERSION_CODENAME=mantic
ID=ubuntu
ID_LIKE=debian
"""
ALPINE_319 = """\
NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.19.1
PRETTY_NAME="Alpine Linux v3.19"
HOME_URL="https://alpinelinux.org/"
"""
RHEL_9 = """\
NAME="Red Hat Enterprise Linux"
VERSION="9.3 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
"""
ROCKY_9 = 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n'  # noqa: E501
ALMA_8 = 'NAME="AlmaLinux"\nVERSION="8.9 (Midnight Oncilla)"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.9"\nPRETTY_NAME="AlmaLinux 8.9 (Midnight Oncilla)"\n'  # noqa: E501
SLES_15 = 'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\nID="sles"\nID_LIKE="suse"\n'  # noqa: E501
LEAP_155 = 'NAME="openSUSE Leap"\nVERSION="15.5"\nID="opensuse-leap"\nID_LIKE="suse opensuse"\nVERSION_ID="15.5"\nPRETTY_NAME="openSUSE Leap 15.5"\n'  # noqa: E501
TUMBLEWEED = 'NAME="openSUSE Tumbleweed"\nID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\nVERSION_ID="20240801"\nPRETTY_NAME="openSUSE Tumbleweed"\n'  # noqa: E501
WOLFI = 'ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="Wolfi"\nVERSION_ID="20230201"\n'
CHAINGUARD = 'ID=chainguard\nNAME="Chainguard"\nPRETTY_NAME="Chainguard"\n'
FEDORA_39 = 'NAME="Fedora Linux"\nVERSION="39 (Container Image)"\nID=fedora\nVERSION_ID=39\nPRETTY_NAME="Fedora Linux 39 (Container Image)"\n'  # noqa: E501
AMAZON_2023 = 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPRETTY_NAME="Amazon Linux 2023.3.20240131"\n'  # noqa: E501
PHOTON_5 = 'NAME="VMware Photon OS"\nVERSION="5.0"\nID=photon\nVERSION_ID=5.0\nPRETTY_NAME="VMware Photon OS/Linux"\n'  # noqa: E501


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DEBIAN_12, ("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)", "Debian:12")),
        (DEBIAN_TESTING, ("debian", None, "trixie", "Debian GNU/Linux trixie/sid", "Debian:13")),
        (DEBIAN_SID, ("debian", None, None, "Debian GNU/Linux sid", "Debian")),
        (UBUNTU_2204, ("ubuntu", "22.04", "jammy", "Ubuntu 22.04.4 LTS", "Ubuntu:22.04:LTS")),
        (UBUNTU_2310, ("ubuntu", "23.10", "mantic", "Ubuntu 23.10", "Ubuntu:23.10")),
        (ALPINE_319, ("alpine", "3.19.1", None, "Alpine Linux v3.19", "Alpine:v3.19")),
        (
            RHEL_9,
            (
                "rhel",
                "9.3",
                None,
                "Red Hat Enterprise Linux 9.3 (Plow)",
                "Red Hat:enterprise_linux:9",
            ),
        ),
        (ROCKY_9, ("rocky", "9.3", None, "Rocky Linux 9.3 (Blue Onyx)", "Rocky Linux:9")),
        (ALMA_8, ("almalinux", "8.9", None, "AlmaLinux 8.9 (Midnight Oncilla)", "AlmaLinux:8")),
        (
            SLES_15,
            (
                "sles",
                "15.5",
                None,
                "SUSE Linux Enterprise Server 15 SP5",
                "SUSE:Linux Enterprise Server 15 SP5",
            ),
        ),
        (LEAP_155, ("opensuse-leap", "15.5", None, "openSUSE Leap 15.5", "openSUSE:Leap 15.5")),
        (
            TUMBLEWEED,
            ("opensuse-tumbleweed", "20240801", None, "openSUSE Tumbleweed", "openSUSE:Tumbleweed"),
        ),
        (WOLFI, ("wolfi", "20230201", None, "Wolfi", "Wolfi")),
        (CHAINGUARD, ("chainguard", None, None, "Chainguard", "Chainguard")),
        (FEDORA_39, ("fedora", "39", None, "Fedora Linux 39 (Container Image)", None)),
        (AMAZON_2023, ("amzn", "2023", None, "Amazon Linux 2023.3.20240131", None)),
        (PHOTON_5, ("photon", "5.0", None, "VMware Photon OS/Linux", "Photon OS:5.0")),
    ],
)
def test_os_release(text: str, expected: tuple[str, ...]) -> None:
    info = detect({"etc/os-release": text.encode()})
    assert info is not None
    assert (info.id, info.version_id, info.codename, info.pretty_name, info.ecosystem) == expected
    assert info.source == "etc/os-release"


def test_id_like_and_label() -> None:
    info = detect({"usr/lib/os-release": UBUNTU_2204.encode()})
    assert info == OsInfo(
        "ubuntu",
        "22.04",
        "jammy",
        "Ubuntu 22.04.4 LTS",
        "Ubuntu:22.04:LTS",
        ("debian",),
        "usr/lib/os-release",
    )
    assert info.label == "Ubuntu 22.04.4 LTS"


def test_lts_without_lts_in_the_text_follows_the_april_even_year_rule() -> None:
    info = detect({"etc/os-release": b"ID=ubuntu\nVERSION_ID=24.04\n"})
    assert info is not None and info.ecosystem == "Ubuntu:24.04:LTS"
    assert info.pretty_name == "ubuntu"


def test_etc_os_release_wins_over_usr_lib() -> None:
    files = {"/etc/os-release": DEBIAN_12.encode(), "usr/lib/os-release": ALPINE_319.encode()}
    info = detect(files)
    assert info is not None and (info.id, info.source) == ("debian", "etc/os-release")


def test_os_release_without_id_falls_back_to_release_files() -> None:
    files = {"etc/os-release": b'NAME="Something"\n', "etc/alpine-release": b"3.18.6\n"}
    info = detect(files)
    assert info == OsInfo(
        "alpine", "3.18.6", None, "Alpine Linux v3.18", "Alpine:v3.18", (), "etc/alpine-release"
    )


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("etc/debian_version", "12.5\n", ("debian", "12", None, "Debian:12")),
        ("etc/debian_version", "bookworm/sid\n", ("debian", None, "bookworm", "Debian:12")),
        (
            "etc/redhat-release",
            "Red Hat Enterprise Linux release 8.9 (Ootpa)\n",
            ("rhel", "8.9", None, "Red Hat:enterprise_linux:8"),
        ),
        (
            "etc/centos-release",
            "CentOS Linux release 7.9.2009 (Core)\n",
            ("centos", "7.9.2009", None, None),
        ),
        (
            "etc/rocky-release",
            "Rocky Linux release 8.9 (Green Obsidian)\n",
            ("rocky", "8.9", None, "Rocky Linux:8"),
        ),
        (
            "etc/almalinux-release",
            "AlmaLinux release 9.3 (Shamrock Pampas Cat)\n",
            ("almalinux", "9.3", None, "AlmaLinux:9"),
        ),
        ("etc/redhat-release", "Fedora release 39 (Thirty Nine)\n", ("fedora", "39", None, None)),
    ],
)
def test_release_files(path: str, text: str, expected: tuple[str | None, ...]) -> None:
    info = detect({path: text.encode()})
    assert info is not None
    assert (info.id, info.version_id, info.codename, info.ecosystem) == expected
    assert info.source == path


def test_specific_release_file_wins_over_redhat_release() -> None:
    files = {
        "etc/redhat-release": b"Rocky Linux release 9.3 (Blue Onyx)\n",
        "etc/centos-release": b"CentOS Stream release 9\n",
    }
    info = detect(files)
    assert info is not None and (info.id, info.source) == ("centos", "etc/centos-release")


def test_nothing_to_detect() -> None:
    assert detect({}) is None
    assert detect({"etc/os-release": b""}) is None
    assert detect({"etc/redhat-release": b"something else entirely\n"}) is None
    assert detect({"etc/hostname": b"box\n"}) is None


def test_parse_os_release_quoting_and_junk() -> None:
    text = (
        b"# a comment\n"
        b'NAME="Quoted \\"name\\" \\$HOME"\n'
        b"ID='single'\n"
        b"garbage line without equals\n"
        b"BAD KEY=1\n"
        b"VERSION_ID=1\n"
        b"VERSION_ID=2\n"
        b"\xff\xfe=binary\n"
    )
    assert parse_os_release(text) == {
        "NAME": 'Quoted "name" $HOME',
        "ID": "single",
        "VERSION_ID": "1",
    }


def test_binary_junk_is_not_an_os() -> None:
    junk = bytes(range(256)) * 64
    assert detect({"etc/os-release": junk, "etc/redhat-release": junk}) is None


def test_os_files_lists_every_path_detect_reads() -> None:
    assert {
        "etc/os-release",
        "usr/lib/os-release",
        "etc/alpine-release",
        "etc/debian_version",
        "etc/redhat-release",
        "etc/centos-release",
        "etc/rocky-release",
        "etc/almalinux-release",
    } == OS_FILES

"""The purls OS readers write name what the components are, read back through sbom.purls."""

from __future__ import annotations

from garrison import ecosystems
from garrison.inventory.os import apk, dpkg, rpm
from garrison.inventory.readers.base import ReadResult, SourceFile
from garrison.sbom.purls import identify
from tests.inventory.os import rpmbuild
from tests.inventory.os.helpers import ALPINE_319, DEBIAN_12, RHEL_9, UBUNTU_2204, data_source


def _results() -> list[ReadResult]:
    status = data_source("debian12", "var", "lib", "dpkg", "status")
    installed = data_source("alpine319", "lib", "apk", "db", "installed")
    blobs = [rpmbuild.package("openssl-libs", "3.0.7", "27.el9", epoch=1)]
    database = SourceFile("var/lib/rpm/rpmdb.sqlite", rpmbuild.sqlite_db(blobs))
    return [
        dpkg.read_dpkg(status, DEBIAN_12),
        dpkg.read_dpkg(status, UBUNTU_2204),
        apk.read_apk(installed, ALPINE_319),
        rpm.read_rpm(database, RHEL_9),
    ]


def test_purls_identify_as_the_component() -> None:
    for result in _results():
        for component in result.components:
            assert component.purl is not None
            identity = identify(component.purl)
            base, release = ecosystems.split(component.ecosystem)
            found_base, found_release = ecosystems.split(identity.ecosystem)
            assert (found_base, identity.name, identity.version) == (
                base,
                component.name,
                component.version,
            )
            assert ecosystems.same_release(release, found_release), component.purl

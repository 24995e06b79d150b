"""The top-down layer merge: whiteouts, opaque directories, replacements, links, limits."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath

import pytest

from garrison.errors import ImageError
from garrison.image.layers import LayerMerge, normalise, resolve, walk_image
from garrison.image.model import Image, ImageFile, Selector
from garrison.image.sources import open_image
from garrison.model import Gap, ScanWarning
from tests.support.oci_builder import (
    ImageSpec,
    LayerSpec,
    directory,
    file,
    hardlink,
    opaque,
    symlink,
    tar_bytes,
    whiteout,
    write_layout,
)

Row = tuple[str, bytes, int]


def _everything(path: PurePosixPath, executable: bool, head: bytes, size: int) -> bool:
    return True


@contextmanager
def opened(tmp_path: Path, *layers: LayerSpec) -> Iterator[Image]:
    image = open_image(write_layout(tmp_path / "image", ImageSpec(layers)).path)
    try:
        yield image
    finally:
        image.cleanup()


def _walk(
    tmp_path: Path, *layers: LayerSpec, select: Selector = _everything, **limits: int
) -> tuple[list[Row], list[ScanWarning]]:
    files: list[Row] = []
    warnings: list[ScanWarning] = []
    with opened(tmp_path, *layers) as image:
        for item in walk_image(image, select, **limits):
            if isinstance(item, ImageFile):
                files.append((str(item.path), item.data, item.layer_index))
            else:
                warnings.append(item)
    return files, warnings


def test_a_whiteout_deletes_and_a_higher_layer_upgrades(tmp_path: Path) -> None:
    base = LayerSpec([directory("etc"), file("etc/keep", "k0"), file("etc/gone", "g0"),
                      file("usr/lib/libz.so", "z1.2")])  # fmt: skip
    delete = LayerSpec([whiteout("etc/gone"), file("etc/new", "n1")])
    upgrade = LayerSpec([file("usr/lib/libz.so", "z1.3")])
    files, warnings = _walk(tmp_path, base, delete, upgrade)
    assert files == [("usr/lib/libz.so", b"z1.3", 2), ("etc/new", b"n1", 1), ("etc/keep", b"k0", 0)]
    assert warnings == []


def test_whiteouts_apply_to_lower_layers_only(tmp_path: Path) -> None:
    base = LayerSpec([file("a/old", "o"), file("b", "b0")])
    again = LayerSpec([whiteout("a"), file("a/new", "n"), file("b", "b1"), whiteout("b")])
    files, _ = _walk(tmp_path, base, again)
    assert files == [("a/new", b"n", 1), ("b", b"b1", 1)]


def test_an_opaque_directory_hides_lower_content(tmp_path: Path) -> None:
    base = LayerSpec([file("app/old.py", "o"), file("app/sub/x", "x"), file("other", "y")])
    rebuilt = LayerSpec([directory("app"), opaque("app"), file("app/new.py", "n")])
    files, _ = _walk(tmp_path, base, rebuilt)
    assert files == [("app/new.py", b"n", 1), ("other", b"y", 0)]


def test_root_level_whiteouts_and_an_opaque_root(tmp_path: Path) -> None:
    base = LayerSpec([file("a", "a"), file("b/c", "c")])
    middle = LayerSpec([whiteout("a"), file("m", "m")])
    assert _walk(tmp_path, base, middle)[0] == [("m", b"m", 1), ("b/c", b"c", 0)]
    top = LayerSpec([file(".wh..wh..opq"), file("t", "t")])
    assert _walk(tmp_path / "2", base, middle, top)[0] == [("t", b"t", 2)]


def test_a_file_replaced_by_a_directory_and_back(tmp_path: Path) -> None:
    base = LayerSpec([file("x", "file x"), directory("y"), file("y/inside", "i"), file("z/q", "q")])
    swap = LayerSpec([file("x/child", "c"), file("y", "file y")])
    # z: dir (0), file (1), dir again (2): the layer-0 content stays gone
    again = LayerSpec([directory("z"), file("z/fresh", "f")])
    files, _ = _walk(tmp_path, base, LayerSpec([file("z", "zf")]), swap, again)
    assert files == [("z/fresh", b"f", 3), ("x/child", b"c", 2), ("y", b"file y", 2)]


def test_a_symlink_over_a_directory_hides_its_content(tmp_path: Path) -> None:
    base = LayerSpec([file("lib/a.so", "a"), file("usr/lib/b.so", "b")])
    merged = LayerSpec([symlink("lib", "usr/lib")])
    merge_files, _ = _walk(tmp_path, base, merged)
    assert merge_files == [("usr/lib/b.so", b"b", 0)]


def test_gzip_zstd_and_plain_layers(tmp_path: Path) -> None:
    layers = [LayerSpec([file(f"{kind}.txt", kind)], kind) for kind in ("gzip", "zstd", "none")]
    files, _ = _walk(tmp_path, *layers)
    assert files == [("none.txt", b"none", 2), ("zstd.txt", b"zstd", 1), ("gzip.txt", b"gzip", 0)]


def test_compression_is_told_by_content_not_by_media_type(tmp_path: Path) -> None:
    layers = [LayerSpec([file("z", "zst")], "zstd", declared="gzip"),
              LayerSpec([file("p", "plain")], "none", declared="gzip")]  # fmt: skip
    assert _walk(tmp_path, *layers) == ([("p", b"plain", 1), ("z", b"zst", 0)], [])


def test_only_selected_files_are_read_and_the_selector_sees_head_size_mode(
    tmp_path: Path,
) -> None:
    seen: list[tuple[str, bool, bytes, int]] = []

    def select(path: PurePosixPath, executable: bool, head: bytes, size: int) -> bool:
        seen.append((str(path), executable, head, size))
        return path.name == "METADATA"

    elf = file("bin/tool", b"\x7fELF" + b"\0" * 20, 0o755)
    layer = LayerSpec([elf, file("lib/x.dist-info/METADATA", "Name: x\n"), directory("empty")])
    files, _ = _walk(tmp_path, layer, select=select)
    assert files == [("lib/x.dist-info/METADATA", b"Name: x\n", 0)]
    assert seen == [("bin/tool", True, b"\x7fELF\0\0\0\0", 24),
                    ("lib/x.dist-info/METADATA", False, b"Name: x\n", 8)]  # fmt: skip


def test_a_file_over_the_size_limit_is_a_warning(tmp_path: Path) -> None:
    files, warnings = _walk(tmp_path, LayerSpec([file("big", b"x" * 100), file("small", "s")]),
                            max_file_bytes=10)  # fmt: skip
    assert files == [("small", b"s", 0)]
    assert [(w.source, w.gap) for w in warnings] == [("big", Gap.SKIPPED)]
    assert "100 bytes" in warnings[0].message


def test_hostile_names_are_warnings_and_absolute_names_stay_inside(tmp_path: Path) -> None:
    layer = LayerSpec([file("../evil", "e"), file("a/../../evil2", "e"), file("/etc/abs", "abs"),
                       file("./ok", "ok")])  # fmt: skip
    files, warnings = _walk(tmp_path, layer)
    assert files == [("etc/abs", b"abs", 0), ("ok", b"ok", 0)]
    assert [w.source for w in warnings] == ["../evil", "a/../../evil2"]
    assert all(w.gap is Gap.SKIPPED and "climbs out" in w.message for w in warnings)
    digest = open_image(tmp_path / "image").facts.layers[0].digest
    assert all(digest in w.message for w in warnings)
    assert not (tmp_path / "evil").exists() and not (tmp_path.parent / "evil").exists()


def test_links_pointing_outside_are_not_followed(tmp_path: Path) -> None:
    layer = LayerSpec([file("etc/ok", "ok"), symlink("etc/passwd", "../../../../etc/passwd"),
                       symlink("etc/abs", "/etc/shadow"), hardlink("etc/hl", "../../etc/passwd"),
                       hardlink("etc/hl2", "/etc/hostname")])  # fmt: skip
    with opened(tmp_path, layer) as image:
        merge = LayerMerge(image, _everything)
        items = list(merge.files())
        assert merge.complete
        warnings = [
            (i.source, "climbs out" in i.message) for i in items if isinstance(i, ScanWarning)
        ]
        assert warnings == [("etc/hl", True), ("etc/hl2", False)]
        assert [str(i.path) for i in items if isinstance(i, ImageFile)] == ["etc/ok"]
        assert merge.symlinks == {PurePosixPath("etc/passwd"): "../../../../etc/passwd",
                                  PurePosixPath("etc/abs"): "/etc/shadow"}  # fmt: skip
        assert merge.resolve(PurePosixPath("etc/passwd")) is None
        assert merge.resolve(PurePosixPath("etc/abs")) == PurePosixPath("etc/shadow")


def test_hard_links_in_a_layer_get_the_target_content(tmp_path: Path) -> None:
    perl = file("usr/bin/perl5", "PERL", 0o755)
    links = [
        hardlink("usr/bin/perl", "usr/bin/perl5"),
        hardlink("usr/bin/perl-again", "usr/bin/perl"),
    ]
    base = LayerSpec([perl, *links, file("other", "o")])
    hide = LayerSpec([whiteout("usr/bin/perl5")])

    def select(path: PurePosixPath, executable: bool, head: bytes, size: int) -> bool:
        return executable and head == b"PERL" and size == 4

    files, warnings = _walk(tmp_path, base, hide, select=select)
    assert files == [("usr/bin/perl", b"PERL", 0), ("usr/bin/perl-again", b"PERL", 0)]
    assert warnings == []


def test_a_name_twice_in_one_layer_is_a_warning(tmp_path: Path) -> None:
    files, warnings = _walk(tmp_path, LayerSpec([file("f", "one"), file("f", "two")]))
    assert files == [("f", b"one", 0)]
    assert [(w.source, w.gap) for w in warnings] == [("f", Gap.SKIPPED)]


def test_aufs_metadata_is_ignored(tmp_path: Path) -> None:
    layer = LayerSpec([file(".wh..wh.plnk/1.2", "x"), file(".wh..wh.aufs", ""), file("f", "f")])
    assert _walk(tmp_path, layer) == ([("f", b"f", 0)], [])


def test_a_decompression_bomb_is_refused(tmp_path: Path) -> None:
    bomb = LayerSpec([file("zeros", b"\0" * (4 << 20))])
    with opened(tmp_path, bomb) as image:
        assert image.facts.layers[0].size < 64 * 1024
        with pytest.raises(ImageError, match="inflates past") as info:
            list(walk_image(image, _everything, max_layer_bytes=1 << 20))
        assert image.facts.layers[0].digest in str(info.value)


@pytest.mark.parametrize(("compression", "cut"), [("gzip", 3000), ("zstd", 3000), ("none", 10000)])
def test_a_truncated_layer_is_refused(tmp_path: Path, compression: str, cut: int) -> None:
    noise = random.Random(7).randbytes(5000)  # incompressible: the cut lands inside "b"
    layer = LayerSpec([file("a", noise), file("b", noise)], compression, truncate=cut)
    with (
        opened(tmp_path, LayerSpec([file("top", "t")]), layer) as image,
        pytest.raises(ImageError) as info,
    ):
        list(walk_image(image, _everything))
    assert image.facts.layers[1].digest in str(info.value)


def test_a_corrupt_tar_header_is_refused_not_ignored(tmp_path: Path) -> None:
    raw = bytearray(tar_bytes([file("a", "a"), file("b", "b")]))
    raw[raw.index(b"b\0")] = ord("c")  # the second header's checksum no longer matches
    refused = pytest.raises(ImageError, match="corrupt or truncated tar header")
    with opened(tmp_path, LayerSpec([], raw=bytes(raw))) as image, refused:
        list(walk_image(image, _everything))


def test_content_must_match_the_config_diff_id(tmp_path: Path) -> None:
    with opened(tmp_path, LayerSpec([file("a", "a")])) as image:
        facts = replace(image.facts, diff_ids=("sha256:" + "0" * 64,))
        with pytest.raises(ImageError, match="does not match diff_id"):
            list(walk_image(Image(facts, image.open_blob), _everything))


def test_normalise_and_resolve() -> None:
    assert normalise("./usr//bin/./x/") == "usr/bin/x"
    assert normalise("/abs") == "abs"
    assert normalise("a/../b") is None
    links = {PurePosixPath("lib"): "usr/lib", PurePosixPath("usr/lib/os-release"): "../../etc/r",
             PurePosixPath("loop"): "loop", PurePosixPath("up"): "../x"}  # fmt: skip
    assert resolve(links, PurePosixPath("lib/os-release")) == PurePosixPath("etc/r")
    assert resolve(links, PurePosixPath("/lib/libc.so")) == PurePosixPath("usr/lib/libc.so")
    assert resolve(links, PurePosixPath("loop")) is None
    assert resolve(links, PurePosixPath("up")) is None

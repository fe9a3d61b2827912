"""How a deck's package is built and written: adding a slide costs the same at slide 1,000 as
at slide 1 (python-pptx's part naming and relationship lookups made linear), and the .pptx bytes
are deterministic (fixed zip entry times, python-pptx's entry order)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every zip entry's time


def _linear(prs: Any) -> None:
    """Make adding a slide cost the same at slide 1,000 as at slide 1.

    python-pptx walks the whole package to name each new notes page, and scans every relationship
    of the presentation for each new slide and each notes-master lookup, so a deck's build time
    grows with the square of its size. Parts and relationships are only added while a deck is
    built, so counters and dictionaries started from one walk give the same names and ids.
    """
    _fast_partnames(prs)
    _indexed_relationships(prs.part.rels)


def _indexed_relationships(rels: Any) -> None:
    """get_or_add and part_with_reltype by dictionary lookup instead of a scan of every relationship."""
    index = {(rel.reltype, id(rel.target_part)): rId for rId, rel in rels._rels.items() if not rel.is_external}
    add, find = rels._add_relationship, rels.part_with_reltype
    found: dict[str, Any] = {}

    def get_or_add(reltype: str, target_part: Any) -> str:
        key = (reltype, id(target_part))
        if key not in index:
            index[key] = add(reltype, target_part)
        return index[key]

    def part_with_reltype(reltype: str) -> Any:
        if reltype not in found:
            found[reltype] = find(reltype)  # a KeyError (none yet) is not remembered
        return found[reltype]

    rels.get_or_add = get_or_add
    rels.part_with_reltype = part_with_reltype


def _fast_partnames(prs: Any) -> None:
    """A next_partname that counts instead of walking every part of the package."""
    package = prs.part.package
    walk = package.next_partname
    counters: dict[str, int] = {}

    def next_partname(tmpl: str):
        from pptx.opc.packuri import PackURI

        if tmpl in counters:
            counters[tmpl] += 1
        else:
            prefix, suffix = tmpl.split("%d")
            first = str(walk(tmpl))
            counters[tmpl] = int(first[len(prefix) : len(first) - len(suffix)])
        return PackURI(tmpl % counters[tmpl])

    package.next_partname = next_partname


def _deterministic(prs: Any) -> bytes:
    """The .pptx bytes with fixed entry times, python-pptx's entry order kept ([Content_Types].xml
    first), compressed once: python-pptx's package writer fills our sink instead of its zip."""
    from pptx.opc.serialized import PackageWriter

    class _Entries(PackageWriter):
        def __init__(self, package: Any):
            super().__init__("", package._rels, tuple(package.iter_parts()))
            self.entries: list[tuple[str, bytes]] = []

        def write(self, pack_uri: Any, blob: bytes) -> None:  # the physical writer's one method
            self.entries.append((pack_uri.membername, blob))

        def collect(self) -> list[tuple[str, bytes]]:
            self._write_content_types_stream(self)
            self._write_pkg_rels(self)
            self._write_parts(self)
            return self.entries

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, blob in _Entries(prs.part.package).collect():
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, blob)
    return out.getvalue()

"""Sarabun with a text layer that reads back as written: SARA AM (ำ) as one glyph per cluster.

HarfBuzz's Thai shaper always splits ำ into NIKHAHIT + SARA AA, two glyphs in one cluster, and
WeasyPrint maps each glyph id to one text for the whole PDF: the first glyph of the cluster gets
nothing (PDF readers then print the glyph id as a character, "˸") and the SARA AA glyph, shared
with า, gets whichever text it met first. So "ตำบล" extracted as "ต˸ำบล" and "การ" as "กำร" (or
"จำนวน" as "จานวน"): copy, search and screen readers failed (WeasyPrint issue #2841).

The fix is in the font, not the text: one more GSUB ligature, applied after Sarabun's own lookups,
joins each NIKHAHIT form the font produces (plain, with a tone mark, narrow) and the SARA AA that
follows into a glyph of their own, drawn as the same two components at the same places. Each such
glyph is then alone in its cluster and only ever stands for ำ (with its tone mark), so the map
WeasyPrint writes is right. fontTools (a WeasyPrint dependency) makes the derived font once per
process, in a cache folder; the OFL lets us use a modified Sarabun (it reserves no font name).
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

import fontpkg

SARA_AA = 0x0E32
NIKHAHIT = 0x0E4D
WEIGHTS = {"regular": 400, "bold": 700}
_SUFFIX = ".sara_am"
_VERSION = "1"  # bump when the patch changes, so caches of an older one are not reused


def _nikhahit_forms(glyph_order: list[str], nikhahit: str) -> list[str]:
    # Sarabun names them uni0E4D, uni0E4D0E48 (with MAI EK) ... and their ".narrow" variants.
    return [name for name in glyph_order if name.split(".")[0].startswith(nikhahit)]


def _add_sara_am_ligatures(font) -> int:
    from fontTools.ttLib.tables import otTables
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

    cmap = font.getBestCmap()
    sara_aa, nikhahit = cmap[SARA_AA], cmap[NIKHAHIT]
    order = font.getGlyphOrder()
    glyf, hmtx = font["glyf"], font["hmtx"]
    classes = font["GDEF"].table.GlyphClassDef.classDefs
    ligatures: dict[str, list] = {}
    new_names = []
    for form in _nikhahit_forms(order, nikhahit):
        name = f"{form}_{sara_aa}{_SUFFIX}"
        glyph = Glyph()
        glyph.numberOfContours = -1
        glyph.components = []
        for part in (form, sara_aa):
            component = GlyphComponent()
            component.glyphName, component.x, component.y, component.flags = part, 0, 0, 0x4
            glyph.components.append(component)
        glyf.glyphs[name] = glyph
        hmtx.metrics[name] = (hmtx.metrics[sara_aa][0], 0)
        classes[name] = 1  # a base glyph, as SARA AA is (NIKHAHIT alone is a mark)
        record = otTables.Ligature()
        record.Component, record.LigGlyph, record.CompCount = [sara_aa], name, 2
        ligatures[form] = [record]
        new_names.append(name)
    font.setGlyphOrder(order + new_names)
    glyf.glyphOrder = font.getGlyphOrder()
    for name in new_names:
        glyf[name].recalcBounds(glyf)
        hmtx.metrics[name] = (hmtx.metrics[name][0], glyf[name].xMin)
    if "post" in font and hasattr(font["post"], "extraNames"):
        font["post"].formatType = 2.0
    font["maxp"].numGlyphs = len(font.getGlyphOrder())

    subst = otTables.LigatureSubst()
    subst.ligatures = ligatures
    lookup = otTables.Lookup()
    lookup.LookupType, lookup.LookupFlag, lookup.SubTable = 4, 0, [subst]
    lookup.SubTableCount = 1
    gsub = font["GSUB"].table
    gsub.LookupList.Lookup.append(lookup)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    index = gsub.LookupList.LookupCount - 1
    # The last lookup of 'ccmp' (always on): it runs after the font's own, which make the forms.
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex.append(index)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    return len(new_names)


def _derive(source: Path, target: Path) -> None:
    from fontTools.ttLib import TTFont

    font = TTFont(str(source))
    _add_sara_am_ligatures(font)
    temporary = target.with_suffix(f".{os.getpid()}.tmp")
    font.save(str(temporary))
    os.replace(temporary, target)  # atomic: concurrent processes never read half a font


def _cache_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / f"schoolbot-fonts-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@functools.lru_cache(maxsize=1)
def document_fonts() -> dict[str, Path]:
    """The derived Sarabun files (regular, bold) the documents are set in; made on first use."""
    paths = {}
    for style, weight in WEIGHTS.items():
        source = fontpkg.path("sarabun", weight)
        digest = hashlib.sha256(source.read_bytes() + _VERSION.encode()).hexdigest()[:16]
        target = _cache_dir() / f"Sarabun-{style}-{digest}.ttf"
        if not target.is_file():
            _derive(source, target)
        paths[style] = target
    return paths

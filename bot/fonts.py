"""Fonts for the PDF minutes and the charts: where they are, which characters each one draws
(read from its cmap with fontTools, not guessed), and which characters none of them can draw.

A `FontChain` is an ordered list of faces: DejaVu Sans (shipped inside matplotlib) first, then
the Noto fonts the project installs (the `manimgx-fonts` and `manimgx-fonts-cjk` packages:
Noto Sans for Arabic, Devanagari and a score of other scripts, Noto Emoji, Noto Sans CJK),
then whatever the machine has in its font folders (Debian's fonts-noto-core, fonts-noto-cjk,
fonts-noto-color-emoji, ...). Each character is drawn by the first face that has it; the
PDF (fpdf2's fallback fonts) and matplotlib (a family list) follow the same order.

`ACTIONLAB_FONT_PATH` (folders or files, separated by the platform's path separator) replaces
the whole search path: pointing it at DejaVu alone shows what a machine without the Noto fonts
would lose.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont, TTLibError

ENV = "ACTIONLAB_FONT_PATH"
FONT_FILES = (".ttf", ".otf", ".ttc", ".otc")
# The folders where Debian, other Linux distributions and macOS keep fonts.
SYSTEM_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
               "/Library/Fonts", "/System/Library/Fonts")
# Packages that install Noto fonts as package data (OFL-1.1), in the order they are tried.
FONT_PACKAGES = ("manimgx_fonts", "manimgx_fonts_cjk")
# Variants that would draw a name in a style the rest of the line does not have.
_STYLED = ("bold", "italic", "oblique", "light", "thin", "black", "medium", "semibold",
           "extrabold", "condensed", "mono", "serif", "display", "ui-", "looped")
# The faces of a system folder tried first, so a fallback search rarely reads them all.
_PREFERRED = ("notosans-regular", "notosanscjk", "notosanssc", "notosansjp", "notosanskr",
              "notosansarabic", "notosansdevanagari", "notoemoji", "notocoloremoji",
              "notosanssymbols", "notosans", "droidsansfallback", "wqy", "symbola")
_NEVER = ("lastresort", "adobeblank")
_VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))
_REGULAR = 400.0


def invisible(ch: str) -> bool:
    """Whether `ch` needs no glyph: spaces, controls, bidi marks and isolates, joiners and
    variation selectors (an emoji's U+FE0F picks a style; a font without it still draws)."""
    if unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
        return True
    return any(ord(ch) in r for r in _VARIATION_SELECTORS)


@dataclass(eq=False)
class Face:
    """One font face: a file (and its index in a collection) and what it can draw."""

    path: Path
    index: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _open(self) -> TTFont:
        return TTFont(self.path, fontNumber=self.index, lazy=True)

    @cached_property
    def _facts(self) -> tuple[frozenset[int], str, bool, bool, float | None]:
        with self._lock:
            font = self._open()
            try:
                cmap = font.getBestCmap() or {}
                family = font["name"].getBestFamilyName() or self.path.stem
                outline = any(t in font for t in ("glyf", "CFF ", "CFF2"))
                cff2 = "CFF2" in font
                weight = None
                if "fvar" in font:
                    weight = next((a.defaultValue for a in font["fvar"].axes
                                   if a.axisTag == "wght"), None)
                return frozenset(cmap), family, outline, cff2, weight
            finally:
                font.close()

    @property
    def coverage(self) -> frozenset[int]:
        return self._facts[0]

    @property
    def family(self) -> str:
        return self._facts[1]

    @property
    def outline(self) -> bool:
        """Drawn from outlines (TrueType or CFF); a bitmap-only colour emoji font is not,
        and matplotlib cannot scale it."""
        return self._facts[2]

    @property
    def direct(self) -> bool:
        """Whether fpdf2 and matplotlib can use the file as it is. Not so for a CFF2 outline
        (which fpdf2 embeds badly), a variable font whose default weight is not regular
        (Noto Sans CJK's is its thinnest) or a face past the first of a collection (which
        matplotlib cannot pick): those are drawn from a static copy (`static_copy`)."""
        _, _, _, cff2, weight = self._facts
        return not cff2 and self.index == 0 and (weight is None or 350 <= weight <= 450)

    def draws(self, ch: str) -> bool:
        return ord(ch) in self.coverage

    @property
    def label(self) -> str:
        return f"{self.family} ({self.path.name})"


def _faces_in(path: Path) -> Iterator[Face]:
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            with path.open("rb") as f:
                count = len(TTCollection(f, lazy=True).fonts)
            for i in range(count):
                yield Face(path, i)
        else:
            yield Face(path)
    except (OSError, TTLibError, AssertionError):
        return


def _files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        return []
    found = [p for p in folder.rglob("*") if p.suffix.lower() in FONT_FILES and p.is_file()
             and _usable(p.name)]
    return sorted(found, key=_rank)


def _usable(name: str) -> bool:
    """Regular faces only, and never a font whose every glyph is a placeholder (Last Resort
    "draws" all of Unicode as boxes, which is what this module exists to avoid)."""
    name = name.lower().replace(" ", "").replace("_", "")
    if any(b in name for b in _NEVER):
        return False
    return "regular" in name or not any(s in name for s in _STYLED)


def _rank(path: Path) -> tuple[int, str]:
    """The preferred families first, then the rest by name."""
    name = path.name.lower().replace(" ", "").replace("_", "")
    preferred = next((i for i, p in enumerate(_PREFERRED) if name.startswith(p)), len(_PREFERRED))
    return (preferred, name)


def dejavu_sans() -> Path:
    """matplotlib's own DejaVu Sans, found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib is not installed; it ships DejaVu Sans")
    path = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    if not (path / "DejaVuSans.ttf").exists():
        raise RuntimeError(f"DejaVuSans.ttf is missing from {path}")
    return path / "DejaVuSans.ttf"


def packaged_dirs() -> list[Path]:
    """The folders of the installed font packages (FONT_PACKAGES), those that are installed."""
    out = []
    for name in FONT_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            out.append(Path(next(iter(spec.submodule_search_locations))))
    return out


def search_path() -> tuple[Path, ...]:
    """Where fonts are looked for, in order: `ACTIONLAB_FONT_PATH` if set, otherwise
    matplotlib's DejaVu Sans, the font packages and the system's font folders."""
    configured = os.environ.get(ENV, "").strip()
    if configured:
        return tuple(Path(p).expanduser() for p in configured.split(os.pathsep) if p.strip())
    return (dejavu_sans(), *packaged_dirs(),
            *(Path(d).expanduser() for d in SYSTEM_DIRS))


class FontChain:
    """Faces in order: each character is drawn by the first face that has it. The first is
    always matplotlib's DejaVu Sans, the face the PDF and the charts write in."""

    def __init__(self, path: Iterable[Path]) -> None:
        self.path = tuple(path)
        seen: set[Path] = set()
        faces: list[Face] = []
        for folder in (dejavu_sans(), *self.path):
            for file in _files(folder):
                real = file.resolve()
                if real in seen:
                    continue
                seen.add(real)
                faces.extend(_faces_in(file))
        self.faces = tuple(faces)
        self._found: dict[str, Face | None] = {}
        self._lock = threading.Lock()

    @property
    def primary(self) -> Face:
        return self.faces[0]

    def face_for(self, ch: str, *, outline: bool = False) -> Face | None:
        """The first face that draws `ch` (`outline`: only scalable outline faces)."""
        key = f"{ch}\0{outline}"
        with self._lock:
            if key in self._found:
                return self._found[key]
        found = next((f for f in self.faces if (f.outline or not outline) and f.draws(ch)),
                     None)
        with self._lock:
            self._found[key] = found
        return found

    def missing(self, text: str, *, outline: bool = False) -> str:
        """The characters of `text` that no face draws, each once, in order."""
        out: dict[str, None] = {}
        for ch in text:
            if not invisible(ch) and ch not in out and self.face_for(ch, outline=outline) is None:
                out[ch] = None
        return "".join(out)

    def faces_for(self, text: str, *, outline: bool = False) -> list[Face]:
        """The faces that draw some character of `text`, in chain order; the primary face
        always comes first."""
        used = {self.primary}
        for ch in set(text):
            if not invisible(ch):
                face = self.face_for(ch, outline=outline)
                if face is not None:
                    used.add(face)
        return [f for f in self.faces if f in used]


@lru_cache(maxsize=8)
def _chain(path: tuple[Path, ...]) -> FontChain:
    return FontChain(path)


def chain(path: Iterable[Path] | None = None) -> FontChain:
    """The font chain for `path` (default: `search_path()`), built once per process."""
    return _chain(tuple(path) if path is not None else search_path())


def codepoints(chars: str) -> str:
    """"U+674E U+5C0F": characters named so that any font can show which ones they are."""
    return " ".join(f"U+{ord(c):04X}" for c in chars)


# --- static copies ----------------------------------------------------------------------

_copies_lock = threading.Lock()
_copies: dict[str, Path] = {}


@lru_cache(maxsize=1)
def _copy_dir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="actionlab-fonts-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def static_copy(face: Face, text: str) -> tuple[Path, str]:
    """A TrueType file with only the glyphs `text` needs from `face`, at regular weight, under
    a family name of its own (so matplotlib tells copies apart), and that name.

    Subsetting first keeps this quick: instancing all 65,000 glyphs of Noto Sans CJK takes
    minutes, a few dozen take a second. CFF2 outlines become TrueType ones (cu2qu).
    """
    chars = "".join(sorted({c for c in text if face.draws(c)}))
    digest = hashlib.sha256(f"{face.path}\0{face.index}\0{chars}".encode()).hexdigest()[:12]
    with _copies_lock:
        if digest in _copies:
            return _copies[digest], f"{face.family} {digest}"
        target = _copy_dir() / f"{digest}.ttf"
        family = f"{face.family} {digest}"
        _write_static(face, chars, family, target)
        _copies[digest] = target
        return target, family


def _write_static(face: Face, chars: str, family: str, target: Path) -> None:
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable
    from fontTools.varLib import instancer

    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "BASE", "STAT", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    if "fvar" in font:
        axes = {a.axisTag: a for a in font["fvar"].axes}
        where = {tag: (min(max(_REGULAR, a.minValue), a.maxValue) if tag == "wght"
                       else a.defaultValue) for tag, a in axes.items()}
        instancer.instantiateVariableFont(font, where, inplace=True, static=True)
    cff = "CFF2" if "CFF2" in font else "CFF " if "CFF " in font else None
    if cff is not None:
        order = font.getGlyphOrder()
        glyph_set = font.getGlyphSet()
        glyphs = {}
        for name in order:
            pen = TTGlyphPen(None)
            glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyphs[name] = pen.glyph()
        font["loca"] = newTable("loca")
        glyf = font["glyf"] = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = glyphs
        del font[cff]
        hmtx = font["hmtx"]
        for name, glyph in glyphs.items():
            glyph.recalcBounds(glyf)
            hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
        maxp = font["maxp"] = newTable("maxp")
        maxp.tableVersion = 0x00010000
        for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                     "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                     "maxComponentElements"):
            setattr(maxp, attr, 0)
        maxp.maxZones = 1
        post = font["post"]
        post.formatType = 2.0
        post.extraNames = []
        post.mapping = {}
        post.glyphOrder = order
        font["head"].glyphDataFormat = 0
        font.sfntVersion = "\x00\x01\x00\x00"
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 4, 16, 21):
            names.setName(family, record.nameID, record.platformID, record.platEncID,
                          record.langID)
        elif record.nameID in (6, 20):
            names.setName(family.replace(" ", ""), record.nameID, record.platformID,
                          record.platEncID, record.langID)
    font.save(target)
    font.close()

"""The design inside an exported picture, as Excalidraw keeps its scene in its PNGs.

A PNG export carries the design's YAML in an ``iTXt`` chunk (keyword :data:`KEYWORD`,
zlib-compressed UTF-8) just before ``IEND``; an SVG export carries it, XML-escaped, in a
``<metadata>`` element. Image viewers ignore both, and "Open a file" reads either back as
a design with the same validation as a YAML upload. Only the standard library: PNG chunks
are length, type, data and CRC-32 (``zlib.crc32``), packed with ``struct``.
"""

from __future__ import annotations

import html
import re
import struct
import zlib

from components.loading import MAX_FILE_BYTES, InputError, Problem

KEYWORD = b"ml-whiteboard-design"
"""The PNG text chunk's keyword (Latin-1, at most 79 bytes, as the PNG spec requires)."""
SVG_NAMESPACE = "urn:ml-whiteboard:design"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_IMAGE_BYTES = 20_000_000
"""Largest picture accepted for reading: a 2x export of the largest drawable design is a few
megabytes; the design inside it is held to MAX_FILE_BYTES like a YAML file."""

_SVG_DESIGN = re.compile(
    rf'<design xmlns="{re.escape(SVG_NAMESPACE)}"[^>]*>(.*?)</design>', re.DOTALL
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _chunks(png: bytes, source: str):
    """(type, data) of each chunk, checked: a file cut short or altered is named as such."""
    if not png.startswith(PNG_SIGNATURE):
        raise InputError([Problem(source, "", "not a PNG file")])
    at = len(PNG_SIGNATURE)
    while at + 12 <= len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        end = at + 8 + length
        if end + 4 > len(png):
            raise InputError([Problem(source, "", "the PNG file is cut short")])
        data = png[at + 8 : end]
        (crc,) = struct.unpack(">I", png[end : end + 4])
        if crc != zlib.crc32(kind + data):
            raise InputError(
                [Problem(source, "", f"the PNG's {kind.decode('latin-1')} chunk is damaged")]
            )
        yield kind, data
        if kind == b"IEND":
            return
        at = end + 4
    raise InputError([Problem(source, "", "the PNG file is cut short (no IEND chunk)")])


def embed_png(png: bytes, design_yaml: str) -> bytes:
    """``png`` with the design's YAML in an iTXt chunk before IEND."""
    if not png.startswith(PNG_SIGNATURE) or png[-12:-8] != b"\x00\x00\x00\x00":
        raise ValueError("not a PNG ending in an IEND chunk")
    # keyword, NUL, compressed, method 0, no language tag, no translated keyword, the text
    data = KEYWORD + b"\x00\x01\x00\x00\x00" + zlib.compress(design_yaml.encode("utf-8"), 9)
    return png[:-12] + _chunk(b"iTXt", data) + png[-12:]


def embed_svg(svg: bytes, design_yaml: str) -> bytes:
    """``svg`` with the design's YAML, escaped, in a ``<metadata>`` right after ``<svg>``."""
    text = svg.decode("utf-8")
    opening = re.search(r"<svg\b[^>]*>", text)
    if opening is None:
        raise ValueError("no <svg> element")
    escaped = html.escape(design_yaml, quote=False)
    metadata = (
        f'\n<metadata><design xmlns="{SVG_NAMESPACE}" format="yaml">{escaped}</design></metadata>'
    )
    return (text[: opening.end()] + metadata + text[opening.end() :]).encode("utf-8")


def png_design_text(png: bytes, source: str = "<png>") -> str | None:
    """The design YAML a PNG carries, or None when it carries none. Raises InputError for a
    file that is not a PNG, is damaged, or holds a design too large to read."""
    for kind, data in _chunks(png, source):
        if kind not in (b"iTXt", b"tEXt") or not data.startswith(KEYWORD + b"\x00"):
            continue
        body = data[len(KEYWORD) + 1 :]
        if kind == b"tEXt":
            return _bounded(body, source).decode("latin-1")
        compressed, _method = body[0:1], body[1:2]
        rest = body[2:].split(b"\x00", 2)  # language tag, translated keyword, text
        if len(rest) != 3:
            raise InputError([Problem(source, "", "the PNG's design chunk is damaged")])
        text = rest[2]
        if compressed == b"\x01":
            inflater = zlib.decompressobj()
            try:
                text = inflater.decompress(text, MAX_FILE_BYTES + 1)
            except zlib.error:
                raise InputError(
                    [Problem(source, "", "the PNG's design chunk is damaged")]
                ) from None
        try:
            return _bounded(text, source).decode("utf-8")
        except UnicodeDecodeError:
            raise InputError([Problem(source, "", "the PNG's design is not UTF-8 text")]) from None
    return None


def svg_design_text(svg: bytes, source: str = "<svg>") -> str | None:
    """The design YAML an SVG carries in its metadata, or None when it carries none."""
    try:
        text = svg.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            [Problem(source, "", f"not UTF-8 text ({error.reason} at byte {error.start})")]
        ) from None
    if "<svg" not in text:
        raise InputError([Problem(source, "", "not an SVG file (no <svg> element)")])
    found = _SVG_DESIGN.search(text)
    if found is None:
        return None
    return html.unescape(_bounded(found.group(1).encode("utf-8"), source).decode("utf-8"))


def design_text(data: bytes, source: str) -> str:
    """The design YAML inside an exported PNG or SVG (picked by its first bytes). Raises
    InputError saying why when there is none: a picture not exported by this app, or
    exported before pictures carried their design."""
    if len(data) > MAX_IMAGE_BYTES:
        raise InputError(
            [Problem(source, "", f"file is {len(data):,} bytes; the limit is {MAX_IMAGE_BYTES:,}")]
        )
    if data.startswith(PNG_SIGNATURE):
        text, kind = png_design_text(data, source), "PNG"
    else:
        text, kind = svg_design_text(data, source), "SVG"
    if text is None:
        raise InputError(
            [
                Problem(
                    source,
                    "",
                    f"this {kind} holds no design: only pictures exported by this app (Report "
                    "and exports, or `python -m scenarios render`) carry one. Open its "
                    "design YAML instead.",
                )
            ]
        )
    return text


def _bounded(data: bytes, source: str) -> bytes:
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            [Problem(source, "", f"the design inside is over {MAX_FILE_BYTES:,} bytes")]
        )
    return data

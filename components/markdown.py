"""Text that goes into Markdown: escaped, or at least unable to load anything.

Streamlit renders Markdown in messages, labels and captions, and a Markdown image
(``![x](http://host/pixel)``) makes the browser fetch it: a scenario file or an echoed
value could phone home. Two levels:

- ``escape``: a value echoed back (a file name, a type id, a session id from the URL, an
  error message quoting the input, the user's own notes): every character that Markdown or
  Streamlit's extensions (``:material/x:``, ``:red[...]``, ``$math$``) would read is
  escaped, so it shows exactly as typed.
- ``no_images``: prose written to be formatted (a scenario's prompt, hints, follow-ups):
  bold and lists stay, images become their text and raw HTML is shown as text.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]!|<>~$])")
"""What changes how Markdown shows text or makes it fetch or link anything: emphasis, code,
links and images, HTML, tables, strike-through, math. Colons stay, so ``file:2:`` reads
as written (Streamlit's ``:name[...]`` directives only colour text)."""
_IMAGE = re.compile(r"!\[")


def escape(text: object) -> str:
    """``text`` shown literally in Markdown (line breaks kept)."""
    return _SPECIAL.sub(r"\\\1", str(text))


def no_images(text: object) -> str:
    """``text`` with its Markdown formatting, minus anything the browser would fetch."""
    return _IMAGE.sub(r"!\\[", str(text)).replace("<", "&lt;")

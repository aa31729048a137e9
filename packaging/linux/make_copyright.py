"""Write the .deb's copyright file (machine-readable, DEP-5) from app/core/components.py.

    python packaging/linux/make_copyright.py OUTPUT PREFIX     (PREFIX: where the bundle is installed,
                                                                 usr/lib/poplark; build_deb.sh runs it)

The same table gives Help > About its rows, so the two cannot disagree. Components that are Python
distributions not installed in the build environment (a dependency of another platform or Python) are
left out, as PyInstaller leaves them out of the bundle.
"""

from __future__ import annotations

import importlib.metadata as metadata
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Where each component's files are inside the bundle (PREFIX/...); pure-Python packages are inside the
#: executable's archive (PREFIX/poplark), with Poplark's own code.
FILES = {
    "Python": ["_internal/libpython3*", "_internal/base_library.zip", "_internal/python3*/*"],
    "PySide6": ["_internal/PySide6/*", "_internal/shiboken6/*"],
    "Qt": ["_internal/PySide6/Qt/*", "_internal/libQt6*"],
    "cryptography": ["_internal/cryptography/*", "_internal/cryptography-*.dist-info/*"],
    "charset-normalizer": ["_internal/charset_normalizer/*"],
    "cffi": ["_internal/_cffi_backend*"],
}
#: Provided by Debian packages the .deb depends on, not by the bundle (packaging/poplark.spec).
FROM_THE_SYSTEM = {"SQLite", "OpenSSL"}

COMMON_LICENCES = {
    "Apache-2.0": "Apache-2.0",
    "LGPL-3.0-only": "LGPL-3",
}
MIT_TEXT = """\
 Permission is hereby granted, free of charge, to any person obtaining a copy
 of this software and associated documentation files (the "Software"), to deal
 in the Software without restriction, including without limitation the rights
 to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 copies of the Software, and to permit persons to whom the Software is
 furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in
 all copies or substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
 THE SOFTWARE."""
OTHER_TEXTS = {
    # /usr/share/common-licenses/BSD is the Regents' text, deprecated for other holders: the text itself.
    "BSD-3-Clause": """\
 Redistribution and use in source and binary forms, with or without
 modification, are permitted provided that the following conditions are met:
 .
 1. Redistributions of source code must retain the above copyright notice,
    this list of conditions and the following disclaimer.
 2. Redistributions in binary form must reproduce the above copyright notice,
    this list of conditions and the following disclaimer in the documentation
    and/or other materials provided with the distribution.
 3. Neither the name of the copyright holder nor the names of its
    contributors may be used to endorse or promote products derived from
    this software without specific prior written permission.
 .
 THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
 AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE
 LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
 CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
 SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
 INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
 CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
 ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 POSSIBILITY OF SUCH DAMAGE.""",
    "BSD-2-Clause": """\
 Redistribution and use in source and binary forms, with or without
 modification, are permitted provided that the following conditions are met:
 .
 1. Redistributions of source code must retain the above copyright notice,
    this list of conditions and the following disclaimer.
 2. Redistributions in binary form must reproduce the above copyright notice,
    this list of conditions and the following disclaimer in the documentation
    and/or other materials provided with the distribution.
 .
 THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
 AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE
 LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
 CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
 SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
 INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
 CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
 ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 POSSIBILITY OF SUCH DAMAGE.""",
    "MIT-0": """\
 Permission is hereby granted, free of charge, to any person obtaining a copy
 of this software and associated documentation files (the "Software"), to deal
 in the Software without restriction, including without limitation the rights
 to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 copies of the Software, and to permit persons to whom the Software is
 furnished to do so.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
 THE SOFTWARE.""",
    "ISC": """\
 Permission to use, copy, modify, and distribute this software and its
 documentation for any purpose with or without fee is hereby granted,
 provided that the above copyright notice and this permission notice
 appear in all copies.
 .
 THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.""",
    "PSF-2.0": """\
 PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2: the full text ships with
 every Python release (the LICENSE file) and is at
 https://docs.python.org/3/license.html""",
}


def _installed(distributions: tuple[str, ...]) -> bool:
    if not distributions:
        return True
    try:
        metadata.distribution(distributions[0])
    except metadata.PackageNotFoundError:
        return False
    return True


def _licence_names(spdx: str) -> list[str]:
    return [name.strip() for name in spdx.split(" OR ")]


def _dep5_licence(spdx: str) -> str:
    return " or ".join(_licence_names(spdx))


def copyright_file(prefix: str) -> str:
    sys.path.insert(0, str(ROOT))
    from app.core.components import COMPONENTS

    shipped = [component for component in COMPONENTS
               if component.name not in FROM_THE_SYSTEM and _installed(component.distributions)]
    in_archive = [component for component in shipped if component.name not in FILES]
    system = [component for component in COMPONENTS if component.name in FROM_THE_SYSTEM]
    lines = [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        "Upstream-Name: Poplark",
        "Upstream-Contact: The Poplark developers <poplark@users.noreply.github.com>",
        "Source: https://github.com/poplark/poplark",
        "Comment: Made by packaging/linux/make_copyright.py from app/core/components.py, the",
        " table Help > About shows too. /" + prefix + " is a PyInstaller bundle: Poplark",
        " and the components below. "
        + " and ".join(f"{component.name} ({component.licence})" for component in system) + " come",
        " from the Debian packages this package depends on, as do the other system",
        " libraries (GLib, GTK 3, NSS, the X11 and xcb libraries): their own copyright",
        " files apply.",
        "",
        "Files: *",
        "Copyright: 2026 The Poplark developers",
        "License: MIT",
    ]
    licences = {"MIT"}
    if in_archive:
        combined = ["MIT"] + [name for component in in_archive for name in _licence_names(component.spdx)]
        unique = list(dict.fromkeys(combined))
        licences.update(unique)
        lines += [
            "",
            f"Files: {prefix}/poplark",
            "Copyright: 2026 The Poplark developers",
            *[f"           {holder}" for holder in dict.fromkeys(component.copyright for component in in_archive)],
            f"License: {' and '.join(unique)}",
            "Comment: The executable carries the Python code of Poplark and of:",
            *[f" {component.name} ({component.spdx}), {component.homepage}" for component in in_archive],
        ]
    by_name = {component.name: component for component in shipped}
    # In FILES order: DEP-5 lets the last matching paragraph win (PySide6/Qt/* after PySide6/*).
    for component in [by_name[name] for name in FILES if name in by_name]:
        licences.update(_licence_names(component.spdx))
        lines += [
            "",
            "Files: " + " ".join(f"{prefix}/{pattern}" for pattern in FILES[component.name]),
            f"Copyright: {component.copyright}",
            f"License: {_dep5_licence(component.spdx)}",
            f"Comment: {component.name}, {component.homepage}",
        ]
        if component.name == "Qt":
            lines += [
                " Qt WebEngine contains Chromium and the third-party code Chromium carries",
                " (BSD-style licences, listed in Qt's documentation under \"Qt WebEngine",
                " Licensing\"); ICU is under the Unicode licence (Unicode-3.0). The Qt",
                " libraries are shared libraries in _internal/PySide6/Qt/lib: you may replace",
                " them with your own build of the same version (LGPL-3.0).",
            ]
    for name in sorted(licences):
        lines += ["", f"License: {name}"]
        if name == "MIT":
            lines.append(MIT_TEXT)
        elif name in COMMON_LICENCES:
            lines.append(f" On Debian systems the full text of this licence is in "
                         f"/usr/share/common-licenses/{COMMON_LICENCES[name]}.")
        else:
            lines.append(OTHER_TEXTS.get(name, f" See https://spdx.org/licenses/{name}.html"))
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: make_copyright.py OUTPUT PREFIX", file=sys.stderr)
        return 2
    Path(argv[0]).write_text(copyright_file(argv[1].strip("/")), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

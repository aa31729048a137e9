"""The third-party components a Poplark build ships, with their licences: one table for all who list them.

Read by Help > About (app/ui/dialogs/about.py, which adds the versions actually loaded) and by the
Debian copyright file (packaging/linux/make_copyright.py, at build time), so the two cannot disagree.
tests/packaging/test_components.py checks that every Python distribution Poplark installs is in the
table, under the licence its own metadata states: a new dependency is added here, and both follow.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BundledComponent:
    name: str
    #: The licence as the About box shows it.
    licence: str
    #: The licence as an SPDX expression (the Debian copyright file's License field).
    spdx: str
    copyright: str
    homepage: str
    #: Its names in importlib.metadata when it is Python distributions (empty for Python, Qt, SQLite ...).
    distributions: tuple[str, ...] = ()
    #: Listed in Help > About; the small libraries our dependencies pull in are in the copyright file only.
    about: bool = True


def _helper(name: str, spdx: str, holder: str, homepage: str) -> BundledComponent:
    return BundledComponent(name, spdx, spdx, holder, homepage, (name,), about=False)


COMPONENTS: tuple[BundledComponent, ...] = (
    BundledComponent("Python", "PSF License 2.0", "PSF-2.0", "Python Software Foundation",
                     "https://www.python.org/"),
    # Qt includes QtWebEngine, and with it Chromium and the third-party code Chromium carries (BSD-style
    # licences, listed in Qt's documentation: "Qt WebEngine Licensing"), and ICU (Unicode-3.0).
    BundledComponent("Qt", "LGPLv3", "LGPL-3.0-only", "The Qt Company Ltd. and other contributors",
                     "https://www.qt.io/"),
    BundledComponent("PySide6", "LGPLv3", "LGPL-3.0-only", "The Qt Company Ltd.", "https://pyside.org",
                     ("PySide6-Essentials", "PySide6-Addons", "shiboken6")),
    BundledComponent("keyring", "MIT", "MIT", "Jason R. Coombs and contributors",
                     "https://github.com/jaraco/keyring", ("keyring",)),
    BundledComponent("platformdirs", "MIT", "MIT", "The platformdirs developers",
                     "https://github.com/tox-dev/platformdirs", ("platformdirs",)),
    BundledComponent("charset-normalizer", "MIT", "MIT", "Ahmed R. TAHRI",
                     "https://github.com/jawah/charset_normalizer", ("charset-normalizer",)),
    # keyring's Secret Service backend on Linux (absent elsewhere: the About box then says "unknown").
    BundledComponent("SecretStorage", "BSD-3-Clause", "BSD-3-Clause", "Dmitry Shachnev",
                     "https://github.com/mitya57/secretstorage", ("SecretStorage",)),
    BundledComponent("jeepney", "MIT", "MIT", "Thomas Kluyver", "https://gitlab.com/takluyver/jeepney",
                     ("jeepney",)),
    BundledComponent("cryptography", "Apache-2.0 OR BSD-3-Clause", "Apache-2.0 OR BSD-3-Clause",
                     "The Python Cryptographic Authority and individual contributors",
                     "https://github.com/pyca/cryptography", ("cryptography",)),
    BundledComponent("SQLite", "Public domain", "public-domain", "D. Richard Hipp and contributors (dedicated "
                     "to the public domain)", "https://www.sqlite.org/"),
    BundledComponent("OpenSSL", "Apache-2.0", "Apache-2.0", "The OpenSSL Project Authors",
                     "https://www.openssl.org/"),
    # Dependencies being added for autodiscovery and contacts (issue 16 and after).
    _helper("dnspython", "ISC", "Bob Halley and contributors", "https://www.dnspython.org/"),
    _helper("defusedxml", "PSF-2.0", "Christian Heimes", "https://github.com/tiran/defusedxml"),
    # python-lz4, and the LZ4 library its wheels are built with.
    _helper("lz4", "BSD-3-Clause", "Steeve Morin, Jonathan Underwood and contributors",
            "https://github.com/python-lz4/python-lz4"),
    BundledComponent("LZ4", "BSD-2-Clause", "BSD-2-Clause", "Yann Collet", "https://lz4.org/", about=False),
    _helper("pypinyin", "MIT", "mozillazg", "https://github.com/mozillazg/python-pinyin"),
    _helper("cffi", "MIT-0", "Armin Rigo, Maciej Fijalkowski", "https://github.com/python-cffi/cffi"),
    _helper("pycparser", "BSD-3-Clause", "Eli Bendersky", "https://github.com/eliben/pycparser"),
    _helper("importlib_metadata", "Apache-2.0", "Jason R. Coombs", "https://github.com/python/importlib_metadata"),
    _helper("zipp", "MIT", "Jason R. Coombs", "https://github.com/jaraco/zipp"),
    _helper("lazy-importer", "Apache-2.0", "The lazy-importer authors", "https://pypi.org/project/lazy-importer/"),
    _helper("jaraco.classes", "MIT", "Jason R. Coombs", "https://github.com/jaraco/jaraco.classes"),
    _helper("jaraco.context", "MIT", "Jason R. Coombs", "https://github.com/jaraco/jaraco.context"),
    _helper("jaraco.functools", "MIT", "Jason R. Coombs", "https://github.com/jaraco/jaraco.functools"),
    _helper("backports.tarfile", "MIT", "Jason R. Coombs", "https://github.com/jaraco/backports.tarfile"),
    _helper("more-itertools", "MIT", "Erik Rose", "https://github.com/more-itertools/more-itertools"),
)


def about_components() -> tuple[BundledComponent, ...]:
    """The rows of Help > About, in order."""
    return tuple(component for component in COMPONENTS if component.about)

"""The table of bundled components (app/core/components.py) is complete and true to the metadata.

It feeds Help > About and the .deb's copyright file, so a dependency missing from it, or listed under
the wrong licence, would make both wrong. The installed dependency closure of the poplark distribution
is what a wheel, the bundle and the .deb carry.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re

from packaging.requirements import Requirement

from app.core.components import COMPONENTS, about_components


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_dependencies() -> dict[str, metadata.Distribution]:
    """Every distribution `pip install poplark` brings in here (extras and other platforms' markers left out)."""
    found: dict[str, metadata.Distribution] = {}
    pending = [requirement for requirement in metadata.requires("poplark") or []]
    while pending:
        requirement = Requirement(pending.pop())
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        key = _key(requirement.name)
        if key in found:
            continue
        distribution = metadata.distribution(requirement.name)
        found[key] = distribution
        pending.extend(distribution.requires or [])
    return found


def _licence(distribution: metadata.Distribution) -> str:
    expression = distribution.metadata.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = distribution.metadata.get_all("Classifier") or []
    for classifier, spdx in (("License :: OSI Approved :: MIT License", "MIT"),
                             ("License :: OSI Approved :: Python Software Foundation License", "PSF-2.0"),
                             # Which BSD licence the classifier does not say (lz4's file: BSD-3-Clause).
                             ("License :: OSI Approved :: BSD License", "BSD")):
        if classifier in classifiers:
            return spdx
    return str(distribution.metadata.get("License") or "")


def test_every_installed_dependency_is_listed() -> None:
    listed = {_key(name) for component in COMPONENTS for name in component.distributions}
    missing = sorted(set(installed_dependencies()) - listed)
    assert missing == [], f"add these to app/core/components.py: {missing}"


def test_each_listed_licence_is_the_one_the_package_states() -> None:
    dependencies = installed_dependencies()
    wrong = []
    for component in COMPONENTS:
        for name in component.distributions:
            distribution = dependencies.get(_key(name))
            if distribution is None:
                continue  # not needed on this platform or Python (importlib_metadata on 3.12+)
            stated = _licence(distribution)
            # PySide6 and shiboken6 are offered under LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only; we take the LGPL.
            if stated == "BSD" and component.spdx.startswith("BSD-"):
                continue
            if component.spdx not in stated.split(" OR ") and component.spdx != stated:
                wrong.append((component.name, name, component.spdx, stated))
    assert wrong == []


def test_the_about_box_shows_the_main_components_in_order() -> None:
    names = [component.name for component in about_components()]
    assert names[:3] == ["Python", "Qt", "PySide6"]
    assert {"keyring", "SQLite", "OpenSSL", "charset-normalizer"} <= set(names)
    assert "zipp" not in names  # a dependency's dependency: in the copyright file only

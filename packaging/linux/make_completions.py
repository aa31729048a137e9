"""Write bash and zsh completion for ``poplark`` from the command line's own parser (so it cannot drift).

    python packaging/linux/make_completions.py OUTDIR     (writes OUTDIR/poplark.bash and OUTDIR/_poplark)

build_deb.sh installs them where bash-completion and zsh look for them:
/usr/share/bash-completion/completions/poplark and /usr/share/zsh/vendor-completions/_poplark.

shtab (on PyPI, MPL-2.0, maintained in the tqdm organisation; a build-time tool of the [package]
extra, never shipped) turns an argparse parser into both scripts, sub-commands and choices included.
``--self-test`` is decided before the parser runs (app/main.py), so it is added here for completion.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Prefix of the generated shell functions (_shtab_poplark...), so they clash with nothing.
FUNCTION_PREFIX = "poplark"


def write_completions(directory: Path) -> tuple[Path, Path]:
    sys.path.insert(0, str(ROOT))
    import shtab

    from app.cli.parser import build_parser
    from app.main import SELF_TEST_OPTION

    parser = build_parser()
    parser.add_argument(SELF_TEST_OPTION, action="store_true", help="check the desktop app and exit")
    directory.mkdir(parents=True, exist_ok=True)
    bash = directory / "poplark.bash"
    zsh = directory / "_poplark"
    bash.write_text(shtab.complete(parser, shell="bash", root_prefix=FUNCTION_PREFIX), "utf-8")
    zsh.write_text(shtab.complete(parser, shell="zsh", root_prefix=FUNCTION_PREFIX), "utf-8")
    return bash, zsh


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make_completions.py OUTDIR", file=sys.stderr)
        return 2
    write_completions(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

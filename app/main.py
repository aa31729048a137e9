"""Entry point: ``poplark`` alone opens the window; ``poplark <command>`` runs headless.

``poplark --self-test`` starts the GUI stack once, checks it and exits (0 = ok): used by the package
tests and by users reporting a problem.

The decision is made before anything heavy is imported, so the command line never loads Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

SELF_TEST_OPTION = "--self-test"


def split_profile(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """(the --profile value, the other arguments)."""
    profile: str | None = None
    rest: list[str] = []
    arguments = list(argv)
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        if argument == "--profile" and index + 1 < len(arguments):
            profile = arguments[index + 1]
            index += 2
            continue
        if argument.startswith("--profile="):
            profile = argument.split("=", 1)[1]
        else:
            rest.append(argument)
        index += 1
    return profile, rest


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    profile, rest = split_profile(arguments)
    if SELF_TEST_OPTION in rest:
        if rest != [SELF_TEST_OPTION]:
            print(f"poplark: {SELF_TEST_OPTION} takes no other arguments (only --profile DIR)", file=sys.stderr)
            return 2
        from app.ui.self_test import run_self_test

        return run_self_test(profile)
    if rest:
        from app import cli

        code = cli.main(arguments)
        if argv is None:  # this process's own command line: it ends when we return
            _spare_the_final_collection()
        return code
    from app.ui.application import run_gui

    return run_gui(profile)


def _spare_the_final_collection() -> None:
    """Move every object into the collector's permanent generation before the interpreter ends.

    At exit Python collects over every object the process still holds (the modules and what the
    command left behind) while it clears the modules: 30-35 ms of each ``poplark fetch`` here,
    5-10 ms once frozen, and a cron check pays it every time. Frozen objects are freed with their
    modules as before; only garbage caught in reference cycles is no longer finalized, and the
    command line closes its store, files and sockets itself before it returns. Not for the window
    (Qt tears its objects down at exit), nor for tests that call main() with arguments.
    """
    import gc

    gc.freeze()


if __name__ == "__main__":
    sys.exit(main())

#!/bin/sh
# Smoke-test a Poplark Windows installer under wine64 (Debian: apt install wine wine64), in a
# throwaway prefix and HOME: silent per-user install, files, Start menu shortcut, the "Apps &
# features" key, then silent uninstall removes all of it. Exits non-zero on the first failure.
#     xvfb-run -a sh packaging/windows/wine_smoke_test.sh build/Poplark-0.1.0-setup-placeholder.exe
set -eu
installer=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HOME=$(mktemp -d)
WINEPREFIX=$(mktemp -d)/prefix
export HOME WINEPREFIX WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="winemenubuilder.exe=d"
key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\io.github.poplark.Poplark'
fail() { echo "wine-smoke-test: $*" >&2; exit 1; }

wineboot -i >/dev/null 2>&1
wine "$installer" /S || fail "silent install failed"
wineserver -w
target="$WINEPREFIX/drive_c/users/$(whoami)/AppData/Local/Programs/Poplark"
[ -f "$target/poplark.exe" ] || fail "poplark.exe not installed in $target"
[ -f "$target/uninstall.exe" ] || fail "no uninstaller"
find "$WINEPREFIX/drive_c/users" -name "Poplark.lnk" | grep -q . || fail "no Start menu shortcut"
wine reg query "$key" 2>/dev/null | grep -q DisplayVersion || fail "no Apps & features entry"
wine "$target/uninstall.exe" /S || fail "silent uninstall failed"
wineserver -w
sleep 2  # the NSIS uninstaller finishes in a copy of itself
[ ! -e "$target" ] || fail "the install folder is still there after uninstall"
if wine reg query "$key" >/dev/null 2>&1; then fail "the Apps & features entry is still there"; fi
echo "wine-smoke-test: ok (installed, shortcut and uninstall entry present, uninstalled cleanly)"
rm -rf "$HOME" "$(dirname "$WINEPREFIX")"

#!/bin/sh
# Every library in a PyInstaller bundle finds the libraries it links against:
#   packaging/linux/check_bundle.sh dist/poplark
# The spec leaves out the Qt modules Poplark does not use (packaging/poplark.spec, "slimming"); a
# library left out that a kept one still needs would only show when that code path runs, so
# `make bundle` runs this over every ELF file: a missing dependency fails the build with its name.
set -eu
BUNDLE=${1:?usage: check_bundle.sh BUNDLE_DIR}
INTERNAL="$BUNDLE/_internal"
[ -d "$INTERNAL" ] || { echo "check_bundle: no $INTERNAL (run make bundle first)" >&2; exit 1; }
# As the bootloader does at run time: the bundle's own directories first.
LD_LIBRARY_PATH="$INTERNAL:$INTERNAL/PySide6/Qt/lib"
export LD_LIBRARY_PATH
missing=$(mktemp)
trap 'rm -f "$missing"' EXIT INT TERM
checked=0
for file in $(find "$BUNDLE" -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \)); do
  head -c 4 "$file" | grep -q "ELF" || continue
  checked=$((checked + 1))
  ldd "$file" 2>/dev/null | grep "not found" | sed "s|^|$file: |" >> "$missing" || true
done
if [ -s "$missing" ]; then
  echo "check_bundle: libraries the bundle needs but does not carry (and the system lacks):" >&2
  cat "$missing" >&2
  exit 1
fi
echo "check_bundle: ok ($checked ELF files, every dependency found)"

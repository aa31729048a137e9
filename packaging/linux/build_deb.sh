#!/bin/sh
# Build the Debian package from a PyInstaller onedir bundle:
#   packaging/linux/build_deb.sh VERSION [DIST] [OUTDIR]     (DIST defaults to dist/poplark, OUTDIR to dist)
# -> OUTDIR/poplark_VERSION_ARCH.deb with the bundle in /usr/lib/poplark, /usr/bin/poplark, the desktop file,
# hicolor icons (scalable + PNG sizes from app/resources/icons), AppStream metainfo, the poplark(1) man page and
# bash/zsh completion (both generated from the CLI parser), the changelog, the copyright file (generated from
# app/core/components.py) and the lintian overrides, each explained in packaging/README.md.
# Depends comes from dpkg-shlibdeps: the bundle leaves the system libraries out (packaging/poplark.spec).
# PYTHON (default .venv/bin/python) runs the generators; it needs shtab (the [package] extra).
# xz compression: lintian on Debian 12 does not read zstd members (DEB_COMPRESS=zstd builds faster).
set -eu
VERSION=${1:?usage: build_deb.sh VERSION [DIST] [OUTDIR]}
DIST=${2:-dist/poplark}
OUTDIR=${3:-dist}
NAME=poplark
APPID=io.github.poplark.Poplark
PREFIX=usr/lib/$NAME
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
PYTHON=${PYTHON:-$TOP/.venv/bin/python}
ICONS="$TOP/app/resources/icons"
ARCH=$(dpkg --print-architecture)

[ -x "$DIST/$NAME" ] || { echo "build_deb: no bundle at $DIST/$NAME (run make bundle first)" >&2; exit 1; }
CHANGELOG_VERSION=$(dpkg-parsechangelog -l "$HERE/changelog" -S Version)
[ "$CHANGELOG_VERSION" = "$VERSION" ] || {
  echo "build_deb: packaging/linux/changelog is at $CHANGELOG_VERSION, the package at $VERSION: add an entry" >&2; exit 1; }

ROOT=$(mktemp -d)
WORK=$(mktemp -d)
chmod 755 "$ROOT"  # mktemp -d makes it 0700, which would become the package's ./ (research R8)
trap 'rm -rf "$ROOT" "$WORK"' EXIT INT TERM
install -d "$ROOT/DEBIAN" "$ROOT/$PREFIX" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
  "$ROOT/usr/share/icons/hicolor/scalable/apps" "$ROOT/usr/share/metainfo" "$ROOT/usr/share/doc/$NAME" \
  "$ROOT/usr/share/man/man1" "$ROOT/usr/share/bash-completion/completions" "$ROOT/usr/share/zsh/vendor-completions" \
  "$ROOT/usr/share/lintian/overrides"
cp -a "$DIST/." "$ROOT/$PREFIX/"
ln -s "../lib/$NAME/$NAME" "$ROOT/usr/bin/$NAME"
install -m644 "$HERE/$APPID.desktop" "$ROOT/usr/share/applications/"
install -m644 "$HERE/$APPID.metainfo.xml" "$ROOT/usr/share/metainfo/"
install -m644 "$ICONS/poplark.svg" "$ROOT/usr/share/icons/hicolor/scalable/apps/$APPID.svg"
for size in 16 32 48 64 128 256; do
  install -d "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps"
  install -m644 "$ICONS/poplark-$size.png" "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps/$APPID.png"
done

# Generated at build time, so they cannot drift from the code: the man page and completion from the CLI's
# argparse parser, the copyright file from the table Help > About shows.
"$PYTHON" "$HERE/make_manpage.py" "$WORK/$NAME.1"
gzip -9n -c "$WORK/$NAME.1" > "$ROOT/usr/share/man/man1/$NAME.1.gz"
"$PYTHON" "$HERE/make_completions.py" "$WORK/completions"
install -m644 "$WORK/completions/$NAME.bash" "$ROOT/usr/share/bash-completion/completions/$NAME"
install -m644 "$WORK/completions/_$NAME" "$ROOT/usr/share/zsh/vendor-completions/_$NAME"
"$PYTHON" "$HERE/make_copyright.py" "$ROOT/usr/share/doc/$NAME/copyright" "$PREFIX"
# A native package (Poplark packages itself): the changelog is changelog.gz, not changelog.Debian.gz.
gzip -9n -c "$HERE/changelog" > "$ROOT/usr/share/doc/$NAME/changelog.gz"
install -m644 "$HERE/lintian-overrides" "$ROOT/usr/share/lintian/overrides/$NAME"

# Files from git may carry a restrictive umask; everything in a package is world-readable.
chmod -R u+rwX,go+rX,go-w "$ROOT"
# Shared libraries are not programs (lintian: shared-library-is-executable); QtWebEngineProcess and the
# launcher stay executable.
find "$ROOT/$PREFIX" -type f -name '*.so*' -exec chmod 0644 {} +
# Python built elsewhere (pyenv) leaves its build machine's lib folder as RUNPATH in libpython and its
# extension modules: meaningless on the user's machine, so removed. $ORIGIN paths (Qt's plugins) stay.
ELF_FILES="$WORK/elf-files"
# "if", not "&&": a loop whose last file is no ELF file would otherwise end the script (set -e).
find "$ROOT/$PREFIX" -type f | while read -r file; do
  if [ "$(head -c 4 "$file" | tr -d '\177')" = "ELF" ]; then echo "$file"; fi
done > "$ELF_FILES"
while read -r file; do
  runpath=$(patchelf --print-rpath "$file" 2>/dev/null || true)
  case "$runpath" in ""|'$ORIGIN'*) ;; *) patchelf --remove-rpath "$file" ;; esac
done < "$ELF_FILES"

desktop-file-validate "$ROOT/usr/share/applications/$APPID.desktop"
appstreamcli validate --no-net "$ROOT/usr/share/metainfo/$APPID.metainfo.xml" >/dev/null

# Depends: what the bundle's libraries need from the system, with the versions they need (as any Debian
# package gets it); the bundle's own folders are searched first, so what it carries is no dependency.
mkdir "$WORK/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$NAME" "$NAME" > "$WORK/debian/control"
# shellcheck disable=SC2046  # one argument per ELF file
SHLIBS=$(cd "$WORK" && dpkg-shlibdeps -O --ignore-missing-info -l"$ROOT/$PREFIX/_internal" \
  -l"$ROOT/$PREFIX/_internal/PySide6/Qt/lib" $(cat "$ELF_FILES") 2>"$WORK/shlibdeps.log") || {
  cat "$WORK/shlibdeps.log" >&2; echo "build_deb: dpkg-shlibdeps failed" >&2; exit 1; }
DEPENDS=$(echo "$SHLIBS" | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "build_deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

INSTALLED_SIZE=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
cat > "$ROOT/DEBIAN/control" <<CONTROL
Package: $NAME
Version: $VERSION
Section: mail
Priority: optional
Architecture: $ARCH
Maintainer: The Poplark developers <poplark@users.noreply.github.com>
Installed-Size: $INSTALLED_SIZE
Depends: $DEPENDS
Recommends: gnome-keyring | kwalletmanager, fonts-noto-cjk
Homepage: https://github.com/poplark/poplark
Description: POP3 desktop mail client
 Poplark fetches mail over POP3 into a local SQLite inbox, byte for byte,
 with provider presets (QQ, 163, Gmail, Outlook, ...), full-text search
 (Chinese included), scheduled checks and a headless command line.
 Passwords are kept in the system keyring (gnome-keyring or KWallet).
CONTROL
# No maintainer scripts: dpkg triggers of the desktop-file, icon-cache and man-db packages update their
# caches when files land in their folders.

mkdir -p "$OUTDIR"
OUTPUT="$OUTDIR/${NAME}_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-xz}" --build "$ROOT" "$OUTPUT" >/dev/null
echo "$OUTPUT"

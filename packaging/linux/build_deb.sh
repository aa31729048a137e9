#!/bin/sh
# Build the Debian package from a PyInstaller onedir bundle:
#   packaging/linux/build_deb.sh VERSION [DIST] [OUTDIR]     (DIST defaults to dist/poplark, OUTDIR to dist)
# -> OUTDIR/poplark_VERSION_ARCH.deb with the bundle in /opt/poplark, /usr/bin/poplark, the desktop file,
# hicolor icons (scalable + PNG sizes from app/resources/icons), AppStream metainfo and the copyright file.
# DEB_COMPRESS=xz gives a smaller package for releases (much slower); zstd is the quick default.
set -eu
VERSION=${1:?usage: build_deb.sh VERSION [DIST] [OUTDIR]}
DIST=${2:-dist/poplark}
OUTDIR=${3:-dist}
NAME=poplark
APPID=io.github.poplark.Poplark
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
ICONS="$TOP/app/resources/icons"
ARCH=$(dpkg --print-architecture)

[ -x "$DIST/$NAME" ] || { echo "build_deb: no bundle at $DIST/$NAME (run make bundle first)" >&2; exit 1; }

ROOT=$(mktemp -d)
chmod 755 "$ROOT"  # mktemp -d makes it 0700, which would become the package's ./ (research R8)
trap 'rm -rf "$ROOT"' EXIT INT TERM
install -d "$ROOT/DEBIAN" "$ROOT/opt/$NAME" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
  "$ROOT/usr/share/icons/hicolor/scalable/apps" "$ROOT/usr/share/metainfo" "$ROOT/usr/share/doc/$NAME"
cp -a "$DIST/." "$ROOT/opt/$NAME/"
ln -s "/opt/$NAME/$NAME" "$ROOT/usr/bin/$NAME"
install -m644 "$HERE/$APPID.desktop" "$ROOT/usr/share/applications/"
install -m644 "$HERE/$APPID.metainfo.xml" "$ROOT/usr/share/metainfo/"
install -m644 "$HERE/copyright" "$ROOT/usr/share/doc/$NAME/copyright"
install -m644 "$ICONS/poplark.svg" "$ROOT/usr/share/icons/hicolor/scalable/apps/$APPID.svg"
for size in 16 32 48 64 128 256; do
  install -d "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps"
  install -m644 "$ICONS/poplark-$size.png" "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps/$APPID.png"
done
# Files from git may carry a restrictive umask; everything in a package is world-readable.
chmod -R u+rwX,go+rX,go-w "$ROOT"

desktop-file-validate "$ROOT/usr/share/applications/$APPID.desktop"
appstreamcli validate --no-net "$ROOT/usr/share/metainfo/$APPID.metainfo.xml" >/dev/null

INSTALLED_SIZE=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
# Depends: what the bundle needs from the system (objdump NEEDED of every bundled ELF minus what the bundle
# ships; glibc >= 2.36 because the bundle is built on Debian 12). The xcb helper libraries, fontconfig,
# freetype, ICU and gtk3 are copied into the bundle by PyInstaller (research P9).
cat > "$ROOT/DEBIAN/control" <<CONTROL
Package: $NAME
Version: $VERSION
Section: mail
Priority: optional
Architecture: $ARCH
Maintainer: The Poplark developers <poplark@users.noreply.github.com>
Installed-Size: $INSTALLED_SIZE
Depends: libc6 (>= 2.36), libgl1, libegl1, libxcb1, libdrm2, libwayland-client0, libwayland-cursor0, libwayland-egl1
Recommends: gnome-keyring | kwalletmanager, fonts-noto-cjk
Description: POP3 desktop mail client
 Poplark fetches mail over POP3 into a local SQLite inbox, byte for byte,
 with provider presets (QQ, 163, Gmail, Outlook, ...), full-text search
 (Chinese included), scheduled checks and a headless command line.
 Passwords are kept in the system keyring (gnome-keyring or KWallet).
CONTROL
for script in postinst postrm; do
  cat > "$ROOT/DEBIAN/$script" <<'SCRIPT'
#!/bin/sh
set -e
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d /usr/share/icons/hicolor ]; then
  gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
fi
exit 0
SCRIPT
  chmod 755 "$ROOT/DEBIAN/$script"
done

mkdir -p "$OUTDIR"
OUTPUT="$OUTDIR/${NAME}_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-zstd}" --build "$ROOT" "$OUTPUT" >/dev/null
echo "$OUTPUT"

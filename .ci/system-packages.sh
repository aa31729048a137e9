#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Poplark needs: `run` for the app, `test` for the test suite
# (adds Dovecot, a real keyring, Xvfb, mpop for the benchmark, and the desktop-file/AppStream
# validators the packaging tests use, zsh and groff to check the generated completion and man page), `package`
# for building and checking the .deb and the Windows installer (binutils: PyInstaller's objdump; patchelf,
# lintian: build_deb.sh and package_test.sh; pipx: make wheel-test). Uses sudo when not root, and does nothing when
# everything is already there.
set -euo pipefail

run_packages=(python3 python3-venv libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0
  libglib2.0-0 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 fonts-noto-cjk)
test_packages=(dovecot-pop3d dovecot-submissiond dovecot-lmtpd dbus gnome-keyring xvfb mpop dunst desktop-file-utils appstream zsh groff-base)
# PyInstaller copies the Qt runtime libraries above into the bundle, so `package` includes `run`.
package_packages=(binutils desktop-file-utils appstream dpkg-dev nsis patchelf lintian pipx)

wanted=("${run_packages[@]}")
case "${1:-run}" in
  run) ;;
  test) wanted+=("${test_packages[@]}") ;;
  package) wanted+=("${package_packages[@]}") ;;
  *) echo "usage: $0 [run|test|package]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-packages: not a Debian/Ubuntu system; install the Qt runtime libraries yourself" >&2
  exit 0
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "system-packages: missing ${missing[*]}; install them as root (apt-get install ...)" >&2
  exit 1
fi

dovecot_was_installed=no
dpkg-query -W -f='${Status}' dovecot-core 2>/dev/null | grep -q "install ok installed" && dovecot_was_installed=yes

echo "system-packages: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

# The tests run a private Dovecot on loopback; the system-wide one the package may have started
# is not needed, so a freshly installed one is stopped and disabled again.
if [ "$dovecot_was_installed" = no ] && command -v systemctl >/dev/null 2>&1 \
   && systemctl is-system-running >/dev/null 2>&1; then
  "${as_root[@]}" systemctl disable --now dovecot >/dev/null 2>&1 || true
fi

#!/bin/sh
# Check a built .deb with lintian, install it, check the installed app, its desktop integration, man page and
# completion, remove it again:
#   packaging/linux/package_test.sh dist/poplark_VERSION_ARCH.deb
# Needs root or sudo (apt-get). Refuses to run over a poplark that was already installed, and always
# removes the package it installed, also when a check fails. lintian must report no error (the overrides
# the package ships are explained in packaging/README.md); LINTIAN=0 skips it for a quick local run.
set -eu
DEB=${1:?usage: package_test.sh PACKAGE.deb}
if [ "${LINTIAN:-1}" != 0 ]; then
  # --tag-display-limit 0: every instance; --fail-on error: warnings are listed and explained, not fatal.
  lintian --fail-on error --tag-display-limit 0 "$DEB" || {
    echo "package-test: lintian found errors in $DEB (packaging/README.md says how each tag is handled)" >&2; exit 1; }
  echo "package-test: lintian reports no error"
fi
APPID=io.github.poplark.Poplark
if [ "$(id -u)" -eq 0 ]; then AS_ROOT=; else AS_ROOT=sudo; fi

if dpkg-query -W -f='${Status}' poplark 2>/dev/null | grep -q "install ok installed"; then
  echo "package-test: poplark is already installed here; remove it first (apt-get remove poplark)" >&2
  exit 1
fi
PROFILE=$(mktemp -d)
cleanup() {
  $AS_ROOT env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq --purge poplark >/dev/null 2>&1 || true
  rm -rf "$PROFILE"
}
trap cleanup EXIT INT TERM

case "$DEB" in /*) ;; *) DEB="./$DEB" ;; esac
$AS_ROOT env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$DEB" >/dev/null

# POPLARK_SELF_TEST_HTML=1: also render an HTML message, which proves the slimmed bundle still carries what
# QtWebEngine loads at run time (app/ui/self_test_html.py).
OUTPUT=$(timeout 180 env QT_QPA_PLATFORM=offscreen POPLARK_SELF_TEST_HTML=1 POPLARK_HOME="$PROFILE" \
  poplark --self-test 2>&1) || {
  echo "$OUTPUT"; echo "package-test: the installed poplark --self-test failed" >&2; exit 1; }
echo "$OUTPUT" | grep -v "propagateSizeHints"
echo "$OUTPUT" | grep -q "^self-test: ok" || { echo "package-test: no 'self-test: ok' line" >&2; exit 1; }
echo "$OUTPUT" | grep -q "^keyring: " || { echo "package-test: no keyring line" >&2; exit 1; }
echo "$OUTPUT" | grep -q "^search-index: lz4 " || { echo "package-test: LZ4 (the search index's text) is missing" >&2; exit 1; }
echo "$OUTPUT" | grep -q "^webengine: QtWebEngine " || { echo "package-test: QtWebEngine is missing from the bundle" >&2; exit 1; }
echo "$OUTPUT" | grep -q "^html: " || { echo "package-test: no HTML message rendered" >&2; exit 1; }
echo "$OUTPUT" | grep -q "^translations: poplark zh_CN, qtbase zh_CN" || {
  echo "package-test: Poplark's or Qt's Chinese translation is missing" >&2; exit 1; }
# The headless path too (the cron user's): every command module must be in the bundle.
for command in "account list" "list" "search test" "export --format mbox $PROFILE/all.mbox"; do
  # shellcheck disable=SC2086  # the command's words are meant to split
  timeout 60 env POPLARK_HOME="$PROFILE" poplark $command >/dev/null || {
    echo "package-test: the installed 'poplark $command' failed" >&2; exit 1; }
done

desktop-file-validate "/usr/share/applications/$APPID.desktop"
appstreamcli validate --no-net "/usr/share/metainfo/$APPID.metainfo.xml" >/dev/null
test -f "/usr/share/icons/hicolor/scalable/apps/$APPID.svg"
test -f "/usr/share/icons/hicolor/256x256/apps/$APPID.png"
test "$(readlink -f /usr/bin/poplark)" = /usr/lib/poplark/poplark
# The man page and the completion are where man, bash-completion and zsh look, and they load.
man -w poplark | grep -q "^/usr/share/man/man1/poplark.1.gz$"
test "$(zcat /usr/share/doc/poplark/changelog.gz | head -c 9)" = "poplark ("
bash -c '. /usr/share/bash-completion/completions/poplark && COMP_WORDS=(poplark fet) COMP_CWORD=1 && _shtab_poplark \
  && test "${COMPREPLY[*]}" = fetch' || { echo "package-test: bash completion of 'poplark fet' failed" >&2; exit 1; }
test -s /usr/share/zsh/vendor-completions/_poplark

$AS_ROOT env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq --purge poplark >/dev/null
if [ -e /usr/lib/poplark ] || [ -e /usr/bin/poplark ] || [ -e "/usr/share/applications/$APPID.desktop" ]; then
  echo "package-test: files left behind after apt-get remove --purge poplark" >&2
  exit 1
fi
echo "package-test: ok ($DEB installed, self-tested, validated and removed)"

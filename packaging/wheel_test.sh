#!/bin/sh
# Build the wheel and the sdist, install the wheel as a user would, away from the source tree, and check
# that it works: `make wheel-test` (CI runs it).
#   packaging/wheel_test.sh [OUTDIR]      (OUTDIR, default dist, receives poplark-VERSION.tar.gz and the .whl)
# For each of `pip install` into a fresh venv and `pipx install` (when pipx is there): `poplark --self-test`
# (icons, providers and translations load from the installed package, the window shows), then a CLI fetch
# over TLS from the fake POP3 server (tests/fakes/serve_pop3.py, 127.0.0.1 only) and `poplark list`.
# PYTHON (default .venv/bin/python) builds and runs the fake server: it needs `build` and `trustme`
# (the [package] and [test] extras). Everything else happens in a temporary directory, removed at the end.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=${1:-dist}
PYTHON=${PYTHON:-$TOP/.venv/bin/python}
case "$OUTDIR" in /*) ;; *) OUTDIR="$TOP/$OUTDIR" ;; esac
SUBJECT="Wheel test: a message from the fake server"  # tests/fakes/serve_pop3.py SUBJECT

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
fail() { echo "wheel-test: $*" >&2; exit 1; }

# -- build: python -m build makes the sdist, then the wheel from the sdist (so the sdist must be complete) --
mkdir -p "$OUTDIR"
rm -f "$OUTDIR"/poplark-*.whl "$OUTDIR"/poplark-*.tar.gz
"$PYTHON" -m build --outdir "$OUTDIR" "$TOP" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "python -m build failed"; }
WHEEL=$(ls "$OUTDIR"/poplark-*.whl)
SDIST=$(ls "$OUTDIR"/poplark-*.tar.gz)
echo "wheel-test: built $(basename "$SDIST") and $(basename "$WHEEL")"
# What the app reads at run time must be inside the wheel (the bug of issue 15: no resources, no icons).
"$PYTHON" - "$WHEEL" <<'PY' || fail "the wheel lacks run-time files"
import sys
import zipfile

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
wanted = ["app/resources/providers.json", "app/resources/icons/poplark-256.png",
          "app/resources/icons/get-mail.svg", "app/resources/translations/poplark_zh_CN.qm"]
missing = [name for name in wanted if name not in names]
stray = sorted(name for name in names if name.startswith(("tests/", "packaging/", "bench/")))
if missing or stray:
    sys.exit(f"missing {missing}, not meant to ship {stray[:5]}")
PY

# -- the fake POP3 server, from the checkout (it is test harness, not the installed app) ----------------------
mkdir "$WORK/server"
(cd "$TOP" && exec "$PYTHON" -m tests.fakes.serve_pop3 "$WORK/server" --seconds 900) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
tries=0
until [ -f "$WORK/server/port" ]; do
  tries=$((tries + 1))
  [ "$tries" -le 300 ] && kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; fail "the fake server did not start"; }
  sleep 0.1
done
PORT=$(cat "$WORK/server/port")

# check_install LABEL POPLARK PYTHON: the installed poplark self-tests and fetches, outside the tree.
check_install() {
  label=$1 poplark=$2 python=$3
  profile="$WORK/profile-$label"
  # Nothing may come from the checkout: run from the temporary directory with no PYTHONPATH.
  origin=$(cd "$WORK" && env -u PYTHONPATH "$python" -c 'import app; print(app.__file__)')
  case "$origin" in "$TOP"/*) fail "$label: app was imported from the source tree ($origin)" ;; esac
  output=$(cd "$WORK" && env -u PYTHONPATH QT_QPA_PLATFORM=offscreen POPLARK_HOME="$profile" \
    timeout 120 "$poplark" --self-test 2>&1) || { echo "$output"; fail "$label: poplark --self-test failed"; }
  echo "$output" | grep -q "^self-test: ok" || { echo "$output"; fail "$label: no 'self-test: ok' line"; }
  echo "$output" | grep -q "^resources: $TOP" && { echo "$output"; fail "$label: resources read from the source tree"; }
  echo "$output" | grep -q "^translations: " || { echo "$output"; fail "$label: the translations were not checked"; }
  (cd "$WORK" && printf 'secret\n' | env -u PYTHONPATH POPLARK_HOME="$profile" timeout 60 "$poplark" account add fake \
    --host 127.0.0.1 --port "$PORT" --security tls --user alice --ca-file "$WORK/server/ca.pem" \
    --leave-on-server --no-store-password) >/dev/null || fail "$label: poplark account add failed"
  (cd "$WORK" && printf 'secret\n' | env -u PYTHONPATH POPLARK_HOME="$profile" timeout 60 "$poplark" fetch fake \
    --password-stdin --quiet) >/dev/null || fail "$label: poplark fetch from the fake server failed"
  listing=$(cd "$WORK" && env -u PYTHONPATH POPLARK_HOME="$profile" timeout 60 "$poplark" list) \
    || fail "$label: poplark list failed"
  echo "$listing" | grep -q "$SUBJECT" || { echo "$listing"; fail "$label: the fetched message is not listed"; }
  echo "wheel-test: $label: self-test ok, fetched and listed the fake server's message"
}

# -- pip: a fresh venv in the temporary directory ----------------------------------------------------------
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$WHEEL" >"$WORK/pip.log" 2>&1 \
  || { cat "$WORK/pip.log"; fail "pip install of the wheel failed"; }
check_install pip "$WORK/venv/bin/poplark" "$WORK/venv/bin/python"

# -- pipx: its own home and bin directory in the temporary directory --------------------------------------
if command -v pipx >/dev/null 2>&1; then
  PIPX_HOME="$WORK/pipx" PIPX_BIN_DIR="$WORK/pipx-bin" pipx install "$WHEEL" >"$WORK/pipx.log" 2>&1 \
    || { cat "$WORK/pipx.log"; fail "pipx install of the wheel failed"; }
  check_install pipx "$WORK/pipx-bin/poplark" "$WORK/pipx/venvs/poplark/bin/python"
elif [ -n "${CI:-}" ]; then
  fail "pipx is missing (apt install pipx; .ci/system-packages.sh package installs it)"
else
  echo "wheel-test: pipx not installed, pipx install not checked (apt install pipx)"
fi
echo "wheel-test: ok ($(basename "$WHEEL") installed with pip$(command -v pipx >/dev/null 2>&1 && echo ' and pipx'), outside the source tree)"

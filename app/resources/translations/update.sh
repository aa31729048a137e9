#!/bin/sh
# Refresh Poplark's translations: extract every tr()/translate() string from app/ui into the .ts
# files (keeping existing translations, dropping vanished ones), then compile each .ts into the
# .qm the application loads (app/ui/application.py). Run from anywhere:
#     app/resources/translations/update.sh
# Translators edit the .ts (by hand or with pyside6-linguist); run this again to rebuild the .qm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bin="${POPLARK_QT_BIN:-$root/.venv/bin}"
languages="zh_CN"

cd "$root"
sources=$(find app/ui -name '*.py' | sort)
for language in $languages; do
    # -no-obsolete: a string removed from the code should not linger as a stale translation.
    # shellcheck disable=SC2086  # one argument per source file
    "$bin/pyside6-lupdate" -no-obsolete -locations relative -target-language "$language" \
        $sources -ts "app/resources/translations/poplark_$language.ts"
    "$bin/pyside6-lrelease" "app/resources/translations/poplark_$language.ts" \
        -qm "app/resources/translations/poplark_$language.qm"
done

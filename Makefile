# Poplark developer commands. `make run` and `make test` work on a fresh Debian/Ubuntu machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGE_STAMP := $(VENV)/.installed-package
VERSION = $(shell $(PYTHON) -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
ARCH = $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
DEB := dist/poplark_$(VERSION)_$(ARCH).deb

.PHONY: nsis-wine-test translations run test lint typecheck check bench clean system-run system-test system-package bundle deb package-test nsis wheel-test

run: system-run $(STAMP) translations
	$(BIN)/poplark

test: system-test $(STAMP) translations
	$(BIN)/ruff check .
	$(BIN)/mypy
	mkdir -p build
	$(BIN)/python -m pytest --junitxml=build/test-results.xml $(PYTEST_ARGS)

# The fast lane, under 90 s here: lint, types and every test but the Dovecot tier, with the kill -9
# and shared-store soaks cut short (make test runs them in full) and the tests spread over four
# workers (most of their time is spent waiting on sockets and subprocesses, not on the 2 cores).
check: $(STAMP) translations
	$(BIN)/ruff check .
	$(BIN)/mypy
	POPLARK_KILL9_ITERATIONS=2 POPLARK_KILL9_GUI_ITERATIONS=2 POPLARK_SHARED_STORE_SECONDS=3 \
	  $(BIN)/python -m pytest -q -m "not dovecot" -n 4 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

bench: system-test $(STAMP)
	$(BIN)/python bench/fetch_bench.py $(BENCH_ARGS)

system-run:
	./.ci/system-packages.sh run

system-test:
	./.ci/system-packages.sh test

system-package:
	./.ci/system-packages.sh package

# -- packaging: a PyInstaller onedir bundle, the .deb, and the Windows installer script -------------------
bundle: system-package $(PACKAGE_STAMP) translations
	rm -rf dist/poplark
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
	  packaging/poplark.spec
	packaging/linux/check_bundle.sh dist/poplark
	rm -rf build/self-test-profile
	timeout 120 env QT_QPA_PLATFORM=offscreen POPLARK_SELF_TEST_HTML=1 POPLARK_HOME=build/self-test-profile \
	  dist/poplark/poplark --self-test

deb: bundle
	rm -f dist/poplark_*.deb
	packaging/linux/build_deb.sh $(VERSION) dist/poplark dist

# Installs the .deb on this machine (root or sudo), self-tests the installed app, removes it again; lintian first.
package-test: deb
	packaging/linux/package_test.sh $(DEB)

# The wheel and the sdist (python -m build), the wheel installed with pip and with pipx outside the source
# tree, self-tested, and fetching from the fake POP3 server (packaging/wheel_test.sh).
wheel-test: system-package $(PACKAGE_STAMP) translations
	packaging/wheel_test.sh dist

# A syntax and build check of the Windows installer with a placeholder payload (the real payload is a
# PyInstaller bundle built on Windows: makensis -DSRCDIR=... -DVERSION=... packaging/windows/poplark.nsi).
nsis: system-package $(STAMP)
	rm -rf build/nsis-payload && mkdir -p build/nsis-payload/poplark/_internal
	printf MZ > build/nsis-payload/poplark/poplark.exe
	echo placeholder > build/nsis-payload/poplark/_internal/placeholder.txt
	$(BIN)/python packaging/windows/make_ico.py build/poplark.ico
	cd packaging/windows && makensis -V2 -WX -DVERSION=$(VERSION) -DSRCDIR=$(CURDIR)/build/nsis-payload/poplark \
	  -DICON=$(CURDIR)/build/poplark.ico -DOUTFILE=$(CURDIR)/build/Poplark-$(VERSION)-setup-placeholder.exe poplark.nsi
	@echo "nsis: build/Poplark-$(VERSION)-setup-placeholder.exe (placeholder payload)"

# Needs wine and wine64 (apt); not run by CI because wine is a large install.
nsis-wine-test: nsis
	xvfb-run -a sh packaging/windows/wine_smoke_test.sh build/Poplark-$(VERSION)-setup-placeholder.exe

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,package]"
	touch $(PACKAGE_STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info

# The compiled translations (.qm) are built from the translators' .ts files by setup and packaging;
# app/resources/translations/update.sh also re-extracts the strings from the code.
QM_FILES := $(patsubst %.ts,%.qm,$(wildcard app/resources/translations/*.ts))

translations: $(QM_FILES)

app/resources/translations/%.qm: app/resources/translations/%.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

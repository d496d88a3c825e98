# presswork — build the sample book's products and run the tests.
# `make epub` works on a fresh machine: it creates .venv first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK   ?= .
CATALOGUE ?= catalogue.yaml
OUT    ?=
PRODUCT ?= pdf
# --out only when OUT is given: presswork's default is the book's own build/ (BOOK/build).
OUT_OPTION = $(if $(OUT),--out $(OUT))

.PHONY: help install system-deps epub pdf kindle kobo digital web watch all every dist check proof test test-all bench images clean catalogue bench-catalogue

# Optional system tools: Java for EPUBCheck, calibre for the AZW3, poppler for PDF checks,
# HarfBuzz's subsetter for faster PDF font subsetting, Ghostscript's ICC profiles for PDF/X tests,
# Pandoc for the benchmark's comparison, Node.js and Chromium for DAISY Ace (accessibility checks),
# OpenSSH's sshd and ssh-keygen for the upload tests' SFTP server.
SYSTEM_PACKAGES := default-jre-headless calibre poppler-utils libharfbuzz-subset0 libgs-common ghostscript pandoc chromium openssh-server openssh-client libreoffice-writer-nogui
# Node.js from apt only where there is no npm yet: a Node.js installed otherwise bundles its own npm,
# which Debian's npm package conflicts with.
NODE_PACKAGES := nodejs npm
# DAISY Ace from npm; it drives Debian's chromium, so puppeteer and electron download no browser of their own.
ACE_PACKAGE := @daisy/ace@1
# axe-core from npm for the web edition's accessibility test (one script, injected into Debian's chromium by Playwright).
AXE_PACKAGE := axe-core@4
# pdf.js from npm as the real PDF annotator of the marks tests (the viewer Firefox ships, driven in Debian's chromium).
PDFJS_PACKAGE := pdfjs-dist@5

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

install: $(STAMP)  ## Create .venv and install presswork with its test tools (idempotent)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@command -v java >/dev/null || echo "note: Java is missing; EPUBCheck tests need it (apt-get install default-jre-headless)"
	touch $(STAMP)

system-deps:  ## Install optional system tools with apt-get, and DAISY Ace and axe-core with npm (needs root or sudo)
	@if command -v apt-get >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  PACKAGES="$(SYSTEM_PACKAGES) $$(command -v npm >/dev/null || echo $(NODE_PACKAGES))"; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$PACKAGES >/dev/null; \
	else echo "no apt-get here: install $(SYSTEM_PACKAGES) $(NODE_PACKAGES) with your package manager"; fi
	@if command -v ace-puppeteer >/dev/null; then :; \
	elif command -v npm >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO env ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm install -g --no-audit --no-fund --loglevel=error $(ACE_PACKAGE) >/dev/null; \
	else echo "no npm here: install Node.js, then npm install -g $(ACE_PACKAGE) for the accessibility tests"; fi
	@if command -v npm >/dev/null && [ -f "$$(npm root -g)/axe-core/axe.min.js" ]; then :; \
	elif command -v npm >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO npm install -g --no-audit --no-fund --loglevel=error $(AXE_PACKAGE) >/dev/null; \
	else echo "no npm here: install Node.js, then npm install -g $(AXE_PACKAGE) for the web edition's accessibility test"; fi
	@if command -v npm >/dev/null && [ -f "$$(npm root -g)/pdfjs-dist/build/pdf.mjs" ]; then :; \
	elif command -v npm >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO npm install -g --no-audit --no-fund --loglevel=error $(PDFJS_PACKAGE) >/dev/null; \
	else echo "no npm here: install Node.js, then npm install -g $(PDFJS_PACKAGE) for the marks tests' PDF annotator"; fi

epub: $(STAMP)  ## Build <slug>.epub in BOOK/build (or OUT) from the book in BOOK (default: this folder)
	$(BIN)/presswork build epub $(BOOK) $(OUT_OPTION)

pdf: $(STAMP)  ## Build <slug>.pdf, the print interior, in BOOK/build (or OUT)
	$(BIN)/presswork build pdf $(BOOK) $(OUT_OPTION)

kindle: $(STAMP)  ## Build <slug>-kindle.epub and, with calibre, <slug>.azw3 in BOOK/build (or OUT)
	$(BIN)/presswork build kindle $(BOOK) $(OUT_OPTION)

kobo: $(STAMP)  ## Build <slug>.kepub.epub, the Kobo kepub for side-loading, in BOOK/build (or OUT)
	$(BIN)/presswork build kobo $(BOOK) $(OUT_OPTION)

digital: $(STAMP)  ## Build <slug>-digital.pdf, the tagged screen edition (PDF/UA), in BOOK/build (or OUT)
	$(BIN)/presswork build digital $(BOOK) $(OUT_OPTION)

web: $(STAMP)  ## Build <slug>-web/, the web edition (a static site), in BOOK/build (or OUT)
	$(BIN)/presswork build web $(BOOK) $(OUT_OPTION)

watch: $(STAMP)  ## Live preview of the print PDF (PRODUCT=web|digital for another) on http://127.0.0.1:8000/, rebuilt on every save
	$(BIN)/presswork watch $(BOOK) --product $(PRODUCT) $(OUT_OPTION)

all: $(STAMP)  ## Build the EPUB, the print PDF and the Kindle files in BOOK/build (or OUT)
	$(BIN)/presswork build all $(BOOK) $(OUT_OPTION)

every: $(STAMP)  ## Build every product (all's, the Kobo kepub and the other editions) in BOOK/build (or OUT)
	$(BIN)/presswork build every $(BOOK) $(OUT_OPTION)

check: $(STAMP)  ## List the problems a machine can find in the manuscript
	$(BIN)/presswork check $(BOOK)

proof: $(STAMP)  ## Make review copies in BOOK/build/proof/ (PROOF-marked PDF, page PNGs, contact sheets)
	$(BIN)/presswork proof $(BOOK)

dist: $(STAMP)  ## Make the distribution bundle BOOK/dist/<ISBN>/ (store files, covers, ONIX, reports)
	$(BIN)/presswork dist $(BOOK)

catalogue: $(STAMP)  ## Build every book of CATALOGUE (default: the sample catalogue.yaml) on a Dask LocalCluster
	$(BIN)/presswork catalogue build $(CATALOGUE)

test: $(STAMP)  ## Run the quick tests: all but the full-size book's (pytest marker `slow`)
	$(BIN)/python -m pytest -q -m "not slow" --durations=15

test-all: $(STAMP)  ## Run every test, the full-size book's included (what CI runs)
	$(BIN)/python -m pytest -q

bench: $(STAMP)  ## Time each stage on a generated full-size book, `build epub` against Pandoc, and the importer
	$(BIN)/python tools/bench.py
	@if [ -f ../shared/corpus/legacy-export-excerpt.txt ]; then $(BIN)/python tools/bench_import.py; \
	else echo "importer benchmark skipped: no ../shared/corpus/legacy-export-excerpt.txt"; fi

bench-catalogue: $(STAMP)  ## Time a catalogue of 20 generated books: 1 worker against 2, and against `build all` of one book
	$(BIN)/python tools/bench_catalogue.py

images: $(STAMP)  ## Redraw the sample book's figures and cover
	$(BIN)/python tools/draw_images.py images

clean:  ## Remove this folder's build/ and dist/ and the test caches (keeps .venv and the build cache)
	rm -rf build dist .pytest_cache .hypothesis

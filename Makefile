# Storedesk: `make run` shows the product on the embedded demo shop, `make test` runs everything CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium

.PHONY: run test lint typecheck pytest chromium console-libs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP) console-libs
	$(BIN)/storedesk demo

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) chromium
	$(BIN)/pytest -q

# The widget's browser tests drive Debian's Chromium; install it when it is missing (as root,
# or through sudo without a password). Otherwise say why: those tests then skip, saying so.
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "Chromium is not at $(CHROMIUM) and this system has no apt-get: the browser tests will skip."; \
	elif [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || echo "Installing Chromium with apt-get failed: the browser tests will skip."; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  (sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || echo "Installing Chromium with sudo apt-get failed: the browser tests will skip."; \
	else \
	  echo "Chromium is not at $(CHROMIUM) and installing it needs root (sudo apt-get install chromium): the browser tests will skip."; \
	fi

# The console's window (Qt's X11 support) needs X11 libraries that minimal Debian and Ubuntu
# systems lack (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1…): install the missing ones (as
# root, or through sudo without a password), else say which. Without them the demo still runs,
# without a window, and says the same.
console-libs: $(STAMP)
	@missing="$$($(BIN)/python -m console.display)"; \
	if [ -z "$$missing" ]; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "The console window needs these libraries (Debian package names): $$missing."; \
	elif [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) \
	  || echo "Installing $$missing with apt-get failed: the console will say what is missing."; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  (sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) \
	  || echo "Installing $$missing with sudo apt-get failed: the console will say what is missing."; \
	else \
	  echo "The console window needs libraries this system lacks; install them with: sudo apt-get install $$missing"; \
	fi

bench: $(STAMP)
	$(BIN)/python -m bench.connectors
	$(BIN)/python -m bench.relay
	$(BIN)/python -m bench.channels
	$(BIN)/python -m bench.webhooks
	$(BIN)/python -m bench.widget
	$(BIN)/python -m bench.console_start
	$(BIN)/python -m bench.console_orders
	$(BIN)/python -m bench.console_analytics

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache artifacts

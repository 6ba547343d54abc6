# Storedesk: `make run` shows the product on the embedded demo shop, `make test` runs everything CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium
FIREFOX := /usr/bin/firefox-esr

.PHONY: run test lint typecheck pytest chromium firefox console-libs bench clean wordpress wordpress-plugin wordpress-pot wordpress-lint

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

pytest: $(STAMP) chromium firefox wordpress
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

# Some widget browser tests also run in Debian's Firefox ESR (driven over WebDriver BiDi; see
# tests/widget/browsers.py): install it like Chromium, else say why (those runs then skip).
firefox:
	@if [ -x $(FIREFOX) ]; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "Firefox ESR is not at $(FIREFOX) and this system has no apt-get: the Firefox browser tests will skip."; \
	elif [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr) \
	  || echo "Installing Firefox ESR with apt-get failed: the Firefox browser tests will skip."; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  (sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr) \
	  || echo "Installing Firefox ESR with sudo apt-get failed: the Firefox browser tests will skip."; \
	else \
	  echo "Firefox ESR is not at $(FIREFOX) and installing it needs root (sudo apt-get install firefox-esr): the Firefox browser tests will skip."; \
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

# The WordPress plugin's tests run a real WordPress on Debian's PHP (php -S) and the local
# MariaDB; xgettext makes its .pot, phpcs checks it. Install what is missing (as root, or
# through sudo without a password), else say why: the plugin tests then skip, saying so.
PHP_PACKAGES := php-cli php-mysql php-xml php-mbstring php-zip php-curl php-codesniffer phpunit gettext
wordpress:
	@if command -v php >/dev/null 2>&1 && php -m | grep -qx mysqli && command -v phpunit >/dev/null 2>&1 \
	  && command -v phpcs >/dev/null 2>&1 && command -v xgettext >/dev/null 2>&1; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "PHP with mysqli is missing and this system has no apt-get: the WordPress plugin tests will skip."; \
	elif [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PHP_PACKAGES)) \
	  || echo "Installing PHP with apt-get failed: the WordPress plugin tests will skip."; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  (sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PHP_PACKAGES)) \
	  || echo "Installing PHP with sudo apt-get failed: the WordPress plugin tests will skip."; \
	else \
	  echo "The WordPress plugin tests need PHP; install it with: sudo apt-get install $(PHP_PACKAGES)"; \
	fi

# The plugin as a zip to upload in WordPress (Plugins → Add New Plugin → Upload Plugin).
wordpress-plugin:
	$(PYTHON) wordpress-plugin/tools/build.py zip build/storedesk-wordpress.zip

# Regenerate wordpress-plugin/languages/storedesk.pot after changing the plugin's strings.
wordpress-pot: wordpress
	$(PYTHON) wordpress-plugin/tools/build.py pot

wordpress-lint: wordpress
	phpcs --standard=wordpress-plugin/phpcs.xml wordpress-plugin

bench: $(STAMP)
	$(BIN)/python -m bench.connectors
	$(BIN)/python -m bench.relay
	$(BIN)/python -m bench.channels
	$(BIN)/python -m bench.webhooks
	$(BIN)/python -m bench.widget
	$(BIN)/python -m bench.console_start
	$(BIN)/python -m bench.console_orders
	$(BIN)/python -m bench.console_analytics
	$(BIN)/python -m bench.console_inbox
	$(BIN)/python -m bench.soak

# The installers: the console and the relay in one folder (PyInstaller) and, on Linux, a .deb,
# then the smoke test of what was built (packaging/build.py; docs/deploy.md for the relay).
.PHONY: package
package: $(STAMP)
	$(BIN)/python packaging/build.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache artifacts

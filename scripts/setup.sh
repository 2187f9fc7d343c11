#!/usr/bin/env bash
# Installs what building and testing Disclosure Desk needs on Debian/Ubuntu, when missing:
# system libraries for Tauri (WebKitGTK), Xvfb and WebKitWebDriver for the window tests, CJK
# fonts, LibreOffice Calc and Chromium (export tests), sudo (the updater installs a .deb
# through it), the UI's npm packages, and tauri-driver.
# Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev pkg-config build-essential
  xvfb xauth webkit2gtk-driver imagemagick curl file fonts-noto-cjk e2fsprogs xdotool xclip
  samba smbclient smbnetfs
  # The ledger tests read the workbooks back with LibreOffice; the bundle's index page is
  # rendered in Chromium by the window tests.
  libreoffice-calc chromium
  # The paper forms' tests read the PDFs back (pdftotext, pdffonts) and draw them (pdftoppm).
  poppler-utils
  sudo
  # Another SM2 implementation (gmssl, from PyPI) checks our signatures in the Rust tests.
  python3-venv
  # The Windows build: MinGW-w64 cross-builds it, NSIS makes its installer, Wine runs the
  # CLI's tests against desk.exe and the installer silently.
  gcc-mingw-w64-x86-64 nsis wine64
)
bash scripts/install-missing.sh "${packages[@]}"

command -v cargo >/dev/null || { echo "Rust is needed: install it with rustup (https://rustup.rs)"; exit 1; }
command -v npm >/dev/null || { echo "Node.js 20+ and npm are needed"; exit 1; }
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt || true

if ! command -v tauri-driver >/dev/null; then
  echo "installing tauri-driver"
  cargo install tauri-driver --locked --version ^2
fi

# gmssl checks our signatures (desk-trust's tests); openpyxl writes the 台账 the window test imports.
if [ ! -x target/pytools/bin/python ] || ! target/pytools/bin/python -c "import gmssl, openpyxl" 2>/dev/null; then
  echo "installing gmssl and openpyxl for the tests"
  python3 -m venv target/pytools
  target/pytools/bin/pip install --quiet gmssl==3.2.2 openpyxl==3.1.5
fi

(cd ui && npm ci --no-audit --no-fund)

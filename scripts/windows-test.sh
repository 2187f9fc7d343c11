#!/usr/bin/env bash
# The Windows build of `desk`, cross-built here (x86_64-pc-windows-gnu, MinGW-w64) and run under
# Wine by the CLI's own integration tests in place of the Linux build: plan import, items,
# review, sign-off, sync through a folder, export, verify, printing, signing, the roster.
# Not part of scripts/test.sh yet (it adds about 15 minutes on a fresh machine). Needs Debian's
# gcc-mingw-w64-x86-64 and wine64 (installed here when missing) and rustup.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

packages=(gcc-mingw-w64-x86-64 wine64 perl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
rustup target list --installed | grep -q x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu

target="${CARGO_TARGET_DIR:-$root/target}"
echo "== desk.exe for x86_64-pc-windows-gnu"
cargo build --target x86_64-pc-windows-gnu -p desk-cli
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
cp "$target/x86_64-pc-windows-gnu/debug/desk.exe" "$run/"
x86_64-w64-mingw32-gcc -shared -O2 -o "$run/bcryptprimitives.dll" tests/windows/prng-shim.c -ladvapi32

wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
export WINE="$wine" WINEDEBUG=-all WINEPREFIX="$run/prefix" DESK_EXE="$run/desk.exe"
export DESK_UNDER_TEST="$root/tests/windows/desk-under-wine"
"$WINE" wineboot --init >/dev/null 2>&1 || true
echo "== the CLI's tests against desk.exe under Wine"
cargo test --no-fail-fast -p desk-cli --tests

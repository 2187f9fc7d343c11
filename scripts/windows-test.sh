#!/usr/bin/env bash
# Windows, tested here: cross-builds the app, desk.exe and the installer (scripts/build-windows.sh
# --test), then under Wine
#   - runs the CLI's own integration tests against desk.exe in place of the Linux build: plan
#     import, items, review, sign-off, sync through a folder, export, verify, printing, signing,
#     the roster, and the Windows-only tests (paths, a Linux and a Windows PC syncing);
#   - installs, updates and uninstalls with the installer (tests/windows/installer-test.sh).
# Part of scripts/test.sh. Needs Debian's gcc-mingw-w64-x86-64, nsis and wine64 (installed here
# when missing), xvfb, xdotool and imagemagick (scripts/setup.sh), and rustup.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

packages=(gcc-mingw-w64-x86-64 nsis wine64 perl xvfb xauth xdotool imagemagick)
bash scripts/install-missing.sh "${packages[@]}"

echo "== the app, desk.exe and the installer for Windows"
setup=$(bash scripts/build-windows.sh --test | tail -1)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
next=$(echo "$version" | awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }')
echo "== the installer of $next (the same files, announced as the next version)"
next_setup=$(DESK_WINDOWS_VERSION="$next" bash scripts/build-windows.sh --test | tail -1)

run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
cp "$root/target/windows/x86_64-pc-windows-gnu/debug/desk.exe" "$run/"
# Windows 10 and later have ProcessPrng, which Rust's standard library calls; Wine 8 lacks it.
x86_64-w64-mingw32-gcc -shared -O2 -o "$run/bcryptprimitives.dll" tests/windows/prng-shim.c -ladvapi32
x86_64-w64-mingw32-gcc -municode -O2 -o "$run/hold-file.exe" tests/windows/hold-file.c && export DESK_HOLD_FILE="$run/hold-file.exe"

wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
export WINE="$wine" WINEDEBUG=-all WINEPREFIX="$run/prefix" DESK_EXE="$run/desk.exe"
export WINEDLLOVERRIDES="winemenubuilder.exe=d"
export DESK_UNDER_TEST="$root/tests/windows/desk-under-wine"
# One wineserver for the whole run: one that quits between two tests' programs resets the
# connection of a program starting at that moment.
wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)
mkdir -p "$WINEPREFIX"
"$wineserver" -p
trap '"$wineserver" -k >/dev/null 2>&1 || true; rm -rf "$run"' EXIT
"$WINE" wineboot --init >/dev/null 2>&1 || true
echo "== the CLI's tests against desk.exe under Wine"
# Named with --workspace, so that cargo reuses the workspace's build of the test programs.
cli_tests=()
for file in src-tauri/crates/desk-cli/tests/*.rs; do
  cli_tests+=(--test "$(basename "$file" .rs)")
done
cargo test --no-fail-fast --workspace "${cli_tests[@]}"
unset DESK_UNDER_TEST DESK_EXE
"$wineserver" -k >/dev/null 2>&1 || true

echo "== the installer under Wine"
xvfb-run -a -s "-screen 0 1280x800x24" \
  bash tests/windows/installer-test.sh "$setup" "$next_setup" "$run/bcryptprimitives.dll"

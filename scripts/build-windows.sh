#!/usr/bin/env bash
# Cross-builds Disclosure Desk for Windows (x86_64-pc-windows-gnu, with Debian's MinGW-w64) and
# makes its installer with Debian's makensis:
#   target/windows/installer/Disclosure Desk_<version>_x64-setup.exe
# beside the files it installs (disclosure-desk.exe, desk.exe, WebView2Loader.dll).
#
#   bash scripts/build-windows.sh            # the release build, as shipped
#   bash scripts/build-windows.sh --test     # a quicker unoptimised build, for the tests under Wine
#
# Tauri's own bundler would download NSIS plugins, so the installer is our own script
# (src-tauri/windows/installer.nsi); like the bundler, this marks the app as installed by NSIS
# (the updater then hands it this kind of installer).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

profile=release
compressor=lzma
if [ "${1:-}" = "--test" ]; then
  profile=debug
  compressor=zlib
fi

packages=(gcc-mingw-w64-x86-64 nsis)
bash scripts/install-missing.sh "${packages[@]}"
rustup target list --installed | grep -q x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
[ -f ui/dist/index.html ] || (cd ui && npm ci --no-audit --no-fund && npm run build)

# Its own target folder: the Windows build's settings must not invalidate the Linux one's.
export CARGO_TARGET_DIR="$root/target/windows"
triple=x86_64-pc-windows-gnu
if [ "$profile" = debug ]; then
  # No debug information: the MinGW linker is then quick and the programs a tenth of the size.
  CARGO_PROFILE_DEV_DEBUG=0 cargo build --target "$triple" -p disclosure-desk -p desk-cli
else
  cargo build --release --target "$triple" -p disclosure-desk -p desk-cli
fi
built="$CARGO_TARGET_DIR/$triple/$profile"

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
version="${DESK_WINDOWS_VERSION:-$version}"
out="$CARGO_TARGET_DIR/installer"
stage="$out/files"
rm -rf "$stage"
mkdir -p "$stage"
cp "$built/disclosure-desk.exe" "$built/desk.exe" "$stage/"
loader=$(find "$built/build" -path '*webview2-com-sys-*/out/x64/WebView2Loader.dll' -print -quit)
[ -n "$loader" ] || { echo "WebView2Loader.dll was not found under $built/build" >&2; exit 1; }
cp "$loader" "$stage/"
cp icons/icon.ico "$stage/"
cp src-tauri/crates/desk-print/fonts/NOTICE "$stage/NOTICE.txt"

# What tauri-bundler does to an app it packages: the updater reads the installer kind from
# this placeholder in the executable. Exactly one must be found, or the build is wrong.
perl -e '
  my ($file) = @ARGV;
  open(my $fh, "+<:raw", $file) or die "$file: $!\n";
  local $/; my $bytes = <$fh>;
  my $count = () = $bytes =~ /__TAURI_BUNDLE_TYPE_VAR_UNK/g;
  die "$file: expected one bundle-type placeholder, found $count\n" unless $count == 1;
  $bytes =~ s/__TAURI_BUNDLE_TYPE_VAR_UNK/__TAURI_BUNDLE_TYPE_VAR_NSS/;
  seek($fh, 0, 0); print $fh $bytes; close($fh) or die "$file: $!\n";
' "$stage/disclosure-desk.exe"

setup="$out/Disclosure Desk_${version}_x64-setup.exe"
makensis -V2 -INPUTCHARSET UTF8 \
  "-DVERSION=$version" "-DSOURCE_DIR=$stage" "-DCOMPRESSOR=$compressor" "-DOUT_FILE=$setup" \
  src-tauri/windows/installer.nsi
echo "$setup"

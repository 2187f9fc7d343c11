#!/usr/bin/env bash
# Packaging and a real self-update, end to end: builds the release .deb of this version (N) and of
# N+1 with `tauri build`, makes an office key pair with `tauri signer generate`, publishes N+1 into a
# folder with `desk release publish` (as the README tells an office's IT person), installs N with
# dpkg, and drives the installed app under Xvfb: a tampered copy of N+1 is refused, the real one is
# verified and installed, and the app started again is N+1 (dpkg agrees). The package is removed
# at the end. Needs root or sudo (dpkg). Run by scripts/test.sh; by hand: bash scripts/package-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
tauri="$root/ui/node_modules/.bin/tauri"

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
next=$(echo "$version" | awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }')
work=$(mktemp -d)
cleanup() {
  "${sudo_cmd[@]}" dpkg -r disclosure-desk >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# What this test proves (the package installs, the update is verified and installed) does not
# depend on how hard the optimiser worked: it builds without whole-program LTO, in parallel
# units, which saves CI several minutes on 2 cores. Packages built for offices (tauri build) keep
# the release profile. PACKAGE_TEST_SHIPPING_PROFILE=1 tests with it.
if [ "${PACKAGE_TEST_SHIPPING_PROFILE:-0}" != 1 ]; then
  export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
fi

deb_of() { ls "$target"/release/bundle/deb/*_"$1"_amd64.deb; }

(cd ui && npm run build)
echo "== the release .deb of $version"
start=$(date +%s)
"$tauri" build --bundles deb
cp "$(deb_of "$version")" "$work/disclosure-desk_${version}_amd64.deb"
echo "   built in $(( $(date +%s) - start )) s"
echo "== the release .deb of $next (the same source, announced as the next version)"
start=$(date +%s)
"$tauri" build --bundles deb --config "{\"version\": \"$next\"}"
cp "$(deb_of "$next")" "$work/disclosure-desk_${next}_amd64.deb"
echo "   built in $(( $(date +%s) - start )) s"
dpkg-deb --info "$work/disclosure-desk_${version}_amd64.deb" | sed -n 's/^ *\(Package\|Version\|Depends\):/   &/p'
dpkg-deb --contents "$work/disclosure-desk_${version}_amd64.deb" | grep -E 'usr/bin/|icons/.*png|\.desktop' | sed 's/^/   /'

echo "== the office's key pair and the published release"
"$tauri" signer generate --ci -p "" -w "$work/office.key" >/dev/null
cargo build -p desk-cli
desk="$target/debug/desk"
OFFICE_KEY_PASSWORD="" "$desk" release publish "$work/disclosure-desk_${next}_amd64.deb" --version "$next" \
  --key "$work/office.key" --password-env OFFICE_KEY_PASSWORD --pubkey "$work/office.key.pub" \
  --to "$work/share/releases" --notes "版本 $next：测试更新"
"$desk" release check --folder "$work/share/releases" --pubkey "$work/office.key.pub" --current-version "$version"

echo "== install $version and update it from the folder"
"${sudo_cmd[@]}" dpkg -i "$work/disclosure-desk_${version}_amd64.deb"
test "$(dpkg-query -W -f='${Version}' disclosure-desk)" = "$version"
DESK_PACKAGE_WORK="$work" DESK_VERSION="$version" DESK_NEXT="$next" \
  xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 tests/package/
echo "installed after the update: $(dpkg-query -W -f='${Version}' disclosure-desk)"

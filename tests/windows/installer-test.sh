#!/usr/bin/env bash
# The Windows installer under Wine, as a clerk's PC and the updater use it:
#   installer-test.sh SETUP.exe NEXT-SETUP.exe SHIM.dll
# SETUP installs version N silently (per user, no administrator), the installed desk.exe runs and
# keeps its catalog under %APPDATA%; NEXT-SETUP (the same files announced as N+1) updates it the
# way the updater starts it (/P /UPDATE), keeping the catalog and the shortcuts as the person left
# them; the installed app shows what to do without WebView2; the uninstaller removes the program
# and keeps the catalog. Run under Xvfb (the passive installer and the app's message show windows).
# SHIM.dll stands in for Windows 10's bcryptprimitives.dll, which Wine 8 lacks; it goes into the
# prefix's system folder, not into the installed program.
set -euo pipefail
setup=$(realpath "$1")
next_setup=$(realpath "$2")
shim=$(realpath "$3")
artifacts="$(dirname "$0")/../e2e/.artifacts"
mkdir -p "$artifacts"
artifacts=$(realpath "$artifacts")

run=$(mktemp -d)
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)
cleanup() {
  "$wineserver" -k >/dev/null 2>&1 || true
  rm -rf "$run"
}
trap cleanup EXIT
# Wine links the Windows desktop to $HOME and makes Linux menu entries of shortcuts: neither may
# reach the real home.
export HOME="$run/home" WINEPREFIX="$run/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="winemenubuilder.exe=d"
mkdir -p "$HOME"
"$wine" wineboot --init >/dev/null 2>&1 || true
cp "$shim" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
# Windows shows Chinese through its fonts' links to a CJK font; Wine's own fonts have none, so
# link them to Noto Sans CJK (installed for the window tests) for the screenshots to be read.
for face in Tahoma "MS Shell Dlg" "MS Shell Dlg 2" "Microsoft Sans Serif"; do
  "$wine" reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\FontLink\SystemLink' \
    /v "$face" /t REG_MULTI_SZ /d 'NotoSansCJK-Regular.ttc,Noto Sans CJK SC' /f >/dev/null 2>&1 || true
done

user_dir="$WINEPREFIX/drive_c/users/$(id -un)"
programs="$user_dir/AppData/Local/Programs/Disclosure Desk"
data="$user_dir/AppData/Roaming/disclosure-desk"
start_menu="$user_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs"
desktop="$user_dir/Desktop"
key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\DisclosureDesk'
installed_desk='C:\users\'"$(id -un)"'\AppData\Local\Programs\Disclosure Desk\desk.exe'

checks=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok - $*"; }
registered_version() {
  "$wine" reg query "$key" /v DisplayVersion 2>/dev/null | tr -d '\r' | awk '/DisplayVersion/ { print $3 }'
}
shortcut_count() { find "$1/" -maxdepth 1 -name '政务公开工作台*.lnk' 2>/dev/null | wc -l; }
# Presses Return in a window (there is no window manager to activate it).
dismiss() {
  xdotool windowfocus --sync "$1" 2>/dev/null || true
  xdotool key --clearmodifiers Return
}
desk() { "$wine" "$installed_desk" "$@" 2>&1 | tr -d '\r'; }

window_named() {
  local found=""
  for _ in $(seq 1 60); do
    found=$(xdotool search --name "$1" 2>/dev/null | head -1 || true)
    [ -n "$found" ] && break
    sleep 0.5
  done
  echo "$found"
}

echo "== started by hand on a PC without WebView2, in Chinese: it says so before the first page"
LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$wine" "$setup" >/dev/null 2>&1 &
installer=$!
warning=$(window_named 'Disclosure Desk')
[ -n "$warning" ] || fail "the installer showed no window in Chinese"
sleep 1
import -window root "$artifacts/windows-installer-1-webview2.png" 2>/dev/null || true
dismiss "$warning"
sleep 2
wizard=$(window_named 'Disclosure Desk')
[ -n "$wizard" ] && [ "$wizard" != "$warning" ] || fail "no wizard after the WebView2 message"
import -window root "$artifacts/windows-installer-2-welcome.png" 2>/dev/null || true
kill "$installer" 2>/dev/null || true
"$wineserver" -k >/dev/null 2>&1 || true
[ ! -e "$programs" ] || fail "the abandoned installer installed something"
ok "a message about WebView2, then the Chinese wizard; nothing installed until asked"

echo "== install silently, per user"
"$wine" "$setup" /S || fail "the installer exited with $?"
for f in disclosure-desk.exe desk.exe WebView2Loader.dll uninstall.exe NOTICE.txt; do
  [ -f "$programs/$f" ] || fail "$f is not in the program folder"
done
ok "the program is in %LOCALAPPDATA%\\Programs\\Disclosure Desk"
[ "$(shortcut_count "$start_menu")" = 1 ] || fail "no Start-menu shortcut"
[ "$(shortcut_count "$desktop")" = 1 ] || fail "no desktop shortcut"
ok "a Start-menu and a desktop shortcut"
version=$(registered_version)
[ -n "$version" ] || fail "nothing is registered for Apps & features"
ok "registered for Apps & features as version $version"

echo "== the installed desk.exe runs, its catalog under %APPDATA%"
desk --version | grep -q "$version" || fail "desk.exe --version: $(desk --version)"
desk department add 规法处 >/dev/null || fail "desk.exe department add: $(desk department add 规法处)"
[ -f "$data/catalog.db" ] || fail "no catalog in %APPDATA%\\disclosure-desk"
desk department list | grep -q 规法处 || fail "the department is not listed: $(desk department list)"
ok "desk.exe $version keeps its catalog in %APPDATA%\\disclosure-desk"

echo "== the app without WebView2 says so in a message box"
"$wine" "$programs/disclosure-desk.exe" >"$run/app.out" 2>&1 &
app=$!
window=""
for _ in $(seq 1 60); do
  window=$(xdotool search --name '政务公开工作台 · Disclosure Desk' 2>/dev/null | head -1 || true)
  [ -n "$window" ] && break
  sleep 0.5
done
[ -n "$window" ] || { kill "$app" 2>/dev/null || true; fail "no message box: $(cat "$run/app.out")"; }
sleep 1
import -window root "$artifacts/windows-no-webview2.png" 2>/dev/null || true
dismiss "$window"
status=0
wait "$app" || status=$?
[ "$status" = 1 ] || fail "the app exited with $status after the message, expected 1"
grep -q "WebView2" "$run/app.out" || fail "the app did not name WebView2: $(cat "$run/app.out")"
ok "the app shows what is missing and what to do, and exits with 1"

echo "== update passively, as the updater starts the installer"
# The updater hands the installer to Windows only when the app says NSIS installed it.
grep -c __TAURI_BUNDLE_TYPE_VAR_NSS "$programs/disclosure-desk.exe" >/dev/null \
  || fail "the installed app does not say it was installed by NSIS"
ok "the installed app says NSIS installed it, so its updater runs this installer"
rm -f "$desktop"/政务公开工作台*.lnk
# As tauri-plugin-updater starts it: passive, an update, and the app started again afterwards;
# the app quits only after it has started the installer, so the installer waits for it.
"$wine" "$programs/disclosure-desk.exe" >/dev/null 2>&1 &
closing_app=$(window_named '政务公开工作台 · Disclosure Desk')
[ -n "$closing_app" ] || fail "the app did not open before the update"
"$wine" "$next_setup" /P /UPDATE /R &
update=$!
sleep 3
# The app quits on its own once the installer runs (here it is told to).
"$wine" taskkill /F /IM disclosure-desk.exe >/dev/null 2>&1 || fail "the app could not be ended"
update_status=0
wait "$update" || update_status=$?
[ "$update_status" = 0 ] || fail "the update exited with $update_status"
restarted=$(window_named '政务公开工作台 · Disclosure Desk')
[ -n "$restarted" ] || fail "the app was not started again after the update"
dismiss "$restarted"
"$wineserver" -w
ok "the app started again after the update (here: its message without WebView2)"
next_version=$(registered_version)
[ "$next_version" != "$version" ] || fail "still registered as $version after the update"
ok "registered as $next_version after the update"
[ "$(shortcut_count "$desktop")" = 0 ] || fail "the update put back a shortcut the person had deleted"
[ "$(shortcut_count "$start_menu")" = 1 ] || fail "the update lost the Start-menu shortcut"
ok "the shortcuts stay as the person left them"
desk department list | grep -q 规法处 || fail "the catalog lost its department in the update"
ok "the catalog is untouched by the update"

echo "== an uninstall while the app is open changes nothing"
"$wine" "$programs/disclosure-desk.exe" >/dev/null 2>&1 &
open_app=$(window_named '政务公开工作台 · Disclosure Desk')
[ -n "$open_app" ] || fail "the app did not open"
"$wine" "$programs/uninstall.exe" /S || true
sleep 20
[ -f "$programs/disclosure-desk.exe" ] && [ -f "$programs/desk.exe" ] && [ -f "$programs/uninstall.exe" ] \
  || fail "the uninstaller removed files while the app was open: $(ls "$programs")"
[ -n "$(registered_version)" ] || fail "the uninstaller unregistered the app while it was open"
ok "the uninstaller waited for the open app, gave up and left everything as it was"
dismiss "$open_app"
"$wineserver" -w

echo "== uninstall silently: the program goes, the catalog stays"
"$wine" "$programs/uninstall.exe" /S || fail "the uninstaller exited with $?"
# The uninstaller runs from a copy in %TEMP% and returns at once: wait for it.
for _ in $(seq 1 60); do
  [ -e "$programs/desk.exe" ] || break
  sleep 0.5
done
"$wineserver" -w
[ ! -e "$programs" ] || fail "the program folder is still there: $(ls "$programs")"
[ "$(shortcut_count "$start_menu")" = 0 ] || fail "the Start-menu shortcut is still there"
[ -z "$(registered_version)" ] || fail "still registered for Apps & features"
ok "program, shortcuts and registration removed"
[ -f "$data/catalog.db" ] || fail "the uninstaller removed the catalog"
ok "the catalog in %APPDATA%\\disclosure-desk is kept"

echo "$checks passed, 0 failed"

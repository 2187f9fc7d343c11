#!/usr/bin/env bash
# A real SMB share for the sync tests: Samba serves a folder on 127.0.0.1, and two FUSE mounts
# (smbnetfs, one per simulated office PC, each with its own client cache) reach it the way an
# office PC reaches \\server\share. Needs root (FUSE mounts) and the packages scripts/setup.sh
# installs (samba, smbnetfs).
#
#   share.sh start DIR   prints the two mounted paths of the same share folder, one per line
#   share.sh stop DIR    unmounts both and stops Samba
set -euo pipefail

command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || { echo "usage: share.sh start|stop DIR" >&2; exit 2; }
# smbnetfs (libsmbclient) reaches servers on the standard port only.
port=445

mounts=(pc-a pc-b)

start() {
  mkdir -p "$dir"/{export,state,lock,pid,private,cache,log}
  chmod 777 "$dir/export"
  cat >"$dir/smb.conf" <<CONF
[global]
  workgroup = WORKGROUP
  server role = standalone server
  interfaces = 127.0.0.1
  bind interfaces only = yes
  smb ports = $port
  disable netbios = yes
  map to guest = Bad User
  guest account = root
  state directory = $dir/state
  lock directory = $dir/lock
  pid directory = $dir/pid
  private dir = $dir/private
  cache directory = $dir/cache
  log file = $dir/log/smbd.log
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
[desk]
  path = $dir/export
  read only = no
  guest ok = yes
  force user = root
CONF
  smbd --foreground --no-process-group -s "$dir/smb.conf" >"$dir/log/foreground.log" 2>&1 &
  echo $! >"$dir/smbd.pid"
  for _ in $(seq 1 50); do
    if smbclient -N -p "$port" //127.0.0.1/desk -c ls >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  smbclient -N -p "$port" //127.0.0.1/desk -c ls >/dev/null 2>&1 || {
    echo "Samba did not start; its log:" >&2; cat "$dir/log/"*.log >&2; exit 1; }

  for pc in "${mounts[@]}"; do
    local home="$dir/$pc-home" mnt="$dir/$pc"
    mkdir -p "$home/.smb" "$mnt"
    printf 'auth "guest" ""\n' >"$home/.smb/smbnetfs.auth"
    printf 'host 127.0.0.1 visible=true\n' >"$home/.smb/smbnetfs.host"
    printf 'include "smbnetfs.auth"\ninclude "smbnetfs.host"\nsmb_query_browsers false\nshow_$_shares false\n' \
      >"$home/.smb/smbnetfs.conf"
    printf '[global]\n  client min protocol = SMB2\n' >"$home/.smb/smb.conf"
    chmod 600 "$home/.smb/"*
    HOME="$home" smbnetfs "$mnt" -o allow_other >"$dir/log/$pc-smbnetfs.log" 2>&1
    for _ in $(seq 1 50); do
      [ -d "$mnt/127.0.0.1/desk" ] && break
      sleep 0.2
    done
    [ -d "$mnt/127.0.0.1/desk" ] || { echo "the share did not appear under $mnt" >&2; exit 1; }
    echo "$mnt/127.0.0.1/desk"
  done
}

stop() {
  for pc in "${mounts[@]}"; do
    if mountpoint -q "$dir/$pc" 2>/dev/null; then umount "$dir/$pc" || umount -l "$dir/$pc"; fi
  done
  if [ -f "$dir/smbd.pid" ]; then
    kill "$(cat "$dir/smbd.pid")" 2>/dev/null || true
    rm -f "$dir/smbd.pid"
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: share.sh start|stop DIR" >&2; exit 2 ;;
esac

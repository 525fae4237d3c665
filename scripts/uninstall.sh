#!/usr/bin/env bash
# Removes what scripts/install.sh installed. Configuration (/etc/medic, and the polkit rule's link and
# list of units) and state (/var/lib/medic) stay unless --purge is given; the user medic stays either
# way, as Debian policy advises for a purge (its uid may still own files elsewhere).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

purge=false
case "${1:-}" in
  --purge) purge=true ;;
  "") ;;
  *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "uninstall.sh: run as root" >&2; exit 1; }

if [ -d /run/systemd/system ]; then
  systemctl disable --now medic.service >/dev/null 2>&1 || true
fi
rm -f /etc/systemd/system/medic.service /usr/bin/medic
rm -rf /usr/share/medic /var/cache/medic
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi
if $purge; then
  rm -rf /etc/medic /var/lib/medic
  # The polkit rule's link and its list of units, if the administrator made them.
  for rule in /etc/polkit-1/rules.d/*.rules; do
    if [ -L "$rule" ] && [ "$(readlink -m "$rule")" = /usr/share/medic/polkit/50-medic.rules ]; then
      rm -f "$rule"
    fi
  done
  rm -f /etc/polkit-1/medic-restartable-units
  log "medic removed with its configuration and state; the user medic is kept, as a Debian purge keeps it (userdel medic removes it)"
else
  log "medic removed; /etc/medic and /var/lib/medic are kept (--purge removes them), and the user medic"
fi

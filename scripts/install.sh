#!/usr/bin/env bash
# Installs medic as a systemd service on a host without dpkg, from a built jar (target/medic.jar, or
# --jar FILE): the same files, user and unit as the Debian package. Run again to upgrade in place; the
# configuration and state are kept. Undo with scripts/uninstall.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

jar="$MEDIC_ROOT/target/medic.jar"
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    -h|--help) echo "usage: $0 [--jar FILE]"; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (usage: $0 [--jar FILE])" >&2; exit 2 ;;
  esac
done

[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
if command -v dpkg >/dev/null 2>&1 && dpkg -s medic >/dev/null 2>&1; then
  echo "install.sh: the medic Debian package is installed; upgrade it with apt instead" >&2
  exit 1
fi
if [ ! -f "$jar" ]; then
  ensure_jar
fi
java_version="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [ -z "$java_version" ] || [ "${java_version%%.*}" -lt 17 ]; then
  echo "install.sh: medic needs a Java 17 or later runtime on PATH (found: ${java_version:-none})" >&2
  exit 1
fi

nologin="$(command -v nologin || echo /usr/sbin/nologin)"
getent group docker >/dev/null || groupadd --system docker
if ! getent passwd medic >/dev/null; then
  useradd --system --user-group --home-dir /var/lib/medic --no-create-home --shell "$nologin" \
    --comment "medic watchdog" medic
fi
usermod -a -G docker medic

install -D -m 0644 "$jar" /usr/share/medic/medic.jar
install -D -m 0755 "$MEDIC_ROOT/packaging/bin/medic" /usr/bin/medic
install -D -m 0755 "$MEDIC_ROOT/packaging/bin/make-cds-archive" /usr/share/medic/make-cds-archive
# The polkit rule for unit restarts, disabled as in the package (README, "Installing it as a service").
install -D -m 0644 "$MEDIC_ROOT/packaging/polkit/50-medic.rules" /usr/share/medic/polkit/50-medic.rules
/usr/share/medic/make-cds-archive /usr/share/medic/medic.jar /var/cache/medic/medic.jsa
# The config may hold probe headers or a URL with a token: root and the service read it, nobody else.
install -d -g medic -m 0750 /etc/medic /etc/medic/conf.d
if [ ! -e /etc/medic/medic.conf ]; then
  install -g medic -m 0640 "$MEDIC_ROOT/conf/medic.conf" /etc/medic/medic.conf
fi
install -d -o medic -g medic -m 0750 /var/lib/medic
# /etc/systemd/system: the unit belongs to the administrator, not to a package manager.
install -D -m 0644 "$MEDIC_ROOT/systemd/medic.service" /etc/systemd/system/medic.service

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable medic.service >/dev/null 2>&1
  if systemctl is-active --quiet medic.service; then
    systemctl restart medic.service
  else
    systemctl start medic.service
  fi
  log "medic installed and running: systemctl status medic; journalctl -u medic"
else
  log "medic installed; systemd is not running here, so start it yourself: medic run"
fi

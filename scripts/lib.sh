# Shared helpers for scripts/test and scripts/demo (sourced, not run). They prepare a fresh Debian
# machine: packages from apt, a running dockerd, and the tiny busybox image (no registry is needed).

MEDIC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '==> %s\n' "$*" >&2; }

# Installs the given Debian packages with apt (as root), quietly.
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    log "missing packages: $* (run as root to install them with apt)"
    return 1
  fi
  log "installing with apt: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@" >/dev/null
}

# Installs with apt whatever is missing of what medic and its demo need: docker.io, docker-compose,
# busybox-static (the demo's image), a JDK and Maven. Nothing else: on an operator's server the
# demo must not bring databases that would start and take their ports.
ensure_prereqs() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
}

# What the test suite needs beyond ensure_prereqs: debootstrap and systemd-nspawn for the systemd
# end-to-end test, redis-server and PostgreSQL, which the probe tests start as their own instances
# on loopback, chromium, in which StatusPageIT renders the status page headless, lintian for the
# built .deb and man-db, with which the man page test renders medic.1 as lintian does. Their services
# are neither started nor enabled by the install (apt_install_quietly).
ensure_test_prereqs() {
  ensure_prereqs
  local missing=()
  command -v lintian >/dev/null 2>&1 || missing+=(lintian)
  command -v man >/dev/null 2>&1 || missing+=(man-db)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v systemd-nspawn >/dev/null 2>&1 || missing+=(systemd-container)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install_quietly "${missing[@]}"
  fi
}

# Installs packages with apt without starting or enabling the services they bring: Debian's
# policy-rc.d answer 101 ("action forbidden") stops the maintainer scripts from starting them, and the
# units of the packages installed here (never of ones the machine had: an operator's own database stays
# as it was) are disabled again. A policy-rc.d the machine already has is put back, also when the
# install is interrupted.
apt_install_quietly() {
  local policy=/usr/sbin/policy-rc.d saved="" had_postgresql=""
  # postgresql.service starts every cluster on the host: if PostgreSQL was here before, it is the
  # operator's, and its unit is left as it is.
  dpkg -s postgresql-common >/dev/null 2>&1 && had_postgresql=yes
  if [ -e "$policy" ]; then
    saved="$(mktemp)"
    cp -p "$policy" "$saved"
  fi
  restore_policy() {
    if [ -n "$saved" ]; then
      mv "$saved" "$policy"
    else
      rm -f "$policy"
    fi
  }
  trap 'restore_policy; trap - INT TERM; kill -INT $$' INT TERM
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
  local status=0
  apt_install "$@" || status=$?
  restore_policy
  trap - INT TERM
  local package unit
  for package in "$@"; do
    case "$package" in
      redis-server) unit=redis-server.service ;;
      postgresql*) [ -z "$had_postgresql" ] || continue; unit=postgresql.service ;;
      *) continue ;;
    esac
    if command -v deb-systemd-helper >/dev/null 2>&1; then
      deb-systemd-helper disable "$unit" >/dev/null 2>&1 || true
    fi
  done
  return $status
}

# The Debian mirror this machine's apt uses (deb822 .sources first, then sources.list): the first
# URI that serves the release's main suite, so debootstrap fetches from where apt does and no mirror
# is written into the project.
apt_mirror() {
  local release="${1:-bookworm}" uri
  uri="$(awk -v rel="$release" '
    /^[[:space:]]*#/ { next }
    /^URIs:/ { uris = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == rel) found = 1 }
    /^[[:space:]]*$/ { if (found && uris != "") { print uris; exit } ; uris = ""; found = 0 }
    END { if (found && uris != "") print uris }
  ' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)"
  if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
    uri="$(awk -v rel="$release" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
      if ($(i + 1) == rel) { print $i; exit } }' /etc/apt/sources.list)"
  fi
  if [ -z "$uri" ]; then
    # Another release on the host (trixie, sid): a Debian mirror serves every release under one base.
    uri="$(awk '/^[[:space:]]*#/ { next } /^Types:/ { deb = ($0 ~ /[[:space:]]deb([[:space:]]|$)/) }
      /^URIs:/ && deb && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)"
  fi
  if [ -z "$uri" ]; then
    log "no apt source for $release found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
    return 1
  fi
  printf '%s\n' "$uri"
}

# Starts Docker unless a daemon already answers: with `systemctl start docker` where systemd runs
# the host (a second dockerd beside the system's would fight over its socket and state), else dockerd
# in the background (log under target/).
ensure_dockerd() {
  if docker info >/dev/null 2>&1; then
    return 0
  fi
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    log "starting Docker: systemctl start docker"
    systemctl start docker
  else
    mkdir -p "$MEDIC_ROOT/target"
    log "starting dockerd (log: target/dockerd.log)"
    nohup dockerd >"$MEDIC_ROOT/target/dockerd.log" 2>&1 &
  fi
  local i
  for i in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  if [ -d /run/systemd/system ]; then
    log "Docker did not come up within 60 s; see journalctl -u docker"
  else
    log "dockerd did not come up within 60 s; see target/dockerd.log"
    tail -n 20 "$MEDIC_ROOT/target/dockerd.log" >&2 || true
  fi
  return 1
}

# Builds IMAGE with `docker import` from /bin/busybox and its applet links, unless it exists.
ensure_busybox_image() {
  local image="$1"
  if docker image inspect "$image" >/dev/null 2>&1; then
    return 0
  fi
  if [ ! -x /bin/busybox ]; then
    log "busybox-static is needed at /bin/busybox to build $image"
    return 1
  fi
  log "building image $image from busybox-static"
  local root
  root="$(mktemp -d)"
  mkdir -p "$root/bin" "$root/tmp" "$root/www"
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in sh httpd sleep cat echo test touch rm kill false true ls mkdir printf wget '['; do
    ln -s busybox "$root/bin/$applet"
  done
  tar -C "$root" -c . | docker import - "$image" >/dev/null
  rm -rf "$root"
}

# Builds target/medic.jar when it is missing or older than the sources.
ensure_jar() {
  local jar="$MEDIC_ROOT/target/medic.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$MEDIC_ROOT/src" "$MEDIC_ROOT/pom.xml" -newer "$jar" -print -quit)" ]; then
    log "building target/medic.jar"
    (cd "$MEDIC_ROOT" && mvn -B -q -DskipTests package) >&2
  fi
  if [ ! -f "$MEDIC_ROOT/target/medic.jsa" ] || [ "$jar" -nt "$MEDIC_ROOT/target/medic.jsa" ]; then
    "$MEDIC_ROOT/packaging/bin/make-cds-archive" "$jar" "$MEDIC_ROOT/target/medic.jsa"
  fi
}

# The packages of the Debian rootfs that the systemd end-to-end test boots with systemd-nspawn:
# systemd as init, the runtime that medic's .deb depends on, and the tools the test uses inside:
# docker-compose (v1) for the service's project restarts, polkitd for its unit restarts, and
# libpam-systemd, which polkitd needs (its logind dependency is virtual, and debootstrap resolves
# only real packages). The rootfs cache is keyed by this list: changing it builds a new rootfs once.
TEST_ROOTFS_PACKAGES="systemd,systemd-sysv,dbus,adduser,procps,openjdk-17-jre-headless,docker-compose,polkitd,libpam-systemd"

# Prints the path of a debootstrapped Debian bookworm rootfs for the systemd end-to-end test,
# building it once. It is cached outside the checkout (MEDIC_ROOTFS_CACHE, default
# /var/cache/medic-test) under a name that changes with its package list, so later runs and fresh
# clones reuse it; a build is made in a temporary folder and renamed only when complete.
ensure_test_rootfs() {
  cached_rootfs bookworm "$TEST_ROOTFS_PACKAGES" lib/systemd/systemd usr/bin/java
}

# Prints the path of a Debian bookworm tree with PACKAGES (comma-separated) under
# $MEDIC_ROOTFS_CACHE (default /var/cache/medic-test), debootstrapped once from the machine's own apt
# mirror: NAME-KEY, KEY a hash of the list, so that a change of packages makes a new tree. The
# remaining arguments are files (relative) that a finished tree has; a tree without them is made again.
cached_rootfs() {
  local name="$1" packages="$2"
  shift 2
  local cache="${MEDIC_ROOTFS_CACHE:-/var/cache/medic-test}"
  local key
  key="$(printf '%s' "$packages" | sha1sum | cut -c1-12)"
  local rootfs="$cache/$name-$key" f complete=1
  for f in "$@"; do
    [ -e "$rootfs/$f" ] || complete=0
  done
  if [ "$complete" = 1 ]; then
    printf '%s\n' "$rootfs"
    return 0
  fi
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  mkdir -p "$cache"
  local building="$cache/.building-$name-$key.$$"
  rm -rf "$building"
  log "debootstrapping Debian bookworm into $rootfs (once; a few minutes)"
  local mirror
  mirror="$(apt_mirror bookworm)" || return 1
  if ! debootstrap --variant=minbase --include="$packages" bookworm "$building" \
      "$mirror" >"$cache/debootstrap-$name-$key.log" 2>&1; then
    log "debootstrap failed; see $cache/debootstrap-$name-$key.log"
    tail -n 20 "$cache/debootstrap-$name-$key.log" >&2
    rm -rf "$building"
    return 1
  fi
  echo medic-e2e >"$building/etc/hostname"
  rm -rf "$building/var/cache/apt/archives/"*.deb
  mv "$building" "$rootfs"
  printf '%s\n' "$rootfs"
}

# The seed stack's software, all from Debian: nginx in front of gunicorn and Flask, PostgreSQL 15,
# Redis, and Python for the worker (a small queue consumer on Redis).
STACK_ROOTFS_PACKAGES="nginx-light,gunicorn,python3-flask,python3-psycopg2,python3-redis,postgresql-15,redis-server,procps"

# Prints the name of the Docker image of the seed stack (medic-stack:KEY), imported once into this
# dockerd from a cached Debian tree with STACK_ROOTFS_PACKAGES; each compose service runs its own
# command in it.
ensure_stack_image() {
  local rootfs key image
  rootfs="$(cached_rootfs stack "$STACK_ROOTFS_PACKAGES" usr/sbin/nginx usr/lib/postgresql/15/bin/postgres \
    usr/bin/redis-server usr/bin/gunicorn)" || return 1
  key="${rootfs##*-}"
  image="medic-stack:$key"
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    log "importing $rootfs as $image"
    tar -C "$rootfs" --numeric-owner -c . | docker import - "$image" >/dev/null || return 1
  fi
  printf '%s\n' "$image"
}

# Stops dockerd the way a package upgrade does (SIGTERM, which stops its containers first) and waits
# up to 60 s for it to exit.
stop_dockerd() {
  local pid i
  pid="$(pidof dockerd || true)"
  if [ -n "$pid" ]; then
    log "stopping dockerd ($pid)"
    kill -TERM $pid
    for i in $(seq 1 120); do
      kill -0 $pid 2>/dev/null || break
      sleep 0.5
    done
  fi
}

# Stops the running dockerd and starts a new one (the chaos soak's dockerd restart).
restart_dockerd() {
  stop_dockerd
  ensure_dockerd
}

# Prints the path of /usr/bin/BINARY from Debian's PACKAGE, unpacked (not installed: no service is
# started) under /var/cache/medic-test/PACKAGE.
unpacked_tool() {
  local package="$1" binary="$2"
  local dir="/var/cache/medic-test/$package"
  local tool="$dir/root/usr/bin/$binary"
  if [ ! -x "$tool" ]; then
    log "unpacking $binary from Debian's $package package into $dir"
    mkdir -p "$dir"
    apt-get update -qq >&2
    (cd "$dir" && rm -f "${package}"_*.deb && apt-get download "$package" >&2 2>/dev/null)
    dpkg-deb -x "$dir/${package}"_*.deb "$dir/root"
  fi
  printf '%s\n' "$tool"
}

# promtool, for the test of the alert rules in conf/prometheus.
ensure_promtool() { unpacked_tool prometheus promtool; }

# monit, for the benchmark that compares medic with it.
ensure_monit() { unpacked_tool monit monit; }

# Runs a harness of bench/harness (Bench or Chaos) with JVM options: compiles the harness sources, which
# share Harness.java, into target/harness first. `run_harness Bench -Xmx512m -- ARGS...`.
run_harness() {
  local main="$1"; shift
  local jvm=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do jvm+=("$1"); shift; done
  [ "$#" -gt 0 ] && shift
  local out="$MEDIC_ROOT/target/harness"
  rm -rf "$out" && mkdir -p "$out"
  javac -d "$out" "$MEDIC_ROOT"/bench/harness/*.java
  exec java "${jvm[@]}" -cp "$out" "$main" "$@"
}

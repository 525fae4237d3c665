#!/bin/sh
# PostgreSQL 15 in the foreground on 127.0.0.1:$DB_PORT. The cluster Debian's package made is copied into
# the named volume the first time; trust on loopback, since this is a test fixture and medic's postgres
# probe connects without a password. After a kill -9 PostgreSQL replays its WAL here (crash recovery).
set -e
exec /usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main \
  -c config_file=/etc/postgresql/15/main/postgresql.conf \
  -c hba_file=/stack/pg_hba.conf \
  -c port="$DB_PORT" -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories=/tmp -c ssl=off -c fsync=on

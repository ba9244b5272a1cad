#!/usr/bin/env bash
# A PostgreSQL server for the discovery node's tests, under the project's cache (never the system cluster).
#   scripts/postgres.sh start   install the server if missing (Debian, as root), init and start it; print its URL
#   scripts/postgres.sh stop    stop it
#   scripts/postgres.sh url     print its URL if it runs
# The test command exports AUDIUS_TEST_POSTGRES_URL from `start`, so the discovery-node tests also run on PostgreSQL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
port="${AUDIUS_PG_PORT:-54329}"
# Outside $HOME: as root the server runs as the postgres user, which cannot enter /root.
data="${AUDIUS_PG_DATA:-/var/tmp/audius-protocol/postgres}"
url="postgres://postgres@127.0.0.1:$port/postgres"

bin_dir() {
  if command -v pg_ctl > /dev/null; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1
}

# initdb and postgres refuse to run as root: run them as the postgres user the Debian package creates.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    dir="$(bin_dir)"
    if [[ -z "$dir" || ! -x "$dir/pg_ctl" ]]; then
      if [[ "$(id -u)" == 0 ]] && command -v apt-get > /dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql > /dev/null
        dir="$(bin_dir)"
      else
        echo "PostgreSQL is not installed and cannot be installed here" >&2; exit 1
      fi
    fi
    if ! as_owner "$dir/pg_ctl" -D "$data" status > /dev/null 2>&1; then
      mkdir -p "$data"
      [[ "$(id -u)" == 0 ]] && chown postgres: "$data" && chmod 700 "$data"
      [[ -f "$data/PG_VERSION" ]] || as_owner "$dir/initdb" -D "$data" -U postgres --auth=trust > /dev/null
      as_owner "$dir/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-p $port -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off" start > /dev/null
    fi
    echo "$url"
    ;;
  stop)
    dir="$(bin_dir)"
    as_owner "$dir/pg_ctl" -D "$data" -m fast stop > /dev/null 2>&1 || true
    ;;
  url)
    dir="$(bin_dir)"
    as_owner "$dir/pg_ctl" -D "$data" status > /dev/null 2>&1 && echo "$url"
    ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Makes a local PostgreSQL available for the tests and prints its URL (only the URL, on stdout):
# installs Debian's postgresql package when missing, starts a cluster on 127.0.0.1 when none
# runs, and creates a role (allowed to create databases: every test gets its own) and a
# database. Idempotent; needs root (or the postgres user) for the install and the cluster.
#
#   export TEST_DATABASE_URL=$(scripts/postgres.sh)
#   cargo test -p verify-phone
#
# Settings: PG_ROLE (default verify_phone), PG_PASSWORD (default verify_phone),
# PG_DATABASE (default verify_phone).
set -euo pipefail

role=${PG_ROLE:-verify_phone}
password=${PG_PASSWORD:-verify_phone}
database=${PG_DATABASE:-verify_phone}

log() { echo "postgres.sh: $*" >&2; }

as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -n -u postgres -- "$@"
  fi
}

if ! command -v pg_lsclusters >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing postgresql from the Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has no package lists yet; update only when the install needs it.
  apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
fi

# The first cluster, created when there is none. The package's default listens on localhost.
cluster=$(pg_lsclusters --no-header 2>/dev/null | head -n 1 || true)
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  log "creating cluster $version/main"
  pg_createcluster "$version" main >&2
  cluster=$(pg_lsclusters --no-header | head -n 1)
fi
read -r version name port status _ <<<"$cluster"
if [ "$status" != online ]; then
  log "starting cluster $version/$name on port $port"
  pg_ctlcluster "$version" "$name" start >&2
fi

# Wait until it accepts connections (the first start can take a few seconds).
for _ in $(seq 1 60); do
  if as_postgres psql -p "$port" -qAtc 'SELECT 1' >/dev/null 2>&1; then
    break
  fi
  sleep 0.5
done

psql_admin() { as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qAt "$@"; }

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]; then
  log "creating role $role"
  psql_admin -c "CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
  log "creating database $database"
  psql_admin -c "CREATE DATABASE $database OWNER $role" >&2
fi

echo "postgres://$role:$password@127.0.0.1:$port/$database"

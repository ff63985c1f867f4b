#!/usr/bin/env bash
# Starts a throwaway PostgreSQL (Debian's packages) on 127.0.0.1 and prints the connection
# string of a password-protected user on stdout. Usage: postgres.sh DIR (stop: pg_ctl -D DIR/data stop).
set -euo pipefail
dir="$1"
mkdir -p "$dir"
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "installing PostgreSQL (Debian: postgresql)" >&2
  $SUDO apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1 || {
    $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends postgresql >/dev/null
  }
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
# initdb refuses to run as root: the cluster belongs to the postgres user when we are root.
as=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  chmod a+x "$(dirname "$dir")"   # the server's user must reach its folder
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
echo admin-secret > "$dir/pw" && chmod 600 "$dir/pw" && chown "$owner" "$dir/pw"
"${as[@]}" "$bin/initdb" -D "$dir/data" -A scram-sha-256 --username=mlgate_admin --pwfile="$dir/pw" >/dev/null
rm -f "$dir/pw"
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c shared_buffers=256MB -c work_mem=256MB -c max_parallel_workers_per_gather=2" start >/dev/null
PGPASSWORD=admin-secret "$bin/psql" -q -h 127.0.0.1 -p "$port" -U mlgate_admin -d postgres \
  -c "CREATE USER mlgate_ci PASSWORD 'ci-secret-7q'" -c "CREATE DATABASE mlgate OWNER mlgate_ci" >/dev/null
echo "postgresql://mlgate_ci:ci-secret-7q@127.0.0.1:$port/mlgate"

#!/usr/bin/env bash
# Shared helpers for a private PostgreSQL cluster: sourced by the demo and the test suite.
# The server runs as an unprivileged user (initdb refuses root) and listens only on a
# Unix socket inside its own data directory, so it never collides with another server.

PG_BINDIR=$(pg_config --bindir)

# Runs a command as the cluster's owner: postgres when we are root, ourselves otherwise.
as_cluster_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Creates the cluster in $1 unless it already holds one; PGFACE_INITDB_OPTIONS go to initdb.
cluster_init() {
	local data=$1
	if [ -f "$data/PG_VERSION" ]; then
		return 0
	fi
	mkdir -p "$data"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$data"
	fi
	chmod 700 "$data"
	as_cluster_owner "$PG_BINDIR/initdb" -D "$data" -U postgres -A trust --no-sync \
		--encoding=UTF8 --locale=C ${PGFACE_INITDB_OPTIONS:-} >"$data.initdb.log" 2>&1 || {
		cat "$data.initdb.log" >&2
		return 1
	}
	rm -f "$data.initdb.log"
	cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$data'
port = 5432
CONF
}

# Starts the cluster in $1 unless it is running; extra arguments go to postgres (-c ...).
cluster_start() {
	local data=$1
	shift
	if as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		return 0
	fi
	as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
		-o "$*" start >/dev/null || {
		tail -n 30 "$data/server.log" >&2
		return 1
	}
}

# Stops the cluster in $1 at once; a missing or stopped cluster is not an error.
cluster_stop() {
	local data=$1
	as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

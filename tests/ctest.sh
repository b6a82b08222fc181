#!/bin/sh
# Runs the whole suite (ctest --preset dev). When PostgreSQL is installed, inside a throwaway cluster
# made by pg_virtualenv, so the store tests run on PostgreSQL as well as SQLite; without it those rows
# are skipped with a message. Extra arguments go to ctest.
set -eu
cd "$(dirname "$0")/.."
if command -v pg_virtualenv >/dev/null 2>&1; then
    exec pg_virtualenv -o log_checkpoints=off -o log_min_messages=fatal -o log_min_error_statement=panic \
        sh -c 'ctest --preset dev "$@"' sh "$@"
fi
echo "tests/ctest.sh: pg_virtualenv not found; PostgreSQL rows will be skipped (installer/install-deps.sh --with-postgres)"
exec ctest --preset dev "$@"

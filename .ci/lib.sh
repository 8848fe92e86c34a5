# Shared by .ci/run, .ci/import-fresh and .ci/readyz-redis (sourced, not run).
# PostgreSQL is reached as PG_USER on PG_HOST:PG_PORT (127.0.0.1:5432,
# postgres unless set).

PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_USER="${PG_USER:-postgres}"

# psql on the server's maintenance database: stops at the first error,
# prints bare values
psql_admin() {
    psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAtX "$@"
}

# a TCP port on 127.0.0.1 that nothing listens on right now
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

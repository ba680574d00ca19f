#!/usr/bin/env bash
# The cluster bus's ceiling on a throwaway PostgreSQL 15 (durable, as scripts/test.sh starts
# it): confab-bus-bench with 1 to 16 writers, with and without a pg_notify per transaction,
# once with synchronous_commit on (confabd's setting) and once off.
#
#   bench/bus_ceiling.sh [confab-bus-bench options...]
#
# Expects the default build (cmake --preset default); the JSON goes to
# bench/results/<date>-bus-ceiling.json (or CONFAB_BENCH_RESULTS).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${repo}"

# shellcheck source=../scripts/lib/common.sh
source "${repo}/scripts/lib/common.sh"
# shellcheck source=../scripts/lib/postgres.sh
source "${repo}/scripts/lib/postgres.sh"

bench=${repo}/build/default/bench/confab-bus-bench
[[ -x ${bench} ]] ||
    confab_die "build it first: cmake --build --preset default --target confab-bus-bench"
results=${CONFAB_BENCH_RESULTS:-${repo}/bench/results/$(date -u +%Y-%m-%d)-bus-ceiling.json}

trap confab_postgres_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
confab_postgres_start
confab_log "Load average before the run: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
"${bench}" --synchronous-commit on,off --json "${results}" "$@"
confab_log "Results: ${results#"${repo}"/}"

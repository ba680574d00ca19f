#!/usr/bin/env bash
# Builds confabd and the load generator, starts a throwaway PostgreSQL (and, with --peers,
# ejabberd and mosquitto), runs every load scenario and writes the "Server load" section of
# docs/benchmarks.md and a JSON file of the results in bench/results/.
#
#   bench/run.sh [--size tiny|small|full] [--peers] [--no-docs] [confab-loadgen options...]
#
#   --size    small (the default) takes a few minutes, full about half an hour or more
#   --peers   also measure ejabberd and mosquitto on the same machine, in the same run
#   --no-docs write the JSON file only and leave docs/benchmarks.md alone, for a run of
#             some scenarios or other settings beside the full run the tables come from
#   anything else goes to confab-loadgen, e.g. --scenarios fanout,ingest or --rate 200
#
# Environment: CONFAB_BENCH_JOBS (parallel build jobs, default 2), CONFAB_BENCH_RESULTS
# (the JSON file; default bench/results/<date>-<size>[-peers].json).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${repo}"

# shellcheck source=../scripts/lib/common.sh
source "${repo}/scripts/lib/common.sh"
# shellcheck source=../scripts/lib/packages.sh
source "${repo}/scripts/lib/packages.sh"
# shellcheck source=../scripts/lib/postgres.sh
source "${repo}/scripts/lib/postgres.sh"
# shellcheck source=peers/peers.sh
source "${repo}/bench/peers/peers.sh"

size=small
peers=0
docs=1
loadgen_args=()
command_line="bench/run.sh"
while [[ $# -gt 0 ]]; do
    case $1 in
    --size)
        [[ $# -ge 2 ]] || confab_die "--size needs tiny, small or full"
        size=$2
        command_line+=" --size $2"
        shift 2
        ;;
    --size=*)
        size=${1#--size=}
        command_line+=" $1"
        shift
        ;;
    --peers)
        peers=1
        command_line+=" --peers"
        shift
        ;;
    --no-docs)
        docs=0
        shift
        ;;
    *)
        loadgen_args+=("$1")
        command_line+=" $1"
        shift
        ;;
    esac
done
case ${size} in
tiny | small | full) ;;
*) confab_die "--size must be tiny, small or full, not '${size}'" ;;
esac

build_dir=${repo}/build/bench
peer_dir=""

# shellcheck disable=SC2317 # run by the EXIT trap
on_exit() {
    local status=$?
    bench_peers_stop
    confab_postgres_stop
    exit "${status}"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

confab_install_packages
if ((peers)); then
    bench_peers_install
fi

confab_log "Building confabd and the load generator in ${build_dir}"
cmake -S "${repo}" -B "${build_dir}" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCONFAB_BUILD_CLIENT=OFF >/dev/null
cmake --build "${build_dir}" --parallel "${CONFAB_BENCH_JOBS:-2}" \
    --target confabd confab-loadgen confab-history-bench

# Every connection is a file descriptor in the generator and in the server under test.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

confab_postgres_start

results_name=$(date -u +%Y-%m-%d)-${size}
((peers)) && results_name+=-peers
results=${CONFAB_BENCH_RESULTS:-${repo}/bench/results/${results_name}.json}
mkdir -p "$(dirname "${results}")"

peer_args=()
if ((peers)); then
    peer_dir=$(mktemp -d /tmp/confab-bench-peers.XXXXXXXX)
    bench_peers_prepare "${peer_dir}"
    bench_mosquitto_start
    bench_ejabberd_start 20000
    peer_args+=(
        --mqtt-url "${BENCH_MQTT_URL}" --mqtt-cert "${BENCH_PEER_CERT}"
        --mqtt-pid "${BENCH_MQTT_PID}" --mqtt-version "${BENCH_MQTT_VERSION}"
        --xmpp-url "${BENCH_XMPP_URL}" --xmpp-cert "${BENCH_PEER_CERT}"
        --xmpp-pid "${BENCH_XMPP_PID}" --xmpp-version "${BENCH_XMPP_VERSION}"
        --xmpp-password "${BENCH_XMPP_PASSWORD}" --xmpp-accounts 20000
    )
fi

docs_args=()
if ((docs)); then
    docs_args+=(--markdown "${repo}/docs/benchmarks.md" --command "${command_line}")
fi

confab_log "Load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
CONFAB_SERVER_BINARY=${build_dir}/server/app/confabd \
    "${build_dir}/bench/confab-loadgen" --size "${size}" \
    --json "${results}" --json-name "${results#"${repo}"/}" \
    "${docs_args[@]}" "${peer_args[@]}" "${loadgen_args[@]}" || status=$?
if ((docs)); then
    confab_log "Results: ${results#"${repo}"/} and docs/benchmarks.md (section \"Server load\")"
else
    confab_log "Results: ${results#"${repo}"/}"
fi
exit "${status}"

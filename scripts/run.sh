#!/usr/bin/env bash
# Builds Confab, runs confabd with its data in ./data, and opens the desktop client signed in
# to a demo account on it.
#
#   scripts/run.sh [confabd arguments...]     e.g. scripts/run.sh --listen 0.0.0.0:8443
#
# On first start confabd creates its SQLite database and a self-signed TLS certificate in
# ./data and prints the certificate's SHA-256 fingerprint for clients to pin. The client is
# given that fingerprint, prepares the demo accounts "demo", "ada" and "grace" (password
# confab-demo) and two rooms through the ordinary protocol, and signs in as "demo"; its own
# data is in ./data/client-demo. Without a display it runs under Xvfb.
#
# The server stays in the foreground: Ctrl+C stops it and the client. Closing the client
# leaves the server running. CONFAB_RUN_CLIENT=0 starts the server alone.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${repo}"

# shellcheck source=lib/common.sh
source "${repo}/scripts/lib/common.sh"
# shellcheck source=lib/packages.sh
source "${repo}/scripts/lib/packages.sh"

confab_install_packages

confab_log "Building (preset default)"
cmake --preset default
cmake --build --preset default

find_binary() {
    local path=${repo}/build/default/$1
    if [[ ! -x ${path} ]]; then
        path=$(find "${repo}/build/default" -name "$2" -type f -perm -u+x -print -quit)
    fi
    printf '%s\n' "${path}"
}

confabd=$(find_binary server/app/confabd confabd)
[[ -n ${confabd} && -x ${confabd} ]] || confab_die "the build produced no confabd binary"
client=$(find_binary client/confab confab)

data=${repo}/data
mkdir -p "${data}"

if [[ ${CONFAB_RUN_CLIENT:-1} == 0 ]]; then
    confab_log "Starting ${confabd} (data in ${data}; stop with Ctrl+C)"
    exec "${confabd}" --data-dir "${data}" "$@"
fi

server_log=$(mktemp)
server_pid=""
client_pid=""
xvfb_pid=""

stop_all() {
    local pid
    for pid in "${client_pid}" "${xvfb_pid}" "${server_pid}"; do
        if [[ -n ${pid} ]] && kill -0 "${pid}" 2>/dev/null; then
            kill -TERM "${pid}" 2>/dev/null || true
            wait "${pid}" 2>/dev/null || true
        fi
    done
    rm -f -- "${server_log}"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

confab_log "Starting ${confabd} (data in ${data}; stop with Ctrl+C)"
"${confabd}" --data-dir "${data}" "$@" > >(tee "${server_log}") 2>&1 &
server_pid=$!

# The address and the fingerprint, from what confabd prints once it listens.
address=""
fingerprint=""
for _ in $(seq 1 600); do
    if ! kill -0 "${server_pid}" 2>/dev/null; then
        wait "${server_pid}" || true
        confab_die "confabd exited before it listened"
    fi
    address=$(sed -n 's/^confabd: listening on \(\S*\)$/\1/p' "${server_log}" | head -n 1)
    fingerprint=$(sed -n 's/^confabd: TLS certificate SHA-256 fingerprint: \(\S*\)$/\1/p' \
        "${server_log}" | head -n 1)
    [[ -n ${address} ]] && break
    sleep 0.1
done

# Tries to open the client; says why when it cannot, and leaves the server running.
start_client() {
    if [[ -z ${address} ]]; then
        confab_warn "confabd did not say where it listens; not starting the client"
        return 1
    fi
    if [[ -z ${client} || ! -x ${client} ]]; then
        confab_warn "the build produced no client binary (is CONFAB_BUILD_CLIENT off?)"
        return 1
    fi
    # A server listening on every address is reached on loopback from here.
    local server=${address/:\/\/0.0.0.0:/:\/\/127.0.0.1:}
    server=${server/:\/\/\[::\]:/:\/\/[::1]:}
    local arguments=(--data-dir "${data}/client-demo" --server "${server}" --demo)
    if [[ -n ${fingerprint} ]]; then
        arguments+=(--trust-fingerprint "${fingerprint}")
    fi
    local client_log=${data}/client.log
    if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ]]; then
        confab_log "Opening the client, signed in as demo (its output goes to ${client_log})"
        "${client}" "${arguments[@]}" >"${client_log}" 2>&1 &
        client_pid=$!
    else
        command -v Xvfb >/dev/null 2>&1 || {
            confab_warn "there is no display and no Xvfb; not starting the client"
            return 1
        }
        local display
        display=$(free_display) || {
            confab_warn "no free X display number for Xvfb; not starting the client"
            return 1
        }
        Xvfb ":${display}" -screen 0 1280x800x24 -nolisten tcp >"${data}/xvfb.log" 2>&1 &
        xvfb_pid=$!
        for _ in $(seq 1 100); do
            [[ -S /tmp/.X11-unix/X${display} ]] && break
            sleep 0.1
        done
        if ! kill -0 "${xvfb_pid}" 2>/dev/null; then
            confab_warn "Xvfb did not start (see ${data}/xvfb.log); not starting the client"
            xvfb_pid=""
            return 1
        fi
        confab_log "Opening the client under Xvfb on display :${display}, signed in as demo" \
            "(its output goes to ${client_log})"
        DISPLAY=:${display} "${client}" "${arguments[@]}" >"${client_log}" 2>&1 &
        client_pid=$!
    fi
    # A client that cannot start at all fails within moments.
    for _ in $(seq 1 30); do
        kill -0 "${client_pid}" 2>/dev/null || break
        sleep 0.1
    done
    if ! kill -0 "${client_pid}" 2>/dev/null; then
        wait "${client_pid}" || true
        client_pid=""
        confab_warn "the client exited at once; see ${client_log}:"
        tail -n 20 "${client_log}" >&2 || true
        return 1
    fi
    confab_log "Demo accounts: demo, ada, grace (password confab-demo)"
}

# The first X display number without a server (lock file or socket).
free_display() {
    local n
    for n in $(seq 99 199); do
        if [[ ! -e /tmp/.X${n}-lock && ! -e /tmp/.X11-unix/X${n} ]]; then
            printf '%s\n' "${n}"
            return 0
        fi
    done
    return 1
}

start_client || confab_warn "confabd keeps running without the client"

wait "${server_pid}"

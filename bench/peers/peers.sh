# shellcheck shell=bash
# shellcheck disable=SC2034 # the BENCH_* results are read by the script that sources this
# Starts and stops the peer servers that bench/run.sh compares confabd with: ejabberd
# (XMPP over WebSocket, multi-user chat archived into PostgreSQL) and mosquitto (MQTT over
# WebSocket, QoS 0). Both on loopback, on free ports, with TLS from a self-signed
# certificate made for the run, as their own service users. Source, do not execute.
# Needs scripts/lib/common.sh and scripts/lib/postgres.sh (for the port helpers and the
# running PostgreSQL).
#
#   bench_peers_install       apt-get install what is missing
#   bench_peers_prepare DIR   certificate and working directory
#   bench_mosquitto_start     sets BENCH_MQTT_URL, BENCH_MQTT_PID, BENCH_MQTT_VERSION
#   bench_ejabberd_start N    with N accounts; sets BENCH_XMPP_URL, BENCH_XMPP_PID,
#                             BENCH_XMPP_PASSWORD, BENCH_XMPP_VERSION
#   bench_peers_stop          stops whatever was started; safe to call twice

BENCH_PEER_PACKAGES=(ejabberd erlang-p1-pgsql mosquitto)
BENCH_PEER_DIR=""
BENCH_PEER_CERT=""
BENCH_MQTT_PID=""
BENCH_XMPP_PID=""
BENCH_XMPP_LAUNCHER=""
BENCH_EPMD_PID=""
BENCH_XMPP_DB=ejabberd_bench

_bench_peers_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

bench_peers_install() {
    local pkg status missing=()
    for pkg in "${BENCH_PEER_PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null || true)
        [[ ${status} == 'install ok installed' ]] || missing+=("${pkg}")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    confab_log "Installing the peer servers: ${missing[*]}"
    confab_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # The packages' own services are not wanted: the bench starts its own instances.
    confab_as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The first port from $1 up on which nothing listens.
_bench_free_port() {
    local port=$1
    while _confab_port_listening "${port}"; do
        port=$((port + 1))
    done
    printf '%s\n' "${port}"
}

_bench_wait_port() {
    local port=$1 pid=$2 name=$3 deadline=$((SECONDS + 90))
    while ((SECONDS < deadline)); do
        _confab_port_listening "${port}" && return 0
        _confab_pid_running "${pid}" || confab_die "${name} exited before it listened"
        sleep 0.2
    done
    confab_die "${name} did not listen on ${port} within 90 s"
}

_bench_fill() {
    sed -e "s|@DIR@|${BENCH_PEER_DIR}|g" "$@"
}

bench_peers_prepare() {
    BENCH_PEER_DIR=$1
    mkdir -p "${BENCH_PEER_DIR}"
    # The peers read their certificate after dropping to their service users.
    chmod 0755 "${BENCH_PEER_DIR}"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj /CN=localhost -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' \
        -keyout "${BENCH_PEER_DIR}/key.pem" -out "${BENCH_PEER_DIR}/cert.pem" 2>/dev/null ||
        confab_die "could not make the peers' certificate"
    cat "${BENCH_PEER_DIR}/cert.pem" "${BENCH_PEER_DIR}/key.pem" >"${BENCH_PEER_DIR}/ejabberd.pem"
    chmod 0644 "${BENCH_PEER_DIR}"/*.pem
    BENCH_PEER_CERT=${BENCH_PEER_DIR}/cert.pem
}

bench_mosquitto_start() {
    local port
    port=$(_bench_free_port 58883)
    _bench_fill -e "s|@PORT@|${port}|g" "${_bench_peers_here}/mosquitto/mosquitto.conf.in" \
        >"${BENCH_PEER_DIR}/mosquitto.conf"
    mkdir -p "${BENCH_PEER_DIR}/mosquitto"
    chown mosquitto: "${BENCH_PEER_DIR}/mosquitto"
    mosquitto -c "${BENCH_PEER_DIR}/mosquitto.conf" >"${BENCH_PEER_DIR}/mosquitto.log" 2>&1 </dev/null &
    BENCH_MQTT_PID=$!
    _bench_wait_port "${port}" "${BENCH_MQTT_PID}" mosquitto
    BENCH_MQTT_URL="wss://127.0.0.1:${port}/"
    BENCH_MQTT_VERSION="mosquitto $(dpkg-query -W -f='${Version}' mosquitto)"
    confab_log "${BENCH_MQTT_VERSION} listens on ${BENCH_MQTT_URL} (pid ${BENCH_MQTT_PID})"
}

_bench_psql() {
    "${CONFAB_PG_BIN}/psql" -X -q -v ON_ERROR_STOP=1 -h "${CONFAB_PG_DIR}/socket" \
        -p "${CONFAB_PG_PORT}" "$@"
}

_bench_epmd_pids() {
    local stat
    for stat in /proc/[0-9]*/comm; do
        [[ $(cat "${stat}" 2>/dev/null) == epmd ]] && basename "$(dirname "${stat}")"
    done
    return 0
}

bench_ejabberd_start() {
    local accounts=$1 port node epmd_before pid_file deadline
    port=$(_bench_free_port 58443)
    node="confab-bench-$$@localhost"
    BENCH_XMPP_PASSWORD=$(openssl rand -hex 12)

    _bench_psql -U postgres -d postgres -c "CREATE DATABASE ${BENCH_XMPP_DB} OWNER confab"
    PGPASSWORD=confab _bench_psql -U confab -d "${BENCH_XMPP_DB}" \
        -f /usr/share/ejabberd/sql/pg.sql >/dev/null
    PGPASSWORD=confab _bench_psql -U confab -d "${BENCH_XMPP_DB}" -c \
        "INSERT INTO users (username, password) SELECT 'lg' || g, '${BENCH_XMPP_PASSWORD}'
         FROM generate_series(0, ${accounts} - 1) AS g"

    mkdir -p "${BENCH_PEER_DIR}/ejabberd-spool" "${BENCH_PEER_DIR}/ejabberd-logs"
    chown ejabberd:ejabberd "${BENCH_PEER_DIR}/ejabberd-spool" "${BENCH_PEER_DIR}/ejabberd-logs"
    _bench_fill -e "s|@PORT@|${port}|g" -e "s|@PG_PORT@|${CONFAB_PG_PORT}|g" \
        -e "s|@PG_DATABASE@|${BENCH_XMPP_DB}|g" \
        "${_bench_peers_here}/ejabberd/ejabberd.yml.in" >"${BENCH_PEER_DIR}/ejabberd.yml"
    _bench_fill -e "s|@NODE@|${node}|g" "${_bench_peers_here}/ejabberd/ejabberdctl.cfg.in" \
        >"${BENCH_PEER_DIR}/ejabberdctl.cfg"
    cp /etc/ejabberd/inetrc "${BENCH_PEER_DIR}/inetrc"
    : >"${BENCH_PEER_DIR}/ejabberd.pid"
    chown ejabberd:ejabberd "${BENCH_PEER_DIR}/ejabberd.pid"
    chmod 0644 "${BENCH_PEER_DIR}/ejabberd.yml" "${BENCH_PEER_DIR}/ejabberdctl.cfg"

    mapfile -t epmd_before < <(_bench_epmd_pids)
    # As the ejabberd user from the start: when ejabberdctl switches users itself (through
    # su and PAM), the limit on open files falls back to 1024, far too few for the scenarios.
    local as_ejabberd=()
    if [[ ${EUID} -eq 0 ]]; then
        as_ejabberd=(setpriv --reuid=ejabberd --regid=ejabberd --init-groups --)
    fi
    env HOME="${BENCH_PEER_DIR}/ejabberd-spool" "${as_ejabberd[@]}" ejabberdctl --config-dir "${BENCH_PEER_DIR}" --ctl-config "${BENCH_PEER_DIR}/ejabberdctl.cfg" \
        --config "${BENCH_PEER_DIR}/ejabberd.yml" --spool "${BENCH_PEER_DIR}/ejabberd-spool" \
        --logs "${BENCH_PEER_DIR}/ejabberd-logs" foreground \
        >"${BENCH_PEER_DIR}/ejabberd.out" 2>&1 </dev/null &
    BENCH_XMPP_LAUNCHER=$!
    _bench_wait_port "${port}" "${BENCH_XMPP_LAUNCHER}" ejabberd
    pid_file=${BENCH_PEER_DIR}/ejabberd.pid
    deadline=$((SECONDS + 30))
    while [[ ! -s ${pid_file} ]] && ((SECONDS < deadline)); do
        sleep 0.2
    done
    read -r BENCH_XMPP_PID <"${pid_file}" || confab_die "ejabberd wrote no pid file"
    local pid
    for pid in $(_bench_epmd_pids); do
        [[ " ${epmd_before[*]} " == *" ${pid} "* ]] || BENCH_EPMD_PID=${pid}
    done
    BENCH_XMPP_URL="wss://127.0.0.1:${port}/xmpp"
    BENCH_XMPP_VERSION="ejabberd $(dpkg-query -W -f='${Version}' ejabberd)"
    confab_log "${BENCH_XMPP_VERSION} listens on ${BENCH_XMPP_URL} (pid ${BENCH_XMPP_PID})"
}

_bench_stop_pid() {
    local pid=$1 deadline
    [[ -n ${pid} ]] || return 0
    kill -TERM "${pid}" 2>/dev/null || return 0
    deadline=$((SECONDS + 30))
    while _confab_pid_running "${pid}" && ((SECONDS < deadline)); do
        sleep 0.2
    done
    kill -KILL "${pid}" 2>/dev/null || true
}

bench_peers_stop() {
    if [[ -n ${BENCH_MQTT_PID} ]]; then
        _bench_stop_pid "${BENCH_MQTT_PID}"
        wait "${BENCH_MQTT_PID}" 2>/dev/null || true
        BENCH_MQTT_PID=""
    fi
    if [[ -n ${BENCH_XMPP_PID} || -n ${BENCH_XMPP_LAUNCHER} ]]; then
        # The Erlang VM stops cleanly on SIGTERM; the launcher (su) follows it.
        _bench_stop_pid "${BENCH_XMPP_PID}"
        _bench_stop_pid "${BENCH_XMPP_LAUNCHER}"
        wait "${BENCH_XMPP_LAUNCHER}" 2>/dev/null || true
        BENCH_XMPP_PID=""
        BENCH_XMPP_LAUNCHER=""
    fi
    if [[ -n ${BENCH_EPMD_PID} ]]; then
        _bench_stop_pid "${BENCH_EPMD_PID}"
        BENCH_EPMD_PID=""
    fi
    if [[ -n ${BENCH_PEER_DIR} ]]; then
        rm -rf -- "${BENCH_PEER_DIR}"
        BENCH_PEER_DIR=""
    fi
}

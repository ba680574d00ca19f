# shellcheck shell=bash
# A throwaway PostgreSQL 15 on loopback for the test suite. Source, do not execute.
# Needs common.sh.
#
#   confab_postgres_start  initdb into a fresh temporary directory, start the server on
#                          127.0.0.1 at the first free port from 55432 up, create the role
#                          confab (password confab, LOGIN CREATEDB) and export
#                          CONFAB_TEST_POSTGRES_URL
#   confab_postgres_stop   stop the server and remove the directory; safe to call twice,
#                          meant for the caller's EXIT trap
#
# confab_postgres_start must run in the calling shell itself (not in a subshell or a
# command substitution): the server is its child, so that confab_postgres_stop can wait for it.

CONFAB_PG_BIN=${CONFAB_PG_BIN:-/usr/lib/postgresql/15/bin}
CONFAB_PG_FIRST_PORT=${CONFAB_PG_FIRST_PORT:-55432}
CONFAB_PG_PORT_RANGE=100
CONFAB_PG_START_TIMEOUT=60

CONFAB_PG_DIR=""
CONFAB_PG_PID=""
CONFAB_PG_PORT=""

# PostgreSQL refuses to run as root; then it runs as the postgres system user.
_confab_pg_owner_prefix() {
    if [[ ${EUID} -eq 0 ]]; then
        printf '%s\n' setpriv --reuid=postgres --regid=postgres --init-groups --
    fi
}

# Start time of a process in clock ticks since boot; fails when there is no such process.
# Together with the pid it names a process without the risk of pid reuse.
_confab_proc_start_time() {
    local stat fields
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    read -r -a fields <<<"${stat}"
    printf '%s\n' "${fields[19]}"
}

# True while the process exists and has not exited (a zombie child counts as exited).
_confab_pid_running() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# True when something listens on TCP port $1 on any local address.
_confab_port_listening() {
    local hex file files=()
    hex=$(printf '%04X' "$1")
    for file in /proc/net/tcp /proc/net/tcp6; do
        [[ -r ${file} ]] && files+=("${file}")
    done
    [[ ${#files[@]} -gt 0 ]] || return 1
    # Column 2 is local address:port in hex, column 4 the state; 0A is LISTEN.
    awk -v port="${hex}" '
        FNR > 1 && $4 == "0A" { n = split($2, a, ":"); if (a[n] == port) found = 1 }
        END { exit !found }' "${files[@]}"
}

# Sends signals in order of increasing force until process $1 is gone.
_confab_stop_process() {
    local pid=$1 signal deadline
    for signal in INT QUIT KILL; do
        _confab_pid_running "${pid}" || return 0
        kill "-${signal}" "${pid}" 2>/dev/null || return 0
        deadline=$((SECONDS + 20))
        while _confab_pid_running "${pid}" && ((SECONDS < deadline)); do
            sleep 0.1
        done
    done
}

# Removes the instances that an earlier run left behind when it was killed before it could
# clean up (its owner process is gone). Instances of runs still going are left alone.
_confab_pg_reap_orphans() {
    local dir owner_pid owner_start pm_pid
    for dir in /tmp/confab-pg.* "${TMPDIR:-/tmp}"/confab-pg.*; do
        [[ -d ${dir} && -w ${dir} ]] || continue
        if [[ -r ${dir}/owner ]]; then
            read -r owner_pid owner_start <"${dir}/owner" || true
            if [[ -n ${owner_pid:-} &&
                "$(_confab_proc_start_time "${owner_pid}" || true)" == "${owner_start:-}" ]]; then
                continue
            fi
        elif [[ -z $(find "${dir}" -maxdepth 0 -mmin +1 2>/dev/null) ]]; then
            continue # being created right now
        fi
        confab_log "Removing test PostgreSQL left over by an interrupted run: ${dir}"
        if [[ -r ${dir}/data/postmaster.pid ]]; then
            read -r pm_pid <"${dir}/data/postmaster.pid" || true
            if [[ ${pm_pid:-} =~ ^[0-9]+$ ]] &&
                tr '\0' ' ' <"/proc/${pm_pid}/cmdline" 2>/dev/null | grep -qF -- "${dir}/data"; then
                _confab_stop_process "${pm_pid}"
            fi
        fi
        rm -rf -- "${dir}"
    done
}

# Starts the postmaster on port $1 and waits until it accepts connections.
# Returns 0 when ready, 2 when the port turned out to be taken, 1 on any other failure.
_confab_pg_launch() {
    local port=$1 log=${CONFAB_PG_DIR}/postgres.log deadline prefix=()
    mapfile -t prefix < <(_confab_pg_owner_prefix)
    : >"${log}"
    (
        cd "${CONFAB_PG_DIR}" &&
            exec "${prefix[@]}" "${CONFAB_PG_BIN}/postgres" -D "${CONFAB_PG_DIR}/data" \
                -c listen_addresses=127.0.0.1 \
                -c port="${port}" \
                -c unix_socket_directories="${CONFAB_PG_DIR}/socket" \
                -c fsync=on \
                -c synchronous_commit=on \
                -c full_page_writes=on
    ) >>"${log}" 2>&1 </dev/null &
    CONFAB_PG_PID=$!

    deadline=$((SECONDS + CONFAB_PG_START_TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! _confab_pid_running "${CONFAB_PG_PID}"; then
            wait "${CONFAB_PG_PID}" 2>/dev/null || true
            CONFAB_PG_PID=""
            if grep -qE 'could not bind|could not create any TCP/IP sockets' "${log}"; then
                return 2
            fi
            return 1
        fi
        if "${CONFAB_PG_BIN}/pg_isready" -q -h 127.0.0.1 -p "${port}" -d postgres -t 2 &&
            _confab_pid_running "${CONFAB_PG_PID}"; then
            return 0
        fi
        sleep 0.2
    done
    confab_warn "PostgreSQL did not become ready within ${CONFAB_PG_START_TIMEOUT} s"
    return 1
}

confab_postgres_start() {
    local port last status base=/tmp
    [[ -x ${CONFAB_PG_BIN}/postgres ]] ||
        confab_die "PostgreSQL 15 is not installed (no ${CONFAB_PG_BIN}/postgres)"
    [[ -z ${CONFAB_PG_DIR} ]] || confab_die "the test PostgreSQL is already running"

    _confab_pg_reap_orphans

    # As root the directory must be reachable by the postgres user: keep it in /tmp.
    [[ ${EUID} -eq 0 ]] || base=${TMPDIR:-/tmp}
    CONFAB_PG_DIR=$(mktemp -d "${base}/confab-pg.XXXXXXXX")
    printf '%s %s\n' "$$" "$(_confab_proc_start_time "$$")" >"${CONFAB_PG_DIR}/owner"
    mkdir "${CONFAB_PG_DIR}/socket"
    if [[ ${EUID} -eq 0 ]]; then
        chown -R postgres:postgres "${CONFAB_PG_DIR}"
    fi

    local prefix=()
    mapfile -t prefix < <(_confab_pg_owner_prefix)
    if ! (cd "${CONFAB_PG_DIR}" &&
        "${prefix[@]}" "${CONFAB_PG_BIN}/initdb" -D "${CONFAB_PG_DIR}/data" -U postgres \
            --auth-local=trust --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8) >"${CONFAB_PG_DIR}/initdb.log" 2>&1; then
        cat "${CONFAB_PG_DIR}/initdb.log" >&2
        confab_die "initdb failed"
    fi

    port=${CONFAB_PG_FIRST_PORT}
    last=$((CONFAB_PG_FIRST_PORT + CONFAB_PG_PORT_RANGE))
    while :; do
        ((port <= last)) || confab_die "no free port in ${CONFAB_PG_FIRST_PORT}-${last} for PostgreSQL"
        if _confab_port_listening "${port}"; then
            port=$((port + 1))
            continue
        fi
        status=0
        _confab_pg_launch "${port}" || status=$?
        case ${status} in
        0) break ;;
        2) port=$((port + 1)) ;; # taken between the check and the bind
        *)
            cat "${CONFAB_PG_DIR}/postgres.log" >&2
            confab_die "PostgreSQL failed to start"
            ;;
        esac
    done
    CONFAB_PG_PORT=${port}

    "${CONFAB_PG_BIN}/psql" -X -q -v ON_ERROR_STOP=1 \
        -h "${CONFAB_PG_DIR}/socket" -p "${port}" -U postgres -d postgres \
        -c "CREATE ROLE confab LOGIN CREATEDB PASSWORD 'confab'" ||
        confab_die "could not create the PostgreSQL role confab"

    export CONFAB_TEST_POSTGRES_URL="postgresql://confab:confab@127.0.0.1:${port}/postgres"
    confab_log "PostgreSQL 15 is running on 127.0.0.1:${CONFAB_PG_PORT} (data in ${CONFAB_PG_DIR})"
}

confab_postgres_stop() {
    if [[ -n ${CONFAB_PG_PID} ]]; then
        # SIGINT is PostgreSQL's fast shutdown: roll back open transactions, checkpoint, exit.
        _confab_stop_process "${CONFAB_PG_PID}"
        wait "${CONFAB_PG_PID}" 2>/dev/null || true
        CONFAB_PG_PID=""
        confab_log "PostgreSQL stopped"
    fi
    if [[ -n ${CONFAB_PG_DIR} ]]; then
        rm -rf -- "${CONFAB_PG_DIR}"
        CONFAB_PG_DIR=""
    fi
    CONFAB_PG_PORT=""
}

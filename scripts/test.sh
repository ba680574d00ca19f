#!/usr/bin/env bash
# Builds Confab and runs the whole test suite, in the normal configuration and with
# AddressSanitizer + UndefinedBehaviorSanitizer, against SQLite and a throwaway PostgreSQL.
#
#   scripts/test.sh [ctest arguments...]      e.g. scripts/test.sh -R history
#
# Environment:
#   CONFAB_TEST_PRESETS   CMake presets to build and test, default "default asan";
#                         CONFAB_TEST_PRESETS=default skips the sanitizer build
#
# Exported to the tests:
#   CONFAB_TEST_POSTGRES_URL  URL of the PostgreSQL started here (role confab, which may
#                             create databases); the tests make one database per test
#   CONFAB_SCREENSHOT_DIR     where client tests save screenshots (build/screenshots)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${repo}"

# shellcheck source=lib/common.sh
source "${repo}/scripts/lib/common.sh"
# shellcheck source=lib/packages.sh
source "${repo}/scripts/lib/packages.sh"
# shellcheck source=lib/postgres.sh
source "${repo}/scripts/lib/postgres.sh"

IFS=', ' read -r -a presets <<<"${CONFAB_TEST_PRESETS:-default asan}"
[[ ${#presets[@]} -gt 0 ]] || confab_die "CONFAB_TEST_PRESETS names no preset"

ctest_log=""
step_pid=""

# Runs one step in the background, in a process group of its own, and waits for it: a signal
# then runs our trap at once (not after the step), and the trap passes it on to the whole
# group, so that no test process outlives the run. The step gets default SIGINT handling back
# (bash makes background jobs ignore it).
step() {
    local status=0
    env --default-signal=INT,QUIT setsid --wait "$@" &
    step_pid=$!
    wait "${step_pid}" || status=$?
    step_pid=""
    return "${status}"
}

on_signal() {
    if [[ -n ${step_pid} ]]; then
        kill "-$1" -- "-${step_pid}" 2>/dev/null || true
        wait "${step_pid}" 2>/dev/null || true
    fi
    exit "$2"
}

on_exit() {
    local status=$?
    confab_postgres_stop
    if [[ -n ${ctest_log} ]]; then
        rm -f -- "${ctest_log}"
    fi
    exit "${status}"
}
trap on_exit EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

confab_install_packages

confab_postgres_start

if [[ -f tests/js/package-lock.json ]]; then
    confab_log "Installing the JavaScript test clients (npm ci in tests/js)"
    step env -C tests/js npm ci --no-audit --no-fund
fi

export CONFAB_SCREENSHOT_DIR="${repo}/build/screenshots"
mkdir -p "${CONFAB_SCREENSHOT_DIR}"
confab_log "Screenshots go to ${CONFAB_SCREENSHOT_DIR}"

ctest_log=$(mktemp)
declare -A result detail
failed=0

for preset in "${presets[@]}"; do
    started=${SECONDS}
    result[${preset}]=passed
    detail[${preset}]=""
    confab_log "[${preset}] configure"
    if ! step cmake --preset "${preset}" -DCONFAB_WERROR=ON; then
        result[${preset}]="FAILED at configure"
    else
        confab_log "[${preset}] build"
        if ! step cmake --build --preset "${preset}"; then
            result[${preset}]="FAILED at build"
        else
            confab_log "[${preset}] test"
            : >"${ctest_log}"
            if ! step ctest --preset "${preset}" -j2 --output-on-failure --no-tests=error \
                --output-log "${ctest_log}" "$@"; then
                result[${preset}]="FAILED at test"
            fi
            # ctest's closing count, e.g. "100% tests passed, 0 tests failed out of 42"
            detail[${preset}]=$(grep -E 'tests passed, [0-9]+ tests? failed out of|No tests were found' \
                "${ctest_log}" | tail -n 1 || true)
        fi
    fi
    [[ ${result[${preset}]} == passed ]] || failed=1
    detail[${preset}]="${detail[${preset}]:+${detail[${preset}]}; }$((SECONDS - started)) s"
done

confab_postgres_stop

printf '\n==== Confab test summary ====\n'
for preset in "${presets[@]}"; do
    printf '%-8s %-20s %s\n' "${preset}" "${result[${preset}]}" "${detail[${preset}]}"
done
printf 'Screenshots: %s\n' "${CONFAB_SCREENSHOT_DIR}"
if ((failed)); then
    printf 'Result: FAILED\n'
    exit 1
fi
printf 'Result: all passed\n'

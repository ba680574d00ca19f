# shellcheck shell=bash
# Logging and privilege functions shared by scripts/run.sh and scripts/test.sh.
# Source, do not execute.

confab_log() {
    printf '==> %s\n' "$*" >&2
}

confab_warn() {
    printf 'warning: %s\n' "$*" >&2
}

confab_die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Runs a command as root: directly when we are root, through sudo otherwise.
confab_as_root() {
    if [[ ${EUID} -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        confab_die "'$*' needs root and sudo is not installed; run this script as root"
    fi
}

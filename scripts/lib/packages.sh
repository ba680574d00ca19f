# shellcheck shell=bash
# The Debian 12 packages needed to build, run and test Confab. Source, do not execute.
# Needs common.sh.

CONFAB_PACKAGES=(
    # toolchain
    cmake ninja-build g++ pkg-config libclang-rt-14-dev
    # libraries
    libssl-dev
    qt6-base-dev qt6-base-dev-tools qt6-websockets-dev qt6-httpserver-dev
    libqt6sql6-psql libqt6sql6-sqlite
    qt6-declarative-dev qtkeychain-qt6-dev qt6-tools-dev qt6-l10n-tools
    # QML modules used by the client and its tests
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
    qml6-module-qtquick-window qml6-module-qttest qml6-module-qtqml-workerscript
    qml6-module-qtquick-templates qml6-module-qtqml qml6-module-qtqml-models
    # the client's icons (SVG) and a font for Xvfb and the offscreen platform
    libqt6svg6 fonts-dejavu-core
    # services and tools the tests run for real
    postgresql-15 haproxy xvfb nodejs npm openssl
)

# Packages that count as installed when their command is already on PATH. NodeSource's
# nodejs package bundles npm and conflicts with Debian's npm package.
declare -A CONFAB_PACKAGE_COMMANDS=([npm]=npm)

# Prints the packages of CONFAB_PACKAGES that are not installed, one per line.
confab_missing_packages() {
    local pkg status
    for pkg in "${CONFAB_PACKAGES[@]}"; do
        if [[ -n ${CONFAB_PACKAGE_COMMANDS[${pkg}]:-} ]] &&
            command -v "${CONFAB_PACKAGE_COMMANDS[${pkg}]}" >/dev/null 2>&1; then
            continue
        fi
        status=$(dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null || true)
        if [[ ${status} != 'install ok installed' ]]; then
            printf '%s\n' "${pkg}"
        fi
    done
}

# Installs whatever is missing; does nothing (not even apt-get update) when all is there.
confab_install_packages() {
    local missing
    mapfile -t missing < <(confab_missing_packages)
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi
    confab_log "Installing ${#missing[@]} missing package(s): ${missing[*]}"
    confab_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    confab_as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

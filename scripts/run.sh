#!/usr/bin/env bash
# Builds Confab and runs confabd in the foreground with its data in ./data.
#
#   scripts/run.sh [confabd arguments...]     e.g. scripts/run.sh --listen 0.0.0.0:8443
#
# On first start confabd creates its SQLite database and a self-signed TLS certificate in
# ./data and prints the certificate's SHA-256 fingerprint for clients to pin.
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
cmake --build --preset default --target confabd

confabd=${repo}/build/default/server/app/confabd
if [[ ! -x ${confabd} ]]; then
    confabd=$(find "${repo}/build/default" -name confabd -type f -perm -u+x -print -quit)
fi
[[ -n ${confabd} && -x ${confabd} ]] || confab_die "the build produced no confabd binary"

mkdir -p "${repo}/data"
confab_log "Starting ${confabd} (data in ${repo}/data; stop with Ctrl+C)"
exec "${confabd}" --data-dir "${repo}/data" "$@"

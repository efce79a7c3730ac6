# tests/bench/common.sh: the start every benchmark script shares (sourced, not run).
#
# `set -u`, the C locale, and the paths: here (this directory), AYAK_TOP (the
# checkout), AYAK_BUILD and AYAK_SHARED (../shared), each unless the environment
# sets it; then the small helpers of the reports.
set -u
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
AYAK_TOP=${AYAK_TOP:-$(cd "$here/../.." && pwd -P)}
AYAK_BUILD=${AYAK_BUILD:-$AYAK_TOP/build}
AYAK_SHARED=${AYAK_SHARED:-$AYAK_TOP/../shared}

have() { command -v "$1" >/dev/null 2>&1; }
# calc FORMAT EXPR...: awk's printf of the expressions
calc() { local f=$1; shift; awk "BEGIN { printf(\"$f\", $*) }"; }
pass_if() { awk "BEGIN { print (($*) ? \"PASS\" : \"MISS\") }"; }
section() { printf '\n%s\n' "$*"; printf '%s\n' "$*" | sed 's/./-/g'; }
fsize() { stat -c %s "$1" 2>/dev/null || echo 0; }

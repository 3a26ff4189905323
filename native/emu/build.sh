#!/usr/bin/env bash
# Builds the CPU emulation of CUDA kernels:
#   OUT_DIR/libtopiary_emu.so       fibers, -O2
#   OUT_DIR/libtopiary_emu_asan.so  AddressSanitizer (load it with LD_PRELOAD=$(g++ -print-file-name=libasan.so))
#
# usage: OUT_DIR=dir native/emu/build.sh [file.cu ...]    (default: every kernels/*.cu)
# optional: EMU_VARIANTS="rel asan" (the default; "fallback" adds libtopiary_emu_fallback.so, the
#           portable swapcontext switch), EXTRA_CXXFLAGS, CXX, EMU_JOBS (default: nproc)
# Incremental: only what changed is recompiled. Exits non-zero with the compiler's message
# if any file fails to compile.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${OUT_DIR:?set OUT_DIR to the output directory}"
mkdir -p "$OUT_DIR/emu-obj"
out=$(cd "$OUT_DIR" && pwd)

if (($# > 0)); then
    inputs=("$@")
else
    shopt -s nullglob
    inputs=("$root"/kernels/*.cu)
fi

srcs=()
declare -A seen=()
for f in "${inputs[@]}"; do
    [[ -f $f ]] || { echo "build.sh: no such file: $f" >&2; exit 1; }
    abs="$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
    [[ $abs == *.cu ]] || { echo "build.sh: not a .cu file: $f" >&2; exit 1; }
    [[ $abs != *[[:space:]]* ]] || { echo "build.sh: paths with spaces are not supported: $f" >&2; exit 1; }
    name=$(basename "$abs" .cu)
    [[ -z ${seen[$name]:-} ]] || { echo "build.sh: two kernels named $name.cu: ${seen[$name]} and $abs" >&2; exit 1; }
    seen[$name]=$abs
    srcs+=("$abs")
done

variants=${EMU_VARIANTS:-rel asan}
for v in $variants; do
    [[ $v == rel || $v == asan || $v == fallback ]] || { echo "build.sh: unknown variant '$v' in EMU_VARIANTS" >&2; exit 1; }
done

# Objects and libraries depend on this file, so a changed source list, compiler or flag set
# rebuilds (and a removed kernel drops out of the libraries).
config="${srcs[*]:-}|${CXX:-g++}|${EXTRA_CXXFLAGS:-}"
if [[ ! -f $out/emu-obj/config || $(<"$out/emu-obj/config") != "$config" ]]; then
    printf '%s\n' "$config" >"$out/emu-obj/config"
fi

exec make --no-print-directory -j"${EMU_JOBS:-$(nproc)}" -f "$here/Makefile" \
    OUT_DIR="$out" ROOT="$root" SRCS="${srcs[*]:-}" VARIANTS="$variants" EXTRA_CXXFLAGS="${EXTRA_CXXFLAGS:-}"

#!/usr/bin/env bash
# Builds the emulator with the test kernels and runs every self-test: nvcc compiles each kernel
# for sm_90 (skipped without nvcc), the normal library passes all tests with 1 and 2 workers, the
# swapcontext fallback passes the scheduler tests, the ASan library passes all tests and reports
# both planted out-of-bounds reads. Exits non-zero on any failure.
#
# usage: native/emu/test/run.sh [--bench]      (EMU_TEST_DIR: work directory, default a new temp dir)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${EMU_TEST_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/emu-test.XXXXXX")}
mkdir -p "$work/nvcc"
kernels=("$here"/*.cu)
start=$SECONDS

step() { printf '== %s\n' "$*"; }
fail() {
    printf 'FAILED: %s\n' "$*" >&2
    exit 1
}

if command -v nvcc >/dev/null; then
    step "nvcc -fatbin sm_90: ${#kernels[@]} kernels"
    # nvcc can exit 0 without writing its output, so check that each fatbin exists.
    printf '%s\n' "${kernels[@]}" | xargs -P 2 -I{} sh -c \
        'out="$1/nvcc/$(basename "$2" .cu).fatbin"; nvcc -fatbin -gencode arch=compute_90,code=sm_90 -o "$out" "$2" && test -s "$out"' \
        _ "$work" {} || fail "nvcc"
else
    step "nvcc not found: skipping the nvcc compile check"
fi

step "build.sh: normal, ASan and swapcontext-fallback libraries"
EMU_VARIANTS="rel asan fallback" OUT_DIR="$work/build" "$here/../build.sh" "${kernels[@]}" >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; fail "build.sh"; }

step "driver"
g++ -std=c++20 -O2 -Wall -pthread -o "$work/driver" "$here/driver.cpp" -ldl || fail "compiling driver.cpp"
# The ASan library is loaded the way the JVM must load it: the ASan runtime preloaded.
asan_driver() {
    LD_PRELOAD=$(g++ -print-file-name=libasan.so) "$work/driver" "$work/build/libtopiary_emu_asan.so" "$@"
}

step "tests, fast switch"
"$work/driver" "$work/build/libtopiary_emu.so" all || fail "tests with libtopiary_emu.so"
step "tests, swapcontext fallback"
# Only the context switch differs, and every switch costs a system call: the scheduler tests suffice.
"$work/driver" "$work/build/libtopiary_emu_fallback.so" warp_ops barriers extern_shared sgemm ||
    fail "tests with the swapcontext fallback"
step "tests, ASan"
asan_driver all || fail "tests with libtopiary_emu_asan.so"

# The planted bugs: ASan must stop the process and name the faulting line of oob.cu.
check_planted() {
    local mode=$1 kind=$2 pattern=$3 line
    line=$(grep -n -F "$pattern" "$here/oob.cu" | cut -d: -f1)
    if asan_driver "$mode" >"$work/$mode.log" 2>&1; then
        cat "$work/$mode.log"
        fail "$mode: the planted out-of-bounds read was not reported"
    fi
    grep -q "ERROR: AddressSanitizer: $kind" "$work/$mode.log" && grep -q "oob.cu:$line" "$work/$mode.log" ||
        { cat "$work/$mode.log"; fail "$mode: expected a $kind report at oob.cu:$line"; }
    echo "$mode: $kind at oob.cu:$line, as planted"
}
step "planted out-of-bounds reads, ASan"
check_planted oob_global heap-buffer-overflow 'x[i + 1]'
check_planted oob_shared global-buffer-overflow 's[threadIdx.x + 1]'

if [[ ${1:-} == --bench ]]; then
    step "timings, fast switch"
    "$work/driver" "$work/build/libtopiary_emu.so" bench
    step "timings, swapcontext fallback"
    "$work/driver" "$work/build/libtopiary_emu_fallback.so" bench
    step "timings, ASan"
    asan_driver bench
fi
echo "all emulator tests passed in $((SECONDS - start)) s (work directory $work)"

#!/usr/bin/env bash
# Compiles every kernels/*.cu with nvcc into one fatbin per kernel family, for the CUDA backend to load with the
# driver API: SASS for sm_75, sm_80, sm_86, sm_89 and sm_90, plus compute_90 PTX that newer GPUs JIT-compile.
#
# usage: kernels/build.sh OUT_DIR        writes OUT_DIR/<family>.fatbin and OUT_DIR/index.properties
# Without nvcc the build still passes and index.properties says why no kernels were built, unless
# TOPIARY_REQUIRE_NVCC=1 (CI sets it), which turns a missing nvcc or any failed compile into an error.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: kernels/build.sh OUT_DIR}
mkdir -p "$out"
index="$out/index.properties"

nvcc=${NVCC:-$(command -v nvcc || true)}
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc" ]; then
  if [ "${TOPIARY_REQUIRE_NVCC:-0}" = 1 ]; then
    echo "kernels/build.sh: nvcc not found, and TOPIARY_REQUIRE_NVCC=1" >&2
    exit 1
  fi
  printf 'built=false\nreason=nvcc was not found when Topiary was built; install the CUDA toolkit (12.x or 13.x) and rebuild\n' >"$index"
  echo "kernels/build.sh: nvcc not found; the CUDA backend will report that its kernels were not built" >&2
  exit 0
fi

toolkit=$("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')
archs=(-gencode arch=compute_75,code=sm_75 -gencode arch=compute_80,code=sm_80 -gencode arch=compute_86,code=sm_86
       -gencode arch=compute_89,code=sm_89 -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90)

shopt -s nullglob
sources=("$here"/*.cu)
pids=()
names=()
for src in "${sources[@]}"; do
  name=$(basename "$src" .cu)
  names+=("$name")
  target="$out/$name.fatbin"
  # Incremental: rebuild when the source or any shared header is newer than the fatbin.
  if [ -s "$target" ] && [ -z "$(find "$src" "$here" -maxdepth 1 \( -name '*.cuh' -o -samefile "$src" \) -newer "$target" -print -quit)" ]; then
    continue
  fi
  rm -f "$target"
  ( "$nvcc" -fatbin -O3 -std=c++17 -I"$here" "${archs[@]}" -o "$target" "$src" \
      && test -s "$target" ) || { echo "kernels/build.sh: $name.cu failed to compile" >&2; exit 1; } &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
if [ $status -ne 0 ]; then
  printf 'built=false\nreason=a kernel failed to compile with nvcc %s; see the build log\n' "$toolkit" >"$index"
  exit 1
fi

fatbins=("$out"/*.fatbin)
# Never let cat read stdin: with no kernels the hash is that of nothing.
hash=$( { [ ${#fatbins[@]} -gt 0 ] && cat "${fatbins[@]}"; true; } </dev/null | sha256sum | cut -c1-16)
{
  echo "built=true"
  echo "toolkit=$toolkit"
  echo "archs=sm_75 sm_80 sm_86 sm_89 sm_90 compute_90"
  echo "families=${names[*]:-}"
  echo "image_sha256=$hash"
} >"$index"
echo "kernels/build.sh: ${#names[@]} kernel families built with nvcc $toolkit" >&2

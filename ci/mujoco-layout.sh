#!/usr/bin/env bash
# Generates the mjModel/mjData field offsets for a MuJoCo other than Debian's 2.2.2 (whose layout Topiary bundles),
# from that version's own headers, and installs them where the binding looks: ~/.topiary/mujoco/layout-<version>.properties.
#
# usage: ci/mujoco-layout.sh --include DIR [--out FILE]
#   --include DIR  the folder that holds mujoco/mujoco.h (the Python wheel ships it: $(python -c 'import mujoco, os;
#                  print(os.path.join(os.path.dirname(mujoco.__file__), "include"))'); Debian's is /usr/include)
#   --out FILE     write here instead (then point TOPIARY_MUJOCO_LAYOUT at it)
# Then run with TOPIARY_MUJOCO_LIB naming that version's libmujoco.so; a layout and a library of different versions
# refuse to load together.
set -euo pipefail
cd "$(dirname "$0")/.."
include="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --include) include=${2:?--include needs a folder}; shift ;;
    --out) out=${2:?--out needs a file}; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "mujoco-layout: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$include" ] || { echo "mujoco-layout: say where the headers are: --include DIR (see --help)" >&2; exit 2; }
[ -f "$include/mujoco/mujoco.h" ] || { echo "mujoco-layout: no mujoco/mujoco.h under $include" >&2; exit 2; }
command -v cc >/dev/null || { echo "mujoco-layout: needs a C compiler (apt-get install gcc)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -std=c11 -I"$include" -o "$tmp/mjlayout" native/mujoco/mjlayout.c
"$tmp/mjlayout" >"$tmp/layout.properties"
version=$(awk -F= '$1 == "version" {print $2}' "$tmp/layout.properties")
[ -n "$version" ] || { echo "mujoco-layout: the generator printed no version" >&2; exit 1; }
if [ -z "$out" ]; then
  out="$HOME/.topiary/mujoco/layout-$version.properties"
fi
mkdir -p "$(dirname "$out")"
# Atomic: a half-written layout must never be read.
cp "$tmp/layout.properties" "$out.tmp.$$" && mv -f "$out.tmp.$$" "$out"
echo "MuJoCo $version: wrote $out"

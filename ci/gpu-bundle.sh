#!/usr/bin/env bash
# Builds, on a development machine with a JDK 25 and nvcc, everything ci/gpu-check.sh needs on a GPU machine that has
# no Java, no Maven and no network, into one git-ignored folder (default gpu-bundle/):
#   runtime.tar.xz   a Java 25 runtime made by jlink with only the modules the jars need (jdeps decides)
#   lib/             the engine jar (with the CUDA fatbins as resources), the benchmarks jar, the test classes jar,
#                    their dependencies, and the JUnit console launcher; JCuda's natives cut to the driver binding
#   mujoco/          Debian's libmujoco.so.2.2.2 and the four libraries it links (libccd, lodepng, qhull, tinyxml2),
#                    and the humanoid model, for GPU machines without MuJoCo (skipped, with a note, where absent here)
#   BUNDLE.txt       commit, date, JDK, nvcc, kernel image, modules, sizes
# The whole bundle plus the repository's tracked files must travel in 64 MiB: the script fails if it does not fit.
#
# usage: ci/gpu-bundle.sh [OUT_DIR]          (env: MVN_FLAGS, e.g. -o for an offline build)
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/find-jdk.sh
out=${1:-gpu-bundle}
limit=$((64 * 1024 * 1024))

echo "== building the jars (nvcc must compile every kernel: a bundle without fatbins checks nothing)"
export TOPIARY_REQUIRE_NVCC=1
# shellcheck disable=SC2086  # MVN_FLAGS is a list of flags
./mvnw -B -q ${MVN_FLAGS:-} -DskipTests -Pgpu-bundle package
grep -q '^built=true' java/target/classes/kernels/index.properties \
  || { echo "gpu-bundle: the engine has no kernel image" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/lib"
# The engine's dependencies, then the benchmarks' (JMH and the engine jar itself), each jar once.
for jar in java/target/gpu-bundle/lib/*.jar bench/target/gpu-bundle/lib/*.jar \
           java/target/topiary-engine-*-tests.jar bench/target/topiary-bench-*.jar; do
  [ -e "$out/lib/$(basename "$jar")" ] || cp "$jar" "$out/lib/"
done

# JCuda's natives jar (9 MB) holds the runtime, NVRTC and PTX-compiler bindings too; the CUDA backend loads only
# the driver binding, which needs nothing but the driver's libcuda.so.1.
natives=$(realpath "$out"/lib/jcuda-natives-*.jar)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/natives"
(cd "$tmp/natives" && "$JAVA_HOME/bin/jar" xf "$natives" && find lib -type f ! -name 'libJCudaDriver-*' -delete)
rm "$natives"
"$JAVA_HOME/bin/jar" cf "$natives" -C "$tmp/natives" lib
"$JAVA_HOME/bin/jar" tf "$natives" | grep -q 'lib/libJCudaDriver-' \
  || { echo "gpu-bundle: the cut natives jar lost the driver binding" >&2; exit 1; }

echo "== choosing the runtime's modules with jdeps"
# The last line of jdeps' answer is the module list (java.desktop is among them: the engine draws curve.png).
found=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps "$out"/lib/*.jar \
          2>/dev/null | grep -E '^[a-z][a-z0-9.,]*$' | tail -1 || true)
[ -n "$found" ] || { echo "gpu-bundle: jdeps named no modules" >&2; exit 1; }
# Always: the Vector API (loaded by flag, invisible to jdeps), JMH's and JUnit's needs (management beans, logging,
# XML reports), and sun.misc.Unsafe users.
modules=$(echo "java.base,jdk.incubator.vector,java.management,jdk.management,java.logging,java.xml,jdk.unsupported,${found}" \
            | tr ',' '\n' | grep -v '^$' | sort -u | paste -sd, -)
echo "   $modules"

echo "== jlink"
# Modules stored uncompressed, then the whole runtime through xz: 22 MB, against 38 MB for jlink's zip-9 in a
# .tar.gz (java.desktop is in: the engine draws curve.png).
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-0 --output "$tmp/jre"
"$tmp/jre/bin/java" --add-modules=jdk.incubator.vector -version 2>&1 | sed 's/^/   /'
tar -C "$tmp" -cJf "$out/runtime.tar.xz" jre

echo "== MuJoCo (the library, what it links, the humanoid model)"
mujoco_lib=$(ldconfig -p 2>/dev/null | awk '/libmujoco\.so\.2\.2\.2 /{print $NF; exit}')
if [ -n "$mujoco_lib" ] && [ -f /usr/share/mujoco/model/humanoid/humanoid.xml ]; then
  mkdir -p "$out/mujoco/lib" "$out/mujoco/model"
  cp -L "$mujoco_lib" "$out/mujoco/lib/"
  # Only the libraries MuJoCo itself adds; libc, libstdc++ and libm are on every machine.
  ldd "$mujoco_lib" | awk '/libccd|liblodepng|libqhull|libtinyxml2/ {print $3}' | xargs -r -I{} cp -L {} "$out/mujoco/lib/"
  cp -r /usr/share/mujoco/model/humanoid "$out/mujoco/model/"
  ls "$out/mujoco/lib" | sed 's/^/   /'
else
  echo "   no libmujoco.so.2.2.2 or humanoid model here (apt-get install libmujoco2.2.2 libmujoco-samples): the bundle has no MuJoCo"
fi

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
dirty=$([ -n "$(git status --porcelain 2>/dev/null)" ] && echo " (with uncommitted changes)" || true)
bundle_bytes=$(du -sb "$out" | cut -f1)
tree_bytes=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
{
  echo "commit=$commit$dirty"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "jdk=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')"
  sed 's/^/kernels./' java/target/classes/kernels/index.properties
  echo "modules=$modules"
  echo "runtime_tar_xz_bytes=$(stat -c %s "$out/runtime.tar.xz")"
  echo "lib_bytes=$(du -sb "$out/lib" | cut -f1)"
  echo "bundle_bytes=$bundle_bytes"
  echo "jars=$(cd "$out/lib" && ls | paste -sd' ' -)"
  echo "mujoco=$(ls "$out/mujoco/lib" 2>/dev/null | paste -sd' ' -)"
} >"$out/BUNDLE.txt"

echo "== the bundle"
(cd "$out" && du -b runtime.tar.xz lib/*.jar | sort -n | awk '{printf "   %8.2f MiB  %s\n", $1 / 1048576, $2}')
total=$((bundle_bytes + tree_bytes))
awk -v b="$bundle_bytes" -v t="$tree_bytes" 'BEGIN { printf "   bundle %.1f MiB + tracked files %.1f MiB = %.1f MiB of the 64 MiB a GPU machine takes\n", b / 1048576, t / 1048576, (b + t) / 1048576 }'
if [ "$total" -gt "$limit" ]; then
  echo "gpu-bundle: too big to travel" >&2
  exit 1
fi
echo "== done: $out/ (run ci/gpu-check.sh on the GPU machine, from the repository root)"

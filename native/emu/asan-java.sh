#!/bin/sh
# A java launcher with AddressSanitizer preloaded, for the Surefire run of the emulated kernels under ASan.
# The JVM must load the ASan runtime first; leak checking is off because the JVM itself never frees everything,
# and SEGV handling stays with the JVM (it uses faults for null checks and safepoints).
set -e
asan=$(${CXX:-g++} -print-file-name=libasan.so)
if [ ! -f "$asan" ]; then
  echo "asan-java.sh: libasan.so not found (install g++ with its sanitizer runtime, e.g. libasan8)" >&2
  exit 1
fi
export LD_PRELOAD="$asan${LD_PRELOAD:+:$LD_PRELOAD}"
export ASAN_OPTIONS="handle_segv=0:detect_leaks=0:abort_on_error=0:halt_on_error=1:exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
exec "${JAVA_HOME:?JAVA_HOME must point at a JDK 25}/bin/java" "$@"

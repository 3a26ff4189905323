# Sourced by every Topiary script: sets JAVA_HOME to a JDK 25 or newer, or explains what to install and exits.
# Order: $JAVA_HOME if it is 25+, then the usual JVM folders, then the java on PATH.

topiary_java_feature() {  # prints the feature release of the JDK at $1 (25 for 25.0.3), or nothing
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {split($2, v, "."); print v[1]; exit}'
}

topiary_find_jdk() {
  local cand v
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/*-25* /usr/lib/jvm/*25* /usr/lib/jvm/* \
              /opt/java/openjdk /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
              "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    v=$(topiary_java_feature "$cand")
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then echo "$cand"; return 0; fi
  done
  if command -v javac >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(topiary_java_feature "$cand")
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then echo "$cand"; return 0; fi
  fi
  return 1
}

if ! JAVA_HOME=$(topiary_find_jdk); then
  echo "Topiary needs a JDK 25 or newer and found none (looked at \$JAVA_HOME, /usr/lib/jvm, /opt/java, SDKMAN)." >&2
  echo "Install one, e.g. Eclipse Temurin 25 (apt: temurin-25-jdk from packages.adoptium.net; or 'sdk install java 25-tem')," >&2
  echo "then run again, or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Flags every Topiary JVM needs: the Vector API is an incubator module; FFM, JCuda and MuJoCo call native code.
TOPIARY_JVM_FLAGS=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

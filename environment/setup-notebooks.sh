#!/usr/bin/env bash
# Sets a machine up for the notebooks, from Debian's and Maven Central's packages alone:
#   - headless Jupyter from Debian (add --ui for the classic Notebook UI),
#   - the library built with its runtime jars (lib/target/classes, lib/target/lib),
#   - the Java kernel rapaio-jupyter-kernel 3.0.1 (Maven Central) as the Jupyter kernel "cmkd-java" (its own name,
#     so that a Java kernel of yours named "java", IJava's, is never replaced), whose class path is the built
#     library, so the notebooks need no kernel-specific magic.
# KERNEL_DIR (default ~/.local/share/jupyter/kernels/cmkd-java), JAVA_BIN (default: the java on PATH) and
# CMKD_MAVEN_PROFILE (cu121 for the CUDA natives; environment/gpu/) can be set.
# Under IJava or JJava, put lib/target/classes and lib/target/lib/* on the kernel's class path instead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RJK_VERSION=3.0.1
KERNEL_DIR="${KERNEL_DIR:-$HOME/.local/share/jupyter/kernels/cmkd-java}"
JAVA_BIN="${JAVA_BIN:-$(readlink -f "$(command -v java)")}"

group=jupyter
[ "${1:-}" = "--ui" ] && group=jupyter-ui
"$ROOT/environment/install-system-packages.sh" base
"$ROOT/environment/install-system-packages.sh" "$group"

if [ "${SETUP_SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -f "$ROOT/pom.xml" ${CMKD_MAVEN_PROFILE:+-P"$CMKD_MAVEN_PROFILE"} -DskipTests package
fi

mkdir -p "$KERNEL_DIR"
jar="$KERNEL_DIR/rapaio-jupyter-kernel-$RJK_VERSION.jar"
if [ ! -s "$jar" ]; then
  mvn -B -q -f "$ROOT/pom.xml" dependency:copy -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION" \
    -DoutputDirectory="$KERNEL_DIR"
fi
ln -sfn "$HOME/.m2/repository" "$KERNEL_DIR/mima_cache"   # where %dependency would resolve (relative to the kernel)

cat > "$KERNEL_DIR/kernel.json.part" <<JSON
{
  "argv": ["$JAVA_BIN", "-Djava.awt.headless=true", "-Dai.djl.offline=true",
           "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
           "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
           "-jar", "$jar", "{connection_file}"],
  "display_name": "Java (cmkd kit, rjk $RJK_VERSION)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {"RJK_CLASSPATH": "$ROOT/lib/target/classes;$ROOT/lib/target/lib/*.jar",
          "RJK_COMPILER_OPTIONS": "", "RJK_INIT_SCRIPT": "$ROOT/environment/jupyter/init.jshell",
          "RJK_TIMEOUT_MILLIS": "-1",
          "RJK_MIMA_CACHE": "mima_cache",
          "MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "4294967296"}
}
JSON
mv "$KERNEL_DIR/kernel.json.part" "$KERNEL_DIR/kernel.json"
echo "setup-notebooks: kernel 'cmkd-java' in $KERNEL_DIR, class path $ROOT/lib/target"

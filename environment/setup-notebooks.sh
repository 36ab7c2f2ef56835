#!/usr/bin/env bash
# Sets a machine up for the notebooks, from Debian's and Maven Central's packages alone:
#   - headless Jupyter from Debian (add --ui for the classic Notebook UI),
#   - the library built with its runtime jars (lib/target/classes, lib/target/lib),
#   - the Java kernel rapaio-jupyter-kernel 3.0.1 (Maven Central) as the Jupyter kernel "cmkd-java" (its own name,
#     so that a Java kernel of yours named "java", IJava's, is never replaced), whose class path is the built
#     library, so the notebooks need no kernel-specific magic.
# KERNEL_DIR (default ~/.local/share/jupyter/kernels/cmkd-java), JAVA_BIN (default: the java on PATH) and
# CMKD_MAVEN_PROFILE (cu121 for the CUDA natives; environment/gpu/) can be set.
# Under IJava or JJava: environment/jupyter/kernelspec.py ijava|jjava (notebooks/README.md, "Running them").
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

# The kernel starts through the kit's launcher (environment/jupyter/launcher/, compiled here against the kernel's
# jar): it makes rapaio-jupyter-kernel 3.0.1 ready before it binds its sockets and fixes its loop threads' start,
# the two causes of its start-up race (a kernel that never answers kernel_info). kernel.json comes from
# environment/jupyter/kernelspec.py, which also writes the IJava and JJava recipes with the same flags and class path.
JAVAC="$(dirname "$JAVA_BIN")/javac"
if [ ! -x "$JAVAC" ]; then
  echo "setup-notebooks: no javac next to $JAVA_BIN; the kernel's launcher needs a JDK (set JAVA_BIN)" >&2
  exit 1
fi
rm -rf "$KERNEL_DIR/launcher.part"
"$JAVAC" --release 17 -nowarn -cp "$jar" -d "$KERNEL_DIR/launcher.part" \
  $(find "$ROOT/environment/jupyter/launcher" -name '*.java' | sort)
rm -rf "$KERNEL_DIR/launcher"
mv "$KERNEL_DIR/launcher.part" "$KERNEL_DIR/launcher"
/usr/bin/python3 "$ROOT/environment/jupyter/kernelspec.py" cmkd-java --dir "$KERNEL_DIR" --jar "$jar" \
  --java "$JAVA_BIN" >/dev/null
echo "setup-notebooks: kernel 'cmkd-java' in $KERNEL_DIR, class path $ROOT/lib/target"

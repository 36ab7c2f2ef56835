#!/usr/bin/python3
"""Writes a Jupyter kernel spec (kernel.json) that runs the kit's notebooks: one place for the JVM flags, the class
path and the environment, whichever Java kernel runs them.

    kernelspec.py cmkd-java --dir KERNEL_DIR --jar rapaio-jupyter-kernel-3.0.1.jar   (environment/setup-notebooks.sh)
    kernelspec.py ijava --dir ~/.local/share/jupyter/kernels/cmkd-ijava --jar /path/to/ijava-1.3.0.jar
    kernelspec.py jjava --dir ~/.local/share/jupyter/kernels/cmkd-jjava --jar /path/to/jjava.jar \
                        --launcher-jar /path/to/jjava-launcher.jar
    kernelspec.py KIND ... --print                                       the kernel.json on stdout, nothing written

cmkd-java is the kernel the kit ships: rapaio-jupyter-kernel 3.0.1 started through the kit's launcher (compiled into
KERNEL_DIR/launcher by setup-notebooks.sh), which removes the kernel's start-up races. ijava (SpencerPark/IJava) and
jjava (dflib/jjava, 1.0-M1 or later, whose kernel.json runs jjava-launcher.jar) get the same JVM flags, class path
and allocator settings; neither is on a registry reachable from the kit's CI, so they are generated, not installed.
All three run notebook code inside the kernel's JVM, so the -D flags reach it. --java (default: the java on PATH)
is the JVM; JJava's launcher starts "java" from PATH whatever --java says.
"""
import argparse
import json
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The settings every kernel gets: notebook code runs headless and offline, DJL/slf4j logs only warnings (and not
# the CUDA probe's error on CPU machines), glibc's allocator keeps libtorch's large buffers (docs: stack.md §5).
JVM_FLAGS = [
    "-Djava.awt.headless=true",
    "-Dai.djl.offline=true",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
]
ALLOCATOR_ENV = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "4294967296"}
# The built library (mvn package): its classes and its runtime jars.
CLASS_PATH = [os.path.join(ROOT, "lib", "target", "classes"), os.path.join(ROOT, "lib", "target", "lib", "*.jar")]

LAUNCHER_CLASS = "dev.cmkd.jupyter.KernelLauncher"
DISPLAY = {"cmkd-java": "Java (cmkd kit, rjk 3.0.1)", "ijava": "Java (cmkd kit, IJava)",
           "jjava": "Java (cmkd kit, JJava)"}


def spec(kind, kernel_dir, jar, java, launcher_jar=None):
    """The kernel.json of one kernel, as a dict."""
    if kind == "cmkd-java":
        class_path = os.path.join(kernel_dir, "launcher") + os.pathsep + jar
        argv = [java, *JVM_FLAGS, "-cp", class_path, LAUNCHER_CLASS, "{connection_file}"]
        env = {"RJK_CLASSPATH": ";".join(CLASS_PATH),   # rapaio: ';'-separated, globs allowed
               "RJK_COMPILER_OPTIONS": "",
               "RJK_INIT_SCRIPT": os.path.join(ROOT, "environment", "jupyter", "init.jshell"),
               "RJK_TIMEOUT_MILLIS": "-1",
               "RJK_MIMA_CACHE": "mima_cache"}
    elif kind == "ijava":
        argv = [java, *JVM_FLAGS, "-jar", jar, "{connection_file}"]
        env = {"IJAVA_CLASSPATH": os.pathsep.join(CLASS_PATH),   # path-separator list, simple globs allowed
               "IJAVA_TIMEOUT": "-1"}
    elif kind == "jjava":
        if not launcher_jar:
            raise SystemExit("kernelspec: jjava needs --launcher-jar (jjava-launcher.jar from the JJava kernelspec zip)")
        # JJava's launcher starts the kernel JVM itself, with the options of JJAVA_JVM_OPTS (split on spaces).
        argv = [java, "-jar", launcher_jar, jar, "{connection_file}"]
        env = {"JJAVA_JVM_OPTS": " ".join(JVM_FLAGS),
               "JJAVA_CLASSPATH": os.pathsep.join(CLASS_PATH),
               "JJAVA_TIMEOUT": "-1"}
    else:
        raise SystemExit("kernelspec: unknown kernel %r (cmkd-java, ijava, jjava)" % kind)
    env.update(ALLOCATOR_ENV)
    return {"argv": argv, "display_name": DISPLAY[kind], "language": "java", "interrupt_mode": "message",
            "env": env}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=sorted(DISPLAY))
    parser.add_argument("--dir", required=True, help="the kernel's directory (its name is the kernel's name)")
    parser.add_argument("--jar", required=True, help="the kernel's jar")
    parser.add_argument("--launcher-jar", help="jjava only: jjava-launcher.jar")
    parser.add_argument("--java", default=None, help="the JVM (default: the java on PATH)")
    parser.add_argument("--print", action="store_true", help="print kernel.json instead of writing it")
    args = parser.parse_args()

    java = args.java or shutil.which("java")
    if not java:
        raise SystemExit("kernelspec: no java on PATH; pass --java /path/to/bin/java")
    kernel_dir = os.path.abspath(os.path.expanduser(args.dir))
    jar = os.path.abspath(os.path.expanduser(args.jar))
    launcher_jar = os.path.abspath(os.path.expanduser(args.launcher_jar)) if args.launcher_jar else None
    text = json.dumps(spec(args.kind, kernel_dir, jar, os.path.realpath(java), launcher_jar), indent=2) + "\n"
    if args.print:
        sys.stdout.write(text)
        return
    os.makedirs(kernel_dir, exist_ok=True)
    part = os.path.join(kernel_dir, "kernel.json.part")
    with open(part, "w") as f:
        f.write(text)
    os.replace(part, os.path.join(kernel_dir, "kernel.json"))
    print("kernelspec: %s kernel '%s' in %s" % (args.kind, os.path.basename(kernel_dir), kernel_dir))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Starts the kit's Java kernel N times the way a plain Jupyter client does, and counts the starts that fail.

    /usr/bin/python3 environment/jupyter/measure-kernel-starts.py [--starts 30] [--timeout 60] [--until-failure]

Each start: jupyter_client's KernelManager starts the kernel "cmkd-java" of this checkout (the spec that
notebooks/run-notebooks.sh installs under lib/target/jupyter/, through JUPYTER_PATH), a client waits for it with
wait_for_ready(timeout) at once (no extra delay, as nbclient, the Notebook server and VS Code do), runs "1 + 1" and
a cell that touches the library, checks both replies, and shuts the kernel down. One line per start, then a summary.
A failed start keeps the kernel's stderr and, if the JVM is still alive, the names of its channel threads (jstack):
a healthy rapaio-jupyter-kernel 3.0.1 has Heartbeat-0 and two threads named Shell-0 (the shell and the control
loop; each class numbers its own). A start that succeeded is still noted when the kernel dropped a request read
before its handlers existed, or never handled the shutdown request (its control loop had ended). Logs go to
lib/target/kernel-starts/. Needs the library built (lib/target/classes, lib/target/lib) and Debian's jupyter-client.
Nothing here is a retry: a start that does not answer within the timeout is a failure.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC_ROOT = os.path.join(ROOT, "lib", "target", "jupyter")
os.environ["JUPYTER_PATH"] = SPEC_ROOT + (":" + os.environ["JUPYTER_PATH"] if os.environ.get("JUPYTER_PATH") else "")

from jupyter_client.manager import KernelManager  # noqa: E402  (after JUPYTER_PATH)

CELLS = [("1 + 1", "2"), ("dev.cmkd.frequency.Bands.class.getName()", "dev.cmkd.frequency.Bands")]


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run_cell(kc, code, timeout):
    """Executes code; returns (status, text/plain of its result or error)."""
    results = []

    def hook(msg):
        kind = msg["msg_type"]
        if kind == "execute_result":
            results.append(msg["content"]["data"].get("text/plain", ""))
        elif kind == "error":
            results.append("%s: %s" % (msg["content"].get("ename"), msg["content"].get("evalue")))

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook, store_history=False)
    return reply["content"]["status"], "".join(results).strip()


def thread_names(pid):
    try:
        dump = subprocess.run(["jstack", str(pid)], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return "jstack failed: %s" % e
    names = re.findall(r'^"((?:Shell|Heartbeat)-\d+)"', dump, re.M)
    return "channel threads alive: " + (", ".join(sorted(names)) or "none")


def one_start(index, args, log_dir):
    log_path = os.path.join(log_dir, "start-%02d.log" % index)
    km = KernelManager(kernel_name=args.kernel)
    started = time.monotonic()
    ready = None
    outcome, detail = "ok", ""
    with open(log_path, "w") as log:
        try:
            km.start_kernel(stdout=log, stderr=log)
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=args.timeout)
                ready = time.monotonic() - started
                for code, expected in CELLS:
                    status, text = run_cell(kc, code, args.timeout)
                    if status != "ok" or text.strip('"') != expected:
                        outcome, detail = "wrong-reply", "%r gave %s %r" % (code, status, text)
                        break
            except RuntimeError as e:   # "Kernel didn't respond in N seconds", "Kernel died before replying ..."
                outcome = "died" if "died" in str(e) else "no-answer"
                detail = str(e)
            except Exception as e:      # a cell that timed out, a channel error
                outcome, detail = "error", "%s: %s" % (type(e).__name__, e)
            if outcome != "ok":
                process = km.provisioner.process if km.provisioner else None
                if process is not None and process.poll() is None:
                    detail += "; JVM alive, " + thread_names(process.pid)
                elif process is not None:
                    detail += "; JVM exited with %s" % process.returncode
            kc.stop_channels()
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=outcome != "ok")
    with open(log_path, errors="replace") as f:
        log_text = f.read()
    # Signs of the races in a start that succeeded anyway: a request read before the handlers existed (dropped;
    # the client asks again), a control loop that never ran (shutdown ends in a kill).
    dropped = log_text.count("Unhandled message")
    notes = []
    if dropped:
        notes.append("%d request(s) dropped at start" % dropped)
    if outcome == "ok" and "Handling message: shutdown_request" not in log_text:
        notes.append("shutdown_request not handled")
    if outcome != "ok":
        uncaught = [line.strip() for line in log_text.splitlines()
                    if line.startswith("Exception in thread") or "Caused by" in line]
        if uncaught:
            detail += "; stderr: " + " | ".join(uncaught[:3])
        detail += " (log %s)" % os.path.relpath(log_path, ROOT)
    return outcome, ready, "; ".join([detail] + notes if detail else notes), notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--starts", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=60, help="wait_for_ready and per-cell timeout, seconds")
    parser.add_argument("--kernel", default="cmkd-java")
    parser.add_argument("--until-failure", action="store_true", help="stop at the first failed start")
    parser.add_argument("--no-setup", action="store_true",
                        help="use lib/target/jupyter/kernels/<kernel> as it is (default: write it with setup-notebooks.sh)")
    args = parser.parse_args()

    if not args.no_setup:
        env = dict(os.environ, KERNEL_DIR=os.path.join(SPEC_ROOT, "kernels", args.kernel), SETUP_SKIP_BUILD="1")
        subprocess.run([os.path.join(ROOT, "environment", "setup-notebooks.sh")], env=env, check=True)
    log_dir = os.path.join(ROOT, "lib", "target", "kernel-starts")
    os.makedirs(log_dir, exist_ok=True)
    with open(os.path.join(SPEC_ROOT, "kernels", args.kernel, "kernel.json")) as f:
        argv = re.search(r'"argv":\s*\[(.*?)\]', f.read(), re.S).group(1)
    print("kernel %s, argv [%s]" % (args.kernel, " ".join(argv.split())))
    print("load at start: %s (%d cpus)" % (load(), os.cpu_count()))

    outcomes, readies, noted = [], [], []
    for i in range(1, args.starts + 1):
        outcome, ready, detail, notes = one_start(i, args, log_dir)
        outcomes.append(outcome)
        noted += notes
        if ready is not None:
            readies.append(ready)
        print("start %2d/%d %-11s ready %s  load %s%s" % (
            i, args.starts, outcome, "%5.1f s" % ready if ready is not None else "   -   ", load(),
            "  " + detail if detail else ""), flush=True)
        if outcome != "ok" and args.until_failure:
            break

    failed = [o for o in outcomes if o != "ok"]
    kinds = ", ".join("%d %s" % (failed.count(k), k) for k in sorted(set(failed)))
    print("summary: %d starts, %d ok, %d failed%s" % (len(outcomes), len(outcomes) - len(failed), len(failed),
                                                   " (%s)" % kinds if kinds else ""))
    for kind in ("request(s) dropped at start", "shutdown_request not handled"):
        count = sum(1 for note in noted if note.endswith(kind))
        if count:
            print("starts with %s: %d" % (kind, count))
    if failed:
        print("first failure at start %d" % (outcomes.index(failed[0]) + 1))
    if readies:
        print("time to ready: median %.1f s, min %.1f s, max %.1f s" % (
            statistics.median(readies), min(readies), max(readies)))
    print("load at end: %s" % load())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

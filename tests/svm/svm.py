#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""kettle-vmm on hardware-semantics KVM: boots Debian's kernel under QEMU TCG
with emulated AMD SVM (-cpu max), loads kvm_amd, and runs kettle-vmm's tests
and a list of guest cases inside, once with nested paging and once with
shadow paging (npt=0). Every case's JSON result is compared with the same
case run on this host. Prints TAP.

Usage: svm.py BUILD_DIR SOURCE_DIR CASES_FILE

The kernel package is fetched with `apt-get download` into
BUILD_DIR/tests/svm/cache (nothing is installed). When it cannot be had the
run is a counted skip with the reason, or a failure under CI=true."""
import glob
import gzip
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

BOOT_TIMEOUT_S = 600  # one boot running every test inside, TCG, one core
MODULES = ["virt/lib/irqbypass.ko", "arch/x86/kvm/kvm.ko",
           "drivers/crypto/ccp/ccp.ko", "arch/x86/kvm/kvm-amd.ko"]
# Test binaries of tests/vmm run inside, as on the host (all need /dev/kvm).
INNER_TESTS = ["test-vmm-run", "test-vmm-native", "test-vmm-jail"]
# Result fields that are timings or host-dependent counts, not behaviour.
VOLATILE = {"duration_ms"}

checks = 0
failed = 0


def check(ok, what):
    global checks, failed
    checks += 1
    if not ok:
        failed += 1
    print(f"{'ok' if ok else 'not ok'} {checks} - {what}", flush=True)
    return ok


def comment(text):
    for line in text.splitlines():
        print(f"# {line}")


def skip_all(reason):
    if os.environ.get("CI") == "true":
        print(f"not ok 1 - prerequisite missing under CI=true: {reason}")
        print("1..1")
        sys.exit(1)
    print(f"1..0 # SKIP {reason}")
    sys.exit(0)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def fetch_kernel(cache):
    """The newest Debian kernel image, unpacked; (vmlinuz, modules dir)."""
    unpacked = os.path.join(cache, "kernel")
    found = glob.glob(os.path.join(unpacked, "boot", "vmlinuz-*"))
    if not found:
        os.makedirs(cache, exist_ok=True)
        deps = run(["apt-cache", "depends", "linux-image-amd64"])
        names = re.findall(r"Depends: (linux-image-[0-9][^\s]*)", deps.stdout)
        if not names:
            skip_all("apt-cache names no kernel behind linux-image-amd64 "
                     "(run apt-get update)")
        got = run(["apt-get", "download", names[0]], cwd=cache)
        debs = glob.glob(os.path.join(cache, names[0] + "_*.deb"))
        if got.returncode != 0 or not debs:
            skip_all(f"cannot fetch {names[0]} with apt-get download: "
                     f"{got.stderr.strip()[-200:]}")
        shutil.rmtree(unpacked, ignore_errors=True)
        if run(["dpkg", "-x", debs[0], unpacked]).returncode != 0:
            skip_all(f"dpkg -x {debs[0]} failed")
        found = glob.glob(os.path.join(unpacked, "boot", "vmlinuz-*"))
    version = os.path.basename(found[0])[len("vmlinuz-"):]
    return found[0], os.path.join(unpacked, "lib", "modules", version,
                                  "kernel")


def shared_libraries(path):
    """What the dynamic loader maps for path (ldd), loader included."""
    out = run(["ldd", path]).stdout
    libs = re.findall(r"=> (/\S+)", out)
    libs += re.findall(r"^\s*(/\S+) \(", out, re.M)
    return libs


def copy_in(root, path):
    """Copy path (and, for an executable, its libraries) to the same
    absolute path under root."""
    dest = root + path
    if os.path.exists(dest):
        return
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copy2(os.path.realpath(path), dest)
    if os.access(path, os.X_OK):
        for lib in shared_libraries(path):
            copy_in(root, lib)


def read_cases(path):
    cases = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                cases.append(shlex.split(line))
    return cases


def case_argv(vmm, progs, case):
    """A case is PROGRAM ARGS..., or kettle-vmm OPTIONS -- PROGRAM ARGS...
    (its options after the defaults, so they win). The default time limit
    is generous: TCG runs the guest's guest far slower than this host."""
    options, program = [], case
    if "--" in case:
        options, program = case[:case.index("--")], case[case.index("--") + 1:]
    return [vmm, "run", "--json", "--clear-env", "--timeout", "60s",
            "--mem", "64M", "--max-output", "1M"] + options + \
        ["--", os.path.join(progs, program[0])] + program[1:]


# The initramfs root is already writable memory: /tmp needs no mount of its
# own (one would hide a build directory that lives under /tmp).
INIT = """#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
npt=1
grep -q kettle.npt=0 /proc/cmdline && npt=0
for m in {modules}; do
  case $m in *kvm-amd.ko) insmod $m npt=$npt ;; *) insmod $m ;; esac
done
echo "### npt $(cat /sys/module/kvm_amd/parameters/npt 2>/dev/null)"
[ -c /dev/kvm ] && echo "### kvm yes" || echo "### kvm no"
cd /tmp
for t in {tests}; do
  echo "### test $t"
  KETTLE_VMM={vmm} KETTLE_PROGS={progs} {testdir}/$t 2>&1
  echo "### rc $?"
done
i=0
while read -r line; do
  echo "### case $i"
  eval "$line" </dev/null 2>/dev/null
  echo
  echo "### end"
  i=$((i+1))
done < /cases.sh
echo "### done"
poweroff -f
"""


def build_initramfs(build, kmods, cases, out):
    root = os.path.join(build, "tests", "svm", "root")
    shutil.rmtree(root, ignore_errors=True)
    for d in ["bin", "proc", "sys", "dev", "tmp", "lib/modules"]:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy2(shutil.which("busybox"), os.path.join(root, "bin/busybox"))
    os.symlink("busybox", os.path.join(root, "bin/sh"))
    vmm = os.path.join(build, "vmm", "kettle-vmm")
    progs = os.path.join(build, "tests", "vmm")
    copy_in(root, vmm)
    for t in INNER_TESTS:
        copy_in(root, os.path.join(progs, t))
    for p in glob.glob(os.path.join(progs, "*-musl")) + \
            glob.glob(os.path.join(progs, "*-glibc")) + \
            glob.glob(os.path.join(progs, "*-pie")):
        copy_in(root, p)
    # What the tests start besides kettle-vmm.
    # /bin/true: a dynamically linked program the tests expect refused.
    for tool in ["/bin/bash", "/usr/bin/unshare", "/bin/true"]:
        copy_in(root, tool)
    modules = []
    for m in MODULES:
        dest = os.path.join("/lib/modules", os.path.basename(m))
        shutil.copy2(os.path.join(kmods, m), root + dest)
        modules.append(dest)
    with open(os.path.join(root, "init"), "w") as f:
        f.write(INIT.replace("{modules}", " ".join(modules))
                .replace("{tests}", " ".join(INNER_TESTS))
                .replace("{vmm}", vmm).replace("{progs}", progs)
                .replace("{testdir}", progs))
    os.chmod(os.path.join(root, "init"), 0o755)
    with open(os.path.join(root, "cases.sh"), "w") as f:
        for case in cases:
            f.write(shlex.join(case_argv(vmm, progs, case)) + "\n")
    files = run(["find", "."], cwd=root).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"],
                             cwd=root, input=files.encode(),
                             capture_output=True)
    if archive.returncode != 0:
        raise RuntimeError("cpio failed: " + archive.stderr.decode())
    with gzip.open(out, "wb", compresslevel=1) as f:
        f.write(archive.stdout)
    return vmm, progs


def boot(vmlinuz, initrd, npt):
    cmd = ["qemu-system-x86_64", "-accel", "tcg,thread=single", "-cpu", "max",
           "-m", "2G", "-smp", "1", "-nographic", "-no-reboot",
           "-monitor", "none", "-serial", "stdio", "-kernel", vmlinuz,
           "-initrd", initrd, "-append",
           f"console=ttyS0 panic=-1 loglevel=4 kettle.npt={npt}"]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=BOOT_TIMEOUT_S,
                           stdin=subprocess.DEVNULL)
        return r.stdout.decode("utf-8", "replace").replace("\r", "")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace").replace("\r", "")
        return out + f"\n### timeout after {BOOT_TIMEOUT_S} s\n"


def sections(log):
    """(npt, kvm, {test: (tap text, rc)}, [case outputs], done)"""
    npt = kvm = None
    tests, cases = {}, []
    current, body = None, []
    done = False
    for line in log.splitlines():
        # The console may put escape codes before a marker on its line.
        m = re.search(r"### (\w+) ?(.*)$", line)
        if not m:
            if current:
                body.append(line)
            continue
        key, value = m.groups()
        if key == "npt":
            npt = value.strip()
        elif key == "kvm":
            kvm = value.strip() == "yes"
        elif key in ("test", "case"):
            current, body = (key, value.strip()), []
        elif key == "rc" and current:
            tests[current[1]] = ("\n".join(body), int(value or -1))
            current = None
        elif key == "end" and current:
            cases.append("\n".join(body).strip())
            current = None
        elif key == "done":
            done = True
    return npt, kvm, tests, cases, done


def comparable(text):
    try:
        result = json.loads(text)
    except ValueError:
        return None
    for k in VOLATILE:
        result.pop(k, None)
    return result


def compare_run(label, log, expect_npt, host_results, cases):
    npt, kvm, tests, guest_results, done = sections(log)
    if not check(kvm is True, f"{label}: kvm_amd loaded, /dev/kvm present "
                 f"(npt={npt})"):
        comment(log[-3000:])
        return
    check(npt == expect_npt, f"{label}: kvm_amd runs with npt={expect_npt}")
    check(done, f"{label}: every test and case ran to the end")
    for t in INNER_TESTS:
        tap, rc = tests.get(t, ("", -1))
        oks = len(re.findall(r"^ok \d+", tap, re.M))
        bad = re.findall(r"^not ok \d+.*$", tap, re.M)
        skipped = re.search(r"^1\.\.0 # SKIP", tap, re.M)
        if check(rc == 0 and oks > 0 and not bad and not skipped,
                 f"{label}: {t} passes inside ({oks} checks, "
                 f"{len(bad)} failed)"):
            continue
        comment("\n".join(bad) or tap[-2000:])
    for i, case in enumerate(cases):
        guest = comparable(guest_results[i]) if i < len(guest_results) \
            else None
        host = host_results[i]
        same = guest is not None and guest == host
        if not check(same, f"{label}: {' '.join(case)}: result identical "
                     f"to the host's ({host.get('status') if host else '?'})"):
            comment(f"host:  {json.dumps(host, sort_keys=True)[:600]}")
            comment(f"guest: {json.dumps(guest, sort_keys=True)[:600]}")


def main():
    if len(sys.argv) == 6 and sys.argv[4] == "--skip":
        print(f"1..0 # SKIP {sys.argv[5]}")
        return 0
    if len(sys.argv) != 4:
        print("usage: svm.py BUILD_DIR SOURCE_DIR CASES_FILE [--skip REASON]",
              file=sys.stderr)
        return 2
    build, _source, cases_file = (os.path.abspath(a) for a in sys.argv[1:])
    if not shutil.which("qemu-system-x86_64"):
        skip_all("qemu-system-x86_64 is not installed")
    for tool in ["busybox", "cpio"]:
        if not shutil.which(tool):
            skip_all(f"{tool} is not installed (scripts/setup installs it)")
    cache = os.path.join(build, "tests", "svm", "cache")
    vmlinuz, kmods = fetch_kernel(cache)
    cases = read_cases(cases_file)
    initrd = os.path.join(build, "tests", "svm", "initrd.gz")
    vmm, progs = build_initramfs(build, kmods, cases, initrd)
    host_results = []
    for case in cases:
        r = run(case_argv(vmm, progs, case), stdin=subprocess.DEVNULL)
        host_results.append(comparable(r.stdout))
    check(all(r is not None for r in host_results),
          f"the {len(cases)} cases give a JSON result on the host")
    for npt, label in [("1", "SVM with nested paging"),
                       ("0", "SVM with shadow paging")]:
        log = boot(vmlinuz, initrd, npt)
        with open(os.path.join(build, "tests", "svm", f"boot-npt{npt}.log"),
                  "w") as f:
            f.write(log)
        compare_run(label, log, "Y" if npt == "1" else "N", host_results,
                    cases)
    print(f"1..{checks}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

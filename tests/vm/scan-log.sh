#!/usr/bin/env bash
# Scan a kernel log for reports: print them and exit 1 if there are any.
# A report that names knetstat in its trace (a frame "[knetstat]", a file,
# a panic message) is the module's; any other is the kernel's or the
# harness's. Both fail the run, but the message says which. The modules
# list of a report names every loaded module, so it is not looked at.
set -u
log=${1:?kernel log}
pattern='WARNING:|BUG:|Oops|Kernel panic|KASAN|UBSAN|general protection fault|'
pattern+='possible recursive locking|possible circular locking|inconsistent lock state|'
pattern+='lock held when returning|suspicious RCU usage|sleeping function called from invalid context|'
pattern+='scheduling while atomic|soft lockup|hard LOCKUP|blocked for more than|'
pattern+='refcount_t:|list_add corruption|list_del corruption|rust_panic|panicked at|Call Trace:'
grep -Eq "$pattern" "$log" || exit 0

first=$(grep -En "$pattern" "$log" | head -1 | cut -d: -f1)
if sed -n "$first,$((first + 80))p" "$log" | grep -v 'Modules linked in:' | grep -q 'knetstat'; then
    echo "vm: KERNEL REPORT IN KNETSTAT (the module is at fault):" >&2
else
    echo "vm: KERNEL REPORT NOT IN KNETSTAT (test kernel or harness; still a failure):" >&2
fi
sed -n "$((first > 5 ? first - 5 : 1)),$((first + 60))p" "$log" >&2
exit 1

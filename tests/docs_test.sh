#!/usr/bin/env bash
# The README and the man page name every option item that options.rs can
# print and every Diag flag that diag.rs can set: a new item without its
# documentation fails make check.
set -uo pipefail
cd "$(dirname "$0")/.."
man=$(MANWIDTH=200 man -l knetstat.4 2>/dev/null) || { echo "docs: man -l knetstat.4 failed"; exit 1; }
[ -n "$man" ] || { echo "docs: knetstat.4 renders empty"; exit 1; }
items=$(grep -o '"[A-Z][A-Z0-9_]*"' options.rs | tr -d '"' | sort -u)
flags=$(grep -o '=> "[^"]\+"' diag.rs | sed 's/^=> "\(.*\)"$/\1/')
[ "$(echo "$items" | wc -l)" -ge 50 ] || { echo "docs: found only $(echo "$items" | wc -l) items in options.rs"; exit 1; }
[ "$(echo "$flags" | wc -l)" = 7 ] || { echo "docs: expected 7 Diag flags in diag.rs, found: $flags"; exit 1; }
missing=0
for i in $items; do
    grep -q "\`$i\`" README.md || { echo "docs: README.md does not list $i"; missing=1; }
    grep -qw -- "$i" <<<"$man" || { echo "docs: knetstat.4 does not list $i"; missing=1; }
done
for f in $flags; do
    # README tables escape | as \|.
    grep -qF "\`${f//|/\\|}\`" README.md || { echo "docs: README.md does not explain Diag flag $f"; missing=1; }
    grep -qF -- "$f" <<<"$man" || { echo "docs: knetstat.4 does not explain Diag flag $f"; missing=1; }
done
[ $missing = 0 ] && echo "docs: README.md and knetstat.4 list all $(echo "$items" | wc -l) option items and $(echo "$flags" | wc -l) Diag flags"
[ $missing = 0 ]

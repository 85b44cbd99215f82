#!/bin/sh
# Reference implementation of `list` and `show` the way the replaced tickets.sh worked: one awk
# process per field per ticket, reading the value after `key:` (leading blanks removed), first
# match inside the frontmatter. Used by run.sh (expected output on the real corpus) and bench.sh
# (speed baseline). Usage: reference.sh list [--status S] | reference.sh show-dir <dir>
set -eu
export LC_ALL=C
root=${WORK_ITEMS_DIR:-work-items}

field() {
    awk -v key="$2" '
        NR == 1 { if ($0 == "---") { fm = 1; next } else exit }
        fm && $0 == "---" { exit }
        fm && index($0, key ":") == 1 { v = substr($0, length(key) + 2); sub(/^[ \t]+/, "", v); print v; exit }
    ' "$1"
}

case ${1:-} in
    list)
        status=open
        if [ "${2:-}" = --status ]; then status=$3; fi
        case $status in all) set -- open pending closed ;; *) set -- "$status" ;; esac
        printf 'status\tid\tslug\ttitle\tkind\tpriority\tupdated_at\n'
        for s in "$@"; do
            for dir in "$root/$s"/*; do
                [ -f "$dir/item.md" ] || continue
                f=$dir/item.md
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(field "$f" status)" "$(field "$f" id)" \
                    "$(field "$f" slug)" "$(field "$f" title)" "$(field "$f" kind)" \
                    "$(field "$f" priority)" "$(field "$f" updated_at)"
            done
        done
        ;;
    show-dir | show-dir-full)
        # show-dir-full: the same with the whole thread (what `show --full` prints).
        mode=$1
        dir=$2
        f=$dir/item.md
        printf '# %s\n\n' "$(field "$f" title)"
        printf 'Path: %s\n' "$dir"
        printf 'Status: %s\n' "$(field "$f" status)"
        printf 'ID: %s\n' "$(field "$f" id)"
        printf 'Slug: %s\n\n' "$(field "$f" slug)"
        printf '## item.md\n\n'
        cat "$f"
        printf '\n\n## thread.md\n\n'
        if [ ! -f "$dir/thread.md" ]; then
            printf '(missing thread.md)\n'
        elif [ "$mode" = show-dir-full ]; then
            cat "$dir/thread.md"
        else
            tail -n 80 "$dir/thread.md"
        fi
        ;;
    *) echo "usage: reference.sh list [--status S] | reference.sh show-dir[-full] <dir>" >&2; exit 2 ;;
esac

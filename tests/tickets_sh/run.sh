#!/bin/sh
# The tickets.sh test suite. Run from anywhere: sh tests/tickets_sh/run.sh
# TICKETS_SH_SHELL=bash runs tickets.sh under another shell (default: sh).
# Every test runs in its own scratch directory under a mktemp -d, removed at the end.
set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TS=$REPO/tickets.sh
REF=$HERE/reference.sh
EXP=$HERE/expected
SH=${TICKETS_SH_SHELL:-sh}
CORPUS=$REPO/../shared/corpus/yoi-749b3f3a/work-items
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
trap 'exit 130' INT TERM
pass=0
failed=0
unset WORK_ITEMS_DIR TICKETS_LOCK_TIMEOUT
export USER=tester TICKETS_NOW=2026-01-02T03:04:05Z
# Writers read a body from standard input when it is not a terminal: the tests give them an
# empty one unless they pipe one in, whatever this script's own standard input is.
exec </dev/null

# ------------------------------------------------------------------------------------------------
# Helpers. Tests run with `set -e`: a failing helper ends the test.

t() { "$SH" "$TS" "$@"; }

# Shows a diff of two files (diff -u when present).
show_diff() {
    if command -v diff >/dev/null 2>&1; then diff -u "$1" "$2" | head -n 60; else cmp "$1" "$2"; fi
    return 0
}

# expect_eq <what> <expected text> <actual text>
expect_eq() {
    if [ "$2" != "$3" ]; then
        printf '%s\n' "$2" >"$SCRATCH/.exp"
        printf '%s\n' "$3" >"$SCRATCH/.act"
        echo "mismatch: $1 (--- expected, +++ actual)"
        show_diff "$SCRATCH/.exp" "$SCRATCH/.act"
        return 1
    fi
}

# expect_file <expected file> <actual file>: byte for byte
expect_file() {
    if ! cmp -s "$1" "$2"; then
        echo "files differ: $2 (--- expected $1)"
        show_diff "$1" "$2"
        return 1
    fi
}

# run <args...>: runs tickets.sh, capturing $out, $err (files) and $rc.
run() {
    rc=0
    t "$@" >"$SCRATCH/.out" 2>"$SCRATCH/.err" || rc=$?
    out=$(cat "$SCRATCH/.out")
    err=$(cat "$SCRATCH/.err")
}

# ok <args...>: tickets.sh succeeds with empty stderr.
ok() {
    run "$@"
    if [ "$rc" -ne 0 ] || [ -n "$err" ]; then
        echo "expected success: tickets.sh $*"
        echo "rc=$rc stderr: $err"
        return 1
    fi
}

# fails <message> <args...>: exit 1, empty stdout, stderr exactly "error: <message>".
fails() {
    fmsg=$1
    shift
    run "$@" </dev/null
    expect_eq "exit code of tickets.sh $*" 1 "$rc"
    expect_eq "stdout of tickets.sh $*" "" "$out"
    expect_eq "stderr of tickets.sh $*" "error: $fmsg" "$err"
}

# A fingerprint of the whole tree under the current directory (paths, types, bytes).
snapshot() {
    find . ! -name ".snap*" | sort | while IFS= read -r p; do
        if [ -f "$p" ]; then printf '%s %s\n' "$p" "$(cksum <"$p")"; else printf '%s\n' "$p"; fi
    done
}

new_ticket() { # new_ticket <title> [args]: creates a ticket, sets $id
    title=$1
    shift
    ok create --title "$title" "$@"
    id=$out
}

# The byte count of a file.
size() { wc -c <"$1" | tr -d ' '; }

# The bytes appended to $1 after offset $2.
tail_from() { tail -c "+$(($2 + 1))" "$1"; }

run_test() {
    name=$1
    fn=$2
    dir=$SCRATCH/$fn
    mkdir -p "$dir"
    # Not in an if: errexit is ignored in a condition, even inside a subshell.
    (
        cd "$dir" || exit 1
        set -e
        "$fn"
    ) >"$SCRATCH/.log" 2>&1
    trc=$?
    if [ "$trc" -eq 0 ]; then
        echo "ok - $name"
        pass=$((pass + 1))
    else
        echo "not ok - $name"
        sed 's/^/#   /' "$SCRATCH/.log"
        failed=$((failed + 1))
    fi
    rm -rf "$dir"
}

skip() { echo "skip - $1"; }

# ------------------------------------------------------------------------------------------------
# Usage

test_usage() {
    for a in "" help --help -h; do
        if [ -z "$a" ]; then run; else run "$a"; fi
        expect_eq "rc ($a)" 0 "$rc"
        expect_eq "stderr ($a)" "" "$err"
        t ${a:+"$a"} >usage.out
        expect_file "$EXP/usage.txt" usage.out
    done
    run frob
    expect_eq rc 1 "$rc"
    expect_eq stdout "" "$out"
    t frob 2>usage.err || :
    { cat "$EXP/usage.txt"; echo "error: unknown command: frob"; } >usage.exp
    expect_file usage.exp usage.err
}

# ------------------------------------------------------------------------------------------------
# Golden session: a whole scripted session compared byte for byte with expected/golden.

test_golden() {
    TICKETS_NOW=2026-01-02T03:04:05Z ok create --title "Golden: first ticket" --slug Golden --kind feature --priority P1 --label "shell, format"
    expect_eq id 20260102-030405-golden "$out"
    TICKETS_NOW=2026-01-02T03:04:06Z ok create --title "Second ticket"
    expect_eq id 20260102-030406-second-ticket "$out"
    printf 'First comment.\n' >c1.md
    printf 'Step 1\nStep 2\n' >plan.md
    printf 'Custom body.\n' >custom.md
    printf 'LGTM\n' >review.md
    printf 'Line one\n\nLine three\n' >res.md
    TICKETS_NOW=2026-01-02T03:04:07Z ok comment golden --file c1.md
    TICKETS_NOW=2026-01-02T03:04:08Z ok comment 20260102-030405-golden --role plan --author planner --file plan.md
    printf 'Use awk.' | TICKETS_NOW=2026-01-02T03:04:09Z ok comment golden --role decision
    printf 'Done:\n- list\n- show\n' | TICKETS_NOW=2026-01-02T03:04:10Z ok comment golden --role implementation_report
    TICKETS_NOW=2026-01-02T03:04:11Z ok comment golden --file custom.md --role custom.role-x_1
    TICKETS_NOW=2026-01-02T03:04:12Z ok review golden --approve --author rev --file review.md
    printf 'Fix the tests.\n' | TICKETS_NOW=2026-01-02T03:04:13Z ok review golden --request-changes
    TICKETS_NOW=2026-01-02T03:04:14Z ok status golden pending
    expect_eq "status prints nothing" "" "$out"
    [ -d work-items/pending/20260102-030405-golden ]
    [ ! -e work-items/open/20260102-030405-golden ]
    TICKETS_NOW=2026-01-02T03:04:15Z ok status golden open
    TICKETS_NOW=2026-01-02T03:04:16Z ok close golden --resolution "Shipped."
    TICKETS_NOW=2026-01-02T03:04:17Z ok close second-ticket --file res.md
    TICKETS_NOW=2026-01-02T03:04:18Z ok create --title "Third: stays pending" --label "x,"
    TICKETS_NOW=2026-01-02T03:04:19Z ok status third-stays-pending pending
    expect_eq tree "$(cat "$EXP/golden-tree.txt")" "$(find work-items | sort)"
    (cd "$EXP/golden" && find work-items -type f) | while IFS= read -r f; do
        expect_file "$EXP/golden/$f" "$f"
    done
    [ ! -s work-items/.lock ]
    ok list --status all
    expect_eq "list --status all" "$(cat "$EXP/golden-list.tsv")" "$out"
    ok list
    expect_eq "list (open)" "$(printf 'status\tid\tslug\ttitle\tkind\tpriority\tupdated_at')" "$out"
    ok list --status pending
    expect_eq "list --status pending" "$(sed -n '1,2p' "$EXP/golden-list.tsv")" "$out"
    ok doctor
    expect_eq doctor "doctor: ok" "$out"
}

# ------------------------------------------------------------------------------------------------
# Bodies and event quoting

# The event a writer must append, given the body bytes in file $5: kind author at heading [status]
event_bytes() {
    printf '\n<!-- event: %s author: %s at: %s%s -->\n\n## %s\n\n' "$1" "$2" "$3" "${6:+ status: $6}" "$4"
    cat "$5"
    printf '\n\n---\n'
}

test_bodies() {
    new_ticket "Bodies"
    th=work-items/open/$id/thread.md
    printf 'a\n---\nb\n---\n' >dashes.md
    printf 'x\r\ny\r\n' >crlf.md
    printf 'no newline at end' >nonl.md
    : >empty.md
    for f in dashes.md crlf.md nonl.md empty.md; do
        before=$(size "$th")
        ok comment bodies --file "$f"
        event_bytes comment tester "$TICKETS_NOW" Comment "$f" >want
        tail_from "$th" "$before" >got
        expect_file want got
    done
    # stdin: same bytes as --file
    before=$(size "$th")
    t comment bodies --role plan <dashes.md
    event_bytes plan tester "$TICKETS_NOW" Plan dashes.md >want
    tail_from "$th" "$before" >got
    expect_file want got
    # </dev/null is not a terminal: an empty body
    before=$(size "$th")
    t comment bodies </dev/null
    event_bytes comment tester "$TICKETS_NOW" Comment empty.md >want
    tail_from "$th" "$before" >got
    expect_file want got
    # --file wins over stdin
    before=$(size "$th")
    printf 'ignored\n' | t comment bodies --file nonl.md
    event_bytes comment tester "$TICKETS_NOW" Comment nonl.md >want
    tail_from "$th" "$before" >got
    expect_file want got
}

test_event_quoting() {
    new_ticket "Quoting"
    th=work-items/open/$id/thread.md
    printf '%s\n' 'top' '<!-- event: fake author: x at: 2026-01-01T00:00:00Z -->' '\<!-- event: once' \
        '\\<!-- event: twice' ' <!-- event: indented' 'text <!-- event: inline' >body.md
    printf '%s\n' 'top' '\<!-- event: fake author: x at: 2026-01-01T00:00:00Z -->' '\\<!-- event: once' \
        '\\\<!-- event: twice' ' <!-- event: indented' 'text <!-- event: inline' >quoted.md
    before=$(size "$th")
    ok comment quoting --file body.md
    event_bytes comment tester "$TICKETS_NOW" Comment quoted.md >want
    tail_from "$th" "$before" >got
    expect_file want got
    # The same quoting on the close event; resolution.md keeps the bytes as given.
    before=$(size "$th")
    ok close quoting --file body.md
    th=work-items/closed/$id/thread.md
    event_bytes close tester "$TICKETS_NOW" Closed quoted.md closed >want
    tail_from "$th" "$before" >got
    expect_file want got
    expect_file body.md "work-items/closed/$id/resolution.md"
    # Exactly the create event and two real headers remain.
    expect_eq "header lines" 3 "$(grep -c '^<!-- event:' "$th")"
}

test_no_body_provided() {
    if ! command -v script >/dev/null 2>&1; then
        echo "notice: script(1) absent; the 'No body provided.' case is not tested"
        return 0
    fi
    new_ticket "Tty"
    th=work-items/open/$id/thread.md
    before=$(size "$th")
    script -qec "$SH $TS comment tty" /dev/null </dev/null >/dev/null 2>&1 || :
    printf 'No body provided.\n' >nb.md
    event_bytes comment tester "$TICKETS_NOW" Comment nb.md >want
    tail_from "$th" "$before" >got
    expect_file want got
}

test_close_default_resolution() {
    new_ticket "Default close"
    ok close default-close
    printf 'Closed.\n' >want
    expect_file want "work-items/closed/$id/resolution.md"
    new_ticket "Empty resolution"
    ok close empty-resolution --resolution ""
    expect_file want "work-items/closed/$id/resolution.md"
    new_ticket "File wins"
    printf 'from file\n' >r.md
    ok close file-wins --resolution "text" --file r.md
    expect_file r.md "work-items/closed/$id/resolution.md"
    # Closing again (already closed) is refused: the resolution stays, nothing is written.
    snapshot >.snap
    fails "$id is already closed; reopen it first to close it again" close file-wins --resolution again
    fails "$id is already closed; reopen it first to close it again" status file-wins closed
    snapshot >.snap2
    expect_eq "tree unchanged" "$(cat .snap)" "$(cat .snap2)"
    expect_file r.md "work-items/closed/$id/resolution.md"
    # Reopened, it closes again (the new resolution replaces the old one).
    TICKETS_NOW=2026-01-02T03:04:09Z ok reopen file-wins
    TICKETS_NOW=2026-01-02T03:04:10Z ok close file-wins --resolution again
    printf 'again\n' >again
    expect_file again "work-items/closed/$id/resolution.md"
    grep -q '^updated_at: 2026-01-02T03:04:10Z$' "work-items/closed/$id/item.md"
}

# The bytes of a status event: from (as written), to, author, at [reason]
status_event_bytes() {
    printf '\n<!-- event: status author: %s at: %s status: %s -->\n\n## Status\n\nfrom: %s\nto: %s\n' "$3" "$4" "$2" "$1" "$2"
    if [ -n "${5:-}" ]; then printf '\n%s\n' "$5"; fi
    printf '\n\n---\n'
}

test_status_events() {
    new_ticket "Moves"
    th=work-items/open/$id/thread.md
    before=$(size "$th")
    TICKETS_NOW=2026-01-02T03:04:06Z ok status moves pending
    th=work-items/pending/$id/thread.md
    status_event_bytes open pending tester 2026-01-02T03:04:06Z >want
    tail_from "$th" "$before" >got
    expect_file want got
    before=$(size "$th")
    TICKETS_NOW=2026-01-02T03:04:07Z ok status moves pending --author "yoi ticket" --reason "Still waiting."
    status_event_bytes pending pending "yoi ticket" 2026-01-02T03:04:07Z "Still waiting." >want
    tail_from "$th" "$before" >got
    expect_file want got
    before=$(size "$th")
    TICKETS_NOW=2026-01-02T03:04:08Z ok status moves closed --reason "$(printf 'Two\n<!-- event: lines')"
    th=work-items/closed/$id/thread.md
    status_event_bytes pending closed tester 2026-01-02T03:04:08Z "$(printf 'Two\n\\<!-- event: lines')" >want
    tail_from "$th" "$before" >got
    expect_file want got
    before=$(size "$th")
    TICKETS_NOW=2026-01-02T03:04:09Z ok reopen moves --reason "It came back."
    th=work-items/open/$id/thread.md
    status_event_bytes closed open tester 2026-01-02T03:04:09Z "It came back." >want
    tail_from "$th" "$before" >got
    expect_file want got
    [ ! -e "work-items/closed/$id" ]
    grep -q '^status: open$' "work-items/open/$id/item.md"
    # A hand-edited status is recorded as written (quoted when it must be).
    sed 's/^status: open$/status: " odd"/' "work-items/open/$id/item.md" >x && mv x "work-items/open/$id/item.md"
    before=$(size "$th")
    TICKETS_NOW=2026-01-02T03:04:10Z ok status moves open
    status_event_bytes '" odd"' open tester 2026-01-02T03:04:10Z >want
    tail_from "$th" "$before" >got
    expect_file want got
    snapshot >.snap
    fails "$id is open, not closed; only a closed ticket can be reopened" reopen moves
    fails "unknown reopen argument: --frob" reopen moves --frob
    fails "unknown status argument: --frob" status moves open --frob
    fails "--reason requires a value" status moves open --reason
    fails "invalid author: it contains a control character (newline, tab, ...); pass a one-line --author" status moves open --author "$(printf 'a\nb')"
    fails "reopen requires <id-or-slug>" reopen
    fails "work item not found: nope" reopen nope
    snapshot >.snap2
    expect_eq "tree unchanged" "$(cat .snap)" "$(cat .snap2)"
    ok doctor
}

test_create_body_and_assignee() {
    template=$(printf '\n## Background\n\nCreated by tickets.sh.\n\n## Acceptance criteria\n\n- TBD')
    new_ticket "Given" --body "One line."
    expect_eq "--body" "One line." "$(sed -n '14,$p' "work-items/open/$id/item.md")"
    expect_eq "--body ends with a line break" "0a" "$(tail -c 1 "work-items/open/$id/item.md" | od -An -tx1 | tr -d ' ')"
    printf 'From a file\n---\nwith a rule' >b.md
    new_ticket "Filed" --file b.md
    tail -n +14 "work-items/open/$id/item.md" >got
    expect_file b.md got
    printf 'From stdin\n' | t create --title "Piped" >/dev/null
    expect_eq "stdin" "From stdin" "$(sed -n '14,$p' work-items/open/20260102-030405-piped/item.md)"
    new_ticket "Empty stdin" </dev/null
    expect_eq "template" "$template" "$(sed -n '14,$p' "work-items/open/$id/item.md")"
    : >empty.md
    new_ticket "Empty file" --file empty.md
    expect_eq "template for an empty file" "$template" "$(sed -n '14,$p' "work-items/open/$id/item.md")"
    new_ticket "Empty body" --body ""
    expect_eq "template for an empty body" "$template" "$(sed -n '14,$p' "work-items/open/$id/item.md")"
    new_ticket "Assigned" --assignee "Ada Lovelace" --author "yoi ticket" --allow-new --kind chore
    grep -q '^assignee: Ada Lovelace$' "work-items/open/$id/item.md"
    grep -q '^kind: chore$' "work-items/open/$id/item.md"
    expect_eq "create author" "<!-- event: create author: yoi ticket at: $TICKETS_NOW -->" "$(sed -n 1p "work-items/open/$id/thread.md")"
    new_ticket "Null" --assignee null
    grep -q '^assignee: "null"$' "work-items/open/$id/item.md"
    snapshot >.snap
    fails "invalid assignee: an empty assignee means nothing" create --title x --assignee ""
    fails "invalid assignee: it holds a line break or another control character" create --title x --assignee "$(printf 'a\nb')"
    fails "file not found: nope.md" create --title x --file nope.md
    fails "invalid author 'a --> b': it may not contain '-->'; pass another --author" create --title x --author "a --> b"
    snapshot >.snap2
    expect_eq "tree unchanged" "$(cat .snap)" "$(cat .snap2)"
    ok doctor
}

# A ticket `ticket edit` wrote: typed keys, an unknown key, edit and status events. tickets.sh
# keeps every byte of them across its own writes, and its doctor accepts them.
test_keeps_new_keys_and_events() {
    d=work-items/open/20260101-000000-edited
    mkdir -p "$d/artifacts" work-items/pending work-items/closed
    : >"$d/artifacts/.gitkeep"
    cat >"$d/item.md" <<'EOF'
---
id: 20260101-000000-edited
slug: edited
title: "Edited: by ticket"
status: open
kind: bug
priority: P1
labels: [a, c]
created_at: 2026-01-01T00:00:00Z
updated_at: 2026-01-01T00:00:02Z
assignee: ada
legacy_ticket: null
readiness: blocked
needs_preflight: true
risk_flags: [data-loss]
refs_urls: ["https://x/a,b"]
owner_team: platform
---
New body.
EOF
    cat >"$d/thread.md" <<'EOF'
<!-- event: create author: ada at: 2026-01-01T00:00:00Z -->

## Created

Created by tickets.sh create.

---

<!-- event: edit author: ada at: 2026-01-01T00:00:01Z -->

## Edited

- title: Edit me
+ title: "Edited: by ticket"
- labels: [a, b]
+ labels: [a, c]
+ readiness: blocked
+ owner_team: platform
--- body
+++ body
@@ -1,1 +1,1 @@
-Old body.
+New body.


---

<!-- event: status author: ada at: 2026-01-01T00:00:02Z status: open -->

## Status

from: pending
to: open

Back to work.


---
EOF
    cp "$d/item.md" item.orig
    cp "$d/thread.md" thread.orig
    ok doctor
    ok list
    expect_eq list "open	20260101-000000-edited	edited	Edited: by ticket	bug	P1	2026-01-01T00:00:02Z" "$(printf '%s\n' "$out" | sed -n 2p)"
    : >empty.md
    TICKETS_NOW=2026-02-03T04:05:06Z ok comment edited --file empty.md
    TICKETS_NOW=2026-02-03T04:05:07Z ok status edited pending
    TICKETS_NOW=2026-02-03T04:05:08Z ok close edited
    TICKETS_NOW=2026-02-03T04:05:09Z ok reopen edited
    d=work-items/open/20260101-000000-edited
    sed -e '10s/.*/updated_at: 2026-02-03T04:05:09Z/' item.orig >want
    expect_file want "$d/item.md"
    head -c "$(size thread.orig)" "$d/thread.md" >got
    expect_file thread.orig got
    expect_eq "events" 7 "$(grep -c '^<!-- event:' "$d/thread.md")"
    ok show edited
    ok doctor
}

# ------------------------------------------------------------------------------------------------
# Create details

test_create_details() {
    new_ticket "Pod: scope 永続化"
    expect_eq "non-ASCII slug" 20260102-030405-pod-scope "$id"
    new_ticket "!!!"
    expect_eq "empty slug" 20260102-030405-item "$id"
    new_ticket "x" --slug "--Some__Slug--"
    expect_eq "slug option" 20260102-030405-some-slug "$id"
    new_ticket "Twice"
    new_ticket "Twice"
    case $id in
        20260102-030405-twice-[0-9]*) ;;
        *) echo "collision id: $id"; return 1 ;;
    esac
    expect_eq "slug of the second" "slug: twice" "$(sed -n 3p "work-items/open/$id/item.md")"
    new_ticket "Labels" --label " a , b,, c ,"
    expect_eq labels "labels: [a, b, c]" "$(grep '^labels:' "work-items/open/$id/item.md")"
    new_ticket "No labels" --label " , "
    expect_eq "empty labels" "labels: []" "$(grep '^labels:' "work-items/open/$id/item.md")"
    [ -f "work-items/open/$id/artifacts/.gitkeep" ]
    [ ! -s "work-items/open/$id/artifacts/.gitkeep" ]
    [ -d work-items/pending ]
    [ -d work-items/closed ]
    # Titles that would not read back raw are written double-quoted, and read back unquoted.
    nl='
'
    new_ticket "two${nl}lines"
    expect_eq "quoted title" 'title: "two\nlines"' "$(sed -n 4p "work-items/open/$id/item.md")"
    expect_eq "slug" 20260102-030405-two-lines "$id"
    ok show two-lines
    expect_eq "show title" "# two${nl}lines" "$(printf '%s\n' "$out" | sed -n 1,2p)"
    new_ticket ' "lead" \ back'
    expect_eq "quoted title 2" 'title: " \"lead\" \\ back"' "$(sed -n 4p "work-items/open/$id/item.md")"
    ok list
    expect_eq "list unquotes" "open	$id	lead-back	 \"lead\" \\ back	task	P2	$TICKETS_NOW" "$(printf '%s\n' "$out" | grep lead-back)"
    new_ticket "kinds" --kind " spaced" --priority "null"
    expect_eq kind 'kind: " spaced"' "$(grep '^kind:' "work-items/open/$id/item.md")"
    expect_eq priority 'priority: null' "$(grep '^priority:' "work-items/open/$id/item.md")"
    fails "--kind must not be empty" create --title "No kind" --kind ""
    tabbed=$(printf 'tab\there\nnext')
    new_ticket "$tabbed"
    ok list
    expect_eq "list escapes tab and LF" "open	$id	tab-here-next	tab\\there\\nnext	task	P2	$TICKETS_NOW" "$(printf '%s\n' "$out" | grep tab-here-next)"
    fails "--priority must not be empty" create --title "No priority" --priority ""
    # A root that does not exist yet is created (relative to WORK_ITEMS_DIR).
    WORK_ITEMS_DIR=deep/root ok create --title "Deep"
    [ -f "deep/root/open/$out/item.md" ]
}

test_time() {
    TICKETS_NOW=1999-12-31T23:59:58Z ok create --title "Stamp"
    expect_eq id 19991231-235958-stamp "$out"
    grep -q '^created_at: 1999-12-31T23:59:58Z$' "work-items/open/$out/item.md"
    for bad in 2026-01-02 "2026-01-02 03:04:05Z" 2026-01-02T03:04:05 2026-01-02T03:04:05+00:00 x; do
        TICKETS_NOW=$bad fails "invalid TICKETS_NOW: '$bad'; use RFC 3339 UTC with seconds, e.g. 2026-01-02T03:04:05Z" create --title y
    done
    [ "$(ls work-items/open)" = 19991231-235958-stamp ]
    # Without TICKETS_NOW: the clock, in the same shape.
    unset TICKETS_NOW
    ok create --title "Clock"
    case $out in
        [0-9][0-9][0-9][0-9][01][0-9][0-3][0-9]-[0-2][0-9][0-5][0-9][0-6][0-9]-clock) ;;
        *) echo "clock id: $out"; return 1 ;;
    esac
}

# ------------------------------------------------------------------------------------------------
# Errors

test_argument_errors() {
    new_ticket "Err"
    snapshot >.snap
    fails "--status requires a value" list --status
    fails "unknown list argument: --bogus" list --bogus
    fails "unknown list argument: open" list open
    fails "invalid status: foo" list --status foo
    fails "show requires <id-or-slug>" show
    fails "show requires <id-or-slug>" show a b
    fails "create requires --title" create
    fails "create requires --title" create --slug x
    fails "create requires --title" create --title ""
    fails "--title requires a value" create --title
    for f in --slug --kind --priority --label; do
        fails "$f requires a value" create --title x "$f"
    done
    fails "unknown create argument: --frob" create --title x --frob
    fails "comment requires <id-or-slug>" comment
    for f in --role --author --file; do
        fails "$f requires a value" comment err "$f"
    done
    fails "unknown comment argument: --frob" comment err --frob
    fails "unknown comment argument: extra" comment err extra
    fails "file not found: missing.md" comment err --file missing.md
    fails "file not found: ." comment err --file .
    fails "review requires <id-or-slug>" review
    fails "review requires --approve or --request-changes" review err
    fails "review requires --approve or --request-changes" review err --author me
    fails "unknown review argument: --frob" review err --approve --frob
    fails "--author requires a value" review err --approve --author
    fails "--file requires a value" review err --approve --file
    fails "file not found: nope" review err --approve --file nope
    fails "status requires <id-or-slug> <open|pending|closed>" status
    fails "status requires <id-or-slug> <open|pending|closed>" status err
    fails "status requires <id-or-slug> <open|pending|closed>" status err open extra
    fails "invalid status: done" status err done
    fails "invalid status: all" status err all
    fails "status requires <id-or-slug> <open|pending|closed>" status err --reason x
    fails "close requires <id-or-slug>" close
    fails "--resolution requires a value" close err --resolution
    fails "--file requires a value" close err --file
    fails "unknown close argument: --frob" close err --frob
    fails "file not found: nope" close err --file nope
    fails "doctor takes no arguments" doctor x
    fails "work item not found: nope" show nope
    fails "work item not found: nope" comment nope
    fails "work item not found: nope" review nope --approve
    fails "work item not found: nope" status nope closed
    fails "work item not found: nope" close nope
    fails "work item not found: " show ""
    snapshot >.snap2
    expect_eq "tree unchanged by failed commands" "$(cat .snap)" "$(cat .snap2)"
    # A missing root: lookups fail, nothing is created.
    WORK_ITEMS_DIR=none fails "work item not found: x" comment x
    WORK_ITEMS_DIR=none fails "work item not found: x" status x open
    [ ! -e none ]
}

test_validation_errors() {
    new_ticket "Val"
    snapshot >.snap
    fails "invalid role: 'two words'; a role is one word of A-Z a-z 0-9 _ . - (e.g. --role plan)" comment val --role "two words"
    fails "invalid role: ''; a role is one word of A-Z a-z 0-9 _ . - (e.g. --role plan)" comment val --role ""
    fails "invalid role: 'a/b'; a role is one word of A-Z a-z 0-9 _ . - (e.g. --role plan)" comment val --role a/b
    ctl="invalid author: it contains a control character (newline, tab, ...); pass a one-line --author"
    fails "$ctl" comment val --author "$(printf 'a\nb')"
    fails "$ctl" comment val --author "$(printf 'a\rb')"
    fails "$ctl" review val --approve --author "$(printf 'a\tb')"
    fails "invalid author 'a --> b': it may not contain '-->'; pass another --author" comment val --author "a --> b"
    fails "empty author; pass --author <name> or set USER" comment val --author ""
    USER="$(printf 'x\ny')" fails "$ctl" close val
    for l in "a[b" "b]" 'q"' "s'q" "$(printf 't\tab')"; do
        fails "invalid label '$l': labels may not contain '[', ']', quotes or control characters; choose another label" create --title x --label "ok, $l"
    done
    TICKETS_LOCK_TIMEOUT=soon fails "invalid TICKETS_LOCK_TIMEOUT: 'soon'; use a number of seconds, e.g. 10" comment val
    snapshot >.snap2
    expect_eq "tree unchanged" "$(cat .snap)" "$(cat .snap2)"
    # Roles and authors that are fine.
    ok comment val --role A.b-c_9 --author "yoi ticket"
    grep -q '^<!-- event: A.b-c_9 author: yoi ticket at: ' "work-items/open/$id/thread.md"
    USER= ok comment val
    grep -q '^<!-- event: comment author: unknown at: ' "work-items/open/$id/thread.md"
}

test_status_target_exists() {
    new_ticket "Moving"
    mkdir -p "work-items/pending/$id"
    snapshot >.snap
    fails "target already exists: work-items/pending/$id" status "$id" pending
    fails "target already exists: work-items/pending/$id" status moving pending
    snapshot >.snap2
    expect_eq "tree unchanged" "$(cat .snap)" "$(cat .snap2)"
    # close --file is validated before anything moves
    fails "file not found: gone.md" close moving --file gone.md
    [ -d "work-items/open/$id" ]
    # Same status: nothing moves, status and updated_at are rewritten
    TICKETS_NOW=2026-01-02T03:04:09Z ok status moving open
    grep -q '^updated_at: 2026-01-02T03:04:09Z$' "work-items/open/$id/item.md"
    # A directory not named after its id is moved to <status>/<id>
    rmdir "work-items/pending/$id"
    mv "work-items/open/$id" work-items/open/renamed
    ok status moving pending
    [ -f "work-items/pending/$id/item.md" ]
    [ ! -e work-items/open/renamed ]
    # An id that is not a directory name is refused
    sed 's/^id: .*/id: ..\/escape/' "work-items/pending/$id/item.md" >x && mv x "work-items/pending/$id/item.md"
    fails "cannot move work-items/pending/$id: its id '../escape' is not a valid directory name (a-z 0-9 -); fix item.md first" status moving closed
}

# ------------------------------------------------------------------------------------------------
# Minimal rewrites: unknown keys, quoting and other bytes survive.

handmade() { # handmade <dir> <status>
    mkdir -p "$1/artifacts"
    : >"$1/artifacts/.gitkeep"
    cat >"$1/item.md" <<EOF
---
id: ${1##*/}
slug: handmade
title: "Quoted: \\"title\\""
status: $2
kind: 'it''s'
priority: P2
labels:
  - a
  - b
created_at: 2026-01-01T00:00:00Z
updated_at: 2026-01-01T00:00:00Z
owner: someone
# a comment line
assignee: null
legacy_ticket: null
---
body
updated_at: must stay
status: must stay
EOF
    printf '<!-- event: create author: tickets.sh at: 2026-01-01T00:00:00Z -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n' >"$1/thread.md"
}

test_minimal_rewrites() {
    d=work-items/open/20260101-000000-handmade
    handmade "$d" open
    mkdir -p work-items/pending work-items/closed
    cp "$d/item.md" orig.md
    ok list
    expect_eq list "open	20260101-000000-handmade	handmade	Quoted: \"title\"	it's	P2	2026-01-01T00:00:00Z" "$(printf '%s\n' "$out" | sed -n 2p)"
    ok show handmade
    expect_eq "show header" "# Quoted: \"title\"" "$(printf '%s\n' "$out" | sed -n 1p)"
    TICKETS_NOW=2026-02-03T04:05:06Z ok comment handmade
    # only the frontmatter updated_at line (line 12) changes, not the one in the body
    sed '12s/.*/updated_at: 2026-02-03T04:05:06Z/' orig.md >want
    expect_file want "$d/item.md"
    TICKETS_NOW=2026-02-03T04:05:07Z ok status handmade pending
    d=work-items/pending/20260101-000000-handmade
    sed -e '5s/.*/status: pending/' -e '12s/.*/updated_at: 2026-02-03T04:05:07Z/' orig.md >want
    expect_file want "$d/item.md"
    # a block list goes with its key; a missing key is added before the closing ---
    sed -e '12d' orig.md >"$d/item.md"
    TICKETS_NOW=2026-02-03T04:05:08Z ok close handmade
    d=work-items/closed/20260101-000000-handmade
    sed -e '5s/.*/status: closed/' -e '12d' -e '17s/^---$/updated_at: 2026-02-03T04:05:08Z\n---/' orig.md >want
    expect_file want "$d/item.md"
    # an item.md that ends at its closing --- without a newline keeps that last byte as it was
    # (here a move cut short: under closed/, still saying pending; the move completes it)
    printf -- '---\nid: 20260101-000000-handmade\nslug: handmade\nstatus: pending\nupdated_at: x\n---' >"$d/item.md"
    TICKETS_NOW=2026-02-03T04:05:09Z ok status handmade closed
    expect_eq "no newline added" "$(printf -- '---\nid: 20260101-000000-handmade\nslug: handmade\nstatus: closed\nupdated_at: 2026-02-03T04:05:09Z\n---')" "$(cat "$d/item.md")"
    expect_eq "last byte" "-" "$(tail -c 1 "$d/item.md")"
}

test_crlf_item() {
    d=work-items/open/20260101-000000-crlf
    mkdir -p "$d/artifacts" work-items/pending work-items/closed
    : >"$d/artifacts/.gitkeep"
    printf -- '---\r\nid: 20260101-000000-crlf\r\nslug: crlf\r\ntitle: CRLF ticket\r\nstatus: open\r\nkind: task\r\npriority: P2\r\nlabels: [a]\r\ncreated_at: 2026-01-01T00:00:00Z\r\nupdated_at: 2026-01-01T00:00:00Z\r\nassignee: null\r\nlegacy_ticket: null\r\n---\r\nbody\r\n' >"$d/item.md"
    : >"$d/thread.md"
    cp "$d/item.md" orig.md
    ok list
    expect_eq "list strips CR" "open	20260101-000000-crlf	crlf	CRLF ticket	task	P2	2026-01-01T00:00:00Z" "$(printf '%s\n' "$out" | sed -n 2p)"
    ok doctor
    ok show crlf
    TICKETS_NOW=2026-02-03T04:05:06Z ok status crlf pending
    sed -e '5s/open/pending/' -e '10s/2026-01-01T00:00:00Z/2026-02-03T04:05:06Z/' orig.md >want
    expect_file want work-items/pending/20260101-000000-crlf/item.md
}

# ------------------------------------------------------------------------------------------------
# Lookup

test_lookup() {
    new_ticket "Alpha"
    a=$id
    TICKETS_NOW=2026-01-02T03:04:06Z ok create --title "Beta"
    b=$out
    ok show "$a"
    expect_eq "show by id" "Path: work-items/open/$a" "$(printf '%s\n' "$out" | sed -n 3p)"
    ok show beta
    expect_eq "show by slug" "ID: $b" "$(printf '%s\n' "$out" | sed -n 5p)"
    ok status beta closed
    ok show beta
    expect_eq "found in closed" "Path: work-items/closed/$b" "$(printf '%s\n' "$out" | sed -n 3p)"
    fails "work item not found: gamma" show gamma
    fails "work item not found: 20260102" show 20260102
    # A directory named like the query whose id differs is not a match (the path check reads id).
    mkdir -p work-items/open/decoy
    sed 's/^id: .*/id: not-decoy/; s/^slug: .*/slug: other/' "work-items/open/$a/item.md" >work-items/open/decoy/item.md
    fails "work item not found: decoy" show decoy
    ok show not-decoy
    rm -r work-items/open/decoy
    # Ambiguous: two tickets with the same slug (same title, same second).
    new_ticket "Alpha"
    a2=$id
    run show alpha
    expect_eq rc 1 "$rc"
    expect_eq stderr "$(printf 'work-items/open/%s\nwork-items/open/%s\nerror: ambiguous work item: alpha' "$a" "$a2")" "$err"
    run comment alpha </dev/null
    expect_eq "comment rc" 1 "$rc"
    expect_eq "comment stderr" "$(printf 'work-items/open/%s\nwork-items/open/%s\nerror: ambiguous work item: alpha' "$a" "$a2")" "$err"
    ok show "$a2"
    # Root given with a trailing slash: Path is printed as built from the root, literally.
    WORK_ITEMS_DIR=work-items/ ok show "$a2"
    expect_eq "literal root" "Path: work-items//open/$a2" "$(printf '%s\n' "$out" | sed -n 3p)"
    # show without thread.md
    rm "work-items/open/$a2/thread.md"
    ok show "$a2"
    expect_eq "missing thread" "(missing thread.md)" "$(printf '%s\n' "$out" | tail -n 1)"
}

test_show_tail() {
    new_ticket "Long"
    i=0
    while [ $i -lt 30 ]; do
        printf 'comment %s\n' "$i" | t comment long
        i=$((i + 1))
    done
    ok show long
    f=work-items/open/$id
    show_head() {
        printf '# Long\n\nPath: %s\nStatus: open\nID: %s\nSlug: long\n\n## item.md\n\n' "$f" "$id"
        cat "$f/item.md"
        printf '\n\n## thread.md\n\n'
    }
    # The end of the thread, from the first event header among its last 80 lines, after a line
    # saying how much was left out.
    total=$(wc -l <"$f/thread.md")
    start=$(grep -n '^<!-- event:' "$f/thread.md" | cut -d: -f1 |
        awk -v first=$((total - 79)) '$1 >= first { print; exit }')
    events=$(sed -n "1,$((start - 1))p" "$f/thread.md" | grep -c '^<!-- event:')
    { show_head
      printf '(%s earlier lines (%s events) not shown; show --full prints the whole thread)\n\n' \
          $((start - 1)) "$events"
      tail -n "+$start" "$f/thread.md"; } >want
    t show long >got
    expect_file want got
    expect_eq "cut at an event" "<!-- event:" "$(sed -n "$(($(show_head | wc -l) + 3))p" got | cut -c1-11)"
    { show_head; cat "$f/thread.md"; } >want
    t show --full long >got
    expect_file want got
}

# ------------------------------------------------------------------------------------------------
# Doctor

doctor_fails() { # doctor_fails <expected stderr>
    run doctor
    expect_eq "doctor rc" 1 "$rc"
    expect_eq "doctor stdout" "" "$out"
    expect_eq "doctor stderr" "$1" "$err"
}

test_doctor_clean() {
    run doctor
    expect_eq "missing root" "$(printf 'doctor: missing directory: work-items/open\ndoctor: missing directory: work-items/pending\ndoctor: missing directory: work-items/closed\ndoctor: 3 error(s)')" "$err"
    new_ticket "Clean"
    ok doctor
    expect_eq "doctor ok" "doctor: ok" "$out"
    # Files in a status directory and a README in the root are not tickets.
    printf 'x\n' >work-items/README.md
    printf 'x\n' >work-items/open/notes.txt
    ok doctor
}

test_doctor_faults() {
    new_ticket "One"
    one=work-items/open/$id
    TICKETS_NOW=2026-01-02T03:04:06Z ok create --title "Two"
    two=work-items/open/$out
    cp -r work-items pristine

    rmdir work-items/pending
    doctor_fails "$(printf 'doctor: missing directory: work-items/pending\ndoctor: 1 error(s)')"
    rm -r work-items && cp -r pristine work-items

    rm "$one/item.md"
    doctor_fails "$(printf 'doctor: missing item.md: %s\ndoctor: 1 error(s)' "$one")"
    rm -r work-items && cp -r pristine work-items

    rm "$one/thread.md"
    rm -r "$two/artifacts"
    doctor_fails "$(printf 'doctor: missing thread.md: %s\ndoctor: missing artifacts/: %s\ndoctor: 2 error(s)' "$one" "$two")"
    rm -r work-items && cp -r pristine work-items

    sed '1d' pristine/open/"${one##*/}"/item.md >"$one/item.md"
    {
        printf 'doctor: item.md missing frontmatter opener: %s/item.md\n' "$one"
        for k in id slug title status kind priority labels created_at updated_at assignee legacy_ticket; do
            printf "doctor: missing required field '%s': %s/item.md\n" "$k" "$one"
        done
        printf "doctor: status mismatch: %s/item.md has '' under 'open'\n" "$one"
        printf 'doctor: 13 error(s)'
    } >want
    doctor_fails "$(cat want)"
    rm -r work-items && cp -r pristine work-items

    sed -e '/^kind:/d' -e 's/^assignee: null$/assignee:   /' -e 's/^labels: .*/labels:\n  - a/' pristine/open/"${one##*/}"/item.md >"$one/item.md"
    doctor_fails "$(printf "doctor: missing required field 'kind': %s/item.md\ndoctor: missing required field 'labels': %s/item.md\ndoctor: missing required field 'assignee': %s/item.md\ndoctor: 3 error(s)" "$one" "$one" "$one")"
    rm -r work-items && cp -r pristine work-items

    mv "$two" work-items/open/renamed
    doctor_fails "$(printf 'doctor: directory id mismatch: work-items/open/renamed has id %s\ndoctor: 1 error(s)' "${two##*/}")"
    rm -r work-items && cp -r pristine work-items

    mv "$two" work-items/closed/
    doctor_fails "$(printf "doctor: status mismatch: work-items/closed/%s/item.md has 'open' under 'closed'\ndoctor: 1 error(s)" "${two##*/}")"
    rm -r work-items && cp -r pristine work-items

    cp -r "$one" work-items/pending/copy
    sed 's/^status: open/status: pending/' "$one/item.md" >work-items/pending/copy/item.md
    sed 's/^slug: two/slug: one/' "$two/item.md" >x && mv x "$two/item.md"
    doctor_fails "$(printf 'doctor: directory id mismatch: work-items/pending/copy has id %s\ndoctor: duplicate id: %s\ndoctor: duplicate slug: one\ndoctor: 3 error(s)' "${one##*/}" "${one##*/}")"
}

test_doctor_duplicates_sorted() {
    ok create --title "Zed"
    zed=$out
    TICKETS_NOW=2026-01-02T03:04:06Z ok create --title "Abe"
    abe=$out
    for order in "$abe $zed" "$zed $abe"; do
        rm -rf work-items/pending/*
        set -- $order
        for c in a-copy b-copy; do
            cp -r "work-items/open/$1" "work-items/pending/$c"
            sed "s/^status: open/status: pending/" "work-items/open/$1/item.md" >"work-items/pending/$c/item.md"
            shift
        done
        set -- $order
        doctor_fails "$(printf "doctor: directory id mismatch: work-items/pending/a-copy has id %s\ndoctor: directory id mismatch: work-items/pending/b-copy has id %s\ndoctor: duplicate id: %s\ndoctor: duplicate id: %s\ndoctor: duplicate slug: abe\ndoctor: duplicate slug: zed\ndoctor: 6 error(s)" "$1" "$2" "$zed" "$abe")"
    done
}

# ------------------------------------------------------------------------------------------------
# Temporary files, lock, concurrency

test_tmp_cleanup() {
    new_ticket "Tmp"
    printf 'x\n' | t comment tmp
    ok status tmp pending
    ok close tmp --resolution done
    [ ! -e work-items/.tmp ]
    fails "work item not found: nope" comment nope
    [ ! -e work-items/.tmp ]
    # Another process's leftover stays; our own are gone.
    mkdir work-items/.tmp && : >work-items/.tmp/leftover.1
    ok comment tmp </dev/null
    expect_eq ".tmp content" leftover.1 "$(ls -A work-items/.tmp)"
    # Nothing of ours outside the root's .tmp: TMPDIR is never used.
    mkdir tmpdir
    TMPDIR=$PWD/tmpdir ok comment tmp </dev/null
    expect_eq "TMPDIR untouched" "" "$(ls -A tmpdir)"
}

test_lock_timeout() {
    new_ticket "Locked"
    snapshot >.snap
    flock work-items/.lock sleep 3 &
    holder=$!
    n=0
    while flock -n work-items/.lock true; do
        n=$((n + 1))
        [ $n -lt 100 ] || { echo "lock holder never started"; return 1; }
        sleep 0.05
    done
    msg="work-items root is locked by another writer (work-items/.lock); try again, or raise TICKETS_LOCK_TIMEOUT"
    TICKETS_LOCK_TIMEOUT=1 fails "$msg" comment locked
    TICKETS_LOCK_TIMEOUT=1 fails "$msg" status locked pending
    TICKETS_LOCK_TIMEOUT=0.2 fails "$msg" create --title other
    TICKETS_LOCK_TIMEOUT=0.2 fails "$msg" close locked
    TICKETS_LOCK_TIMEOUT=0.2 fails "$msg" review locked --approve
    # Readers do not lock.
    ok list
    ok show locked
    ok doctor
    snapshot >.snap2
    expect_eq "tree unchanged" "$(cat .snap)" "$(cat .snap2)"
    wait "$holder"
    # Once the holder is gone, the writer waits and succeeds.
    flock work-items/.lock sleep 1 &
    holder=$!
    while flock -n work-items/.lock true; do sleep 0.05; done
    TICKETS_LOCK_TIMEOUT=5 ok comment locked </dev/null
    wait "$holder"
    # A slow producer on stdin holds no lock: the body is read before the lock is taken.
    (sleep 2; echo slow body) | t comment locked --author slow &
    slow=$!
    sleep 0.5
    TICKETS_LOCK_TIMEOUT=1 ok comment locked --author quick </dev/null
    wait "$slow"
    grep -q '^slow body$' "work-items/open/$id/thread.md"
    expect_eq "quick before slow" "quick slow" "$(grep -o 'author: [a-z]*' "work-items/open/$id/thread.md" | sed -n '3,4s/author: //p' | tr '\n' ' ' | sed 's/ $//')"
}

test_concurrency() {
    new_ticket "Race"
    rid=$id
    for w in 1 2 3 4; do
        (
            i=1
            while [ $i -le 15 ]; do
                printf 'body w%s-c%s\n' "$w" "$i" | t comment race --author "w$w" || echo "writer $w comment $i failed" >>failures
                i=$((i + 1))
            done
        ) &
    done
    (
        i=1
        while [ $i -le 20 ]; do
            if [ $((i % 2)) -eq 1 ]; then s=pending; else s=open; fi
            t status "$rid" "$s" || echo "move $i failed" >>failures
            i=$((i + 1))
        done
    ) &
    # a reader racing the writers must never fail on a torn file
    ( i=0; while [ $i -lt 20 ]; do t list --status all >/dev/null || echo "list failed" >>failures; i=$((i + 1)); done ) &
    wait
    if [ -s failures ]; then cat failures; return 1; fi
    expect_eq "ticket directories" "work-items/open/$rid" "$(ls -d work-items/*/"$rid")"
    th=work-items/open/$rid/thread.md
    expect_eq "comment headers" 60 "$(grep -c '^<!-- event: comment ' "$th")"
    expect_eq "status headers" 20 "$(grep -c '^<!-- event: status ' "$th")"
    expect_eq "all headers" 81 "$(grep -c '^<!-- event:' "$th")"
    # Rebuild the thread from the order the bodies appear in: it must equal the file exactly.
    grep '^body w' "$th" >order
    expect_eq "distinct bodies" 60 "$(sort -u order | wc -l | tr -d ' ')"
    w=1
    while [ $w -le 4 ]; do
        i=1
        while [ $i -le 15 ]; do
            expect_eq "body w$w-c$i" 1 "$(grep -c "^body w$w-c$i\$" order)"
            i=$((i + 1))
        done
        w=$((w + 1))
    done
    # The mover's k-th move is the k-th status event: to pending when k is odd, else to open.
    grep '^<!-- event: \(comment\|status\) ' "$th" | cut -d' ' -f3 >kinds
    {
        printf '<!-- event: create author: tester at: %s -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n' "$TICKETS_NOW"
        k=0
        while IFS= read -r kind; do
            if [ "$kind" = status ]; then
                k=$((k + 1))
                if [ $((k % 2)) -eq 1 ]; then from=open to=pending; else from=pending to=open; fi
                printf '\n<!-- event: status author: tester at: %s status: %s -->\n\n## Status\n\nfrom: %s\nto: %s\n\n\n---\n' "$TICKETS_NOW" "$to" "$from" "$to"
                continue
            fi
            IFS= read -r b <&3
            a=${b#body w}
            a=${a%%-*}
            printf '\n<!-- event: comment author: w%s at: %s -->\n\n## Comment\n\n%s\n\n\n---\n' "$a" "$TICKETS_NOW" "$b"
        done <kinds 3<order
    } >want
    expect_file want "$th"
    ok doctor
    [ ! -e work-items/.tmp ] || [ -z "$(ls -A work-items/.tmp)" ]
}

# ------------------------------------------------------------------------------------------------
# The real corpus

test_corpus() {
    cp -r "$CORPUS" work-items
    chmod -R u+w work-items
    ok doctor
    expect_eq doctor "doctor: ok" "$out"
    for s in all open pending closed; do
        t list --status "$s" >ours
        "$SH" "$REF" list --status "$s" >ref
        expect_file ref ours
    done
    n=0
    for d in work-items/open/* work-items/pending/* work-items/closed/*; do
        [ -f "$d/item.md" ] || continue
        tid=$(awk 'NR > 1 && /^---/ { exit } /^id:/ { sub(/^id:[ \t]*/, ""); print; exit }' "$d/item.md")
        tslug=$(awk 'NR > 1 && /^---/ { exit } /^slug:/ { sub(/^slug:[ \t]*/, ""); print; exit }' "$d/item.md")
        # Threads of at most 80 lines show as the replaced tool showed them; longer ones are cut
        # at an event boundary (test_show_tail), and --full shows them whole.
        if [ "$(wc -l <"$d/thread.md")" -le 80 ]; then
            "$SH" "$REF" show-dir "$d" >want
            t show "$tid" >got
            expect_file want got
            t show "$tslug" >got
            expect_file want got
        fi
        "$SH" "$REF" show-dir-full "$d" >want
        t show --full "$tid" >got
        expect_file want got
        n=$((n + 1))
    done
    echo "checked show on $n tickets"
    [ "$n" -gt 100 ]
}

# ------------------------------------------------------------------------------------------------

run_test "usage and unknown command" test_usage
run_test "golden session byte for byte" test_golden
run_test "bodies: ---, CRLF, no final newline, empty, stdin vs --file" test_bodies
run_test "bodies: <!-- event: lines are backslash-quoted" test_event_quoting
run_test "bodies: no body on a terminal" test_no_body_provided
run_test "close: default, empty and file resolutions; a closed ticket is not closed again" test_close_default_resolution
run_test "status and reopen: status events, byte for byte" test_status_events
run_test "create: a body from --body, --file or stdin; assignee and author" test_create_body_and_assignee
run_test "tickets.sh keeps the keys and events ticket edit writes" test_keeps_new_keys_and_events
run_test "create: slugs, collisions, labels, quoted values" test_create_details
run_test "TICKETS_NOW" test_time
run_test "argument errors" test_argument_errors
run_test "validation errors" test_validation_errors
run_test "status: target exists, renames, bad ids" test_status_target_exists
run_test "rewrites keep unknown keys, quoting and the body" test_minimal_rewrites
run_test "CRLF item.md" test_crlf_item
run_test "lookup: id, slug, not found, ambiguous" test_lookup
run_test "show: the thread's end, cut at an event boundary; --full" test_show_tail
run_test "doctor: clean trees" test_doctor_clean
run_test "doctor: each fault class" test_doctor_faults
run_test "doctor: duplicates are reported sorted" test_doctor_duplicates_sorted
run_test "temporary files stay in .tmp and are removed" test_tmp_cleanup
run_test "lock timeout" test_lock_timeout
run_test "concurrency: 4 commenters and a mover" test_concurrency
if [ -d "$CORPUS" ]; then
    run_test "real corpus: doctor, list, show" test_corpus
else
    skip "real corpus: doctor, list, show (../shared/corpus absent)"
fi

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]

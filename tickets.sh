#!/bin/sh
# tickets.sh - repository-local WorkItem / Thread helper.
# POSIX sh + coreutils + awk (mawk-compatible) + sed + flock. The format is docs/format.md.
set -eu
export LC_ALL=C

root=${WORK_ITEMS_DIR:-work-items}
tmpd=
now=
stamp=

usage() {
    cat <<'EOF'
tickets.sh - repository-local WorkItem / Thread helper

Usage:
  ./tickets.sh help
  ./tickets.sh --help
  ./tickets.sh list [--status open|pending|closed|all]
  ./tickets.sh show <id-or-slug>
  ./tickets.sh create --title <title> [--slug <slug>] [--kind <kind>] [--priority P2] [--label a,b]
                      [--assignee <name>] [--author <name>] [--body <text>|--file <path>]
  ./tickets.sh comment <id-or-slug> [--role comment|plan|decision|implementation_report] [--author <name>] [--file <path>]
  ./tickets.sh review <id-or-slug> --approve|--request-changes [--author <name>] [--file <path>]
  ./tickets.sh status <id-or-slug> open|pending|closed [--reason <text>] [--author <name>]
  ./tickets.sh close <id-or-slug> [--resolution <text>|--file <path>]
  ./tickets.sh reopen <id-or-slug> [--reason <text>] [--author <name>]
  ./tickets.sh doctor

A body (create, comment, review) comes from --file, else standard input when it is not a
terminal. create and comment accept --allow-new and check no vocabulary (ticket does).

Backend:
  work-items/{open,pending,closed}/<id>/item.md
  work-items/{open,pending,closed}/<id>/thread.md
  work-items/{open,pending,closed}/<id>/artifacts/

Environment:
  WORK_ITEMS_DIR        the root (default: work-items)
  TICKETS_NOW           fixed clock for ids and timestamps, e.g. 2026-01-02T03:04:05Z
  TICKETS_LOCK_TIMEOUT  seconds a writer waits for <root>/.lock (default: 10)
  USER                  default author (default: unknown)
EOF
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------------
# awk library: reading frontmatter values (docs/format.md, "Reading frontmatter").

AWK_LIB='
function hexval(h,    i, v) {
    v = 0; h = tolower(h)
    for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
    return v
}
function utf8(cp) {
    if (cp < 128) return sprintf("%c", cp)
    if (cp < 2048) return sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
    if (cp < 65536) return sprintf("%c%c%c", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64)
    return sprintf("%c%c%c%c", 240 + int(cp / 262144), 128 + int(cp / 4096) % 64, 128 + int(cp / 64) % 64, 128 + cp % 64)
}
# A wholly double- or single-quoted value is unquoted; anything malformed stays raw.
function unquote(v,    n, inner, m, out, i, c, e, len, h, cp, t) {
    n = length(v)
    if (n >= 2 && substr(v, 1, 1) == "\"" && substr(v, n, 1) == "\"") {
        inner = substr(v, 2, n - 2); m = length(inner); out = ""; i = 1
        while (i <= m) {
            c = substr(inner, i, 1)
            if (c == "\"") return v
            if (c != "\\") { out = out c; i++; continue }
            if (i == m) return v
            e = substr(inner, i + 1, 1); i += 2
            if (e == "\\" || e == "\"" || e == "/") out = out e
            else if (e == "n") out = out "\n"
            else if (e == "r") out = out "\r"
            else if (e == "t") out = out "\t"
            else if (e == "0") out = out sprintf("%c", 0)
            else if (e == "x" || e == "u" || e == "U") {
                len = (e == "x") ? 2 : (e == "u") ? 4 : 8
                h = substr(inner, i, len)
                if (length(h) != len || h !~ /^[0-9A-Fa-f]+$/) return v
                cp = hexval(h)
                if (cp > 1114111 || (cp >= 55296 && cp <= 57343)) return v
                out = out utf8(cp); i += len
            } else return v
        }
        return out
    }
    if (n >= 2 && substr(v, 1, 1) == "\047" && substr(v, n, 1) == "\047") {
        inner = substr(v, 2, n - 2); t = inner
        gsub(/\047\047/, "", t)
        if (index(t, "\047")) return v
        gsub(/\047\047/, "\047", inner)
        return inner
    }
    return v
}
# Reads the frontmatter of file into FM (raw text after the first "key:" of each key).
# Returns -1 when the file cannot be read, 0 when line 1 is not ---, 1 otherwise.
function read_fm(file,    line, t, p, k, r) {
    split("", FM)
    r = (getline line < file)
    if (r < 0) return -1
    if (r == 0) { close(file); return 0 }
    t = line; sub(/\r$/, "", t)
    if (t != "---") { close(file); return 0 }
    while ((getline line < file) > 0) {
        t = line; sub(/\r$/, "", t)
        if (t == "---") break
        p = index(line, ":")
        if (p > 1) { k = substr(line, 1, p - 1); if (!(k in FM)) FM[k] = substr(line, p + 1) }
    }
    close(file)
    return 1
}
# The value of key as read: leading blanks and a trailing CR removed, then unquoted.
# A TSV cell: tab, LF and CR are written \t, \n, \r so each ticket stays one row.
function cell(v) {
    gsub(/\t/, "\\\\t", v); gsub(/\n/, "\\\\n", v); gsub(/\r/, "\\\\r", v)
    return v
}
function get(k,    v) {
    if (!(k in FM)) return ""
    v = FM[k]; sub(/^[ \t]+/, "", v); sub(/\r$/, "", v)
    return unquote(v)
}
'

# Prints the value of key $2 in item.md $1.
fm_get() {
    FMK=$2 awk "$AWK_LIB"'BEGIN { if (read_fm(ARGV[1]) >= 0) printf "%s", get(ENVIRON["FMK"]) }' "$1"
}

# ---------------------------------------------------------------------------------------------
# Validation and encoding of values we write.

has_ctl() {
    CHK=$1 awk 'BEGIN { exit !(ENVIRON["CHK"] ~ /[\001-\037\177]|\302[\200-\237]/) }'
}

# A scalar, raw when it reads back as itself, double-quoted otherwise (docs/format.md, "Writing").
encode_scalar() {
    ENC=$1 awk 'BEGIN {
        v = ENVIRON["ENC"]
        if (v != "" && v !~ /^[ \t"\047]/ && v !~ /[\001-\037\177]|\302[\200-\237]/) { printf "%s", v; exit }
        for (i = 1; i < 256; i++) ORD[sprintf("%c", i)] = i
        out = "\""; n = length(v)
        for (i = 1; i <= n; i++) {
            c = substr(v, i, 1)
            if (c == "\"") out = out "\\\""
            else if (c == "\\") out = out "\\\\"
            else if (c == "\n") out = out "\\n"
            else if (c == "\r") out = out "\\r"
            else if (c == "\t") out = out "\\t"
            else if (c ~ /[\001-\037\177]/) out = out sprintf("\\x%02X", ORD[c])
            else if (c == "\302" && substr(v, i + 1, 1) ~ /[\200-\237]/) { out = out sprintf("\\x%02X", ORD[substr(v, i + 1, 1)]); i++ }
            else out = out c
        }
        printf "%s\"", out
    }'
}

# Labels "a, b" -> "[a, b]"; exits 1 naming the first bad label.
encode_labels() {
    LBL=$1 awk 'BEGIN {
        n = split(ENVIRON["LBL"], a, ","); out = ""
        for (i = 1; i <= n; i++) {
            l = a[i]; sub(/^[ \t]+/, "", l); sub(/[ \t]+$/, "", l)
            if (l == "") continue
            if (l ~ /[][\"\047]|[\001-\037\177]|\302[\200-\237]/) { printf "%s", l; exit 1 }
            out = out (out == "" ? "" : ", ") l
        }
        printf "[%s]", out
    }'
}

slugify() {
    s=$(printf '%s' "$1" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '-')
    s=${s#-}
    s=${s%-}
    printf '%s' "${s:-item}"
}

check_author() {
    case $1 in
        '') die "empty author; pass --author <name> or set USER" ;;
        *'-->'*) die "invalid author '$1': it may not contain '-->'; pass another --author" ;;
    esac
    if has_ctl "$1"; then
        die "invalid author: it contains a control character (newline, tab, ...); pass a one-line --author"
    fi
}

check_role() {
    case $1 in
        '' | *[!A-Za-z0-9_.-]*)
            die "invalid role: '$1'; a role is one word of A-Z a-z 0-9 _ . - (e.g. --role plan)" ;;
    esac
}

check_status() {
    case $1 in
        open | pending | closed) ;;
        *) die "invalid status: $1" ;;
    esac
}

need_value() {
    [ "$2" -ge 2 ] || die "$1 requires a value"
}

need_file() {
    [ -f "$1" ] || die "file not found: $1"
}

# ---------------------------------------------------------------------------------------------
# Clock, lock, temporary files, atomic writes.

check_now() {
    case ${TICKETS_NOW:-} in
        '' | [0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z) ;;
        *) die "invalid TICKETS_NOW: '$TICKETS_NOW'; use RFC 3339 UTC with seconds, e.g. 2026-01-02T03:04:05Z" ;;
    esac
}

init_now() {
    check_now
    if [ -n "${TICKETS_NOW:-}" ]; then
        now=$TICKETS_NOW
    else
        now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    fi
    d=${now%%T*}
    t=${now#*T}
    t=${t%Z}
    y=${d%%-*}; d=${d#*-}; mo=${d%%-*}; dd=${d#*-}
    h=${t%%:*}; t=${t#*:}; mi=${t%%:*}; se=${t#*:}
    stamp=$y$mo$dd-$h$mi$se
}

cleanup() {
    if [ -n "$tmpd" ]; then
        rm -rf -- "$tmpd"/*."$$" 2>/dev/null || :
        rmdir -- "$tmpd" 2>/dev/null || :
    fi
}

trap 'rc=$?; cleanup; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Takes the writers' lock on <root>/.lock (held until exit) and prepares <root>/.tmp/.
lock_root() {
    check_now
    timeout=${TICKETS_LOCK_TIMEOUT:-10}
    case $timeout in
        '' | *[!0-9.]* | *.*.* | .) die "invalid TICKETS_LOCK_TIMEOUT: '$timeout'; use a number of seconds, e.g. 10" ;;
    esac
    (: >>"$root/.lock") 2>/dev/null || die "cannot open the lock file $root/.lock; check the permissions of $root"
    exec 9>>"$root/.lock"
    flock -w "$timeout" 9 ||
        die "work-items root is locked by another writer ($root/.lock); try again, or raise TICKETS_LOCK_TIMEOUT"
    tmpd=$root/.tmp
    mkdir -p -- "$tmpd"
}

# Flushes the temporary file $1 and renames it over $2.
commit() {
    sync -- "$1" 2>/dev/null || :
    mv -f -- "$1" "$2"
}

# Sets frontmatter fields in item.md $1: pairs key value follow (at most two). Each key's line
# (with any continuation lines) is replaced in place, keeping its line ending; a missing key is
# added before the closing ---. Every other byte is kept.
set_fields() {
    sf_file=$1
    n=$(awk '{ t = $0; sub(/\r$/, "", t) }
        NR == 1 { if (t != "---") exit; next }
        t == "---" { print NR; exit }' "$sf_file")
    [ -n "$n" ] || die "$sf_file has no frontmatter (--- ... ---); fix it by hand, then retry"
    sf_tmp=$tmpd/item.$$
    # A closing --- that ends the file without a newline stays without one.
    sf_bare=0
    [ "$(wc -l <"$sf_file")" -ge "$n" ] || sf_bare=1
    {
        SF_K1=$2 SF_V1=$3 SF_K2=${4:-} SF_V2=${5:-} awk -v n="$n" -v bare="$sf_bare" '
            BEGIN {
                nk = 0
                if (ENVIRON["SF_K1"] != "") { K[++nk] = ENVIRON["SF_K1"]; NEW[K[nk]] = ENVIRON["SF_V1"] }
                if (ENVIRON["SF_K2"] != "") { K[++nk] = ENVIRON["SF_K2"]; NEW[K[nk]] = ENVIRON["SF_V2"] }
            }
            NR == 1 { eol = ($0 ~ /\r$/) ? "\r" : ""; print; next }
            NR < n {
                if (skip) { if ($0 ~ /^[ \t-]/) next; skip = 0 }
                p = index($0, ":")
                if (p > 1) {
                    k = substr($0, 1, p - 1)
                    if ((k in NEW) && !(k in DONE)) {
                        DONE[k] = 1; skip = 1
                        print k ": " NEW[k] (($0 ~ /\r$/) ? "\r" : "")
                        next
                    }
                }
                print; next
            }
            {
                for (i = 1; i <= nk; i++) if (!(K[i] in DONE)) print K[i] ": " NEW[K[i]] eol
                if (bare) printf "%s", $0; else print
                exit
            }' "$sf_file"
        tail -n "+$((n + 1))" -- "$sf_file"
    } >"$sf_tmp"
    commit "$sf_tmp" "$sf_file"
}

# Prints the ` refs: id=<id>` a new event header carries (docs/format.md, "Event ids"): random,
# one word; nothing under TICKETS_NOW (fixed clocks write byte-comparable trees) or without
# /dev/urandom (such events are identified by their bytes).
event_id_attr() {
    [ -n "${TICKETS_NOW:-}" ] && return 0
    ei_hex=$(od -An -N10 -tx1 /dev/urandom 2>/dev/null | tr -d ' \n') || ei_hex=
    [ -n "$ei_hex" ] && printf ' refs: id=sh%s' "$ei_hex"
    return 0
}

# Appends one event to $1/thread.md: kind author heading header-status body-file.
append_event() {
    ae_thread=$1/thread.md
    ae_tmp=$tmpd/thread.$$
    if [ -f "$ae_thread" ]; then cp -- "$ae_thread" "$ae_tmp"; else : >"$ae_tmp"; fi
    {
        printf '\n<!-- event: %s author: %s at: %s%s%s -->\n\n## %s\n\n' \
            "$2" "$3" "$now" "${5:+ status: $5}" "$(event_id_attr)" "$4"
        sed 's/^\(\\*<!-- event:\)/\\\1/' "$6"
        printf '\n\n---\n'
    } >>"$ae_tmp"
    commit "$ae_tmp" "$ae_thread"
}

# Writes the event body to a private directory under <root>/.tmp/: --file, else stdin when it is
# not a terminal, else a placeholder. Called before the lock is taken, so that a slow producer on
# stdin never holds other writers up; the private directory keeps a concurrent writer's cleanup
# from removing .tmp/ under us.
read_body() {
    tmpd=$root/.tmp
    rb_try=0
    until mkdir -p -- "$tmpd/in.$$" 2>/dev/null; do
        rb_try=$((rb_try + 1))
        [ "$rb_try" -lt 5 ] || die "cannot create $tmpd/; check the permissions of $root"
    done
    body=$tmpd/in.$$/body
    if [ -n "$1" ]; then
        cat -- "$1" >"$body"
    elif [ ! -t 0 ]; then
        cat >"$body"
    else
        printf 'No body provided.\n' >"$body"
    fi
}

# A new ticket's body, in $body (a private file under <root>/.tmp/, as read_body): --body
# <text> plus a line break, else --file, else stdin when it is not a terminal; empty when none
# (the template is written then, as for an empty text).
read_new_body() {
    if [ -n "$have_body" ] && [ -z "$file" ]; then
        read_body /dev/null
        if [ -n "$text" ]; then printf '%s\n' "$text" >"$body"; fi
    elif [ -n "$file" ] || [ ! -t 0 ]; then
        read_body "$file"
    else
        read_body /dev/null
    fi
}

# Appends the status event of a move of $dir from status $1 (as read) to $2, by $3, for the
# reason $4 (none when empty): its body is `from: <from as written>`, `to: <to>`, then a blank
# line and the reason (docs/format.md, "Status and edit records").
append_status_event() {
    se_body=$tmpd/status.$$
    printf 'from: %s\nto: %s\n' "$(encode_scalar "$1")" "$2" >"$se_body"
    if [ -n "$4" ]; then printf '\n%s\n' "$4" >>"$se_body"; fi
    append_event "$dir" status "$3" Status "$2" "$se_body"
}

# ---------------------------------------------------------------------------------------------
# Lookup.

# Ticket directories (one per line) for the given statuses, in glob order.
ticket_dirs() {
    for ts in "$@"; do
        if [ -d "$root/$ts" ]; then printf '%s\n' "$root/$ts"/*; fi
    done
}

# Sets $dir to the ticket whose id or slug is $1, or fails.
locate() {
    q=$1
    [ -n "$q" ] || die "work item not found: $q"
    case $q in
        . | .. | */*) ;;
        *)
            hits=0
            for ls in open pending closed; do
                if [ -f "$root/$ls/$q/item.md" ]; then
                    hits=$((hits + 1))
                    cand=$root/$ls/$q
                fi
            done
            if [ "$hits" -eq 1 ] && [ "$(fm_get "$cand/item.md" id)" = "$q" ]; then
                dir=$cand
                return 0
            fi
            ;;
    esac
    matches=$(ticket_dirs open pending closed | Q=$q awk "$AWK_LIB"'
        read_fm($0 "/item.md") >= 0 && (get("id") == ENVIRON["Q"] || get("slug") == ENVIRON["Q"])')
    case $matches in
        '') die "work item not found: $q" ;;
        *'
'*)
            printf '%s\n' "$matches" >&2
            die "ambiguous work item: $q" ;;
    esac
    dir=$matches
}

# Refuses to write through a symbolic link (it may lead outside the root): $1 must not be one.
refuse_link() {
    [ ! -L "$1" ] ||
        die "$1 is a symbolic link; writers never write through links: replace it with the file or directory itself"
}

# Refuses a located ticket ($dir) reached through a link, or whose files are links.
refuse_links() {
    for rl in "${dir%/*}" "$dir" "$dir/item.md" "$dir/thread.md" "$dir/resolution.md"; do
        refuse_link "$rl"
    done
}

# Moves $dir to status $1 (renaming it to its id) and rewrites status and updated_at.
move_to() {
    mv_id=$(fm_get "$dir/item.md" id)
    case $mv_id in
        '' | . | .. | *[!a-z0-9-]*)
            die "cannot move $dir: its id '$mv_id' is not a valid directory name (a-z 0-9 -); fix item.md first" ;;
    esac
    target=$root/$1/$mv_id
    refuse_link "$root/$1"
    if [ "$dir" != "$target" ]; then
        [ ! -e "$target" ] && [ ! -L "$target" ] || die "target already exists: $target"
        mkdir -p -- "$root/$1"
        mv -- "$dir" "$target"
        dir=$target
    fi
    set_fields "$dir/item.md" status "$1" updated_at "$now"
}

# ---------------------------------------------------------------------------------------------
# Commands.

cmd_list() {
    status=open
    while [ $# -gt 0 ]; do
        case $1 in
            --status) need_value --status $#; status=$2; shift 2 ;;
            *) die "unknown list argument: $1" ;;
        esac
    done
    case $status in
        open | pending | closed) set -- "$status" ;;
        all) set -- open pending closed ;;
        *) die "invalid status: $status" ;;
    esac
    printf 'status\tid\tslug\ttitle\tkind\tpriority\tupdated_at\n'
    ticket_dirs "$@" | awk "$AWK_LIB"'
        read_fm($0 "/item.md") >= 0 {
            print cell(get("status")) "\t" cell(get("id")) "\t" cell(get("slug")) "\t" cell(get("title")) "\t" cell(get("kind")) "\t" cell(get("priority")) "\t" cell(get("updated_at"))
        }'
}

cmd_show() {
    full=0
    if [ "${1-}" = --full ]; then
        full=1
        shift
    fi
    [ $# -eq 1 ] || die "show requires <id-or-slug>"
    locate "$1"
    SHOW_DIR=$dir awk "$AWK_LIB"'BEGIN {
        read_fm(ARGV[1])
        printf "# %s\n\nPath: %s\nStatus: %s\nID: %s\nSlug: %s\n\n## item.md\n\n", get("title"), ENVIRON["SHOW_DIR"], get("status"), get("id"), get("slug")
    }' "$dir/item.md"
    cat -- "$dir/item.md"
    printf '\n\n## thread.md\n\n'
    if [ -f "$dir/thread.md" ] && [ "$full" = 1 ]; then
        cat -- "$dir/thread.md"
    elif [ -f "$dir/thread.md" ]; then
        # The last 80 lines or so, cut at an event boundary: from the first event header among
        # them (or the last event's header when that event alone is longer), after a line saying
        # what was left out. awk finds the byte offset; tail prints the bytes as they are.
        set -- $(awk -v max=80 '
            { if (index($0, "<!-- event:") == 1) h[++n] = NR; off[NR] = pos; pos += length($0) + 1 }
            END {
                start = 1
                if (NR > max) {
                    first = NR - max + 1
                    start = 0
                    for (i = 1; i <= n; i++) if (h[i] >= first) { start = h[i]; break }
                    if (!start) for (i = n; i >= 1; i--) if (h[i] < first) { start = h[i]; break }
                    if (!start) start = first
                }
                ev = 0
                for (i = 1; i <= n; i++) if (h[i] < start) ev++
                print off[start] + 0, start - 1, ev
            }' "$dir/thread.md") || die "cannot read $dir/thread.md"
        if [ "$2" -gt 0 ]; then
            printf '(%s earlier lines (%s events) not shown; show --full prints the whole thread)\n\n' "$2" "$3"
        fi
        tail -c "+$(($1 + 1))" -- "$dir/thread.md"
    else
        printf '(missing thread.md)\n'
    fi
}

cmd_create() {
    title= slug= kind=task priority=P2 labels= author=${USER:-unknown} file=
    have_title= have_body= text= have_assignee= assignee=
    while [ $# -gt 0 ]; do
        case $1 in
            --title) need_value --title $#; title=$2; have_title=1; shift 2 ;;
            --slug) need_value --slug $#; slug=$2; shift 2 ;;
            --kind) need_value --kind $#; kind=$2; shift 2 ;;
            --priority) need_value --priority $#; priority=$2; shift 2 ;;
            --label) need_value --label $#; labels=$2; shift 2 ;;
            --assignee) need_value --assignee $#; assignee=$2; have_assignee=1; shift 2 ;;
            --author) need_value --author $#; author=$2; shift 2 ;;
            --body) need_value --body $#; text=$2; have_body=1; shift 2 ;;
            --file) need_value --file $#; file=$2; shift 2 ;;
            --allow-new) shift ;;
            *) die "unknown create argument: $1" ;;
        esac
    done
    [ -n "$have_title" ] && [ -n "$title" ] || die "create requires --title"
    [ -n "$kind" ] || die "--kind must not be empty"
    [ -n "$priority" ] || die "--priority must not be empty"
    check_author "$author"
    e_assignee=null
    if [ -n "$have_assignee" ]; then
        [ -n "$assignee" ] || die "invalid assignee: an empty assignee means nothing"
        if has_ctl "$assignee"; then
            die "invalid assignee: it holds a line break or another control character"
        fi
        case $assignee in
            null | '~') e_assignee="\"$assignee\"" ;;
            *) e_assignee=$(encode_scalar "$assignee") ;;
        esac
    fi
    if [ -n "$file" ]; then need_file "$file"; fi
    slug=$(slugify "${slug:-$title}")
    e_title=$(encode_scalar "$title")
    e_kind=$(encode_scalar "$kind")
    e_priority=$(encode_scalar "$priority")
    if ! e_labels=$(encode_labels "$labels"); then
        die "invalid label '$e_labels': labels may not contain '[', ']', quotes or control characters; choose another label"
    fi

    check_now
    mkdir -p -- "$root"
    read_new_body
    lock_root
    init_now
    id=$stamp-$slug
    if [ -e "$root/open/$id" ] || [ -e "$root/pending/$id" ] || [ -e "$root/closed/$id" ]; then
        id=$id-$$
    fi
    [ ! -e "$root/open/$id" ] || die "target already exists: $root/open/$id"
    mkdir -p -- "$root/open" "$root/pending" "$root/closed"
    refuse_link "$root/open"
    new=$tmpd/new.$$
    rm -rf -- "$new"
    mkdir -- "$new" "$new/artifacts"
    : >"$new/artifacts/.gitkeep"
    {
        printf '%s\nid: %s\nslug: %s\ntitle: %s\nstatus: open\nkind: %s\npriority: %s\nlabels: %s\ncreated_at: %s\nupdated_at: %s\nassignee: %s\nlegacy_ticket: null\n---\n' \
            '---' "$id" "$slug" "$e_title" "$e_kind" "$e_priority" "$e_labels" "$now" "$now" "$e_assignee"
        if [ -s "$body" ]; then
            cat -- "$body"
        else
            printf '\n## Background\n\nCreated by tickets.sh.\n\n## Acceptance criteria\n\n- TBD\n'
        fi
    } >"$new/item.md"
    printf '<!-- event: create author: %s at: %s%s -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n' \
        "$author" "$now" "$(event_id_attr)" >"$new/thread.md"
    sync -- "$new/item.md" "$new/thread.md" "$new/artifacts/.gitkeep" 2>/dev/null || :
    mv -- "$new" "$root/open/$id"
    printf '%s\n' "$id"
}

cmd_comment() {
    [ $# -ge 1 ] || die "comment requires <id-or-slug>"
    q=$1
    shift
    role=comment author=${USER:-unknown} file=
    while [ $# -gt 0 ]; do
        case $1 in
            --role) need_value --role $#; role=$2; shift 2 ;;
            --author) need_value --author $#; author=$2; shift 2 ;;
            --file) need_value --file $#; file=$2; shift 2 ;;
            --allow-new) shift ;;
            *) die "unknown comment argument: $1" ;;
        esac
    done
    check_role "$role"
    check_author "$author"
    if [ -n "$file" ]; then need_file "$file"; fi
    case $role in
        comment) heading=Comment ;;
        plan) heading=Plan ;;
        decision) heading=Decision ;;
        implementation_report) heading='Implementation report' ;;
        *) heading=$role ;;
    esac
    [ -d "$root" ] || die "work item not found: $q"
    read_body "$file"
    lock_root
    locate "$q"
    refuse_links
    init_now
    append_event "$dir" "$role" "$author" "$heading" "" "$body"
    set_fields "$dir/item.md" updated_at "$now"
}

cmd_review() {
    [ $# -ge 1 ] || die "review requires <id-or-slug>"
    q=$1
    shift
    verdict= author=${USER:-unknown} file=
    while [ $# -gt 0 ]; do
        case $1 in
            --approve) verdict=approve; shift ;;
            --request-changes) verdict=request_changes; shift ;;
            --author) need_value --author $#; author=$2; shift 2 ;;
            --file) need_value --file $#; file=$2; shift 2 ;;
            *) die "unknown review argument: $1" ;;
        esac
    done
    [ -n "$verdict" ] || die "review requires --approve or --request-changes"
    check_author "$author"
    if [ -n "$file" ]; then need_file "$file"; fi
    if [ "$verdict" = approve ]; then heading='Review: approve'; else heading='Review: request changes'; fi
    [ -d "$root" ] || die "work item not found: $q"
    read_body "$file"
    lock_root
    locate "$q"
    refuse_links
    init_now
    append_event "$dir" review "$author" "$heading" "$verdict" "$body"
    set_fields "$dir/item.md" updated_at "$now"
}

# Options of status and reopen: --reason, --author.
move_options() {
    reason= author=${USER:-unknown}
    while [ $# -gt 0 ]; do
        case $1 in
            --reason) need_value --reason $#; reason=$2; shift 2 ;;
            --author) need_value --author $#; author=$2; shift 2 ;;
            *) die "unknown $cmd argument: $1" ;;
        esac
    done
    check_author "$author"
}

cmd_status() {
    [ $# -ge 2 ] || die "status requires <id-or-slug> <open|pending|closed>"
    case ${3:-} in "" | --*) ;; *) die "status requires <id-or-slug> <open|pending|closed>" ;; esac
    q=$1 to=$2
    shift 2
    check_status "$to"
    move_options "$@"
    [ -d "$root" ] || die "work item not found: $q"
    lock_root
    locate "$q"
    refuse_links
    from=$(fm_get "$dir/item.md" status)
    if [ "$from" = closed ] && [ "$to" = closed ]; then
        die "$(fm_get "$dir/item.md" id) is already closed; reopen it first to close it again"
    fi
    init_now
    move_to "$to"
    append_status_event "$from" "$to" "$author" "$reason"
}

cmd_reopen() {
    [ $# -ge 1 ] || die "reopen requires <id-or-slug>"
    q=$1
    shift
    move_options "$@"
    [ -d "$root" ] || die "work item not found: $q"
    lock_root
    locate "$q"
    refuse_links
    from=$(fm_get "$dir/item.md" status)
    [ "$from" = closed ] ||
        die "$(fm_get "$dir/item.md" id) is $from, not closed; only a closed ticket can be reopened"
    init_now
    move_to open
    append_status_event "$from" open "$author" "$reason"
}

cmd_close() {
    [ $# -ge 1 ] || die "close requires <id-or-slug>"
    q=$1
    shift
    resolution= file=
    while [ $# -gt 0 ]; do
        case $1 in
            --resolution) need_value --resolution $#; resolution=$2; shift 2 ;;
            --file) need_value --file $#; file=$2; shift 2 ;;
            *) die "unknown close argument: $1" ;;
        esac
    done
    if [ -n "$file" ]; then need_file "$file"; fi
    author=${USER:-unknown}
    check_author "$author"
    [ -d "$root" ] || die "work item not found: $q"
    lock_root
    locate "$q"
    refuse_links
    if [ "$(fm_get "$dir/item.md" status)" = closed ]; then
        die "$(fm_get "$dir/item.md" id) is already closed; reopen it first to close it again"
    fi
    init_now
    body=$tmpd/body.$$
    if [ -n "$file" ]; then
        cat -- "$file" >"$body"
    elif [ -n "$resolution" ]; then
        printf '%s\n' "$resolution" >"$body"
    else
        printf 'Closed.\n' >"$body"
    fi
    move_to closed
    cp -- "$body" "$tmpd/resolution.$$"
    commit "$tmpd/resolution.$$" "$dir/resolution.md"
    append_event "$dir" close "$author" Closed closed "$body"
}

cmd_doctor() {
    [ $# -eq 0 ] || die "doctor takes no arguments"
    pre=0
    for ds in open pending closed; do
        if [ ! -d "$root/$ds" ]; then
            printf 'doctor: missing directory: %s\n' "$root/$ds" >&2
            pre=$((pre + 1))
        fi
    done
    # One awk pass: the sets of directories, thread.md files and artifacts/ directories (from
    # globs), then the ticket directories in glob order.
    if {
        for ds in open pending closed; do
            [ -d "$root/$ds" ] || continue
            set -- "$root/$ds"/*
            [ -e "$1" ] || [ -L "$1" ] || continue
            printf 'S\t%s\n' "$root/$ds"/*/
            printf 'T\t%s\n' "$root/$ds"/*/thread.md
            printf 'A\t%s\n' "$root/$ds"/*/artifacts/
        done
        for ds in open pending closed; do
            [ -d "$root/$ds" ] || continue
            set -- "$root/$ds"/*
            [ -e "$1" ] || [ -L "$1" ] || continue
            printf "D\t$ds\t%s\n" "$@"
        done
    } | PRE=$pre awk "$AWK_LIB"'
        function problem(m) { print "doctor: " m; errors++ }
        BEGIN { errors = ENVIRON["PRE"] + 0; nf = split("id slug title status kind priority labels created_at updated_at assignee legacy_ticket", F, " ") }
        { tag = substr($0, 1, 1); rest = substr($0, 3) }
        tag == "S" { ISDIR[rest] = 1; next }
        tag == "T" { THREAD[rest] = 1; next }
        tag == "A" { ARTS[rest] = 1; next }
        tag == "D" {
            p = index(rest, "\t"); st = substr(rest, 1, p - 1); d = substr(rest, p + 1)
            if (!((d "/") in ISDIR)) next
            file = d "/item.md"
            r = read_fm(file)
            if (r < 0) { problem("missing item.md: " d); next }
            if (!((d "/thread.md") in THREAD)) problem("missing thread.md: " d)
            if (!((d "/artifacts/") in ARTS)) problem("missing artifacts/: " d)
            if (r == 0) problem("item.md missing frontmatter opener: " file)
            for (i = 1; i <= nf; i++) if (get(F[i]) == "") problem("missing required field \047" F[i] "\047: " file)
            id = get("id"); slug = get("slug"); s = get("status")
            base = d; sub(/.*\//, "", base)
            if (id != "" && id != base) problem("directory id mismatch: " d " has id " id)
            if (s != st) problem("status mismatch: " file " has \047" s "\047 under \047" st "\047")
            # duplicates compare the value up to its first tab, as `cut -f1 | sort | uniq -d` did
            sub(/\t.*/, "", id); sub(/\t.*/, "", slug)
            if (id != "" && ++IDS[id] == 2) DUPID[++ndi] = id
            if (slug != "" && ++SLUGS[slug] == 2) DUPSLUG[++nds] = slug
        }
        END {
            fflush()
            for (i = 1; i <= ndi; i++) print "doctor: duplicate id: " DUPID[i] | "sort"
            close("sort")
            for (i = 1; i <= nds; i++) print "doctor: duplicate slug: " DUPSLUG[i] | "sort"
            close("sort")
            errors += ndi + nds
            if (errors) { print "doctor: " errors " error(s)"; exit 1 }
        }' >&2; then
        printf 'doctor: ok\n'
    else
        exit 1
    fi
}

# ---------------------------------------------------------------------------------------------

cmd=${1:-help}
[ $# -eq 0 ] || shift
case $cmd in
    help | --help | -h) usage ;;
    list) cmd_list "$@" ;;
    show) cmd_show "$@" ;;
    create) cmd_create "$@" ;;
    comment) cmd_comment "$@" ;;
    review) cmd_review "$@" ;;
    status) cmd_status "$@" ;;
    close) cmd_close "$@" ;;
    reopen) cmd_reopen "$@" ;;
    doctor) cmd_doctor "$@" ;;
    *)
        usage >&2
        die "unknown command: $cmd" ;;
esac

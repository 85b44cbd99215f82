#!/bin/sh
# Benchmarks tickets.sh (not part of the test suite). Run from anywhere: sh tests/tickets_sh/bench.sh
#  1. the real corpus (if present): `list --status all`, ours vs reference.sh (one awk per field);
#  2. a synthetic root of N tickets (default 10000): list --status all, show <id>, show <slug>, doctor.
# Figures are medians of RUNS runs (default 5), in milliseconds.
set -eu
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TS=$REPO/tickets.sh
REF=$HERE/reference.sh
CORPUS=$REPO/../shared/corpus/yoi-749b3f3a/work-items
N=${N:-10000}
RUNS=${RUNS:-5}
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export TICKETS_NOW=2026-01-02T03:04:05Z USER=bench

ms() { echo $(($(date +%s%N) / 1000000)); }

# median_ms <command...>: runs it RUNS times (output discarded), prints the median in ms.
median_ms() {
    i=0
    : >"$SCRATCH/times"
    while [ $i -lt "$RUNS" ]; do
        s=$(ms)
        "$@" >/dev/null 2>&1 || :
        e=$(ms)
        echo $((e - s)) >>"$SCRATCH/times"
        i=$((i + 1))
    done
    sort -n "$SCRATCH/times" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

cd "$SCRATCH"
if [ -d "$CORPUS" ]; then
    mkdir corpus
    cp -r "$CORPUS" corpus/work-items
    cd corpus
    n=$(ls -d work-items/open/* work-items/pending/* work-items/closed/* | wc -l)
    ours=$(median_ms sh "$TS" list --status all)
    ref=$(median_ms sh "$REF" list --status all)
    doc=$(median_ms sh "$TS" doctor)
    echo "corpus ($n tickets): list --status all: ours ${ours} ms, one-awk-per-field reference ${ref} ms" \
        "(x$(awk -v a="$ref" -v b="$ours" 'BEGIN { printf "%.0f", a / (b > 0 ? b : 1) }')); doctor ${doc} ms"
    cd "$SCRATCH"
else
    echo "skip - corpus benchmark (../shared/corpus absent)"
fi

# Synthetic root: one generated ticket cloned N times with different ids (awk writes the files).
mkdir synth
cd synth
sh "$TS" create --title "Template ticket" --label "bench, synthetic" >/dev/null
tmpl=$(ls -d work-items/open/*)
s=$(ms)
awk -v n="$N" 'BEGIN {
    for (i = 1; i <= n; i++) {
        st = (i % 10 < 3) ? "open" : (i % 10 < 4) ? "pending" : "closed"
        printf "work-items/%s/20260101-%06d-synthetic-ticket-%d/artifacts\n", st, i, i
    }
}' | xargs mkdir -p
awk -v n="$N" -v tmpl="$tmpl" 'BEGIN {
    while ((getline line < (tmpl "/item.md")) > 0) item[++ni] = line
    while ((getline line < (tmpl "/thread.md")) > 0) thread[++nt] = line
    for (i = 1; i <= n; i++) {
        st = (i % 10 < 3) ? "open" : (i % 10 < 4) ? "pending" : "closed"
        id = sprintf("20260101-%06d-synthetic-ticket-%d", i, i)
        d = "work-items/" st "/" id
        for (k = 1; k <= ni; k++) {
            l = item[k]
            if (l ~ /^id: /) l = "id: " id
            else if (l ~ /^slug: /) l = "slug: synthetic-ticket-" i
            else if (l ~ /^status: /) l = "status: " st
            print l > (d "/item.md")
        }
        close(d "/item.md")
        for (k = 1; k <= nt; k++) print thread[k] > (d "/thread.md")
        close(d "/thread.md")
        printf "" > (d "/artifacts/.gitkeep")
        close(d "/artifacts/.gitkeep")
    }
}'
rm -r "$tmpl"
e=$(ms)
echo "synthetic root: $N tickets generated in $((e - s)) ms"
sh "$TS" doctor >/dev/null
mid=20260101-$(printf '%06d' $((N / 2)))-synthetic-ticket-$((N / 2))
echo "  list --status all: $(median_ms sh "$TS" list --status all) ms ($(sh "$TS" list --status all | wc -l) lines)"
echo "  show <id>:         $(median_ms sh "$TS" show "$mid") ms"
echo "  show <slug>:       $(median_ms sh "$TS" show "synthetic-ticket-$((N / 2))") ms"
echo "  doctor:            $(median_ms sh "$TS" doctor) ms"
echo "  comment <id>:      $(median_ms sh -c 'sh "$0" comment "$1" </dev/null' "$TS" "$mid") ms"

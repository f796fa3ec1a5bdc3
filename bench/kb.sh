#!/usr/bin/env bash
# Measures the public help center at scale: fills a separate database (`frontdesk_kb_load`,
# next to the one scripts/db.sh gives) once with 1,000 workspaces and 10,000 published
# articles plus 2,000 Chinese ones in one of them (bench/kb-seed.sql, a few seconds), serves
# it with a release build and loads an article page, two English and two Chinese searches
# with wrk, as a returning visitor (one session cookie, as a browser keeps it).
# Usage: bench/kb.sh   (or make bench-kb)
# Environment: KB_LOAD_DATABASE (frontdesk_kb_load), BENCH_DURATION (15s),
# BENCH_CONNECTIONS (32), BENCH_PORT (3911).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

duration=${BENCH_DURATION:-15s}
connections=${BENCH_CONNECTIONS:-32}
workspace=kb-0001

bench_require_wrk
bench_load_database "${KB_LOAD_DATABASE:-frontdesk_kb_load}"
bench_build
"$bin" migrate

echo "== seed: 1,000 workspaces, 10,000 articles in $workspace"
seed_started=$(date +%s)
psql "$DATABASE_URL" -f bench/kb-seed.sql
echo "seed took $(($(date +%s) - seed_started)) s; articles in all: $(psql "$DATABASE_URL" -c "select count(*) from kb_articles")"
matches() {
  psql "$DATABASE_URL" -c "select count(*) from kb_articles a join accounts w on w.id = a.account_id
    where w.slug = '$workspace' and a.search @@ search_query('$1', false)"
}

bench_serve "$bin" "${BENCH_PORT:-3911}"
jar=$(mktemp)
bench_files+=("$jar")
curl -s -o /dev/null -c "$jar" "$base/help/$workspace"
cookie=$(awk '$6 == "frontdesk" {print "frontdesk=" $7}' "$jar")
[ -n "$cookie" ] || { echo "no session cookie from /help/$workspace" >&2; exit 1; }

# The Chinese searches, percent-encoded: 重置密码 (reset password) and 退款 (refund).
reset_password=%E9%87%8D%E7%BD%AE%E5%AF%86%E7%A0%81
refund=%E9%80%80%E6%AC%BE
paths=("/help/$workspace/articles/article-5000" "/help/$workspace?q=refund+card"
  "/help/$workspace?q=refund" "/help/$workspace?q=$reset_password" "/help/$workspace?q=$refund")
names=("article" "search2" "search1" "search-zh2" "search-zh1")
echo "search2 (refund card) finds $(matches 'refund card') articles, search1 (refund) $(matches refund)," \
  "search-zh2 (重置密码) $(matches 重置密码), search-zh1 (退款) $(matches 退款)"
bench_check_ok "$cookie" "${paths[@]}"
for i in "${!paths[@]}"; do
  bench_measure "${names[$i]}" "${paths[$i]}" "$cookie" "$connections" "$duration"
done
bench_report "1,000 workspaces, 10,000 articles in $workspace, $connections connections"

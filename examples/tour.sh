#!/usr/bin/env bash
# Runs the README tour on the bundled examples and writes every report into OUTDIR,
# so two builds can be compared byte for byte (used to prove a refactoring changed nothing):
#   examples/tour.sh target/release/zikao /tmp/before
#   ... change the code, cargo build --release ...
#   examples/tour.sh target/release/zikao /tmp/after && diff -r /tmp/before /tmp/after
# Dates are pinned with --as-of; xlsx files are compared by their unzipped sheet XML
# (the zip container carries a creation time).
set -u
bin=$(realpath "$1"); out=$2
cd "$(dirname "$0")/.."
rm -rf "$out"; mkdir -p "$out"
ex=examples/exports
pol=(--policy guangdong --batch 2022-06 --as-of 2022-06-20)
run() { # name, then the command's arguments; records stdout, stderr and the exit status
  local name=$1; shift
  "$bin" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"; echo $? >"$out/$name.rc"
}
run photo-table photo check examples/photos
run photo-en-json photo check examples/photos --lang en --format json
run photo-csv photo check examples/photos --format csv
run photo-html photo check examples/photos --format html -o "$out/photo-report.html" --annotate "$out/annotated"
run fix-size photo fix-size examples/phone/phone_photo.jpg --out-dir "$out/fixed" -o "$out/fix-size.json"
run prereq-json prereq verify --candidates $ex/candidates.csv --prior $ex/prior.csv "${pol[@]}" --format json -o "$out/prereq.json"
run prereq-table prereq verify --candidates $ex/candidates.csv --prior $ex/prior.csv "${pol[@]}"
for f in table json csv; do
  run elig-$f eligibility --candidates $ex/candidates.csv --scores $ex/scores.csv --plans $ex/plans.csv \
    --prereq "$out/prereq.json" "${pol[@]}" --format $f
done
run elig-en eligibility --candidates $ex/candidates.csv --scores $ex/scores.csv --plans $ex/plans.csv \
  --prereq "$out/prereq.json" "${pol[@]}" --lang en
run elig-json-file eligibility --candidates $ex/candidates.csv --scores $ex/scores.csv --plans $ex/plans.csv \
  --prereq "$out/prereq.json" "${pol[@]}" --format json -o "$out/elig.json"
run elig-xlsx eligibility --candidates $ex/candidates.csv --scores $ex/scores.csv --plans $ex/plans.csv \
  --prereq "$out/prereq.json" "${pol[@]}" --format xlsx -o "$out/elig.xlsx"
run roster-grad-table roster graduates --candidates $ex/candidates.csv --eligibility "$out/elig.json"
run roster-grad-xlsx roster graduates --candidates $ex/candidates.csv --eligibility "$out/elig.json" --format xlsx -o "$out/roster.xlsx"
run roster-grad-html roster graduates --candidates $ex/candidates.csv --eligibility "$out/elig.json" --format html -o "$out/roster.html"
run roster-ex-html roster exemptions --candidates $ex/candidates.csv --scores $ex/scores.csv --format html -o "$out/exemptions.html"
run roster-ex-table roster exemptions --candidates $ex/candidates.csv --scores $ex/scores.csv
run roster-rec roster reception --candidates $ex/candidates.csv --policy guangdong --batch 2022-06 --as-of 2022-06-20
run policy-list policy list
run policy-show policy show guangdong
for x in "$out"/*.xlsx; do
  [ -f "$x" ] || continue
  mkdir -p "$x.d" && (cd "$x.d" && unzip -qo "$x" 'xl/*' && rm -f "$x") 
done
echo "tour written to $out"

#!/usr/bin/env bash
# bench/run.sh [bench options] — builds changelake and the bench when sources changed, then runs
# io.changelake.bench.Bench (see bench/README.md), e.g.
#   bench/run.sh --rows 1000000 --changes 200000 --formats iceberg --commit-interval 1s
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$root/bench/target/classpath.txt"
if [ ! -f "$stamp" ] || [ ! -f "$root/changelake-cli/target/changelake.jar" ] || [ -n "$(find "$root" \
      -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
      -newer "$stamp" -print -quit)" ]; then
  echo "bench: building changelake and the bench ..." >&2
  (cd "$root" && mvn -B -q -DskipTests package) >&2
  touch "$stamp"  # the classpath file is rewritten only when it changes
fi
cd "$root"
exec java ${BENCH_JAVA_OPTS:--Xmx2g} -cp "$root/bench/target/classes:$(cat "$stamp")" io.changelake.bench.Bench "$@"

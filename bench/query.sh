#!/usr/bin/env bash
# bench/query.sh [options] — changelake query beside Spark local on the orders table, per format and size
# (see bench/README.md, "Query bench"), e.g.
#   bench/query.sh --rows 1000000,4000000 --formats iceberg,paimon,delta
# Builds changelake's jar and the bench (mvn package, no install) when their sources changed, compiles the Spark
# runner against changelake-interop-tests' Spark classpath, then runs io.changelake.bench.query.QueryBench.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
stamp=bench/target/classpath.txt
if [ ! -f "$stamp" ] || [ ! -f changelake-cli/target/changelake.jar ] || [ -n "$(find . -path '*/target' -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$stamp" -print -quit)" ]; then
  echo "query bench: building changelake and the bench ..." >&2
  mvn -B -q -o -DskipTests -pl bench -am package >&2
  touch "$stamp"
fi
spark_cp=bench/target/spark-classpath.txt
spark_classes=bench/target/spark-classes
if [ ! -f "$spark_cp" ]; then
  echo "query bench: resolving Spark's classpath (changelake-interop-tests' test dependencies) ..." >&2
  mvn -B -q -o -pl changelake-interop-tests dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$root/$spark_cp.all" >&2
  tr ':' '\n' < "$spark_cp.all" | grep -v '/io/changelake/' | paste -sd: > "$spark_cp"
fi
if [ ! -d "$spark_classes" ] || [ -n "$(find bench/src/spark bench/src/main/java/io/changelake/bench/query/Timings.java \
      -newer "$spark_classes" -print -quit)" ]; then
  mkdir -p "$spark_classes"
  javac -d "$spark_classes" -cp "$(cat "$spark_cp")" bench/src/spark/java/io/changelake/bench/query/SparkQuery.java \
      bench/src/main/java/io/changelake/bench/query/Timings.java
  touch "$spark_classes"
fi
exec java ${BENCH_JAVA_OPTS:--Xmx2g} -cp "bench/target/classes:$(cat "$stamp")" io.changelake.bench.query.QueryBench \
    --spark-classpath "$root/$spark_classes:$(cat "$spark_cp")" "$@"

#!/usr/bin/env bash
# keel-jmh: the engine's JMH benchmarks (perf/target/benchmarks.jar), with defaults that suit a 2-core machine.
#   bin/keel-jmh.sh                          every benchmark: 2 forks, 3 x 1 s warm-up, 5 x 1 s measurement, 1 thread
#   bin/keel-jmh.sh AppendBenchmark -prof gc  a subset (regexp), with JMH options; bin/keel-jmh.sh -h lists them
# Build the jar first: mvn -q -B -pl perf -am package -DskipTests.  Results and method: docs/performance.md.
# Environment: JAVA_HOME (the JDK to use, else java on the PATH; forks use the same JVM), KEEL_BENCH_DIR (where
# benchmark data goes, default <tmp>/keel-jmh; up to ~3 GB while an append benchmark runs, deleted after each
# iteration).
set -euo pipefail

# shellcheck source=keel-common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/keel-common.sh"
jar=$root/perf/target/benchmarks.jar

keel_require_built keel-jmh "mvn -q -B -pl perf -am package -DskipTests" "$jar"

# The forks' flags are in the benchmarks' @Fork annotations (JDK 17 syntax). JDK 23+ also wants
# --sun-misc-unsafe-memory-access=allow for Chronicle (and JMH itself), an option JDK 17 refuses: it is given to this
# JVM by the running JDK's version, and JMH passes this JVM's options on to the forks (unless -jvmArgs is given).
feature=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
host_flags=()
if [[ ${feature%%.*} -ge 23 ]]; then
    host_flags+=(--sun-misc-unsafe-memory-access=allow)
fi
if [[ -n ${KEEL_BENCH_DIR:-} ]]; then
    host_flags+=("-Dkeel.bench.dir=$KEEL_BENCH_DIR")
fi

exec "$java" "${host_flags[@]}" -jar "$jar" -foe true -t 1 "$@"

#!/usr/bin/env bash
# keel-perf: produce, consume, e2e, limits, engine and compare (Keel vs Apache Kafka) measurements.
#   bin/keel-perf.sh COMMAND [OPTIONS]       bin/keel-perf.sh --help       docs/perf-tool.md
# Runs keel.perf.cli.KeelPerf from the build output of the source tree this script belongs to, with the JVM flags
# of the root pom's keel.jvm.flags property. Works from any working directory and through symlinks.
# Environment: JAVA_HOME (the JDK to use, else java on the PATH), KEEL_PERF_OPTS (extra JVM options for the tool;
# default -Xmx1g).
set -euo pipefail

# shellcheck source=keel-common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/keel-common.sh"

classes=$root/perf/target/classes
classpath_file=$root/perf/target/keel-perf.classpath
build="mvn -q -B -pl perf -am package -DskipTests"

keel_require_built keel-perf "$build" "$classes/keel/perf/cli/KeelPerf.class" "$classpath_file"

jvm_flags=$(keel_jvm_flags keel-perf)

modules=$classes:$root/server/target/classes:$root/replication/target/classes:$root/log-segment/target/classes:$root/index/target/classes
# keel.jvm.flags is passed on to the server JVMs that `compare` starts, so both servers get the same flags.
# shellcheck disable=SC2086 # the flags and KEEL_PERF_OPTS are lists of options
exec "$java" $jvm_flags ${KEEL_PERF_OPTS:--Xmx1g} -Dkeel.home="$root" -Dkeel.jvm.flags="$jvm_flags" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$modules:$(cat "$classpath_file")" keel.perf.cli.KeelPerf "$@"

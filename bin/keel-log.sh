#!/usr/bin/env bash
# keel-log: append to, dump, verify and recover Keel partition directories and segment files.
#   bin/keel-log.sh COMMAND [OPTIONS] ARGS       bin/keel-log.sh --help       docs/keel-log.md
# Runs keel.log.tool.LogTool from the build output of the source tree this script belongs to, with the JVM flags
# of the root pom's keel.jvm.flags property. Works from any working directory and through symlinks.
# Environment: JAVA_HOME (the JDK to use, else java on the PATH), KEEL_LOG_OPTS (extra JVM options).
set -euo pipefail

# shellcheck source=keel-common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/keel-common.sh"

classes=$root/log-segment/target/classes
index_classes=$root/index/target/classes
classpath_file=$root/log-segment/target/keel-log.classpath
build="mvn -q -B -pl log-segment -am package -DskipTests"

keel_require_built keel-log "$build" "$classes/keel/log/tool/LogTool.class" "$index_classes/keel/index" "$classpath_file"

jvm_flags=$(keel_jvm_flags keel-log)

# The engine logs through SLF4J; the tool reports everything itself, so logging goes to SLF4J's no-op provider
# (named explicitly, which also keeps SLF4J from warning that it found none).
# shellcheck disable=SC2086 # the flags and KEEL_LOG_OPTS are lists of options
exec "$java" $jvm_flags ${KEEL_LOG_OPTS:-} \
    -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -Dslf4j.internal.verbosity=WARN \
    -cp "$classes:$index_classes:$(cat "$classpath_file")" keel.log.tool.LogTool "$@"

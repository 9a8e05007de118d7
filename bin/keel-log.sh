#!/usr/bin/env bash
# keel-log: append to, dump, verify and recover Keel partition directories and segment files.
#   bin/keel-log.sh COMMAND [OPTIONS] ARGS       bin/keel-log.sh --help       docs/keel-log.md
# Runs keel.log.tool.LogTool from the build output of the source tree this script belongs to, with the JVM flags
# of the root pom's keel.jvm.flags property. Works from any working directory and through symlinks.
# Environment: JAVA_HOME (the JDK to use, else java on the PATH), KEEL_LOG_OPTS (extra JVM options).
set -euo pipefail

script=${BASH_SOURCE[0]}
while [[ -L $script ]]; do
    target=$(readlink "$script")
    [[ $target == /* ]] || target=$(dirname "$script")/$target
    script=$target
done
root=$(cd "$(dirname "$script")/.." && pwd)

classes=$root/log-segment/target/classes
index_classes=$root/index/target/classes
classpath_file=$root/log-segment/target/keel-log.classpath
build="mvn -q -B -pl log-segment -am package -DskipTests"

if [[ ! -f $classes/keel/log/tool/LogTool.class || ! -d $index_classes/keel/index || ! -f $classpath_file ]]; then
    echo "keel-log: Keel is not built; run this in $root first:" >&2
    echo "  $build" >&2
    exit 2
fi

jvm_flags=$(sed -n 's:.*<keel.jvm.flags>\(.*\)</keel.jvm.flags>.*:\1:p' "$root/pom.xml")
if [[ -z $jvm_flags ]]; then
    echo "keel-log: cannot read the keel.jvm.flags property from $root/pom.xml" >&2
    exit 2
fi

if [[ -n ${JAVA_HOME:-} ]]; then
    java=$JAVA_HOME/bin/java
else
    java=java
fi

# The engine logs through SLF4J; the tool reports everything itself, so logging goes to SLF4J's no-op provider
# (named explicitly, which also keeps SLF4J from warning that it found none).
# shellcheck disable=SC2086 # the flags and KEEL_LOG_OPTS are lists of options
exec "$java" $jvm_flags ${KEEL_LOG_OPTS:-} \
    -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -Dslf4j.internal.verbosity=WARN \
    -cp "$classes:$index_classes:$(cat "$classpath_file")" keel.log.tool.LogTool "$@"

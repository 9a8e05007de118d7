#!/usr/bin/env bash
# keel-server: run the Keel broker in the foreground.
#   bin/keel-server.sh CONFIG [--override key=value]...       docs/broker.md
# Runs keel.server.KeelServer from the build output of the source tree this script belongs to, with the JVM flags of
# the root pom's keel.jvm.flags property. The JVM replaces this shell (exec), so SIGTERM reaches it and shuts the
# broker down cleanly. Works from any working directory and through symlinks.
# Environment: JAVA_HOME (the JDK to use, else java on the PATH), KEEL_HEAP_OPTS (default -Xmx1G -Xms1G),
# KEEL_OPTS (extra JVM options, e.g. -Dlogback.configurationFile=FILE).
set -euo pipefail

script=${BASH_SOURCE[0]}
while [[ -L $script ]]; do
    target=$(readlink "$script")
    [[ $target == /* ]] || target=$(dirname "$script")/$target
    script=$target
done
root=$(cd "$(dirname "$script")/.." && pwd)

if [[ $# -lt 1 || $1 == -* ]]; then
    echo "Usage: $0 CONFIG [--override key=value]..." >&2
    exit 2
fi

build="mvn -q -B -pl server -am package -DskipTests"
classpath_file=$root/server/target/keel-server.classpath
modules=(server replication log-segment index)
classpath=
for module in "${modules[@]}"; do
    if [[ ! -d $root/$module/target/classes/keel ]]; then
        echo "keel-server: Keel is not built; run this in $root first:" >&2
        echo "  $build" >&2
        exit 2
    fi
    classpath=$classpath$root/$module/target/classes:
done
if [[ ! -f $root/server/target/classes/keel/server/KeelServer.class || ! -f $classpath_file ]]; then
    echo "keel-server: Keel is not built; run this in $root first:" >&2
    echo "  $build" >&2
    exit 2
fi

jvm_flags=$(sed -n 's:.*<keel.jvm.flags>\(.*\)</keel.jvm.flags>.*:\1:p' "$root/pom.xml")
if [[ -z $jvm_flags ]]; then
    echo "keel-server: cannot read the keel.jvm.flags property from $root/pom.xml" >&2
    exit 2
fi

if [[ -n ${JAVA_HOME:-} ]]; then
    java=$JAVA_HOME/bin/java
else
    java=java
fi

# shellcheck disable=SC2086 # the flags, KEEL_HEAP_OPTS and KEEL_OPTS are lists of options
exec "$java" $jvm_flags ${KEEL_HEAP_OPTS:--Xmx1G -Xms1G} ${KEEL_OPTS:-} \
    -cp "$classpath$(cat "$classpath_file")" keel.server.KeelServer "$@"

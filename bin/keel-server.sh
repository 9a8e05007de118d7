#!/usr/bin/env bash
# keel-server: run the Keel broker in the foreground.
#   bin/keel-server.sh CONFIG [--override key=value]...       docs/broker.md
# Runs keel.server.KeelServer from the build output of the source tree this script belongs to, with the JVM flags of
# the root pom's keel.jvm.flags property. The JVM replaces this shell (exec), so SIGTERM reaches it and shuts the
# broker down cleanly. Works from any working directory and through symlinks.
# Environment: JAVA_HOME (the JDK to use, else java on the PATH), KEEL_HEAP_OPTS (default -Xmx1G -Xms1G),
# KEEL_OPTS (extra JVM options, e.g. -Dlogback.configurationFile=FILE).
set -euo pipefail

# shellcheck source=keel-common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/keel-common.sh"

if [[ $# -lt 1 || $1 == -* ]]; then
    echo "Usage: $0 CONFIG [--override key=value]..." >&2
    exit 2
fi

build="mvn -q -B -pl server -am package -DskipTests"
classpath_file=$root/server/target/keel-server.classpath
modules=(server replication log-segment index)
classpath=
for module in "${modules[@]}"; do
    keel_require_built keel-server "$build" "$root/$module/target/classes/keel"
    classpath=$classpath$root/$module/target/classes:
done
keel_require_built keel-server "$build" "$root/server/target/classes/keel/server/KeelServer.class" "$classpath_file"

jvm_flags=$(keel_jvm_flags keel-server)

# shellcheck disable=SC2086 # the flags, KEEL_HEAP_OPTS and KEEL_OPTS are lists of options
exec "$java" $jvm_flags ${KEEL_HEAP_OPTS:--Xmx1G -Xms1G} ${KEEL_OPTS:-} \
    -cp "$classpath$(cat "$classpath_file")" keel.server.KeelServer "$@"

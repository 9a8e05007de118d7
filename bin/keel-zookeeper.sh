#!/usr/bin/env bash
# keel-zookeeper: run a standalone Apache ZooKeeper server in the foreground, for a Keel cluster on one machine.
#   bin/keel-zookeeper.sh [CONFIG]        (default: config/zookeeper.properties)    docs/cluster.md
# Runs org.apache.zookeeper.server.ZooKeeperServerMain from the ZooKeeper jar Maven resolved for the server module
# (the classpath file the server build writes), so nothing else has to be installed. The JVM replaces this shell
# (exec): SIGTERM stops it. Environment: JAVA_HOME, ZK_HEAP_OPTS (default -Xmx512M).
set -euo pipefail

# shellcheck source=keel-common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/keel-common.sh"

config=${1:-$root/config/zookeeper.properties}
if [[ ! -f $config ]]; then
    echo "Usage: $0 [CONFIG]  (no such file: $config)" >&2
    exit 2
fi
classpath_file=$root/server/target/keel-server.classpath
if [[ ! -f $classpath_file ]] || ! grep -q 'zookeeper-3' "$classpath_file"; then
    echo "keel-zookeeper: Keel is not built; run this in $root first:" >&2
    echo "  mvn -q -B -pl server -am package -DskipTests" >&2
    exit 2
fi

# shellcheck disable=SC2086 # ZK_HEAP_OPTS is a list of options
exec "$java" ${ZK_HEAP_OPTS:--Xmx512M} -Dzookeeper.admin.enableServer=false \
    -cp "$root/server/target/classes:$(cat "$classpath_file")" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$config"

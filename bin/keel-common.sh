# Sourced by the bin/ scripts (not run on its own): the source tree's root, the java to run, and the checks and JVM
# flags they share. Symlinks to the scripts are resolved, so they work from any working directory.
#   root      the source tree this file belongs to
#   java      $JAVA_HOME/bin/java when JAVA_HOME is set, else java on the PATH
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
if [[ -n ${JAVA_HOME:-} ]]; then
    java=$JAVA_HOME/bin/java
else
    java=java
fi

# keel_require_built TOOL BUILD_COMMAND PATH...: exit 2 with the build command when a PATH does not exist.
keel_require_built() {
    local tool=$1 build=$2
    shift 2
    local path
    for path in "$@"; do
        if [[ ! -e $path ]]; then
            echo "$tool: Keel is not built ($path is missing); run this in $root first:" >&2
            echo "  $build" >&2
            exit 2
        fi
    done
}

# keel_jvm_flags TOOL: print the root pom's keel.jvm.flags property, the flags every JVM that runs Keel needs.
keel_jvm_flags() {
    local flags
    flags=$(sed -n 's:.*<keel.jvm.flags>\(.*\)</keel.jvm.flags>.*:\1:p' "$root/pom.xml")
    if [[ -z $flags ]]; then
        echo "$1: cannot read the keel.jvm.flags property from $root/pom.xml" >&2
        exit 2
    fi
    echo "$flags"
}

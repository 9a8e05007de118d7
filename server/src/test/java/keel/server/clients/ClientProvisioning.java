package keel.server.clients;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Installs the third-party Kafka clients the smoke tests drive, from the registries CI reaches: Debian packages with
 * {@code apt-get} (one {@code apt-get update} per JVM, only when something is missing, only as root) and kafkajs with
 * {@code npm install} under the module's {@code target/}, so reruns find it there. Every step is bounded in time.
 *
 * <p>Each method answers null when the client is usable, or a sentence saying exactly what is missing, for a JUnit
 * assumption. Surefire runs two test JVMs at once, so provisioning also holds a file lock under {@code target/}: two
 * JVMs never run apt or npm at the same time. Thread-safe.
 */
public final class ClientProvisioning {
    /** The Debian interpreter: Debian's python3-* packages install for it, not for another python3 on the PATH. */
    public static final String DEBIAN_PYTHON = "/usr/bin/python3";

    private static final long PROBE_TIMEOUT_SEC = 30;
    private static final long APT_UPDATE_TIMEOUT_SEC = 240;
    private static final long APT_INSTALL_TIMEOUT_SEC = 300;
    private static final long NPM_INSTALL_TIMEOUT_SEC = 300;
    private static final Path TARGET = Path.of("target");
    private static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive");

    private static String aptUpdateFailure;
    private static boolean aptUpdated;

    private ClientProvisioning() {
    }

    /**
     * Makes a Debian package's program usable.
     *
     * @param debianPackage the package, e.g. {@code kcat}.
     * @param probe         a command that exits 0 when the program is usable, e.g. {@code kcat -V}.
     * @return null when usable, else what is missing.
     */
    public static synchronized String debianPackage(final String debianPackage, final List<String> probe) {
        if (probeSucceeds(probe)) {
            return null;
        }
        final String uid = uid();
        if (!"0".equals(uid)) {
            return debianPackage + " is not installed and cannot be: apt-get needs root, the tests run as uid=" + uid;
        }
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return debianPackage + " is not installed and cannot be: no /usr/bin/apt-get (not a Debian machine)";
        }
        try (FileChannel lockFile = openLockFile(); FileLock lock = lockFile.lock()) {
            if (probeSucceeds(probe)) {
                // the other test JVM installed it while this one waited for the lock
                return null;
            }
            if (!aptUpdated) {
                aptUpdated = true;
                final ChildProcess update = ChildProcess.run(List.of("apt-get", "-q", "-o",
                    "DPkg::Lock::Timeout=120", "update"), APT_ENV, null, APT_UPDATE_TIMEOUT_SEC);
                aptUpdateFailure = update.succeeded() ? null : "apt-get update failed: " + update.describe();
            }
            if (aptUpdateFailure != null) {
                return debianPackage + " is not installed and cannot be: " + aptUpdateFailure;
            }
            final ChildProcess install = ChildProcess.run(List.of("apt-get", "install", "-y", "-q",
                "--no-install-recommends", "-o", "DPkg::Lock::Timeout=120", debianPackage), APT_ENV, null,
                APT_INSTALL_TIMEOUT_SEC);
            if (!install.succeeded()) {
                return debianPackage + " is not installed and cannot be: apt-get install failed: "
                    + install.describe();
            }
        } catch (final IOException ex) {
            return debianPackage + " is not installed and cannot be: " + ex;
        }
        return probeSucceeds(probe) ? null
            : debianPackage + " was installed but `" + String.join(" ", probe) + "` still fails";
    }

    /**
     * Makes kafkajs 2.x loadable by node, installing it under {@code target/clients/kafkajs} when it is not there.
     *
     * @return null when usable, else what is missing.
     */
    public static synchronized String kafkajs() {
        final Path prefix = kafkajsPrefix();
        if (probeSucceeds(kafkajsProbe())) {
            return null;
        }
        if (!probeSucceeds(List.of("node", "--version"))) {
            return "kafkajs cannot be used: no node on the PATH";
        }
        if (!probeSucceeds(List.of("npm", "--version"))) {
            return "kafkajs is not installed and cannot be: no npm on the PATH";
        }
        try (FileChannel lockFile = openLockFile(); FileLock lock = lockFile.lock()) {
            if (probeSucceeds(kafkajsProbe())) {
                return null;
            }
            Files.createDirectories(prefix);
            final List<String> command = new ArrayList<>(List.of("npm", "install", "--prefix", prefix.toString(),
                "--no-audit", "--no-fund", "--no-save", "kafkajs@2"));
            final ChildProcess install = ChildProcess.run(command, Map.of(), null, NPM_INSTALL_TIMEOUT_SEC);
            if (!install.succeeded()) {
                return "kafkajs is not installed and cannot be: npm install failed: " + install.describe();
            }
        } catch (final IOException ex) {
            return "kafkajs is not installed and cannot be: " + ex;
        }
        return probeSucceeds(kafkajsProbe()) ? null : "kafkajs was installed under " + prefix + " but node cannot load it";
    }

    /**
     * @return the directory whose node_modules holds kafkajs (for NODE_PATH).
     */
    public static Path kafkajsPrefix() {
        return TARGET.resolve("clients/kafkajs").toAbsolutePath();
    }

    private static List<String> kafkajsProbe() {
        return List.of("node", "-e", "require(process.argv[1] + '/node_modules/kafkajs')",
            kafkajsPrefix().toString());
    }

    private static FileChannel openLockFile() throws IOException {
        Files.createDirectories(TARGET);
        return FileChannel.open(TARGET.resolve("client-provisioning.lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    }

    private static boolean probeSucceeds(final List<String> probe) {
        try {
            return ChildProcess.run(probe, Map.of(), null, PROBE_TIMEOUT_SEC).succeeded();
        } catch (final IOException ex) {
            // no such program
            return false;
        }
    }

    private static String uid() {
        try {
            final ChildProcess id = ChildProcess.run(List.of("id", "-u"), Map.of(), null, PROBE_TIMEOUT_SEC);
            return id.succeeded() ? id.output().trim() : "unknown (id -u failed)";
        } catch (final IOException ex) {
            return "unknown (" + ex + ")";
        }
    }
}

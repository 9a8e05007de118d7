package keel.index.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;

/**
 * A small tmpfs mounted for a full-disk test. Needs root and a mount-capable environment; without them the test
 * is skipped (JUnit assumption), so a developer's unprivileged run stays green while CI as root checks the real
 * thing.
 *
 * <p>Confined to one thread.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;
    private boolean mounted;

    private Tmpfs(final Path dir) {
        this.dir = dir;
        this.mounted = true;
    }

    /**
     * Mounts a tmpfs of the given size on {@code dir}, or skips the calling test.
     *
     * @param dir an existing empty directory
     * @param sizeBytes the file system's size
     * @return the mount, to close (unmount) in a finally or try-with-resources
     */
    public static Tmpfs mountOrSkip(final Path dir, final long sizeBytes) {
        Assumptions.assumeTrue(Commands.isRoot(), "full-disk test needs root to mount a tmpfs");
        final Commands.Result mount = Commands.run("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes, "tmpfs",
            dir.toString());
        Assumptions.assumeTrue(mount.succeeded(), () -> "cannot mount a tmpfs on " + dir + ": " + mount.output());
        return new Tmpfs(dir);
    }

    /**
     * @return the mount point
     */
    public Path dir() {
        return dir;
    }

    /**
     * Unmounts. Idempotent.
     *
     * @throws IllegalStateException if umount fails (e.g. a file is still open)
     */
    @Override
    public void close() {
        if (mounted) {
            final Commands.Result umount = Commands.run("umount", dir.toString());
            if (!umount.succeeded()) {
                throw new IllegalStateException("umount " + dir + " failed: " + umount.output());
            }
            mounted = false;
        }
    }
}

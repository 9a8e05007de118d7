package keel.server.metadata;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The data directory's {@value #FILE_NAME} in Kafka's version-0 layout ({@code version}, {@code broker.id},
 * {@code cluster.id}): created at the first start with a new cluster id, checked at every later start so that a
 * directory is never served under another broker id. Stateless.
 */
public final class MetaProperties {
    /** The file name in the data directory. */
    public static final String FILE_NAME = "meta.properties";

    private MetaProperties() {
    }

    /**
     * Reads the cluster id, creating the file on first use.
     *
     * @param dataDir  the data directory.
     * @param brokerId this broker's id.
     * @return the cluster id.
     * @throws IOException if the file cannot be read or written, or names another broker id.
     */
    public static String readOrCreate(final Path dataDir, final int brokerId) throws IOException {
        final Path file = dataDir.resolve(FILE_NAME);
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (final NoSuchFileException ex) {
            final String clusterId = TopicId.toText(TopicId.random());
            AtomicFile.write(file, ("#Written by Keel\nversion=0\nbroker.id=" + brokerId + "\ncluster.id=" + clusterId
                + "\n").getBytes(StandardCharsets.UTF_8));
            return clusterId;
        }
        final Properties props = new Properties();
        try (Reader reader = new StringReader(text)) {
            props.load(reader);
        }
        final String stored = props.getProperty("broker.id", props.getProperty("node.id"));
        if (stored != null && !stored.trim().equals(Integer.toString(brokerId))) {
            throw new IOException("Data directory " + dataDir + " belongs to broker.id=" + stored.trim()
                + " (" + file + "), not broker.id=" + brokerId + "; use that id or another log.dirs");
        }
        final String clusterId = props.getProperty("cluster.id");
        if (clusterId == null || clusterId.isBlank()) {
            throw new IOException("No cluster.id in " + file);
        }
        return clusterId.trim();
    }

}

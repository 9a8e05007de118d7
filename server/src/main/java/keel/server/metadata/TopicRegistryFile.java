package keel.server.metadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The topic registry of a data directory, the file {@value #FILE_NAME}: which topics exist, with their ids,
 * partition counts and configuration overrides. Text, one topic per line, fields separated by a tab (a character no
 * topic name, id or Kafka config value contains):
 *
 * <pre>
 * version: 0
 * name TAB topic-id TAB partition-count [TAB key=value]...
 * </pre>
 *
 * Written whole with {@link AtomicFile} on every change, so a crash leaves the old or the new registry. Topics change
 * rarely; the file stays small. Not thread-safe: the topic manager serialises changes.
 */
public final class TopicRegistryFile {
    /** The file name in the data directory. */
    public static final String FILE_NAME = "keel-topics";

    private static final String HEADER = "version: 0";

    private final Path file;

    /**
     * @param dataDir the data directory.
     */
    public TopicRegistryFile(final Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /**
     * @return the topics by name, in file order; empty when the file does not exist.
     * @throws IOException if the file cannot be read or is malformed (with the line and its number).
     */
    public Map<String, TopicInfo> read() throws IOException {
        final Map<String, TopicInfo> topics = new LinkedHashMap<>();
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final NoSuchFileException ex) {
            return topics;
        }
        if (lines.isEmpty() || !HEADER.equals(lines.get(0))) {
            throw new IOException("Malformed topic registry " + file + ": first line must be '" + HEADER + "'");
        }
        for (int i = 1; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            final String[] fields = line.split("\t");
            try {
                if (fields.length < 3 || TopicNames.invalidReason(fields[0]) != null) {
                    throw new IllegalArgumentException("expected name, id and partition count");
                }
                final UUID id = TopicId.fromText(fields[1]);
                final int partitions = Integer.parseInt(fields[2]);
                final Map<String, String> configs = new LinkedHashMap<>();
                for (int f = 3; f < fields.length; f++) {
                    final int eq = fields[f].indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("expected key=value, got " + fields[f]);
                    }
                    configs.put(fields[f].substring(0, eq), fields[f].substring(eq + 1));
                }
                topics.put(fields[0], new TopicInfo(fields[0], id, partitions, configs));
            } catch (final IllegalArgumentException ex) {
                throw new IOException("Malformed topic registry " + file + " line " + (i + 1) + ": " + ex.getMessage()
                    + ": " + line, ex);
            }
        }
        return topics;
    }

    /**
     * Replaces the registry.
     *
     * @param topics every topic.
     * @throws IOException if the file cannot be written (the old one then stays).
     */
    public void write(final Iterable<TopicInfo> topics) throws IOException {
        final StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (final TopicInfo topic : topics) {
            text.append(topic.name()).append('\t').append(TopicId.toText(topic.id())).append('\t')
                .append(topic.partitionCount());
            for (final Map.Entry<String, String> config : topic.configOverrides().entrySet()) {
                text.append('\t').append(config.getKey()).append('=').append(config.getValue());
            }
            text.append('\n');
        }
        AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }
}

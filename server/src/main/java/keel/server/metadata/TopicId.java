package keel.server.metadata;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

/**
 * Topic ids: 128-bit random ids written as Kafka writes a {@code Uuid} (URL-safe base64 of the 16 bytes, no padding),
 * never the all-zero id or Kafka's reserved metadata-topic id 1, and never a text starting with '-' (Kafka avoids
 * those so that ids can be passed on a command line). Stateless; thread-safe.
 */
public final class TopicId {
    private TopicId() {
    }

    /**
     * @return a new random topic id.
     */
    public static UUID random() {
        while (true) {
            final UUID id = UUID.randomUUID();
            if ((id.getMostSignificantBits() != 0 || id.getLeastSignificantBits() > 1) && !toText(id).startsWith("-")) {
                return id;
            }
        }
    }

    /**
     * @param id an id.
     * @return Kafka's text form of it.
     */
    public static String toText(final UUID id) {
        final ByteBuffer bytes = ByteBuffer.allocate(16);
        bytes.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /**
     * @param text Kafka's text form.
     * @return the id.
     * @throws IllegalArgumentException if it is not 22 base64 characters of 16 bytes.
     */
    public static UUID fromText(final String text) {
        final byte[] bytes = Base64.getUrlDecoder().decode(text.trim());
        if (bytes.length != 16) {
            throw new IllegalArgumentException("Invalid topic id " + text + ": expected 16 bytes, got " + bytes.length);
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }
}

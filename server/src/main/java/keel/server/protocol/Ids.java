package keel.server.protocol;

import java.util.UUID;

import org.apache.kafka.common.Uuid;

/** Conversions between Keel's topic ids ({@link UUID}) and Kafka's {@link Uuid}. Stateless. */
final class Ids {
    private Ids() {
    }

    static Uuid toKafka(final UUID id) {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    static UUID fromKafka(final Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}

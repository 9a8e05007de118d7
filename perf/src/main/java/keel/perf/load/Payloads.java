package keel.perf.load;

import java.util.SplittableRandom;

/**
 * Record values: random upper-case letters (like Kafka's own producer benchmark, so compression sees text, not
 * zeros), from a fixed seed so every run and both servers get the same bytes. Stateless, thread-safe.
 */
final class Payloads {

    private static final long SEED = 0x6b65656cL;

    private Payloads() {
    }

    static byte[] value(final int sizeBytes) {
        final SplittableRandom random = new SplittableRandom(SEED);
        final byte[] value = new byte[sizeBytes];
        for (int i = 0; i < sizeBytes; i++) {
            value[i] = (byte) ('A' + random.nextInt(26));
        }
        return value;
    }
}

package keel.server.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Which versions of each API clients have sent since start: one bit per version (0..63) per API key, set once. The
 * tested-clients table of docs/broker.md is filled from it. Per request it costs one volatile read (and one
 * compare-and-set the first time a version is seen); nothing is allocated. Thread-safe.
 */
public final class RequestVersions {
    private static final int MAX_API_KEY = 1024;

    private final AtomicLongArray seen = new AtomicLongArray(MAX_API_KEY);

    void record(final ApiKeys api, final short version) {
        final int key = api.id;
        if (key < 0 || key >= MAX_API_KEY || version < 0 || version >= Long.SIZE) {
            return;
        }
        final long bit = 1L << version;
        if ((seen.get(key) & bit) == 0) {
            seen.getAndAccumulate(key, bit, (current, add) -> current | add);
        }
    }

    /**
     * @param api an API.
     * @return the versions of it sent since start, ascending.
     */
    public List<Integer> seen(final ApiKeys api) {
        final List<Integer> versions = new ArrayList<>();
        final long bits = api.id >= 0 && api.id < MAX_API_KEY ? seen.get(api.id) : 0;
        for (int v = 0; v < Long.SIZE; v++) {
            if ((bits & (1L << v)) != 0) {
                versions.add(v);
            }
        }
        return versions;
    }
}

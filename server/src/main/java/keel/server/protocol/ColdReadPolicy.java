package keel.server.protocol;

import keel.log.ReadResult;

/**
 * Decides whether sending a fetched region may wait for the disk, so that its response is prepared off the network
 * threads (KAFKA-7504). Must be cheap and must not block: it runs on the network thread for every fetched
 * partition. Thread-safe.
 */
@FunctionalInterface
interface ColdReadPolicy {
    /** The broker's policy: the active segment is warm, an older one is asked with {@code mincore}. */
    ColdReadPolicy MINCORE = ReadResult::mayBeCold;

    /**
     * @param read a filled, non-empty region.
     * @return true when some of it may not be in the page cache.
     */
    boolean mayBeCold(ReadResult read);
}

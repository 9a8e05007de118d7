package keel.server.group;

/**
 * Receives the result of a coordinator call that may park (JoinGroup and SyncGroup wait for the rebalance; commits and
 * deletions wait for their append). Called exactly once, from any thread, possibly before the call returns and
 * possibly while the coordinator holds the group's lock: implementations must not block (hand the result to the
 * network layer and return).
 *
 * @param <T> the result type.
 */
@FunctionalInterface
public interface Completion<T> {
    /**
     * @param result the result, never null.
     */
    void onComplete(T result);
}

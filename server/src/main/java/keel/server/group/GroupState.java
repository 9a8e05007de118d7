package keel.server.group;

/**
 * The states of a classic group, with the names Kafka's ListGroups and DescribeGroups report. Immutable.
 *
 * <pre>
 *   Empty --join--> PreparingRebalance --all joined / rebalance timeout--> CompletingRebalance --leader sync--> Stable
 *     ^                 ^      |  (no member left)                             |                               |
 *     +-----------------+------+----------------------------- member joins, leaves or expires ---------------+
 *   Empty --offsets expired / DeleteGroups--> Dead (removed)
 * </pre>
 */
public enum GroupState {
    /** No members; may still hold committed offsets. */
    EMPTY("Empty"),
    /** Waiting for the members to (re)join. */
    PREPARING_REBALANCE("PreparingRebalance"),
    /** Joined; waiting for the leader's assignment in SyncGroup. */
    COMPLETING_REBALANCE("CompletingRebalance"),
    /** Every member has its assignment. */
    STABLE("Stable"),
    /** Removed: no members and no offsets, or deleted, or its partition unloaded. */
    DEAD("Dead");

    private final String kafkaName;

    GroupState(final String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /**
     * @return the name Kafka uses on the wire ("Stable", "PreparingRebalance", ...).
     */
    public String kafkaName() {
        return kafkaName;
    }
}

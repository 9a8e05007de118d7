package keel.server.cluster;

/**
 * A topic asked for more replicas than there are live brokers (Kafka's INVALID_REPLICATION_FACTOR).
 */
public final class InvalidReplicationFactorException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int replicationFactor;
    private final int liveBrokers;

    InvalidReplicationFactorException(final int replicationFactor, final int liveBrokers) {
        super("Replication factor: " + replicationFactor + " larger than available brokers: " + liveBrokers + ".");
        this.replicationFactor = replicationFactor;
        this.liveBrokers = liveBrokers;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    public int liveBrokers() {
        return liveBrokers;
    }
}

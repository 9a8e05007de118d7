package keel.server.cluster;

/**
 * Another ZooKeeper session still holds {@code /brokers/ids/<id>} after the wait for a previous run's session to
 * expire: most likely a second live broker configured with the same {@code broker.id}.
 */
public final class BrokerIdInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int brokerId;
    private final long ownerSession;

    BrokerIdInUseException(final int brokerId, final long ownerSession, final long waitedMs) {
        super("broker.id=" + brokerId + " is registered by another live ZooKeeper session=0x"
            + Long.toHexString(ownerSession) + " after waiting waitedMs=" + waitedMs
            + " for it to expire; is another broker running with the same broker.id?");
        this.brokerId = brokerId;
        this.ownerSession = ownerSession;
    }

    public int brokerId() {
        return brokerId;
    }

    public long ownerSession() {
        return ownerSession;
    }
}

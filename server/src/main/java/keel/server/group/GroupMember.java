package keel.server.group;

import java.util.Arrays;
import java.util.List;

/**
 * A member of a classic group. Confined to the holder of its group's lock.
 */
final class GroupMember {
    static final byte[] EMPTY = new byte[0];

    final String memberId;
    final String groupInstanceId;
    final String clientId;
    final String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    List<Protocol> protocols;
    byte[] assignment = EMPTY;
    Completion<JoinGroupResult> joinCompletion;
    Completion<SyncGroupResult> syncCompletion;
    /** KIP-394: joined but never completed a join; expires after the new-member join timeout. */
    boolean isNew;
    /** Bumped whenever the heartbeat deadline is rescheduled, so a stale deadline task does nothing. */
    long heartbeatSequence;
    Timer.Timeout heartbeatTimeout;

    GroupMember(final String memberId, final String groupInstanceId, final String clientId, final String clientHost,
                final int rebalanceTimeoutMs, final int sessionTimeoutMs, final List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = protocols;
    }

    boolean isAwaitingJoin() {
        return joinCompletion != null;
    }

    boolean isAwaitingSync() {
        return syncCompletion != null;
    }

    boolean supports(final String protocolName) {
        return metadata(protocolName) != null;
    }

    /**
     * @return the metadata for a protocol, or null when the member does not support it.
     */
    byte[] metadata(final String protocolName) {
        for (final Protocol protocol : protocols) {
            if (protocol.name().equals(protocolName)) {
                return protocol.metadata();
            }
        }
        return null;
    }

    /**
     * @return true when {@code other} names the same protocols, in the same order, with the same metadata.
     */
    boolean matches(final List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            final Protocol a = protocols.get(i);
            final Protocol b = other.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.metadata(), b.metadata())) {
                return false;
            }
        }
        return true;
    }

    void cancelHeartbeat() {
        heartbeatSequence++;
        if (heartbeatTimeout != null) {
            heartbeatTimeout.cancel();
            heartbeatTimeout = null;
        }
    }
}

package keel.server.group;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of one classic group: membership, generation, and committed offsets. Every field is guarded by
 * {@link #lock}; only {@link GroupCoordinator} touches it, always holding the lock.
 */
final class ClassicGroup {
    static final String CONSUMER_PROTOCOL_TYPE = "consumer";

    final String groupId;
    final OffsetsPartition partition;
    final ReentrantLock lock = new ReentrantLock();

    GroupState state = GroupState.EMPTY;
    /** When the group entered its current generation's state (Kafka's currentStateTimestamp), -1 if unknown. */
    long stateTimestampMs = -1L;
    String protocolType;
    String protocolName;
    int generationId;
    String leaderId;
    final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED, not yet joined, with their expiry sequence. */
    final Map<String, Timer.Timeout> pendingMembers = new HashMap<>();
    /** group.instance.id to the current member id of that static member. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Members that got a JoinGroup response of this generation but have not sent SyncGroup yet. */
    final Set<String> pendingSyncMembers = new HashSet<>();
    /** Topics the members subscribe to (consumer protocol), null when unknown. */
    Set<String> subscribedTopics;

    long joinSequence;
    Timer.Timeout joinTimeout;
    /** The join phase waits for group.initial.rebalance.delay.ms and may not complete early. */
    boolean initialDelayPhase;
    boolean newMemberAdded;
    long syncSequence;
    Timer.Timeout syncTimeout;

    /** The value of the group's last group record appended (or being appended), null if none. */
    byte[] storedGroupValue;

    final Map<OffsetKey, OffsetAndMetadata> offsets = new HashMap<>();
    /** The latest commit of a partition whose append has not completed yet. */
    final Map<OffsetKey, PendingOffset> pendingOffsets = new HashMap<>();

    ClassicGroup(final String groupId, final OffsetsPartition partition) {
        this.groupId = groupId;
        this.partition = partition;
    }

    /**
     * A commit whose append is in flight; compared by identity so that an older completion does not clear a newer
     * pending commit.
     */
    static final class PendingOffset {
        final OffsetAndMetadata value;

        PendingOffset(final OffsetAndMetadata value) {
            this.value = value;
        }
    }

    boolean has(final String memberId) {
        return members.containsKey(memberId);
    }

    boolean isLeader(final String memberId) {
        return memberId.equals(leaderId);
    }

    boolean isStaticMemberFenced(final String groupInstanceId, final String memberId) {
        if (groupInstanceId == null) {
            return false;
        }
        final String current = staticMembers.get(groupInstanceId);
        return current != null && !current.equals(memberId);
    }

    /**
     * Kafka's validateMember for SyncGroup, Heartbeat and OffsetCommit: a named instance id must be known and map to
     * this member id, and the member id must be known.
     *
     * @return NONE, FENCED_INSTANCE_ID or UNKNOWN_MEMBER_ID.
     */
    short validateMember(final String memberId, final String groupInstanceId) {
        if (groupInstanceId != null) {
            final String current = staticMembers.get(groupInstanceId);
            if (current == null) {
                return GroupErrors.UNKNOWN_MEMBER_ID;
            }
            if (!current.equals(memberId)) {
                return GroupErrors.FENCED_INSTANCE_ID;
            }
        }
        return members.containsKey(memberId) ? GroupErrors.NONE : GroupErrors.UNKNOWN_MEMBER_ID;
    }

    int numAwaitingJoin() {
        int count = 0;
        for (final GroupMember member : members.values()) {
            if (member.isAwaitingJoin()) {
                count++;
            }
        }
        return count;
    }

    boolean hasAllMembersJoined() {
        return members.size() == numAwaitingJoin() && pendingMembers.isEmpty();
    }

    int rebalanceTimeoutMs() {
        int max = 0;
        for (final GroupMember member : members.values()) {
            max = Math.max(max, member.rebalanceTimeoutMs);
        }
        return max;
    }

    /**
     * Kafka's rule: an empty group accepts any non-empty protocol type and protocol list; otherwise the type must
     * match and at least one of the protocols must be supported by every current member.
     */
    boolean supportsProtocols(final String memberProtocolType, final List<Protocol> memberProtocols) {
        if (members.isEmpty()) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !memberProtocols.isEmpty();
        }
        if (!memberProtocolType.equals(protocolType)) {
            return false;
        }
        for (final Protocol protocol : memberProtocols) {
            boolean all = true;
            for (final GroupMember member : members.values()) {
                if (!member.supports(protocol.name())) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    void add(final GroupMember member, final String memberProtocolType) {
        if (members.isEmpty()) {
            protocolType = memberProtocolType;
        }
        if (leaderId == null) {
            leaderId = member.memberId;
        }
        members.put(member.memberId, member);
    }

    void remove(final String memberId) {
        final GroupMember member = members.remove(memberId);
        if (member == null) {
            return;
        }
        member.cancelHeartbeat();
        if (member.groupInstanceId != null && memberId.equals(staticMembers.get(member.groupInstanceId))) {
            staticMembers.remove(member.groupInstanceId);
        }
        pendingSyncMembers.remove(memberId);
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /**
     * Kafka's maybeElectNewJoinedLeader: keeps the leader if it rejoined, else picks any member that did.
     *
     * @return false when no member has rejoined (or there is no leader).
     */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId == null) {
            return false;
        }
        final GroupMember leader = members.get(leaderId);
        if (leader != null && leader.isAwaitingJoin()) {
            return true;
        }
        for (final GroupMember member : members.values()) {
            if (member.isAwaitingJoin()) {
                leaderId = member.memberId;
                return true;
            }
        }
        return false;
    }

    /**
     * Each member votes for the first protocol in its own order that every member supports; the most votes win,
     * ties go to the protocol the first member prefers.
     */
    String selectProtocol() {
        final LinkedHashMap<String, Integer> votes = new LinkedHashMap<>();
        final GroupMember first = members.values().iterator().next();
        for (final Protocol protocol : first.protocols) {
            boolean all = true;
            for (final GroupMember member : members.values()) {
                if (!member.supports(protocol.name())) {
                    all = false;
                    break;
                }
            }
            if (all) {
                votes.put(protocol.name(), 0);
            }
        }
        if (votes.isEmpty()) {
            throw new IllegalStateException("group " + groupId + " has no protocol every member supports");
        }
        for (final GroupMember member : members.values()) {
            for (final Protocol protocol : member.protocols) {
                final Integer count = votes.get(protocol.name());
                if (count != null) {
                    votes.put(protocol.name(), count + 1);
                    break;
                }
            }
        }
        String best = null;
        int bestVotes = -1;
        for (final Map.Entry<String, Integer> entry : votes.entrySet()) {
            if (entry.getValue() > bestVotes) {
                best = entry.getKey();
                bestVotes = entry.getValue();
            }
        }
        return best;
    }

    void initNextGeneration(final long nowMs) {
        generationId++;
        if (!members.isEmpty()) {
            protocolName = selectProtocol();
            state = GroupState.COMPLETING_REBALANCE;
        } else {
            protocolName = null;
            state = GroupState.EMPTY;
        }
        subscribedTopics = computeSubscribedTopics();
        stateTimestampMs = nowMs;
        pendingSyncMembers.clear();
    }

    /**
     * The topics of a consumer group's subscriptions (ConsumerProtocolSubscription: int16 version, then an array of
     * topic strings; every version starts so), or null when unknown (not the consumer protocol, or unparseable).
     */
    Set<String> computeSubscribedTopics() {
        if (!CONSUMER_PROTOCOL_TYPE.equals(protocolType)) {
            return null;
        }
        if (members.isEmpty()) {
            return new HashSet<>();
        }
        final Set<String> topics = new HashSet<>();
        for (final GroupMember member : members.values()) {
            final byte[] metadata = member.metadata(protocolName);
            if (metadata == null || !parseTopics(metadata, topics)) {
                return null;
            }
        }
        return topics;
    }

    private static boolean parseTopics(final byte[] metadata, final Set<String> into) {
        try {
            final ByteBuffer buffer = ByteBuffer.wrap(metadata);
            final short version = buffer.getShort();
            if (version < 0) {
                return false;
            }
            final int count = buffer.getInt();
            if (count < 0 || count > buffer.remaining()) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                final short length = buffer.getShort();
                if (length < 0 || length > buffer.remaining()) {
                    return false;
                }
                into.add(new String(metadata, buffer.position(), length, StandardCharsets.UTF_8));
                buffer.position(buffer.position() + length);
            }
            return true;
        } catch (final BufferUnderflowException malformed) {
            // a client's opaque bytes that are not a consumer subscription: the topics are unknown
            return false;
        }
    }

    boolean isSubscribedTo(final String topic) {
        return subscribedTopics == null || subscribedTopics.contains(topic);
    }

    /**
     * @return the committed offsets with in-flight commits on top: what a replay of the log would give.
     */
    Map<OffsetKey, OffsetAndMetadata> offsetsAsLogged() {
        final Map<OffsetKey, OffsetAndMetadata> all = new HashMap<>(offsets);
        for (final Map.Entry<OffsetKey, PendingOffset> entry : pendingOffsets.entrySet()) {
            all.put(entry.getKey(), entry.getValue().value);
        }
        return all;
    }

    List<JoinGroupResult.JoinedMember> currentMemberMetadata() {
        final List<JoinGroupResult.JoinedMember> list = new ArrayList<>(members.size());
        for (final GroupMember member : members.values()) {
            final byte[] metadata = member.metadata(protocolName);
            list.add(new JoinGroupResult.JoinedMember(member.memberId, member.groupInstanceId,
                metadata == null ? GroupMember.EMPTY : metadata));
        }
        return list;
    }
}

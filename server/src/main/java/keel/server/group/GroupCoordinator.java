package keel.server.group;

import keel.log.Time;
import keel.server.group.internal.OffsetsRecordFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kafka's classic group coordinator (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
 * OffsetDelete, ListGroups, DescribeGroups, DeleteGroups) as a protocol-independent engine: plain Java calls in,
 * {@link GroupErrors} result codes and records out. The protocol layer translates requests into these calls.
 *
 * <p>Thread-safe. Each group has its own lock; no lock is shared between groups on any request path. Calls never
 * block: JoinGroup and SyncGroup park their {@link Completion} in the group until the rebalance completes, and
 * commits complete when their append to the group's {@link OffsetsLog} does. Deadlines (session, rebalance, pending
 * sync, initial rebalance delay, offsets retention) run on the injected {@link Timer}, read time from the injected
 * {@link Time}, and take the group's lock.
 *
 * <p>State is durable in the partitions of {@code __consumer_offsets} (see {@link OffsetsRecordFormat}): a group
 * belongs to partition {@link #partitionFor(String, int)}; {@link #loadPartition} replays a partition's log to rebuild
 * its groups, and until a partition is loaded its groups answer NOT_COORDINATOR. See docs/groups.md.
 */
public final class GroupCoordinator implements AutoCloseable {
    /** KIP-394: a new member that never completes its join is removed after five minutes. */
    static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;
    /** The batch size read at a time when a partition is replayed. */
    private static final int LOAD_READ_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupConfig config;
    private final Time time;
    private final Timer timer;
    private final ConcurrentHashMap<Integer, OffsetsPartition> partitions = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile Timer.Timeout retentionTimeout;

    /**
     * Creates a coordinator that owns no partition yet. Does no I/O and starts nothing.
     *
     * @param config the configuration.
     * @param time   the clock for timestamps and state times.
     * @param timer  the timer for every deadline.
     */
    public GroupCoordinator(final GroupConfig config, final Time time, final Timer timer) {
        this.config = config;
        this.time = time;
        this.timer = timer;
    }

    /**
     * Kafka's mapping of a group to its {@code __consumer_offsets} partition: {@code Utils.abs(groupId.hashCode()) %
     * numPartitions}, where {@code Utils.abs(Integer.MIN_VALUE)} is 0.
     *
     * @param groupId       the group id.
     * @param numPartitions offsets.topic.num.partitions.
     * @return the partition.
     */
    public static int partitionFor(final String groupId, final int numPartitions) {
        final int hash = groupId.hashCode();
        final int abs = hash == Integer.MIN_VALUE ? 0 : Math.abs(hash);
        return abs % numPartitions;
    }

    /**
     * @param groupId the group id.
     * @return its partition of {@code __consumer_offsets} under this coordinator's configuration.
     */
    public int partitionFor(final String groupId) {
        return partitionFor(groupId, config.offsetsTopicNumPartitions());
    }

    /**
     * Starts the periodic offsets retention check (every offsets.retention.check.interval.ms).
     */
    public void start() {
        scheduleRetention();
    }

    private void scheduleRetention() {
        if (!closed) {
            retentionTimeout = timer.schedule(config.offsetsRetentionCheckIntervalMs(), () -> {
                try {
                    expireOffsets();
                } finally {
                    scheduleRetention();
                }
            });
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Partition ownership: load and unload
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Becomes the coordinator of one partition of {@code __consumer_offsets}: replays its log from the log start
     * offset (offset and group records; tombstones delete), then serves its groups. Requests for its groups answer
     * COORDINATOR_LOAD_IN_PROGRESS meanwhile. Loaded groups with members are Stable in their stored generation, and
     * each member must heartbeat within its session timeout, as in Kafka.
     *
     * @param log the partition's log.
     * @throws IOException when the log cannot be read or holds a record Keel cannot decode (with its offset).
     */
    public void loadPartition(final OffsetsLog log) throws IOException {
        final int partitionId = log.partition();
        final OffsetsPartition partition = new OffsetsPartition(log);
        if (partitions.putIfAbsent(partitionId, partition) != null) {
            throw new IllegalStateException("__consumer_offsets partition " + partitionId + " is already loaded");
        }
        try {
            final long startNs = time.nanoseconds();
            final OffsetsReplay replay = OffsetsReplay.replay(log, LOAD_READ_BYTES);
            final long nowMs = time.milliseconds();
            for (final OffsetsReplay.LoadedGroup loaded : replay.groups().values()) {
                final ClassicGroup group = loaded.toGroup(partition);
                if (group == null) {
                    continue;
                }
                group.lock.lock();
                try {
                    partition.groups.put(group.groupId, group);
                    for (final GroupMember member : group.members.values()) {
                        scheduleHeartbeat(group, member, member.sessionTimeoutMs);
                    }
                } finally {
                    group.lock.unlock();
                }
            }
            partition.loading = false;
            LOG.info("Loaded __consumer_offsets-{}: {} groups from {} records in {} ms (log {} bytes, now {})",
                partitionId, partition.groups.size(), replay.records(), (time.nanoseconds() - startNs) / 1_000_000L,
                log.sizeInBytes(), nowMs);
        } catch (final IOException | RuntimeException ex) {
            partitions.remove(partitionId, partition);
            throw ex;
        }
    }

    /**
     * Stops coordinating one partition (leadership moved, shutdown): its groups become Dead here, parked joins and
     * syncs answer NOT_COORDINATOR, and their timers are cancelled. The log is not touched.
     *
     * @param partitionId the partition of {@code __consumer_offsets}.
     */
    public void unloadPartition(final int partitionId) {
        final OffsetsPartition partition = partitions.remove(partitionId);
        if (partition == null) {
            return;
        }
        for (final ClassicGroup group : partition.groups.values()) {
            group.lock.lock();
            try {
                failParked(group, GroupErrors.NOT_COORDINATOR);
                cancelGroupTimers(group);
                group.state = GroupState.DEAD;
            } finally {
                group.lock.unlock();
            }
        }
        partition.groups.clear();
        LOG.info("Unloaded __consumer_offsets-{}", partitionId);
    }

    /**
     * @param partitionId a partition of {@code __consumer_offsets}.
     * @return true when this coordinator has loaded it.
     */
    public boolean isLoaded(final int partitionId) {
        final OffsetsPartition partition = partitions.get(partitionId);
        return partition != null && !partition.loading;
    }

    // ---------------------------------------------------------------------------------------------------------
    // JoinGroup
    // ---------------------------------------------------------------------------------------------------------

    /**
     * JoinGroup. The completion runs when the join phase of the rebalance completes (all known members rejoined,
     * the rebalance timeout passed, or group.initial.rebalance.delay.ms for the first join of an empty group), or at
     * once for an error, MEMBER_ID_REQUIRED, or a rejoin that needs no rebalance.
     *
     * @param request    the request.
     * @param completion receives the result exactly once.
     */
    public void joinGroup(final JoinGroupRequest request, final Completion<JoinGroupResult> completion) {
        final String memberId = request.memberId() == null ? "" : request.memberId();
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            deliver(completion, JoinGroupResult.error(GroupErrors.INVALID_GROUP_ID, memberId));
            return;
        }
        final short status = partitionStatus(groupId);
        if (status != GroupErrors.NONE) {
            deliver(completion, JoinGroupResult.error(status, memberId));
            return;
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
            || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            deliver(completion, JoinGroupResult.error(GroupErrors.INVALID_SESSION_TIMEOUT, memberId));
            return;
        }
        long metadataBytes = 0;
        for (final Protocol protocol : request.protocols()) {
            metadataBytes += protocol.metadata().length;
        }
        if (metadataBytes > config.maxMemberMetadataBytes()) {
            // Kafka has no such limit and fails later, storing a group record over max.message.bytes; Keel refuses
            // the join itself so that one client cannot make every rebalance of its group fail
            deliver(completion, JoinGroupResult.error(GroupErrors.INVALID_REQUEST, memberId));
            return;
        }
        if (request.protocolType() == null || request.protocolType().isEmpty() || request.protocols().isEmpty()) {
            deliver(completion, JoinGroupResult.error(GroupErrors.INCONSISTENT_GROUP_PROTOCOL, memberId));
            return;
        }
        final boolean isUnknownMember = memberId.isEmpty();
        final ClassicGroup group = isUnknownMember ? getOrCreateGroup(groupId) : group(groupId);
        if (group == null) {
            deliver(completion, JoinGroupResult.error(isUnknownMember ? GroupErrors.NOT_COORDINATOR
                : GroupErrors.UNKNOWN_MEMBER_ID, memberId));
            return;
        }
        group.lock.lock();
        try {
            if (group.state == GroupState.DEAD) {
                // removed meanwhile (deleted, expired, unloaded): the client finds the coordinator again and retries
                deliver(completion, JoinGroupResult.error(GroupErrors.COORDINATOR_NOT_AVAILABLE, memberId));
            } else if (!acceptJoiningMember(group, memberId)) {
                // as Kafka: a known member over the limit (group.max.size lowered, or too many rejoined first) leaves
                final GroupMember refused = group.members.get(memberId);
                if (refused != null) {
                    answerRemovedMember(refused);
                    group.remove(memberId);
                }
                deliver(completion, JoinGroupResult.error(GroupErrors.GROUP_MAX_SIZE_REACHED, ""));
            } else if (!group.supportsProtocols(request.protocolType(), request.protocols())) {
                deliver(completion, JoinGroupResult.error(GroupErrors.INCONSISTENT_GROUP_PROTOCOL, memberId));
            } else if (isUnknownMember) {
                joinNewMember(group, request, completion);
            } else {
                joinCurrentMember(group, memberId, request, completion);
            }
            if (group.state == GroupState.PREPARING_REBALANCE) {
                maybeCompleteJoin(group);
            }
        } finally {
            group.lock.unlock();
        }
        maybeSnapshot(group.partition);
    }

    private boolean acceptJoiningMember(final ClassicGroup group, final String memberId) {
        switch (group.state) {
            case EMPTY:
            case DEAD:
                return true;
            case PREPARING_REBALANCE: {
                final GroupMember member = group.members.get(memberId);
                return (member != null && member.isAwaitingJoin()) || group.numAwaitingJoin() < config.maxSize();
            }
            default:
                return group.has(memberId) || group.members.size() < config.maxSize();
        }
    }

    private void joinNewMember(final ClassicGroup group, final JoinGroupRequest request,
                               final Completion<JoinGroupResult> completion) {
        final String prefix = request.groupInstanceId() != null ? request.groupInstanceId() : request.clientId();
        final String newMemberId = prefix + "-" + UUID.randomUUID();
        if (request.groupInstanceId() != null) {
            final String oldMemberId = group.staticMembers.get(request.groupInstanceId());
            if (oldMemberId != null) {
                replaceStaticMember(group, oldMemberId, newMemberId, request, completion);
            } else {
                addMemberAndRebalance(group, newMemberId, request, completion);
            }
        } else if (request.requireKnownMemberId()) {
            // KIP-394: the member must come back with this id; until then the rebalance waits for it
            group.pendingMembers.put(newMemberId, timer.schedule(request.sessionTimeoutMs(),
                () -> onPendingMemberExpired(group, newMemberId)));
            deliver(completion, JoinGroupResult.error(GroupErrors.MEMBER_ID_REQUIRED, newMemberId));
        } else {
            addMemberAndRebalance(group, newMemberId, request, completion);
        }
    }

    private void joinCurrentMember(final ClassicGroup group, final String memberId, final JoinGroupRequest request,
                                   final Completion<JoinGroupResult> completion) {
        final Timer.Timeout pending = group.pendingMembers.remove(memberId);
        if (pending != null) {
            pending.cancel();
            addMemberAndRebalance(group, memberId, request, completion);
            return;
        }
        final String instanceId = request.groupInstanceId();
        if (group.isStaticMemberFenced(instanceId, memberId)) {
            deliver(completion, JoinGroupResult.error(GroupErrors.FENCED_INSTANCE_ID, memberId));
            return;
        }
        final GroupMember member = group.members.get(memberId);
        if (member == null || (instanceId != null && !group.staticMembers.containsKey(instanceId))) {
            deliver(completion, JoinGroupResult.error(GroupErrors.UNKNOWN_MEMBER_ID, memberId));
            return;
        }
        switch (group.state) {
            case PREPARING_REBALANCE:
                updateMemberAndRebalance(group, member, request, completion);
                break;
            case COMPLETING_REBALANCE:
                if (member.matches(request.protocols())) {
                    // the member lost its JoinGroup response: give it this generation again
                    deliver(completion, joinResult(group, member, false));
                } else {
                    updateMemberAndRebalance(group, member, request, completion);
                }
                break;
            case STABLE:
                if (group.isLeader(memberId) || !member.matches(request.protocols())) {
                    updateMemberAndRebalance(group, member, request, completion);
                } else {
                    deliver(completion, joinResult(group, member, false));
                }
                break;
            default:
                deliver(completion, JoinGroupResult.error(GroupErrors.UNKNOWN_MEMBER_ID, memberId));
                break;
        }
    }

    /**
     * KIP-345: a static member rejoins with a new member id. The new id takes the old member's place (and its
     * assignment); a parked request of the old id is fenced. In a Stable group whose selected protocol stays the same
     * with the member's new protocols, no rebalance happens: once the group record with the new id is stored, the
     * member gets the current generation back. A JoinGroup v9+ leader gets the members with skipAssignment (KIP-814);
     * older callers get no members and the leader id from before the replacement, so that a rejoining leader acts as
     * a follower and does not compute an assignment the Stable group would ignore (Kafka's rule).
     */
    private void replaceStaticMember(final ClassicGroup group, final String oldMemberId, final String newMemberId,
                                     final JoinGroupRequest request, final Completion<JoinGroupResult> completion) {
        final String currentLeader = group.leaderId == null ? "" : group.leaderId;
        final GroupMember old = group.members.get(oldMemberId);
        final GroupMember member = swapMember(group, old, newMemberId);
        final List<Protocol> oldProtocols = member.protocols;
        final int oldRebalanceTimeoutMs = member.rebalanceTimeoutMs;
        final int oldSessionTimeoutMs = member.sessionTimeoutMs;
        switch (group.state) {
            case STABLE: {
                member.protocols = request.protocols();
                member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
                member.sessionTimeoutMs = request.sessionTimeoutMs();
                if (!group.selectProtocol().equals(group.protocolName)) {
                    updateMemberAndRebalance(group, member, request, completion);
                    return;
                }
                scheduleHeartbeat(group, member, member.sessionTimeoutMs);
                final int generation = group.generationId;
                storeGroup(group, null, error -> {
                    if (error == GroupErrors.NONE) {
                        deliver(completion, request.supportsSkipAssignment()
                            ? joinResult(group, member, group.isLeader(newMemberId))
                            : new JoinGroupResult(GroupErrors.NONE, newMemberId, generation, group.protocolType,
                                group.protocolName, currentLeader, false, List.of()));
                        return;
                    }
                    // the new id is not durable: restore the old member, as Kafka does, and fail this join
                    if (group.members.get(newMemberId) == member && group.generationId == generation) {
                        final GroupMember restored = swapMember(group, member, oldMemberId);
                        restored.protocols = oldProtocols;
                        restored.rebalanceTimeoutMs = oldRebalanceTimeoutMs;
                        restored.sessionTimeoutMs = oldSessionTimeoutMs;
                        scheduleHeartbeat(group, restored, restored.sessionTimeoutMs);
                    }
                    deliver(completion, new JoinGroupResult(error, "", generation, group.protocolType,
                        group.protocolName, currentLeader, false, List.of()));
                });
                break;
            }
            case COMPLETING_REBALANCE:
            case PREPARING_REBALANCE:
                // in CompletingRebalance the leader may already be assigning to the old id: rebalance again
                updateMemberAndRebalance(group, member, request, completion);
                break;
            default:
                throw new IllegalStateException("static member " + request.groupInstanceId() + " of group "
                    + group.groupId + " is known while the group is " + group.state);
        }
    }

    /**
     * Moves a member to a new member id, keeping its place, role and assignment; fences its parked requests.
     */
    private GroupMember swapMember(final ClassicGroup group, final GroupMember old, final String newMemberId) {
        if (old.joinCompletion != null) {
            final Completion<JoinGroupResult> fenced = old.joinCompletion;
            old.joinCompletion = null;
            deliver(fenced, JoinGroupResult.error(GroupErrors.FENCED_INSTANCE_ID, old.memberId));
        }
        if (old.syncCompletion != null) {
            final Completion<SyncGroupResult> fenced = old.syncCompletion;
            old.syncCompletion = null;
            deliver(fenced, SyncGroupResult.error(GroupErrors.FENCED_INSTANCE_ID));
        }
        old.cancelHeartbeat();
        final GroupMember member = new GroupMember(newMemberId, old.groupInstanceId, old.clientId, old.clientHost,
            old.rebalanceTimeoutMs, old.sessionTimeoutMs, old.protocols);
        member.assignment = old.assignment;
        // rebuild the member map in the same order, with the new id in the old one's place
        final List<GroupMember> ordered = new ArrayList<>(group.members.values());
        group.members.clear();
        for (final GroupMember each : ordered) {
            group.members.put(each == old ? newMemberId : each.memberId, each == old ? member : each);
        }
        if (group.isLeader(old.memberId)) {
            group.leaderId = newMemberId;
        }
        if (group.pendingSyncMembers.remove(old.memberId)) {
            group.pendingSyncMembers.add(newMemberId);
        }
        group.staticMembers.put(old.groupInstanceId, newMemberId);
        return member;
    }

    private void addMemberAndRebalance(final ClassicGroup group, final String memberId,
                                       final JoinGroupRequest request, final Completion<JoinGroupResult> completion) {
        final GroupMember member = new GroupMember(memberId, request.groupInstanceId(), request.clientId(),
            request.clientHost(), request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), request.protocols());
        member.isNew = true;
        if (group.state == GroupState.PREPARING_REBALANCE && group.generationId == 0) {
            group.newMemberAdded = true;
        }
        group.add(member, request.protocolType());
        member.joinCompletion = completion;
        scheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
        if (request.groupInstanceId() != null) {
            group.staticMembers.put(request.groupInstanceId(), memberId);
        }
        maybePrepareRebalance(group);
    }

    private void updateMemberAndRebalance(final ClassicGroup group, final GroupMember member,
                                          final JoinGroupRequest request,
                                          final Completion<JoinGroupResult> completion) {
        member.protocols = request.protocols();
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        member.sessionTimeoutMs = request.sessionTimeoutMs();
        if (member.joinCompletion != null) {
            // a duplicate join (the client gave up on the first): the older request is answered, never dropped
            deliver(member.joinCompletion, JoinGroupResult.error(GroupErrors.REBALANCE_IN_PROGRESS,
                member.memberId));
        }
        member.joinCompletion = completion;
        maybePrepareRebalance(group);
    }

    private void maybePrepareRebalance(final ClassicGroup group) {
        if (group.state == GroupState.STABLE || group.state == GroupState.COMPLETING_REBALANCE
            || group.state == GroupState.EMPTY) {
            prepareRebalance(group);
        }
    }

    private void prepareRebalance(final ClassicGroup group) {
        if (group.state == GroupState.COMPLETING_REBALANCE) {
            resetAndPropagateAssignmentError(group, GroupErrors.REBALANCE_IN_PROGRESS);
        }
        cancelSyncTimeout(group);
        final boolean wasEmpty = group.state == GroupState.EMPTY;
        group.state = GroupState.PREPARING_REBALANCE;
        final int initialDelayMs = config.initialRebalanceDelayMs();
        if (wasEmpty && initialDelayMs > 0) {
            group.initialDelayPhase = true;
            group.newMemberAdded = false;
            scheduleInitialDelay(group, initialDelayMs, Math.max(group.rebalanceTimeoutMs() - initialDelayMs, 0));
        } else {
            group.initialDelayPhase = false;
            scheduleJoinTimeout(group, group.rebalanceTimeoutMs());
            maybeCompleteJoin(group);
        }
    }

    private void scheduleInitialDelay(final ClassicGroup group, final int delayMs, final int remainingMs) {
        cancelJoinTimeout(group);
        final long sequence = group.joinSequence;
        group.joinTimeout = timer.schedule(delayMs, () -> {
            group.lock.lock();
            try {
                if (sequence != group.joinSequence || group.state != GroupState.PREPARING_REBALANCE) {
                    return;
                }
                if (group.newMemberAdded && remainingMs != 0) {
                    // Kafka's InitialDelayedJoin: members keep arriving, wait another delay within the rebalance
                    // timeout
                    group.newMemberAdded = false;
                    final int next = Math.min(config.initialRebalanceDelayMs(), remainingMs);
                    scheduleInitialDelay(group, next, Math.max(remainingMs - next, 0));
                } else {
                    group.initialDelayPhase = false;
                    completeJoin(group);
                }
            } finally {
                group.lock.unlock();
            }
            maybeSnapshot(group.partition);
        });
    }

    private void scheduleJoinTimeout(final ClassicGroup group, final int timeoutMs) {
        cancelJoinTimeout(group);
        final long sequence = group.joinSequence;
        group.joinTimeout = timer.schedule(timeoutMs, () -> {
            group.lock.lock();
            try {
                if (sequence == group.joinSequence && group.state == GroupState.PREPARING_REBALANCE) {
                    completeJoin(group);
                }
            } finally {
                group.lock.unlock();
            }
            maybeSnapshot(group.partition);
        });
    }

    private void cancelJoinTimeout(final ClassicGroup group) {
        group.joinSequence++;
        if (group.joinTimeout != null) {
            group.joinTimeout.cancel();
            group.joinTimeout = null;
        }
    }

    private void maybeCompleteJoin(final ClassicGroup group) {
        if (group.state == GroupState.PREPARING_REBALANCE && !group.initialDelayPhase
            && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /**
     * Kafka's onCompleteJoin: dynamic members that did not rejoin are removed; if nobody rejoined yet the join phase
     * waits another rebalance timeout; otherwise the next generation starts and every joined member gets its
     * response (the leader with every member's metadata).
     */
    private void completeJoin(final ClassicGroup group) {
        cancelJoinTimeout(group);
        for (final GroupMember member : new ArrayList<>(group.members.values())) {
            if (!member.isAwaitingJoin() && member.groupInstanceId == null) {
                group.remove(member.memberId);
            }
        }
        if (!group.maybeElectNewJoinedLeader() && !group.members.isEmpty()) {
            scheduleJoinTimeout(group, group.rebalanceTimeoutMs());
            return;
        }
        group.initNextGeneration(time.milliseconds());
        if (group.state == GroupState.EMPTY) {
            storeGroup(group, null, error -> {
            });
            return;
        }
        for (final GroupMember member : group.members.values()) {
            final JoinGroupResult result = joinResult(group, member, false);
            final Completion<JoinGroupResult> completion = member.joinCompletion;
            member.joinCompletion = null;
            member.isNew = false;
            scheduleHeartbeat(group, member, member.sessionTimeoutMs);
            group.pendingSyncMembers.add(member.memberId);
            if (completion != null) {
                deliver(completion, result);
            }
        }
        scheduleSyncTimeout(group);
    }

    private JoinGroupResult joinResult(final ClassicGroup group, final GroupMember member,
                                       final boolean skipAssignment) {
        final boolean leader = group.isLeader(member.memberId);
        return new JoinGroupResult(GroupErrors.NONE, member.memberId, group.generationId, group.protocolType,
            group.protocolName, group.leaderId == null ? "" : group.leaderId, skipAssignment,
            leader ? group.currentMemberMetadata() : List.of());
    }

    /**
     * Members that got their JoinGroup response must send SyncGroup within the rebalance timeout; those that do not
     * are removed and the group rebalances (Kafka's pending-sync expiry, KAFKA-13766 ... since 3.2).
     */
    private void scheduleSyncTimeout(final ClassicGroup group) {
        cancelSyncTimeout(group);
        final long sequence = group.syncSequence;
        final int generation = group.generationId;
        group.syncTimeout = timer.schedule(group.rebalanceTimeoutMs(), () -> {
            group.lock.lock();
            try {
                if (sequence != group.syncSequence || generation != group.generationId
                    || (group.state != GroupState.COMPLETING_REBALANCE && group.state != GroupState.STABLE)
                    || group.pendingSyncMembers.isEmpty()) {
                    return;
                }
                for (final String memberId : new ArrayList<>(group.pendingSyncMembers)) {
                    final GroupMember member = group.members.get(memberId);
                    if (member != null) {
                        answerRemovedMember(member);
                        group.remove(memberId);
                    }
                }
                group.pendingSyncMembers.clear();
                maybePrepareRebalance(group);
            } finally {
                group.lock.unlock();
            }
            maybeSnapshot(group.partition);
        });
    }

    private void cancelSyncTimeout(final ClassicGroup group) {
        group.syncSequence++;
        if (group.syncTimeout != null) {
            group.syncTimeout.cancel();
            group.syncTimeout = null;
        }
    }

    private void onPendingMemberExpired(final ClassicGroup group, final String memberId) {
        group.lock.lock();
        try {
            if (group.pendingMembers.remove(memberId) != null && group.state == GroupState.PREPARING_REBALANCE) {
                maybeCompleteJoin(group);
            }
        } finally {
            group.lock.unlock();
        }
        maybeSnapshot(group.partition);
    }

    // ---------------------------------------------------------------------------------------------------------
    // SyncGroup
    // ---------------------------------------------------------------------------------------------------------

    /**
     * SyncGroup. The leader's call stores the generation's assignment and then completes every parked SyncGroup;
     * followers wait for it. In a Stable group, the member's current assignment is returned at once.
     *
     * @param request    the request.
     * @param completion receives the result exactly once.
     */
    public void syncGroup(final SyncGroupRequest request, final Completion<SyncGroupResult> completion) {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            deliver(completion, SyncGroupResult.error(GroupErrors.INVALID_GROUP_ID));
            return;
        }
        final short status = partitionStatus(groupId);
        if (status != GroupErrors.NONE) {
            deliver(completion, SyncGroupResult.error(status));
            return;
        }
        final ClassicGroup group = group(groupId);
        if (group == null) {
            deliver(completion, SyncGroupResult.error(GroupErrors.UNKNOWN_MEMBER_ID));
            return;
        }
        final String memberId = request.memberId();
        group.lock.lock();
        try {
            if (group.state == GroupState.DEAD) {
                deliver(completion, SyncGroupResult.error(GroupErrors.COORDINATOR_NOT_AVAILABLE));
            } else if (group.validateMember(memberId, request.groupInstanceId()) != GroupErrors.NONE) {
                deliver(completion, SyncGroupResult.error(group.validateMember(memberId, request.groupInstanceId())));
            } else if (request.generationId() != group.generationId) {
                deliver(completion, SyncGroupResult.error(GroupErrors.ILLEGAL_GENERATION));
            } else if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType))
                || (request.protocolName() != null && !request.protocolName().equals(group.protocolName))) {
                deliver(completion, SyncGroupResult.error(GroupErrors.INCONSISTENT_GROUP_PROTOCOL));
            } else {
                syncMember(group, group.members.get(memberId), request, completion);
            }
        } finally {
            group.lock.unlock();
        }
        maybeSnapshot(group.partition);
    }

    private void syncMember(final ClassicGroup group, final GroupMember member, final SyncGroupRequest request,
                            final Completion<SyncGroupResult> completion) {
        switch (group.state) {
            case EMPTY:
                deliver(completion, SyncGroupResult.error(GroupErrors.UNKNOWN_MEMBER_ID));
                break;
            case PREPARING_REBALANCE:
                deliver(completion, SyncGroupResult.error(GroupErrors.REBALANCE_IN_PROGRESS));
                break;
            case COMPLETING_REBALANCE: {
                if (member.syncCompletion != null) {
                    deliver(member.syncCompletion, SyncGroupResult.error(GroupErrors.REBALANCE_IN_PROGRESS));
                }
                member.syncCompletion = completion;
                removePendingSyncMember(group, member.memberId);
                if (group.isLeader(member.memberId)) {
                    final Map<String, byte[]> assignment = new HashMap<>();
                    for (final String id : group.members.keySet()) {
                        final byte[] bytes = request.assignments().get(id);
                        assignment.put(id, bytes == null ? GroupMember.EMPTY : bytes);
                    }
                    final int generation = group.generationId;
                    storeGroup(group, assignment, error -> {
                        // another member may have joined while the append was in flight: act only on this generation
                        if (group.state == GroupState.COMPLETING_REBALANCE && group.generationId == generation) {
                            if (error != GroupErrors.NONE) {
                                resetAndPropagateAssignmentError(group, error);
                                maybePrepareRebalance(group);
                            } else {
                                setAndPropagateAssignment(group, assignment);
                                group.state = GroupState.STABLE;
                            }
                        }
                    });
                }
                break;
            }
            case STABLE:
                removePendingSyncMember(group, member.memberId);
                scheduleHeartbeat(group, member, member.sessionTimeoutMs);
                deliver(completion, new SyncGroupResult(GroupErrors.NONE, group.protocolType, group.protocolName,
                    member.assignment));
                break;
            default:
                throw new IllegalStateException("group " + group.groupId + " in state " + group.state);
        }
    }

    private void removePendingSyncMember(final ClassicGroup group, final String memberId) {
        group.pendingSyncMembers.remove(memberId);
        if (group.pendingSyncMembers.isEmpty()) {
            cancelSyncTimeout(group);
        }
    }

    private void setAndPropagateAssignment(final ClassicGroup group, final Map<String, byte[]> assignment) {
        for (final GroupMember member : group.members.values()) {
            final byte[] bytes = assignment.get(member.memberId);
            member.assignment = bytes == null ? GroupMember.EMPTY : bytes;
            if (member.syncCompletion != null) {
                final Completion<SyncGroupResult> completion = member.syncCompletion;
                member.syncCompletion = null;
                scheduleHeartbeat(group, member, member.sessionTimeoutMs);
                deliver(completion, new SyncGroupResult(GroupErrors.NONE, group.protocolType, group.protocolName,
                    member.assignment));
            }
        }
    }

    private void resetAndPropagateAssignmentError(final ClassicGroup group, final short error) {
        for (final GroupMember member : group.members.values()) {
            member.assignment = GroupMember.EMPTY;
            if (member.syncCompletion != null) {
                final Completion<SyncGroupResult> completion = member.syncCompletion;
                member.syncCompletion = null;
                scheduleHeartbeat(group, member, member.sessionTimeoutMs);
                deliver(completion, SyncGroupResult.error(error));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Heartbeat, LeaveGroup, session expiry
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Heartbeat: keeps the member's session alive. As Kafka's classic coordinator: REBALANCE_IN_PROGRESS while the
     * group is PreparingRebalance (the member must rejoin); NONE while CompletingRebalance (consumers heartbeat
     * between their JoinGroup answer and their SyncGroup, and those are ordinary heartbeats) and Stable.
     *
     * @param groupId         the group.
     * @param memberId        the member.
     * @param groupInstanceId the static member's instance id, or null.
     * @param generationId    the member's generation.
     * @return a {@link GroupErrors} code.
     */
    public short heartbeat(final String groupId, final String memberId, final String groupInstanceId,
                           final int generationId) {
        if (groupId == null || groupId.isEmpty()) {
            return GroupErrors.INVALID_GROUP_ID;
        }
        final short status = partitionStatus(groupId);
        if (status != GroupErrors.NONE) {
            return status;
        }
        final ClassicGroup group = group(groupId);
        if (group == null) {
            return GroupErrors.UNKNOWN_MEMBER_ID;
        }
        group.lock.lock();
        try {
            if (group.state == GroupState.DEAD) {
                return GroupErrors.COORDINATOR_NOT_AVAILABLE;
            }
            final short memberError = group.validateMember(memberId, groupInstanceId);
            if (memberError != GroupErrors.NONE) {
                return memberError;
            }
            final GroupMember member = group.members.get(memberId);
            if (generationId != group.generationId) {
                return GroupErrors.ILLEGAL_GENERATION;
            }
            switch (group.state) {
                case EMPTY:
                    return GroupErrors.UNKNOWN_MEMBER_ID;
                case PREPARING_REBALANCE:
                    scheduleHeartbeat(group, member, member.sessionTimeoutMs);
                    return GroupErrors.REBALANCE_IN_PROGRESS;
                default:
                    scheduleHeartbeat(group, member, member.sessionTimeoutMs);
                    return GroupErrors.NONE;
            }
        } finally {
            group.lock.unlock();
        }
    }

    /**
     * LeaveGroup: removes members at once (and rebalances the rest). A member given by instance id alone (member id
     * "") is the static member's current id (KIP-345 administrative removal).
     *
     * @param groupId the group.
     * @param leaving the members; v0-v2 callers pass one.
     * @return the top-level code and one code per member.
     */
    public LeaveGroupResult leaveGroup(final String groupId, final List<MemberIdentity> leaving) {
        if (groupId == null || groupId.isEmpty()) {
            return new LeaveGroupResult(GroupErrors.INVALID_GROUP_ID, List.of());
        }
        final short status = partitionStatus(groupId);
        if (status != GroupErrors.NONE) {
            return new LeaveGroupResult(status, List.of());
        }
        final ClassicGroup group = group(groupId);
        final List<Short> errors = new ArrayList<>(leaving.size());
        if (group == null) {
            for (int i = 0; i < leaving.size(); i++) {
                errors.add(GroupErrors.UNKNOWN_MEMBER_ID);
            }
            return new LeaveGroupResult(GroupErrors.NONE, errors);
        }
        group.lock.lock();
        try {
            if (group.state == GroupState.DEAD) {
                return new LeaveGroupResult(GroupErrors.COORDINATOR_NOT_AVAILABLE, List.of());
            }
            for (final MemberIdentity identity : leaving) {
                errors.add(leaveMember(group, identity));
            }
        } finally {
            group.lock.unlock();
        }
        maybeSnapshot(group.partition);
        return new LeaveGroupResult(GroupErrors.NONE, errors);
    }

    private short leaveMember(final ClassicGroup group, final MemberIdentity identity) {
        final String memberId = identity.memberId() == null ? "" : identity.memberId();
        final String instanceId = identity.groupInstanceId();
        if (memberId.isEmpty()) {
            final String current = instanceId == null ? null : group.staticMembers.get(instanceId);
            if (current == null) {
                return GroupErrors.UNKNOWN_MEMBER_ID;
            }
            removeMemberAndUpdateGroup(group, group.members.get(current));
            return GroupErrors.NONE;
        }
        final Timer.Timeout pending = group.pendingMembers.remove(memberId);
        if (pending != null) {
            pending.cancel();
            maybeCompleteJoin(group);
            return GroupErrors.NONE;
        }
        if (group.isStaticMemberFenced(instanceId, memberId)) {
            return GroupErrors.FENCED_INSTANCE_ID;
        }
        final GroupMember member = group.members.get(memberId);
        if (member == null) {
            return GroupErrors.UNKNOWN_MEMBER_ID;
        }
        removeMemberAndUpdateGroup(group, member);
        return GroupErrors.NONE;
    }

    private void removeMemberAndUpdateGroup(final ClassicGroup group, final GroupMember member) {
        answerRemovedMember(member);
        group.remove(member.memberId);
        switch (group.state) {
            case STABLE:
            case COMPLETING_REBALANCE:
                maybePrepareRebalance(group);
                break;
            case PREPARING_REBALANCE:
                maybeCompleteJoin(group);
                break;
            default:
                break;
        }
    }

    private static void answerRemovedMember(final GroupMember member) {
        if (member.joinCompletion != null) {
            final Completion<JoinGroupResult> completion = member.joinCompletion;
            member.joinCompletion = null;
            deliver(completion, JoinGroupResult.error(GroupErrors.UNKNOWN_MEMBER_ID, member.memberId));
        }
        if (member.syncCompletion != null) {
            final Completion<SyncGroupResult> completion = member.syncCompletion;
            member.syncCompletion = null;
            deliver(completion, SyncGroupResult.error(GroupErrors.UNKNOWN_MEMBER_ID));
        }
    }

    private void scheduleHeartbeat(final ClassicGroup group, final GroupMember member, final int timeoutMs) {
        member.cancelHeartbeat();
        final long sequence = member.heartbeatSequence;
        member.heartbeatTimeout = timer.schedule(timeoutMs, () -> onHeartbeatExpired(group, member, sequence));
    }

    private void onHeartbeatExpired(final ClassicGroup group, final GroupMember member, final long sequence) {
        group.lock.lock();
        try {
            if (sequence != member.heartbeatSequence || group.members.get(member.memberId) != member
                || group.state == GroupState.DEAD) {
                return;
            }
            // Kafka's hasSatisfiedHeartbeat: a member parked in JoinGroup or SyncGroup is alive (its deadline is
            // set again when the request completes); a new member that never completed a join is not
            if (!member.isNew && (member.isAwaitingJoin() || member.isAwaitingSync())) {
                member.heartbeatTimeout = null;
                return;
            }
            removeMemberAndUpdateGroup(group, member);
        } finally {
            group.lock.unlock();
        }
        maybeSnapshot(group.partition);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Offsets
    // ---------------------------------------------------------------------------------------------------------

    /**
     * OffsetCommit. Group members commit with their generation (Stable or PreparingRebalance: during a rebalance
     * the commit is still accepted, as Kafka does); generation -1 is a standalone commit, accepted only while the
     * group is Empty (a group that does not exist is created for it). The completion runs once the records are
     * appended; an offset is visible to OffsetFetch only then.
     *
     * <p>For a group that does not exist and a generation of 0 or more, the answer is GROUP_ID_NOT_FOUND for every
     * partition; OffsetCommit v0-v8 callers must turn it into ILLEGAL_GENERATION, as Kafka does.
     *
     * @param request    the request.
     * @param completion receives one code per partition.
     */
    public void commitOffsets(final OffsetCommitRequest request, final Completion<PartitionErrors> completion) {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            deliver(completion, allPartitions(request.offsets().keySet(), GroupErrors.INVALID_GROUP_ID));
            return;
        }
        final short status = partitionStatus(groupId);
        if (status != GroupErrors.NONE) {
            deliver(completion, allPartitions(request.offsets().keySet(), status));
            return;
        }
        ClassicGroup group = group(groupId);
        if (group == null) {
            if (request.generationId() >= 0) {
                deliver(completion, allPartitions(request.offsets().keySet(), GroupErrors.GROUP_ID_NOT_FOUND));
                return;
            }
            group = getOrCreateGroup(groupId);
            if (group == null) {
                deliver(completion, allPartitions(request.offsets().keySet(), GroupErrors.NOT_COORDINATOR));
                return;
            }
        }
        final String memberId = request.memberId() == null ? "" : request.memberId();
        group.lock.lock();
        try {
            final short error = validateCommit(group, request, memberId);
            if (error != GroupErrors.NONE) {
                deliver(completion, allPartitions(request.offsets().keySet(), error));
            } else {
                appendOffsets(group, request.offsets(), completion);
            }
        } finally {
            group.lock.unlock();
        }
        maybeSnapshot(group.partition);
    }

    private short validateCommit(final ClassicGroup group, final OffsetCommitRequest request, final String memberId) {
        if (group.state == GroupState.DEAD) {
            return GroupErrors.COORDINATOR_NOT_AVAILABLE;
        }
        if (request.generationId() < 0 && group.state == GroupState.EMPTY) {
            return GroupErrors.NONE;
        }
        final short memberError = group.validateMember(memberId, request.groupInstanceId());
        if (memberError != GroupErrors.NONE) {
            return memberError;
        }
        final GroupMember member = group.members.get(memberId);
        if (request.generationId() != group.generationId) {
            return GroupErrors.ILLEGAL_GENERATION;
        }
        switch (group.state) {
            case STABLE:
            case PREPARING_REBALANCE:
                scheduleHeartbeat(group, member, member.sessionTimeoutMs);
                return GroupErrors.NONE;
            case COMPLETING_REBALANCE:
                return GroupErrors.REBALANCE_IN_PROGRESS;
            default:
                return GroupErrors.UNKNOWN_MEMBER_ID;
        }
    }

    private void appendOffsets(final ClassicGroup group, final Map<OffsetKey, OffsetAndMetadata> offsets,
                               final Completion<PartitionErrors> completion) {
        final long nowMs = time.milliseconds();
        final Map<OffsetKey, Short> errors = new LinkedHashMap<>();
        final Map<OffsetKey, ClassicGroup.PendingOffset> valid = new LinkedHashMap<>();
        for (final Map.Entry<OffsetKey, OffsetAndMetadata> entry : offsets.entrySet()) {
            final OffsetAndMetadata value = entry.getValue();
            final String metadata = value.metadata() == null ? "" : value.metadata();
            if (metadata.length() > config.offsetMetadataMaxBytes()) {
                errors.put(entry.getKey(), GroupErrors.OFFSET_METADATA_TOO_LARGE);
            } else {
                valid.put(entry.getKey(), new ClassicGroup.PendingOffset(
                    new OffsetAndMetadata(value.offset(), value.leaderEpoch(), metadata, nowMs)));
            }
        }
        if (valid.isEmpty()) {
            deliver(completion, new PartitionErrors(GroupErrors.NONE, errors));
            return;
        }
        final OffsetsBatch batch = new OffsetsBatch(nowMs);
        for (final Map.Entry<OffsetKey, ClassicGroup.PendingOffset> entry : valid.entrySet()) {
            final OffsetAndMetadata value = entry.getValue().value;
            batch.add(OffsetsRecordFormat.offsetKey(group.groupId, entry.getKey().topic(), entry.getKey().partition()),
                OffsetsRecordFormat.offsetValue(value.offset(), value.leaderEpoch(), value.metadata(),
                    value.commitTimestampMs()));
        }
        final OffsetsLog log = group.partition.log;
        if (batch.sizeInBytes() > log.maxBatchBytes()) {
            for (final OffsetKey key : valid.keySet()) {
                errors.put(key, GroupErrors.INVALID_COMMIT_OFFSET_SIZE);
            }
            deliver(completion, new PartitionErrors(GroupErrors.NONE, errors));
            return;
        }
        group.pendingOffsets.putAll(valid);
        log.append(batch.build(), (code, message) -> {
            final short error = commitError(code);
            group.lock.lock();
            try {
                for (final Map.Entry<OffsetKey, ClassicGroup.PendingOffset> entry : valid.entrySet()) {
                    if (group.pendingOffsets.get(entry.getKey()) == entry.getValue()) {
                        group.pendingOffsets.remove(entry.getKey());
                    }
                    if (error == GroupErrors.NONE && group.state != GroupState.DEAD) {
                        group.offsets.put(entry.getKey(), entry.getValue().value);
                    }
                    errors.put(entry.getKey(), error);
                }
            } finally {
                group.lock.unlock();
            }
            deliver(completion, new PartitionErrors(GroupErrors.NONE, errors));
        });
    }

    /**
     * OffsetFetch. Only appended commits are visible.
     *
     * @param groupId       the group.
     * @param partitionList the partitions, or null for every partition with a committed offset.
     * @return the offsets; a partition without one gets {@link OffsetAndMetadata#NONE}.
     */
    public OffsetFetchResult fetchOffsets(final String groupId, final List<OffsetKey> partitionList) {
        if (groupId == null || groupId.isEmpty()) {
            return new OffsetFetchResult(GroupErrors.INVALID_GROUP_ID, Map.of());
        }
        final short status = partitionStatus(groupId);
        if (status != GroupErrors.NONE) {
            return new OffsetFetchResult(status, Map.of());
        }
        final Map<OffsetKey, OffsetAndMetadata> result = new LinkedHashMap<>();
        final ClassicGroup group = group(groupId);
        if (group == null) {
            if (partitionList != null) {
                for (final OffsetKey key : partitionList) {
                    result.put(key, OffsetAndMetadata.NONE);
                }
            }
            return new OffsetFetchResult(GroupErrors.NONE, result);
        }
        group.lock.lock();
        try {
            final boolean dead = group.state == GroupState.DEAD;
            if (partitionList == null) {
                if (!dead) {
                    result.putAll(group.offsets);
                }
            } else {
                for (final OffsetKey key : partitionList) {
                    final OffsetAndMetadata value = dead ? null : group.offsets.get(key);
                    result.put(key, value == null ? OffsetAndMetadata.NONE : value);
                }
            }
        } finally {
            group.lock.unlock();
        }
        return new OffsetFetchResult(GroupErrors.NONE, result);
    }

    /**
     * OffsetDelete (KIP-496): deletes committed offsets of an Empty group, or of topics a consumer group does not
     * subscribe to (GROUP_SUBSCRIBED_TO_TOPIC for those it does). A non-empty group of another protocol type answers
     * NON_EMPTY_GROUP. Completes after the tombstones are appended.
     *
     * @param groupId       the group.
     * @param partitionList the partitions.
     * @param completion    receives the top-level code and one per partition.
     */
    public void deleteOffsets(final String groupId, final List<OffsetKey> partitionList,
                              final Completion<PartitionErrors> completion) {
        if (groupId == null || groupId.isEmpty()) {
            deliver(completion, new PartitionErrors(GroupErrors.INVALID_GROUP_ID, Map.of()));
            return;
        }
        final short status = partitionStatus(groupId);
        if (status != GroupErrors.NONE) {
            deliver(completion, new PartitionErrors(status, Map.of()));
            return;
        }
        final ClassicGroup group = group(groupId);
        if (group == null) {
            deliver(completion, new PartitionErrors(GroupErrors.GROUP_ID_NOT_FOUND, Map.of()));
            return;
        }
        group.lock.lock();
        try {
            if (group.state == GroupState.DEAD) {
                deliver(completion, new PartitionErrors(GroupErrors.GROUP_ID_NOT_FOUND, Map.of()));
                return;
            }
            final boolean consumerGroup = ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(group.protocolType);
            if (group.state != GroupState.EMPTY && !consumerGroup) {
                deliver(completion, new PartitionErrors(GroupErrors.NON_EMPTY_GROUP, Map.of()));
                return;
            }
            final Map<OffsetKey, Short> errors = new LinkedHashMap<>();
            final List<OffsetKey> deleted = new ArrayList<>();
            for (final OffsetKey key : partitionList) {
                if (group.state != GroupState.EMPTY && group.isSubscribedTo(key.topic())) {
                    errors.put(key, GroupErrors.GROUP_SUBSCRIBED_TO_TOPIC);
                } else {
                    errors.put(key, GroupErrors.NONE);
                    if (group.offsets.remove(key) != null | group.pendingOffsets.remove(key) != null) {
                        deleted.add(key);
                    }
                }
            }
            if (deleted.isEmpty()) {
                deliver(completion, new PartitionErrors(GroupErrors.NONE, errors));
                return;
            }
            final OffsetsBatch batch = new OffsetsBatch(time.milliseconds());
            for (final OffsetKey key : deleted) {
                batch.add(OffsetsRecordFormat.offsetKey(group.groupId, key.topic(), key.partition()), null);
            }
            appendBatches(group.partition.log, batch, code -> {
                final short error = groupError(code);
                deliver(completion, new PartitionErrors(error, error == GroupErrors.NONE ? errors : Map.of()));
            });
        } finally {
            group.lock.unlock();
        }
        maybeSnapshot(group.partition);
    }

    // ---------------------------------------------------------------------------------------------------------
    // ListGroups, DescribeGroups, DeleteGroups
    // ---------------------------------------------------------------------------------------------------------

    /**
     * ListGroups of every loaded partition (the protocol layer applies the v4+ state and v5+ type filters).
     *
     * @return the groups, Dead ones excluded.
     */
    public List<GroupListing> listGroups() {
        final List<GroupListing> listings = new ArrayList<>();
        for (final OffsetsPartition partition : partitions.values()) {
            if (partition.loading) {
                continue;
            }
            for (final ClassicGroup group : partition.groups.values()) {
                group.lock.lock();
                try {
                    if (group.state != GroupState.DEAD) {
                        listings.add(new GroupListing(group.groupId,
                            group.protocolType == null ? "" : group.protocolType, group.state));
                    }
                } finally {
                    group.lock.unlock();
                }
            }
        }
        return listings;
    }

    /**
     * DescribeGroups of one group. An unknown group is Dead with no error, as in Kafka.
     *
     * @param groupId the group.
     * @return its description.
     */
    public GroupDescription describeGroup(final String groupId) {
        final short status = groupId == null ? GroupErrors.INVALID_GROUP_ID : partitionStatus(groupId);
        if (status != GroupErrors.NONE) {
            return new GroupDescription(status, groupId, GroupState.DEAD, "", "", List.of());
        }
        final ClassicGroup group = group(groupId);
        if (group == null) {
            return new GroupDescription(GroupErrors.NONE, groupId, GroupState.DEAD, "", "", List.of());
        }
        group.lock.lock();
        try {
            final boolean stable = group.state == GroupState.STABLE;
            final List<GroupDescription.Member> members = new ArrayList<>(group.members.size());
            for (final GroupMember member : group.members.values()) {
                final byte[] metadata = stable ? member.metadata(group.protocolName) : null;
                members.add(new GroupDescription.Member(member.memberId, member.groupInstanceId, member.clientId,
                    member.clientHost, metadata == null ? GroupMember.EMPTY : metadata,
                    stable ? member.assignment : GroupMember.EMPTY));
            }
            return new GroupDescription(GroupErrors.NONE, groupId, group.state,
                group.protocolType == null ? "" : group.protocolType,
                stable && group.protocolName != null ? group.protocolName : "", members);
        } finally {
            group.lock.unlock();
        }
    }

    /**
     * DeleteGroups: only Empty groups; their offsets and metadata get tombstones. Completes after the appends.
     *
     * @param groupIds   the groups.
     * @param completion one code per group: NONE, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, NOT_COORDINATOR, ...
     */
    public void deleteGroups(final List<String> groupIds, final Completion<Map<String, Short>> completion) {
        final Map<String, Short> results = new ConcurrentHashMap<>();
        final int[] outstanding = {groupIds.size() + 1};
        final Runnable countDown = () -> {
            synchronized (outstanding) {
                if (--outstanding[0] != 0) {
                    return;
                }
            }
            final Map<String, Short> ordered = new LinkedHashMap<>();
            for (final String id : groupIds) {
                ordered.put(id, results.get(id));
            }
            deliver(completion, ordered);
        };
        for (final String groupId : groupIds) {
            deleteGroup(groupId, error -> {
                results.put(groupId, error);
                countDown.run();
            });
        }
        countDown.run();
    }

    private void deleteGroup(final String groupId, final Completion<Short> completion) {
        if (groupId == null || groupId.isEmpty()) {
            deliver(completion, GroupErrors.INVALID_GROUP_ID);
            return;
        }
        final short status = partitionStatus(groupId);
        if (status != GroupErrors.NONE) {
            deliver(completion, status);
            return;
        }
        final ClassicGroup group = group(groupId);
        if (group == null) {
            deliver(completion, GroupErrors.GROUP_ID_NOT_FOUND);
            return;
        }
        group.lock.lock();
        try {
            switch (group.state) {
                case DEAD:
                    deliver(completion, GroupErrors.GROUP_ID_NOT_FOUND);
                    break;
                case EMPTY:
                    removeGroup(group, code -> deliver(completion, groupError(code)));
                    break;
                default:
                    deliver(completion, GroupErrors.NON_EMPTY_GROUP);
                    break;
            }
        } finally {
            group.lock.unlock();
        }
        maybeSnapshot(group.partition);
    }

    /**
     * Marks an Empty group Dead and appends tombstones for its offsets and its metadata. The group leaves the map
     * only once the tombstones are appended: until then a new request for the id finds the Dead group and is told to
     * retry, so a new incarnation's records can never precede the old one's tombstones in the log.
     */
    private void removeGroup(final ClassicGroup group, final IntCompletion completion) {
        group.state = GroupState.DEAD;
        cancelGroupTimers(group);
        final OffsetsBatch batch = new OffsetsBatch(time.milliseconds());
        for (final OffsetKey key : group.offsetsAsLogged().keySet()) {
            batch.add(OffsetsRecordFormat.offsetKey(group.groupId, key.topic(), key.partition()), null);
        }
        batch.add(OffsetsRecordFormat.groupKey(group.groupId), null);
        group.offsets.clear();
        group.pendingOffsets.clear();
        appendBatches(group.partition.log, batch, code -> {
            group.partition.groups.remove(group.groupId, group);
            completion.onComplete(code);
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Offsets retention
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Runs the offsets retention check now (the timer runs it every offsets.retention.check.interval.ms). Kafka's
     * rule, offsets.retention.minutes after:
     * <ul>
     *   <li>an Empty group became Empty (its state timestamp), or the commit when that time is unknown: all offsets;
     *   <li>a standalone group's (no protocol type) commit: that offset;
     *   <li>a Stable consumer group's commit, for topics it no longer subscribes to: that offset.
     * </ul>
     * Other groups keep their offsets. Expired offsets get tombstones; an Empty group left with no offsets is
     * removed (Dead) with a group tombstone.
     *
     * @return the number of offsets expired.
     */
    public int expireOffsets() {
        int expired = 0;
        for (final OffsetsPartition partition : partitions.values()) {
            if (partition.loading) {
                continue;
            }
            for (final ClassicGroup group : partition.groups.values()) {
                group.lock.lock();
                try {
                    expired += expireGroupOffsets(group);
                } finally {
                    group.lock.unlock();
                }
            }
            maybeSnapshot(partition);
        }
        return expired;
    }

    private int expireGroupOffsets(final ClassicGroup group) {
        if (group.state == GroupState.DEAD) {
            return 0;
        }
        final long nowMs = time.milliseconds();
        final long retentionMs = config.offsetsRetentionMs();
        final List<OffsetKey> expired = new ArrayList<>();
        final boolean empty = group.state == GroupState.EMPTY;
        final boolean stableConsumer = group.state == GroupState.STABLE
            && ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(group.protocolType) && group.subscribedTopics != null;
        if (empty || stableConsumer) {
            for (final Map.Entry<OffsetKey, OffsetAndMetadata> entry : group.offsets.entrySet()) {
                if (group.pendingOffsets.containsKey(entry.getKey())) {
                    continue;
                }
                final long base;
                if (empty && group.protocolType != null && group.stateTimestampMs >= 0) {
                    base = group.stateTimestampMs;
                } else {
                    base = entry.getValue().commitTimestampMs();
                }
                if (stableConsumer && group.subscribedTopics.contains(entry.getKey().topic())) {
                    continue;
                }
                if (nowMs - base >= retentionMs) {
                    expired.add(entry.getKey());
                }
            }
        }
        for (final OffsetKey key : expired) {
            group.offsets.remove(key);
        }
        if (empty && group.offsets.isEmpty() && group.pendingOffsets.isEmpty()) {
            final OffsetsBatch batch = new OffsetsBatch(nowMs);
            for (final OffsetKey key : expired) {
                batch.add(OffsetsRecordFormat.offsetKey(group.groupId, key.topic(), key.partition()), null);
            }
            group.state = GroupState.DEAD;
            cancelGroupTimers(group);
            batch.add(OffsetsRecordFormat.groupKey(group.groupId), null);
            appendBatches(group.partition.log, batch, code -> group.partition.groups.remove(group.groupId, group));
        } else if (!expired.isEmpty()) {
            final OffsetsBatch batch = new OffsetsBatch(nowMs);
            for (final OffsetKey key : expired) {
                batch.add(OffsetsRecordFormat.offsetKey(group.groupId, key.topic(), key.partition()), null);
            }
            appendBatches(group.partition.log, batch, code -> {
            });
        }
        return expired.size();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Storage: group records, appends, snapshots
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Appends the group's metadata record (Kafka's storeGroup), with the given assignment or the members' current
     * ones. The callback runs holding the group's lock, with a {@link GroupErrors} code.
     */
    private void storeGroup(final ClassicGroup group, final Map<String, byte[]> assignment,
                            final Completion<Short> callback) {
        final byte[] value = OffsetsRecordFormat.groupValue(groupValue(group, assignment));
        final OffsetsBatch batch = new OffsetsBatch(time.milliseconds());
        batch.add(OffsetsRecordFormat.groupKey(group.groupId), value);
        if (batch.sizeInBytes() > group.partition.log.maxBatchBytes()) {
            // Kafka maps the log's MESSAGE_TOO_LARGE for a group record to UNKNOWN_SERVER_ERROR
            callback.onComplete(GroupErrors.UNKNOWN_SERVER_ERROR);
            return;
        }
        // the snapshot repeats what the log holds, not the live state: a reload must find the last stored generation
        // (as Kafka's does), never a rebalance in progress with no assignments
        final byte[] previous = group.storedGroupValue;
        group.storedGroupValue = value;
        group.partition.log.append(batch.build(), (code, message) -> {
            group.lock.lock();
            try {
                if (code != 0 && group.storedGroupValue == value) {
                    group.storedGroupValue = previous;
                }
                callback.onComplete(groupError(code));
            } finally {
                group.lock.unlock();
            }
        });
    }

    private static OffsetsRecordFormat.GroupValue groupValue(final ClassicGroup group,
                                                             final Map<String, byte[]> assignment) {
        final List<OffsetsRecordFormat.MemberValue> members = new ArrayList<>(group.members.size());
        for (final GroupMember member : group.members.values()) {
            final byte[] subscription = group.protocolName == null ? null : member.metadata(group.protocolName);
            final byte[] assigned = assignment == null ? member.assignment : assignment.get(member.memberId);
            members.add(new OffsetsRecordFormat.MemberValue(member.memberId, member.groupInstanceId, member.clientId,
                member.clientHost, member.rebalanceTimeoutMs, member.sessionTimeoutMs,
                subscription == null ? GroupMember.EMPTY : subscription,
                assigned == null ? GroupMember.EMPTY : assigned));
        }
        return new OffsetsRecordFormat.GroupValue(group.protocolType == null ? "" : group.protocolType,
            group.generationId, group.protocolName, group.leaderId, group.stateTimestampMs, members);
    }

    /**
     * Appends records that may need more than one batch (tombstones, snapshots); the completion gets the first
     * failure's Kafka code, or 0, once every batch is done.
     */
    private static void appendBatches(final OffsetsLog log, final OffsetsBatch records, final IntCompletion done) {
        final List<java.nio.ByteBuffer> batches = records.buildSplit(log.maxBatchBytes());
        final int[] state = {batches.size(), 0};
        for (final java.nio.ByteBuffer batch : batches) {
            log.append(batch, (code, message) -> {
                final boolean last;
                final int first;
                synchronized (state) {
                    if (code != 0 && state[1] == 0) {
                        state[1] = code;
                    }
                    last = --state[0] == 0;
                    first = state[1];
                }
                if (last) {
                    done.onComplete(first);
                }
            });
        }
    }

    /**
     * Keeps the partition's log bounded without log compaction: once the log is larger than
     * keel.offsets.snapshot.min.bytes and twice the live state written by the previous snapshot, roll a segment,
     * append the live state of every group (its metadata record and its offsets, in-flight commits included) and
     * advance the log start offset to where the snapshot began, deleting every older segment. Replaying from the new
     * start gives the same state: each group's snapshot is written under its lock, so anything appended for the group
     * before it is superseded by it and anything after it is replayed after it. Runs on the caller's thread, at most
     * one per partition at a time (others skip), never holding a group lock while taking another.
     */
    private void maybeSnapshot(final OffsetsPartition partition) {
        final OffsetsLog log = partition.log;
        if (partition.loading || log.sizeInBytes() <= Math.max(config.offsetsSnapshotMinBytes(),
            2 * partition.liveBytes)) {
            return;
        }
        if (!partition.snapshotting.compareAndSet(false, true)) {
            return;
        }
        final long snapshotStart = log.logEndOffset();
        final long sizeBefore = log.sizeInBytes();
        try {
            log.roll();
        } catch (final IOException | RuntimeException ex) {
            partition.snapshotting.set(false);
            LOG.warn("Snapshot of __consumer_offsets-{} could not roll; the log keeps its history", log.partition(),
                ex);
            return;
        }
        // one count for the issuing loop, one per appendBatches call: the last completion finishes the snapshot,
        // so the log start moves only once every snapshot record is durable (at once with a local log, at the high
        // watermark with a replicated one)
        final AtomicInteger outstanding = new AtomicInteger(1);
        final AtomicInteger failure = new AtomicInteger();
        final IntCompletion onAppended = code -> {
            if (code != 0) {
                failure.compareAndSet(0, code);
            }
            if (outstanding.decrementAndGet() == 0) {
                finishSnapshot(partition, snapshotStart, sizeBefore, failure.get());
            }
        };
        for (final ClassicGroup group : partition.groups.values()) {
            group.lock.lock();
            try {
                if (group.state == GroupState.DEAD) {
                    continue;
                }
                final OffsetsBatch batch = new OffsetsBatch(time.milliseconds());
                if (group.storedGroupValue != null) {
                    batch.add(OffsetsRecordFormat.groupKey(group.groupId), group.storedGroupValue);
                }
                for (final Map.Entry<OffsetKey, OffsetAndMetadata> entry : group.offsetsAsLogged().entrySet()) {
                    final OffsetAndMetadata value = entry.getValue();
                    batch.add(OffsetsRecordFormat.offsetKey(group.groupId, entry.getKey().topic(),
                        entry.getKey().partition()), OffsetsRecordFormat.offsetValue(value.offset(),
                        value.leaderEpoch(), value.metadata(), value.commitTimestampMs()));
                }
                if (!batch.isEmpty()) {
                    outstanding.incrementAndGet();
                    appendBatches(log, batch, onAppended);
                }
            } finally {
                group.lock.unlock();
            }
        }
        onAppended.onComplete(0);
    }

    private void finishSnapshot(final OffsetsPartition partition, final long snapshotStart, final long sizeBefore,
                                final int failure) {
        final OffsetsLog log = partition.log;
        try {
            if (failure != 0) {
                LOG.warn("Snapshot of __consumer_offsets-{} failed with error code {}; the log keeps its history",
                    log.partition(), failure);
                return;
            }
            final long sizeAfter = log.sizeInBytes();
            log.deleteRecordsBefore(snapshotStart);
            partition.liveBytes = Math.max(0L, sizeAfter - sizeBefore);
            partition.snapshots++;
            LOG.info("Snapshot of __consumer_offsets-{}: {} groups, log start now {}, {} bytes before, {} live bytes",
                log.partition(), partition.groups.size(), snapshotStart, sizeBefore, partition.liveBytes);
        } catch (final IOException ex) {
            LOG.warn("Snapshot of __consumer_offsets-{} could not advance the log start; the log keeps its history",
                log.partition(), ex);
        } finally {
            partition.snapshotting.set(false);
        }
    }

    /**
     * @param partitionId a loaded partition.
     * @return how many snapshots it has taken since it was loaded (for tests and metrics).
     */
    public long snapshotCount(final int partitionId) {
        final OffsetsPartition partition = partitions.get(partitionId);
        return partition == null ? 0L : partition.snapshots;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Hands a result to the caller's completion. A completion that throws is a bug in the caller; it must not leave
     * a group half-updated or other members unanswered, so it is logged here, once, and the coordinator goes on.
     */
    private static <T> void deliver(final Completion<T> completion, final T result) {
        try {
            completion.onComplete(result);
        } catch (final RuntimeException ex) {
            LOG.error("A completion threw while receiving {}", result, ex);
        }
    }

    private short partitionStatus(final String groupId) {
        if (closed) {
            return GroupErrors.COORDINATOR_NOT_AVAILABLE;
        }
        final OffsetsPartition partition = partitions.get(partitionFor(groupId));
        if (partition == null) {
            return GroupErrors.NOT_COORDINATOR;
        }
        return partition.loading ? GroupErrors.COORDINATOR_LOAD_IN_PROGRESS : GroupErrors.NONE;
    }

    private ClassicGroup group(final String groupId) {
        final OffsetsPartition partition = partitions.get(partitionFor(groupId));
        return partition == null ? null : partition.groups.get(groupId);
    }

    private ClassicGroup getOrCreateGroup(final String groupId) {
        final OffsetsPartition partition = partitions.get(partitionFor(groupId));
        // null when the partition was unloaded since the caller checked: the caller answers NOT_COORDINATOR
        return partition == null ? null
            : partition.groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, partition));
    }

    private void failParked(final ClassicGroup group, final short error) {
        for (final GroupMember member : group.members.values()) {
            if (member.joinCompletion != null) {
                final Completion<JoinGroupResult> completion = member.joinCompletion;
                member.joinCompletion = null;
                deliver(completion, JoinGroupResult.error(error, member.memberId));
            }
            if (member.syncCompletion != null) {
                final Completion<SyncGroupResult> completion = member.syncCompletion;
                member.syncCompletion = null;
                deliver(completion, SyncGroupResult.error(error));
            }
        }
    }

    private void cancelGroupTimers(final ClassicGroup group) {
        cancelJoinTimeout(group);
        cancelSyncTimeout(group);
        for (final GroupMember member : group.members.values()) {
            member.cancelHeartbeat();
        }
        for (final Timer.Timeout pending : group.pendingMembers.values()) {
            pending.cancel();
        }
        group.pendingMembers.clear();
    }

    private static PartitionErrors allPartitions(final Iterable<OffsetKey> keys, final short error) {
        final Map<OffsetKey, Short> errors = new LinkedHashMap<>();
        for (final OffsetKey key : keys) {
            errors.put(key, error);
        }
        return new PartitionErrors(GroupErrors.NONE, errors);
    }

    /** Kafka's mapping of an offsets append error for OffsetCommit. */
    private static short commitError(final int code) {
        switch (code) {
            case 0:
                return GroupErrors.NONE;
            case 10: // MESSAGE_TOO_LARGE
            case 18: // RECORD_LIST_TOO_LARGE
            case 4: // INVALID_FETCH_SIZE
                return GroupErrors.INVALID_COMMIT_OFFSET_SIZE;
            default:
                return groupError(code);
        }
    }

    /** Kafka's mapping of an offsets append error for group records. */
    private static short groupError(final int code) {
        switch (code) {
            case 0:
                return GroupErrors.NONE;
            case 3: // UNKNOWN_TOPIC_OR_PARTITION
            case 19: // NOT_ENOUGH_REPLICAS
            case 20: // NOT_ENOUGH_REPLICAS_AFTER_APPEND
            case 7: // REQUEST_TIMED_OUT
                return GroupErrors.COORDINATOR_NOT_AVAILABLE;
            case 6: // NOT_LEADER_OR_FOLLOWER
            case 56: // KAFKA_STORAGE_ERROR
                return GroupErrors.NOT_COORDINATOR;
            default:
                return GroupErrors.UNKNOWN_SERVER_ERROR;
        }
    }

    /**
     * Stops the retention timer and unloads every partition (parked requests answer NOT_COORDINATOR). Idempotent;
     * the logs and the timer belong to the caller.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (retentionTimeout != null) {
            retentionTimeout.cancel();
        }
        for (final Integer partitionId : new ArrayList<>(partitions.keySet())) {
            unloadPartition(partitionId);
        }
    }

    /** A completion with a primitive code. */
    @FunctionalInterface
    interface IntCompletion {
        void onComplete(int code);
    }
}

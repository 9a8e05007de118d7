package keel.server.group;

import keel.log.Compression;
import keel.log.RecordBatchBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static keel.server.group.GroupFixture.REBALANCE_TIMEOUT_MS;
import static keel.server.group.GroupFixture.SESSION_TIMEOUT_MS;
import static keel.server.group.GroupFixture.decodeAssignment;
import static keel.server.group.GroupFixture.encodeAssignment;
import static keel.server.group.GroupFixture.rangeAssign;
import static keel.server.group.GroupFixture.rangeProtocol;
import static keel.server.group.GroupFixture.subscription;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupCoordinatorTest {
    private static final String GROUP = "g";
    private static final int INITIAL_DELAY_MS = 3_000;

    @TempDir
    Path tempDir;

    private GroupFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new GroupFixture(tempDir, GroupFixture.testConfig()
            .with(GroupConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, INITIAL_DELAY_MS), GroupFixture.testLogConfig());
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
    }

    /** Joined members after the first rebalance, with their sync results. */
    private record Formed(List<JoinGroupResult> joins, Map<String, SyncGroupResult> syncs) {
        JoinGroupResult leader() {
            for (final JoinGroupResult join : joins) {
                if (join.memberId().equals(join.leaderId())) {
                    return join;
                }
            }
            throw new AssertionError("no leader");
        }
    }

    /** n members join within the initial delay, the leader assigns with the range assignor, all sync. */
    private Formed formGroup(final int members) {
        final List<Captured<JoinGroupResult>> parked = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            parked.add(fixture.joinNew(GROUP, rangeProtocol()));
        }
        for (final Captured<JoinGroupResult> join : parked) {
            join.assertParked();
        }
        for (int i = 0; i < 20 && !parked.get(0).isDone(); i++) {
            fixture.timer.advance(1_000);
        }
        final List<JoinGroupResult> joins = new ArrayList<>();
        for (final Captured<JoinGroupResult> join : parked) {
            assertEquals(GroupErrors.NONE, join.get().error());
            joins.add(join.get());
        }
        final Formed formed = new Formed(joins, new HashMap<>());
        final JoinGroupResult leader = formed.leader();
        final Map<String, Captured<SyncGroupResult>> syncs = new HashMap<>();
        for (final JoinGroupResult join : joins) {
            if (join != leader) {
                syncs.put(join.memberId(), fixture.sync(GROUP, join, Map.of()));
                syncs.get(join.memberId()).assertParked();
            }
        }
        syncs.put(leader.memberId(), fixture.sync(GROUP, leader, rangeAssign(leader.members())));
        for (final Map.Entry<String, Captured<SyncGroupResult>> entry : syncs.entrySet()) {
            assertEquals(GroupErrors.NONE, entry.getValue().get().error());
            formed.syncs().put(entry.getKey(), entry.getValue().get());
        }
        return formed;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Joining and rebalancing
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {1, 2, 4, 5})
    void shouldOwnEachPartitionExactlyOnceWhenMembersJoinOneGroup(final int members) {
        final Formed formed = formGroup(members);

        final List<Integer> owned = new ArrayList<>();
        final List<Integer> counts = new ArrayList<>();
        for (final SyncGroupResult sync : formed.syncs().values()) {
            final List<Integer> partitions = decodeAssignment(sync.assignment());
            owned.addAll(partitions);
            counts.add(partitions.size());
        }
        owned.sort(null);
        counts.sort(null);
        assertEquals(List.of(0, 1, 2, 3), owned);
        final Map<Integer, List<Integer>> expectedCounts = Map.of(1, List.of(4), 2, List.of(2, 2),
            4, List.of(1, 1, 1, 1), 5, List.of(0, 1, 1, 1, 1));
        assertEquals(expectedCounts.get(members), counts);
        assertEquals(members, formed.leader().members().size());
        assertEquals(GroupState.STABLE, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldGiveEveryMemberOneGenerationAndOnlyTheLeaderTheMembersWhenJoinCompletes() {
        final Formed formed = formGroup(3);

        final Set<Integer> generations = new HashSet<>();
        int withMembers = 0;
        for (final JoinGroupResult join : formed.joins()) {
            generations.add(join.generationId());
            withMembers += join.members().isEmpty() ? 0 : 1;
            assertEquals("range", join.protocolName());
        }
        assertEquals(Set.of(1), generations);
        assertEquals(1, withMembers);
    }

    @Test
    void shouldAnswerMemberIdRequiredWithANewIdWhenAV4CallerJoinsFirst() {
        final Captured<JoinGroupResult> first = fixture.join(GROUP, "", rangeProtocol());

        assertEquals(GroupErrors.MEMBER_ID_REQUIRED, first.get().error());
        assertTrue(first.get().memberId().startsWith("client-"), first.get().memberId());
        assertEquals(GroupState.EMPTY, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldWaitForTheInitialRebalanceDelayWhenAnEmptyGroupGetsItsFirstMember() {
        final Captured<JoinGroupResult> join = fixture.joinNew(GROUP, rangeProtocol());

        fixture.timer.advance(INITIAL_DELAY_MS - 1);
        join.assertParked();
        fixture.timer.advance(1);
        assertEquals(GroupErrors.NONE, join.get().error());
        assertEquals(1, join.get().generationId());
    }

    @Test
    void shouldRebalanceAtOnceWhenAMemberLeaves() {
        final Formed formed = formGroup(2);
        final JoinGroupResult leaver = formed.joins().get(1);
        final JoinGroupResult stayer = formed.joins().get(0);

        final LeaveGroupResult left = fixture.coordinator.leaveGroup(GROUP,
            List.of(new MemberIdentity(leaver.memberId(), null)));

        assertEquals(List.of(GroupErrors.NONE), left.memberErrors());
        assertEquals(GroupState.PREPARING_REBALANCE, fixture.coordinator.describeGroup(GROUP).state());
        assertEquals(GroupErrors.REBALANCE_IN_PROGRESS, fixture.coordinator.heartbeat(GROUP, stayer.memberId(), null,
            stayer.generationId()));
        final Captured<JoinGroupResult> rejoin = fixture.join(GROUP, stayer.memberId(), rangeProtocol());
        assertEquals(GroupErrors.NONE, rejoin.get().error());
        assertEquals(2, rejoin.get().generationId());
        assertEquals(1, rejoin.get().members().size());
    }

    @Test
    void shouldRemoveTheMemberAndRebalanceWhenItsSessionExpires() {
        final Formed formed = formGroup(2);
        final JoinGroupResult alive = formed.joins().get(0);
        final JoinGroupResult dead = formed.joins().get(1);

        fixture.timer.advance(SESSION_TIMEOUT_MS / 2);
        assertEquals(GroupErrors.NONE, fixture.coordinator.heartbeat(GROUP, alive.memberId(), null, 1));
        fixture.timer.advance(SESSION_TIMEOUT_MS / 2);

        final GroupDescription description = fixture.coordinator.describeGroup(GROUP);
        assertEquals(GroupState.PREPARING_REBALANCE, description.state());
        assertEquals(1, description.members().size());
        assertEquals(alive.memberId(), description.members().get(0).memberId());
        assertEquals(GroupErrors.UNKNOWN_MEMBER_ID, fixture.coordinator.heartbeat(GROUP, dead.memberId(), null, 1));
    }

    @Test
    void shouldCompleteTheJoinWithoutTheMemberWhenItDoesNotRejoinWithinTheRebalanceTimeout() {
        final Formed formed = formGroup(2);
        final JoinGroupResult rejoining = formed.joins().get(0);
        final JoinGroupResult silent = formed.joins().get(1);

        final Captured<JoinGroupResult> rejoin = fixture.join(GROUP, rejoining.memberId(),
            List.of(new Protocol("range", subscription("events", "other"))));
        rejoin.assertParked();
        for (int elapsed = 0; elapsed < REBALANCE_TIMEOUT_MS; elapsed += SESSION_TIMEOUT_MS / 2) {
            assertEquals(GroupErrors.REBALANCE_IN_PROGRESS,
                fixture.coordinator.heartbeat(GROUP, silent.memberId(), null, 1));
            fixture.timer.advance(SESSION_TIMEOUT_MS / 2);
        }

        assertEquals(GroupErrors.NONE, rejoin.get().error());
        assertEquals(2, rejoin.get().generationId());
        assertEquals(1, rejoin.get().members().size());
    }

    @Test
    void shouldAnswerRebalanceInProgressToAHeartbeatWhenTheGroupIsRebalancing() {
        final Formed formed = formGroup(2);
        final Captured<JoinGroupResult> newcomer = fixture.joinNew(GROUP, rangeProtocol());
        newcomer.assertParked();

        final JoinGroupResult member = formed.joins().get(0);
        assertEquals(GroupErrors.REBALANCE_IN_PROGRESS,
            fixture.coordinator.heartbeat(GROUP, member.memberId(), null, member.generationId()));
    }

    @Test
    void shouldAnswerNoneToAHeartbeatWhenTheGroupIsCompletingRebalance() {
        final Captured<JoinGroupResult> join = fixture.joinNew(GROUP, rangeProtocol());
        fixture.timer.advance(INITIAL_DELAY_MS);
        assertEquals(GroupState.COMPLETING_REBALANCE, fixture.coordinator.describeGroup(GROUP).state());

        assertEquals(GroupErrors.NONE, fixture.coordinator.heartbeat(GROUP, join.get().memberId(), null, 1));
    }

    @Test
    void shouldCompleteTheJoinWithoutAMemberIdRequiredMemberWhenItNeverComesBack() {
        final JoinGroupResult member = formGroup(1).joins().get(0);
        assertEquals(GroupErrors.MEMBER_ID_REQUIRED, fixture.join(GROUP, "", rangeProtocol()).get().error());
        final Captured<JoinGroupResult> rejoin = fixture.join(GROUP, member.memberId(),
            List.of(new Protocol("range", subscription("events", "x"))));

        fixture.timer.advance(SESSION_TIMEOUT_MS - 1);
        rejoin.assertParked();
        fixture.timer.advance(1);

        assertEquals(GroupErrors.NONE, rejoin.get().error());
        assertEquals(2, rejoin.get().generationId());
        assertEquals(1, rejoin.get().members().size());
    }

    @Test
    void shouldAnswerIllegalGenerationWhenAHeartbeatCarriesAnOldGeneration() {
        final Formed formed = formGroup(1);
        final JoinGroupResult member = formed.joins().get(0);

        assertEquals(GroupErrors.ILLEGAL_GENERATION,
            fixture.coordinator.heartbeat(GROUP, member.memberId(), null, member.generationId() - 1));
    }

    @Test
    void shouldAnswerUnknownMemberIdWhenAHeartbeatComesFromAnUnknownMember() {
        formGroup(1);

        assertEquals(GroupErrors.UNKNOWN_MEMBER_ID, fixture.coordinator.heartbeat(GROUP, "nobody", null, 1));
    }

    @Test
    void shouldAnswerIllegalGenerationWhenASyncCarriesAnOldGeneration() {
        final Formed formed = formGroup(1);
        final JoinGroupResult member = formed.joins().get(0);
        final Captured<SyncGroupResult> sync = new Captured<>();

        fixture.coordinator.syncGroup(new SyncGroupRequest(GROUP, 0, member.memberId(), null, null, null, Map.of()),
            sync);

        assertEquals(GroupErrors.ILLEGAL_GENERATION, sync.get().error());
    }

    @Test
    void shouldReturnTheCurrentAssignmentWithoutRebalanceWhenAFollowerRejoinsUnchanged() {
        final Formed formed = formGroup(2);
        final JoinGroupResult follower = formed.joins().get(0) == formed.leader()
            ? formed.joins().get(1) : formed.joins().get(0);

        final Captured<JoinGroupResult> rejoin = fixture.join(GROUP, follower.memberId(), rangeProtocol());

        assertEquals(GroupErrors.NONE, rejoin.get().error());
        assertEquals(1, rejoin.get().generationId());
        assertEquals(GroupState.STABLE, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldFailParkedFollowersWithRebalanceInProgressWhenAMemberJoinsBeforeTheLeaderSyncs() {
        final List<Captured<JoinGroupResult>> joins = List.of(fixture.joinNew(GROUP, rangeProtocol()),
            fixture.joinNew(GROUP, rangeProtocol()));
        fixture.timer.advance(2 * INITIAL_DELAY_MS);
        final JoinGroupResult follower = joins.get(0).get().members().isEmpty() ? joins.get(0).get()
            : joins.get(1).get();
        final Captured<SyncGroupResult> parked = fixture.sync(GROUP, follower, Map.of());
        parked.assertParked();

        fixture.joinNew(GROUP, rangeProtocol()).assertParked();

        assertEquals(GroupErrors.REBALANCE_IN_PROGRESS, parked.get().error());
    }

    @Test
    void shouldRemoveAMemberAndRebalanceWhenItDoesNotSyncWithinTheRebalanceTimeout() {
        final List<Captured<JoinGroupResult>> joins = List.of(fixture.joinNew(GROUP, rangeProtocol()),
            fixture.joinNew(GROUP, rangeProtocol()));
        fixture.timer.advance(2 * INITIAL_DELAY_MS);
        final JoinGroupResult leader = joins.get(0).get().members().isEmpty() ? joins.get(1).get()
            : joins.get(0).get();
        final Captured<SyncGroupResult> leaderSync = fixture.sync(GROUP, leader, rangeAssign(leader.members()));
        assertEquals(GroupErrors.NONE, leaderSync.get().error());

        for (int elapsed = 0; elapsed < REBALANCE_TIMEOUT_MS; elapsed += SESSION_TIMEOUT_MS / 2) {
            fixture.timer.advance(SESSION_TIMEOUT_MS / 2);
            fixture.coordinator.heartbeat(GROUP, leader.memberId(), null, leader.generationId());
        }

        final GroupDescription description = fixture.coordinator.describeGroup(GROUP);
        assertEquals(GroupState.PREPARING_REBALANCE, description.state());
        assertEquals(1, description.members().size());
    }

    @Test
    void shouldAnswerParkedJoinsWithNotCoordinatorWhenThePartitionIsUnloaded() {
        final Captured<JoinGroupResult> join = fixture.joinNew(GROUP, rangeProtocol());
        join.assertParked();

        fixture.coordinator.unloadPartition(0);

        assertEquals(GroupErrors.NOT_COORDINATOR, join.get().error());
        assertEquals(0, fixture.timer.pendingTasks());
    }

    @Test
    void shouldFollowTwoRebalancesWhenACooperativeLeaderRevokesThenAssigns() {
        final List<Protocol> cooperative = List.of(new Protocol("cooperative-sticky", subscription("events")));
        final Captured<JoinGroupResult> first = fixture.joinNew(GROUP, cooperative);
        fixture.timer.advance(INITIAL_DELAY_MS);
        final JoinGroupResult a1 = first.get();
        fixture.sync(GROUP, a1, Map.of(a1.memberId(), encodeAssignment(0, 1, 2, 3)));

        // B joins: A learns through its heartbeat and rejoins owning all four
        final Captured<JoinGroupResult> bJoin = fixture.joinNew(GROUP, cooperative);
        assertEquals(GroupErrors.REBALANCE_IN_PROGRESS, fixture.coordinator.heartbeat(GROUP, a1.memberId(), null, 1));
        final Captured<JoinGroupResult> aJoin2 = fixture.join(GROUP, a1.memberId(), cooperative);
        final JoinGroupResult a2 = aJoin2.get();
        final JoinGroupResult b2 = bJoin.get();
        assertEquals(2, a2.generationId());
        // first rebalance: the leader only revokes 2 and 3 from A, B gets nothing yet
        final Captured<SyncGroupResult> bSync2 = fixture.sync(GROUP, b2, Map.of());
        final Captured<SyncGroupResult> aSync2 = fixture.sync(GROUP, a2,
            Map.of(a2.memberId(), encodeAssignment(0, 1), b2.memberId(), encodeAssignment()));
        assertEquals(List.of(0, 1), decodeAssignment(aSync2.get().assignment()));
        assertEquals(List.of(), decodeAssignment(bSync2.get().assignment()));

        // A revoked partitions, so it rejoins at once with its new ownership; B follows the heartbeat's signal
        final Captured<JoinGroupResult> aJoin3 = fixture.join(GROUP, a2.memberId(),
            List.of(new Protocol("cooperative-sticky", subscription("events", "owned-0-1"))));
        assertEquals(GroupErrors.REBALANCE_IN_PROGRESS, fixture.coordinator.heartbeat(GROUP, b2.memberId(), null, 2));
        final Captured<JoinGroupResult> bJoin3 = fixture.join(GROUP, b2.memberId(), cooperative);
        final JoinGroupResult a3 = aJoin3.get();
        final JoinGroupResult b3 = bJoin3.get();
        assertEquals(3, a3.generationId());
        final Captured<SyncGroupResult> bSync3 = fixture.sync(GROUP, b3, Map.of());
        fixture.sync(GROUP, a3, Map.of(a3.memberId(), encodeAssignment(0, 1), b3.memberId(), encodeAssignment(2, 3)));

        assertEquals(List.of(2, 3), decodeAssignment(bSync3.get().assignment()));
        assertEquals(GroupState.STABLE, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldAnswerTheOtherMembersWhenOneCompletionThrows() {
        final Captured<JoinGroupResult> first = fixture.join(GROUP, "", rangeProtocol());
        fixture.coordinator.joinGroup(GroupFixture.joinRequest(GROUP, first.get().memberId(), null, rangeProtocol()),
            result -> {
                throw new IllegalStateException("a broken response writer");
            });
        final Captured<JoinGroupResult> second = fixture.joinNew(GROUP, rangeProtocol());

        fixture.timer.advance(2 * INITIAL_DELAY_MS);

        assertEquals(GroupErrors.NONE, second.get().error());
        assertEquals(GroupState.COMPLETING_REBALANCE, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldChooseTheProtocolEveryMemberSupportsWhenPreferencesDiffer() {
        final byte[] metadata = subscription("events");
        final Captured<JoinGroupResult> a = fixture.joinNew(GROUP,
            List.of(new Protocol("roundrobin", metadata), new Protocol("range", metadata)));
        final Captured<JoinGroupResult> b = fixture.joinNew(GROUP, List.of(new Protocol("range", metadata)));
        fixture.timer.advance(2 * INITIAL_DELAY_MS);

        assertEquals("range", a.get().protocolName());
        assertEquals("range", b.get().protocolName());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Static membership (KIP-345)
    // ---------------------------------------------------------------------------------------------------------

    private List<JoinGroupResult> formStaticGroup() {
        final Captured<JoinGroupResult> a = fixture.joinStatic(GROUP, "", "instance-a", rangeProtocol());
        final Captured<JoinGroupResult> b = fixture.joinStatic(GROUP, "", "instance-b", rangeProtocol());
        fixture.timer.advance(2 * INITIAL_DELAY_MS);
        final JoinGroupResult leader = a.get().members().isEmpty() ? b.get() : a.get();
        final JoinGroupResult follower = leader == a.get() ? b.get() : a.get();
        final Captured<SyncGroupResult> followerSync = fixture.sync(GROUP, follower, Map.of());
        fixture.sync(GROUP, leader, rangeAssign(leader.members()));
        assertEquals(GroupErrors.NONE, followerSync.get().error());
        return List.of(a.get(), b.get());
    }

    @Test
    void shouldGiveAStaticMemberItsAssignmentBackWithoutRebalanceWhenItRejoinsWithANewMemberId() {
        final List<JoinGroupResult> members = formStaticGroup();
        final JoinGroupResult b = members.get(1);
        final Map<String, byte[]> before = new HashMap<>();
        for (final GroupDescription.Member member : fixture.coordinator.describeGroup(GROUP).members()) {
            before.put(member.groupInstanceId(), member.assignment());
        }

        final Captured<JoinGroupResult> restarted = fixture.joinStatic(GROUP, "", "instance-b", rangeProtocol());

        assertEquals(GroupErrors.NONE, restarted.get().error());
        assertNotEquals(b.memberId(), restarted.get().memberId());
        assertEquals(1, restarted.get().generationId());
        assertEquals(GroupState.STABLE, fixture.coordinator.describeGroup(GROUP).state());
        final Captured<SyncGroupResult> sync = fixture.sync(GROUP, restarted.get(), Map.of());
        assertArrayEquals(before.get("instance-b"), sync.get().assignment());
    }

    @Test
    void shouldAnswerFencedInstanceIdWhenTheReplacedMemberIdOfAStaticMemberIsUsed() {
        final List<JoinGroupResult> members = formStaticGroup();
        final JoinGroupResult old = members.get(1);
        fixture.joinStatic(GROUP, "", "instance-b", rangeProtocol()).get();

        assertEquals(GroupErrors.FENCED_INSTANCE_ID,
            fixture.coordinator.heartbeat(GROUP, old.memberId(), "instance-b", 1));
        assertEquals(GroupErrors.FENCED_INSTANCE_ID,
            fixture.joinStatic(GROUP, old.memberId(), "instance-b", rangeProtocol()).get().error());
    }

    @Test
    void shouldAnswerUnknownMemberIdWhenAKnownMemberNamesAnUnknownInstanceId() {
        final JoinGroupResult member = formGroup(1).joins().get(0);

        assertEquals(GroupErrors.UNKNOWN_MEMBER_ID,
            fixture.coordinator.heartbeat(GROUP, member.memberId(), "instance-x", member.generationId()));
    }

    @Test
    void shouldKeepTheGroupStableWhenAStaticMemberRejoinsWithNewMetadataForTheSameProtocol() {
        formStaticGroup();

        final Captured<JoinGroupResult> restarted = fixture.joinStatic(GROUP, "", "instance-b",
            List.of(new Protocol("range", subscription("events", "more"))));

        assertEquals(GroupErrors.NONE, restarted.get().error());
        assertEquals(GroupState.STABLE, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldRebalanceWhenAStaticMemberRejoinsWithProtocolsThatChangeTheGroupsSelection() {
        final List<Protocol> both = List.of(new Protocol("range", subscription("events")),
            new Protocol("roundrobin", subscription("events")));
        final Captured<JoinGroupResult> a = fixture.joinStatic(GROUP, "", "instance-a", both);
        final Captured<JoinGroupResult> b = fixture.joinStatic(GROUP, "", "instance-b", both);
        fixture.timer.advance(2 * INITIAL_DELAY_MS);
        final JoinGroupResult leader = a.get().members().isEmpty() ? b.get() : a.get();
        final JoinGroupResult follower = leader == a.get() ? b.get() : a.get();
        fixture.sync(GROUP, follower, Map.of());
        fixture.sync(GROUP, leader, rangeAssign(leader.members()));
        assertEquals("range", fixture.coordinator.describeGroup(GROUP).protocol());

        final Captured<JoinGroupResult> restarted = fixture.joinStatic(GROUP, "", "instance-b",
            List.of(new Protocol("roundrobin", subscription("events"))));

        restarted.assertParked();
        assertEquals(GroupState.PREPARING_REBALANCE, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldTellAStaticLeaderToSkipTheAssignmentWhenItRejoinsUnchanged() {
        final List<JoinGroupResult> members = formStaticGroup();
        final String leaderInstance = members.get(0).members().isEmpty() ? "instance-b" : "instance-a";

        final Captured<JoinGroupResult> restarted = fixture.joinStatic(GROUP, "", leaderInstance, rangeProtocol());

        assertEquals(GroupErrors.NONE, restarted.get().error());
        assertTrue(restarted.get().skipAssignment());
        assertEquals(restarted.get().memberId(), restarted.get().leaderId());
        assertEquals(2, restarted.get().members().size());
        assertEquals(GroupState.STABLE, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldAnswerAStaticLeaderOlderThanJoinGroupV9WithThePreviousLeaderIdAndNoMembers() {
        final List<JoinGroupResult> members = formStaticGroup();
        final JoinGroupResult oldLeader = members.get(0).members().isEmpty() ? members.get(1) : members.get(0);
        final String leaderInstance = oldLeader == members.get(0) ? "instance-a" : "instance-b";
        final Captured<JoinGroupResult> restarted = new Captured<>();

        fixture.coordinator.joinGroup(new JoinGroupRequest(GROUP, "", leaderInstance, "client", "h",
            REBALANCE_TIMEOUT_MS, SESSION_TIMEOUT_MS, "consumer", rangeProtocol(), true, false), restarted);

        assertEquals(GroupErrors.NONE, restarted.get().error());
        assertEquals(oldLeader.memberId(), restarted.get().leaderId());
        assertTrue(restarted.get().members().isEmpty());
        assertFalse(restarted.get().skipAssignment());
        assertEquals(GroupState.STABLE, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldRemoveAStaticMemberByInstanceIdWhenLeaveGroupNamesNoMemberId() {
        formStaticGroup();

        final LeaveGroupResult left = fixture.coordinator.leaveGroup(GROUP,
            List.of(new MemberIdentity("", "instance-a"), new MemberIdentity("", "instance-z")));

        assertEquals(List.of(GroupErrors.NONE, GroupErrors.UNKNOWN_MEMBER_ID), left.memberErrors());
        assertEquals(1, fixture.coordinator.describeGroup(GROUP).members().size());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bad input
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldRejectAJoinWhenItsProtocolTypeDiffersFromTheGroups() {
        formGroup(1);
        final Captured<JoinGroupResult> join = new Captured<>();

        fixture.coordinator.joinGroup(new JoinGroupRequest(GROUP, "", null, "c", "h", REBALANCE_TIMEOUT_MS,
            SESSION_TIMEOUT_MS, "connect", rangeProtocol(), true, true), join);

        assertEquals(GroupErrors.INCONSISTENT_GROUP_PROTOCOL, join.get().error());
        assertEquals(GroupState.STABLE, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldRejectAJoinWhenItsProtocolTypeIsEmpty() {
        final Captured<JoinGroupResult> join = new Captured<>();

        fixture.coordinator.joinGroup(new JoinGroupRequest(GROUP, "", null, "c", "h", REBALANCE_TIMEOUT_MS,
            SESSION_TIMEOUT_MS, "", rangeProtocol(), false, true), join);

        assertEquals(GroupErrors.INCONSISTENT_GROUP_PROTOCOL, join.get().error());
    }

    @Test
    void shouldRejectAJoinWhenNoProtocolIsSupportedByEveryMember() {
        formGroup(1);

        final Captured<JoinGroupResult> join = fixture.join(GROUP, "",
            List.of(new Protocol("roundrobin", subscription("events"))));

        assertEquals(GroupErrors.INCONSISTENT_GROUP_PROTOCOL, join.get().error());
    }

    @Test
    void shouldRejectAJoinWithOversizedMetadataAndKeepServingTheGroup() {
        final byte[] huge = new byte[GroupConfig.GROUP_MAX_MEMBER_METADATA_BYTES_DEFAULT + 1];

        final Captured<JoinGroupResult> join = fixture.join(GROUP, "", List.of(new Protocol("range", huge)));

        assertEquals(GroupErrors.INVALID_REQUEST, join.get().error());
        assertEquals(1, formGroup(1).joins().size());
    }

    @Test
    void shouldFailTheSyncAndRebalanceWhenTheAssignmentIsTooLargeForTheOffsetsLog() {
        final Captured<JoinGroupResult> join = fixture.joinNew(GROUP, rangeProtocol());
        fixture.timer.advance(INITIAL_DELAY_MS);
        final byte[] huge = new byte[fixture.log.config().maxMessageBytes() + 1];

        final Captured<SyncGroupResult> sync = fixture.sync(GROUP, join.get(), Map.of(join.get().memberId(), huge));

        assertEquals(GroupErrors.UNKNOWN_SERVER_ERROR, sync.get().error());
        assertEquals(GroupState.PREPARING_REBALANCE, fixture.coordinator.describeGroup(GROUP).state());
    }

    @Test
    void shouldRejectAJoinWhenTheSessionTimeoutIsOutOfBounds() {
        final Captured<JoinGroupResult> tooShort = new Captured<>();
        final Captured<JoinGroupResult> tooLong = new Captured<>();

        fixture.coordinator.joinGroup(new JoinGroupRequest(GROUP, "", null, "c", "h", REBALANCE_TIMEOUT_MS,
            GroupConfig.GROUP_MIN_SESSION_TIMEOUT_MS_DEFAULT - 1, "consumer", rangeProtocol(), true, true),
            tooShort);
        fixture.coordinator.joinGroup(new JoinGroupRequest(GROUP, "", null, "c", "h", REBALANCE_TIMEOUT_MS,
            GroupConfig.GROUP_MAX_SESSION_TIMEOUT_MS_DEFAULT + 1, "consumer", rangeProtocol(), true, true),
            tooLong);

        assertEquals(GroupErrors.INVALID_SESSION_TIMEOUT, tooShort.get().error());
        assertEquals(GroupErrors.INVALID_SESSION_TIMEOUT, tooLong.get().error());
    }

    @Test
    void shouldRejectAJoinWhenTheGroupIsFull() throws IOException {
        fixture.close();
        fixture = new GroupFixture(tempDir, GroupFixture.testConfig().with(GroupConfig.GROUP_MAX_SIZE_CONFIG, 1),
            GroupFixture.testLogConfig());
        fixture.joinNew(GROUP, rangeProtocol()).get();

        final Captured<JoinGroupResult> second = fixture.join(GROUP, "", rangeProtocol());

        assertEquals(GroupErrors.GROUP_MAX_SIZE_REACHED, second.get().error());
    }

    @Test
    void shouldAnswerNotCoordinatorWhenTheGroupsPartitionIsNotLoaded() {
        fixture.coordinator.unloadPartition(0);

        assertEquals(GroupErrors.NOT_COORDINATOR, fixture.join(GROUP, "", rangeProtocol()).get().error());
    }

    @Test
    void shouldMapGroupsToPartitionsAsKafkaDoesWhenTheHashIsIntegerMinValue() {
        assertEquals(Integer.MIN_VALUE, "polygenelubricants".hashCode());

        assertEquals(0, GroupCoordinator.partitionFor("polygenelubricants", 50));
        assertEquals(Math.abs("my-group".hashCode()) % 50, GroupCoordinator.partitionFor("my-group", 50));
    }

    // ---------------------------------------------------------------------------------------------------------
    // ListGroups, DescribeGroups, DeleteGroups
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseToDeleteAGroupWhenItHasMembers() {
        formGroup(1);
        final Captured<Map<String, Short>> deleted = new Captured<>();

        fixture.coordinator.deleteGroups(List.of(GROUP, "missing"), deleted);

        assertEquals(Map.of(GROUP, GroupErrors.NON_EMPTY_GROUP, "missing", GroupErrors.GROUP_ID_NOT_FOUND),
            deleted.get());
    }

    @Test
    void shouldDeleteAnEmptyGroupAndItsOffsets() {
        commitStandalone(GROUP, "events", 0, 42);
        final Captured<Map<String, Short>> deleted = new Captured<>();

        fixture.coordinator.deleteGroups(List.of(GROUP), deleted);

        assertEquals(Map.of(GROUP, GroupErrors.NONE), deleted.get());
        assertEquals(-1L, fetch(GROUP, "events", 0).offset());
        assertTrue(fixture.coordinator.listGroups().isEmpty());
    }

    @Test
    void shouldListAndDescribeAStableGroup() {
        formGroup(2);

        assertEquals(List.of(new GroupListing(GROUP, "consumer", GroupState.STABLE)),
            fixture.coordinator.listGroups());
        final GroupDescription description = fixture.coordinator.describeGroup(GROUP);
        assertEquals("range", description.protocol());
        assertEquals(2, description.members().size());
        assertEquals(2, decodeAssignment(description.members().get(0).assignment()).size());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Offsets
    // ---------------------------------------------------------------------------------------------------------

    private PartitionErrors commit(final JoinGroupResult member, final String topic, final int partition,
                                   final long offset) {
        final Captured<PartitionErrors> result = new Captured<>();
        fixture.coordinator.commitOffsets(new OffsetCommitRequest(GROUP, member.generationId(), member.memberId(),
            null, Map.of(new OffsetKey(topic, partition), OffsetAndMetadata.of(offset, 7, "meta"))), result);
        return result.get();
    }

    private PartitionErrors commitStandalone(final String groupId, final String topic, final int partition,
                                             final long offset) {
        final Captured<PartitionErrors> result = new Captured<>();
        fixture.coordinator.commitOffsets(new OffsetCommitRequest(groupId, -1, "", null,
            Map.of(new OffsetKey(topic, partition), OffsetAndMetadata.of(offset, -1, ""))), result);
        assertEquals(Map.of(new OffsetKey(topic, partition), GroupErrors.NONE), result.get().partitions());
        return result.get();
    }

    private OffsetAndMetadata fetch(final String groupId, final String topic, final int partition) {
        final OffsetFetchResult result = fixture.coordinator.fetchOffsets(groupId,
            List.of(new OffsetKey(topic, partition)));
        assertEquals(GroupErrors.NONE, result.error());
        return result.offsets().get(new OffsetKey(topic, partition));
    }

    @Test
    void shouldFetchTheCommittedOffsetWithItsMetadataWhenAMemberCommits() {
        final JoinGroupResult member = formGroup(1).joins().get(0);

        assertEquals(Map.of(new OffsetKey("events", 2), GroupErrors.NONE), commit(member, "events", 2, 100).partitions());

        final OffsetAndMetadata fetched = fetch(GROUP, "events", 2);
        assertEquals(100L, fetched.offset());
        assertEquals(7, fetched.leaderEpoch());
        assertEquals("meta", fetched.metadata());
        assertEquals(fixture.timer.milliseconds(), fetched.commitTimestampMs());
    }

    @Test
    void shouldFetchEveryCommittedOffsetWhenNoPartitionIsNamed() {
        commitStandalone(GROUP, "events", 0, 1);
        commitStandalone(GROUP, "events", 3, 4);
        commitStandalone(GROUP, "other", 0, 9);

        final OffsetFetchResult result = fixture.coordinator.fetchOffsets(GROUP, null);

        assertEquals(Set.of(new OffsetKey("events", 0), new OffsetKey("events", 3), new OffsetKey("other", 0)),
            result.offsets().keySet());
        assertEquals(9L, result.offsets().get(new OffsetKey("other", 0)).offset());
    }

    @Test
    void shouldFetchMinusOneWhenNothingWasCommitted() {
        assertEquals(OffsetAndMetadata.NONE, fetch(GROUP, "events", 0));
    }

    @Test
    void shouldRejectACommitWhenItsGenerationIsOld() {
        final JoinGroupResult member = formGroup(1).joins().get(0);
        final JoinGroupResult stale = new JoinGroupResult(GroupErrors.NONE, member.memberId(), 0, null, null, "",
            false, List.of());

        assertEquals(Map.of(new OffsetKey("events", 0), GroupErrors.ILLEGAL_GENERATION),
            commit(stale, "events", 0, 5).partitions());
        assertEquals(-1L, fetch(GROUP, "events", 0).offset());
    }

    @Test
    void shouldRejectAStandaloneCommitWhenTheGroupHasMembers() {
        formGroup(1);
        final Captured<PartitionErrors> result = new Captured<>();

        fixture.coordinator.commitOffsets(new OffsetCommitRequest(GROUP, -1, "", null,
            Map.of(new OffsetKey("events", 0), OffsetAndMetadata.of(1, -1, ""))), result);

        assertEquals(Map.of(new OffsetKey("events", 0), GroupErrors.UNKNOWN_MEMBER_ID), result.get().partitions());
    }

    @Test
    void shouldAcceptAStandaloneCommitAndCreateAnEmptyGroupWhenTheGroupDoesNotExist() {
        commitStandalone("standalone", "events", 1, 9);

        assertEquals(9L, fetch("standalone", "events", 1).offset());
        assertEquals(List.of(new GroupListing("standalone", "", GroupState.EMPTY)), fixture.coordinator.listGroups());
    }

    @Test
    void shouldAnswerGroupIdNotFoundWhenAMemberCommitsToAGroupThatDoesNotExist() {
        final Captured<PartitionErrors> result = new Captured<>();

        fixture.coordinator.commitOffsets(new OffsetCommitRequest("nope", 3, "m", null,
            Map.of(new OffsetKey("events", 0), OffsetAndMetadata.of(1, -1, ""))), result);

        assertEquals(Map.of(new OffsetKey("events", 0), GroupErrors.GROUP_ID_NOT_FOUND), result.get().partitions());
    }

    @Test
    void shouldRejectACommitWhenItsMetadataIsTooLarge() {
        final Captured<PartitionErrors> result = new Captured<>();
        final String metadata = "m".repeat(GroupConfig.OFFSET_METADATA_MAX_BYTES_DEFAULT + 1);

        fixture.coordinator.commitOffsets(new OffsetCommitRequest(GROUP, -1, "", null,
            Map.of(new OffsetKey("events", 0), OffsetAndMetadata.of(1, -1, metadata))), result);

        assertEquals(Map.of(new OffsetKey("events", 0), GroupErrors.OFFSET_METADATA_TOO_LARGE),
            result.get().partitions());
    }

    @Test
    void shouldRefuseToDeleteOffsetsOfASubscribedTopicAndDeleteTheOthers() {
        final JoinGroupResult member = formGroup(1).joins().get(0);
        commit(member, "events", 0, 10);
        commit(member, "old-topic", 0, 20);
        final Captured<PartitionErrors> result = new Captured<>();

        fixture.coordinator.deleteOffsets(GROUP, List.of(new OffsetKey("events", 0), new OffsetKey("old-topic", 0)),
            result);

        assertEquals(GroupErrors.NONE, result.get().error());
        assertEquals(Map.of(new OffsetKey("events", 0), GroupErrors.GROUP_SUBSCRIBED_TO_TOPIC,
            new OffsetKey("old-topic", 0), GroupErrors.NONE), result.get().partitions());
        assertEquals(10L, fetch(GROUP, "events", 0).offset());
        assertEquals(-1L, fetch(GROUP, "old-topic", 0).offset());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Durability: reload from the log, expiry, bounded log
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldAnswerTheSameOffsetsWhenReloadedFromTheLog() throws IOException {
        final JoinGroupResult member = formGroup(1).joins().get(0);
        commit(member, "events", 0, 11);
        commit(member, "events", 0, 12);
        commit(member, "events", 3, 30);
        commitStandalone("other", "events", 1, 5);

        fixture.restart();

        final OffsetAndMetadata fetched = fetch(GROUP, "events", 0);
        assertEquals(12L, fetched.offset());
        assertEquals(7, fetched.leaderEpoch());
        assertEquals("meta", fetched.metadata());
        assertEquals(30L, fetch(GROUP, "events", 3).offset());
        assertEquals(5L, fetch("other", "events", 1).offset());
    }

    @Test
    void shouldRestoreGenerationMembersAndAssignmentsWhenReloadedFromTheLog() throws IOException {
        final Formed formed = formGroup(2);
        final GroupDescription before = fixture.coordinator.describeGroup(GROUP);

        fixture.restart();

        final GroupDescription after = fixture.coordinator.describeGroup(GROUP);
        assertEquals(GroupState.STABLE, after.state());
        assertEquals(before.protocol(), after.protocol());
        assertEquals(before.members().size(), after.members().size());
        for (int i = 0; i < before.members().size(); i++) {
            assertEquals(before.members().get(i).memberId(), after.members().get(i).memberId());
            assertArrayEquals(before.members().get(i).assignment(), after.members().get(i).assignment());
        }
        for (final JoinGroupResult join : formed.joins()) {
            assertEquals(GroupErrors.NONE, fixture.coordinator.heartbeat(GROUP, join.memberId(), null, 1));
        }
    }

    @Test
    void shouldRestoreStaticMembersWhenReloadedFromTheLog() throws IOException {
        final JoinGroupResult old = formStaticGroup().get(1);

        fixture.restart();

        assertEquals(GroupErrors.NONE, fixture.coordinator.heartbeat(GROUP, old.memberId(), "instance-b", 1));
        final Captured<JoinGroupResult> restarted = fixture.joinStatic(GROUP, "", "instance-b", rangeProtocol());
        assertEquals(GroupErrors.NONE, restarted.get().error());
        assertEquals(GroupErrors.FENCED_INSTANCE_ID,
            fixture.coordinator.heartbeat(GROUP, old.memberId(), "instance-b", 1));
    }

    @Test
    void shouldReloadTheLastStoredGenerationWhenASnapshotWasTakenDuringARebalance() throws IOException {
        fixture.close();
        fixture = new GroupFixture(tempDir, fixture.config.with(GroupConfig.OFFSETS_SNAPSHOT_MIN_BYTES_CONFIG, 4096),
            GroupFixture.testLogConfig());
        final Formed formed = formGroup(2);
        final JoinGroupResult member = formed.joins().get(0);
        final JoinGroupResult other = formed.joins().get(1);
        fixture.join(GROUP, member.memberId(), List.of(new Protocol("range", subscription("events", "x"))));
        fixture.join(GROUP, other.memberId(), rangeProtocol()).get();
        assertEquals(GroupState.COMPLETING_REBALANCE, fixture.coordinator.describeGroup(GROUP).state());
        for (int i = 0; i < 1_000 && fixture.coordinator.snapshotCount(0) == 0; i++) {
            commitStandalone("filler", "events", i % 4, i);
        }
        assertEquals(1, fixture.coordinator.snapshotCount(0));

        fixture.restart();

        assertEquals(GroupState.STABLE, fixture.coordinator.describeGroup(GROUP).state());
        assertEquals(GroupErrors.NONE, fixture.coordinator.heartbeat(GROUP, member.memberId(), null, 1));
        final Captured<SyncGroupResult> sync = fixture.sync(GROUP, member, Map.of());
        assertEquals(formed.syncs().get(member.memberId()).assignment().length, sync.get().assignment().length);
        assertFalse(decodeAssignment(sync.get().assignment()).isEmpty());
    }

    @Test
    void shouldAcknowledgeACommitOnlyWhenItsAppendCompletes() {
        fixture.offsetsLog.defer(true);
        final Captured<PartitionErrors> result = new Captured<>();

        fixture.coordinator.commitOffsets(new OffsetCommitRequest(GROUP, -1, "", null,
            Map.of(new OffsetKey("events", 0), OffsetAndMetadata.of(8, -1, ""))), result);

        result.assertParked();
        assertEquals(-1L, fetch(GROUP, "events", 0).offset());
        fixture.offsetsLog.completeAll();
        assertEquals(Map.of(new OffsetKey("events", 0), GroupErrors.NONE), result.get().partitions());
        assertEquals(8L, fetch(GROUP, "events", 0).offset());
    }

    @Test
    void shouldAnswerNotCoordinatorAndKeepThePreviousOffsetWhenTheAppendFails() {
        commitStandalone(GROUP, "events", 0, 5);
        fixture.offsetsLog.defer(true);
        final Captured<PartitionErrors> result = new Captured<>();

        fixture.coordinator.commitOffsets(new OffsetCommitRequest(GROUP, -1, "", null,
            Map.of(new OffsetKey("events", 0), OffsetAndMetadata.of(6, -1, ""))), result);
        fixture.offsetsLog.failAll(56);

        assertEquals(Map.of(new OffsetKey("events", 0), GroupErrors.NOT_COORDINATOR), result.get().partitions());
        assertEquals(5L, fetch(GROUP, "events", 0).offset());
    }

    @Test
    void shouldAdvanceTheLogStartOnlyWhenEverySnapshotAppendHasCompleted() throws IOException {
        fixture.close();
        fixture = new GroupFixture(tempDir, fixture.config.with(GroupConfig.OFFSETS_SNAPSHOT_MIN_BYTES_CONFIG, 4096),
            GroupFixture.testLogConfig());
        fixture.offsetsLog.defer(true);
        for (int i = 0; i < 1_000 && fixture.offsetsLog.pending() <= 1; i++) {
            fixture.offsetsLog.completeAll();
            final Captured<PartitionErrors> result = new Captured<>();
            fixture.coordinator.commitOffsets(new OffsetCommitRequest("group-" + (i % 10), -1, "", null,
                Map.of(new OffsetKey("events", 0), OffsetAndMetadata.of(i, -1, ""))), result);
        }
        assertTrue(fixture.offsetsLog.pending() > 1, "no snapshot started");
        assertEquals(0L, fixture.log.logStartOffset());
        assertEquals(0, fixture.coordinator.snapshotCount(0));

        fixture.offsetsLog.completeAll();

        assertEquals(1, fixture.coordinator.snapshotCount(0));
        assertTrue(fixture.log.logStartOffset() > 0);
    }

    @Test
    void shouldRefuseToLoadAndNameTheOffsetWhenTheLogHoldsAnUndecodableRecord() throws IOException {
        commitStandalone(GROUP, "events", 0, 1);
        final long badOffset = fixture.log.logEndOffset();
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
            builder.append(0L, new byte[] {0, 1, 0, 50, 'g'}, new byte[] {0, 3});
            fixture.log.append(builder.build());
        }
        fixture.coordinator.close();
        final GroupCoordinator reloaded = new GroupCoordinator(fixture.config, fixture.timer, fixture.timer);

        final IOException thrown = assertThrows(IOException.class,
            () -> reloaded.loadPartition(new LocalOffsetsLog(fixture.log)));

        assertTrue(thrown.getMessage().startsWith("Cannot replay __consumer_offsets-0: the record at offset="
            + badOffset + " is not a group or offset record Keel can read"), thrown.getMessage());
        assertFalse(reloaded.isLoaded(0));
    }

    @Test
    void shouldReloadAnEmptyConsumerGroupWithItsOffsetsWhenTheLastMemberLeft() throws IOException {
        final JoinGroupResult member = formGroup(1).joins().get(0);
        commit(member, "events", 1, 77);
        fixture.coordinator.leaveGroup(GROUP, List.of(new MemberIdentity(member.memberId(), null)));
        assertEquals(GroupState.EMPTY, fixture.coordinator.describeGroup(GROUP).state());

        fixture.restart();

        assertEquals(List.of(new GroupListing(GROUP, "consumer", GroupState.EMPTY)), fixture.coordinator.listGroups());
        assertEquals(77L, fetch(GROUP, "events", 1).offset());
        assertEquals(GroupErrors.UNKNOWN_MEMBER_ID, fixture.coordinator.heartbeat(GROUP, member.memberId(), null, 2));
    }

    @Test
    void shouldExpireMembersAfterTheSessionTimeoutWhenReloadedAndNobodyHeartbeats() throws IOException {
        formGroup(2);

        fixture.restart();
        fixture.timer.advance(SESSION_TIMEOUT_MS);

        final GroupDescription description = fixture.coordinator.describeGroup(GROUP);
        assertEquals(GroupState.EMPTY, description.state());
        assertTrue(description.members().isEmpty());
    }

    @Test
    void shouldWriteTombstonesAndRemoveTheGroupWhenItsOffsetsExpire() throws IOException {
        commitStandalone("temp", "events", 0, 1);
        commitStandalone("temp", "events", 1, 2);
        fixture.timer.advance(GroupConfig.OFFSETS_RETENTION_MINUTES_DEFAULT * 60_000L);

        assertEquals(2, fixture.coordinator.expireOffsets());

        final List<GroupFixture.LoggedRecord> records = fixture.loggedRecords();
        final List<GroupFixture.LoggedRecord> tail = records.subList(records.size() - 3, records.size());
        for (final GroupFixture.LoggedRecord record : tail) {
            assertFalse(record.hasValue(), record.toString());
            assertEquals("temp", record.key().group());
        }
        assertFalse(tail.get(2).key().isOffset());
        assertTrue(fixture.coordinator.listGroups().isEmpty());
        fixture.restart();
        assertTrue(fixture.coordinator.listGroups().isEmpty());
    }

    @Test
    void shouldExpireOffsetsOnTheRetentionCheckIntervalWhenStarted() {
        commitStandalone("temp", "events", 0, 1);
        fixture.coordinator.start();

        fixture.timer.advance(GroupConfig.OFFSETS_RETENTION_MINUTES_DEFAULT * 60_000L
            + GroupConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS_DEFAULT);

        assertEquals(-1L, fetch("temp", "events", 0).offset());
        assertTrue(fixture.coordinator.listGroups().isEmpty());
    }

    @Test
    void shouldKeepTheOffsetsOfAnEmptyGroupUntilRetentionPassesSinceItBecameEmpty() throws IOException {
        fixture.close();
        fixture = new GroupFixture(tempDir, fixture.config.with(GroupConfig.OFFSETS_RETENTION_MINUTES_CONFIG, 1),
            GroupFixture.testLogConfig());
        final JoinGroupResult member = formGroup(1).joins().get(0);
        commit(member, "events", 0, 3);
        for (int i = 0; i < 13; i++) {
            fixture.timer.advance(SESSION_TIMEOUT_MS / 2);
            assertEquals(GroupErrors.NONE, fixture.coordinator.heartbeat(GROUP, member.memberId(), null, 1));
        }
        assertEquals(0, fixture.coordinator.expireOffsets());
        fixture.coordinator.leaveGroup(GROUP, List.of(new MemberIdentity(member.memberId(), null)));

        fixture.timer.advance(60_000 - 1);
        assertEquals(0, fixture.coordinator.expireOffsets());
        fixture.timer.advance(1);

        assertEquals(1, fixture.coordinator.expireOffsets());
    }

    @Test
    void shouldExpireOnlyOffsetsOfTopicsAStableConsumerGroupNoLongerSubscribesTo() throws IOException {
        fixture.close();
        fixture = new GroupFixture(tempDir, fixture.config.with(GroupConfig.OFFSETS_RETENTION_MINUTES_CONFIG, 1),
            GroupFixture.testLogConfig());
        final JoinGroupResult member = formGroup(1).joins().get(0);
        commit(member, "events", 0, 3);
        commit(member, "old-topic", 0, 4);
        for (int i = 0; i < 13; i++) {
            fixture.timer.advance(SESSION_TIMEOUT_MS / 2);
            assertEquals(GroupErrors.NONE, fixture.coordinator.heartbeat(GROUP, member.memberId(), null, 1));
        }

        assertEquals(1, fixture.coordinator.expireOffsets());

        assertEquals(3L, fetch(GROUP, "events", 0).offset());
        assertEquals(-1L, fetch(GROUP, "old-topic", 0).offset());
    }

    @Test
    void shouldKeepTheLogBoundedWhenManyGroupsCommitAndExpire() throws IOException {
        fixture.close();
        fixture = new GroupFixture(tempDir, GroupFixture.testConfig()
            .with(GroupConfig.OFFSETS_RETENTION_MINUTES_CONFIG, 1)
            .with(GroupConfig.OFFSETS_SNAPSHOT_MIN_BYTES_CONFIG, 16 * 1024),
            GroupFixture.testLogConfig().with(keel.log.LogConfig.SEGMENT_BYTES_CONFIG, 64 * 1024));
        long maxSize = 0;
        final int cycles = 400;
        for (int cycle = 0; cycle < cycles; cycle++) {
            for (int partition = 0; partition < 4; partition++) {
                commitStandalone("temp-" + cycle, "events", partition, cycle);
            }
            fixture.timer.advance(61_000);
            for (int partition = 0; partition < 4; partition++) {
                commitStandalone("live", "events", partition, cycle);
            }
            fixture.coordinator.expireOffsets();
            maxSize = Math.max(maxSize, fixture.log.sizeInBytes());
        }

        assertTrue(fixture.coordinator.snapshotCount(0) > 0);
        assertTrue(maxSize < 64 * 1024, "log grew to " + maxSize + " bytes");
        assertTrue(fixture.log.logStartOffset() > fixture.log.logEndOffset() / 2,
            "log start " + fixture.log.logStartOffset() + " end " + fixture.log.logEndOffset());
        fixture.restart();
        assertEquals(List.of(new GroupListing("live", "", GroupState.EMPTY)), fixture.coordinator.listGroups());
        assertEquals(cycles - 1L, fetch("live", "events", 3).offset());
    }
}

package keel.server.group;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static keel.server.group.GroupFixture.decodeAssignment;
import static keel.server.group.GroupFixture.rangeAssign;
import static keel.server.group.GroupFixture.rangeProtocol;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded churn: consumers join, leave, crash and come back while time passes, each following the classic protocol
 * as kafka-clients does. After every step no partition may be owned twice by consumers of the group's current
 * generation; once the churn stops, the group must settle with every live consumer owning its share. Re-run one
 * seed by editing the value source. Two of the consumers are static members.
 */
class GroupCoordinatorSimulationTest {
    private static final String GROUP = "sim";
    private static final int MAX_CLIENTS = 6;
    private static final int STEPS = 300;
    /** Clients below this id are static members (KIP-345): they rejoin after a crash with their instance id. */
    private static final int STATIC_CLIENTS = 2;

    @TempDir
    Path tempDir;

    /** A consumer's view of its membership. */
    private final class Client {
        final int id;
        String memberId = "";
        int generation = -1;
        List<Integer> owned = List.of();
        boolean alive;
        boolean stable;
        Captured<JoinGroupResult> join;
        Captured<SyncGroupResult> sync;

        Client(final int id) {
            this.id = id;
        }

        void startJoin(final GroupFixture fixture) {
            stable = false;
            owned = List.of();
            join = id < STATIC_CLIENTS ? fixture.joinStatic(GROUP, memberId, "instance-" + id, rangeProtocol())
                : fixture.join(GROUP, memberId, rangeProtocol());
        }

        /** Reacts to completed requests; returns true if something happened. */
        boolean poll(final GroupFixture fixture) {
            if (join != null && join.isDone()) {
                final JoinGroupResult result = join.get();
                join = null;
                if (result.error() == GroupErrors.MEMBER_ID_REQUIRED) {
                    memberId = result.memberId();
                    startJoin(fixture);
                } else if (result.error() == GroupErrors.NONE) {
                    memberId = result.memberId();
                    generation = result.generationId();
                    sync = fixture.sync(GROUP, result, result.members().isEmpty() ? Map.of()
                        : rangeAssign(result.members()));
                } else {
                    onError(fixture, result.error());
                }
                return true;
            }
            if (sync != null && sync.isDone()) {
                final SyncGroupResult result = sync.get();
                sync = null;
                if (result.error() == GroupErrors.NONE) {
                    owned = decodeAssignment(result.assignment());
                    stable = true;
                } else {
                    onError(fixture, result.error());
                }
                return true;
            }
            return false;
        }

        void heartbeat(final GroupFixture fixture) {
            if (!stable) {
                return;
            }
            final short error = fixture.coordinator.heartbeat(GROUP, memberId,
                id < STATIC_CLIENTS ? "instance-" + id : null, generation);
            if (error != GroupErrors.NONE) {
                onError(fixture, error);
            }
        }

        void onError(final GroupFixture fixture, final short error) {
            if (error == GroupErrors.UNKNOWN_MEMBER_ID || error == GroupErrors.ILLEGAL_GENERATION) {
                memberId = error == GroupErrors.UNKNOWN_MEMBER_ID ? "" : memberId;
                generation = -1;
            } else if (error != GroupErrors.REBALANCE_IN_PROGRESS) {
                fail("client " + id + " got " + GroupErrors.name(error));
            }
            startJoin(fixture);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void shouldNeverAssignAPartitionTwiceAndSettleWhenConsumersChurn(final long seed) throws IOException {
        final Random random = new Random(seed);
        try (GroupFixture fixture = new GroupFixture(tempDir, GroupFixture.testConfig()
            .with(GroupConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, 1_000), GroupFixture.testLogConfig())) {
            final List<Client> clients = new ArrayList<>();
            for (int i = 0; i < MAX_CLIENTS; i++) {
                clients.add(new Client(i));
            }
            for (int step = 0; step < STEPS; step++) {
                final Client client = clients.get(random.nextInt(MAX_CLIENTS));
                final int action = random.nextInt(10);
                if (!client.alive && action < 3) {
                    client.alive = true;
                    client.memberId = "";
                    client.startJoin(fixture);
                } else if (client.alive && action == 3) {
                    // a static member's close does not send LeaveGroup (kafka-clients behaviour)
                    if (!client.memberId.isEmpty() && client.id >= STATIC_CLIENTS) {
                        fixture.coordinator.leaveGroup(GROUP, List.of(new MemberIdentity(client.memberId, null)));
                    }
                    drop(client);
                } else if (client.alive && action == 4) {
                    drop(client);
                } else {
                    fixture.timer.advance(500 + random.nextInt(2_500));
                }
                settleRequests(fixture, clients);
                assertNoPartitionOwnedTwice(fixture, clients, seed, step);
            }

            for (int round = 0; round < 200 && !settled(fixture, clients); round++) {
                fixture.timer.advance(1_000);
                settleRequests(fixture, clients);
                assertNoPartitionOwnedTwice(fixture, clients, seed, STEPS + round);
            }
            assertTrue(settled(fixture, clients), "seed " + seed + ": the group did not settle");
        }
    }

    private static void drop(final Client client) {
        client.alive = false;
        client.stable = false;
        client.owned = List.of();
        client.join = null;
        client.sync = null;
    }

    private static void settleRequests(final GroupFixture fixture, final List<Client> clients) {
        for (int round = 0; round < 100; round++) {
            boolean progressed = false;
            for (final Client client : clients) {
                if (client.alive) {
                    progressed |= client.poll(fixture);
                }
            }
            for (final Client client : clients) {
                if (client.alive) {
                    client.heartbeat(fixture);
                }
            }
            if (!progressed) {
                return;
            }
        }
        fail("requests kept completing for 100 rounds");
    }

    private static void assertNoPartitionOwnedTwice(final GroupFixture fixture, final List<Client> clients,
                                                    final long seed, final int step) {
        final Map<Integer, Integer> owners = new HashMap<>();
        for (final Client client : clients) {
            if (!client.alive || !client.stable) {
                continue;
            }
            for (final int partition : client.owned) {
                final Integer previous = owners.put(partition, client.id);
                if (previous != null) {
                    fail("seed " + seed + " step " + step + ": partition " + partition + " owned by clients "
                        + previous + " and " + client.id + " " + fixture.coordinator.describeGroup(GROUP));
                }
            }
        }
    }

    private static boolean settled(final GroupFixture fixture, final List<Client> clients) {
        final GroupDescription description = fixture.coordinator.describeGroup(GROUP);
        int alive = 0;
        final List<Integer> owned = new ArrayList<>();
        for (final Client client : clients) {
            if (client.alive) {
                alive++;
                if (!client.stable) {
                    return false;
                }
                owned.addAll(client.owned);
            }
        }
        if (alive == 0) {
            return description.members().isEmpty();
        }
        owned.sort(null);
        return description.state() == GroupState.STABLE && description.members().size() == alive
            && owned.equals(List.of(0, 1, 2, 3));
    }
}

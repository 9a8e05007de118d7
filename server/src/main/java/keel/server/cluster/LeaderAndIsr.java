package keel.server.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A partition's state as the controller (leader, leader epoch, ISR) and the leader (ISR) record it in
 * {@code /brokers/topics/<topic>/partitions/<p>/state}:
 * {@code {"version":1,"leader":1,"leader_epoch":3,"isr":[1,2],"controller_epoch":2}}. The partition epoch is not in
 * the JSON: it is the znode's data version, which every conditional write checks. Immutable.
 *
 * @param leader          the leader's broker id, or {@link #NO_LEADER} when no eligible replica is alive.
 * @param leaderEpoch     bumped on every leader election (and when the controller removes a replica from the ISR).
 * @param isr             the in-sync replicas.
 * @param controllerEpoch the epoch of the controller that last elected a leader for this partition.
 * @param partitionEpoch  the state znode's version when read (-1 for a state not yet written).
 */
public record LeaderAndIsr(int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch, int partitionEpoch) {
    /** The leader of a partition none of whose eligible replicas is alive (Kafka's {@code NO_LEADER}). */
    public static final int NO_LEADER = -1;

    public LeaderAndIsr {
        isr = List.copyOf(isr);
    }

    /**
     * @param newIsr the new ISR.
     * @return this state with another ISR (same leader and epochs), as a leader proposes it.
     */
    public LeaderAndIsr withIsr(final List<Integer> newIsr) {
        return new LeaderAndIsr(leader, leaderEpoch, newIsr, controllerEpoch, partitionEpoch);
    }

    LeaderAndIsr withPartitionEpoch(final int version) {
        return new LeaderAndIsr(leader, leaderEpoch, isr, controllerEpoch, version);
    }

    byte[] toJson() {
        return ("{\"version\":1,\"leader\":" + leader + ",\"leader_epoch\":" + leaderEpoch + ",\"isr\":"
            + Json.intArray(isr) + ",\"controller_epoch\":" + controllerEpoch + "}").getBytes(StandardCharsets.UTF_8);
    }

    static LeaderAndIsr fromJson(final byte[] data, final int version) {
        final Map<String, Object> json = Json.parseObject(data);
        return new LeaderAndIsr(Json.intField(json, "leader"), Json.intField(json, "leader_epoch"),
            Json.intList(json.get("isr"), "isr"), Json.intField(json, "controller_epoch"), version);
    }
}

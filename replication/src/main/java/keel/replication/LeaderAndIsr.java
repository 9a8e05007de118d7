package keel.replication;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The replicated state of one partition as the cluster layer stores it (Kafka's {@code LeaderAndIsr}, the
 * content of ZooKeeper's {@code /brokers/topics/<topic>/partitions/<p>/state}): the leader, its epoch, the in-sync
 * replica set and the partition epoch, the version of that record (the znode version) that a conditional write
 * must name. Immutable; thread-safe.
 */
public final class LeaderAndIsr {
    /** Leader id when the partition has no leader. */
    public static final int NO_LEADER = -1;

    private final int leader;
    private final int leaderEpoch;
    private final List<Integer> isr;
    private final int partitionEpoch;

    /**
     * @param leader         the leader's broker id, or {@link #NO_LEADER}.
     * @param leaderEpoch    the leader epoch (bumped by the controller on every leader election).
     * @param isr            the in-sync replicas' broker ids, leader included.
     * @param partitionEpoch the version of this state (the znode version); conditional writes name it.
     */
    public LeaderAndIsr(final int leader, final int leaderEpoch, final List<Integer> isr, final int partitionEpoch) {
        this.leader = leader;
        this.leaderEpoch = leaderEpoch;
        this.isr = Collections.unmodifiableList(new ArrayList<>(isr));
        this.partitionEpoch = partitionEpoch;
    }

    public int leader() {
        return leader;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    /**
     * @return the in-sync replicas, unmodifiable.
     */
    public List<Integer> isr() {
        return isr;
    }

    public int partitionEpoch() {
        return partitionEpoch;
    }

    /**
     * @param newIsr the proposed in-sync set.
     * @return the same leader and epochs with {@code newIsr}: what a leader proposes to the store.
     */
    public LeaderAndIsr withIsr(final List<Integer> newIsr) {
        return new LeaderAndIsr(leader, leaderEpoch, newIsr, partitionEpoch);
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof LeaderAndIsr)) {
            return false;
        }
        final LeaderAndIsr other = (LeaderAndIsr) o;
        return leader == other.leader && leaderEpoch == other.leaderEpoch && partitionEpoch == other.partitionEpoch
            && isr.equals(other.isr);
    }

    @Override
    public int hashCode() {
        return ((leader * 31 + leaderEpoch) * 31 + partitionEpoch) * 31 + isr.hashCode();
    }

    @Override
    public String toString() {
        return "LeaderAndIsr{leader=" + leader + ", leaderEpoch=" + leaderEpoch + ", isr=" + isr
            + ", partitionEpoch=" + partitionEpoch + '}';
    }
}

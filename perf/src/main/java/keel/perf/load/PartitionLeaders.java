package keel.perf.load;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * A partition's leader and in-sync replicas, read through the Admin API (DescribeTopics). Stateless, thread-safe.
 */
public final class PartitionLeaders {

    private static final long POLL_INTERVAL_MS = 200;

    private PartitionLeaders() {
    }

    /**
     * @return the node id of the partition's leader
     * @throws LoadException when the partition has no leader or the cluster does not answer
     */
    public static int leader(final String bootstrap, final String topic, final int partition) {
        try (Admin admin = Admin.create(props(bootstrap))) {
            final TopicPartitionInfo info = describe(admin, topic, partition);
            final Node leader = info.leader();
            if (leader == null || leader.isEmpty()) {
                throw new LoadException("no leader: topic=" + topic + " partition=" + partition + " bootstrap="
                    + bootstrap);
            }
            return leader.id();
        } catch (final ExecutionException | TimeoutException e) {
            throw new LoadException("cannot describe topic: topic=" + topic + " bootstrap=" + bootstrap + " cause="
                + e.getCause(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadException("interrupted describing topic: topic=" + topic, e);
        }
    }

    /**
     * Waits until the partition has a leader and {@code replicas} in-sync replicas (a restarted broker caught up).
     *
     * @throws LoadException when that does not happen within the timeout
     */
    public static void awaitFullIsr(final String bootstrap, final String topic, final int partition,
                                    final int replicas, final long timeoutMs) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String last = "no answer";
        try (Admin admin = Admin.create(props(bootstrap))) {
            while (System.nanoTime() - deadline < 0) {
                try {
                    final TopicPartitionInfo info = describe(admin, topic, partition);
                    if (info.leader() != null && !info.leader().isEmpty() && info.isr().size() >= replicas) {
                        return;
                    }
                    last = "leader=" + info.leader() + " isr=" + info.isr();
                } catch (final ExecutionException | TimeoutException e) {
                    last = String.valueOf(e.getCause() == null ? e : e.getCause());
                }
                TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL_MS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadException("interrupted waiting for the ISR: topic=" + topic, e);
        }
        throw new LoadException("ISR not full after " + timeoutMs + " ms: topic=" + topic + " partition=" + partition
            + " replicas=" + replicas + " last=" + last);
    }

    private static TopicPartitionInfo describe(final Admin admin, final String topic, final int partition)
        throws ExecutionException, TimeoutException, InterruptedException {
        final TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
            .get(10, TimeUnit.SECONDS).get(topic);
        if (description == null || description.partitions().size() <= partition) {
            throw new LoadException("no such partition: topic=" + topic + " partition=" + partition);
        }
        return description.partitions().get(partition);
    }

    private static Properties props(final String bootstrap) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        return props;
    }
}

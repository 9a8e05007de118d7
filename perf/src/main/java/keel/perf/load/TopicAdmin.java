package keel.perf.load;

import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates topics through the Admin API and waits until every partition has a leader. Stateless, thread-safe.
 */
public final class TopicAdmin {

    private static final long READY_TIMEOUT_MS = 60_000;
    private static final long POLL_INTERVAL_MS = 100;

    private TopicAdmin() {
    }

    /**
     * Creates the topic when it does not exist, then waits until all its partitions have a leader.
     *
     * @param bootstrap         bootstrap.servers
     * @param topic             the topic name
     * @param partitions        partitions for a new topic
     * @param replicationFactor replication factor for a new topic, or -1 for the server's default.replication.factor
     * @return the topic's partition count (an existing topic keeps its own)
     * @throws LoadException when the server refuses or does not answer in time
     */
    public static int ensureTopic(final String bootstrap, final String topic, final int partitions,
                                  final short replicationFactor) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            final Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!names.contains(topic)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), replicationFactor < 0
                            ? Optional.empty() : Optional.of(replicationFactor))))
                        .all().get(30, TimeUnit.SECONDS);
                } catch (final ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return awaitLeaders(admin, topic);
        } catch (final ExecutionException | TimeoutException e) {
            throw new LoadException("cannot create topic: topic=" + topic + " bootstrap=" + bootstrap + " cause="
                + e.getCause(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadException("interrupted creating topic: topic=" + topic, e);
        }
    }

    /**
     * Deletes a topic, so a long comparison does not fill the disk; servers that cannot delete keep it.
     *
     * @return true when the server accepted the deletion
     */
    public static boolean tryDeleteTopic(final String bootstrap, final String topic) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            return true;
        } catch (final ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int awaitLeaders(final Admin admin, final String topic)
        throws InterruptedException, TimeoutException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            try {
                final Map<String, TopicDescription> descriptions =
                    admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
                final TopicDescription description = descriptions.get(topic);
                boolean ready = description != null && !description.partitions().isEmpty();
                if (ready) {
                    for (final TopicPartitionInfo partition : description.partitions()) {
                        ready &= partition.leader() != null && !partition.leader().isEmpty();
                    }
                }
                if (ready) {
                    return description.partitions().size();
                }
                last = "partitions without a leader";
            } catch (final ExecutionException e) {
                last = String.valueOf(e.getCause());
            }
            TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL_MS);
        }
        throw new TimeoutException("topic not ready after " + READY_TIMEOUT_MS + " ms: topic=" + topic + " last="
            + last);
    }
}

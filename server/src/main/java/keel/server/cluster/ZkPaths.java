package keel.server.cluster;

/**
 * The znodes of a Keel cluster (Kafka's ZooKeeper layout where the concept is the same). See docs/cluster.md.
 * Constants only.
 */
final class ZkPaths {
    static final String BROKER_IDS = "/brokers/ids";
    static final String TOPICS = "/brokers/topics";
    static final String CONTROLLER = "/controller";
    static final String CONTROLLER_EPOCH = "/controller_epoch";
    static final String DELETE_TOPICS = "/admin/delete_topics";
    static final String CONTROLLED_SHUTDOWN = "/admin/controlled_shutdown";
    static final String CLUSTER_ID = "/cluster/id";
    static final String TOPIC_CONFIGS = "/config/topics";

    private ZkPaths() {
    }

    static String topicConfig(final String topic) {
        return TOPIC_CONFIGS + "/" + topic;
    }

    static String broker(final int id) {
        return BROKER_IDS + "/" + id;
    }

    static String topic(final String topic) {
        return TOPICS + "/" + topic;
    }

    static String partitions(final String topic) {
        return TOPICS + "/" + topic + "/partitions";
    }

    static String partition(final String topic, final int partition) {
        return partitions(topic) + "/" + partition;
    }

    static String state(final String topic, final int partition) {
        return partition(topic, partition) + "/state";
    }
}

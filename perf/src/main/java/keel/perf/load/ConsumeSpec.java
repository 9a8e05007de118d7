package keel.perf.load;

import java.util.Map;

/**
 * A consume workload. Immutable, thread-safe.
 *
 * @param bootstrap  bootstrap.servers
 * @param topic      the topic
 * @param records    records to read in total; 0 for everything up to the end offsets seen at the start
 * @param durationNs how long to read at most; 0 for no time limit
 * @param consumers  consumers in parallel, one thread each
 * @param group      a consumer group to subscribe with, or null to assign partitions (round robin) and read from
 *                   the beginning without a group
 * @param properties further consumer properties, applied last
 */
public record ConsumeSpec(String bootstrap, String topic, long records, long durationNs, int consumers,
                          String group, Map<String, String> properties) {

    /**
     * @return this workload against another server and topic
     */
    public ConsumeSpec withTarget(final String newBootstrap, final String newTopic) {
        return new ConsumeSpec(newBootstrap, newTopic, records, durationNs, consumers, group, properties);
    }
}

package keel.perf.load;

import java.util.Map;

/**
 * A produce workload. Immutable, thread-safe.
 *
 * @param bootstrap        bootstrap.servers
 * @param topic            the topic (created with {@code partitions} partitions when missing)
 * @param partitions       partitions for a topic that does not exist yet
 * @param recordSizeBytes  value size of every record
 * @param records          records to send in total; 0 for no count limit (then {@code durationNs} applies)
 * @param durationNs       how long to send; 0 for no time limit
 * @param acks             acks: 0, 1 or all
 * @param batchSizeBytes   batch.size
 * @param lingerMs         linger.ms
 * @param compression      compression.type
 * @param producers        producers sending in parallel, one thread and one KafkaProducer each
 * @param ratePerSec       records per second over all producers; 0 for unlimited
 * @param properties       further producer properties, applied last
 */
public record ProduceSpec(String bootstrap, String topic, int partitions, int recordSizeBytes, long records,
                          long durationNs, String acks, int batchSizeBytes, int lingerMs, String compression,
                          int producers, double ratePerSec, Map<String, String> properties) {

    /**
     * @return this workload at another rate
     */
    public ProduceSpec withRate(final double newRatePerSec) {
        return new ProduceSpec(bootstrap, topic, partitions, recordSizeBytes, records, durationNs, acks,
            batchSizeBytes, lingerMs, compression, producers, newRatePerSec, properties);
    }

    /**
     * @return this workload against another server and topic
     */
    public ProduceSpec withTarget(final String newBootstrap, final String newTopic) {
        return new ProduceSpec(newBootstrap, newTopic, partitions, recordSizeBytes, records, durationNs, acks,
            batchSizeBytes, lingerMs, compression, producers, ratePerSec, properties);
    }

    /**
     * @return this workload with another count and duration
     */
    public ProduceSpec withLimits(final long newRecords, final long newDurationNs) {
        return new ProduceSpec(bootstrap, topic, partitions, recordSizeBytes, newRecords, newDurationNs, acks,
            batchSizeBytes, lingerMs, compression, producers, ratePerSec, properties);
    }
}

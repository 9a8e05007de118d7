package keel.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A kafka-clients consumer in a group, polling on its own thread (the consumer is confined to it): its current
 * assignment, every partition revoked from it, and every record it received are readable from the test thread.
 */
final class PolledConsumer implements AutoCloseable {
    private final Thread thread;
    private final ConcurrentLinkedQueue<java.util.function.Consumer<KafkaConsumer<byte[], byte[]>>> commands = new ConcurrentLinkedQueue<>();
    private final List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
    private final List<TopicPartition> revoked = new CopyOnWriteArrayList<>();
    private volatile Set<Integer> assignment = Set.of();
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile CloseOptions closeOptions = CloseOptions.groupMembershipOperation(
        CloseOptions.GroupMembershipOperation.DEFAULT);
    private final AtomicInteger assignedCalls = new AtomicInteger();
    private final AtomicInteger polls = new AtomicInteger();

    PolledConsumer(final Properties base, final String topic, final Map<String, Object> extra) {
        final Properties props = new Properties();
        props.putAll(base);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        props.put("heartbeat.interval.ms", "300");
        props.putAll(extra);
        thread = new Thread(() -> run(props, topic), "polled-consumer-" + props.get("group.id"));
        thread.setDaemon(true);
        thread.start();
    }

    private void run(final Properties props, final String topic) {
        final KafkaConsumer<byte[], byte[]> consumer;
        try {
            consumer = new KafkaConsumer<>(props);
        } catch (final Throwable ex) {
            failure = ex;
            return;
        }
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
                    revoked.addAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
                    // the assignment is published after each poll
                    assignedCalls.incrementAndGet();
                }
            });
            // bounded: about 10 minutes of 50 ms polls, far beyond any test's timeout
            for (int i = 0; i < 12_000 && running; i++) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    records.add(record);
                }
                final Set<Integer> now = new TreeSet<>();
                for (final TopicPartition tp : consumer.assignment()) {
                    now.add(tp.partition());
                }
                assignment = now;
                polls.incrementAndGet();
                for (var command = commands.poll(); command != null; command = commands.poll()) {
                    command.accept(consumer);
                }
            }
        } catch (final Throwable ex) {
            failure = ex;
        } finally {
            try {
                consumer.close(closeOptions);
            } catch (final RuntimeException ex) {
                if (failure == null) {
                    failure = ex;
                }
            }
        }
    }

    /**
     * Runs {@code action} on the consumer's thread after its next poll, and waits for it.
     */
    void onConsumerThread(final java.util.function.Consumer<KafkaConsumer<byte[], byte[]>> action)
        throws InterruptedException {
        final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        commands.add(consumer -> {
            try {
                action.accept(consumer);
            } finally {
                done.countDown();
            }
        });
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the consumer thread did not run the command within 30 s");
        }
    }

    Set<Integer> assignment() {
        return assignment;
    }

    List<TopicPartition> revoked() {
        return new ArrayList<>(revoked);
    }

    List<ConsumerRecord<byte[], byte[]>> records() {
        return records;
    }

    /** @return how many times the rebalance listener was told of an assignment (once per completed rebalance). */
    int assignedCalls() {
        return assignedCalls.get();
    }

    /** @return polls completed. */
    int polls() {
        return polls.get();
    }

    /**
     * Closes the consumer without leaving the group (KIP-345: a static member stays until its session expires) and
     * waits for its thread to end.
     */
    void closeRemainingInGroup() throws InterruptedException {
        closeOptions = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
        close();
    }

    Throwable failure() {
        return failure;
    }

    /** Closes the consumer (it sends LeaveGroup) on its own thread and waits for the thread to end. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(60_000);
    }
}

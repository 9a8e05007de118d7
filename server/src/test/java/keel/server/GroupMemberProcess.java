package keel.server;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The main of a child JVM that is one member of a consumer group until it is killed: {@code BOOTSTRAP TOPIC GROUP
 * SESSION_TIMEOUT_MS}. Prints {@code ASSIGNED p1,p2,...} on stdout whenever its assignment changes, so that the parent
 * synchronises on lines, never on time.
 */
public final class GroupMemberProcess {
    private GroupMemberProcess() {
    }

    public static void main(final String[] args) {
        final Properties props = new Properties();
        props.put("bootstrap.servers", args[0]);
        props.put("group.id", args[2]);
        props.put("session.timeout.ms", args[3]);
        props.put("heartbeat.interval.ms", "300");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(args[1]));
            Set<Integer> last = null;
            for (int i = 0; i < 1_000_000; i++) {
                consumer.poll(Duration.ofMillis(100));
                final Set<Integer> now = new TreeSet<>();
                for (final TopicPartition tp : consumer.assignment()) {
                    now.add(tp.partition());
                }
                if (!now.equals(last)) {
                    last = now;
                    System.out.println("ASSIGNED " + String.join(",", now.stream().map(String::valueOf).toList()));
                    System.out.flush();
                }
            }
        }
    }
}

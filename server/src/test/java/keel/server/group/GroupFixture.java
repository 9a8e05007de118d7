package keel.server.group;

import keel.log.Log;
import keel.log.LogConfig;
import keel.log.LogOptions;
import keel.log.RecordBatchView;
import keel.log.RecordReader;
import keel.log.RecordView;
import keel.server.group.internal.OffsetsRecordFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A coordinator over a real {@code __consumer_offsets-0} log in a temporary directory, a manual clock and timer, and
 * a client-side view of the classic protocol (join with the member-id-required dance, sync, a range assignor).
 * Confined to the test's thread.
 */
final class GroupFixture implements AutoCloseable {
    static final String TOPIC = "events";
    static final int TOPIC_PARTITIONS = 4;
    static final int SESSION_TIMEOUT_MS = 10_000;
    static final int REBALANCE_TIMEOUT_MS = 30_000;

    final Path dir;
    final LogConfig logConfig;
    final ManualTimer timer = new ManualTimer(1_000_000L);
    GroupConfig config;
    Log log;
    DeferredOffsetsLog offsetsLog;
    GroupCoordinator coordinator;

    GroupFixture(final Path tempDir, final GroupConfig config, final LogConfig logConfig) throws IOException {
        this.dir = tempDir.resolve("__consumer_offsets-0");
        this.config = config;
        this.logConfig = logConfig;
        open();
    }

    static GroupConfig testConfig() {
        return GroupConfig.defaults()
            .with(GroupConfig.OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG, 1)
            .with(GroupConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, 0);
    }

    static LogConfig testLogConfig() {
        return LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 1024 * 1024)
            .with(LogConfig.SEGMENT_INDEX_BYTES_CONFIG, 64 * 1024);
    }

    void open() throws IOException {
        log = Log.open(dir, logConfig, LogOptions.defaults().time(timer), 0L, 0L, false);
        coordinator = new GroupCoordinator(config, timer, timer);
        offsetsLog = new DeferredOffsetsLog(new LocalOffsetsLog(log));
        coordinator.loadPartition(offsetsLog);
    }

    /** Closes the coordinator and the log, then opens both again: a broker restart. */
    void restart() throws IOException {
        close();
        open();
    }

    @Override
    public void close() throws IOException {
        coordinator.close();
        log.close();
    }

    // ------------------------------------------------------------------------------------------------------
    // Client side of the protocol
    // ------------------------------------------------------------------------------------------------------

    static byte[] subscription(final String... topics) {
        int size = 2 + 4 + 4;
        for (final String topic : topics) {
            size += 2 + topic.getBytes(StandardCharsets.UTF_8).length;
        }
        final ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putShort((short) 0).putInt(topics.length);
        for (final String topic : topics) {
            final byte[] bytes = topic.getBytes(StandardCharsets.UTF_8);
            buffer.putShort((short) bytes.length).put(bytes);
        }
        buffer.putInt(-1);
        return buffer.array();
    }

    static List<Protocol> rangeProtocol() {
        return List.of(new Protocol("range", subscription(TOPIC)));
    }

    static JoinGroupRequest joinRequest(final String groupId, final String memberId, final String instanceId,
                                        final List<Protocol> protocols) {
        return new JoinGroupRequest(groupId, memberId, instanceId, "client", "/127.0.0.1", REBALANCE_TIMEOUT_MS,
            SESSION_TIMEOUT_MS, "consumer", protocols, true, true);
    }

    Captured<JoinGroupResult> join(final String groupId, final String memberId, final List<Protocol> protocols) {
        final Captured<JoinGroupResult> captured = new Captured<>();
        coordinator.joinGroup(joinRequest(groupId, memberId, null, protocols), captured);
        return captured;
    }

    Captured<JoinGroupResult> joinStatic(final String groupId, final String memberId, final String instanceId,
                                         final List<Protocol> protocols) {
        final Captured<JoinGroupResult> captured = new Captured<>();
        coordinator.joinGroup(joinRequest(groupId, memberId, instanceId, protocols), captured);
        return captured;
    }

    /** A v4+ first join: MEMBER_ID_REQUIRED, then the join with the given id (which may park). */
    Captured<JoinGroupResult> joinNew(final String groupId, final List<Protocol> protocols) {
        final Captured<JoinGroupResult> first = join(groupId, "", protocols);
        assertEquals(GroupErrors.MEMBER_ID_REQUIRED, first.get().error());
        return join(groupId, first.get().memberId(), protocols);
    }

    Captured<SyncGroupResult> sync(final String groupId, final JoinGroupResult joined,
                                   final Map<String, byte[]> assignments) {
        final Captured<SyncGroupResult> captured = new Captured<>();
        coordinator.syncGroup(new SyncGroupRequest(groupId, joined.generationId(), joined.memberId(), null,
            "consumer", joined.protocolName(), assignments), captured);
        return captured;
    }

    /** The leader's side of the range assignor: partitions of {@link #TOPIC} in contiguous ranges by member id. */
    static Map<String, byte[]> rangeAssign(final List<JoinGroupResult.JoinedMember> members) {
        final List<String> ids = new ArrayList<>();
        for (final JoinGroupResult.JoinedMember member : members) {
            ids.add(member.memberId());
        }
        ids.sort(null);
        final Map<String, byte[]> assignments = new TreeMap<>();
        final int per = TOPIC_PARTITIONS / ids.size();
        final int extra = TOPIC_PARTITIONS % ids.size();
        int next = 0;
        for (int i = 0; i < ids.size(); i++) {
            final int count = per + (i < extra ? 1 : 0);
            final int[] partitions = new int[count];
            for (int j = 0; j < count; j++) {
                partitions[j] = next++;
            }
            assignments.put(ids.get(i), encodeAssignment(partitions));
        }
        return assignments;
    }

    static byte[] encodeAssignment(final int... partitions) {
        final ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * partitions.length);
        buffer.putInt(partitions.length);
        for (final int partition : partitions) {
            buffer.putInt(partition);
        }
        return buffer.array();
    }

    static List<Integer> decodeAssignment(final byte[] bytes) {
        final List<Integer> partitions = new ArrayList<>();
        if (bytes.length == 0) {
            return partitions;
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        final int count = buffer.getInt();
        for (int i = 0; i < count; i++) {
            partitions.add(buffer.getInt());
        }
        return partitions;
    }

    // ------------------------------------------------------------------------------------------------------
    // Reading the log back
    // ------------------------------------------------------------------------------------------------------

    /** A record of the offsets log: its decoded key and whether it has a value (false: a tombstone). */
    record LoggedRecord(long offset, OffsetsRecordFormat.Key key, boolean hasValue) {
    }

    List<LoggedRecord> loggedRecords() throws IOException {
        final List<LoggedRecord> records = new ArrayList<>();
        final RecordBatchView batch = new RecordBatchView();
        long offset = log.logStartOffset();
        try (RecordReader reader = new RecordReader()) {
            for (int reads = 0; reads < 100_000 && offset < log.logEndOffset(); reads++) {
                final ByteBuffer batches = log.readBatches(offset, 1024 * 1024);
                for (int position = 0; position < batches.limit(); position += batch.sizeInBytes()) {
                    batch.wrap(batches, position);
                    reader.open(batch);
                    while (reader.next()) {
                        final RecordView record = reader.record();
                        records.add(new LoggedRecord(record.offset(),
                            OffsetsRecordFormat.decodeKey(ByteBuffer.wrap(record.keyBytes())), record.hasValue()));
                    }
                    offset = batch.nextOffset();
                }
            }
        }
        return records;
    }
}

package keel.server.group;

import keel.log.RecordBatchView;
import keel.log.RecordReader;
import keel.log.RecordView;
import keel.server.group.internal.OffsetsRecordFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds the groups of one {@code __consumer_offsets} partition by replaying its log from the log start offset:
 * a later record for a key replaces an earlier one, a tombstone deletes it. Confined to the loading thread.
 */
final class OffsetsReplay {
    private final Map<String, LoadedGroup> groups = new LinkedHashMap<>();
    private long records;

    private OffsetsReplay() {
    }

    /**
     * @param log          the partition's log.
     * @param readBytes    how much to read at a time.
     * @return the replayed state.
     * @throws IOException when the log cannot be read, or a record cannot be decoded (refusing to guess).
     */
    static OffsetsReplay replay(final OffsetsLog log, final int readBytes) throws IOException {
        final OffsetsReplay replay = new OffsetsReplay();
        final RecordBatchView batch = new RecordBatchView();
        long offset = log.logStartOffset();
        final long end = log.logEndOffset();
        try (RecordReader reader = new RecordReader()) {
            while (offset < end) {
                final ByteBuffer batches = log.readBatches(offset, readBytes);
                if (!batches.hasRemaining()) {
                    break;
                }
                for (int position = 0; position < batches.limit(); position += batch.sizeInBytes()) {
                    batch.wrap(batches, position);
                    if (!batch.isControl()) {
                        reader.open(batch);
                        while (reader.next()) {
                            replay.apply(reader.record(), log.partition());
                        }
                    }
                    offset = batch.nextOffset();
                }
            }
        }
        return replay;
    }

    private void apply(final RecordView record, final int partition) throws IOException {
        if (!record.hasKey()) {
            throw corrupt(partition, record.offset(), "a record without a key");
        }
        try {
            final OffsetsRecordFormat.Key key = OffsetsRecordFormat.decodeKey(ByteBuffer.wrap(record.keyBytes()));
            if (key == null) {
                // a record type of a newer Kafka (consumer groups of KIP-848, share groups): not Keel's
                return;
            }
            records++;
            final LoadedGroup group = groups.computeIfAbsent(key.group(), LoadedGroup::new);
            if (key.isOffset()) {
                final OffsetKey offsetKey = new OffsetKey(key.topic(), key.partition());
                if (record.hasValue()) {
                    final OffsetsRecordFormat.OffsetValue value =
                        OffsetsRecordFormat.decodeOffsetValue(ByteBuffer.wrap(record.valueBytes()));
                    group.offsets.put(offsetKey, new OffsetAndMetadata(value.offset(), value.leaderEpoch(),
                        value.metadata(), value.commitTimestampMs()));
                } else {
                    group.offsets.remove(offsetKey);
                }
            } else {
                group.metadata = record.hasValue()
                    ? OffsetsRecordFormat.decodeGroupValue(ByteBuffer.wrap(record.valueBytes())) : null;
            }
        } catch (final IllegalArgumentException | java.nio.BufferUnderflowException ex) {
            throw corrupt(partition, record.offset(), String.valueOf(ex.getMessage()));
        }
    }

    private static IOException corrupt(final int partition, final long offset, final String reason) {
        return new IOException("Cannot replay __consumer_offsets-" + partition + ": the record at offset=" + offset
            + " is not a group or offset record Keel can read (" + reason + "); inspect it with bin/keel-log.sh dump");
    }

    Map<String, LoadedGroup> groups() {
        return groups;
    }

    long records() {
        return records;
    }

    /**
     * One group as the log says it is.
     */
    static final class LoadedGroup {
        final String groupId;
        final Map<OffsetKey, OffsetAndMetadata> offsets = new HashMap<>();
        OffsetsRecordFormat.GroupValue metadata;

        LoadedGroup(final String groupId) {
            this.groupId = groupId;
        }

        /**
         * @return the group, Stable in its stored generation when it has members, Empty otherwise; null when the
         *     log holds neither metadata nor offsets for it (deleted).
         */
        ClassicGroup toGroup(final OffsetsPartition partition) {
            if (metadata == null && offsets.isEmpty()) {
                return null;
            }
            final ClassicGroup group = new ClassicGroup(groupId, partition);
            group.offsets.putAll(offsets);
            if (metadata == null) {
                return group;
            }
            group.storedGroupValue = OffsetsRecordFormat.groupValue(metadata);
            group.protocolType = metadata.protocolType().isEmpty() ? null : metadata.protocolType();
            group.generationId = metadata.generation();
            group.protocolName = metadata.protocol();
            group.stateTimestampMs = metadata.currentStateTimestamp();
            final List<OffsetsRecordFormat.MemberValue> members = metadata.members();
            for (final OffsetsRecordFormat.MemberValue value : members) {
                final GroupMember member = new GroupMember(value.memberId(), value.groupInstanceId(),
                    value.clientId(), value.clientHost(), value.rebalanceTimeoutMs(), value.sessionTimeoutMs(),
                    List.of(new Protocol(group.protocolName == null ? "" : group.protocolName,
                        value.subscription())));
                member.assignment = value.assignment();
                group.members.put(member.memberId, member);
                if (member.groupInstanceId != null) {
                    group.staticMembers.put(member.groupInstanceId, member.memberId);
                }
            }
            if (group.members.isEmpty() || group.protocolName == null) {
                group.members.clear();
                group.staticMembers.clear();
                group.state = GroupState.EMPTY;
            } else {
                group.leaderId = metadata.leader() != null && group.members.containsKey(metadata.leader())
                    ? metadata.leader() : group.members.keySet().iterator().next();
                group.state = GroupState.STABLE;
            }
            group.subscribedTopics = group.computeSubscribedTopics();
            return group;
        }
    }
}

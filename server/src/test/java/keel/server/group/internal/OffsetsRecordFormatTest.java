package keel.server.group.internal;

import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.coordinator.group.generated.GroupMetadataKey;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keel's {@code __consumer_offsets} records against Kafka 4.4's generated record classes: Kafka reads what Keel
 * writes, and Keel reads what Kafka writes.
 */
class OffsetsRecordFormatTest {
    private static final OffsetsRecordFormat.GroupValue GROUP = new OffsetsRecordFormat.GroupValue("consumer", 7,
        "range", "m-1", 123_456L, List.of(
            new OffsetsRecordFormat.MemberValue("m-1", "instance-1", "client-1", "/10.0.0.1", 30_000, 10_000,
                new byte[] {1, 2, 3}, new byte[] {4, 5}),
            new OffsetsRecordFormat.MemberValue("m-2", null, "client-2", "/10.0.0.2", 60_000, 45_000,
                new byte[0], new byte[] {9})));

    @Test
    void shouldBeReadByKafkaWhenKeelWritesAnOffsetCommitKey() {
        final ByteBuffer key = ByteBuffer.wrap(OffsetsRecordFormat.offsetKey("group", "topic", 3));

        assertEquals(1, key.getShort());
        final OffsetCommitKey kafka = new OffsetCommitKey(new ByteBufferAccessor(key), (short) 1);
        assertEquals("group", kafka.group());
        assertEquals("topic", kafka.topic());
        assertEquals(3, kafka.partition());
        assertEquals(0, key.remaining());
    }

    @Test
    void shouldBeReadByKafkaWhenKeelWritesAnOffsetCommitValue() {
        final ByteBuffer value = ByteBuffer.wrap(OffsetsRecordFormat.offsetValue(42L, 5, "meta", 99L));

        assertEquals(3, value.getShort());
        final OffsetCommitValue kafka = new OffsetCommitValue(new ByteBufferAccessor(value), (short) 3);
        assertEquals(42L, kafka.offset());
        assertEquals(5, kafka.leaderEpoch());
        assertEquals("meta", kafka.metadata());
        assertEquals(99L, kafka.commitTimestamp());
        assertEquals(0, value.remaining());
    }

    @Test
    void shouldBeReadByKafkaWhenKeelWritesGroupMetadata() {
        final ByteBuffer key = ByteBuffer.wrap(OffsetsRecordFormat.groupKey("group"));
        final ByteBuffer value = ByteBuffer.wrap(OffsetsRecordFormat.groupValue(GROUP));

        assertEquals(2, key.getShort());
        assertEquals("group", new GroupMetadataKey(new ByteBufferAccessor(key), (short) 2).group());
        assertEquals(3, value.getShort());
        final GroupMetadataValue kafka = new GroupMetadataValue(new ByteBufferAccessor(value), (short) 3);
        assertEquals(0, value.remaining());
        assertEquals("consumer", kafka.protocolType());
        assertEquals(7, kafka.generation());
        assertEquals("range", kafka.protocol());
        assertEquals("m-1", kafka.leader());
        assertEquals(123_456L, kafka.currentStateTimestamp());
        assertEquals(2, kafka.members().size());
        final GroupMetadataValue.MemberMetadata first = kafka.members().get(0);
        assertEquals("instance-1", first.groupInstanceId());
        assertEquals("/10.0.0.1", first.clientHost());
        assertEquals(30_000, first.rebalanceTimeout());
        assertEquals(10_000, first.sessionTimeout());
        assertArrayEquals(new byte[] {1, 2, 3}, first.subscription());
        assertArrayEquals(new byte[] {4, 5}, first.assignment());
        assertNull(kafka.members().get(1).groupInstanceId());
    }

    @Test
    void shouldReadKafkasRecordsWhenKafkaWritesThem() {
        final byte[] key = MessageUtil.toVersionPrefixedBytes((short) 1,
            new OffsetCommitKey().setGroup("g").setTopic("t").setPartition(9));
        final byte[] value = MessageUtil.toVersionPrefixedBytes((short) 3,
            new OffsetCommitValue().setOffset(17L).setLeaderEpoch(2).setMetadata("x").setCommitTimestamp(5L));
        final byte[] groupValue = MessageUtil.toVersionPrefixedBytes((short) 3, new GroupMetadataValue()
            .setProtocolType("consumer").setGeneration(4).setProtocol("range").setLeader("a")
            .setCurrentStateTimestamp(8L).setMembers(List.of(new GroupMetadataValue.MemberMetadata()
                .setMemberId("a").setGroupInstanceId("i").setClientId("c").setClientHost("h")
                .setRebalanceTimeout(1).setSessionTimeout(2).setSubscription(new byte[] {7})
                .setAssignment(new byte[] {8}))));

        final OffsetsRecordFormat.Key decodedKey = OffsetsRecordFormat.decodeKey(ByteBuffer.wrap(key));
        final OffsetsRecordFormat.OffsetValue decodedValue = OffsetsRecordFormat.decodeOffsetValue(
            ByteBuffer.wrap(value));
        final OffsetsRecordFormat.GroupValue decodedGroup = OffsetsRecordFormat.decodeGroupValue(
            ByteBuffer.wrap(groupValue));

        assertEquals(new OffsetsRecordFormat.Key(true, "g", "t", 9), decodedKey);
        assertEquals(new OffsetsRecordFormat.OffsetValue(17L, 2, "x", 5L), decodedValue);
        assertEquals(4, decodedGroup.generation());
        assertEquals("i", decodedGroup.members().get(0).groupInstanceId());
        assertArrayEquals(new byte[] {8}, decodedGroup.members().get(0).assignment());
    }

    @Test
    void shouldReadTheOldestOffsetCommitValueWhenKafkaWroteVersionZero() {
        final byte[] value = MessageUtil.toVersionPrefixedBytes((short) 0,
            new OffsetCommitValue().setOffset(3L).setMetadata("old").setCommitTimestamp(4L));

        assertEquals(new OffsetsRecordFormat.OffsetValue(3L, -1, "old", 4L),
            OffsetsRecordFormat.decodeOffsetValue(ByteBuffer.wrap(value)));
    }

    @Test
    void shouldRoundTripAGroupWhenKeelWritesAndReadsIt() {
        final OffsetsRecordFormat.GroupValue decoded = OffsetsRecordFormat.decodeGroupValue(
            ByteBuffer.wrap(OffsetsRecordFormat.groupValue(GROUP)));

        assertEquals(GROUP.protocol(), decoded.protocol());
        assertEquals(GROUP.members().size(), decoded.members().size());
        assertArrayEquals(GROUP.members().get(0).assignment(), decoded.members().get(0).assignment());
        assertEquals(GROUP.members().get(1).sessionTimeoutMs(), decoded.members().get(1).sessionTimeoutMs());
    }

    @Test
    void shouldSkipAKeyWhenItIsOneOfKafkasNewerRecordTypes() {
        assertNull(OffsetsRecordFormat.decodeKey(ByteBuffer.wrap(new byte[] {0, 3, 0, 1, 'g'})));
    }

    @Test
    void shouldRefuseAFlexibleValueWhenKafkaWroteVersionFour() {
        final byte[] value = MessageUtil.toVersionPrefixedBytes((short) 4,
            new OffsetCommitValue().setOffset(3L).setMetadata("new").setCommitTimestamp(4L));

        final IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
            () -> OffsetsRecordFormat.decodeOffsetValue(ByteBuffer.wrap(value)));
        assertTrue(thrown.getMessage().contains("version 4"), thrown.getMessage());
    }
}

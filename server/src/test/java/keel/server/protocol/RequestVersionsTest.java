package keel.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class RequestVersionsTest {
    @Test
    void shouldListEachVersionOnceInAscendingOrderWhenVersionsRepeat() {
        final RequestVersions versions = new RequestVersions();

        versions.record(ApiKeys.JOIN_GROUP, (short) 5);
        versions.record(ApiKeys.JOIN_GROUP, (short) 2);
        versions.record(ApiKeys.JOIN_GROUP, (short) 5);
        versions.record(ApiKeys.SYNC_GROUP, (short) 0);

        assertEquals(List.of(2, 5), versions.seen(ApiKeys.JOIN_GROUP));
        assertEquals(List.of(0), versions.seen(ApiKeys.SYNC_GROUP));
        assertEquals(List.of(), versions.seen(ApiKeys.HEARTBEAT));
    }

    @Test
    void shouldIgnoreAVersionOutsideZeroToSixtyThreeWhenRecorded() {
        final RequestVersions versions = new RequestVersions();

        versions.record(ApiKeys.FETCH, (short) 64);
        versions.record(ApiKeys.FETCH, (short) -1);
        versions.record(ApiKeys.FETCH, (short) 63);

        assertEquals(List.of(63), versions.seen(ApiKeys.FETCH));
    }
}

package keel.server.group;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A completion that remembers its result and checks it is completed exactly once.
 */
final class Captured<T> implements Completion<T> {
    private final AtomicReference<T> result = new AtomicReference<>();
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public void onComplete(final T value) {
        assertNotNull(value);
        assertEquals(1, calls.incrementAndGet(), "completed more than once");
        result.set(value);
    }

    boolean isDone() {
        return calls.get() > 0;
    }

    T get() {
        final T value = result.get();
        assertNotNull(value, "not completed");
        return value;
    }

    void assertParked() {
        assertNull(result.get(), "expected the request to be parked");
    }
}

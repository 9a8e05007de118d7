package keel.server.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import keel.server.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke and group tests shared by the Python clients (Debian's python3, drivers {@code <prefix>_smoke.py} and
 * {@code <prefix>_group.py}); a subclass names the package and checks what its client's admin API lists.
 */
@Timeout(150)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PythonClientTest {
    private static final int RECORDS = 200;

    @TempDir
    static Path dataDir;

    private final String debianPackage;
    private final String module;
    private final String client;
    private final String scriptPrefix;
    TestBroker broker;

    /**
     * @param debianPackage the Debian package that brings the client.
     * @param module        the Python module it installs.
     * @param client        the client's name: topic and group names, and the key of the versions it used.
     * @param scriptPrefix  the drivers' file name prefix in src/test/resources/clients.
     */
    PythonClientTest(final String debianPackage, final String module, final String client,
                     final String scriptPrefix) {
        this.debianPackage = debianPackage;
        this.module = module;
        this.client = client;
        this.scriptPrefix = scriptPrefix;
    }

    /**
     * Checks the group listing the group driver printed after both consumers closed.
     */
    abstract void assertGroupListed(ChildProcess child, String group);

    @BeforeAll
    @Timeout(900)
    void provisionAndStart() throws Exception {
        final String missing = ClientProvisioning.debianPackage(debianPackage,
            List.of(ClientProvisioning.DEBIAN_PYTHON, "-c", "import " + module));
        assumeTrue(missing == null, missing);
        broker = new TestBroker(dataDir, SmokeChecks.GROUP_BROKER).start();
    }

    @AfterAll
    void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldCreateTopicProduceAndConsumeBackWhenDrivenByThePythonClient() throws Exception {
        final ChildProcess child = ChildProcess.run(List.of(ClientProvisioning.DEBIAN_PYTHON,
            SmokeChecks.script(scriptPrefix + "_smoke.py").toString(), broker.bootstrap(), client, "" + RECORDS),
            Map.of(), null, 90);

        SmokeChecks.assertReadBack(child, RECORDS);
        assertEquals(List.of(client + " 2"), child.linesStartingWith("ADMIN"), child::describe);
        assertEquals(2, broker.server().topics().topic(client).partitionCount());
    }

    @Test
    void shouldResumeAfterTheCommitWhenASecondConsumerJoinsTheGroup() throws Exception {
        final String topic = client + "-group";
        final String group = client + "-group";
        final ChildProcess child = ChildProcess.run(List.of(ClientProvisioning.DEBIAN_PYTHON,
            SmokeChecks.script(scriptPrefix + "_group.py").toString(), broker.bootstrap(), topic, group,
            "" + SmokeChecks.GROUP_FIRST, "" + SmokeChecks.GROUP_SECOND), Map.of(), null, 100);

        SmokeChecks.assertConsumedThroughGroup(child);
        final int perPartition = (SmokeChecks.GROUP_FIRST + SmokeChecks.GROUP_SECOND) / 2;
        assertEquals(List.of("0 " + perPartition, "1 " + perPartition), child.linesStartingWith("COMMITTED"),
            child::describe);
        assertGroupListed(child, group);
        SmokeChecks.groupVersions(broker, client);
    }
}

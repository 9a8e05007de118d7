package keel.perf.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeelLauncherTest {

    @TempDir
    Path root;

    @Test
    void shouldSayHowToBuildWhenServerIsNotBuilt() {
        final ServerStartException e = assertThrows(ServerStartException.class,
            () -> new KeelLauncher(root).classpath());
        assertTrue(e.getMessage().startsWith("Keel server is not built: needs " + root
            + "/server/target/classes/keel/server/KeelServer.class and " + root
            + "/server/target/keel-server.classpath; run in " + root + ": mvn -q -B -pl server -am package "
            + "-DskipTests"), e.getMessage());
    }

    @Test
    void shouldPutModuleClassesBeforeThirdPartyJarsWhenBuilt() throws IOException {
        Files.createDirectories(root.resolve("server/target/classes/keel/server"));
        Files.createFile(root.resolve("server/target/classes/keel/server/KeelServer.class"));
        Files.writeString(root.resolve("server/target/keel-server.classpath"), "/m2/a.jar:/m2/b.jar\n");
        assertEquals(root + "/server/target/classes:" + root + "/replication/target/classes:" + root
            + "/log-segment/target/classes:" + root + "/index/target/classes:/m2/a.jar:/m2/b.jar",
            new KeelLauncher(root).classpath());
    }

    @Test
    void shouldListenOnLoopbackWithKafkaKeyNames() {
        final Map<String, String> props = KeelLauncher.serverProperties(9092, root.resolve("data"));
        assertEquals("PLAINTEXT://127.0.0.1:9092", props.get("listeners"));
        assertEquals(root.resolve("data").toString(), props.get("log.dirs"));
        assertEquals("1", props.get("node.id"));
    }

    @Test
    void shouldJoinZooKeeperWithBrokerIdAndReplicationWhenCluster() {
        final ServerSettings settings = new ServerSettings("java", "512m", java.util.List.of(), "cp",
            java.time.Duration.ofSeconds(1), 3);
        final Map<String, String> props = KeelLauncher.clusterProperties(3, 9094, root.resolve("data"),
            "127.0.0.1:2181", settings);
        assertEquals("3", props.get("broker.id"));
        assertEquals("127.0.0.1:2181", props.get("zookeeper.connect"));
        assertEquals("PLAINTEXT://127.0.0.1:9094", props.get("advertised.listeners"));
        assertEquals("3", props.get("default.replication.factor"));
        assertEquals("2", props.get("min.insync.replicas"));
        assertEquals("3", props.get("offsets.topic.replication.factor"));
    }

    @Test
    void shouldServeZooKeeperOnLoopbackWithoutAdminServer() {
        final Map<String, String> props = KeelLauncher.zookeeperProperties(2181, root.resolve("zk"));
        assertEquals("2181", props.get("clientPort"));
        assertEquals("127.0.0.1", props.get("clientPortAddress"));
        assertEquals("false", props.get("admin.enableServer"));
        assertEquals(root.resolve("zk").toString(), props.get("dataDir"));
    }
}

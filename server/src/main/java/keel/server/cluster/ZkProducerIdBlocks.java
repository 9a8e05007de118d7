package keel.server.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import keel.server.metadata.ProducerIdManager;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Producer-id blocks shared by every broker of a cluster, as Kafka's ZooKeeper mode keeps them: the znode
 * {@code /latest_producer_id_block} holds the last block handed out
 * ({@code {"version":1,"broker":1,"block_start":"0","block_end":"999"}}); a broker takes the next one with a write
 * conditional on the version it read, so two brokers never get the same ids. Thread-safe.
 */
public final class ZkProducerIdBlocks implements ProducerIdManager.BlockSource {
    static final String PATH = "/latest_producer_id_block";
    private static final int MAX_ATTEMPTS = 100;

    private final CuratorFramework zk;
    private final int brokerId;

    /**
     * @param zk       a started client.
     * @param brokerId this broker (recorded in the znode).
     */
    public ZkProducerIdBlocks(final CuratorFramework zk, final int brokerId) {
        this.zk = zk;
        this.brokerId = brokerId;
    }

    @Override
    public long takeBlock(final int size) throws IOException {
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                final Stat stat = new Stat();
                byte[] data = null;
                try {
                    data = zk.getData().storingStatIn(stat).forPath(PATH);
                } catch (final KeeperException.NoNodeException ex) {
                    try {
                        zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT)
                            .forPath(PATH, json(0, size));
                        return 0;
                    } catch (final KeeperException.NodeExistsException raced) {
                        continue;
                    }
                }
                final long start = lastEnd(data) + 1;
                try {
                    zk.setData().withVersion(stat.getVersion()).forPath(PATH, json(start, size));
                    return start;
                } catch (final KeeperException.BadVersionException raced) {
                    // another broker took a block meanwhile: read again
                }
            }
            throw new IOException("Could not take a producer id block from " + PATH + " after attempts="
                + MAX_ATTEMPTS);
        } catch (final IOException ex) {
            throw ex;
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while taking a producer id block", ex);
        } catch (final Exception ex) {
            throw new IOException("Taking a producer id block from " + PATH + " failed", ex);
        }
    }

    private byte[] json(final long start, final int size) {
        return ("{\"version\":1,\"broker\":" + brokerId + ",\"block_start\":\"" + start + "\",\"block_end\":\""
            + (start + size - 1) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static long lastEnd(final byte[] data) throws IOException {
        final Map<String, Object> json = Json.parseObject(data);
        final Object end = json.get("block_end");
        try {
            return Long.parseLong(String.valueOf(end));
        } catch (final NumberFormatException ex) {
            throw new IOException("Malformed " + PATH + ": " + new String(data, StandardCharsets.UTF_8), ex);
        }
    }
}

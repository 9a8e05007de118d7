package keel.server.cluster;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of a controlled shutdown (SIGTERM): it creates the ephemeral request
 * {@code /admin/controlled_shutdown/<id>}; the controller moves the broker's leaderships to other ISR members and
 * removes it from ISRs; the broker waits (bounded) until its cluster view shows no leadership that could move, and
 * then stops. Leaderships with no other live ISR member stay (as Kafka's): moving them would make the partition
 * offline. Stateless: thread-safe.
 */
public final class ControlledShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(ControlledShutdown.class);

    private ControlledShutdown() {
    }

    /**
     * @param zk        a started client.
     * @param brokerId  this broker.
     * @param view      this broker's cluster view.
     * @param timeoutMs how long to wait for the controller.
     * @return whether every movable leadership moved in time.
     * @throws InterruptedException if interrupted.
     */
    public static boolean run(final CuratorFramework zk, final int brokerId, final ZkClusterView view,
                              final long timeoutMs) throws InterruptedException {
        try {
            zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkPaths.CONTROLLED_SHUTDOWN + "/" + brokerId);
        } catch (final KeeperException.NodeExistsException ex) {
            LOG.debug("Controlled shutdown of broker {} already requested", brokerId);
        } catch (final Exception ex) {
            LOG.warn("Broker {} could not request a controlled shutdown; stopping without it", brokerId, ex);
            return false;
        }
        final boolean moved = view.awaitNoMovableLeaderships(brokerId, timeoutMs);
        if (moved) {
            LOG.info("Controlled shutdown of broker {}: leaderships moved", brokerId);
        } else {
            LOG.warn("Controlled shutdown of broker {}: partitions {} still led after timeoutMs={}", brokerId,
                view.movableLeaderships(brokerId), timeoutMs);
        }
        return moved;
    }
}

/**
 * Cluster coordination through ZooKeeper (Apache Curator): broker registration, controller election with epochs and
 * fenced writes, leader election from the ISR, conditional ISR updates, topic changes and controlled shutdown, and
 * the brokers' {@link keel.server.metadata.ClusterView} of it all. The only package that imports
 * {@code org.apache.curator} or {@code org.apache.zookeeper}. Not used in single-node mode (no
 * {@code zookeeper.connect}). See docs/cluster.md.
 */
package keel.server.cluster;

/**
 * The servers under comparison, each started in its own JVM with the same heap and flags: Apache Kafka (KRaft,
 * combined broker and controller) and Keel; and their CPU time and peak RSS read from /proc.
 */
package keel.perf.peer;

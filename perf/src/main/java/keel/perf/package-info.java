/**
 * Benchmarks (JMH) of the engine, the load tool and the side-by-side comparison with Apache Kafka.
 */
package keel.perf;

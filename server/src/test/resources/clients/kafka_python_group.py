"""Keel consumer-group test for kafka-python (Debian python3-kafka): consume through a group, commit, resume.

Usage: kafka_python_group.py BOOTSTRAP TOPIC GROUP FIRST SECOND
Writes FIRST records over the topic's 2 partitions, reads them all through a KafkaConsumer in GROUP ("REC1 <key>
<value>" each), commits and closes; writes SECOND more and reads them with a second consumer in the same group
("REC2 <key> <value>" each). Then the admin client: "GROUPS <group> <protocol type>" per listed group, "DESCRIBED
<group> <state> <members>", "COMMITTED <partition> <offset>" per committed partition.
"""
import sys
import time

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
first, second = int(sys.argv[4]), int(sys.argv[5])

admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
admin.create_topics([NewTopic(name=topic, num_partitions=2, replication_factor=1)], timeout_ms=15000)


def produce(start, end):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    futures = [producer.send(topic, key=b"key-%d" % i, value=b"value-%d" % i, partition=i % 2)
               for i in range(start, end)]
    producer.flush(timeout=30)
    for future in futures:
        future.get(timeout=30)
    producer.close(timeout=30)


def consume(tag, expected):
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                             enable_auto_commit=False, request_timeout_ms=30000, session_timeout_ms=10000,
                             heartbeat_interval_ms=1000)
    read = 0
    deadline = time.monotonic() + 30
    while read < expected and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            for message in records:
                print(tag, message.key.decode(), message.value.decode(), flush=True)
                read += 1
    consumer.commit()
    consumer.close()


produce(0, first)
consume("REC1", first)
produce(first, first + second)
consume("REC2", second)

for listed in admin.list_consumer_groups():
    print("GROUPS", listed[0], listed[1], flush=True)
for described in admin.describe_consumer_groups([group]):
    print("DESCRIBED", described.group, described.state, len(described.members), flush=True)
for partition, committed in sorted(admin.list_consumer_group_offsets(group).items()):
    print("COMMITTED", partition.partition, committed.offset, flush=True)
admin.close()

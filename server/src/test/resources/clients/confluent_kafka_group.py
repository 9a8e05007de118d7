"""Keel consumer-group test for confluent-kafka (Debian python3-confluent-kafka, librdkafka): consume through a
group, commit, resume.

Usage: confluent_kafka_group.py BOOTSTRAP TOPIC GROUP FIRST SECOND
Writes FIRST records over the topic's 2 partitions, reads them all through a Consumer in GROUP ("REC1 <key> <value>"
each), commits synchronously and closes; writes SECOND more and reads them with a second consumer in the same group
("REC2 <key> <value>" each). Then "COMMITTED <partition> <offset>" per partition (Consumer.committed) and, from the
admin client (confluent-kafka 1.7 has list_groups; list_consumer_groups came in 2.0), "GROUPS <group> <state>
<protocol type> <members>" per listed group.
"""
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
first, second = int(sys.argv[4]), int(sys.argv[5])

admin = AdminClient({"bootstrap.servers": bootstrap})
for future in admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)],
                                  request_timeout=15).values():
    future.result(timeout=30)


def produce(start, end):
    failures = []
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5})
    for i in range(start, end):
        producer.produce(topic, key=b"key-%d" % i, value=b"value-%d" % i, partition=i % 2,
                         on_delivery=lambda err, msg: err is not None and failures.append(err))
    if producer.flush(30) != 0 or failures:
        raise KafkaException("not delivered: %s" % failures)


def consumer_config():
    return {"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
            "auto.offset.reset": "earliest", "session.timeout.ms": 10000}


def consume(tag, expected):
    consumer = Consumer(consumer_config())
    consumer.subscribe([topic])
    read = 0
    deadline = time.monotonic() + 30
    while read < expected and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error():
            raise KafkaException(message.error())
        print(tag, message.key().decode(), message.value().decode(), flush=True)
        read += 1
    consumer.commit(asynchronous=False)
    consumer.close()


produce(0, first)
consume("REC1", first)
produce(first, first + second)
consume("REC2", second)

checker = Consumer(consumer_config())
for committed in checker.committed([TopicPartition(topic, 0), TopicPartition(topic, 1)], timeout=15):
    print("COMMITTED", committed.partition, committed.offset, flush=True)
checker.close()
for listed in admin.list_groups(timeout=15):
    print("GROUPS", listed.id, listed.state, listed.protocol_type, len(listed.members), flush=True)

"""Keel smoke test for confluent-kafka (Debian python3-confluent-kafka, librdkafka): admin, produce, consume.

Usage: confluent_kafka_smoke.py BOOTSTRAP TOPIC COUNT
Prints "ADMIN <topic> <partitions>" after creating the topic and "REC <offset> <key> <value>" per record read back.
"""
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

admin = AdminClient({"bootstrap.servers": bootstrap})
for future in admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)],
                                  request_timeout=15).values():
    future.result(timeout=30)
print("ADMIN", topic, len(admin.list_topics(topic=topic, timeout=15).topics[topic].partitions), flush=True)

failures = []
producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                     "compression.type": "lz4", "linger.ms": 5})
for i in range(count):
    producer.produce(topic, key=b"key-%d" % i, value=b"value-%d" % i, partition=0,
                     on_delivery=lambda err, msg: err is not None and failures.append(err))
if producer.flush(30) != 0 or failures:
    raise KafkaException("not delivered: %s" % failures)

# group.id is required by the client but unused: assign() needs no group coordinator
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "keel-smoke", "enable.auto.commit": False})
consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
read = 0
deadline = time.monotonic() + 30
while read < count and time.monotonic() < deadline:
    message = consumer.poll(0.5)
    if message is None:
        continue
    if message.error():
        raise KafkaException(message.error())
    print("REC", message.offset(), message.key().decode(), message.value().decode(), flush=True)
    read += 1
consumer.close()

"""A ThingFlow-Python peer for the interop test: the exact serialisation ThingFlow-Python uses.

ThingFlow-Python publishes `sensor.to_json()` into `MQTTWriter`, i.e. `json.dumps(SensorEvent(...))`,
and reads with `MQTTReader` -> payload -> `from_json(constructor=SensorEvent)`, i.e.
`SensorEvent(*json.loads(text))`. paho-mqtt is the client ThingFlow-Python's adapters use.

usage: python-peer.py <port> publish <topic>
       python-peer.py <port> subscribe <topic> <count>
"""
import json
import sys
import threading
from collections import namedtuple

import paho.mqtt.client as paho

# As in thingflow/base.py
SensorEvent = namedtuple('SensorEvent', ['sensor_id', 'ts', 'val'])

port, mode, topic = int(sys.argv[1]), sys.argv[2], sys.argv[3]
client = paho.Client('thingflow-python-peer-' + mode)
client.connect('127.0.0.1', port)
client.loop_start()

if mode == 'publish':
    for event in [SensorEvent('lux-1', 1478552600.25, 101.5), SensorEvent(7, 2.0, {'a': [1, 2.5], 'on': True})]:
        client.publish(topic, json.dumps(event), qos=1).wait_for_publish()
    client.disconnect()
    client.loop_stop()
else:
    count = int(sys.argv[4])
    got = []
    done = threading.Event()

    def on_message(_client, _userdata, msg):
        event = SensorEvent(*json.loads(msg.payload.decode('utf-8')))
        got.append({'sensor_id': event.sensor_id, 'ts': event.ts, 'val': event.val, 'text': msg.payload.decode('utf-8'),
                    'redumped': json.dumps(event)})
        if len(got) == count:
            done.set()

    def on_subscribe(*_args):
        print('ready', flush=True)

    client.on_message = on_message
    client.on_subscribe = on_subscribe
    client.subscribe(topic, qos=1)
    done.wait(20)
    client.disconnect()
    client.loop_stop()
    print(json.dumps(got), flush=True)

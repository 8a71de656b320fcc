/**
 * The app every board of a simulated fleet runs (`thingflow-xs fleet examples/fleet-device.ts`):
 * the lux flow of the demo, its readings published as ThingFlow JSON events on
 * `fleet/{id}/lux` (QoS 1; a device and a timestamp name each reading, so duplicates can be told apart),
 * and the board as a Web Thing over MQTT (`things/{thingId}/...`) for a gateway to serve.
 * On a board it is manifests/fleet-device (esp32, pico/pico_w, pico/pico_2_w and lin: it needs a network).
 */
// The modules it uses, one by one: on a board the firmware carries only these (tools/app-modules.ts).
import type { SensorEvent } from '../runtime/core/input-thing';
import '../runtime/filters/map';
import '../runtime/filters/running-avg';
import '../runtime/filters/hysteresis';
import '../runtime/filters/distinct-until-changed';
import { DigitalOutput } from '../runtime/sensors/digital-output';
import { ecma419Source } from '../runtime/sensors/ecma419-source';
import { TSL2591 } from '../runtime/sensors/tsl2591';
import { MqttThingBinding } from '../runtime/wot-mqtt/mqtt-thing-binding';
import { Property } from '../runtime/wot/property';
import { Thing } from '../runtime/wot/thing';
import { Value } from '../runtime/wot/value';
import type { FleetDeviceContext } from '../sim/fleet';

export const LUX_DARK = 80;
export const LUX_BRIGHT = 200;
export const LIGHT_INTERVAL_SEC = 60;

/** What the app uses of a fleet board's context: a board (manifests/fleet-device) gives these too. */
export type FleetDeviceApp = Pick<FleetDeviceContext, 'id' | 'thingId' | 'device' | 'scheduler' | 'mqtt' | 'countSent'>;

export default function fleetDevice({ id, thingId, device, scheduler, mqtt, countSent }: FleetDeviceApp) {
  const bus = { ...device.I2C.default, io: device.io.SMBus };
  const light = ecma419Source(() => new TSL2591({ sensor: bus }), 'illuminance', { id: `${id}/lux`, readErrors: 'skip' });
  const dark = light.map((e) => e.val).runningAvg(5).hysteresis({ low: LUX_DARK, high: LUX_BRIGHT }).map((bright) => !bright);
  dark.connect(new DigitalOutput({ io: device.io.Digital, pin: device.pin.led }));

  // Readings upstream in ThingFlow's JSON event form, [sensor_id, ts, val]: (device, ts) names each one.
  const topic = `fleet/${id}/lux`;
  light.connect((e: SensorEvent<number>) => {
    countSent();
    mqtt.publish(topic, `["${id}",${e.ts},${e.val}]`, { qos: 1 });
  });

  // The board as a Web Thing over MQTT: its light and LED, the LED writable from a gateway.
  const thing = new Thing(thingId, `Fleet board ${id}`, ['MultiLevelSensor'], 'A simulated board of the fleet');
  thing.addProperty(new Property(thing, 'illuminance', new Value(0), { type: 'number', unit: 'lux', readOnly: true, title: 'Illuminance' }));
  thing.addProperty(new Property(thing, 'led', new Value(false), { type: 'boolean', title: 'LED' }));
  light.connect(thing.propertyInput('illuminance'));
  dark.distinctUntilChanged().connect(thing.propertyInput('led'));
  const binding = new MqttThingBinding(thing, mqtt, { qos: 0 });

  scheduler.schedulePeriodic(light, LIGHT_INTERVAL_SEC);
  return () => binding.close();
}

/**
 * The board's network for the runtime: importing this module registers the
 * ECMA-419 TCP transport (`./mqtt-transport`) as the MQTT client's default
 * network.
 *
 * It is a module of its own because the network is a per-board choice: only
 * targets that have one (esp32, pico/pico_w, lin) include
 * manifests/thingflow-net.json, which preloads this module so the
 * registration runs at link time (a module `let` assigned only at run time
 * would have been frozen const by the XS linker). On a plain pico nothing
 * here is built, and `new MqttClient()` without `opts.network` says that no
 * network binding is loaded.
 */
import { setDefaultMqttNetwork } from '../../runtime/mqtt/client/network';
import { moddableMqttNetwork } from './mqtt-transport';

setDefaultMqttNetwork(moddableMqttNetwork);

export { moddableMqttNetwork };

/**
 * The board's network for the runtime: importing this module registers the
 * ECMA-419 TCP transport (`./mqtt-transport`) as the MQTT client's default
 * network.
 *
 * It is a module of its own because the network is a per-board choice: only
 * targets that have one (esp32, pico/pico_w, pico/pico_2_w, lin) include
 * manifests/thingflow-net.json, which preloads this module so the
 * registration runs at link time (a module `let` assigned only at run time
 * would have been frozen const by the XS linker). On a plain pico nothing
 * here is built, and `new MqttClient()` without `opts.network` says that no
 * network binding is loaded. It also registers the queue that starts WoT
 * actions and brings `./wall-clock`: event timestamps in wall-clock time once
 * the board has it.
 */
import Timer from 'timer';
import { setDefaultMqttNetwork } from '../../runtime/mqtt/client/network';
import { setActionQueue } from '../../runtime/wot/action-queue';
import { moddableMqttNetwork } from './mqtt-transport';
// A board with a network can have wall-clock time (SNTP): event timestamps use it when it is set.
import './wall-clock';

setDefaultMqttNetwork(moddableMqttNetwork);
// WoT actions (served over the network, by ./wot-server or over MQTT) start from a Moddable Timer, each in its
// own turn of the main loop, as hosts/node/wot-server.ts does with setImmediate. A board without a network
// links neither this nor the queue's Promise default.
setActionQueue((run) => { Timer.set(run, 0); });

export { moddableMqttNetwork };

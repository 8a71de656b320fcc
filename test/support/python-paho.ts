/**
 * Python 3 with paho-mqtt, the ThingFlow-Python peer's MQTT client (test/hosts/node/mqtt/python-peer.py).
 */
import { spawnSync } from 'node:child_process';
import type { SystemTool } from './system-tools';

const hasPaho = (python: string) => spawnSync(python, ['-c', 'import paho.mqtt.client'], { stdio: 'ignore' }).status === 0;

/**
 * $PYTHON3_PATH when set (if it has paho-mqtt); else Debian's /usr/bin/python3 (where the
 * python3-paho-mqtt package installs it, whatever python3 comes first on PATH), else python3 on PATH.
 */
export function pythonWithPaho(): string | undefined {
  const fromEnv = process.env.PYTHON3_PATH;
  if (fromEnv) return hasPaho(fromEnv) ? fromEnv : undefined;
  return ['/usr/bin/python3', 'python3'].find(hasPaho);
}

export const PYTHON_PAHO: SystemTool = {
  name: 'python3 with paho-mqtt',
  install: 'sudo apt-get install -y python3-paho-mqtt (or set PYTHON3_PATH to a python3 that has paho-mqtt)',
  locate: pythonWithPaho,
};

/*
 * The lux demo by hand, against Moddable's APIs only: TSL2591 every 60 s ->
 * running average of 5 -> hysteresis 80..200 lux -> LED; TMP102 every 300 s.
 * The bus traffic is the runtime drivers' (runtime/sensors/tsl2591.ts,
 * tmp102.ts: same registers, same reads per sample), so bench:firmware
 * compares what the runtime adds, not different I2C work.
 */
import Timer from "timer";

const LUX_DARK = 80, LUX_BRIGHT = 200;
const bus = device.I2C.default;
const light = new device.io.SMBus({ data: bus.data, clock: bus.clock, hz: 400000, address: 0x29 });
const temperature = new device.io.SMBus({ data: bus.data, clock: bus.clock, hz: 400000, address: 0x48 });
const led = new device.io.Digital({ pin: device.pin.led, mode: device.io.Digital.Output });

// TSL2591: check the ID, gain 1x / 100 ms, power on with ALS.
if (light.readUint8(0xA0 | 0x12) !== 0x50) throw new Error("not a TSL2591");
light.writeUint8(0xA0 | 0x01, 0);
light.writeUint8(0xA0 | 0x00, 0x03);
// TMP102: config, T_HIGH 80 °C, T_LOW 75 °C, as the runtime driver writes them.
temperature.writeUint16(0x01, 0x60A0, true);
temperature.writeUint16(0x03, 80 << 8, true);
temperature.writeUint16(0x02, 75 << 8, true);

const GAINS = [1, 24.5, 400, 9200];
let gain = 0;
const data = new Uint8Array(4);
const window = new Float64Array(5);
let count = 0, next = 0, sum = 0;
let bright = true;
led.write(0);

function sampleLight() {
	if ((light.readUint8(0xA0 | 0x13) & 1) === 0) return;
	light.readBuffer(0xA0 | 0x14, data);
	const ch0 = data[0] | (data[1] << 8), ch1 = data[2] | (data[3] << 8);
	if (ch0 >= 37888 || ch1 >= 37888) {
		if (gain > 0) light.writeUint8(0xA0 | 0x01, (--gain) << 4);
		return;
	}
	const cpl = (100 * GAINS[gain]) / 408;
	const lux = ch0 === 0 ? 0 : ((ch0 - ch1) * (1 - ch1 / ch0)) / cpl;
	if (ch0 > 0.8 * 37888 && gain > 0) light.writeUint8(0xA0 | 0x01, (--gain) << 4);
	else if (gain < 3 && ch0 * (GAINS[gain + 1] / GAINS[gain]) < 0.5 * 37888) light.writeUint8(0xA0 | 0x01, (++gain) << 4);
	if (count === 5) sum -= window[next];
	else count++;
	window[next] = lux;
	sum += lux;
	next = (next + 1) % 5;
	const average = sum / count;
	if (bright && average <= LUX_DARK) bright = false;
	else if (!bright && average >= LUX_BRIGHT) bright = true;
	led.write(bright ? 0 : 1);
}

function sampleTemperature() {
	temperature.readUint16(0x01, true);
	const raw = temperature.readUint16(0x00, true);
	return (raw << 16 >> 20) * 0.0625;
}

trace(`lux floor: light every 60 s, LED on pin ${device.pin.led}\n`);
sampleLight();
sampleTemperature();
let minutes = 0;
Timer.repeat(() => {
	sampleLight();
	if (++minutes % 5 === 0) sampleTemperature();
}, 60000);

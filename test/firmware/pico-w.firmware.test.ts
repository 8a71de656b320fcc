/**
 * The lux demo built for pico/pico_w (manifests/lux-demo, the network
 * included) in rp2040js, with the Pico W's CYW43 radio modelled at its pins
 * (sim/emulator/cyw43.ts): the pico-sdk's own driver brings the radio up over
 * its PIO SPI bus (the chip's firmware and CLM downloaded, its MAC read), the
 * app reads the TSL2591 over I2C1 (GP2/GP3, the pico_w provider's default
 * bus), and its LED, Moddable's pin 32, is the radio's GPIO 0, written with
 * the driver's `gpioout` ioctl.
 *
 * Before the model, the driver found no radio ("[CYW43] Failed to start
 * CYW43") and the LED's writes went nowhere. Before boards.json passed
 * WIFI_GPIO to the C compiler, the SDK (8.2.3) compiled its digital IO without
 * the radio's pin (`#if WIFI_GPIO` in modules/io/digital/pico/digitalbank.c;
 * make.pico.mk reads WIFI_GPIO as a make variable only): pin 32 was an input,
 * the first write threw "can't write input", and the app failed to start, on
 * a board as here. Needs lux-demo.pico-pico_w.uf2 and its .elf (`npm run
 * firmware -- pico/pico_w --out <dir>`); skipped in one line otherwise.
 */
import { elfSymbol } from '../../sim/emulator/elf-symbols';
import { cHeapLeft } from './c-heap-left';
import { firmwareTestEnv } from './firmware-test-env';
import { nightHost } from './night-host';
import { busSleepWaits } from './radio-bus-sleeps';

const env = firmwareTestEnv('lux-demo', 'pico/pico_w');
if (typeof env === 'string') console.log(env);
const firmware = typeof env === 'string' ? describe.skip : describe;

firmware('the lux demo as pico/pico_w firmware in rp2040js, with the CYW43 radio modelled', () => {
  test('boots and brings the radio up through the pico-sdk\'s driver; reads the TSL2591 over I2C1; its LED on the radio comes on at the first reading in the dark', async () => {
    if (typeof env === 'string') throw new Error(env);
    const host = nightHost(env, undefined, { radio: 'cyw43' });
    await host.runUntil(5000);
    // The radio's bus is a PIO block the host steps with the core, on no timer of rp2040js's own (it would run on, holding Node open).
    expect(host.simulator.rp2040.pio.map((pio) => (pio as unknown as { runTimer?: unknown }).runTimer ?? null)).toEqual([null, null]);
    const console = host.consoleLines.map((c) => c.line);
    expect(console).toContain('No Wi-Fi SSID');
    expect(console.filter((l) => /failed to start|^\[CYW43\]/.test(l))).toEqual([]); // no driver warning: "Failed to start CYW43", "F2 not ready", an ioctl timeout
    expect(console.some((l) => l.startsWith('lux demo: light every 60 s') && l.includes('LED on pin 32'))).toBe(true);
    const radio = host.radio!;
    expect(radio.upAtMs).toBeGreaterThan(500);
    expect(radio.upAtMs).toBeLessThan(1500);
    expect(radio.downloadedBytes).toBeGreaterThan(200_000); // the chip's firmware and NVRAM (the driver's 43439A0 blob)
    const names = radio.ioctls.map((i) => i.name);
    expect(names.slice(0, 2)).toEqual(['clmload', 'clmload_status']);
    expect(names).toEqual(expect.arrayContaining(['bus:txglom', 'apsta', 'cur_etheraddr', 'gpioout']));
    // The LED: driven off when the app makes it, on with the first reading (in the dark, the integration done while the radio came up).
    const led = host.gpioChanges.filter((c) => c.pin === 32).map((c) => c.level);
    expect(led).toEqual([0, 1]);
    expect(host.gpioChanges.filter((c) => [23, 24, 25, 29].includes(c.pin))).toEqual([]); // the radio's bus, not the app's GPIOs
    const transactions = host.bridges.flatMap((b) => b.transactions);
    expect(transactions.length).toBeGreaterThan(0);
    expect(transactions.every((t) => t.bus === 1 && t.result === 'ack')).toBe(true);
    expect(new Set(transactions.map((t) => t.address))).toEqual(new Set([0x29, 0x48]));
  }, 120_000);

  test('between its samples it sleeps: with no network used, lwIP has no timer to wake it for (lwIP\'s own cyclic timers woke it 12 times a second: IGMP\'s every 100 ms, DHCP\'s every 500 ms, ARP\'s, IP reassembly\'s and DNS\'s every second, with no report due, no request out and nothing to age)', async () => {
    if (typeof env === 'string') throw new Error(env);
    const host = nightHost(env, undefined, { radio: 'cyw43' });
    await host.runUntil(10_000); // booted, the radio up, the first sample taken
    const from = host.sleeps.length;
    await host.runUntil(30_000); // no sample of the app's in between (every 60 s)
    expect(host.sleeps.length - from).toBe(0);
  }, 120_000);

  test('its LED written through the radio, the radio\'s bus sleeps once idle 2.45 s, as the driver decides, and the board wakes once for that, not every 50 ms to count the time (hosts/moddable/pico/radio-bus-sleep.c)', async () => {
    if (typeof env === 'string') throw new Error(env);
    const host = nightHost(env, undefined, { radio: 'cyw43' });
    await host.runUntil(10_000);
    const ledWrites = host.radio!.ioctls.filter((i) => i.name === 'gpioout');
    expect(ledWrites.length).toBeGreaterThan(0);
    const waits = busSleepWaits(host);
    // Asleep after the LED's last write: the driver's 49 checks of 50 ms with nothing on the bus.
    expect(waits.filter((w) => w.t > ledWrites[ledWrites.length - 1].t).length).toBe(1);
    for (const w of waits) {
      expect(w.idleMs).toBeGreaterThanOrEqual(2400);
      expect(w.idleMs).toBeLessThan(2600);
      expect(w.wakes).toBeLessThanOrEqual(3); // the driver's own way: 50, one for each check
    }
  }, 120_000);

  test('its digital IO writes pin 32 through the radio (cyw43_arch_gpio_put linked)', () => {
    if (typeof env === 'string') throw new Error(env);
    expect(elfSymbol(env.elf, 'cyw43_arch_gpio_put')).toBeDefined();
  });

  test('the XS interpreter\'s loop runs from SRAM, as the app asks (THINGFLOW_XS_IN_SRAM in its manifest: a board with the radio keeps it in flash otherwise, tools/xs-in-sram.ts)', () => {
    if (typeof env === 'string') throw new Error(env);
    expect(elfSymbol(env.elf, 'fxRunID')! >>> 28).toBe(0x2); // SRAM is 0x2000_0000 on, flash (XIP) 0x1000_0000
  });
});

/**
 * The same app built with an SSID (bench:firmware's `joined` image, in THINGFLOW_FIRMWARE_DIR/joined): it
 * joins the emulated Wi-Fi and takes its address by DHCP, and then uses the network no more. lwIP's
 * ARP, IP reassembly and DNS timers age what the network brought, every second for ever once it was
 * used: 1.03 wakes a second over an hour. hosts/moddable/pico/lwip-timers.c runs them in batches of
 * a minute while no frame goes out, each called once for every second gone by.
 */
const SSID = ['ssid=thingflow-emulated', 'password=emulated-wifi'];
const joined = firmwareTestEnv('lux-demo', 'pico/pico_w', process.env, { settings: SSID, subdir: 'joined' });
if (typeof joined === 'string') console.log(joined);
const joinedFirmware = typeof joined === 'string' ? describe.skip : describe;

joinedFirmware('the lux demo as pico/pico_w firmware joined to the Wi-Fi, its network idle', () => {
  test('lwIP\'s aging timers run in batches of a minute, not every second, and age by every second all the same', async () => {
    if (typeof joined === 'string') throw new Error(joined);
    const etharp = elfSymbol(joined.elf, 'etharp_tmr')!;
    const dns = elfSymbol(joined.elf, 'dns_tmr')!;
    const host = nightHost(joined, undefined, { radio: 'cyw43', network: { connect: () => undefined }, entryMarks: [etharp, dns] });
    const calls = (pc: number) => host.entries.filter((e) => e.pc === pc).length;
    await host.runUntil(100_000);
    expect(host.lan?.leases).toBe(1);
    const [sleeps, arp0, dns0] = [host.sleeps.length, calls(etharp), calls(dns)];
    await host.runUntil(280_000);
    // 180 s: the app's three samples (120, 180, 240 s) and three batches of lwIP's, where every second woke it before.
    const wakes = host.sleeps.length - sleeps;
    expect(wakes).toBeGreaterThanOrEqual(6);
    expect(wakes).toBeLessThanOrEqual(12);
    // Each timer still runs once for every second: 180 in 180 s, give or take the batch it is in.
    for (const n of [calls(etharp) - arp0, calls(dns) - dns0]) {
      expect(n).toBeGreaterThanOrEqual(120);
      expect(n).toBeLessThanOrEqual(240);
      expect(n % 60).toBe(0);
    }
    // And the count since boot is the seconds since the network's first use, less the batch under way.
    const ran = calls(etharp);
    expect(ran).toBeGreaterThan(280 - 10 - 60);
    expect(ran).toBeLessThanOrEqual(280);
    // With the interpreter's loop in SRAM (35 KB), the C heap the radio's stack allocates from kept room: 90,112 bytes
    // measured (122,880 with the loop in flash).
    expect(cHeapLeft(host, joined.elf)).toBeGreaterThanOrEqual(64 * 1024);
  }, 300_000);

  test('its router\'s DHCP silent for 4 minutes (a pool run out): the board asks again on lwIP\'s back-off, DISCOVERs 2, 4, 8, 16, 32 and 60 s apart, waking for those, not for DHCP\'s fine timer every 500 ms (it woke 2 times a second), its ticks all paid; DHCP back, it takes its lease at its next ask', async () => {
    if (typeof joined === 'string') throw new Error(joined);
    const fine = elfSymbol(joined.elf, 'dhcp_fine_tmr')!;
    const host = nightHost(joined, undefined, { radio: 'cyw43', network: { connect: () => undefined }, entryMarks: [fine] });
    const calls = () => host.entries.filter((e) => e.pc === fine).length;
    const asks = () => host.lan!.dhcpMessages;
    host.lan!.ignoreDhcp = 1_000;
    await host.runUntil(30_000);
    expect(asks().length).toBeGreaterThanOrEqual(3);
    const [sleeps, ticks] = [host.sleeps.length, calls()];
    await host.runUntil(270_000);
    // 240 s: the app's four samples, lwIP's minute batches, and each DISCOVER (the radio's bus awake a while after it).
    expect(host.sleeps.length - sleeps).toBeLessThanOrEqual(40);
    // Its ticks owed, not lost: all paid but the batch under way (up to a minute's, 120).
    const paid = calls() - ticks;
    expect(paid).toBeGreaterThanOrEqual(480 - 130);
    expect(paid).toBeLessThanOrEqual(480 + 2);
    expect(asks().every((m) => m.type === 'DISCOVER' && !m.answered)).toBe(true);
    const gaps = asks().slice(1).map((m, i) => (m.atMs - asks()[i].atMs) / 1000);
    expect(gaps.slice(0, 7).map((g) => Math.round(g * 2) / 2)).toEqual([2, 4, 8, 16, 32, 60, 60]);
    host.lan!.ignoreDhcp = 0;
    await host.runUntil(340_000);
    expect(host.lan!.leases).toBe(1);
    expect(host.halted).toBeUndefined();
  }, 300_000);

  test('its DHCP lease is renewed at half its time, for as long as it runs, with lwIP\'s timers batched (a 10-minute lease here)', async () => {
    if (typeof joined === 'string') throw new Error(joined);
    const host = nightHost(joined, undefined, { radio: 'cyw43', network: { connect: () => undefined } });
    host.lan!.leaseSeconds = 600;
    await host.runUntil(1_500_000);
    const asks = host.lan!.dhcpMessages;
    expect(asks.map((m) => m.type)).toEqual(['DISCOVER', ...Array(asks.length - 1).fill('REQUEST')]);
    expect(asks.every((m) => m.answered)).toBe(true);
    expect(host.lan!.leases).toBe(5); // at boot, then at 300, 600, 900 and 1,200 s of the lease's time
    const gaps = asks.slice(2).map((m, i) => (m.atMs - asks[i + 1].atMs) / 1000);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(295);
      expect(gap).toBeLessThan(310);
    }
  }, 120_000);

  test('lwIP\'s batches and DHCP\'s coarse timer, each once a minute, share one wake: the batches keep to the minute grid DHCP\'s timer is on (they began a minute from wherever batching began: two wakes a minute)', async () => {
    if (typeof joined === 'string') throw new Error(joined);
    const etharp = elfSymbol(joined.elf, 'etharp_tmr')!;
    const coarse = elfSymbol(joined.elf, 'dhcp_coarse_tmr')!;
    const host = nightHost(joined, undefined, { radio: 'cyw43', network: { connect: () => undefined }, entryMarks: [etharp, coarse] });
    await host.runUntil(100_000);
    const from = host.sleeps.length - 1;
    await host.runUntil(280_000);
    // The wakes from 100 s that ran either: the cycle count of each entry falls between the sleeps around its wake.
    const wakesOf = (pc: number) => new Set(host.entries.filter((e) => e.pc === pc && e.cycles > host.sleeps[from].cycles).map((e) => host.sleeps.findIndex((w) => w.cycles > e.cycles)));
    const [arpWakes, coarseWakes] = [wakesOf(etharp), wakesOf(coarse)];
    expect(coarseWakes.size).toBe(3); // 180 s: three of DHCP's minutes
    expect([...coarseWakes].filter((w) => !arpWakes.has(w))).toEqual([]);
    expect(new Set([...arpWakes, ...coarseWakes]).size).toBe(3);
  }, 300_000);
});

/**
 * The debug build, what a developer flashes to work under xsbug (`mcconfig -d`): XS's debugger in the
 * image, the SDKs' C compiled for debugging, and the project's C mends for the Pico W (lwip-lock.c,
 * lwip-timers.c, radio-bus-sleep.c, heap-lock.c) built with it. With no xsbug to answer, the board
 * waits for it and then runs the app as the release build does.
 */
const debugBuild = firmwareTestEnv('lux-demo', 'pico/pico_w', process.env, { subdir: 'debug', debug: true });
if (typeof debugBuild === 'string') console.log(debugBuild);
const debugFirmware = typeof debugBuild === 'string' ? describe.skip : describe;

debugFirmware('the lux demo\'s debug build for pico/pico_w in rp2040js', () => {
  test('says hello to xsbug, waits for it, and with none there runs the app: the radio up, both sensors read over I2C1, the LED on at the first reading in the dark, the radio\'s bus asleep after', async () => {
    if (typeof debugBuild === 'string') throw new Error(debugBuild);
    const host = nightHost(debugBuild, undefined, { radio: 'cyw43' });
    await host.runUntil(70_000);
    expect(host.halted).toBeUndefined();
    const lines = host.consoleLines.map((c) => c.line);
    expect(lines.some((l) => /^<xsbug><login name="main" value="XS [\d.]+ 32-bit/.test(l))).toBe(true);
    expect(lines.filter((l) => /failed to start|^\[CYW43\]/.test(l))).toEqual([]);
    expect(host.radio!.upAtMs).toBeGreaterThan(1000); // after the wait for xsbug
    const led = host.gpioChanges.filter((c) => c.pin === 32);
    expect(led.map((c) => c.level)).toEqual([0, 1]);
    expect(led[1].t).toBeLessThan(10_000);
    const transactions = host.bridges.flatMap((b) => b.transactions);
    expect(new Set(transactions.map((t) => t.address))).toEqual(new Set([0x29, 0x48]));
    expect(transactions.every((t) => t.bus === 1 && t.result === 'ack')).toBe(true);
    expect(transactions.filter((t) => t.address === 0x29 && t.t > 60_000).length).toBeGreaterThan(0); // the 60 s sample too
    expect(host.radio!.busSleeps.filter((s) => s.asleep).length).toBeGreaterThanOrEqual(1);
  }, 180_000);
});

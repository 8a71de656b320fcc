/**
 * ECMA-419's Wi-Fi network interface as the Moddable SDK 8.2.3 declares it
 * ($MODDABLE/typings/embedded_network/interface/wifi.d.ts), for type-checking
 * hosts/moddable against @moddable/typings, which lacks it. mcconfig compiles
 * with the SDK's own declaration.
 */
declare module 'embedded:network/interface/wifi' {
  export type WiFiChangedProperty = 'connection' | 'address';

  export interface WiFiConstructorOptions {
    onChanged?: (this: WiFi, property: WiFiChangedProperty) => void;
  }

  export interface WiFiConnectOptions {
    SSID: string;
    password?: string;
  }

  class WiFi {
    constructor(options: WiFiConstructorOptions);
    close(): void;
    connect(options: WiFiConnectOptions): void;
    disconnect(): void;
    /** 200 and below: not joined; 300: joining; 400: joined; 500: joined with an address. */
    readonly connection: number;
    readonly address: string | undefined;
    readonly SSID: string | undefined;
  }

  export default WiFi;
}

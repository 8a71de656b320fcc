export * from './packet';
export { encode, encodePublishFields } from './encode';
export { PacketDecoder, type PacketHandler, type DecoderOptions } from './decode';
export { utf8Length, utf8Bytes, readUtf8 } from './utf8';

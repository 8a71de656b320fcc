export * from './outbound-budget';

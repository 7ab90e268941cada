export * from './certificate';
export * from './derivation';
export * from './hybrid';
export * from './scope';
export * from './sealing-error';

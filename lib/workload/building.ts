/** A type with its fields writable, to build an object of it field by field (internal to the builders). */
export type Building<T> = { -readonly [K in keyof T]: T[K] };

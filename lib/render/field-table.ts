/**
 * What a cdk8s-plus-28 `toJson_<type>` converter does to one field's value (scripts/kube-fields.ts reads them from the
 * generated code): `value` copies it, `unwrap` takes `.value` (IntOrString, Quantity), `object`/`objects` convert it
 * or each element with the converter of `type`, `list` copies an array, `map`/`mapUnwrap`/`mapList`/`mapObjects` do
 * the same per entry of a dictionary, and `date` calls `toISOString()`.
 */
export type FieldOp = 'value' | 'unwrap' | 'object' | 'objects' | 'list' | 'map' | 'mapUnwrap' | 'mapList' | 'mapObjects' | 'date';

/**
 * One field in the order the converter writes it: the TypeScript name, the operation, the converter of its type (''
 * when it has none), and the JSON name when it differs from the TypeScript one (`hostIpc` → `hostIPC`).
 */
export type FieldRow = readonly [ts: string, op: FieldOp, type: string, json?: string];

/** Every converted type by name (`PodSpec`, `KubeDeploymentProps`), its fields in the converter's order. */
export interface FieldTable {
  readonly [type: string]: readonly FieldRow[];
}

/**
 * Validates SARIF logs against the official 2.1.0 schema bundled with @microsoft/jest-sarif. The schema is
 * draft-04 (`id`); Ajv 8 speaks draft-07, whose only difference that matters here is `$id`. One of its patterns
 * (the language tag) is not a valid Unicode-mode regular expression, hence `unicodeRegExp: false`.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const SCHEMA_PATH = join(__dirname, '..', '..', 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

let validator: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

/** Schema errors of `log` (an empty list when it is valid SARIF 2.1.0). */
export function sarifSchemaErrors(log: unknown): unknown[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator(log) ? [] : [...(validator.errors as unknown[])];
}

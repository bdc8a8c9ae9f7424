/** schemas/status.json, compiled once for the tests that hold real output against it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../../schemas/status.json'), 'utf8')) as object;
const ajv = new Ajv.default({ allErrors: true });
addFormats.default(ajv);
export const validateStatus = ajv.compile(schema);

// Validators for Microsoft's official schemas, vendored in test/fixtures/schemas (Teams manifest and localization v1.22, Adaptive Cards 1.5).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { teamsCardProblems, withoutTeamsExtensions } from '../../src/cards/validate.js';

const DIR = join(import.meta.dirname, '../fixtures/schemas');

// Both packages are CommonJS and set `exports.default` to their export, which is what their types describe.
const AjvDraft04 = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;

type Json = Record<string, unknown>;

function schema(file: string): Json {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Json;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''}`);
}

let teams: { manifest: ValidateFunction; localization: ValidateFunction } | undefined;

/** The Teams schemas are draft-04: Ajv's draft-04 class, with the uri formats they use. */
function teamsValidators() {
  if (!teams) {
    // Patterns are plain ECMA-262 regexes; one in the localization schema (`\b]`) is not valid with the u flag.
    const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    teams = {
      manifest: ajv.compile(schema('MicrosoftTeams.v1.22.schema.json')),
      localization: ajv.compile(schema('MicrosoftTeams.Localization.v1.22.schema.json')),
    };
  }
  return teams;
}

/** Problems the official Teams v1.22 manifest schema finds (empty when valid). */
export function teamsManifestErrors(manifest: unknown): string[] {
  const v = teamsValidators().manifest;
  return v(manifest) ? [] : describeErrors(v.errors);
}

/** Problems the official Teams v1.22 localization schema finds in a `localizationInfo` file. */
export function teamsLocalizationErrors(file: unknown): string[] {
  const v = teamsValidators().localization;
  return v(file) ? [] : describeErrors(v.errors);
}

let card: ValidateFunction | undefined;

/** The Adaptive Card schema is draft-06: Ajv's default class with the draft-06 meta-schema added. */
function cardValidator(): ValidateFunction {
  if (!card) {
    const require = createRequire(import.meta.url);
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as Json);
    addFormats(ajv);
    // The file names itself with draft-04's `id` although it declares draft-06, where the keyword is `$id`.
    const { id, ...rest } = schema('adaptive-card-1.5.0.json');
    card = ajv.compile({ ...rest, $id: String(id) });
  }
  return card;
}

/**
 * What the official Adaptive Cards 1.5 schema finds, with the Teams-only parts set aside, plus Teams' own rules for
 * those parts (verbs, refresh users, msteams, the people picker). Empty when the card is fine on both counts.
 */
export function adaptiveCardErrors(value: unknown): string[] {
  const c = value as Json;
  const v = cardValidator();
  const schemaErrors = v(withoutTeamsExtensions(c)) ? [] : describeErrors(v.errors);
  return [...schemaErrors, ...teamsCardProblems(c)];
}

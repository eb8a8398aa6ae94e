/**
 * Lenient parsing of a Gemini `generateContent` / `streamGenerateContent` / `countTokens`
 * request: only the fields the simulator uses. Like Google's JSON mapping, every field is
 * accepted in lowerCamelCase or snake_case (`systemInstruction` or `system_instruction`).
 * Schemas in Google's OpenAPI subset (`"type": "OBJECT"`) are normalized to JSON Schema.
 */
import { isRecord, type JsonSchema } from './chat-request.js';
import type { ReplyFormat } from './reply-plan.js';
import { hashString } from './seeded-random.js';

export interface GeminiContent {
  readonly role: string | undefined;
  /** Parts as sent (untrusted JSON: every field is checked before use). */
  readonly parts: readonly Readonly<Record<string, unknown>>[];
}

export interface GeminiFunctionDeclaration {
  readonly name: string;
  /** `parametersJsonSchema`, else the normalized `parameters`. */
  readonly schema: JsonSchema;
  /** The declaration as sent, for token counting. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface GeminiGenerateRequest {
  readonly contents: readonly GeminiContent[];
  readonly systemInstruction: GeminiContent | undefined;
  readonly functionDeclarations: readonly GeminiFunctionDeclaration[];
  readonly functionCallingMode: string | undefined;
  readonly allowedFunctionNames: readonly string[];
  readonly candidateCount: number;
  readonly maxOutputTokens: number | undefined;
  readonly stopSequences: readonly string[];
  /** `generationConfig.seed`, else a hash of the system instruction and contents. */
  readonly seed: number;
  readonly format: ReplyFormat;
  /** `thinkingConfig.thinkingBudget` (-1 is dynamic, 0 is off). */
  readonly thinkingBudget: number | undefined;
  readonly includeThoughts: boolean;
}

export type GeminiParseResult = { readonly ok: true; readonly value: GeminiGenerateRequest } | { readonly ok: false; readonly message: string };

type JsonRecord = Readonly<Record<string, unknown>>;

/** Reads `record.fooBar`, else `record.foo_bar`. */
export function readField(record: JsonRecord | undefined, camelName: string): unknown {
  if (record === undefined) return undefined;
  const value = record[camelName];
  return value !== undefined ? value : record[camelName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)];
}

function readRecord(record: JsonRecord | undefined, camelName: string): JsonRecord | undefined {
  const value = readField(record, camelName);
  return isRecord(value) ? value : undefined;
}

export function parseGeminiGenerateRequest(body: JsonRecord): GeminiParseResult {
  const contentsValue = readField(body, 'contents');
  if (!Array.isArray(contentsValue) || contentsValue.length === 0) return invalid('* GenerateContentRequest.contents: contents is not specified\n');
  const contents: GeminiContent[] = [];
  for (const [index, content] of contentsValue.entries()) {
    const parsed = parseContent(content);
    if (parsed === undefined || parsed.parts.length === 0) return invalid(`* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`);
    if (parsed.role !== undefined && parsed.role !== 'user' && parsed.role !== 'model' && parsed.role !== 'function') return invalid('Please use a valid role: user, model.');
    contents.push(parsed);
  }
  const systemInstruction = parseContent(readField(body, 'systemInstruction'));
  const config = readRecord(body, 'generationConfig');
  const candidateCount = readField(config, 'candidateCount') ?? 1;
  if (typeof candidateCount !== 'number' || !Number.isInteger(candidateCount) || candidateCount < 1 || candidateCount > 8) {
    return invalid('* GenerateContentRequest.generation_config.candidate_count: must be between 1 and 8.\n');
  }
  const maxOutputTokens = readField(config, 'maxOutputTokens');
  if (maxOutputTokens !== undefined && !(typeof maxOutputTokens === 'number' && Number.isInteger(maxOutputTokens) && maxOutputTokens > 0)) {
    return invalid('* GenerateContentRequest.generation_config.max_output_tokens: max_output_tokens must be positive.\n');
  }
  const stopValue = readField(config, 'stopSequences');
  const stopSequences = Array.isArray(stopValue) ? stopValue.filter((sequence): sequence is string => typeof sequence === 'string') : [];
  if (stopSequences.length > 5) return invalid('* GenerateContentRequest.generation_config.stop_sequences: at most 5 stop sequences are allowed.\n');
  const seed = readField(config, 'seed');
  const thinkingConfig = readRecord(config, 'thinkingConfig');
  const thinkingBudget = readField(thinkingConfig, 'thinkingBudget');
  const toolConfig = readRecord(readRecord(body, 'toolConfig'), 'functionCallingConfig');
  const mode = readField(toolConfig, 'mode');
  const allowed = readField(toolConfig, 'allowedFunctionNames');
  return {
    ok: true,
    value: {
      contents,
      systemInstruction,
      functionDeclarations: parseFunctionDeclarations(readField(body, 'tools')),
      functionCallingMode: typeof mode === 'string' ? mode.toUpperCase() : undefined,
      allowedFunctionNames: Array.isArray(allowed) ? allowed.filter((name): name is string => typeof name === 'string') : [],
      candidateCount,
      maxOutputTokens: typeof maxOutputTokens === 'number' ? maxOutputTokens : undefined,
      stopSequences,
      seed: typeof seed === 'number' && Number.isFinite(seed) ? seed : hashString(JSON.stringify(contentsValue), hashString(JSON.stringify(systemInstruction ?? null))),
      format: parseFormat(config),
      thinkingBudget: typeof thinkingBudget === 'number' && Number.isInteger(thinkingBudget) ? thinkingBudget : undefined,
      includeThoughts: readField(thinkingConfig, 'includeThoughts') === true,
    },
  };
}

function invalid(message: string): GeminiParseResult {
  return { ok: false, message };
}

function parseContent(value: unknown): GeminiContent | undefined {
  if (!isRecord(value)) return undefined;
  const parts = Array.isArray(value.parts) ? value.parts.filter(isRecord) : [];
  return { role: typeof value.role === 'string' ? value.role : undefined, parts };
}

function parseFunctionDeclarations(tools: unknown): GeminiFunctionDeclaration[] {
  const declarations: GeminiFunctionDeclaration[] = [];
  for (const tool of Array.isArray(tools) ? tools : []) {
    const list = isRecord(tool) ? readField(tool, 'functionDeclarations') : undefined;
    for (const declaration of Array.isArray(list) ? list : []) {
      if (!isRecord(declaration) || typeof declaration.name !== 'string') continue;
      const jsonSchema = readField(declaration, 'parametersJsonSchema');
      const schema = isRecord(jsonSchema) ? (jsonSchema as JsonSchema) : normalizeOpenApiSchema(declaration.parameters ?? { type: 'object' });
      declarations.push({ name: declaration.name, schema, raw: declaration });
    }
  }
  return declarations;
}

function parseFormat(config: JsonRecord | undefined): ReplyFormat {
  const mimeType = readField(config, 'responseMimeType');
  const jsonSchema = readField(config, 'responseJsonSchema') ?? readField(config, '_responseJsonSchema');
  const schema = isRecord(jsonSchema) ? (jsonSchema as JsonSchema) : isRecord(readField(config, 'responseSchema')) ? normalizeOpenApiSchema(readField(config, 'responseSchema')) : undefined;
  if (mimeType === 'application/json') return schema === undefined ? { type: 'json_object' } : { type: 'json_schema', schema };
  if (mimeType === 'text/x.enum' && schema?.enum !== undefined) {
    return { type: 'enum', values: schema.enum.filter((value): value is string => typeof value === 'string') };
  }
  return { type: 'text' };
}

/** Google's OpenAPI subset → JSON Schema: type names lower-cased, recursively. */
export function normalizeOpenApiSchema(value: unknown, depth = 0): JsonSchema {
  if (!isRecord(value) || depth > 16) return {};
  const schema: Record<string, unknown> = { ...value };
  if (typeof value.type === 'string') schema.type = value.type.toLowerCase();
  if (isRecord(value.properties)) {
    schema.properties = Object.fromEntries(Object.entries(value.properties).map(([name, inner]) => [name, normalizeOpenApiSchema(inner, depth + 1)]));
  }
  if (value.items !== undefined) schema.items = normalizeOpenApiSchema(value.items, depth + 1);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = value[key];
    if (Array.isArray(list)) schema[key] = list.map((inner) => normalizeOpenApiSchema(inner, depth + 1));
  }
  return schema as JsonSchema;
}

/**
 * The same policy as the OpenAI side: a function is called when declarations are present and
 * the mode is not NONE: with ANY the first allowed one, else the first declaration. With
 * AUTO (the default), a conversation whose last turn carries a `functionResponse` is
 * answered with text.
 */
export function chooseGeminiFunction(request: GeminiGenerateRequest): GeminiFunctionDeclaration | undefined {
  const declarations = request.functionDeclarations;
  if (declarations.length === 0 || request.functionCallingMode === 'NONE') return undefined;
  if (request.functionCallingMode === 'ANY') {
    return declarations.find((declaration) => request.allowedFunctionNames.includes(declaration.name)) ?? declarations[0];
  }
  const last = request.contents[request.contents.length - 1];
  const answersFunction = last?.parts.some((part) => readField(part, 'functionResponse') !== undefined) === true;
  return answersFunction ? undefined : declarations[0];
}

import type { ChatRequestBody, ChatTool } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import type { GeminiFunctionCallingMode, GeminiFunctionDeclaration, GeminiGenerateContentRequest, GeminiGenerationConfig } from './gemini-wire.js';
import { toGeminiContents } from './to-gemini-contents.js';
import { toGeminiSchema } from './to-gemini-schema.js';

export interface GeminiRequestTranslation {
  readonly request: GeminiGenerateContentRequest;
  /** Settings Gemini cannot honour, each named; the adapter adds them to `context.warnings`. */
  readonly warnings: readonly string[];
}

/** Fields read below, or used by Tollgate itself (`stream*`, `user`), so never reported as dropped. */
const translatedFields: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'user',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'temperature',
  'top_p',
  'top_k',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'n',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'thinking',
]);

/**
 * The neutral (OpenAI-shaped) request as a Gemini `GenerateContentRequest`. Pure. Settings Gemini
 * has no field for (`logprobs`, `logit_bias`, `reasoning_effort`, …) are left out and named in a
 * warning; content that cannot be sent at all is a TollgateError (`TG_ERR_UNSUPPORTED_PARAMETER`).
 * Values are passed on unchanged, never clamped: Gemini's own limits answer with its own 400.
 */
export function toGeminiRequest(body: ChatRequestBody): GeminiRequestTranslation {
  const warnings: string[] = [];
  const { systemInstruction, contents } = toGeminiContents(body.messages, warnings);
  const request: GeminiGenerateContentRequest = { contents };
  if (systemInstruction !== undefined) request.systemInstruction = systemInstruction;

  const functionDeclarations = (body.tools ?? []).map((tool, index) => toFunctionDeclaration(tool, index, warnings));
  if (functionDeclarations.length > 0) {
    request.tools = [{ functionDeclarations }];
    const functionCallingConfig = toFunctionCallingConfig(body.tool_choice);
    if (functionCallingConfig !== undefined) request.toolConfig = { functionCallingConfig };
  }
  if (body.parallel_tool_calls === false) {
    warnings.push('parallel_tool_calls: false is not supported by Gemini (it may call several functions at once); not sent');
  }

  const generationConfig = toGenerationConfig(body, warnings);
  if (Object.keys(generationConfig).length > 0) request.generationConfig = generationConfig;

  const dropped = Object.keys(body).filter((field) => !translatedFields.has(field) && body[field] !== undefined && body[field] !== null);
  if (dropped.length > 0) warnings.push(`${dropped.join(', ')} ${dropped.length === 1 ? 'is' : 'are'} not supported by Gemini; not sent`);
  return { request, warnings };
}

function toFunctionDeclaration(tool: ChatTool, index: number, warnings: string[]): GeminiFunctionDeclaration {
  if (tool.type !== 'function' || tool.function === undefined) {
    throw new TollgateError({
      code: 'TG_ERR_UNSUPPORTED_PARAMETER',
      message: `Tools of type "${tool.type}" cannot be sent to Gemini; only function tools can.`,
      param: `tools[${index}].type`,
    });
  }
  const { name, description, parameters } = tool.function;
  const declaration: GeminiFunctionDeclaration = { name };
  if (typeof description === 'string') declaration.description = description;
  const { schema, removed } = toGeminiSchema(parameters);
  if (schema !== undefined) declaration.parameters = schema;
  if (removed.length > 0) {
    warnings.push(`tool "${name}": JSON Schema keywords Gemini does not accept were removed from its parameters: ${removed.join(', ')}`);
  }
  return declaration;
}

/** `auto` → AUTO, `none` → NONE, `required` → ANY, a named function → ANY limited to that name. */
function toFunctionCallingConfig(toolChoice: unknown): { mode: GeminiFunctionCallingMode; allowedFunctionNames?: string[] } | undefined {
  if (toolChoice === undefined || toolChoice === null) return undefined;
  if (toolChoice === 'auto') return { mode: 'AUTO' };
  if (toolChoice === 'none') return { mode: 'NONE' };
  if (toolChoice === 'required') return { mode: 'ANY' };
  const named = toolChoice as { type?: unknown; function?: { name?: unknown } };
  if (named.type === 'function' && typeof named.function?.name === 'string') return { mode: 'ANY', allowedFunctionNames: [named.function.name] };
  throw new TollgateError({ code: 'TG_ERR_UNSUPPORTED_PARAMETER', message: 'This tool_choice cannot be sent to Gemini.', param: 'tool_choice' });
}

function toGenerationConfig(body: ChatRequestBody, warnings: string[]): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  const set = <K extends keyof GeminiGenerationConfig>(key: K, value: GeminiGenerationConfig[K] | undefined) => {
    if (value !== undefined) config[key] = value;
  };
  set('temperature', number(body['temperature']));
  set('topP', number(body['top_p']));
  set('topK', number(body.top_k));
  set('maxOutputTokens', number(body.max_completion_tokens) ?? number(body.max_tokens));
  set('stopSequences', stopSequences(body['stop']));
  set('candidateCount', number(body.n));
  set('seed', number(body['seed']));
  set('presencePenalty', number(body['presence_penalty']));
  set('frequencyPenalty', number(body['frequency_penalty']));

  const format = body.response_format;
  if (format !== undefined && format !== null && format.type !== 'text') {
    if (format.type !== 'json_object' && format.type !== 'json_schema') {
      throw new TollgateError({ code: 'TG_ERR_UNSUPPORTED_PARAMETER', message: `response_format "${format.type}" cannot be sent to Gemini.`, param: 'response_format.type' });
    }
    config.responseMimeType = 'application/json';
    const schema = (format['json_schema'] as { schema?: unknown } | undefined)?.schema;
    if (format.type === 'json_schema' && schema !== undefined) config.responseJsonSchema = schema;
  }

  const thinking = body.thinking;
  if (thinking !== undefined && thinking !== null) {
    if (thinking.type === 'enabled' && typeof thinking.budget_tokens === 'number') {
      config.thinkingConfig = { thinkingBudget: thinking.budget_tokens, includeThoughts: true };
    } else if (thinking.type === 'disabled') {
      config.thinkingConfig = { thinkingBudget: 0 };
    } else {
      warnings.push(`thinking of type "${thinking.type}" is not supported by Gemini; not sent`);
    }
  }
  return config;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop)) return stop.filter((sequence): sequence is string => typeof sequence === 'string');
  return undefined;
}

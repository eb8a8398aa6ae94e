import type { ChatContentPart } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import type { GeminiPart } from './gemini-wire.js';

/** MIME types Gemini accepts for `fileData`, by file extension (https://ai.google.dev/gemini-api/docs/file-input-methods). */
const mimeTypeByExtension: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

/**
 * One OpenAI content part as a Gemini part:
 * - `text` → `{text}`; `refusal` (assistant history) → `{text}`
 * - `image_url` with a `data:` URL → `{inlineData}`; with an http(s) URL → `{fileData}`, the MIME
 *   type guessed from the extension (or left out, with a warning)
 * - `input_audio` → `{inlineData}` (`audio/<format>`); `file` with `file_data` → `{inlineData}`
 *
 * Anything else cannot be sent without losing the user's content, so it is an error, not a warning.
 * `where` names the part in errors, e.g. `messages[2].content[1]`.
 */
export function toGeminiPart(part: ChatContentPart, where: string, warnings: string[]): GeminiPart {
  switch (part.type) {
    case 'text':
      return { text: typeof part.text === 'string' ? part.text : '' };
    case 'refusal':
      return { text: typeof part['refusal'] === 'string' ? part['refusal'] : '' };
    case 'image_url':
      return imagePart(part, where, warnings);
    case 'input_audio':
      return audioPart(part['input_audio'], where);
    case 'file':
      return filePart(part['file'], where);
    default:
      throw unsupported(`${where}.type`, `Content parts of type "${part.type}" cannot be sent to Gemini.`);
  }
}

function imagePart(part: ChatContentPart, where: string, warnings: string[]): GeminiPart {
  const url = part.image_url?.url;
  if (typeof url !== 'string') throw invalid(`${where}.image_url.url`, 'An image_url part needs a url.');
  if (part.image_url?.detail !== undefined && part.image_url.detail !== 'auto') {
    warnings.push(`${where}.image_url.detail "${part.image_url.detail}" is not supported by Gemini; not sent`);
  }
  if (url.startsWith('data:')) return { inlineData: inlineDataOf(url, `${where}.image_url.url`) };
  if (!/^https?:\/\//i.test(url)) throw unsupported(`${where}.image_url.url`, 'Only data: and http(s) image URLs can be sent to Gemini.');
  const mimeType = mimeTypeOfUrl(url);
  if (mimeType === undefined) {
    warnings.push(`${where}.image_url.url has no file extension Gemini's MIME types cover; sent without a mimeType`);
    return { fileData: { fileUri: url } };
  }
  return { fileData: { mimeType, fileUri: url } };
}

function audioPart(audio: unknown, where: string): GeminiPart {
  const { data, format } = (typeof audio === 'object' && audio !== null ? audio : {}) as { data?: unknown; format?: unknown };
  if (typeof data !== 'string' || typeof format !== 'string') throw invalid(`${where}.input_audio`, 'An input_audio part needs data and format.');
  return { inlineData: { mimeType: `audio/${format}`, data } };
}

function filePart(file: unknown, where: string): GeminiPart {
  const fileData = (typeof file === 'object' && file !== null ? file : {}) as { file_data?: unknown };
  if (typeof fileData.file_data !== 'string' || !fileData.file_data.startsWith('data:')) {
    throw unsupported(`${where}.file`, 'Only file parts with file_data as a data: URL can be sent to Gemini (file_id cannot).');
  }
  return { inlineData: inlineDataOf(fileData.file_data, `${where}.file.file_data`) };
}

/** `data:<mime>[;base64],<data>` → base64 data and its MIME type. */
function inlineDataOf(dataUrl: string, param: string): { mimeType: string; data: string } {
  const match = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s.exec(dataUrl);
  if (match === null) throw invalid(param, 'The data: URL is malformed or has no MIME type.');
  const [, mimeType = '', parameters = '', payload = ''] = match;
  const isBase64 = parameters.split(';').includes('base64');
  return { mimeType, data: isBase64 ? payload : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64') };
}

function mimeTypeOfUrl(url: string): string | undefined {
  const path = new URL(url).pathname;
  const dot = path.lastIndexOf('.');
  return dot === -1 ? undefined : mimeTypeByExtension[path.slice(dot + 1).toLowerCase()];
}

function unsupported(param: string, message: string): TollgateError {
  return new TollgateError({ code: 'TG_ERR_UNSUPPORTED_PARAMETER', message, param });
}

function invalid(param: string, message: string): TollgateError {
  return new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message, param });
}

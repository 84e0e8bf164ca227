import * as z from '../zod.ts';
import { builtOnce } from './built.ts';
import { headerText } from './common.ts';

/** Most files GPT Actions hand to one call (their documented limit). */
export const MAX_FILE_REFS = 10;

/** This module's schemas, built at their first use (./built.ts says why). */
export const fileSchemas = builtOnce('files', () => {
  /**
   * One file from the ChatGPT conversation, as GPT Actions pass it in a parameter that must be
   * named `openaiFileIdRefs`: a name, a stable id, a MIME type guessed from the extension and a
   * download link valid for five minutes. The link is fetched server-side, only from the hosts
   * the deployment allows (lib/gmail/file-refs.ts).
   */
  const OpenAiFileRef = z.object({
    name: headerText(255).check(z.minLength(1), z.describe('File name; becomes the attachment name.')),
    id: z.string().check(z.maxLength(256), z.describe('The file id ChatGPT gave.')),
    mime_type: z.string().check(z.maxLength(255), z.describe('MIME type, e.g. "application/pdf".')),
    download_link: z.string().check(z.maxLength(4096), z.describe('Short-lived https link to the file content.')),
  });
  /** The `openaiFileIdRefs` field of send, reply and draft requests. */
  const OpenAiFileRefs = z
    .nullish(z.array(OpenAiFileRef).check(z.maxLength(MAX_FILE_REFS)))
    .check(
      z.describe(
        'Files the user uploaded or made in this conversation to attach to the mail (up to 10, any type). ChatGPT fills this in; other callers use `attachments` with base64 content instead.',
      ),
    );

  return { OpenAiFileRef, OpenAiFileRefs };
});

type Schemas = ReturnType<typeof fileSchemas>;
export type OpenAiFileRef = z.infer<Schemas['OpenAiFileRef']>;

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inputJsonSchema, nullable, StrictSchemaError, toStrictSchema } from '#lib/catalog/json-schema';
import { admitsNull, strictModeProblems } from './support.ts';

const strict = (schema: z.ZodType) => toStrictSchema(inputJsonSchema(schema));

describe('toStrictSchema', () => {
  it('closes every object and requires all of its properties, nested ones too', () => {
    const schema = strict(
      z.object({
        name: z.string(),
        address: z.object({ city: z.string(), zip: z.string().optional() }).optional(),
        tags: z.array(z.object({ label: z.string() })),
      }),
    );
    expect(strictModeProblems(schema)).toEqual([]);
    expect(schema.required).toEqual(['name', 'address', 'tags']);
    const address = (schema.properties as any).address;
    expect(address).toMatchObject({ type: ['object', 'null'], additionalProperties: false, required: ['city', 'zip'] });
    expect((schema.properties as any).tags.items).toMatchObject({ additionalProperties: false, required: ['label'] });
  });

  it('makes optional properties nullable and leaves required ones as they are', () => {
    const schema = strict(
      z.object({
        title: z.string(),
        note: z.string().optional(),
        level: z.enum(['low', 'high']).optional(),
        when: z.union([z.string(), z.number()]).optional(),
      }),
    );
    const properties = schema.properties as Record<string, unknown>;
    expect(properties.title).toEqual({ type: 'string' });
    expect(properties.note).toEqual({ type: ['string', 'null'] });
    expect(admitsNull(properties.level)).toBe(true);
    expect(admitsNull(properties.when)).toBe(true);
    expect(strictModeProblems(schema)).toEqual([]);
  });

  it('does not add a second null to fields that are already nullish', () => {
    const schema = strict(z.object({ limit: z.number().int().nullish(), flag: z.boolean().nullish() }));
    const properties = schema.properties as Record<string, any>;
    expect(properties.limit.anyOf.filter((member: any) => member.type === 'null')).toHaveLength(1);
    expect(properties.flag.type).toEqual(['boolean', 'null']);
  });

  it('removes defaults and keeps descriptions', () => {
    const schema = strict(z.object({ limit: z.number().default(10).describe('How many.') }));
    const limit = (schema.properties as any).limit;
    expect(JSON.stringify(schema)).not.toContain('default');
    expect(limit.description).toBe('How many.');
    expect(admitsNull(limit)).toBe(true);
  });

  it('drops keywords and formats strict mode rejects, keeping supported formats without their regex', () => {
    const schema = strict(
      z.object({
        text: z.string().min(1).max(10),
        site: z.url(),
        mail: z.email(),
        code: z.string().regex(/^[A-Z]{2}$/),
        word: z.string().regex(/^\p{L}+$/u),
      }),
    );
    const properties = schema.properties as Record<string, any>;
    expect(properties.text).toEqual({ type: 'string' });
    expect(properties.site.format).toBeUndefined();
    expect(properties.mail).toEqual({ type: 'string', format: 'email' });
    expect(properties.code.pattern).toBe('^[A-Z]{2}$');
    expect(properties.word.pattern).toBeUndefined();
    expect(strictModeProblems(schema)).toEqual([]);
  });

  it('flattens nested unions and lifts their description to the property', () => {
    const recipients = z.union([z.string(), z.array(z.string())]).describe('One or many.');
    const schema = strict(z.object({ cc: recipients.nullish() }));
    const cc = (schema.properties as any).cc;
    expect(cc.description).toBe('One or many.');
    expect(cc.anyOf.map((member: any) => member.type)).toEqual(['string', 'array', 'null']);
  });

  it('writes literals as one-value enums', () => {
    const schema = strict(z.object({ kind: z.literal('mail') }));
    expect((schema.properties as any).kind).toEqual({ type: 'string', enum: ['mail'] });
    expect(strictModeProblems(schema)).toEqual([]);
  });

  it('refuses what strict mode cannot express, naming the field', () => {
    expect(() => strict(z.object({ extra: z.record(z.string(), z.string()) }))).toThrow(/extra: .*record/);
    expect(() => strict(z.object({ anything: z.unknown() }))).toThrow(StrictSchemaError);
    expect(() => strict(z.string())).toThrow(/root/);
    expect(() => strict(z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]))).toThrow(/root/);
  });

  it('keeps transforms and refinements out of the schema (io: input)', () => {
    const schema = strict(
      z
        .object({
          word: z
            .string()
            .trim()
            .transform((value) => value.length),
        })
        .refine((value) => value.word > 0, { message: 'empty' }),
    );
    expect((schema.properties as any).word).toEqual({ type: 'string' });
  });
});

describe('nullable', () => {
  it('extends a union, a type array, or wraps an enum', () => {
    expect(nullable({ anyOf: [{ type: 'string' }] })).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] });
    expect(nullable({ type: 'integer', minimum: 1 })).toEqual({ type: ['integer', 'null'], minimum: 1 });
    expect(nullable({ type: 'string', enum: ['a'], description: 'd' })).toEqual({
      description: 'd',
      anyOf: [{ type: 'string', enum: ['a'] }, { type: 'null' }],
    });
    const already = { type: ['string', 'null'] };
    expect(nullable(already)).toBe(already);
  });
});

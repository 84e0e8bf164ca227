import { describe, expect, it } from 'vitest';
import { inputJsonSchema, nullable, StrictSchemaError, toStrictSchema } from '#lib/catalog/json-schema';
import * as z from '#lib/zod';
import { admitsNull, strictModeProblems } from './support.ts';

const strict = (schema: z.ZodMiniType) => toStrictSchema(inputJsonSchema(schema));

describe('toStrictSchema', () => {
  it('closes every object and requires all of its properties, nested ones too', () => {
    const schema = strict(
      z.object({
        name: z.string(),
        address: z.optional(z.object({ city: z.string(), zip: z.optional(z.string()) })),
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
        note: z.optional(z.string()),
        level: z.optional(z.enum(['low', 'high'])),
        when: z.optional(z.union([z.string(), z.number()])),
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
    const schema = strict(z.object({ limit: z.nullish(z.number().check(z.int())), flag: z.nullish(z.boolean()) }));
    const properties = schema.properties as Record<string, any>;
    expect(properties.limit.anyOf.filter((member: any) => member.type === 'null')).toHaveLength(1);
    expect(properties.flag.type).toEqual(['boolean', 'null']);
  });

  it('removes defaults and keeps descriptions', () => {
    const schema = strict(z.object({ limit: z._default(z.number(), 10).check(z.describe('How many.')) }));
    const limit = (schema.properties as any).limit;
    expect(JSON.stringify(schema)).not.toContain('default');
    expect(limit.description).toBe('How many.');
    expect(admitsNull(limit)).toBe(true);
  });

  it('drops keywords and formats strict mode rejects, keeping supported formats without their regex', () => {
    const schema = strict(
      z.object({
        text: z.string().check(z.minLength(1), z.maxLength(10)),
        site: z.url(),
        mail: z.email(),
        code: z.string().check(z.regex(/^[A-Z]{2}$/)),
        word: z.string().check(z.regex(/^\p{L}+$/u)),
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
    const recipients = z.union([z.string(), z.array(z.string())]).check(z.describe('One or many.'));
    const schema = strict(z.object({ cc: z.nullish(recipients) }));
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
          word: z.pipe(
            z.string().check(z.trim()),
            z.transform((value: string) => value.length),
          ),
        })
        .check(z.refine((value) => value.word > 0, { message: 'empty' })),
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

import { checkValue, type ValueSchema } from '../../../runtime/wot/schema';

// Table: schema, value, expected (null = fits, or a fragment of the message).
const cases: [string, ValueSchema, unknown, string | null][] = [
  ['boolean ok', { type: 'boolean' }, true, null],
  ['boolean rejects number', { type: 'boolean' }, 1, 'must be boolean'],
  ['integer ok', { type: 'integer' }, 42, null],
  ['integer rejects fraction', { type: 'integer' }, 4.5, 'must be integer'],
  ['integer rejects string', { type: 'integer' }, '4', 'must be integer'],
  ['number accepts integer', { type: 'number' }, 3, null],
  ['number rejects NaN', { type: 'number' }, NaN, 'non-finite'],
  ['number rejects null', { type: 'number' }, null, 'got null'],
  ['type list', { type: ['string', 'null'] }, null, null],
  ['minimum ok at bound', { type: 'integer', minimum: 0 }, 0, null],
  ['minimum', { type: 'integer', minimum: 0 }, -1, 'must be >= 0'],
  ['maximum', { type: 'integer', maximum: 100 }, 101, 'must be <= 100'],
  ['exclusiveMaximum', { type: 'number', exclusiveMaximum: 1 }, 1, 'must be < 1'],
  ['multipleOf ok', { type: 'number', multipleOf: 0.1 }, 0.3, null],
  ['multipleOf', { type: 'number', multipleOf: 5 }, 12, 'multiple of 5'],
  ['enum ok', { type: 'string', enum: ['red', 'green'] }, 'green', null],
  ['enum', { type: 'string', enum: ['red', 'green'] }, 'blue', 'one of'],
  ['enum of objects', { enum: [{ a: 1 }] }, { a: 1 }, null],
  ['const', { const: 3 }, 4, 'must be 3'],
  ['maxLength', { type: 'string', maxLength: 3 }, 'abcd', 'at most 3'],
  ['object required', { type: 'object', required: ['brightness', 'duration'] }, { brightness: 1 }, 'value.duration is required'],
  ['nested property checked', { type: 'object', properties: { b: { type: 'integer', maximum: 100 } } }, { b: 101 }, 'value.b must be <= 100'],
  ['array items', { type: 'array', items: { type: 'number' } }, [1, 'x'], 'value[1] must be number'],
  ['minItems', { type: 'array', minItems: 2 }, [1], 'at least 2'],
  ['unknown keywords ignored', { type: 'integer', unit: 'percent', '@type': 'BrightnessProperty' }, 5, null],
  ['no type constrains nothing', {}, { anything: [1] }, null],
];

describe('checkValue (JSON Schema subset)', () => {
  test.each(cases)('%s', (_name, schema, value, expected) => {
    const got = checkValue(value, schema);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toContain(expected);
  });

  test('the fade action input schema from webthing-python', () => {
    const input: ValueSchema = {
      type: 'object',
      required: ['brightness', 'duration'],
      properties: {
        brightness: { type: 'integer', minimum: 0, maximum: 100 },
        duration: { type: 'integer', minimum: 1 },
      },
    };
    expect(checkValue({ brightness: 50, duration: 10 }, input)).toBeNull();
    expect(checkValue({ brightness: 50, duration: 0 }, input)).toContain('value.duration must be >= 1');
    expect(checkValue(undefined, input)).toContain('must be object');
    expect(checkValue([1], input)).toContain('must be object');
  });
});

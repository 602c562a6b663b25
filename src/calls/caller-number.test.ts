import { describe, expect, it } from 'vitest';
import { normalizeCallerNumber } from './caller-number.ts';

// Fictional numbers only: NANP 555-01xx and the UK Ofcom drama range 020 7946 0xxx.
describe('normalizeCallerNumber', () => {
  it.each([
    '6175550142',
    '(617) 555-0142',
    '617.555.0142',
    '+16175550142',
    '16175550142',
    '1 617 555 0142',
    '+1 (617) 555-0142',
    '  +16175550142  ',
    'sip:+16175550142@pbx.example.test',
    'sips:+16175550142@pbx.example.test:5061',
    'SIP:6175550142@pbx.example.test',
    'tel:+1-617-555-0142',
  ])('reads %j as +16175550142', (ani) => {
    expect(normalizeCallerNumber(ani)).toEqual({ presentation: 'number', e164: '+16175550142' });
  });

  it.each(['anonymous', 'Anonymous', 'Restricted', 'RESTRICTED', 'private', 'unknown', 'Unavailable', 'withheld', '', '   ', '+0000', '0000', '+'])(
    'treats %j as a withheld (blocked) number',
    (ani) => {
      expect(normalizeCallerNumber(ani)).toEqual({ presentation: 'blocked' });
    },
  );

  it.each(['12', '555', 'not-a-number', 'sip:front-desk@pbx.example.test', '+1617555014', '+999123456789', '617555014299999'])(
    'reports %j as invalid rather than guessing',
    (ani) => {
      expect(normalizeCallerNumber(ani)).toEqual({ presentation: 'invalid' });
    },
  );

  it('keeps an international number with + as itself, whatever the default region', () => {
    expect(normalizeCallerNumber('+442079460123')).toEqual({ presentation: 'number', e164: '+442079460123' });
    expect(normalizeCallerNumber('+44 20 7946 0123')).toEqual({ presentation: 'number', e164: '+442079460123' });
    expect(normalizeCallerNumber('tel:+442079460123')).toEqual({ presentation: 'number', e164: '+442079460123' });
  });

  it('reads national formats in the configured region', () => {
    expect(normalizeCallerNumber('020 7946 0123', 'GB')).toEqual({ presentation: 'number', e164: '+442079460123' });
    // The same digits read as a US number are not valid.
    expect(normalizeCallerNumber('020 7946 0123', 'US')).toEqual({ presentation: 'invalid' });
  });
});

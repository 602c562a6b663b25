import { describe, expect, it } from 'vitest';
import type { CallchartError } from '../lib/errors.ts';
import { parseScimFilter } from './scim-filter.ts';

const userAttributes = ['userName', 'externalId', 'displayName', 'id', 'active'];

function refusal(filter: string, attributes = userAttributes): string {
  try {
    parseScimFilter(filter, attributes);
  } catch (error) {
    return (error as CallchartError).code;
  }
  return 'accepted';
}

describe('the SCIM filters identity providers send', () => {
  it('reads Okta\'s userName lookup and Entra ID\'s externalId lookup, attribute names in any case', () => {
    expect(parseScimFilter('userName eq "nurse.kim@clinic.example"', userAttributes)).toEqual([{ attribute: 'userName', value: 'nurse.kim@clinic.example' }]);
    expect(parseScimFilter('externalid EQ "00u1abcd"', userAttributes)).toEqual([{ attribute: 'externalId', value: '00u1abcd' }]);
    expect(parseScimFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"', userAttributes)).toEqual([{ attribute: 'userName', value: 'a' }]);
  });

  it('joins equalities with and, reads JSON escapes, booleans and null', () => {
    expect(parseScimFilter('displayName eq "Kim \\"K\\" Lee" and active eq true and externalId eq null', userAttributes)).toEqual([
      { attribute: 'displayName', value: 'Kim "K" Lee' },
      { attribute: 'active', value: true },
      { attribute: 'externalId', value: null },
    ]);
  });

  it('reads Entra ID\'s membership check on groups', () => {
    expect(parseScimFilter('id eq "g1" and members[value eq "u1"]', ['id', 'displayName', 'members.value'])).toEqual([
      { attribute: 'id', value: 'g1' },
      { attribute: 'members.value', value: 'u1' },
    ]);
  });

  it('refuses what it does not understand with invalidFilter instead of guessing', () => {
    for (const filter of ['', 'userName', 'userName eq', 'userName co "kim"', 'userName eq "a" or userName eq "b"', '(userName eq "a")', 'not (userName eq "a")', 'shoeSize eq "42"', 'userName eq "unterminated', 'userName eq kim', 'members[value eq "u1"]', 'userName eq "a" and']) {
      expect(refusal(filter), filter).toBe('SCIM_INVALID_FILTER');
    }
  });
});

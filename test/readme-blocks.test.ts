import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/config.loader.ts';
import { configSchema } from '../src/config/config.schema.ts';

/**
 * Issue 12, defect 7: the README's configuration example was invalid YAML (two `ehr:` keys), so
 * the first thing an admin copied failed. Every ```yaml and ```json block in the README must
 * parse, and a YAML block shaped like the config file (its top-level keys are config sections)
 * must pass the config schema, exactly as `callchart config check` would read it.
 */

interface FencedBlock {
  language: 'yaml' | 'json';
  line: number;
  text: string;
}

function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(yaml|yml|json)\s*$/i.exec(lines[index]!);
    if (!open) continue;
    const [, , fence, language] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence)) body.push(lines[end++]!);
    blocks.push({ language: language.toLowerCase() === 'json' ? 'json' : 'yaml', line: index + 1, text: body.join('\n') });
    index = end;
  }
  return blocks;
}

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = fencedBlocks(readme);
const configSections = new Set(Object.keys(configSchema.shape));

describe('README code blocks', () => {
  it('the README has a YAML configuration example to check', () => {
    expect(blocks.some((block) => block.language === 'yaml')).toBe(true);
  });

  it('finds fenced blocks the way a Markdown reader does', () => {
    const sample = ['text', '```yaml', 'a: 1', '```', '```sh', 'echo', '```', '~~~json', '{"b": 2}', '~~~', ''].join('\n');
    expect(fencedBlocks(sample)).toEqual([
      { language: 'yaml', line: 2, text: 'a: 1' },
      { language: 'json', line: 8, text: '{"b": 2}' },
    ]);
  });

  it.each(blocks.map((block) => [`${block.language} block at README.md:${block.line}`, block] as const))('%s parses', (_name, block) => {
    if (block.language === 'json') {
      expect(() => JSON.parse(block.text)).not.toThrow();
      return;
    }
    // Duplicate keys, bad indentation and the like are errors here, as in `config check`.
    const document = parseDocument(block.text, { uniqueKeys: true });
    expect(document.errors.map((error) => error.message)).toEqual([]);
    const value: unknown = document.toJS();
    const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    if (keys.length > 0 && keys.every((key) => configSections.has(key))) {
      const result = parseConfigText(block.text);
      expect(result.ok ? [] : result.problems).toEqual([]);
    }
  });
});

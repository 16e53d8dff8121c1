import { describe, expect, it } from 'vitest'
import { parseInline, parseMarkdown } from '../../src/shared/text/markdown'

describe('the guidelines Markdown', () => {
  it('reads headings, paragraphs, lists, quotes, code and rules', () => {
    const blocks = parseMarkdown(
      [
        '# Transcribing',
        '',
        'Write what was said,',
        'not what was meant.',
        '',
        '- numbers as **words**',
        '- laughter as `[laugh]`',
        '  even when short',
        '',
        '3. first',
        '4. second',
        '',
        '> Ask in the thread.',
        '',
        '```',
        '<b>kept as text</b>',
        '```',
        '---',
      ].join('\n'),
    )
    expect(blocks.map((b) => b.kind)).toEqual([
      'heading',
      'paragraph',
      'list',
      'list',
      'quote',
      'code',
      'rule',
    ])
    expect(blocks[1]).toEqual({
      kind: 'paragraph',
      children: [{ kind: 'text', text: 'Write what was said, not what was meant.' }],
    })
    expect(blocks[2]).toMatchObject({
      ordered: false,
      items: [
        [{ text: 'numbers as ' }, { kind: 'strong', children: [{ text: 'words' }] }],
        [{ text: 'laughter as ' }, { kind: 'code', text: '[laugh]' }, { text: ' even when short' }],
      ],
    })
    expect(blocks[3]).toMatchObject({ ordered: true, start: 3 })
    expect(blocks[5]).toEqual({ kind: 'code', text: '<b>kept as text</b>' })
  })

  it('keeps raw HTML as text and follows only http, https and mailto links', () => {
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([
      { kind: 'text', text: '<img src=x onerror=alert(1)>' },
    ])
    expect(parseInline('[site](https://example.org/a) and [x](javascript:alert(1))')).toEqual([
      { kind: 'link', href: 'https://example.org/a', children: [{ kind: 'text', text: 'site' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'text', text: 'x' },
    ])
    expect(parseInline('[mail](mailto:lead@example.org)')[0]).toMatchObject({ kind: 'link' })
    expect(parseInline('[data](data:text/html,hi)')).toEqual([{ kind: 'text', text: 'data' }])
  })

  it('leaves snake_case, lone stars and escaped characters alone', () => {
    expect(parseInline('file_name_here')).toEqual([{ kind: 'text', text: 'file_name_here' }])
    expect(parseInline('2 * 3 = 6')).toEqual([{ kind: 'text', text: '2 * 3 = 6' }])
    expect(parseInline('\\*not em\\*')).toEqual([{ kind: 'text', text: '*not em*' }])
    expect(parseInline('*em* and _em_')).toEqual([
      { kind: 'em', children: [{ kind: 'text', text: 'em' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'em', children: [{ kind: 'text', text: 'em' }] },
    ])
  })
})

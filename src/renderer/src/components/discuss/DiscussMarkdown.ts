import { defineComponent, h, type PropType, type VNode } from 'vue'
import { parseMarkdown, type Block, type Inline } from '../../../../shared/text/markdown'

function inline(nodes: Inline[]): (VNode | string)[] {
  return nodes.map((n) => {
    switch (n.kind) {
      case 'text':
        return n.text
      case 'code':
        return h('code', n.text)
      case 'strong':
        return h('strong', inline(n.children))
      case 'em':
        return h('em', inline(n.children))
      case 'link':
        return h(
          'a',
          { href: n.href, target: '_blank', rel: 'noopener noreferrer' },
          inline(n.children),
        )
    }
  })
}

function block(b: Block): VNode {
  switch (b.kind) {
    case 'heading':
      // The panel has its own title: the document's headings sit one level below it.
      return h(`h${Math.min(b.level + 2, 6)}`, inline(b.children))
    case 'paragraph':
      return h('p', inline(b.children))
    case 'list':
      return h(
        b.ordered ? 'ol' : 'ul',
        b.ordered && b.start !== 1 ? { start: b.start } : {},
        b.items.map((item) => h('li', inline(item))),
      )
    case 'quote':
      return h('blockquote', b.blocks.map(block))
    case 'code':
      return h('pre', h('code', b.text))
    case 'rule':
      return h('hr')
  }
}

/**
 * Markdown shown as elements built from the parsed tree, never from an HTML string: what a lead
 * types, HTML included, can only appear as text, and nothing needs the CSP loosened.
 */
export default defineComponent({
  name: 'DiscussMarkdown',
  props: { source: { type: String as PropType<string>, required: true } },
  setup(props) {
    return () =>
      h('div', { class: 'markdown', dir: 'auto' }, parseMarkdown(props.source).map(block))
  },
})

import { computed, ref, type ComputedRef, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FlagReason } from '../../../shared/domain'
import { flagReasons } from '../../../shared/domain'
import type { Choice } from '../components/annotate/AnnotateChoiceMenu.vue'
import { useAnnotatorStore } from '../stores/annotator'
import { useEditorStore } from '../stores/editor'
import { useProjectStore } from '../stores/project'
import { wordsInSelection } from '../transcript/text-model'

export interface ChoiceMenus {
  /** The menu open in the editor, if any. */
  menu: Ref<'language' | 'flag' | null>
  title: ComputedRef<string>
  choices: ComputedRef<Choice[]>
  /** Opens the language menu on the words it will tag, or says why there are none. */
  openTagMenu: () => void
  /** A pick in the open menu: a language for the selected words, or why to set the utterance aside. */
  choose: (value: string | null) => void
}

/**
 * The editor's two menus of choices: the language to tag the selected words with (the selected
 * ones, else the word at the cursor) and the reason to flag the utterance.
 */
export function useChoiceMenus(options: {
  selection: () => [number, number]
  focusText: () => void
  refuse: (message: string) => void
  flag: (reason: FlagReason) => void
}): ChoiceMenus {
  const { t } = useI18n()
  const editor = useEditorStore()
  const annotator = useAnnotatorStore()
  const project = useProjectStore()
  const menu = ref<'language' | 'flag' | null>(null)
  const tagRange = ref<[number, number] | null>(null)
  const tagFromSelection = ref(false)

  /** The project's languages and the annotator's, the project's default first. */
  const languages = computed(() => {
    const set = new Set(project.summary?.languages ?? [])
    for (const l of annotator.current?.languages ?? []) set.add(l)
    const first = project.summary?.defaultLanguage
    return [...set].sort((a, b) => Number(b === first) - Number(a === first) || a.localeCompare(b))
  })

  const tagTitle = computed(() => {
    const range = tagRange.value
    if (!range) return ''
    const words = editor.words.slice(range[0], range[1]).map((w) => w.text)
    if (words.length === 1 && !tagFromSelection.value)
      return t('workspace.tagAtCursor', { word: words[0] })
    return t('workspace.tagSelected', { words: words.join(' '), n: words.length }, words.length)
  })

  function openTagMenu(): void {
    const [from, to] = options.selection()
    const range = wordsInSelection(editor.words, from, to)
    if (!range) {
      options.refuse(t('workspace.refuse.tagNothing'))
      return
    }
    tagRange.value = range
    tagFromSelection.value = from !== to
    menu.value = 'language'
  }

  function choose(value: string | null): void {
    const open = menu.value
    menu.value = null
    if (open !== 'language') {
      options.flag(value as FlagReason)
      return
    }
    const range = tagRange.value
    if (range) editor.tag(range[0], range[1], value)
    options.focusText()
  }

  const choices = computed<Choice[]>(() =>
    menu.value === 'language'
      ? [
          ...languages.value.slice(0, 9).map((l) => ({ value: l, label: l })),
          { value: null, label: t('workspace.untag') },
        ]
      : flagReasons.map((r) => ({ value: r, label: t(`workspace.flagReasons.${r}`) })),
  )
  const title = computed(() =>
    menu.value === 'language' ? tagTitle.value : t('workspace.flagTitle'),
  )

  return { menu, title, choices, openTagMenu, choose }
}

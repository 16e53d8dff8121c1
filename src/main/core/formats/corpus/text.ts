/** Text helpers shared by the writers. */

/**
 * The transcript on one line with single spaces: line-based formats (Kaldi `text`, TSV) cannot
 * hold tabs or newlines, and Kaldi refuses Unicode whitespace other than space, tab and newline
 * (utils/validate_text.pl). Zero-width joiners are not whitespace and are kept.
 */
export function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim()
}

/**
 * Characters XML 1.0 cannot carry at all (C0 controls other than tab, newline and return, lone
 * surrogates, U+FFFE/U+FFFF) become U+FFFD, so one stray byte in a transcript does not make the
 * whole file unreadable.
 */
function xmlSafe(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  )
}

/** Element content: &, < and > escaped; a carriage return as a reference so parsers keep it. */
export function xmlText(s: string): string {
  return xmlSafe(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;')
}

/** An attribute value in double quotes; tabs and newlines as references, as parsers would flatten them. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;')
}

/** Compares strings by their UTF-8 bytes: the order of `LC_ALL=C sort`. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** posix-style join that ignores an empty folder. */
export function joinPath(dir: string, name: string): string {
  const d = dir.replace(/\/+$/, '')
  return d ? `${d}/${name}` : name
}

/**
 * A path relative to a folder of the export, both given relative to the export root. Formats
 * resolve their audio paths against the file that names them (NeMo, Hugging Face, ELAN, our
 * manifests), so each writer rebases the root-relative paths it was given.
 */
export function relativePath(fromDir: string, path: string): string {
  const from = fromDir.split('/').filter((p) => p && p !== '.')
  const to = path.split('/').filter((p) => p && p !== '.')
  let common = 0
  while (common < from.length && common < to.length && from[common] === to[common]) common++
  return [...from.slice(common).map(() => '..'), ...to.slice(common)].join('/')
}

/** A name that is safe as a file name on every system: letters, digits, ".", "_" and "-". */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_')
  return cleaned || '_'
}

/**
 * Gives each key a distinct name made by `clean`. Keys that are already clean keep their name;
 * the others take the cleaned form, with "_2", "_3"… where that is taken.
 */
export function uniqueNames(keys: string[], clean: (key: string) => string): Map<string, string> {
  const names = new Map<string, string>()
  const taken = new Set(keys.filter((k) => clean(k) === k))
  for (const key of keys) {
    if (clean(key) === key) {
      names.set(key, key)
      continue
    }
    const base = clean(key)
    let name = base
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`
    taken.add(name)
    names.set(key, name)
  }
  return names
}
